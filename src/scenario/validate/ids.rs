//! IDs and references: every element's ID is registered once, and every reference must
//! name an element of the kind its field expects.
//!
//! IDs share one namespace across the whole scenario, because some fields accept several
//! kinds (a route target may be an internet gateway, a NAT gateway or a connection). All are
//! registered before any is resolved, so references may point forwards. A dangling reference
//! gets a "did you mean" hint from [`crate::suggest`].

use crate::diagnostic::LoadCode;
use crate::scenario::model::*;
use crate::scenario::raw::{RawScenario, Text};
use crate::scenario::spans::{join_index, join_key};

use super::Validator;

/// Literal words that cannot be used as IDs because references give them a meaning.
const RESERVED_IDS: [&str; 3] = ["internet", "local", "AmazonProvidedDNS"];

/// The kinds of element an ID can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Element {
    Vpc(VpcIx),
    Subnet(SubnetIx),
    RouteTable(RouteTableIx),
    SecurityGroup(SgIx),
    NetworkAcl(AclIx),
    Nat(NatIx),
    InternetGateway(VpcIx),
    EgressOnlyInternetGateway(VpcIx),
    Connection(ConnIx),
    Network(NetworkIx),
    /// Resolver inbound endpoints and forward rules: named, never referenced.
    Resolver,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Vpc,
    Subnet,
    RouteTable,
    SecurityGroup,
    NetworkAcl,
    Nat,
    InternetGateway,
    EgressOnlyInternetGateway,
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
            Element::EgressOnlyInternetGateway(_) => Kind::EgressOnlyInternetGateway,
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
            Kind::EgressOnlyInternetGateway => "an egress-only internet gateway",
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

impl Validator<'_> {
    pub(super) fn register(
        &mut self,
        id: &Option<Text>,
        parent: &str,
        element: Element,
    ) -> Option<String> {
        let path = join_key(parent, "id");
        let id = self.required(id, parent, "id")?.0.clone();
        if id.trim().is_empty() {
            self.problem(LoadCode::BadValue, &path, "an id must not be empty");
            return None;
        }
        if RESERVED_IDS.contains(&id.as_str()) {
            self.problem(
                LoadCode::BadValue,
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
            self.problem(LoadCode::DuplicateId, &path, message);
            return None;
        }
        self.ids.insert(id.clone(), (element, path));
        Some(id)
    }

    /// Resolves a reference, or reports it as dangling or of the wrong kind.
    pub(super) fn lookup(&mut self, id: &str, path: &str, kinds: &[Kind]) -> Option<Element> {
        match self.ids.get(id) {
            Some((element, _)) if kinds.contains(&element.kind()) => Some(*element),
            Some((element, _)) => {
                let message = format!(
                    "`{id}` is {}, but {} is expected here",
                    element.kind().noun(),
                    expected_nouns(kinds)
                );
                self.problem(LoadCode::DanglingReference, path, message);
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
                self.problem(LoadCode::DanglingReference, path, message);
                None
            }
        }
    }

    /// "; did you mean `subnet-a`?" for a near-miss reference.
    fn suggest(&self, id: &str, kinds: &[Kind]) -> String {
        crate::suggest::did_you_mean(
            id,
            self.ids
                .iter()
                .filter(|(_, (element, _))| kinds.contains(&element.kind()))
                .map(|(candidate, _)| candidate.as_str()),
        )
    }

    pub(super) fn vpc_ref(&mut self, id: &str, path: &str) -> Option<VpcIx> {
        match self.lookup(id, path, &[Kind::Vpc])? {
            Element::Vpc(vpc) => Some(vpc),
            _ => None,
        }
    }

    pub(super) fn subnet_ref(&mut self, id: &str, path: &str) -> Option<SubnetIx> {
        match self.lookup(id, path, &[Kind::Subnet])? {
            Element::Subnet(subnet) => Some(subnet),
            _ => None,
        }
    }

    pub(super) fn sg_ref(&mut self, id: &str, path: &str) -> Option<SgIx> {
        match self.lookup(id, path, &[Kind::SecurityGroup])? {
            Element::SecurityGroup(sg) => Some(sg),
            _ => None,
        }
    }

    /// A security group attached to an interface in `vpc`: AWS attaches only groups of the
    /// interface's own VPC ("You can assign a security group only to resources in the same
    /// VPC as the security group" — Amazon VPC user guide, security groups). Rules may still
    /// name groups of a peered VPC (`sourceSecurityGroup`); attachment may not.
    pub(super) fn attached_sg_ref(
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
            self.problem(LoadCode::Conflict, path, message);
            return None;
        }
        Some(sg)
    }

    /// Whether any element has the ID `id`.
    pub(super) fn ids_has(&self, id: &str) -> bool {
        self.ids.contains_key(id)
    }

    pub(super) fn connection_ref(&mut self, id: &str, path: &str) -> Option<ConnIx> {
        match self.lookup(id, path, &[Kind::Connection])? {
            Element::Connection(conn) => Some(conn),
            _ => None,
        }
    }

    /// Assigns every element its index and registers its ID, so references may point
    /// forwards as well as backwards.
    pub(super) fn register_all(&mut self, raw: &RawScenario) -> Layout {
        let mut layout = Layout::default();
        for (v, vpc) in raw.vpcs.iter().enumerate() {
            let vpc_path = join_index("vpcs", v);
            let vpc_ix = VpcIx(v);
            self.register(&vpc.id, &vpc_path, Element::Vpc(vpc_ix));
            if let Some(igw) = &vpc.internet_gateway {
                let path = join_key(&vpc_path, "internetGateway");
                self.register(&Some(igw.clone()), &path, Element::InternetGateway(vpc_ix));
            }
            if let Some(eigw) = &vpc.egress_only_internet_gateway {
                let path = join_key(&vpc_path, "egressOnlyInternetGateway");
                let element = Element::EgressOnlyInternetGateway(vpc_ix);
                self.register(&Some(eigw.clone()), &path, element);
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
                for (i, endpoint) in resolver.outbound_endpoints.iter().enumerate() {
                    let path = join_index(&join_key(&resolver_path, "outboundEndpoints"), i);
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
}

/// How the nested elements are laid out in the flat arenas: each subnet's VPC, and how many
/// of each other element there are.
#[derive(Default)]
pub(super) struct Layout {
    pub(super) subnets: Vec<VpcIx>,
    route_tables: usize,
    security_groups: usize,
    network_acls: usize,
    nat_gateways: usize,
}
