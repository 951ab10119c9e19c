//! Raw scenario → validated [`Scenario`], reporting every problem it finds.
//!
//! Validation rejects only what cannot be modelled (SPEC section 2): values that do not parse,
//! duplicate IDs, dangling references, addresses outside their subnet or VPC. Limits that AWS
//! enforces at its API (40 allowlist entries, 2–4 ENIs, …) load fine and become findings.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use hickory_proto::rr::Name;
use ipnetwork::{IpNetwork, Ipv4Network};

use super::diagnostic::Diagnostic;
use super::limits;
use super::model::*;
use super::raw::*;
use super::spans::{DocumentSpans, join_index, join_key};

/// Why a dotted quad with a leading-zero octet is refused: `010` is 8 to inet_aton and 10 to
/// others, so Rust (and AWS) reject the form outright.
fn leading_zero_hint(text: &str) -> String {
    let octets: Vec<&str> = text.split('.').collect();
    let dotted_quad = octets.len() == 4
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.bytes().all(|b| b.is_ascii_digit()));
    if !dotted_quad || !octets.iter().any(|o| o.len() > 1 && o.starts_with('0')) {
        return String::new();
    }
    let fixed: Vec<String> = octets
        .iter()
        .map(|o| {
            let trimmed = o.trim_start_matches('0');
            if trimmed.is_empty() {
                "0".to_owned()
            } else {
                trimmed.to_owned()
            }
        })
        .collect();
    format!(
        ": leading zeros are ambiguous (some tools read them as octal); write `{}`",
        fixed.join(".")
    )
}

/// Literal words that cannot be used as IDs because references give them a meaning.
const RESERVED_IDS: [&str; 3] = ["internet", "local", "AmazonProvidedDNS"];

/// The kinds of element an ID can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    Vpc(VpcIx),
    Subnet(SubnetIx),
    RouteTable(RouteTableIx),
    SecurityGroup(SgIx),
    NetworkAcl(AclIx),
    Nat(NatIx),
    InternetGateway(VpcIx),
    Connection(ConnIx),
    Network(NetworkIx),
    /// Resolver inbound endpoints and forward rules: named, never referenced.
    Resolver,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Vpc,
    Subnet,
    RouteTable,
    SecurityGroup,
    NetworkAcl,
    Nat,
    InternetGateway,
    Connection,
    Network,
    Resolver,
}

impl Element {
    fn kind(self) -> Kind {
        match self {
            Element::Vpc(_) => Kind::Vpc,
            Element::Subnet(_) => Kind::Subnet,
            Element::RouteTable(_) => Kind::RouteTable,
            Element::SecurityGroup(_) => Kind::SecurityGroup,
            Element::NetworkAcl(_) => Kind::NetworkAcl,
            Element::Nat(_) => Kind::Nat,
            Element::InternetGateway(_) => Kind::InternetGateway,
            Element::Connection(_) => Kind::Connection,
            Element::Network(_) => Kind::Network,
            Element::Resolver => Kind::Resolver,
        }
    }
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Vpc => "a VPC",
            Kind::Subnet => "a subnet",
            Kind::RouteTable => "a route table",
            Kind::SecurityGroup => "a security group",
            Kind::NetworkAcl => "a network ACL",
            Kind::Nat => "a NAT gateway",
            Kind::InternetGateway => "an internet gateway",
            Kind::Connection => "a connection",
            Kind::Network => "a network",
            Kind::Resolver => "a Route 53 Resolver element",
        }
    }
}

/// Nouns joined with "or": "a subnet or a network".
fn expected_nouns(kinds: &[Kind]) -> String {
    let words: Vec<&str> = kinds.iter().map(|kind| kind.noun()).collect();
    join_or(&words)
}

fn join_or(words: &[&str]) -> String {
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => String::new(),
    }
}

/// "a subnet" → "subnet".
fn bare_noun(noun: &str) -> &str {
    noun.strip_prefix("an ")
        .or_else(|| noun.strip_prefix("a "))
        .unwrap_or(noun)
}

pub(super) struct Validator<'a> {
    file: &'a str,
    spans: DocumentSpans,
    problems: Vec<Diagnostic>,
    ids: HashMap<String, (Element, String)>,
    /// Paths already reported as the wrong type: anything found under them is a repeat.
    suppressed: Vec<String>,
    /// Connections whose own definition has a problem: routes to them are not judged
    /// against a stand-in.
    broken_connections: Vec<ConnIx>,
}

impl<'a> Validator<'a> {
    pub(super) fn new(file: &'a str, spans: DocumentSpans) -> Self {
        Validator {
            file,
            spans,
            problems: Vec::new(),
            ids: HashMap::new(),
            suppressed: Vec::new(),
            broken_connections: Vec::new(),
        }
    }

    /// Problems under these paths are not reported (their type errors already were).
    pub(super) fn suppress(&mut self, paths: Vec<String>) {
        self.suppressed = paths;
    }

    fn is_suppressed(&self, path: &str) -> bool {
        self.suppressed.iter().any(|bad| {
            path.strip_prefix(bad.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    }

    /// Adds problems found before validation (unknown fields).
    pub(super) fn push(&mut self, diagnostic: Diagnostic) {
        self.problems.push(diagnostic);
    }

    /// A problem with the value at `path`.
    pub(super) fn problem(&mut self, path: &str, message: impl Into<String>) {
        if self.is_suppressed(path) {
            return;
        }
        self.problems.push(Diagnostic {
            file: self.file.to_owned(),
            position: self.spans.value(path),
            path: path.to_owned(),
            message: message.into(),
        });
    }

    /// A problem with the key at `path` (unknown or duplicate fields).
    pub(super) fn key_problem(&mut self, path: &str, message: impl Into<String>) {
        if self.is_suppressed(path) {
            return;
        }
        self.problems.push(Diagnostic {
            file: self.file.to_owned(),
            position: self.spans.key(path),
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn required<'v, T>(
        &mut self,
        value: &'v Option<T>,
        parent: &str,
        field: &str,
    ) -> Option<&'v T> {
        if value.is_none() && !self.is_suppressed(&join_key(parent, field)) {
            self.problem(parent, format!("missing required field `{field}`"));
        }
        value.as_ref()
    }

    // ---- IDs --------------------------------------------------------------------------

    fn register(&mut self, id: &Option<Text>, parent: &str, element: Element) -> Option<String> {
        let path = join_key(parent, "id");
        let id = self.required(id, parent, "id")?.0.clone();
        if id.trim().is_empty() {
            self.problem(&path, "an id must not be empty");
            return None;
        }
        if RESERVED_IDS.contains(&id.as_str()) {
            self.problem(
                &path,
                format!("`{id}` is a reserved word in references and cannot be used as an id"),
            );
            return None;
        }
        if let Some((_, first)) = self.ids.get(&id) {
            let at = self
                .spans
                .value(first)
                .map(|p| format!(" (first defined at line {})", p.line))
                .unwrap_or_default();
            let message =
                format!("duplicate id `{id}`{at}: IDs are unique across the whole scenario");
            self.problem(&path, message);
            return None;
        }
        self.ids.insert(id.clone(), (element, path));
        Some(id)
    }

    /// Resolves a reference, or reports it as dangling or of the wrong kind.
    fn lookup(&mut self, id: &str, path: &str, kinds: &[Kind]) -> Option<Element> {
        match self.ids.get(id) {
            Some((element, _)) if kinds.contains(&element.kind()) => Some(*element),
            Some((element, _)) => {
                let message = format!(
                    "`{id}` is {}, but {} is expected here",
                    element.kind().noun(),
                    expected_nouns(kinds)
                );
                self.problem(path, message);
                None
            }
            None => {
                let message = format!(
                    "`{id}` is not defined: no {} has this id{}",
                    join_or(
                        &kinds
                            .iter()
                            .map(|kind| bare_noun(kind.noun()))
                            .collect::<Vec<_>>()
                    ),
                    self.suggest(id, kinds)
                );
                self.problem(path, message);
                None
            }
        }
    }

    /// "; did you mean `subnet-a`?" for a near-miss reference.
    fn suggest(&self, id: &str, kinds: &[Kind]) -> String {
        self.ids
            .iter()
            .filter(|(_, (element, _))| kinds.contains(&element.kind()))
            .map(|(candidate, _)| (edit_distance(id, candidate), candidate))
            .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(1))
            .min()
            .map(|(_, candidate)| format!("; did you mean `{candidate}`?"))
            .unwrap_or_default()
    }

    fn vpc_ref(&mut self, id: &str, path: &str) -> Option<VpcIx> {
        match self.lookup(id, path, &[Kind::Vpc])? {
            Element::Vpc(vpc) => Some(vpc),
            _ => None,
        }
    }

    fn subnet_ref(&mut self, id: &str, path: &str) -> Option<SubnetIx> {
        match self.lookup(id, path, &[Kind::Subnet])? {
            Element::Subnet(subnet) => Some(subnet),
            _ => None,
        }
    }

    fn sg_ref(&mut self, id: &str, path: &str) -> Option<SgIx> {
        match self.lookup(id, path, &[Kind::SecurityGroup])? {
            Element::SecurityGroup(sg) => Some(sg),
            _ => None,
        }
    }

    /// A security group attached to an interface in `vpc`: AWS attaches only groups of the
    /// interface's own VPC ("You can assign a security group only to resources in the same
    /// VPC as the security group" — Amazon VPC user guide, security groups). Rules may still
    /// name groups of a peered VPC (`sourceSecurityGroup`); attachment may not.
    fn attached_sg_ref(
        &mut self,
        scenario: &Scenario,
        id: &str,
        path: &str,
        vpc: Option<VpcIx>,
        attached_to: &str,
    ) -> Option<SgIx> {
        let sg = self.sg_ref(id, path)?;
        if let (Some(group), Some(vpc)) = (scenario.security_group(sg), vpc)
            && group.vpc != vpc
        {
            let (theirs, ours) = (scenario.vpc(group.vpc), scenario.vpc(vpc));
            let message = format!(
                "security group `{id}` belongs to {}, but {attached_to} in {}: AWS attaches only security groups of the same VPC",
                theirs.map_or("another VPC", |v| v.id.as_str()),
                ours.map_or("another VPC", |v| v.id.as_str()),
            );
            self.problem(path, message);
            return None;
        }
        Some(sg)
    }

    fn connection_ref(&mut self, id: &str, path: &str) -> Option<ConnIx> {
        match self.lookup(id, path, &[Kind::Connection])? {
            Element::Connection(conn) => Some(conn),
            _ => None,
        }
    }

    // ---- values -----------------------------------------------------------------------

    fn ipv4(&mut self, text: &str, path: &str) -> Option<Ipv4Addr> {
        match text.trim().parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) => Some(ip),
            Ok(IpAddr::V6(ip)) => {
                let hint = ip
                    .to_ipv4_mapped()
                    .map(|v4| format!(" (write the IPv4-mapped address as `{v4}`)"))
                    .unwrap_or_default();
                self.problem(
                    path,
                    format!("`{text}` is an IPv6 address; eksflow models IPv4 networks{hint}"),
                );
                None
            }
            Err(_) => {
                let hint = leading_zero_hint(text.trim());
                self.problem(path, format!("`{text}` is not an IPv4 address{hint}"));
                None
            }
        }
    }

    /// Parses `a.b.c.d/n` or an IPv6 block, explaining what is wrong when it does not parse.
    fn cidr(&mut self, text: &str, path: &str) -> Option<IpNetwork> {
        let trimmed = text.trim();
        let Some((address, prefix)) = trimmed.split_once('/') else {
            let hint = match trimmed.parse::<IpAddr>() {
                Ok(IpAddr::V4(_)) => format!(" (for a single address write `{trimmed}/32`)"),
                Ok(IpAddr::V6(_)) => format!(" (for a single address write `{trimmed}/128`)"),
                Err(_) => String::new(),
            };
            self.problem(
                path,
                format!("`{text}` is not a CIDR block: missing `/prefix`{hint}"),
            );
            return None;
        };
        let Ok(address) = address.parse::<IpAddr>() else {
            let hint = leading_zero_hint(address);
            self.problem(
                path,
                format!(
                    "`{text}` is not a valid CIDR block: `{address}` is not an IP address{hint}"
                ),
            );
            return None;
        };
        let max = if address.is_ipv4() { 32 } else { 128 };
        // Plain decimal only: `016` or `+16` is as ambiguous as a leading-zero octet.
        let decimal = !prefix.is_empty()
            && prefix.bytes().all(|b| b.is_ascii_digit())
            && (prefix == "0" || !prefix.starts_with('0'));
        let prefix = match prefix.parse::<u8>() {
            Ok(prefix) if prefix <= max && decimal => prefix,
            _ => {
                self.problem(
                    path,
                    format!("`{text}` is not a valid CIDR block: prefix length `{prefix}` is not in 0-{max}"),
                );
                return None;
            }
        };
        match IpNetwork::new(address, prefix) {
            Ok(network) => Some(network),
            Err(error) => {
                self.problem(path, format!("`{text}` is not a valid CIDR block: {error}"));
                None
            }
        }
    }

    fn cidr4(&mut self, text: &str, path: &str) -> Option<Ipv4Network> {
        match self.cidr(text, path)? {
            IpNetwork::V4(network) => Some(network),
            IpNetwork::V6(_) => {
                self.problem(
                    path,
                    format!("`{text}` is an IPv6 block; eksflow models IPv4 networks"),
                );
                None
            }
        }
    }

    /// Every address of a list at `path`; each bad one is reported.
    fn ipv4_list(&mut self, items: &[Text], path: &str) -> Vec<Ipv4Addr> {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, text)| self.ipv4(text, &join_index(path, i)))
            .collect()
    }

    /// Every IPv4 block of a list at `path`; each bad one is reported.
    fn cidr4_list(&mut self, items: &[Text], path: &str) -> Vec<Ipv4Network> {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, text)| self.cidr4(text, &join_index(path, i)))
            .collect()
    }

    fn domain(&mut self, text: &str, path: &str) -> Option<Name> {
        match Name::from_ascii(text.trim()) {
            Ok(mut name) => {
                name.set_fqdn(true);
                Some(name)
            }
            Err(error) => {
                self.problem(path, format!("`{text}` is not a DNS domain name: {error}"));
                None
            }
        }
    }

    fn protocol(&mut self, value: &Option<Scalar>, parent: &str) -> Option<Protocol> {
        let text = &self.required(value, parent, "protocol")?.0;
        let protocol = Protocol::parse(text);
        if protocol.is_none() {
            let message = format!("unknown protocol `{text}`: expected tcp, udp, icmp or all");
            self.problem(&join_key(parent, "protocol"), message);
        }
        protocol
    }

    /// Ports matter for TCP and UDP only; AWS ignores them for `all` and `icmp`.
    fn ports(
        &mut self,
        value: &Option<Scalar>,
        protocol: Protocol,
        parent: &str,
    ) -> Option<PortRange> {
        if !protocol.has_ports() {
            return Some(PortRange::ALL);
        }
        let path = join_key(parent, "ports");
        let Some(Scalar(text)) = value else {
            // Ports of the wrong type were reported as such, not as missing.
            if !self.is_suppressed(&path) {
                let message = format!(
                    "missing required field `ports` for protocol {protocol} (write `443` or `1024-65535`)"
                );
                self.problem(parent, message);
            }
            return None;
        };
        let range = PortRange::parse(text);
        if range.is_none() {
            let message = format!(
                "`{text}` is not a port or port range: write `443` or `1024-65535` (0-65535)"
            );
            self.problem(&path, message);
        }
        range
    }

    // ---- the scenario -----------------------------------------------------------------

    pub(super) fn validate(mut self, raw: RawScenario) -> Result<Scenario, Vec<Diagnostic>> {
        match raw.version {
            // A version of the wrong type was reported as such, not as missing.
            None if self.is_suppressed("version") => {}
            None => self.problem("", "missing required field `version` (write `version: 1`)"),
            Some(1) => {}
            Some(other) => self.problem(
                "version",
                format!(
                    "unsupported version {other}: this eksflow reads scenario format version 1"
                ),
            ),
        }
        let name = self
            .required(&raw.name, "", "name")
            .map(|text| text.0.clone())
            .unwrap_or_default();
        let Some(raw_cluster) = self.required(&raw.cluster, "", "cluster") else {
            return Err(sorted(self.problems));
        };
        // Counts first: a file over a limit is refused before any work in proportion to it.
        if !self.within_limits(&raw) {
            return Err(sorted(self.problems));
        }

        let layout = self.register_all(&raw);
        let vpcs = self.vpcs(&raw, &layout);
        let networks = self.networks(&raw);
        let connections = self.connections(&raw);
        let mut scenario = Scenario {
            name,
            description: raw.description.as_ref().map(|text| text.0.clone()),
            cluster: placeholder_cluster(),
            vpcs,
            subnets: Vec::new(),
            route_tables: Vec::new(),
            security_groups: Vec::new(),
            network_acls: Vec::new(),
            nat_gateways: Vec::new(),
            connections,
            networks,
            dns_servers: Vec::new(),
            clients: Vec::new(),
            node_groups: Vec::new(),
            vpc_endpoints: Vec::new(),
            ignores: Vec::new(),
            imported: raw.imported.as_ref().map(|imported| Imported {
                from: imported
                    .from
                    .as_ref()
                    .map(|from| from.0.clone())
                    .unwrap_or_default(),
                missing: imported.missing.iter().map(|m| m.0.clone()).collect(),
            }),
            source: Source::default(),
        };
        self.vpc_contents(&raw, &mut scenario);
        self.check_connection_routes(&scenario);
        scenario.dns_servers = self.dns_servers(&raw);
        let cluster = self.cluster(raw_cluster, &scenario);
        scenario.clients = self.clients(&raw, &scenario);
        scenario.vpc_endpoints = self.vpc_endpoints(&raw, &scenario);
        scenario.ignores = self.ignores(&raw);

        match cluster {
            // Node groups need the cluster, but not a clean file: their problems are
            // reported with the others.
            Some(cluster) => {
                let (node_groups, implicit) = self.node_groups(&raw, &scenario, &cluster);
                if !self.problems.is_empty() {
                    return Err(sorted(self.problems));
                }
                scenario.node_groups = node_groups;
                scenario.clients.extend(implicit);
                scenario.cluster = cluster;
                scenario.source = Source {
                    file: self.file.to_owned(),
                    spans: self.spans,
                };
                Ok(scenario)
            }
            _ => Err(sorted(self.problems)),
        }
    }

    /// Checks the counts [`limits`] caps; false (with a problem for each) when one is over.
    fn within_limits(&mut self, raw: &RawScenario) -> bool {
        let before = self.problems.len();
        let implicit: usize = raw.node_groups.iter().map(|g| g.subnets.len()).sum();
        let clients = raw.clients.len().saturating_add(implicit);
        if clients > limits::MAX_CLIENTS {
            let path = if raw.clients.len() > limits::MAX_CLIENTS {
                "clients"
            } else {
                "nodeGroups"
            };
            self.problem(
                path,
                format!(
                    "{clients} clients (node-group subnets included): eksflow checks at most {} per scenario; split the scenario",
                    limits::MAX_CLIENTS
                ),
            );
        }
        for (v, vpc) in raw.vpcs.iter().enumerate() {
            let vpc_path = join_index("vpcs", v);
            for (t, table) in vpc.route_tables.iter().enumerate() {
                if table.routes.len() > limits::MAX_ROUTES {
                    let path = join_key(
                        &join_index(&join_key(&vpc_path, "routeTables"), t),
                        "routes",
                    );
                    self.problem(
                        &path,
                        format!(
                            "{} routes: AWS allows at most {} per route table",
                            table.routes.len(),
                            limits::MAX_ROUTES
                        ),
                    );
                }
            }
            for (a, acl) in vpc.network_acls.iter().enumerate() {
                let acl_path = join_index(&join_key(&vpc_path, "networkAcls"), a);
                for (direction, rules) in [("inbound", &acl.inbound), ("outbound", &acl.outbound)] {
                    if rules.len() > limits::MAX_NACL_RULES {
                        self.problem(
                            &join_key(&acl_path, direction),
                            format!(
                                "{} {direction} rules: AWS allows at most {} per network ACL and direction",
                                rules.len(),
                                limits::MAX_NACL_RULES
                            ),
                        );
                    }
                }
            }
            for (g, group) in vpc.security_groups.iter().enumerate() {
                let group_path = join_index(&join_key(&vpc_path, "securityGroups"), g);
                let egress = group.egress.as_deref().unwrap_or_default();
                for (direction, rules) in
                    [("ingress", group.ingress.as_slice()), ("egress", egress)]
                {
                    if rules.len() > limits::MAX_SG_RULES {
                        self.problem(
                            &join_key(&group_path, direction),
                            format!(
                                "{} {direction} rules: AWS allows at most {} per security group",
                                rules.len(),
                                limits::MAX_SG_RULES
                            ),
                        );
                    }
                }
            }
        }
        self.problems.len() == before
    }

    /// Assigns every element its index and registers its ID, so references may point
    /// forwards as well as backwards.
    fn register_all(&mut self, raw: &RawScenario) -> Layout {
        let mut layout = Layout::default();
        for (v, vpc) in raw.vpcs.iter().enumerate() {
            let vpc_path = join_index("vpcs", v);
            let vpc_ix = VpcIx(v);
            self.register(&vpc.id, &vpc_path, Element::Vpc(vpc_ix));
            if let Some(igw) = &vpc.internet_gateway {
                let path = join_key(&vpc_path, "internetGateway");
                self.register(&Some(igw.clone()), &path, Element::InternetGateway(vpc_ix));
            }
            let arena = |field: &str, i: usize| join_index(&join_key(&vpc_path, field), i);
            for (i, subnet) in vpc.subnets.iter().enumerate() {
                let element = Element::Subnet(SubnetIx(layout.subnets.len()));
                self.register(&subnet.id, &arena("subnets", i), element);
                layout.subnets.push(vpc_ix);
            }
            for (i, table) in vpc.route_tables.iter().enumerate() {
                let element = Element::RouteTable(RouteTableIx(layout.route_tables));
                self.register(&table.id, &arena("routeTables", i), element);
                layout.route_tables += 1;
            }
            for (i, group) in vpc.security_groups.iter().enumerate() {
                let element = Element::SecurityGroup(SgIx(layout.security_groups));
                self.register(&group.id, &arena("securityGroups", i), element);
                layout.security_groups += 1;
            }
            for (i, acl) in vpc.network_acls.iter().enumerate() {
                let element = Element::NetworkAcl(AclIx(layout.network_acls));
                self.register(&acl.id, &arena("networkAcls", i), element);
                layout.network_acls += 1;
            }
            for (i, nat) in vpc.nat_gateways.iter().enumerate() {
                let element = Element::Nat(NatIx(layout.nat_gateways));
                self.register(&nat.id, &arena("natGateways", i), element);
                layout.nat_gateways += 1;
            }
            if let Some(resolver) = &vpc.resolver {
                let resolver_path = join_key(&vpc_path, "resolver");
                for (i, endpoint) in resolver.inbound_endpoints.iter().enumerate() {
                    let path = join_index(&join_key(&resolver_path, "inboundEndpoints"), i);
                    self.register(&endpoint.id, &path, Element::Resolver);
                }
                for (i, rule) in resolver.forward_rules.iter().enumerate() {
                    if rule.id.is_some() {
                        let path = join_index(&join_key(&resolver_path, "forwardRules"), i);
                        self.register(&rule.id, &path, Element::Resolver);
                    }
                }
            }
        }
        for (i, connection) in raw.connections.iter().enumerate() {
            self.register(
                &connection.id,
                &join_index("connections", i),
                Element::Connection(ConnIx(i)),
            );
        }
        for (i, network) in raw.networks.iter().enumerate() {
            self.register(
                &network.id,
                &join_index("networks", i),
                Element::Network(NetworkIx(i)),
            );
        }
        layout
    }

    fn vpcs(&mut self, raw: &RawScenario, layout: &Layout) -> Vec<Vpc> {
        let mut vpcs = Vec::with_capacity(raw.vpcs.len());
        for (v, raw_vpc) in raw.vpcs.iter().enumerate() {
            let path = join_index("vpcs", v);
            let cidrs_path = join_key(&path, "cidrs");
            if raw_vpc.cidrs.is_empty() {
                self.problem(
                    &path,
                    "missing required field `cidrs` (the VPC's primary CIDR first)",
                );
            }
            let cidrs = self.cidr4_list(&raw_vpc.cidrs, &cidrs_path);
            let dns_servers = match raw_vpc
                .dhcp_options
                .as_ref()
                .and_then(|d| d.domain_name_servers.as_ref())
            {
                None => vec![DhcpDnsServer::AmazonProvidedDns],
                Some(list) => {
                    let list_path = join_key(&join_key(&path, "dhcpOptions"), "domainNameServers");
                    if list.is_empty() {
                        self.problem(&list_path, "a DHCP option set needs at least one DNS server (AmazonProvidedDNS or an IP address)");
                    }
                    list.iter()
                        .enumerate()
                        .filter_map(|(i, text)| {
                            if text.eq_ignore_ascii_case("AmazonProvidedDNS") {
                                Some(DhcpDnsServer::AmazonProvidedDns)
                            } else {
                                self.ipv4(text, &join_index(&list_path, i))
                                    .map(DhcpDnsServer::Ip)
                            }
                        })
                        .collect()
                }
            };
            let subnets = layout
                .subnets
                .iter()
                .enumerate()
                .filter(|(_, owner)| owner.0 == v)
                .map(|(i, _)| SubnetIx(i))
                .collect();
            let vpc = Vpc {
                id: owned(&raw_vpc.id),
                path: path.clone(),
                cidrs,
                enable_dns_support: raw_vpc.enable_dns_support.unwrap_or(true),
                enable_dns_hostnames: raw_vpc.enable_dns_hostnames.unwrap_or(false),
                dns_servers,
                internet_gateway: raw_vpc.internet_gateway.as_ref().map(|text| text.0.clone()),
                subnets,
                inbound_endpoints: Vec::new(),
                forward_rules: Vec::new(),
            };
            let (inbound_endpoints, forward_rules) = self.resolver(raw_vpc, &vpc, &path);
            vpcs.push(Vpc {
                inbound_endpoints,
                forward_rules,
                ..vpc
            });
        }
        vpcs
    }

    fn resolver(
        &mut self,
        raw_vpc: &RawVpc,
        vpc: &Vpc,
        vpc_path: &str,
    ) -> (Vec<InboundEndpoint>, Vec<ForwardRule>) {
        let Some(resolver) = &raw_vpc.resolver else {
            return (Vec::new(), Vec::new());
        };
        let resolver_path = join_key(vpc_path, "resolver");
        let mut endpoints = Vec::new();
        for (i, endpoint) in resolver.inbound_endpoints.iter().enumerate() {
            let path = join_index(&join_key(&resolver_path, "inboundEndpoints"), i);
            let ips_path = join_key(&path, "ips");
            if endpoint.ips.is_empty() {
                self.problem(
                    &path,
                    "an inbound endpoint needs `ips` (Route 53 Resolver uses at least two)",
                );
            }
            let mut ips = Vec::new();
            for (j, text) in endpoint.ips.iter().enumerate() {
                let ip_path = join_index(&ips_path, j);
                if let Some(ip) = self.ipv4(text, &ip_path) {
                    if !vpc.cidrs.is_empty() && !vpc.contains(ip) {
                        let message = format!(
                            "inbound endpoint address {ip} is outside {}'s CIDRs",
                            vpc.id
                        );
                        self.problem(&ip_path, message);
                    }
                    ips.push(ip);
                }
            }
            endpoints.push(InboundEndpoint {
                id: owned(&endpoint.id),
                ips,
            });
        }
        let mut rules = Vec::new();
        let mut rule_paths: HashMap<Name, String> = HashMap::new();
        for (i, rule) in resolver.forward_rules.iter().enumerate() {
            let path = join_index(&join_key(&resolver_path, "forwardRules"), i);
            let domain = self
                .required(&rule.domain, &path, "domain")
                .cloned()
                .and_then(|text| self.domain(&text, &join_key(&path, "domain")));
            if rule.target_ips.is_empty() {
                self.problem(
                    &path,
                    "missing required field `targetIps` (the DNS servers the rule forwards to)",
                );
            }
            let targets_path = join_key(&path, "targetIps");
            let target_ips = self.ipv4_list(&rule.target_ips, &targets_path);
            if let Some(domain) = &domain
                && let Some(first) = rule_paths.get(domain)
            {
                // Otherwise which of the two applies would depend on their order.
                let message = format!(
                    "a second forward rule for {} in {} (Route 53 Resolver associates one rule per domain name with a VPC; the first is at {first})",
                    domain_text(domain),
                    vpc.id,
                );
                self.problem(&join_key(&path, "domain"), message);
                continue;
            }
            if let Some(domain) = domain {
                rule_paths.insert(domain.clone(), path.clone());
                rules.push(ForwardRule {
                    id: rule.id.as_ref().map(|id| id.0.clone()),
                    domain,
                    target_ips,
                });
            }
        }
        (endpoints, rules)
    }

    fn vpc_contents(&mut self, raw: &RawScenario, scenario: &mut Scenario) {
        let mut nat_owners = Vec::new();
        for (v, raw_vpc) in raw.vpcs.iter().enumerate() {
            let vpc_ix = VpcIx(v);
            let vpc_path = join_index("vpcs", v);
            let Some(vpc) = scenario.vpcs.get(v).cloned() else {
                continue;
            };
            for (i, raw_subnet) in raw_vpc.subnets.iter().enumerate() {
                let path = join_index(&join_key(&vpc_path, "subnets"), i);
                let subnet = self.subnet(raw_subnet, &vpc, vpc_ix, &path);
                scenario.subnets.push(subnet);
            }
            for (i, raw_table) in raw_vpc.route_tables.iter().enumerate() {
                let path = join_index(&join_key(&vpc_path, "routeTables"), i);
                let table = self.route_table(raw_table, &vpc, vpc_ix, &path);
                scenario.route_tables.push(table);
            }
            for (i, raw_group) in raw_vpc.security_groups.iter().enumerate() {
                let path = join_index(&join_key(&vpc_path, "securityGroups"), i);
                let group = self.security_group(raw_group, vpc_ix, &path);
                scenario.security_groups.push(group);
            }
            for (i, raw_acl) in raw_vpc.network_acls.iter().enumerate() {
                let path = join_index(&join_key(&vpc_path, "networkAcls"), i);
                let acl = self.network_acl(raw_acl, vpc_ix, &path);
                scenario.network_acls.push(acl);
            }
            for (i, raw_nat) in raw_vpc.nat_gateways.iter().enumerate() {
                let path = join_index(&join_key(&vpc_path, "natGateways"), i);
                let nat = self.nat_gateway(raw_nat, &path);
                scenario.nat_gateways.push(nat);
                nat_owners.push(vpc_ix);
            }
        }
        // Now that every arena is complete, check the references that must stay in one VPC.
        let mut problems = Vec::new();
        for subnet in &scenario.subnets {
            if let Some(table) = subnet.route_table.and_then(|rt| scenario.route_table(rt))
                && table.vpc != subnet.vpc
            {
                let message = format!(
                    "route table `{}` belongs to another VPC than subnet `{}`",
                    table.id, subnet.id
                );
                problems.push((join_key(&subnet.path, "routeTable"), message));
            }
            if let Some(acl) = subnet.network_acl.and_then(|acl| scenario.network_acl(acl))
                && acl.vpc != subnet.vpc
            {
                let message = format!(
                    "network ACL `{}` belongs to another VPC than subnet `{}`",
                    acl.id, subnet.id
                );
                problems.push((join_key(&subnet.path, "networkAcl"), message));
            }
        }
        for (nat, owner) in scenario.nat_gateways.iter().zip(&nat_owners) {
            if let Some(subnet) = scenario.subnet(nat.subnet)
                && subnet.vpc != *owner
            {
                let message = format!(
                    "NAT gateway `{}` must sit in a subnet of its own VPC; `{}` is in another VPC",
                    nat.id, subnet.id
                );
                problems.push((join_key(&nat.path, "subnet"), message));
            }
        }
        for (path, message) in problems {
            self.problem(&path, message);
        }
    }

    fn subnet(&mut self, raw: &RawSubnet, vpc: &Vpc, vpc_ix: VpcIx, path: &str) -> Subnet {
        let cidr_path = join_key(path, "cidr");
        let cidr = self
            .required(&raw.cidr, path, "cidr")
            .cloned()
            .and_then(|text| self.cidr4(&text, &cidr_path));
        if let Some(cidr) = cidr
            && !vpc.cidrs.is_empty()
            && !vpc
                .cidrs
                .iter()
                .any(|block| block.contains(cidr.network()) && block.prefix() <= cidr.prefix())
        {
            let blocks = vpc
                .cidrs
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            self.problem(
                &cidr_path,
                format!("subnet {cidr} is outside {}'s CIDRs ({blocks})", vpc.id),
            );
        }
        let route_table = raw.route_table.as_ref().and_then(|id| {
            match self.lookup(id, &join_key(path, "routeTable"), &[Kind::RouteTable])? {
                Element::RouteTable(rt) => Some(rt),
                _ => None,
            }
        });
        let network_acl = raw.network_acl.as_ref().and_then(|id| {
            match self.lookup(id, &join_key(path, "networkAcl"), &[Kind::NetworkAcl])? {
                Element::NetworkAcl(acl) => Some(acl),
                _ => None,
            }
        });
        Subnet {
            id: owned(&raw.id),
            path: path.to_owned(),
            vpc: vpc_ix,
            cidr: cidr.unwrap_or(Ipv4Network::from(Ipv4Addr::UNSPECIFIED)),
            az: raw.az.as_ref().map(|text| text.0.clone()),
            route_table,
            network_acl,
        }
    }

    fn route_table(
        &mut self,
        raw: &RawRouteTable,
        vpc: &Vpc,
        vpc_ix: VpcIx,
        path: &str,
    ) -> RouteTable {
        let mut routes: Vec<Route> = Vec::with_capacity(raw.routes.len());
        let mut seen: HashMap<Ipv4Network, usize> = HashMap::with_capacity(raw.routes.len());
        for (i, raw_route) in raw.routes.iter().enumerate() {
            let route_path = join_index(&join_key(path, "routes"), i);
            let destination = self
                .required(&raw_route.destination, &route_path, "destination")
                .cloned()
                .and_then(|text| self.cidr4(&text, &join_key(&route_path, "destination")));
            let target = self
                .required(&raw_route.target, &route_path, "target")
                .cloned()
                .and_then(|text| {
                    self.route_target(&text, vpc, vpc_ix, &join_key(&route_path, "target"))
                });
            if let (Some(destination), Some(target)) = (destination, target) {
                // `10.0.0.5/16` is the block `10.0.0.0/16`: the same destination.
                let block = Ipv4Network::new(destination.network(), destination.prefix())
                    .unwrap_or(destination);
                if let Some(&first) = seen.get(&block) {
                    let first = routes
                        .get(first)
                        .map(|r| r.path.as_str())
                        .unwrap_or_default();
                    let message = format!(
                        "a second route for {destination} (AWS allows one route per destination; the first is at {first})"
                    );
                    self.problem(&join_key(&route_path, "destination"), message);
                    continue;
                }
                seen.insert(block, routes.len());
                routes.push(Route {
                    destination,
                    target,
                    path: route_path,
                });
            }
        }
        RouteTable {
            id: owned(&raw.id),
            path: path.to_owned(),
            vpc: vpc_ix,
            routes,
        }
    }

    fn route_target(
        &mut self,
        text: &str,
        vpc: &Vpc,
        vpc_ix: VpcIx,
        path: &str,
    ) -> Option<RouteTarget> {
        if text == "local" {
            return Some(RouteTarget::Local);
        }
        let kinds = [Kind::InternetGateway, Kind::Nat, Kind::Connection];
        match self.lookup(text, path, &kinds)? {
            Element::InternetGateway(owner) if owner == vpc_ix => {
                Some(RouteTarget::InternetGateway)
            }
            Element::InternetGateway(_) => {
                self.problem(
                    path,
                    format!(
                        "internet gateway `{text}` is attached to another VPC, not {}",
                        vpc.id
                    ),
                );
                None
            }
            Element::Nat(nat) => {
                // The NAT's VPC is checked once NAT gateways are built; here it is enough that
                // it is one.
                Some(RouteTarget::Nat(nat))
            }
            Element::Connection(conn) => Some(RouteTarget::Connection(conn)),
            _ => None,
        }
    }

    fn security_group(
        &mut self,
        raw: &RawSecurityGroup,
        vpc_ix: VpcIx,
        path: &str,
    ) -> SecurityGroup {
        let ingress = self.sg_rules(&raw.ingress, &join_key(path, "ingress"), false);
        let egress = raw
            .egress
            .as_ref()
            .map(|rules| self.sg_rules(rules, &join_key(path, "egress"), true));
        SecurityGroup {
            id: owned(&raw.id),
            path: path.to_owned(),
            vpc: vpc_ix,
            ingress,
            egress,
        }
    }

    fn sg_rules(&mut self, rules: &[RawSgRule], path: &str, egress: bool) -> Vec<SgRule> {
        let mut out = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let rule_path = join_index(path, i);
            let protocol = self.protocol(&rule.protocol, &rule_path);
            let ports = protocol.and_then(|protocol| self.ports(&rule.ports, protocol, &rule_path));
            let group = match (
                &rule.source_security_group,
                &rule.destination_security_group,
            ) {
                (Some(source), None) => Some(("sourceSecurityGroup", source)),
                (None, Some(destination)) => Some(("destinationSecurityGroup", destination)),
                (None, None) => None,
                (Some(_), Some(_)) => {
                    self.problem(&rule_path, "a rule names one peer security group: `sourceSecurityGroup` or `destinationSecurityGroup`, not both");
                    None
                }
            };
            if let Some(("destinationSecurityGroup", _)) = group
                && !egress
            {
                self.key_problem(
                    &join_key(&rule_path, "destinationSecurityGroup"),
                    "an ingress rule names its peer with `sourceSecurityGroup`",
                );
            }
            let peer = match (&rule.cidr, group) {
                (Some(cidr), None) => self
                    .cidr4(cidr, &join_key(&rule_path, "cidr"))
                    .map(SgPeer::Cidr),
                (None, Some((field, id))) => self
                    .sg_ref(id, &join_key(&rule_path, field))
                    .map(SgPeer::Group),
                (Some(_), Some(_)) => {
                    self.problem(&rule_path, "a rule has either `cidr` or a peer security group, not both (write two rules)");
                    None
                }
                (None, None) => {
                    let peer = if egress {
                        "destinationSecurityGroup"
                    } else {
                        "sourceSecurityGroup"
                    };
                    self.problem(
                        &rule_path,
                        format!("missing the rule's peer: `cidr` or `{peer}`"),
                    );
                    None
                }
            };
            if let (Some(protocol), Some(ports), Some(peer)) = (protocol, ports, peer) {
                out.push(SgRule {
                    protocol,
                    ports,
                    peer,
                    path: rule_path,
                });
            }
        }
        out
    }

    fn network_acl(&mut self, raw: &RawNetworkAcl, vpc_ix: VpcIx, path: &str) -> NetworkAcl {
        let inbound = self.acl_rules(&raw.inbound, &join_key(path, "inbound"));
        let outbound = self.acl_rules(&raw.outbound, &join_key(path, "outbound"));
        NetworkAcl {
            id: owned(&raw.id),
            path: path.to_owned(),
            vpc: vpc_ix,
            inbound,
            outbound,
        }
    }

    fn acl_rules(&mut self, rules: &[RawAclRule], path: &str) -> Vec<AclRule> {
        let mut out: Vec<AclRule> = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let rule_path = join_index(path, i);
            let number = match self.required(&rule.rule, &rule_path, "rule").copied() {
                Some(number @ 1..=32766) => u32::try_from(number).ok(),
                Some(number) => {
                    self.problem(
                        &join_key(&rule_path, "rule"),
                        format!("rule number {number} is not in 1-32766"),
                    );
                    None
                }
                None => None,
            };
            if let Some(number) = number
                && let Some(twin) = out.iter().find(|r| r.number == number)
            {
                let message = format!(
                    "duplicate rule number {number} (also at {}); each rule number is used once per direction",
                    twin.path
                );
                self.problem(&join_key(&rule_path, "rule"), message);
                continue;
            }
            let protocol = self.protocol(&rule.protocol, &rule_path);
            let ports = protocol.and_then(|protocol| self.ports(&rule.ports, protocol, &rule_path));
            let cidr = self
                .required(&rule.cidr, &rule_path, "cidr")
                .cloned()
                .and_then(|text| self.cidr4(&text, &join_key(&rule_path, "cidr")));
            let allow = match self
                .required(&rule.action, &rule_path, "action")
                .map(|text| text.0.as_str())
            {
                Some("allow") => Some(true),
                Some("deny") => Some(false),
                Some(other) => {
                    self.problem(
                        &join_key(&rule_path, "action"),
                        format!("unknown action `{other}`: expected allow or deny"),
                    );
                    None
                }
                None => None,
            };
            if let (Some(number), Some(protocol), Some(ports), Some(cidr), Some(allow)) =
                (number, protocol, ports, cidr, allow)
            {
                out.push(AclRule {
                    number,
                    protocol,
                    ports,
                    cidr,
                    allow,
                    path: rule_path,
                });
            }
        }
        out.sort_by_key(|rule| rule.number);
        out
    }

    fn nat_gateway(&mut self, raw: &RawNatGateway, path: &str) -> NatGateway {
        let subnet = self
            .required(&raw.subnet, path, "subnet")
            .cloned()
            .and_then(|id| self.subnet_ref(&id, &join_key(path, "subnet")));
        let public_ip = raw
            .public_ip
            .as_ref()
            .and_then(|text| self.ipv4(text, &join_key(path, "publicIp")));
        NatGateway {
            id: owned(&raw.id),
            path: path.to_owned(),
            subnet: subnet.unwrap_or(SubnetIx(usize::MAX)),
            public_ip,
        }
    }

    fn connections(&mut self, raw: &RawScenario) -> Vec<Connection> {
        let mut out = Vec::new();
        for (i, raw_conn) in raw.connections.iter().enumerate() {
            let path = join_index("connections", i);
            let kind = self.connection_kind(raw_conn, &path);
            if kind.is_none() {
                self.broken_connections.push(ConnIx(i));
            }
            out.push(Connection {
                id: owned(&raw_conn.id),
                path,
                kind: kind.unwrap_or(ConnectionKind::TransitGateway {
                    attachments: Vec::new(),
                }),
            });
        }
        out
    }

    fn connection_kind(&mut self, raw: &RawConnection, path: &str) -> Option<ConnectionKind> {
        let kind = self.required(&raw.kind, path, "type")?.0.clone();
        let unused = |field: &str, present: bool| present.then(|| field.to_owned());
        let (kind, extra) = match kind.as_str() {
            "peering" => {
                let vpcs = self
                    .required(&raw.vpcs, path, "vpcs")
                    .cloned()
                    .unwrap_or_default();
                let list_path = join_key(path, "vpcs");
                let ends: Vec<VpcIx> = vpcs
                    .iter()
                    .enumerate()
                    .filter_map(|(j, id)| self.vpc_ref(id, &join_index(&list_path, j)))
                    .collect();
                let extra = [
                    unused("vpc", raw.vpc.is_some()),
                    unused("network", raw.network.is_some()),
                    unused("attachments", raw.attachments.is_some()),
                ];
                if raw.vpcs.is_none() {
                    // Already reported missing; say what was written instead (`vpc:`?).
                    self.inapplicable(path, "peering connection", raw, extra);
                    return None;
                }
                if vpcs.len() != 2 {
                    self.problem(
                        &list_path,
                        format!(
                            "a peering connection joins exactly two VPCs, not {}",
                            vpcs.len()
                        ),
                    );
                    return None;
                }
                let [a, b] = ends.as_slice() else { return None };
                if a == b {
                    self.problem(&list_path, "a peering connection joins two different VPCs");
                    return None;
                }
                (ConnectionKind::Peering { vpcs: [*a, *b] }, extra)
            }
            "vpn" | "direct-connect" => {
                let vpc = self
                    .required(&raw.vpc, path, "vpc")
                    .cloned()
                    .and_then(|id| self.vpc_ref(&id, &join_key(path, "vpc")));
                let network = self
                    .required(&raw.network, path, "network")
                    .cloned()
                    .and_then(|id| {
                        match self.lookup(&id, &join_key(path, "network"), &[Kind::Network])? {
                            Element::Network(network) => Some(network),
                            _ => None,
                        }
                    });
                let extra = [
                    unused("vpcs", raw.vpcs.is_some()),
                    unused("attachments", raw.attachments.is_some()),
                    None,
                ];
                let (vpc, network) = (vpc?, network?);
                let kind = if kind == "vpn" {
                    ConnectionKind::Vpn { vpc, network }
                } else {
                    ConnectionKind::DirectConnect { vpc, network }
                };
                (kind, extra)
            }
            "transit-gateway" => {
                let list = self
                    .required(&raw.attachments, path, "attachments")
                    .cloned()
                    .unwrap_or_default();
                let list_path = join_key(path, "attachments");
                let mut attachments = Vec::new();
                for (j, id) in list.iter().enumerate() {
                    let item_path = join_index(&list_path, j);
                    match self.lookup(id, &item_path, &[Kind::Vpc, Kind::Network]) {
                        Some(Element::Vpc(vpc)) => attachments.push(Attachment::Vpc(vpc)),
                        Some(Element::Network(network)) => {
                            attachments.push(Attachment::Network(network))
                        }
                        _ => {}
                    }
                }
                let extra = [
                    unused("vpcs", raw.vpcs.is_some()),
                    unused("vpc", raw.vpc.is_some()),
                    unused("network", raw.network.is_some()),
                ];
                (ConnectionKind::TransitGateway { attachments }, extra)
            }
            other => {
                let message = format!(
                    "unknown connection type `{other}`: expected peering, transit-gateway, vpn or direct-connect"
                );
                self.problem(&join_key(path, "type"), message);
                return None;
            }
        };
        self.inapplicable(path, kind.label(), raw, extra);
        Some(kind)
    }

    /// Reports each field of `extra` as one that does not apply to a connection of this type.
    fn inapplicable(
        &mut self,
        path: &str,
        label: &str,
        raw: &RawConnection,
        extra: impl IntoIterator<Item = Option<String>>,
    ) {
        for field in extra.into_iter().flatten() {
            let message = format!(
                "`{field}` does not apply to a {label} (type: {})",
                raw.kind.as_deref().unwrap_or_default()
            );
            self.key_problem(&join_key(path, &field), message);
        }
    }

    /// Routes through a connection must be in a place the connection attaches to.
    fn check_connection_routes(&mut self, scenario: &Scenario) {
        let mut problems = Vec::new();
        for table in &scenario.route_tables {
            for route in &table.routes {
                match route.target {
                    RouteTarget::Connection(conn) => {
                        if !self.broken_connections.contains(&conn)
                            && let Some(connection) = scenario.connections.get(conn.0)
                            && !connection.kind.attaches(Attachment::Vpc(table.vpc))
                        {
                            let vpc = scenario
                                .vpcs
                                .get(table.vpc.0)
                                .map(|v| v.id.as_str())
                                .unwrap_or_default();
                            problems.push((
                                join_key(&route.path, "target"),
                                format!(
                                    "{} `{}` does not attach to {vpc}, the VPC of route table `{}`",
                                    connection.kind.label(),
                                    connection.id,
                                    table.id
                                ),
                            ));
                        }
                    }
                    RouteTarget::Nat(nat) => {
                        if let Some(nat) = scenario.nat_gateways.get(nat.0)
                            && let Some(subnet) = scenario.subnets.get(nat.subnet.0)
                            && subnet.vpc != table.vpc
                        {
                            problems.push((
                                join_key(&route.path, "target"),
                                format!(
                                    "NAT gateway `{}` is in another VPC than route table `{}`",
                                    nat.id, table.id
                                ),
                            ));
                        }
                    }
                    RouteTarget::Local | RouteTarget::InternetGateway => {}
                }
            }
        }
        for (ix, network) in scenario.networks.iter().enumerate() {
            for route in &network.routes {
                if !self.broken_connections.contains(&route.target)
                    && let Some(connection) = scenario.connection(route.target)
                    && !connection.kind.attaches(Attachment::Network(NetworkIx(ix)))
                {
                    problems.push((
                        join_key(&route.path, "target"),
                        format!(
                            "{} `{}` does not attach to network `{}`",
                            connection.kind.label(),
                            connection.id,
                            network.id
                        ),
                    ));
                }
            }
        }
        for (path, message) in problems {
            self.problem(&path, message);
        }
    }

    fn networks(&mut self, raw: &RawScenario) -> Vec<Network> {
        let mut out = Vec::new();
        for (i, raw_network) in raw.networks.iter().enumerate() {
            let path = join_index("networks", i);
            let cidrs_path = join_key(&path, "cidrs");
            let cidrs = self.cidr4_list(&raw_network.cidrs, &cidrs_path);
            let internet_egress_ip = raw_network
                .internet_egress_ip
                .as_ref()
                .and_then(|text| self.ipv4(text, &join_key(&path, "internetEgressIp")));
            let mut routes = Vec::new();
            let mut seen: HashMap<(Ipv4Addr, u8), String> = HashMap::new();
            for (j, raw_route) in raw_network.routes.iter().enumerate() {
                let route_path = join_index(&join_key(&path, "routes"), j);
                let destination = self
                    .required(&raw_route.destination, &route_path, "destination")
                    .cloned()
                    .and_then(|text| self.cidr4(&text, &join_key(&route_path, "destination")));
                let target = self
                    .required(&raw_route.target, &route_path, "target")
                    .cloned()
                    .and_then(|id| self.connection_ref(&id, &join_key(&route_path, "target")));
                // One route per destination (`10.0.0.5/16` is `10.0.0.0/16`): otherwise which
                // one applies would depend on their order.
                let block = destination.map(|d| (d.network(), d.prefix()));
                if let Some(first) = block.and_then(|block| seen.get(&block)) {
                    let message = format!(
                        "a second route for {} (one route per destination; the first is at {first})",
                        destination.map(|d| d.to_string()).unwrap_or_default()
                    );
                    self.problem(&join_key(&route_path, "destination"), message);
                    continue;
                }
                if let Some(block) = block {
                    seen.insert(block, route_path.clone());
                }
                if let (Some(destination), Some(target)) = (destination, target) {
                    routes.push(NetworkRoute {
                        destination,
                        target,
                        path: route_path,
                    });
                }
            }
            let dns_path = join_key(&path, "dnsServers");
            let dns_servers = self.ipv4_list(&raw_network.dns_servers, &dns_path);
            out.push(Network {
                id: owned(&raw_network.id),
                path,
                cidrs,
                internet_egress_ip,
                routes,
                dns_servers,
            });
        }
        out
    }

    fn dns_servers(&mut self, raw: &RawScenario) -> Vec<DnsServer> {
        let mut out: Vec<DnsServer> = Vec::new();
        for (i, raw_server) in raw.dns_servers.iter().enumerate() {
            let path = join_index("dnsServers", i);
            let ip_path = join_key(&path, "ip");
            let Some(ip) = self
                .required(&raw_server.ip, &path, "ip")
                .cloned()
                .and_then(|text| self.ipv4(&text, &ip_path))
            else {
                continue;
            };
            if let Some(twin) = out.iter().find(|server| server.ip == ip) {
                self.problem(
                    &ip_path,
                    format!("duplicate DNS server {ip} (also at {})", twin.path),
                );
                continue;
            }
            let mut forwarders = Vec::new();
            let mut forwarder_paths: HashMap<Name, String> = HashMap::new();
            for (j, raw_forwarder) in raw_server.forward.iter().enumerate() {
                let forwarder_path = join_index(&join_key(&path, "forward"), j);
                let domain = self
                    .required(&raw_forwarder.domain, &forwarder_path, "domain")
                    .cloned()
                    .and_then(|text| self.domain(&text, &join_key(&forwarder_path, "domain")));
                if raw_forwarder.to.is_empty() {
                    self.problem(
                        &forwarder_path,
                        "missing required field `to` (IP addresses or AmazonProvidedDNS)",
                    );
                }
                let to_path = join_key(&forwarder_path, "to");
                let to: Vec<ForwardTarget> = raw_forwarder
                    .to
                    .iter()
                    .enumerate()
                    .filter_map(|(k, text)| {
                        if text.eq_ignore_ascii_case("AmazonProvidedDNS") {
                            Some(ForwardTarget::AmazonProvidedDns)
                        } else {
                            self.ipv4(text, &join_index(&to_path, k))
                                .map(ForwardTarget::Ip)
                        }
                    })
                    .collect();
                if let Some(domain) = &domain
                    && let Some(first) = forwarder_paths.get(domain)
                {
                    let message = format!(
                        "a second conditional forwarder for {} (a DNS server has one per domain; the first is at {first})",
                        domain_text(domain)
                    );
                    self.problem(&join_key(&forwarder_path, "domain"), message);
                    continue;
                }
                if let Some(domain) = domain {
                    forwarder_paths.insert(domain.clone(), forwarder_path.clone());
                    forwarders.push(Forwarder { domain, to });
                }
            }
            out.push(DnsServer {
                ip,
                path,
                forwarders,
            });
        }
        out
    }

    fn cluster(&mut self, raw: &RawCluster, scenario: &Scenario) -> Option<Cluster> {
        let path = "cluster";
        let name = self
            .required(&raw.name, path, "name")
            .map(|text| text.0.clone());
        let region = self
            .required(&raw.region, path, "region")
            .map(|text| text.0.clone());
        let access = match &raw.endpoint_access {
            None => Some(EndpointAccess::Public),
            Some(text) => {
                let access = EndpointAccess::parse(text);
                if access.is_none() {
                    self.problem("cluster.endpointAccess", format!("unknown endpoint access `{text}`: expected public, public-and-private or private"));
                }
                access
            }
        };
        let (public_access_cidrs, public_access_cidrs_default) = match &raw.public_access_cidrs {
            None => (
                vec![IpNetwork::V4(
                    Ipv4Network::new(Ipv4Addr::UNSPECIFIED, 0)
                        .unwrap_or(Ipv4Network::from(Ipv4Addr::UNSPECIFIED)),
                )],
                true,
            ),
            Some(list) => (
                list.iter()
                    .enumerate()
                    .filter_map(|(i, text)| {
                        self.cidr(text, &join_index("cluster.publicAccessCidrs", i))
                    })
                    .collect(),
                false,
            ),
        };
        let (public_endpoint_ips, public_endpoint_ips_placeholder) = match &raw.public_endpoint_ips
        {
            None => (PLACEHOLDER_PUBLIC_IPS.to_vec(), true),
            Some(list) => (self.ipv4_list(list, "cluster.publicEndpointIps"), false),
        };
        let vpc = self
            .required(&raw.vpc, path, "vpc")
            .cloned()
            .and_then(|id| self.vpc_ref(&id, "cluster.vpc"));
        let security_groups = raw
            .security_groups
            .iter()
            .enumerate()
            .filter_map(|(i, id)| {
                let path = join_index("cluster.securityGroups", i);
                self.attached_sg_ref(scenario, id, &path, vpc, "the cluster's ENIs are")
            })
            .collect();
        let mut enis = Vec::new();
        for (i, raw_eni) in raw.enis.iter().enumerate() {
            let eni_path = join_index("cluster.enis", i);
            let subnet = self
                .required(&raw_eni.subnet, &eni_path, "subnet")
                .cloned()
                .and_then(|id| self.subnet_ref(&id, &join_key(&eni_path, "subnet")));
            let ip = self
                .required(&raw_eni.ip, &eni_path, "ip")
                .cloned()
                .and_then(|text| self.ipv4(&text, &join_key(&eni_path, "ip")));
            let (Some(subnet_ix), Some(ip)) = (subnet, ip) else {
                continue;
            };
            let Some(subnet) = scenario.subnet(subnet_ix) else {
                continue;
            };
            if vpc.is_some_and(|vpc| vpc != subnet.vpc) {
                let message = format!(
                    "subnet `{}` is not in the cluster VPC: the EKS-owned ENIs sit in the cluster VPC's subnets",
                    subnet.id
                );
                self.problem(&join_key(&eni_path, "subnet"), message);
            }
            self.check_host_address(ip, subnet, &join_key(&eni_path, "ip"));
            enis.push(Eni {
                subnet: subnet_ix,
                ip,
            });
        }
        let endpoint = match &raw.endpoint {
            Some(text) => self.domain(text, "cluster.endpoint"),
            None => {
                let derived = name
                    .as_deref()
                    .zip(region.as_deref())
                    .and_then(|(name, region)| derived_endpoint(name, region));
                // The name only enters through its hash: only the region can spoil the
                // hostname. Say so, or the scenario fails to load without a word.
                if derived.is_none()
                    && name.is_some()
                    && let Some(region) = &region
                {
                    let message = format!(
                        "`{region}` cannot be part of the endpoint hostname <id>.gr7.{region}.eks.amazonaws.com (a region is a DNS label such as eu-west-1); set cluster.endpoint to give the hostname"
                    );
                    self.problem("cluster.region", message);
                }
                derived
            }
        };
        Some(Cluster {
            name: name?,
            region: region?,
            endpoint: endpoint?,
            endpoint_derived: raw.endpoint.is_none(),
            access: access?,
            public_access_cidrs,
            public_access_cidrs_default,
            public_endpoint_ips,
            public_endpoint_ips_placeholder,
            vpc: vpc?,
            security_groups,
            enis,
        })
    }

    /// An address used by an instance or interface must sit in its subnet and must not be
    /// one of the five addresses AWS reserves there (the first four and the last).
    fn check_host_address(&mut self, ip: Ipv4Addr, subnet: &Subnet, path: &str) {
        if !subnet.cidr.contains(ip) {
            self.problem(
                path,
                format!("{ip} is outside subnet `{}` ({})", subnet.id, subnet.cidr),
            );
            return;
        }
        let base = u32::from(subnet.cidr.network());
        let offset = u32::from(ip).wrapping_sub(base);
        let last = u32::from(subnet.cidr.broadcast()).wrapping_sub(base);
        if subnet.cidr.prefix() <= 28 && (offset < 4 || offset == last) {
            let role = match offset {
                0 => "the network address",
                1 => "the VPC router",
                2 => "the Amazon DNS server",
                3 => "reserved for future use",
                _ => "the broadcast address",
            };
            let message = format!(
                "{ip} is reserved by AWS in subnet `{}` ({role}); the first four and the last address of a subnet cannot be assigned",
                subnet.id
            );
            self.problem(path, message);
        }
    }

    fn clients(&mut self, raw: &RawScenario, scenario: &Scenario) -> Vec<Client> {
        let mut out: Vec<Client> = Vec::with_capacity(raw.clients.len());
        let mut names: HashMap<String, String> = HashMap::with_capacity(raw.clients.len());
        for (i, raw_client) in raw.clients.iter().enumerate() {
            let path = join_index("clients", i);
            let name = self
                .required(&raw_client.name, &path, "name")
                .map(|name| name.0.clone());
            if let Some(name) = &name {
                if let Some(first) = names.get(name) {
                    let message = format!("duplicate client name `{name}` (also at {first})");
                    self.problem(&join_key(&path, "name"), message);
                } else {
                    names.insert(name.clone(), path.clone());
                }
            }
            let from_path = join_key(&path, "from");
            let location = self
                .required(&raw_client.from, &path, "from")
                .cloned()
                .and_then(|from| {
                    if from.0 == "internet" {
                        return Some(ClientLocation::Internet);
                    }
                    match self.lookup(&from, &from_path, &[Kind::Subnet, Kind::Network]) {
                        Some(Element::Subnet(subnet)) => Some(ClientLocation::Subnet(subnet)),
                        Some(Element::Network(network)) => Some(ClientLocation::Network(network)),
                        _ => None,
                    }
                });
            let ip_path = join_key(&path, "ip");
            let ip = self
                .required(&raw_client.ip, &path, "ip")
                .cloned()
                .and_then(|text| self.ipv4(&text, &ip_path));
            match (location, ip) {
                (Some(ClientLocation::Subnet(subnet)), Some(ip)) => {
                    if let Some(subnet) = scenario.subnet(subnet) {
                        self.check_host_address(ip, subnet, &ip_path);
                    }
                }
                (Some(ClientLocation::Network(network)), Some(ip)) => {
                    if let Some(network) = scenario.network(network)
                        && !network.cidrs.is_empty()
                        && !network.contains(ip)
                    {
                        self.problem(
                            &ip_path,
                            format!("{ip} is outside network `{}`'s CIDRs", network.id),
                        );
                    }
                }
                _ => {}
            }
            let public_ip = raw_client
                .public_ip
                .as_ref()
                .and_then(|text| self.ipv4(text, &join_key(&path, "publicIp")));
            let sg_path = join_key(&path, "securityGroups");
            let client_vpc = match location {
                Some(ClientLocation::Subnet(subnet)) => scenario.subnet(subnet).map(|s| s.vpc),
                _ => None,
            };
            let security_groups = raw_client
                .security_groups
                .iter()
                .enumerate()
                .filter_map(|(j, id)| {
                    let path = join_index(&sg_path, j);
                    self.attached_sg_ref(scenario, id, &path, client_vpc, "the client is")
                })
                .collect();
            let expect = raw_client.expect.as_ref().map(|raw_expect| {
                let answer = raw_expect.answer.as_ref().and_then(|text| {
                    let answer = ExpectedAnswer::parse(text);
                    if answer.is_none() {
                        self.problem(
                            &join_key(&join_key(&path, "expect"), "answer"),
                            format!("unknown answer `{text}`: expected public, private or none"),
                        );
                    }
                    answer
                });
                Expectation {
                    answer,
                    reachable: raw_expect.reachable,
                }
            });
            if let (Some(name), Some(location), Some(ip)) = (name, location, ip) {
                out.push(Client {
                    name,
                    path,
                    location,
                    ip,
                    public_ip,
                    security_groups,
                    expect,
                    node_group: None,
                });
            }
        }
        out
    }
}

impl Validator<'_> {
    /// Node groups, and their implicit clients (one per subnet, after the written clients).
    fn node_groups(
        &mut self,
        raw: &RawScenario,
        scenario: &Scenario,
        cluster: &Cluster,
    ) -> (Vec<NodeGroup>, Vec<Client>) {
        let mut groups: Vec<NodeGroup> = Vec::new();
        let mut clients = Vec::new();
        for (i, raw_group) in raw.node_groups.iter().enumerate() {
            let path = join_index("nodeGroups", i);
            let Some(name) = self
                .required(&raw_group.name, &path, "name")
                .map(|n| n.0.clone())
            else {
                continue;
            };
            if let Some(twin) = groups.iter().find(|group| group.name == name) {
                let message = format!("duplicate node group name `{name}` (also at {})", twin.path);
                self.problem(&join_key(&path, "name"), message);
                continue;
            }
            let subnets_path = join_key(&path, "subnets");
            if raw_group.subnets.is_empty() {
                self.problem(
                    &path,
                    "missing required field `subnets` (the subnets the nodes run in)",
                );
            }
            let mut subnets = Vec::new();
            for (j, id) in raw_group.subnets.iter().enumerate() {
                let subnet_path = join_index(&subnets_path, j);
                let Some(subnet_ix) = self.subnet_ref(id, &subnet_path) else {
                    continue;
                };
                match scenario.subnet(subnet_ix) {
                    Some(subnet) if subnet.vpc != cluster.vpc => {
                        let message = format!(
                            "subnet `{}` is not in the cluster VPC: node groups run in the cluster VPC's subnets",
                            subnet.id
                        );
                        self.problem(&subnet_path, message);
                    }
                    Some(_) => subnets.push(subnet_ix),
                    None => {}
                }
            }
            let (security_groups, default_security_groups) = match &raw_group.security_groups {
                // EKS attaches the cluster security group to managed node groups that do not
                // name their own (EKS user guide, sec-group-reqs).
                None => (
                    cluster
                        .security_groups
                        .first()
                        .copied()
                        .into_iter()
                        .collect(),
                    true,
                ),
                Some(list) => {
                    let list_path = join_key(&path, "securityGroups");
                    let groups: Vec<SgIx> = list
                        .iter()
                        .enumerate()
                        .filter_map(|(j, id)| {
                            let path = join_index(&list_path, j);
                            let vpc = Some(cluster.vpc);
                            self.attached_sg_ref(
                                scenario,
                                id,
                                &path,
                                vpc,
                                "the node group's nodes are",
                            )
                        })
                        .collect();
                    (groups, false)
                }
            };
            let public_ip = raw_group
                .public_ip
                .as_ref()
                .and_then(|text| self.ipv4(text, &join_key(&path, "publicIp")));
            let group_ix = NodeGroupIx(groups.len());
            let mut implicit = Vec::new();
            for (j, subnet_ix) in subnets.iter().enumerate() {
                let Some(subnet) = scenario.subnet(*subnet_ix) else {
                    continue;
                };
                implicit.push(ClientIx(scenario.clients.len() + clients.len()));
                clients.push(Client {
                    name: format!("{name}@{}", subnet.id),
                    path: join_index(&subnets_path, j),
                    location: ClientLocation::Subnet(*subnet_ix),
                    ip: representative_address(subnet.cidr),
                    public_ip,
                    security_groups: security_groups.clone(),
                    expect: None,
                    node_group: Some(group_ix),
                });
            }
            groups.push(NodeGroup {
                name,
                path,
                subnets,
                security_groups,
                default_security_groups,
                public_ip,
                clients: implicit,
            });
        }
        (groups, clients)
    }

    fn vpc_endpoints(&mut self, raw: &RawScenario, scenario: &Scenario) -> Vec<VpcEndpoint> {
        let mut out = Vec::new();
        for (v, raw_vpc) in raw.vpcs.iter().enumerate() {
            for (i, raw_endpoint) in raw_vpc.vpc_endpoints.iter().enumerate() {
                let path = join_index(&join_key(&join_index("vpcs", v), "vpcEndpoints"), i);
                if raw_endpoint.id.is_some() {
                    self.register(&raw_endpoint.id, &path, Element::Resolver);
                }
                let Some(service) = self.required(&raw_endpoint.service, &path, "service") else {
                    continue;
                };
                // `com.amazonaws.eu-west-1.ecr.api` and `ecr.api` name the same service.
                let service = short_service_name(&service.0);
                let kind = match raw_endpoint.kind.as_deref() {
                    None if matches!(service.as_str(), "s3" | "dynamodb") => {
                        VpcEndpointKind::Gateway
                    }
                    None => VpcEndpointKind::Interface,
                    Some("interface" | "Interface") => VpcEndpointKind::Interface,
                    Some("gateway" | "Gateway") => VpcEndpointKind::Gateway,
                    Some(other) => {
                        let message = format!(
                            "unknown endpoint type `{other}`: expected interface or gateway"
                        );
                        self.problem(&join_key(&path, "type"), message);
                        continue;
                    }
                };
                let vpc = VpcIx(v);
                let subnets_path = join_key(&path, "subnets");
                let mut subnets = Vec::new();
                for (j, id) in raw_endpoint.subnets.iter().enumerate() {
                    let subnet_path = join_index(&subnets_path, j);
                    if let Some(subnet) = self.subnet_ref(id, &subnet_path) {
                        if scenario.subnet(subnet).is_some_and(|s| s.vpc != vpc) {
                            self.problem(
                                &subnet_path,
                                format!("subnet `{id}` is in another VPC than the endpoint"),
                            );
                        }
                        subnets.push(subnet);
                    }
                }
                let tables_path = join_key(&path, "routeTables");
                let mut route_tables = Vec::new();
                for (j, id) in raw_endpoint.route_tables.iter().enumerate() {
                    let table_path = join_index(&tables_path, j);
                    if let Some(Element::RouteTable(table)) =
                        self.lookup(id, &table_path, &[Kind::RouteTable])
                    {
                        if scenario.route_table(table).is_some_and(|t| t.vpc != vpc) {
                            self.problem(
                                &table_path,
                                format!("route table `{id}` is in another VPC than the endpoint"),
                            );
                        }
                        route_tables.push(table);
                    }
                }
                out.push(VpcEndpoint {
                    path,
                    vpc,
                    service,
                    kind,
                    // The EC2 API creates interface endpoints for AWS services with private
                    // DNS on unless told otherwise.
                    private_dns: raw_endpoint
                        .private_dns
                        .unwrap_or(kind == VpcEndpointKind::Interface),
                    subnets,
                    route_tables,
                });
            }
        }
        out
    }

    fn ignores(&mut self, raw: &RawScenario) -> Vec<Ignore> {
        let mut out = Vec::new();
        for (i, raw_ignore) in raw.ignore.iter().enumerate() {
            let path = join_index("ignore", i);
            let code = self
                .required(&raw_ignore.code, &path, "code")
                .map(|c| c.0.clone());
            let reason = self
                .required(&raw_ignore.reason, &path, "reason")
                .map(|r| r.0.clone());
            if let Some(reason) = &reason
                && reason.trim().is_empty()
            {
                self.problem(
                    &join_key(&path, "reason"),
                    "an ignore needs a reason: say why the finding does not apply",
                );
            }
            if let Some(code) = &code {
                let well_formed = code.len() == 6
                    && code.starts_with("EKS")
                    && code.chars().skip(3).all(|c| c.is_ascii_digit());
                if !well_formed {
                    self.problem(&join_key(&path, "code"), format!("`{code}` is not a rule code (EKS followed by three digits, e.g. EKS003)"));
                }
            }
            if let (Some(code), Some(reason)) = (code, reason) {
                out.push(Ignore { code, reason, path });
            }
        }
        out
    }
}

/// The address eksflow gives a node group's nodes in a subnet: the first one AWS lets an
/// instance have (base + 4; the first four are reserved).
fn representative_address(cidr: Ipv4Network) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(cidr.network()).saturating_add(4))
}

/// `com.amazonaws.eu-west-1.ecr.api` → `ecr.api`; short names are kept.
fn short_service_name(service: &str) -> String {
    let service = service.trim();
    match service.strip_prefix("com.amazonaws.") {
        Some(rest) => rest
            .split_once('.')
            .map_or(rest, |(_, name)| name)
            .to_owned(),
        None => service.to_owned(),
    }
}

/// How the nested elements are laid out in the flat arenas: each subnet's VPC, and how many
/// of each other element there are.
#[derive(Default)]
struct Layout {
    subnets: Vec<VpcIx>,
    route_tables: usize,
    security_groups: usize,
    network_acls: usize,
    nat_gateways: usize,
}

/// Public endpoint addresses used when `publicEndpointIps` is absent: documentation
/// addresses (RFC 5737), so nobody mistakes them for the real NLB addresses.
pub const PLACEHOLDER_PUBLIC_IPS: [Ipv4Addr; 2] =
    [Ipv4Addr::new(192, 0, 2, 10), Ipv4Addr::new(192, 0, 2, 11)];

/// `<32 upper-case hex>.gr7.<region>.eks.amazonaws.com`, the hex a 128-bit FNV-1a hash of the
/// cluster name with each half passed through MurmurHash3's finaliser (so similar names get
/// unrelated hostnames): the same cluster always gets the same hostname.
fn derived_endpoint(name: &str, region: &str) -> Option<Name> {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let hash = name.bytes().fold(OFFSET, |hash, byte| {
        (hash ^ u128::from(byte)).wrapping_mul(PRIME)
    });
    let mix = |mut x: u64| {
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    };
    let high = mix((hash >> 64) as u64);
    let low = mix(hash as u64 ^ high);
    let mut endpoint = Name::from_ascii(format!(
        "{high:016X}{low:016X}.gr7.{region}.eks.amazonaws.com"
    ))
    .ok()?;
    endpoint.set_fqdn(true);
    Some(endpoint)
}

fn placeholder_cluster() -> Cluster {
    Cluster {
        name: String::new(),
        region: String::new(),
        endpoint: Name::root(),
        endpoint_derived: true,
        access: EndpointAccess::Public,
        public_access_cidrs: Vec::new(),
        public_access_cidrs_default: true,
        public_endpoint_ips: Vec::new(),
        public_endpoint_ips_placeholder: true,
        vpc: VpcIx(0),
        security_groups: Vec::new(),
        enis: Vec::new(),
    }
}

/// An optional text field as an owned string (empty when absent).
fn owned(value: &Option<Text>) -> String {
    value
        .as_ref()
        .map(|text| text.0.clone())
        .unwrap_or_default()
}

/// Problems in file order.
fn sorted(mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    problems.sort_by_key(|problem| problem.position);
    problems
}

/// Levenshtein distance, for "did you mean" hints.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let delete = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = current.last().copied().unwrap_or(0) + 1;
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_endpoint_is_stable_and_shaped_like_eks() {
        let a = derived_endpoint("prod", "eu-west-1").unwrap().to_ascii();
        let b = derived_endpoint("prod", "eu-west-1").unwrap().to_ascii();
        assert_eq!(a, b);
        let (hex, rest) = a.split_once('.').unwrap();
        assert_eq!(hex.len(), 32);
        assert!(
            hex.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
        assert_eq!(rest, "gr7.eu-west-1.eks.amazonaws.com.");
        assert_ne!(
            a,
            derived_endpoint("staging", "eu-west-1").unwrap().to_ascii()
        );
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("subnet-a", "subnet-b"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("nat", "nat"), 0);
    }
}
