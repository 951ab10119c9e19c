//! Fixes for blocked flows (issue 14): the smallest set of edits from a fixed catalogue that
//! makes a must-reach client's flow reachable, proved by analysing the patched scenario again.
//!
//! A consumer of analyses, like [`crate::diff`]: it derives candidate edits from what the
//! analysis says stopped the flow (its reason, and the steps its packet took), applies them to
//! a clone of the validated [`Scenario`], and asks [`crate::checked::check`] again. It never
//! re-implements a model rule, so a fix it prints is one the model itself accepts.
//!
//! The catalogue:
//! - an allowlist entry: the exact translated source the public endpoint saw, as /32 or /128;
//! - a security group ingress rule on an ENI security group, from the client's own security
//!   group (when it sits in the cluster VPC) or its address; an egress rule on the client's
//!   group towards the address it was refused;
//! - a NACL rule pair (the request's port and the reply's ephemeral ports) on the ENI
//!   subnet's or the client subnet's NACL, numbered just under the lowest rule;
//! - a route or return route where a missing one stops the path, in the route table (an ENI
//!   subnet's, a NAT gateway's or egress subnet's, a transit gateway attachment subnet's)
//!   or network the blocking hop names: back, for the client's block over the connection
//!   the request crossed last; onward, for the destination's VPC or network block over a
//!   connection joining the two places, or `0.0.0.0/0` to a NAT gateway for a public
//!   destination; and, as before, a route towards the cluster over a connection that
//!   attaches both ends, or a return route in the ENI subnet's route table over the
//!   connection the path came in by;
//! - a conditional forwarder on the client's DNS server, or a Resolver forward rule in the
//!   client's VPC, for the endpoint name to the cluster VPC's inbound endpoint;
//! - `enableDnsSupport` / `enableDnsHostnames` turned on.
//!
//! A flow that resolves nothing because a traced DNS query hop did not arrive
//! (`DNS_UNREACHABLE`, SPEC 8) gets entries from the first blocked hop and its own code: an
//! ingress rule udp/53 on the endpoint's or DNS server's group from the asker, an egress rule
//! udp/53 on the asker's group, a udp NACL rule pair on the subnet that blocks, or a route
//! as above. UDP only: the verdict uses UDP 53 (SPEC 8.4), so TCP 53 is never needed for
//! the fix; a hop blocking TCP 53 stays an EKS027 warning.
//!
//! A flow through an HTTPS proxy (SPEC 10.2) blocked on leg 1 gets an ingress rule on the
//! proxy's security group for the proxy port from the source the proxy saw, or an egress
//! rule on the client's group to the proxy; blocked on leg 2, the entries of the proxy
//! client's own flow.
//!
//! The control plane → kubelet checks (TCP 10250, EKS009; SPEC 9.3 for hybrid nodes) are
//! must-reach too, searched the same way with their own entries: a route for the remote
//! node block in an ENI subnet's route table over a connection to the node's network, the
//! network's route back to the cluster VPC over the connection the request used, an egress
//! rule tcp/10250 on a cluster security group, an ingress rule tcp/10250 from the cluster
//! security group on a node security group, and a NACL rule pair on the ENI or node subnet.
//! A candidate is verified when some ENI reaches the kubelet in the patched scenario and
//! nothing else got worse; a node outside `remoteNodeNetworks` has no entry (the block is
//! the cluster's configuration, EKS035).
//!
//! **The bound.** Per flow at most [`MAX_CANDIDATES`] candidates at each of at most
//! [`MAX_DEPTH`] levels (a second edit is derived from what stops the flow once the first is
//! applied); per scenario at most [`MAX_TRIALS`] patched one-flow analyses and
//! [`MAX_VERIFICATIONS`] full re-analyses. A fix is searched for only for blocked must-reach
//! flows, and a verified edit set is reused for every other flow it makes reachable. Past the
//! bound a flow's fix is `null` ("no fix known"), never a guess.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};

use ipnetwork::IpNetwork;
use serde::Serialize;
use serde_json::{Value, json};

use crate::analysis::{self, Flow, KubeletFlow};
use crate::checked::{self, Checked};
use crate::dns::Resolver;
use crate::path::{KubeletPath, Step, Target, Tracer};
use crate::reason::{Blocked, Reason};
use crate::rules::Severity;
use crate::scenario::{
    AclIx, AclRule, Attachment, ClientLocation, ConnIx, DhcpDnsServer, DnsServerIx, EndpointAccess,
    EndpointRef, ForwardRule, ForwardTarget, Forwarder, NetworkIx, NetworkRoute, PortRange,
    Protocol, Route, RouteTableIx, RouteTarget, Scenario, SgIx, SgPeer, SgRule, SubnetIx, VpcIx,
};

/// Candidates tried at each level of one flow's search.
pub const MAX_CANDIDATES: usize = 8;
/// Catalogue entries in one fix (a NACL rule pair is one entry).
pub const MAX_DEPTH: usize = 2;
/// Patched one-flow analyses per scenario.
pub const MAX_TRIALS: usize = 64;
/// Full re-analyses (every flow, every rule) per scenario.
pub const MAX_VERIFICATIONS: usize = 8;

/// A verified fix for one flow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fix {
    /// The edits in words: `add 198.51.100.80/32 to cluster.publicAccessCidrs`.
    pub summary: String,
    pub edits: Vec<Edit>,
    /// Always true: the patched scenario was analysed again (an unverified guess is never
    /// made into a `Fix`).
    pub verified: bool,
}

/// One edit of the scenario file, JSON Patch-like: `add` appends `value` to the list at
/// `path`; `replace` sets the field at `path`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edit {
    /// The field path in the scenario (`cluster.publicAccessCidrs`,
    /// `vpcs[0].securityGroups[0].ingress`).
    pub path: String,
    pub op: &'static str,
    pub value: Value,
}

/// The fixes of one checked scenario, by client: an entry only for blocked must-reach flows
/// (`None` inside: no fix known).
#[derive(Debug, Clone, Default)]
pub struct Fixes {
    by_client: HashMap<String, Option<Fix>>,
    /// Blocked kubelet checks, by node client path.
    kubelet: HashMap<String, Option<Fix>>,
}

impl Fixes {
    /// No fixes at all (renderers called without a search).
    pub fn none() -> Self {
        Fixes::default()
    }

    /// `None` when the flow gets no `fix` field (reachable, or its client need not reach
    /// the API); `Some(None)` when no fix is known; else the fix.
    pub fn of(&self, flow: &Flow<'_>) -> Option<Option<&Fix>> {
        self.by_client.get(&flow.client.path).map(Option::as_ref)
    }

    /// `None` when the kubelet check is reachable (or no search ran); `Some(None)` when no
    /// fix is known; else the fix.
    pub fn of_kubelet(&self, check: &KubeletFlow<'_>) -> Option<Option<&Fix>> {
        self.kubelet.get(&check.node.path).map(Option::as_ref)
    }

    /// How many flows and kubelet checks have a verified fix.
    pub fn found(&self) -> usize {
        self.by_client
            .values()
            .chain(self.kubelet.values())
            .filter(|fix| fix.is_some())
            .count()
    }
}

/// The line reports print under a blocked flow: `fix: SUMMARY — verified`, or
/// `fix: none known` (the text is the scenario's, to be escaped where it is placed).
pub fn line(fix: Option<&Fix>) -> String {
    match fix {
        Some(fix) => format!("fix: {} — verified", fix.summary),
        None => "fix: none known".to_owned(),
    }
}

/// One text replacement in the scenario file: at `line`/`column` (1-based, in characters),
/// delete `delete` characters and insert `insert` (SARIF `replacements`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub line: usize,
    pub column: usize,
    pub delete: usize,
    pub insert: String,
}

/// The fix as text edits of the scenario's own file `text`, when every edit maps to a
/// written location: `None` for an imported scenario (its positions are another format's)
/// or an edit of a list or flag the file does not write. A list written in flow style
/// (`[a, b]`) gets the value right after its `[`; one in block style a `- value` line before
/// its first item, at the same indentation; a flag written `false` becomes `true`.
pub fn text_edits(scenario: &Scenario, fix: &Fix, text: &str) -> Option<Vec<TextEdit>> {
    if scenario.source.origin.is_some() {
        return None;
    }
    let spans = &scenario.source.spans;
    let char_at = |line: usize, column: usize| {
        text.lines()
            .nth(line.checked_sub(1)?)?
            .chars()
            .nth(column.checked_sub(1)?)
    };
    fix.edits
        .iter()
        .map(|edit| {
            if !spans.has(&edit.path) {
                return None;
            }
            let at = spans.value(&edit.path)?;
            let value = yaml_flow(&edit.value);
            if edit.op == "replace" {
                let written = text.lines().nth(at.line.checked_sub(1)?)?;
                let rest: String = written.chars().skip(at.column.checked_sub(1)?).collect();
                return (edit.value == Value::Bool(true) && rest.starts_with("false")).then(|| {
                    TextEdit {
                        line: at.line,
                        column: at.column,
                        delete: "false".len(),
                        insert: value,
                    }
                });
            }
            match char_at(at.line, at.column)? {
                '[' => {
                    let empty = !spans.has(&format!("{}[0]", edit.path));
                    Some(TextEdit {
                        line: at.line,
                        column: at.column + 1,
                        delete: 0,
                        insert: if empty { value } else { format!("{value}, ") },
                    })
                }
                '-' => Some(TextEdit {
                    line: at.line,
                    column: at.column,
                    delete: 0,
                    insert: format!("- {value}\n{}", " ".repeat(at.column.saturating_sub(1))),
                }),
                _ => None,
            }
        })
        .collect()
}

/// A JSON value as YAML flow text: `203.0.113.5/32`, `{ protocol: tcp, ports: 443 }`.
fn yaml_flow(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Object(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(key, value)| format!("{key}: {}", yaml_flow(value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(yaml_flow).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

/// Whether `flow`'s client must reach the API: `expect.reachable: true`, or a node group's
/// implicit client with no `expect.reachable` of its own.
pub fn must_reach(flow: &Flow<'_>) -> bool {
    match flow.client.expect.and_then(|expect| expect.reachable) {
        Some(reachable) => reachable,
        None => flow.client.node_group.is_some(),
    }
}

/// Searches a fix for every blocked must-reach flow of `checked`.
pub fn fixes(checked: &Checked<'_>) -> Fixes {
    let mut search = Search::new(checked);
    let mut by_client = HashMap::new();
    for (index, flow) in checked.flows.iter().enumerate() {
        if flow.blocked.is_none() || !must_reach(flow) {
            continue;
        }
        by_client.insert(flow.client.path.clone(), search.search(Goal::Flow(index)));
    }
    // The control plane → kubelet checks (TCP 10250) are must-reach too: every node group's
    // (SPEC 9.3 for hybrid nodes; EKS009).
    let mut kubelet = HashMap::new();
    for check in checked.kubelet.iter().filter(|check| !check.reachable()) {
        let Some(client) = checked
            .scenario
            .clients
            .iter()
            .position(|client| std::ptr::eq(client, check.node))
        else {
            continue;
        };
        kubelet.insert(
            check.node.path.clone(),
            search.search(Goal::Kubelet { client }),
        );
    }
    Fixes { by_client, kubelet }
}

/// One scenario-changing edit, as the model sees it.
#[derive(Debug, Clone)]
enum Change {
    Allowlist(IpNetwork),
    SgIngress(SgIx, SgPeer, Protocol, PortRange),
    SgEgress(SgIx, IpNetwork, Protocol, PortRange),
    Acl {
        acl: AclIx,
        proto: Protocol,
        inbound: bool,
        number: u32,
        ports: PortRange,
        cidr: IpNetwork,
    },
    Route(RouteTableIx, IpNetwork, RouteTarget),
    NetworkRoute(NetworkIx, IpNetwork, ConnIx),
    DnsSupport(VpcIx),
    DnsHostnames(VpcIx),
    Forwarder(DnsServerIx, Vec<std::net::Ipv4Addr>),
    ForwardRule(VpcIx, Vec<std::net::Ipv4Addr>),
}

/// One catalogue entry: one or two changes (a NACL rule pair), with their words and edits.
#[derive(Debug, Clone)]
struct Candidate {
    changes: Vec<Change>,
    summary: String,
    edits: Vec<Edit>,
}

impl Candidate {
    fn key(&self) -> String {
        self.edits
            .iter()
            .map(|edit| format!("{} {} {}", edit.path, edit.op, edit.value))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// What one full re-analysis of a patched scenario showed.
#[derive(Debug, Clone)]
struct Verified {
    /// No flow or kubelet check worse, no new error finding.
    harmless: bool,
    /// The client paths whose flows are reachable in the patched scenario.
    reachable: HashSet<String>,
    /// The node client paths whose kubelet checks are reachable there.
    kubelet_reachable: HashSet<String>,
}

impl Verified {
    fn reaches(&self, goal: Goal, path: &str) -> bool {
        match goal {
            Goal::Flow(_) => self.reachable.contains(path),
            Goal::Kubelet { .. } => self.kubelet_reachable.contains(path),
        }
    }
}

/// What a search makes reachable: a client's flow (by its index in the analysis, which is
/// its index among the scenario's clients), or the control plane's kubelet check of a node
/// client (by that client's index).
#[derive(Debug, Clone, Copy)]
enum Goal {
    Flow(usize),
    Kubelet { client: usize },
}

struct Search<'c, 's> {
    base: &'c Checked<'s>,
    scenario: &'s Scenario,
    mode: EndpointAccess,
    trials: usize,
    verifications: usize,
    verified: HashMap<String, Verified>,
    /// Harmless verified fixes in the order found, reused for later flows.
    found: Vec<(String, Vec<Candidate>)>,
}

impl<'c, 's> Search<'c, 's> {
    fn new(base: &'c Checked<'s>) -> Self {
        Search {
            base,
            scenario: base.scenario,
            mode: base.mode,
            trials: 0,
            verifications: 0,
            verified: HashMap::new(),
            found: Vec::new(),
        }
    }

    /// The fix of `goal`: a verified set found for another goal that makes this one
    /// reachable too, else level 1 (single entries), else level 2 (a second entry derived
    /// from what stops the goal once the first is applied).
    fn search(&mut self, goal: Goal) -> Option<Fix> {
        let path = self.goal_path(goal)?;
        for (key, set) in &self.found {
            if self
                .verified
                .get(key)
                .is_some_and(|v| v.harmless && v.reaches(goal, &path))
            {
                return Some(fix_of(set));
            }
        }
        let first = self.candidates_in(goal, self.scenario);
        let mut progress: Vec<(Candidate, Box<Scenario>)> = Vec::new();
        for candidate in first.iter().take(MAX_CANDIDATES) {
            let set = vec![candidate.clone()];
            match self.try_set(goal, &set) {
                Trial::Fixed => return Some(fix_of(&set)),
                Trial::Progress(patched) => progress.push((candidate.clone(), patched)),
                Trial::Nothing => {}
            }
        }
        if MAX_DEPTH < 2 {
            return None;
        }
        for (first, patched) in progress {
            let seconds = self.candidates_in(goal, &patched);
            for second in seconds.into_iter().take(MAX_CANDIDATES) {
                let set = vec![first.clone(), second];
                if let Trial::Fixed = self.try_set(goal, &set) {
                    return Some(fix_of(&set));
                }
            }
        }
        None
    }

    /// The client path `goal` is recorded under.
    fn goal_path(&self, goal: Goal) -> Option<String> {
        match goal {
            Goal::Flow(index) => self.base.flows.get(index).map(|f| f.client.path.clone()),
            Goal::Kubelet { client } => self.scenario.clients.get(client).map(|c| c.path.clone()),
        }
    }

    /// The catalogue entries for what stops `goal` in `scenario` (the base, or a patched
    /// one at level 2).
    fn candidates_in(&self, goal: Goal, scenario: &Scenario) -> Vec<Candidate> {
        match goal {
            Goal::Flow(index) => {
                if std::ptr::eq(scenario, self.scenario) {
                    return self
                        .base
                        .flows
                        .get(index)
                        .map(|flow| candidates(scenario, flow))
                        .unwrap_or_default();
                }
                let analysis = analysis::analyse(scenario, Some(self.mode));
                analysis
                    .flows
                    .get(index)
                    .map(|flow| candidates(scenario, flow))
                    .unwrap_or_default()
            }
            Goal::Kubelet { client } => match kubelet_paths(scenario, self.mode, client) {
                Some((node, paths)) => kubelet_candidates(scenario, node, &paths),
                None => Vec::new(),
            },
        }
    }

    /// Whether `goal` is reachable in `scenario`, and what blocks it (every ENI's block, for
    /// a kubelet check), traced alone.
    fn outcome(&self, goal: Goal, scenario: &Scenario) -> Option<(bool, Vec<Option<Blocked>>)> {
        match goal {
            Goal::Flow(index) => {
                let client = scenario.clients.get(index)?;
                let resolver = Resolver::new(scenario, self.mode);
                let tracer = Tracer::new(scenario, self.mode);
                let flow = analysis::flow(&resolver, &tracer, client);
                Some((flow.reachable(), vec![flow.blocked]))
            }
            Goal::Kubelet { client } => {
                let (_, paths) = kubelet_paths(scenario, self.mode, client)?;
                let reachable = paths.iter().any(KubeletPath::reachable);
                Some((
                    reachable,
                    paths.into_iter().map(|path| path.blocked).collect(),
                ))
            }
        }
    }

    /// Applies `set`, traces the one goal, and when it is reachable, verifies the whole
    /// scenario.
    fn try_set(&mut self, goal: Goal, set: &[Candidate]) -> Trial {
        if self.trials >= MAX_TRIALS {
            return Trial::Nothing;
        }
        self.trials += 1;
        let before = match goal {
            Goal::Flow(index) => match self.base.flows.get(index) {
                Some(flow) => vec![flow.blocked.clone()],
                None => return Trial::Nothing,
            },
            Goal::Kubelet { .. } => match self.outcome(goal, self.scenario) {
                Some((_, before)) => before,
                None => return Trial::Nothing,
            },
        };
        let Some(patched) = patch(self.scenario, set) else {
            return Trial::Nothing;
        };
        match self.outcome(goal, &patched) {
            Some((true, _)) => {
                if self.verify(set, &patched) {
                    Trial::Fixed
                } else {
                    Trial::Nothing
                }
            }
            Some((false, after)) if after != before => Trial::Progress(Box::new(patched)),
            _ => Trial::Nothing,
        }
    }

    fn verify(&mut self, set: &[Candidate], patched: &Scenario) -> bool {
        let key = set_key(set);
        if let Some(done) = self.verified.get(&key) {
            return done.harmless;
        }
        if self.verifications >= MAX_VERIFICATIONS {
            return false;
        }
        self.verifications += 1;
        let after = checked::check(patched, Some(self.mode));
        let verified = Verified {
            harmless: no_worse(self.base, &after),
            reachable: after
                .flows
                .iter()
                .filter(|flow| flow.reachable())
                .map(|flow| flow.client.path.clone())
                .collect(),
            kubelet_reachable: after
                .kubelet
                .iter()
                .filter(|kubelet| kubelet.reachable())
                .map(|kubelet| kubelet.node.path.clone())
                .collect(),
        };
        let harmless = verified.harmless;
        self.verified.insert(key.clone(), verified);
        if harmless {
            self.found.push((key, set.to_vec()));
        }
        harmless
    }
}

enum Trial {
    Fixed,
    /// Still blocked, by something else: a second entry may finish the job.
    Progress(Box<Scenario>),
    Nothing,
}

fn set_key(set: &[Candidate]) -> String {
    set.iter()
        .map(Candidate::key)
        .collect::<Vec<_>>()
        .join("\n")
}

fn fix_of(set: &[Candidate]) -> Fix {
    Fix {
        summary: set
            .iter()
            .map(|candidate| candidate.summary.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        edits: set
            .iter()
            .flat_map(|candidate| candidate.edits.iter().cloned())
            .collect(),
        verified: true,
    }
}

/// No flow went from reachable to blocked, no expectation from met to failed, no kubelet
/// check from reachable to blocked, and no error finding appeared.
fn no_worse(before: &Checked<'_>, after: &Checked<'_>) -> bool {
    let flows_ok = before.flows.iter().zip(&after.flows).all(|(b, a)| {
        let verdict = !b.reachable() || a.reachable();
        let expectation =
            !b.expectation.is_some_and(|e| e.met) || a.expectation.is_some_and(|e| e.met);
        verdict && expectation
    });
    let kubelet_ok = before
        .kubelet
        .iter()
        .zip(&after.kubelet)
        .all(|(b, a)| !b.reachable() || a.reachable());
    let errors = |checked: &Checked<'_>| -> HashSet<(String, String)> {
        checked
            .findings
            .iter()
            .filter(|finding| finding.severity == Severity::Error)
            .map(|finding| (finding.code.as_str().to_owned(), finding.path.clone()))
            .collect()
    };
    let old = errors(before);
    let new_errors = errors(after).difference(&old).count();
    flows_ok && kubelet_ok && new_errors == 0
}

/// A clone of `scenario` with `set` applied; `None` when an edit names nothing.
fn patch(scenario: &Scenario, set: &[Candidate]) -> Option<Scenario> {
    let mut patched = scenario.clone();
    for change in set.iter().flat_map(|candidate| &candidate.changes) {
        apply(&mut patched, change)?;
    }
    Some(patched)
}

fn apply(s: &mut Scenario, change: &Change) -> Option<()> {
    match change {
        Change::Allowlist(cidr) => {
            s.cluster.public_access_cidrs.push(*cidr);
            s.cluster.public_access_cidrs_default = false;
        }
        Change::SgIngress(sg, peer, proto, ports) => {
            let group = s.security_groups.get_mut(sg.0)?;
            let path = format!("{}.ingress[{}]", group.path, group.ingress.len());
            group.ingress.push(SgRule {
                protocol: *proto,
                ports: *ports,
                peer: *peer,
                path,
            });
        }
        Change::SgEgress(sg, cidr, proto, ports) => {
            let group = s.security_groups.get_mut(sg.0)?;
            let egress = group.egress.get_or_insert_with(Vec::new);
            let path = format!("{}.egress[{}]", group.path, egress.len());
            egress.push(SgRule {
                protocol: *proto,
                ports: *ports,
                peer: SgPeer::Cidr(*cidr),
                path,
            });
        }
        Change::Acl {
            acl,
            proto,
            inbound,
            number,
            ports,
            cidr,
        } => {
            let acl = s.network_acls.get_mut(acl.0)?;
            let (list, key) = if *inbound {
                (&mut acl.inbound, "inbound")
            } else {
                (&mut acl.outbound, "outbound")
            };
            let path = format!("{}.{key}[{}]", acl.path, list.len());
            list.push(AclRule {
                number: *number,
                protocol: *proto,
                ports: *ports,
                cidr: *cidr,
                allow: true,
                path,
            });
            list.sort_by_key(|rule| rule.number);
        }
        Change::Route(table, destination, target) => {
            let table = s.route_tables.get_mut(table.0)?;
            let path = format!("{}.routes[{}]", table.path, table.routes.len());
            table.routes.push(Route {
                destination: *destination,
                target: *target,
                path,
            });
        }
        Change::NetworkRoute(network, destination, conn) => {
            let network = s.networks.get_mut(network.0)?;
            let path = format!("{}.routes[{}]", network.path, network.routes.len());
            network.routes.push(NetworkRoute {
                destination: *destination,
                target: *conn,
                path,
            });
        }
        Change::DnsSupport(vpc) => s.vpcs.get_mut(vpc.0)?.enable_dns_support = true,
        Change::DnsHostnames(vpc) => s.vpcs.get_mut(vpc.0)?.enable_dns_hostnames = true,
        Change::Forwarder(server, ips) => {
            let domain = s.cluster.endpoint.clone();
            let server = s.dns_servers.get_mut(server.0)?;
            server.forwarders.push(Forwarder {
                domain,
                to: ips.iter().copied().map(ForwardTarget::Ip).collect(),
            });
        }
        Change::ForwardRule(vpc, ips) => {
            let domain = s.cluster.endpoint.clone();
            let v = s.vpcs.get_mut(vpc.0)?;
            let outbound = v.outbound_endpoints.first().map(|e| e.id.clone());
            v.forward_rules.push(ForwardRule {
                id: None,
                domain,
                target_ips: ips.clone(),
                outbound_endpoint_written: outbound.clone(),
                outbound_endpoint: outbound.map(|_| EndpointRef {
                    vpc: *vpc,
                    index: 0,
                }),
            });
        }
    }
    Some(())
}

// ---- candidates ---------------------------------------------------------------------------

fn host(address: IpAddr) -> IpNetwork {
    match address {
        IpAddr::V4(_) => IpNetwork::new(address, 32),
        IpAddr::V6(_) => IpNetwork::new(address, 128),
    }
    .unwrap_or_else(|_| IpNetwork::from(address))
}

fn ports_value(ports: PortRange) -> Value {
    if ports.from == ports.to {
        json!(ports.from)
    } else {
        json!(ports.to_string())
    }
}

/// The catalogue entries that address what stops `flow`, most specific first.
fn candidates(scenario: &Scenario, flow: &Flow<'_>) -> Vec<Candidate> {
    let mut out = Vec::new();
    let Some(blocked) = &flow.blocked else {
        return out;
    };
    // Through a proxy (SPEC 10.2): leg 1's block is the client's connection to the proxy;
    // leg 2's is the proxy's own flow, whose entries are the proxy client's.
    if let Some(leg) = &flow.proxy {
        if let Some(first) = &leg.blocked {
            proxy_leg(scenario, flow, leg, first, &mut out);
            return out;
        }
        let mut onward = flow.clone();
        onward.client = leg.proxy;
        onward.blocked = flow.proxy_onward.clone();
        onward.proxy = None;
        onward.proxy_onward = None;
        return candidates(scenario, &onward);
    }
    let target = flow.targets.first();
    match (blocked.reason, target) {
        (Reason::PublicCidrDeny, Some(target)) => allowlist(scenario, target, &mut out),
        (Reason::SgIngressDeny, Some(target)) => sg_ingress(scenario, flow, target, &mut out),
        (Reason::SgEgressDeny, Some(target)) => sg_egress(scenario, flow, target, &mut out),
        (Reason::NaclInboundDeny | Reason::NaclOutboundDeny, Some(target)) => {
            nacl(scenario, flow, target, blocked, &mut out)
        }
        (Reason::NoReturnRoute, Some(target)) => {
            path_route(scenario, flow, target, true, &mut out);
            return_route(scenario, flow, target, &mut out);
        }
        (Reason::NoRoute, Some(target)) => {
            path_route(scenario, flow, target, false, &mut out);
            route(scenario, flow, target, &mut out);
        }
        (Reason::DnsUnreachable, _) => dns_query(scenario, flow, &mut out),
        _ => {}
    }
    dns(scenario, flow, &mut out);
    let mut seen = HashSet::new();
    out.retain(|candidate| seen.insert(candidate.key()));
    out
}

fn allowlist(scenario: &Scenario, target: &Target<'_>, out: &mut Vec<Candidate>) {
    let Some(source) = translated_source(target) else {
        return;
    };
    let cidr = host(source);
    if scenario.cluster.public_access_cidrs.contains(&cidr) {
        return;
    }
    out.push(Candidate {
        changes: vec![Change::Allowlist(cidr)],
        summary: format!("add {cidr} to cluster.publicAccessCidrs"),
        edits: vec![Edit {
            path: "cluster.publicAccessCidrs".to_owned(),
            op: "add",
            value: json!(cidr.to_string()),
        }],
    });
}

/// Entries for a blocked leg 1 (client → proxy port): an ingress rule on the proxy's
/// security group for the port from the source it saw (the client's address, or the NAT or
/// egress address it left through), or an egress rule on the client's group to the proxy.
fn proxy_leg(
    scenario: &Scenario,
    flow: &Flow<'_>,
    leg: &crate::path::ProxyLeg<'_>,
    blocked: &Blocked,
    out: &mut Vec<Candidate>,
) {
    let port = PortRange {
        from: leg.port,
        to: leg.port,
    };
    let mut push = |sg: SgIx, change: Change, summary: String, key: &str, rule: Value| {
        let Some(group) = scenario.security_group(sg) else {
            return;
        };
        out.push(Candidate {
            changes: vec![change],
            summary: format!("{summary} to {}", group.id),
            edits: vec![Edit {
                path: format!("{}.{key}", group.path),
                op: "add",
                value: rule,
            }],
        });
    };
    match blocked.reason {
        Reason::SgIngressDeny => {
            let source =
                steps_source(&leg.steps, IpAddr::V4(flow.client.ip)).unwrap_or(leg.address);
            let cidr = host(source);
            for sg in leg.proxy.security_groups.iter().take(2) {
                push(
                    *sg,
                    Change::SgIngress(*sg, SgPeer::Cidr(cidr), Protocol::Tcp, port),
                    format!("add ingress tcp {port} from {cidr}"),
                    "ingress",
                    json!({ "protocol": "tcp", "ports": leg.port, "cidr": cidr.to_string() }),
                );
            }
        }
        Reason::SgEgressDeny => {
            let cidr = host(leg.address);
            for sg in flow.client.security_groups.iter().take(2) {
                push(
                    *sg,
                    Change::SgEgress(*sg, cidr, Protocol::Tcp, port),
                    format!("add egress tcp {port} to {cidr}"),
                    "egress",
                    json!({ "protocol": "tcp", "ports": leg.port, "cidr": cidr.to_string() }),
                );
            }
        }
        _ => {}
    }
}

/// The source address the public endpoint saw: the last translation on the path, else the
/// client's own address.
fn translated_source(target: &Target<'_>) -> Option<IpAddr> {
    steps_source(&target.steps, target.source)
}

/// The source after `steps`: the last translation among them, else `source`.
fn steps_source(steps: &[Step<'_>], source: IpAddr) -> Option<IpAddr> {
    let mut source = Some(source);
    for step in steps {
        match step {
            Step::Nat { public_ip, .. } | Step::InternetGateway { public_ip, .. } => {
                source = Some(*public_ip)
            }
            Step::NetworkEgress { egress, .. } | Step::ConnectionToInternet { egress, .. } => {
                source = Some(*egress)
            }
            _ => {}
        }
    }
    source
}

fn eni_subnet(scenario: &Scenario, address: IpAddr) -> Option<SubnetIx> {
    scenario
        .cluster
        .enis
        .iter()
        .find(|eni| eni.has(address))
        .map(|eni| eni.subnet)
}

fn client_subnet(flow: &Flow<'_>) -> Option<SubnetIx> {
    match flow.client.location {
        ClientLocation::Subnet(subnet) => Some(subnet),
        _ => None,
    }
}

fn sg_ingress(scenario: &Scenario, flow: &Flow<'_>, target: &Target<'_>, out: &mut Vec<Candidate>) {
    let cluster_vpc = scenario.cluster.vpc;
    let client_group = flow.client.security_groups.first().copied().filter(|sg| {
        scenario
            .security_group(*sg)
            .is_some_and(|g| g.vpc == cluster_vpc)
    });
    for eni_group in scenario.cluster.security_groups.iter().take(2) {
        let Some(group) = scenario.security_group(*eni_group) else {
            continue;
        };
        let path = format!("{}.ingress", group.path);
        if let Some((from_ix, from)) =
            client_group.and_then(|sg| scenario.security_group(sg).map(|g| (sg, g)))
        {
            out.push(Candidate {
                changes: vec![Change::SgIngress(
                    *eni_group,
                    SgPeer::Group(from_ix),
                    Protocol::Tcp,
                    PortRange::HTTPS,
                )],
                summary: format!(
                    "add ingress tcp 443 from security group {} to {}",
                    from.id, group.id
                ),
                edits: vec![Edit {
                    path: path.clone(),
                    op: "add",
                    value: json!({ "protocol": "tcp", "ports": 443, "sourceSecurityGroup": from.id }),
                }],
            });
        }
        let cidr = host(target.source);
        out.push(Candidate {
            changes: vec![Change::SgIngress(
                *eni_group,
                SgPeer::Cidr(cidr),
                Protocol::Tcp,
                PortRange::HTTPS,
            )],
            summary: format!("add ingress tcp 443 from {cidr} to {}", group.id),
            edits: vec![Edit {
                path,
                op: "add",
                value: json!({ "protocol": "tcp", "ports": 443, "cidr": cidr.to_string() }),
            }],
        });
    }
}

fn sg_egress(scenario: &Scenario, flow: &Flow<'_>, target: &Target<'_>, out: &mut Vec<Candidate>) {
    let cidr = host(target.address);
    for sg in flow.client.security_groups.iter().take(2) {
        let Some(group) = scenario.security_group(*sg) else {
            continue;
        };
        out.push(Candidate {
            changes: vec![Change::SgEgress(*sg, cidr, Protocol::Tcp, PortRange::HTTPS)],
            summary: format!("add egress tcp 443 to {cidr} to {}", group.id),
            edits: vec![Edit {
                path: format!("{}.egress", group.path),
                op: "add",
                value: json!({ "protocol": "tcp", "ports": 443, "cidr": cidr.to_string() }),
            }],
        });
    }
}

fn nacl(
    scenario: &Scenario,
    flow: &Flow<'_>,
    target: &Target<'_>,
    blocked: &Blocked,
    out: &mut Vec<Candidate>,
) {
    let blocked_at = target.steps.iter().rev().find_map(|step| match step {
        Step::Blocked { at, .. } => Some(at.as_str()),
        _ => None,
    });
    // (subnet, peer of that subnet, whether the request enters it)
    let mut sides: Vec<(SubnetIx, IpAddr, bool)> = Vec::new();
    if let Some(subnet) = eni_subnet(scenario, target.address) {
        sides.push((subnet, target.source, true));
    }
    if let Some(subnet) = client_subnet(flow) {
        sides.push((subnet, target.address, false));
    }
    for (subnet, peer, enters) in sides {
        // The request's direction carries 443; the reply's, the ephemeral ports.
        out.extend(acl_pair(
            scenario,
            subnet,
            peer,
            Protocol::Tcp,
            PortRange::HTTPS,
            enters,
            blocked_at,
            blocked,
        ));
    }
}

/// A rule number just under the lowest one (first match wins): 100 for an empty list,
/// `None` when rule 1 is taken.
fn under_lowest(rules: &[AclRule]) -> Option<u32> {
    match rules.iter().map(|rule| rule.number).min() {
        None => Some(100),
        Some(lowest) if lowest > 1 => Some(lowest - 1),
        Some(_) => None,
    }
}

/// The connection the path used into the cluster VPC: the last one it crossed.
fn used_connection(scenario: &Scenario, target: &Target<'_>) -> Option<ConnIx> {
    let by_id = |id: &str| {
        scenario
            .connections
            .iter()
            .position(|c| c.id == id)
            .map(ConnIx)
    };
    target.steps.iter().rev().find_map(|step| match step {
        Step::Delivered { connection, .. }
        | Step::Carried { connection, .. }
        | Step::TransitRoute { connection, .. } => by_id(&connection.id),
        Step::NetworkRoute { route, .. } => Some(route.target),
        Step::Route { route, .. } => match route.target {
            RouteTarget::Connection(conn) => Some(conn),
            _ => None,
        },
        _ => None,
    })
}

/// The client's CIDR as the ENI subnet should route it: its subnet's, or its network's.
fn client_cidr(scenario: &Scenario, flow: &Flow<'_>) -> Option<IpNetwork> {
    match flow.client.location {
        ClientLocation::Subnet(subnet) => scenario.subnet(subnet).map(|s| IpNetwork::V4(s.cidr)),
        ClientLocation::Network(network) => scenario
            .network(network)?
            .cidrs
            .iter()
            .find(|cidr| cidr.contains(flow.client.ip))
            .copied()
            .map(IpNetwork::V4),
        ClientLocation::Internet => None,
    }
}

fn route_candidate(
    scenario: &Scenario,
    table: RouteTableIx,
    destination: IpNetwork,
    conn: ConnIx,
) -> Option<Candidate> {
    let rt = scenario.route_table(table)?;
    let connection = scenario.connection(conn)?;
    Some(Candidate {
        changes: vec![Change::Route(
            table,
            destination,
            RouteTarget::Connection(conn),
        )],
        summary: format!("add route {destination} via {} to {}", connection.id, rt.id),
        edits: vec![Edit {
            path: format!("{}.routes", rt.path),
            op: "add",
            value: json!({ "destination": destination.to_string(), "target": connection.id }),
        }],
    })
}

fn return_route(
    scenario: &Scenario,
    flow: &Flow<'_>,
    target: &Target<'_>,
    out: &mut Vec<Candidate>,
) {
    let (Some(subnet), Some(conn), Some(cidr)) = (
        eni_subnet(scenario, target.address),
        used_connection(scenario, target),
        client_cidr(scenario, flow),
    ) else {
        return;
    };
    let Some(table) = scenario.subnet(subnet).and_then(|s| s.route_table) else {
        return;
    };
    out.extend(route_candidate(scenario, table, cidr, conn));
}

fn route(scenario: &Scenario, flow: &Flow<'_>, target: &Target<'_>, out: &mut Vec<Candidate>) {
    let IpAddr::V4(address) = target.address else {
        return;
    };
    let cluster_vpc = scenario.cluster.vpc;
    let Some(destination) = scenario
        .vpc(cluster_vpc)
        .and_then(|vpc| vpc.cidrs.iter().find(|cidr| cidr.contains(address)))
        .copied()
        .map(IpNetwork::V4)
    else {
        return;
    };
    let place = match flow.client.location {
        ClientLocation::Subnet(subnet) => scenario.subnet(subnet).map(|s| Attachment::Vpc(s.vpc)),
        ClientLocation::Network(network) => Some(Attachment::Network(network)),
        ClientLocation::Internet => None,
    };
    let Some(place) = place else {
        return;
    };
    let links = scenario
        .connections
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind.attaches(place) && c.kind.attaches(Attachment::Vpc(cluster_vpc)))
        .map(|(ix, _)| ConnIx(ix));
    for conn in links.take(MAX_CANDIDATES) {
        match flow.client.location {
            ClientLocation::Subnet(subnet) => {
                if let Some(table) = scenario.subnet(subnet).and_then(|s| s.route_table) {
                    out.extend(route_candidate(scenario, table, destination, conn));
                }
            }
            ClientLocation::Network(network) => {
                out.extend(network_route_candidate(
                    scenario,
                    network,
                    destination,
                    conn,
                ));
            }
            ClientLocation::Internet => {}
        }
    }
}

// ---- a missing route anywhere on the path ---------------------------------------------------

/// Where a missing route belongs: a VPC route table, or a network's routes.
#[derive(Debug, Clone, Copy)]
enum Holder {
    Table(RouteTableIx),
    Network(NetworkIx),
}

/// The route table or network a blocked hop names (`rt-egress-public (return)`, `office`),
/// and whether it is the reply's route that is missing. Scenario IDs are unique, so the
/// name is the element; a hop at anything else (a connection, `main (vpc-x)`) names none.
fn holder_named(scenario: &Scenario, at: &str) -> Option<(Holder, bool)> {
    let (name, back) = match at.strip_suffix(" (return)") {
        Some(name) => (name, true),
        None => (at, false),
    };
    if let Some(ix) = scenario.route_tables.iter().position(|t| t.id == name) {
        return Some((Holder::Table(RouteTableIx(ix)), back));
    }
    scenario
        .networks
        .iter()
        .position(|n| n.id == name)
        .map(|ix| (Holder::Network(NetworkIx(ix)), back))
}

/// The block a route for `address` should name: for a VPC address the CIDR of its subnet
/// when `narrow` (a reply's route back to one asker or client: the narrowest change), else
/// of its VPC (a request's route towards a VPC); for a network address the network's CIDR
/// holding it; `None` for an address of no place (the internet).
fn block_of(scenario: &Scenario, address: IpAddr, narrow: bool) -> Option<(IpNetwork, Attachment)> {
    let IpAddr::V4(ip) = address else {
        return None;
    };
    if let Some(vpc) = scenario.vpc_containing(ip) {
        let subnet = narrow
            .then(|| scenario.subnet_holding(vpc, ip))
            .flatten()
            .and_then(|subnet| scenario.subnet(subnet))
            .map(|subnet| subnet.cidr);
        let block = subnet.or_else(|| {
            scenario
                .vpc(vpc)?
                .cidrs
                .iter()
                .find(|c| c.contains(ip))
                .copied()
        })?;
        return Some((IpNetwork::V4(block), Attachment::Vpc(vpc)));
    }
    let network = scenario.network_containing(ip)?;
    let block = scenario
        .network(network)?
        .cidrs
        .iter()
        .find(|cidr| cidr.contains(ip))
        .copied()?;
    Some((IpNetwork::V4(block), Attachment::Network(network)))
}

/// Routes for `destination` in `holder` (issue 14: a route or return route over the
/// connection the path uses): over `used`, the connection the path crossed at that point,
/// when it attaches the holder's place; else over each connection joining that place to
/// `toward` (at most [`MAX_CANDIDATES`]). Nothing when the holder already routes exactly
/// that block (the route is there and goes elsewhere: not a missing route).
fn holder_routes(
    scenario: &Scenario,
    holder: Holder,
    destination: IpNetwork,
    used: Option<ConnIx>,
    toward: Option<Attachment>,
    out: &mut Vec<Candidate>,
) {
    let (place, taken) = match holder {
        Holder::Table(table) => {
            let Some(rt) = scenario.route_table(table) else {
                return;
            };
            (
                Attachment::Vpc(rt.vpc),
                rt.routes.iter().any(|r| r.destination == destination),
            )
        }
        Holder::Network(network) => {
            let Some(net) = scenario.network(network) else {
                return;
            };
            (
                Attachment::Network(network),
                net.routes.iter().any(|r| r.destination == destination),
            )
        }
    };
    if taken {
        return;
    }
    let attaches = |conn: ConnIx| {
        scenario
            .connection(conn)
            .is_some_and(|c| c.kind.attaches(place))
    };
    let links: Vec<ConnIx> = match used.filter(|conn| attaches(*conn)) {
        Some(conn) => vec![conn],
        None => {
            let Some(toward) = toward.filter(|toward| *toward != place) else {
                return;
            };
            scenario
                .connections
                .iter()
                .enumerate()
                .filter(|(_, c)| c.kind.attaches(place) && c.kind.attaches(toward))
                .map(|(ix, _)| ConnIx(ix))
                .take(MAX_CANDIDATES)
                .collect()
        }
    };
    for conn in links {
        match holder {
            Holder::Table(table) => out.extend(route_candidate(scenario, table, destination, conn)),
            Holder::Network(network) => out.extend(network_route_candidate(
                scenario,
                network,
                destination,
                conn,
            )),
        }
    }
}

fn network_route_candidate(
    scenario: &Scenario,
    network: NetworkIx,
    destination: IpNetwork,
    conn: ConnIx,
) -> Option<Candidate> {
    let net = scenario.network(network)?;
    let connection = scenario.connection(conn)?;
    Some(Candidate {
        changes: vec![Change::NetworkRoute(network, destination, conn)],
        summary: format!(
            "add route {destination} via {} to network {}",
            connection.id, net.id
        ),
        edits: vec![Edit {
            path: format!("{}.routes", net.path),
            op: "add",
            value: json!({ "destination": destination.to_string(), "target": connection.id }),
        }],
    })
}

/// A flow blocked by a missing route in any route table on its path — an ENI subnet's, a
/// NAT gateway's or egress subnet's, a transit gateway attachment subnet's — or in a
/// network's routes: the reply's route for the client's block over the connection the
/// request crossed last (`back`), or the request's route for the target's block over a
/// connection towards it.
fn path_route(
    scenario: &Scenario,
    flow: &Flow<'_>,
    target: &Target<'_>,
    back: bool,
    out: &mut Vec<Candidate>,
) {
    let Some(at) = target.steps.iter().rev().find_map(|step| match step {
        Step::Blocked { at, .. } => Some(at.as_str()),
        _ => None,
    }) else {
        return;
    };
    let Some((holder, named_back)) = holder_named(scenario, at) else {
        return;
    };
    if named_back != back {
        return;
    }
    if back {
        let Some(cidr) = client_cidr(scenario, &flow_for_target(flow)) else {
            return;
        };
        let used = used_connection(scenario, target);
        let toward = block_of(scenario, target.source, true).map(|(_, place)| place);
        holder_routes(scenario, holder, cidr, used, toward, out);
    } else if let Some((block, place)) = block_of(scenario, target.address, false) {
        holder_routes(scenario, holder, block, None, Some(place), out);
    } else if let Holder::Table(table) = holder {
        nat_routes(scenario, table, out);
    }
}

/// A public target no route of `table` covers (a client subnet, or a transit gateway
/// attachment subnet in an egress VPC): `0.0.0.0/0` to a NAT gateway of the table's VPC
/// in a subnet that does not use this table (its own would loop), at most two.
fn nat_routes(scenario: &Scenario, table: RouteTableIx, out: &mut Vec<Candidate>) {
    let Some(rt) = scenario.route_table(table) else {
        return;
    };
    let Ok(default) = IpNetwork::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0) else {
        return;
    };
    if rt.routes.iter().any(|r| r.destination == default) {
        return;
    }
    let nats = scenario
        .nat_gateways
        .iter()
        .enumerate()
        .filter(|(_, nat)| nat.public_ip.is_some())
        .filter(|(_, nat)| {
            scenario
                .subnet(nat.subnet)
                .is_some_and(|s| s.vpc == rt.vpc && s.route_table != Some(table))
        })
        .take(2);
    for (ix, nat) in nats {
        out.push(Candidate {
            changes: vec![Change::Route(
                table,
                default,
                RouteTarget::Nat(crate::scenario::NatIx(ix)),
            )],
            summary: format!("add route 0.0.0.0/0 via {} to {}", nat.id, rt.id),
            edits: vec![Edit {
                path: format!("{}.routes", rt.path),
                op: "add",
                value: json!({ "destination": "0.0.0.0/0", "target": nat.id }),
            }],
        });
    }
}

/// The flow whose client sent the target's packets (the proxy, for a proxied flow).
fn flow_for_target<'f, 's>(flow: &'f Flow<'s>) -> std::borrow::Cow<'f, Flow<'s>> {
    if flow.proxy.is_none() {
        return std::borrow::Cow::Borrowed(flow);
    }
    let mut onward = flow.clone();
    onward.client = flow.target_client();
    std::borrow::Cow::Owned(onward)
}

// ---- a blocked DNS query hop (SPEC 8, `dnsTransport: traced`) -----------------------------

/// One end of a traced DNS query hop, found again in the scenario by its address.
struct DnsEnd {
    ip: Ipv4Addr,
    groups: Vec<SgIx>,
    subnet: Option<SubnetIx>,
}

/// The asker of `query`: the flow's client, a DNS server, or an outbound endpoint's
/// interface.
fn dns_asker(scenario: &Scenario, client: &crate::scenario::Client, ip: Ipv4Addr) -> DnsEnd {
    if client.ip == ip {
        return DnsEnd {
            ip,
            groups: client.security_groups.clone(),
            subnet: match client.location {
                ClientLocation::Subnet(subnet) => Some(subnet),
                _ => None,
            },
        };
    }
    if let Some((_, server)) = scenario.dns_server_at(ip) {
        return DnsEnd {
            ip,
            groups: server.security_groups.clone(),
            subnet: server.subnet,
        };
    }
    endpoint_end(scenario, ip, true).unwrap_or(DnsEnd {
        ip,
        groups: Vec::new(),
        subnet: None,
    })
}

/// The server of a query: an inbound endpoint's interface or a DNS server.
fn dns_server_end(scenario: &Scenario, ip: Ipv4Addr) -> DnsEnd {
    if let Some(end) = endpoint_end(scenario, ip, false) {
        return end;
    }
    match scenario.dns_server_at(ip) {
        Some((_, server)) => DnsEnd {
            ip,
            groups: server.security_groups.clone(),
            subnet: server.subnet,
        },
        None => DnsEnd {
            ip,
            groups: Vec::new(),
            subnet: None,
        },
    }
}

fn endpoint_end(scenario: &Scenario, ip: Ipv4Addr, outbound: bool) -> Option<DnsEnd> {
    scenario.vpcs.iter().find_map(|vpc| {
        let endpoints = if outbound {
            &vpc.outbound_endpoints
        } else {
            &vpc.inbound_endpoints
        };
        endpoints.iter().find_map(|endpoint| {
            let interface = endpoint.interfaces.iter().find(|i| i.ip == ip)?;
            Some(DnsEnd {
                ip,
                groups: endpoint.security_groups.clone(),
                subnet: interface.subnet,
            })
        })
    })
}

/// UDP 53 (what resolution needs: SPEC 8.4).
const DNS_PORTS: PortRange = PortRange { from: 53, to: 53 };

/// The entries for a flow whose resolution failed because a query hop did not arrive
/// (`DNS_UNREACHABLE`), derived from the first blocked hop in list order — the one
/// `blockedBy` names — and its own code:
/// - `SG_INGRESS_DENY`: an ingress rule udp/53 on the endpoint's or DNS server's group, from
///   the asker's group (same VPC) or its address;
/// - `SG_EGRESS_DENY`: an egress rule udp/53 to the server's address on the asker's group;
/// - a NACL deny: a rule pair on the subnet's NACL that blocks, udp/53 the way the query
///   goes and the ephemeral ports the way the reply comes;
/// - `NO_ROUTE` / `NO_RETURN_ROUTE`: a route in the table or network the hop names, for the
///   server's block (or, back, the asker's) over the connection the query uses.
///
/// UDP only: the verdict uses UDP 53 (SPEC 8.4), so TCP 53 is never needed to make the flow
/// reachable; a hop that still blocks TCP 53 stays an EKS027 warning.
fn dns_query(scenario: &Scenario, flow: &Flow<'_>, out: &mut Vec<Candidate>) {
    let Some(query) = flow.dns.queries.iter().find(|query| !query.reachable()) else {
        return;
    };
    let Some(blocked) = &query.udp.blocked else {
        return;
    };
    let at = query
        .udp
        .hops
        .iter()
        .rev()
        .find(|hop| !hop.ok)
        .map(|hop| hop.at.as_str());
    let asker = dns_asker(scenario, flow.target_client(), query.from);
    let server = dns_server_end(scenario, query.to);
    match blocked.reason {
        Reason::SgIngressDeny => {
            let from = host(IpAddr::V4(asker.ip));
            for sg in server.groups.iter().take(2) {
                let Some(group) = scenario.security_group(*sg) else {
                    continue;
                };
                let path = format!("{}.ingress", group.path);
                if let Some((from_ix, from_group)) = asker
                    .groups
                    .first()
                    .and_then(|ix| scenario.security_group(*ix).map(|g| (*ix, g)))
                    .filter(|(_, g)| g.vpc == group.vpc)
                {
                    out.push(Candidate {
                        changes: vec![Change::SgIngress(
                            *sg,
                            SgPeer::Group(from_ix),
                            Protocol::Udp,
                            DNS_PORTS,
                        )],
                        summary: format!(
                            "add ingress udp 53 from security group {} to {}",
                            from_group.id, group.id
                        ),
                        edits: vec![Edit {
                            path: path.clone(),
                            op: "add",
                            value: json!({ "protocol": "udp", "ports": 53, "sourceSecurityGroup": from_group.id }),
                        }],
                    });
                }
                out.push(Candidate {
                    changes: vec![Change::SgIngress(
                        *sg,
                        SgPeer::Cidr(from),
                        Protocol::Udp,
                        DNS_PORTS,
                    )],
                    summary: format!("add ingress udp 53 from {from} to {}", group.id),
                    edits: vec![Edit {
                        path,
                        op: "add",
                        value: json!({ "protocol": "udp", "ports": 53, "cidr": from.to_string() }),
                    }],
                });
            }
        }
        Reason::SgEgressDeny => {
            let to = host(IpAddr::V4(server.ip));
            for sg in asker.groups.iter().take(2) {
                let Some(group) = scenario.security_group(*sg) else {
                    continue;
                };
                out.push(Candidate {
                    changes: vec![Change::SgEgress(*sg, to, Protocol::Udp, DNS_PORTS)],
                    summary: format!("add egress udp 53 to {to} to {}", group.id),
                    edits: vec![Edit {
                        path: format!("{}.egress", group.path),
                        op: "add",
                        value: json!({ "protocol": "udp", "ports": 53, "cidr": to.to_string() }),
                    }],
                });
            }
        }
        Reason::NaclInboundDeny | Reason::NaclOutboundDeny => {
            // (subnet, its peer, whether the query enters it)
            let sides = [
                (server.subnet, IpAddr::V4(asker.ip), true),
                (asker.subnet, IpAddr::V4(server.ip), false),
            ];
            for (subnet, peer, enters) in sides {
                let Some(subnet) = subnet else {
                    continue;
                };
                out.extend(acl_pair(
                    scenario,
                    subnet,
                    peer,
                    Protocol::Udp,
                    DNS_PORTS,
                    enters,
                    at,
                    blocked,
                ));
            }
        }
        Reason::NoRoute | Reason::NoReturnRoute => {
            let Some((holder, back)) = at.and_then(|at| holder_named(scenario, at)) else {
                return;
            };
            if back {
                // The connection the query crossed last, named by its hop.
                let used = query.udp.hops.iter().rev().find_map(|hop| {
                    scenario
                        .connections
                        .iter()
                        .position(|c| c.id == hop.at)
                        .map(ConnIx)
                });
                if let Some((block, place)) = block_of(scenario, IpAddr::V4(asker.ip), true) {
                    holder_routes(scenario, holder, block, used, Some(place), out);
                }
            } else if let Some((block, place)) = block_of(scenario, IpAddr::V4(server.ip), false) {
                holder_routes(scenario, holder, block, None, Some(place), out);
            }
        }
        _ => {}
    }
}

/// A NACL rule pair of `proto` on `subnet`'s NACL when the block names it: `ports` the way
/// the request goes (in when it `enters` the subnet), the ephemeral ports the way the reply
/// comes, both for `peer` as a host block, numbered just under the lowest rules.
#[allow(clippy::too_many_arguments)]
fn acl_pair(
    scenario: &Scenario,
    subnet: SubnetIx,
    peer: IpAddr,
    proto: Protocol,
    ports: PortRange,
    enters: bool,
    at: Option<&str>,
    blocked: &Blocked,
) -> Option<Candidate> {
    let acl_ix = scenario.subnet(subnet)?.network_acl?;
    let acl = scenario.network_acl(acl_ix)?;
    let names = at.is_some_and(|at| at.contains(acl.id.as_str()))
        || blocked.blocked_by.contains(acl.id.as_str());
    if !names {
        return None;
    }
    let cidr = host(peer);
    let inbound_number = under_lowest(&acl.inbound)?;
    let outbound_number = under_lowest(&acl.outbound)?;
    let (in_ports, out_ports) = if enters {
        (ports, PortRange::EPHEMERAL)
    } else {
        (PortRange::EPHEMERAL, ports)
    };
    let rule = |number: u32, ports: PortRange| {
        json!({ "rule": number, "protocol": proto.to_string(), "ports": ports_value(ports),
                "cidr": cidr.to_string(), "action": "allow" })
    };
    Some(Candidate {
        changes: vec![
            Change::Acl {
                acl: acl_ix,
                proto,
                inbound: true,
                number: inbound_number,
                ports: in_ports,
                cidr,
            },
            Change::Acl {
                acl: acl_ix,
                proto,
                inbound: false,
                number: outbound_number,
                ports: out_ports,
                cidr,
            },
        ],
        summary: format!(
            "allow {proto} {in_ports} inbound from {cidr} (rule {inbound_number}) and {proto} {out_ports} outbound to {cidr} (rule {outbound_number}) in {}",
            acl.id
        ),
        edits: vec![
            Edit {
                path: format!("{}.inbound", acl.path),
                op: "add",
                value: rule(inbound_number, in_ports),
            },
            Edit {
                path: format!("{}.outbound", acl.path),
                op: "add",
                value: rule(outbound_number, out_ports),
            },
        ],
    })
}

/// DNS entries: a flag off in the cluster VPC or the client's VPC, and a forwarder (or a
/// Resolver rule) to the cluster VPC's inbound endpoint, when private access is on.
fn dns(scenario: &Scenario, flow: &Flow<'_>, out: &mut Vec<Candidate>) {
    let client_vpc = client_subnet(flow)
        .and_then(|subnet| scenario.subnet(subnet))
        .map(|subnet| subnet.vpc);
    let mut vpcs = vec![scenario.cluster.vpc];
    if let Some(vpc) = client_vpc.filter(|vpc| *vpc != scenario.cluster.vpc) {
        vpcs.push(vpc);
    }
    let flag = |vpc: VpcIx, hostnames: bool| -> Option<Candidate> {
        let v = scenario.vpc(vpc)?;
        let (field, on) = if hostnames {
            ("enableDnsHostnames", v.enable_dns_hostnames)
        } else {
            ("enableDnsSupport", v.enable_dns_support)
        };
        if on {
            return None;
        }
        Some(Candidate {
            changes: vec![if hostnames {
                Change::DnsHostnames(vpc)
            } else {
                Change::DnsSupport(vpc)
            }],
            summary: format!("turn on {field} in {}", v.id),
            edits: vec![Edit {
                path: format!("{}.{field}", v.path),
                op: "replace",
                value: json!(true),
            }],
        })
    };
    for vpc in &vpcs {
        out.extend(flag(*vpc, false));
        if *vpc == scenario.cluster.vpc {
            out.extend(flag(*vpc, true));
        }
    }
    if !flow_wants_private(scenario, flow) {
        return;
    }
    let Some(inbound) = scenario
        .cluster_vpc()
        .and_then(|vpc| vpc.inbound_endpoints.first())
        .map(|endpoint| endpoint.ips.clone())
        .filter(|ips| !ips.is_empty())
    else {
        return;
    };
    let endpoint = crate::scenario::domain_text(&scenario.cluster.endpoint);
    let first_server = match flow.client.location {
        ClientLocation::Subnet(_) => client_vpc
            .and_then(|vpc| scenario.vpc(vpc))
            .and_then(|vpc| vpc.dns_servers.first().copied()),
        ClientLocation::Network(network) => scenario
            .network(network)
            .and_then(|n| n.dns_servers.first().copied())
            .map(DhcpDnsServer::Ip),
        ClientLocation::Internet => None,
    };
    let ips: Vec<String> = inbound.iter().map(ToString::to_string).collect();
    match first_server {
        Some(DhcpDnsServer::Ip(ip)) => {
            if let Some((ix, server)) = scenario.dns_server_at(ip) {
                out.push(Candidate {
                    changes: vec![Change::Forwarder(ix, inbound.clone())],
                    summary: format!(
                        "forward {endpoint} from DNS server {} to {}",
                        server.ip,
                        ips.join(", ")
                    ),
                    edits: vec![Edit {
                        path: format!("{}.forward", server.path),
                        op: "add",
                        value: json!({ "domain": endpoint, "to": ips }),
                    }],
                });
            }
        }
        Some(DhcpDnsServer::AmazonProvidedDns) => {
            if let Some(vpc) = client_vpc
                .filter(|vpc| *vpc != scenario.cluster.vpc)
                .and_then(|ix| scenario.vpc(ix).map(|v| (ix, v)))
            {
                out.push(Candidate {
                    changes: vec![Change::ForwardRule(vpc.0, inbound.clone())],
                    summary: format!(
                        "add a Resolver rule in {} forwarding {endpoint} to {}",
                        vpc.1.id,
                        ips.join(", ")
                    ),
                    edits: vec![Edit {
                        path: format!("{}.resolver.forwardRules", vpc.1.path),
                        op: "add",
                        value: json!({ "domain": endpoint, "targetIps": ips }),
                    }],
                });
            }
        }
        None => {}
    }
}

/// Whether the private endpoint would serve this flow: private access is on and the client
/// did not get the private answer (or expects it).
fn flow_wants_private(scenario: &Scenario, flow: &Flow<'_>) -> bool {
    scenario.cluster.access.private_access()
        && flow.endpoint != Some(crate::path::EndpointKind::Private)
        && flow
            .client
            .expect
            .and_then(|e| e.answer)
            .is_none_or(|answer| answer == crate::scenario::ExpectedAnswer::Private)
}

// ---- the kubelet check ----------------------------------------------------------------------

/// The kubelet paths of node client `client` in `scenario`, one per ENI in ENI order.
fn kubelet_paths(
    scenario: &Scenario,
    mode: EndpointAccess,
    client: usize,
) -> Option<(&crate::scenario::Client, Vec<KubeletPath<'_>>)> {
    let node = scenario.clients.get(client)?;
    let tracer = Tracer::new(scenario, mode);
    let paths = scenario
        .cluster
        .enis
        .iter()
        .map(|eni| tracer.kubelet(eni, node))
        .collect();
    Some((node, paths))
}

/// The catalogue entries that address what stops the control plane reaching `node`'s
/// kubelet on TCP 10250, from each ENI in turn (the check passes when any ENI gets there):
/// - a route for the remote node block in the ENI subnet's route table, over a connection
///   from the cluster VPC to the node's network ("The VPC route table for the subnet
///   containing the EKS control plane ENI has a specific route … for the remote node CIDR",
///   EKS user guide, hybrid-nodes-concepts-traffic-flows);
/// - the network's route back to the ENI's VPC CIDR over the connection the request used;
/// - an egress rule tcp/10250 on a cluster security group, an ingress rule tcp/10250 from
///   the first cluster security group on a node security group;
/// - a NACL rule pair on the ENI subnet's or the node subnet's NACL.
///
/// A node outside `remoteNodeNetworks` gets nothing: that block is the cluster's own
/// configuration, not a network edit (EKS035 says so).
fn kubelet_candidates(
    scenario: &Scenario,
    node: &crate::scenario::Client,
    paths: &[KubeletPath<'_>],
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for (eni, path) in scenario.cluster.enis.iter().zip(paths) {
        let Some(blocked) = &path.blocked else {
            continue;
        };
        let at = path.steps.iter().rev().find_map(|step| match step {
            Step::Blocked { at, .. } => Some(at.as_str()),
            _ => None,
        });
        let mut found = Vec::new();
        match blocked.reason {
            Reason::NoRoute if at != Some("cluster.remoteNetworkConfig") => {
                kubelet_route(scenario, eni.subnet, node, &mut found);
            }
            Reason::NoReturnRoute => kubelet_return_route(scenario, eni, node, path, &mut found),
            Reason::SgEgressDeny => {
                let cidr = host(path.node);
                for sg in scenario.cluster.security_groups.iter().take(2) {
                    let Some(group) = scenario.security_group(*sg) else {
                        continue;
                    };
                    found.push(Candidate {
                        changes: vec![Change::SgEgress(*sg, cidr, Protocol::Tcp, KUBELET_PORTS)],
                        summary: format!("add egress tcp 10250 to {cidr} to {}", group.id),
                        edits: vec![Edit {
                            path: format!("{}.egress", group.path),
                            op: "add",
                            value: json!({ "protocol": "tcp", "ports": 10250, "cidr": cidr.to_string() }),
                        }],
                    });
                }
            }
            Reason::SgIngressDeny => {
                let Some(cluster_sg) = scenario.cluster.security_groups.first().copied() else {
                    continue;
                };
                let Some(from) = scenario.security_group(cluster_sg) else {
                    continue;
                };
                for sg in node.security_groups.iter().take(2) {
                    let Some(group) = scenario.security_group(*sg) else {
                        continue;
                    };
                    found.push(Candidate {
                        changes: vec![Change::SgIngress(
                            *sg,
                            SgPeer::Group(cluster_sg),
                            Protocol::Tcp,
                            KUBELET_PORTS,
                        )],
                        summary: format!(
                            "add ingress tcp 10250 from security group {} to {}",
                            from.id, group.id
                        ),
                        edits: vec![Edit {
                            path: format!("{}.ingress", group.path),
                            op: "add",
                            value: json!({ "protocol": "tcp", "ports": 10250, "sourceSecurityGroup": from.id }),
                        }],
                    });
                }
            }
            Reason::NaclInboundDeny | Reason::NaclOutboundDeny => {
                // (subnet, its peer, whether the request leaves it)
                let mut sides = vec![(eni.subnet, path.node, true)];
                if let ClientLocation::Subnet(subnet) = node.location {
                    sides.push((subnet, path.eni, false));
                }
                for (subnet, peer, leaves) in sides {
                    found.extend(kubelet_nacl(scenario, subnet, peer, leaves, at, blocked));
                }
            }
            _ => {}
        }
        for candidate in found {
            if !out.iter().any(|known| known.key() == candidate.key()) {
                out.push(candidate);
            }
        }
    }
    out
}

/// TCP 10250 (the kubelet).
const KUBELET_PORTS: PortRange = PortRange {
    from: crate::path::KUBELET,
    to: crate::path::KUBELET,
};

/// A route for the node's remote node block (else its network CIDR) in `eni_subnet`'s
/// route table, over each connection joining the cluster VPC to the node's network.
fn kubelet_route(
    scenario: &Scenario,
    eni_subnet: SubnetIx,
    node: &crate::scenario::Client,
    out: &mut Vec<Candidate>,
) {
    let ClientLocation::Network(network) = node.location else {
        return;
    };
    let Some(subnet) = scenario.subnet(eni_subnet) else {
        return;
    };
    let Some(table) = subnet.route_table else {
        return;
    };
    let remote = scenario.cluster.hybrid.remote.as_ref();
    let block = remote
        .and_then(|remote| {
            remote
                .node_networks
                .iter()
                .find(|block| block.contains(node.ip))
        })
        .or_else(|| {
            scenario
                .network(network)?
                .cidrs
                .iter()
                .find(|cidr| cidr.contains(node.ip))
        })
        .copied()
        .map(IpNetwork::V4);
    let Some(destination) = block else {
        return;
    };
    // A route for that block already exists and goes elsewhere: not a missing route.
    if scenario
        .route_table(table)
        .is_some_and(|rt| rt.routes.iter().any(|r| r.destination == destination))
    {
        return;
    }
    let links = scenario
        .connections
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.kind.attaches(Attachment::Vpc(subnet.vpc))
                && c.kind.attaches(Attachment::Network(network))
        })
        .map(|(ix, _)| ConnIx(ix));
    for conn in links.take(MAX_CANDIDATES) {
        out.extend(route_candidate(scenario, table, destination, conn));
    }
}

/// The node's network routing the ENI's VPC CIDR back over the connection the kubelet
/// request came in by.
fn kubelet_return_route(
    scenario: &Scenario,
    eni: &crate::scenario::Eni,
    node: &crate::scenario::Client,
    path: &KubeletPath<'_>,
    out: &mut Vec<Candidate>,
) {
    let ClientLocation::Network(network) = node.location else {
        return;
    };
    let conn = path.steps.iter().rev().find_map(|step| match step {
        Step::Route { route, .. } => match route.target {
            RouteTarget::Connection(conn) => Some(conn),
            _ => None,
        },
        _ => None,
    });
    let (Some(conn), Some(net), Some(subnet)) =
        (conn, scenario.network(network), scenario.subnet(eni.subnet))
    else {
        return;
    };
    let Some(destination) = scenario
        .vpc(subnet.vpc)
        .and_then(|vpc| vpc.cidrs.iter().find(|cidr| cidr.contains(eni.ip)))
        .copied()
        .map(IpNetwork::V4)
    else {
        return;
    };
    if net.routes.iter().any(|r| r.destination == destination) {
        return;
    }
    out.extend(network_route_candidate(
        scenario,
        network,
        destination,
        conn,
    ));
}

/// A NACL rule pair for the kubelet connection on `subnet`'s NACL, when the block names
/// it: tcp/10250 the way the request goes, the ephemeral ports the way the reply comes.
fn kubelet_nacl(
    scenario: &Scenario,
    subnet: SubnetIx,
    peer: IpAddr,
    leaves: bool,
    at: Option<&str>,
    blocked: &Blocked,
) -> Option<Candidate> {
    acl_pair(
        scenario,
        subnet,
        peer,
        Protocol::Tcp,
        KUBELET_PORTS,
        !leaves,
        at,
        blocked,
    )
}
