//! What the packet met at each hop, kept as data and put into words only when a report asks.
//!
//! A flow passes a dozen elements; writing a sentence for each while tracing would cost most
//! of the analysis time for large scenarios (and most reports only print the verdicts).

use std::net::IpAddr;

use ipnetwork::IpNetwork;

use super::filters::{AclVerdict, Direction, SgMatch, evaluate_acl_for};
use super::transit::TransitHop;
use super::{Hop, VpcNextHop, routes};
use crate::scenario::{
    AclRule, Attachment, Client, Connection, NatGateway, Network, NetworkAcl, NetworkRoute,
    PortRange, Protocol, Route, RouteTable, RouteTarget, Scenario, SgIx, SgPeer, Subnet, Vpc,
};

/// Which packet of the TCP exchange a NACL check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leg {
    Request,
    Reply,
    /// Client → NAT gateway, entering the NAT gateway's subnet.
    RequestIntoNat,
    /// NAT gateway → internet, leaving the NAT gateway's subnet.
    RequestOutOfNat,
    /// Internet → NAT gateway.
    ReplyToNat,
    /// NAT gateway → client.
    ReplyToClient,
}

impl Leg {
    pub fn as_str(self) -> &'static str {
        match self {
            Leg::Request => "request",
            Leg::Reply => "reply",
            Leg::RequestIntoNat => "request into the NAT gateway's subnet",
            Leg::RequestOutOfNat => "request out of the NAT gateway's subnet",
            Leg::ReplyToNat => "reply to the NAT gateway",
            Leg::ReplyToClient => "reply to the client",
        }
    }
}

/// Where the source address the public endpoint sees comes from.
#[derive(Debug, Clone, Copy)]
pub enum SourceOrigin<'s> {
    /// An internet client's own address.
    ClientAddress,
    /// The instance public IP, through an internet gateway.
    InstancePublicIp,
    Nat(&'s NatGateway),
    NetworkEgress(&'s Network),
    /// A client's own IPv6 address, never translated ("The source IPv6 address of a Pod
    /// isn't source network address translated", EKS user guide, cni-ipv6).
    OwnIpv6,
}

/// A check the packet passed (or, for [`Step::Blocked`], the one that stopped it).
#[derive(Debug, Clone)]
pub enum Step<'s> {
    /// A client without security groups: unrestricted egress.
    NoClientGroups,
    /// Security group egress allowed TCP to `port` at `to`.
    SgEgress {
        groups: &'s [SgIx],
        found: SgMatch<'s>,
        proto: Protocol,
        port: u16,
        to: IpAddr,
    },
    /// A NACL check that passed; the allowing rules are looked up again when rendered.
    Nacl {
        proto: Protocol,
        subnet: &'s Subnet,
        direction: Direction,
        leg: Leg,
        peer: IpAddr,
        ports: PortRange,
    },
    /// An internet client sends straight to the public endpoint.
    Internet,
    /// A route lookup that chose `route`.
    Route {
        subnet: &'s Subnet,
        table: Option<&'s RouteTable>,
        route: &'s Route,
    },
    /// The local route of the cluster VPC.
    LocalRoute {
        subnet: &'s Subnet,
        table: Option<&'s RouteTable>,
        vpc: &'s Vpc,
    },
    /// An internet gateway translating to the client's public IP.
    InternetGateway { vpc: &'s Vpc, public_ip: IpAddr },
    /// An internet gateway or egress-only internet gateway carrying an IPv6 packet with the
    /// client's own address: "IPv6 addresses are globally unique, and are therefore public
    /// by default" (VPC user guide, egress-only internet gateway basics).
    Ipv6Gateway { vpc: &'s Vpc, egress_only: bool },
    /// A network client reaching the IPv6 internet with its own address (`ipv6Internet`).
    NetworkIpv6Egress { network: &'s Network },
    /// A NAT gateway translating to its public IP, with its own subnet's internet route.
    Nat {
        nat: &'s NatGateway,
        public_ip: IpAddr,
        subnet: &'s Subnet,
        table: Option<&'s RouteTable>,
        route: &'s Route,
        vpc: &'s Vpc,
    },
    /// Forced tunnelling: a VPC route to a VPN, leaving through the network's egress IP.
    ConnectionToInternet {
        connection: &'s Connection,
        network: &'s Network,
        egress: IpAddr,
    },
    /// A network client leaving through its internet egress IP.
    NetworkEgress {
        network: &'s Network,
        egress: IpAddr,
    },
    /// The source is in `publicAccessCidrs`.
    Allowlist {
        source: IpAddr,
        origin: SourceOrigin<'s>,
        cidr: &'s IpNetwork,
    },
    /// Client and ENI share a subnet, so no NACL applies.
    SameSubnet { subnet: &'s Subnet },
    /// A network's route towards the cluster.
    NetworkRoute {
        network: &'s Network,
        route: &'s NetworkRoute,
    },
    /// A connection that carries the flow into a network, whose routes take it on.
    Carried {
        connection: &'s Connection,
        network: &'s Network,
    },
    /// A transit gateway's route for the destination (or, with `reply`, for the client's
    /// address on the way back).
    TransitRoute {
        connection: &'s Connection,
        route: TransitHop<'s>,
        reply: bool,
    },
    /// Traffic a transit gateway delivered into a VPC, routed on by the route table of the
    /// attachment subnet it entered through.
    AttachmentRoute {
        connection: &'s Connection,
        subnet: &'s Subnet,
        table: Option<&'s RouteTable>,
        route: &'s Route,
    },
    /// A connection that delivers into the cluster VPC.
    Delivered {
        connection: &'s Connection,
        vpc: &'s Vpc,
    },
    /// Security group ingress allowed TCP to `port` from `from`.
    SgIngress {
        groups: &'s [SgIx],
        found: SgMatch<'s>,
        proto: Protocol,
        port: u16,
        from: IpAddr,
    },
    /// The reply's route from the ENI subnet: local, or over `route`.
    ReturnRoute {
        subnet: &'s Subnet,
        table: Option<&'s RouteTable>,
        route: Option<&'s Route>,
    },
    /// A check that passed, already in words (DNS hops: a server without groups, a query
    /// inside one network).
    Note { at: String, detail: String },
    /// The failing check, already in words, at the element `at` (by ID, as printed). Where
    /// the walk records one, `denial` is the same check as data (see [`Denial`]).
    Blocked {
        at: String,
        detail: String,
        denial: Option<Denial<'s>>,
    },
}

/// The check that stopped a packet, as data: the elements and values its sentence names.
///
/// Recorded for the packet filters (security groups, network ACLs), the `publicAccessCidrs`
/// allowlist, a subnet's route lookup, the return route and a transit gateway's routes. A
/// blocked step without one names its element only by [`Step::Blocked`]'s `at`. Nothing here
/// is printed: the words stay in `detail` and [`Blocked::blocked_by`](crate::reason::Blocked).
#[derive(Debug, Clone)]
pub enum Denial<'s> {
    /// No rule of `groups` allows the flow on `port` with `peer`: `Outbound`, the client's
    /// egress to `peer`; `Inbound`, the destination's ingress from `peer`. `peer_groups` are
    /// the groups at the other end that a rule's group reference could match here (none
    /// across a transit gateway, VPN or Direct Connect).
    SecurityGroups {
        groups: &'s [SgIx],
        direction: Direction,
        proto: Protocol,
        port: u16,
        peer: IpAddr,
        peer_groups: Vec<SgIx>,
    },
    /// Network ACL `acl` of `subnet` drops `leg` with `peer` on `ports` (the ports no rule
    /// lets through): by deny rule `rule`, or by the implicit deny when `rule` is `None`.
    Nacl {
        acl: &'s NetworkAcl,
        subnet: &'s Subnet,
        direction: Direction,
        leg: Leg,
        proto: Protocol,
        peer: IpAddr,
        ports: PortRange,
        rule: Option<&'s AclRule>,
    },
    /// The source the public endpoint sees is in no CIDR of `publicAccessCidrs`.
    Allowlist {
        source: IpAddr,
        origin: SourceOrigin<'s>,
    },
    /// The route lookup of `subnet` (in `table`; `None`: the VPC's main route table) for
    /// the request, whose answer `next` cannot carry it.
    Route {
        subnet: &'s Subnet,
        table: Option<&'s RouteTable>,
        next: VpcNextHop<'s>,
    },
    /// The reply's route lookup of `subnet`, whose answer `next` does not send the reply
    /// back over `over`, the connection the request came in on (`None`: the internet
    /// gateway it came in through).
    ReturnRoute {
        subnet: &'s Subnet,
        table: Option<&'s RouteTable>,
        next: VpcNextHop<'s>,
        over: Option<&'s Connection>,
    },
    /// Transit gateway `connection` has no route for the destination.
    NoTransitRoute { connection: &'s Connection },
    /// Transit gateway `connection` routes the reply by `route` (`None`: no route for the
    /// client's address) elsewhere than back to `back_to`, where the request entered it.
    TransitReturn {
        connection: &'s Connection,
        route: Option<TransitHop<'s>>,
        back_to: Attachment,
    },
}

/// What a step needs to be put into words.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub scenario: &'a Scenario,
    pub client: &'a Client,
    pub address: IpAddr,
    /// The client's address of `address`'s family: the packet's own source.
    pub source: IpAddr,
}

impl Step<'_> {
    /// The hop as printed: the element it happened at, and what happened.
    pub fn hop(&self, cx: Context<'_>) -> Hop {
        let scenario = cx.scenario;
        let (at, detail, ok) = match self {
            Step::NoClientGroups => (
                cx.client.name.clone(),
                "no security groups: unrestricted egress".to_owned(),
                true,
            ),
            Step::SgEgress {
                groups,
                found,
                proto,
                port,
                to,
            } => (
                scenario.sg_names(groups),
                format!(
                    "egress allows {proto}/{port} to {to} ({})",
                    describe_sg_match(scenario, found)
                ),
                true,
            ),
            Step::Nacl {
                proto,
                subnet,
                direction,
                leg,
                peer,
                ports,
            } => nacl_hop(scenario, *proto, subnet, *direction, *leg, *peer, *ports),
            Step::Internet => (
                "internet".to_owned(),
                format!(
                    "client {} at {} reaches {} directly",
                    cx.client.name, cx.source, cx.address
                ),
                true,
            ),
            Step::Route {
                subnet,
                table,
                route,
            } => (
                routes::table_name(scenario, subnet, *table),
                format!(
                    "{} → {}",
                    route.destination,
                    target_name(scenario, subnet, route.target)
                ),
                true,
            ),
            Step::LocalRoute { subnet, table, vpc } => (
                routes::table_name(scenario, subnet, *table),
                format!("local route: {} is inside {}", cx.address, vpc.id),
                true,
            ),
            Step::InternetGateway { vpc, public_ip } => (
                vpc.internet_gateway.clone().unwrap_or_default(),
                format!(
                    "translates {} to the instance public IP {public_ip}",
                    cx.source
                ),
                true,
            ),
            Step::Ipv6Gateway { vpc, egress_only } => {
                let (at, kind) = if *egress_only {
                    (
                        vpc.egress_only_internet_gateway.clone(),
                        "egress-only internet gateway",
                    )
                } else {
                    (vpc.internet_gateway.clone(), "internet gateway")
                };
                (
                    at.unwrap_or_default(),
                    format!(
                        "{kind} carries {} untranslated: IPv6 has no NAT, the address is the client's own",
                        cx.source
                    ),
                    true,
                )
            }
            Step::NetworkIpv6Egress { network } => (
                network.id.clone(),
                format!(
                    "client {} reaches the IPv6 internet as {} (ipv6Internet: no translation)",
                    cx.client.name, cx.source
                ),
                true,
            ),
            Step::Nat {
                nat,
                public_ip,
                subnet,
                table,
                route,
                vpc,
            } => (
                nat.id.clone(),
                format!(
                    "translates {} to {public_ip}; its subnet {} routes {} → {} ({})",
                    cx.source,
                    subnet.id,
                    route.destination,
                    vpc.internet_gateway.as_deref().unwrap_or_default(),
                    routes::table_name(scenario, subnet, *table)
                ),
                true,
            ),
            Step::ConnectionToInternet {
                connection,
                network,
                egress,
            } => (
                connection.id.clone(),
                format!(
                    "carries the flow to network {}, which leaves for the internet as {egress}",
                    network.id
                ),
                true,
            ),
            Step::NetworkEgress { network, egress } => (
                network.id.clone(),
                format!(
                    "client {} leaves for the internet as {egress} (internetEgressIp)",
                    cx.client.name
                ),
                true,
            ),
            Step::Allowlist {
                source,
                origin,
                cidr,
            } => (
                "publicAccessCidrs".to_owned(),
                format!(
                    "source {source} ({}) is allowed by {cidr}",
                    describe_origin(cx.client, *origin)
                ),
                true,
            ),
            Step::SameSubnet { subnet } => (
                format!("{} (same subnet)", subnet.id),
                "network ACLs do not filter traffic within a subnet".to_owned(),
                true,
            ),
            Step::NetworkRoute { network, route } => (
                network.id.clone(),
                format!(
                    "{} → {}",
                    route.destination,
                    scenario
                        .connection(route.target)
                        .map(|c| c.id.as_str())
                        .unwrap_or_default()
                ),
                true,
            ),
            Step::Carried {
                connection,
                network,
            } => (
                connection.id.clone(),
                format!(
                    "{} carries the flow to network {}",
                    connection.kind.label(),
                    network.id
                ),
                true,
            ),
            Step::TransitRoute {
                connection,
                route,
                reply,
            } => {
                let target = place_name(scenario, route.target());
                let how = match route {
                    TransitHop::Static(_) => "static route".to_owned(),
                    TransitHop::Propagated { .. } => format!("propagated by {target}"),
                };
                let detail = if *reply {
                    format!(
                        "reply: {} → {target} ({how}) back to {}",
                        route.destination(),
                        cx.source
                    )
                } else {
                    format!("{} → {target} ({how})", route.destination())
                };
                (connection.id.clone(), detail, true)
            }
            Step::AttachmentRoute {
                connection,
                subnet,
                table,
                route,
            } => (
                routes::table_name(scenario, subnet, *table),
                format!(
                    "traffic from {} enters attachment subnet {}: {} → {}",
                    connection.id,
                    subnet.id,
                    route.destination,
                    target_name(scenario, subnet, route.target)
                ),
                true,
            ),
            Step::Delivered { connection, vpc } => (
                connection.id.clone(),
                format!("{} delivers to {}", connection.kind.label(), vpc.id),
                true,
            ),
            Step::SgIngress {
                groups,
                found,
                proto,
                port,
                from,
            } => (
                scenario.sg_names(groups),
                format!(
                    "ingress allows {proto}/{port} from {from} ({})",
                    describe_sg_match(scenario, found)
                ),
                true,
            ),
            Step::ReturnRoute {
                subnet,
                table,
                route,
            } => {
                let at = format!("{} (return)", routes::table_name(scenario, subnet, *table));
                let detail = match route {
                    None => format!("local route back to {}", cx.source),
                    Some(route) => format!(
                        "{} → {} back to {}",
                        route.destination,
                        target_name(scenario, subnet, route.target),
                        cx.source
                    ),
                };
                (at, detail, true)
            }
            Step::Note { at, detail } => (at.clone(), detail.clone(), true),
            Step::Blocked { at, detail, .. } => (at.clone(), detail.clone(), false),
        };
        Hop { at, detail, ok }
    }
}

fn nacl_hop(
    scenario: &Scenario,
    proto: Protocol,
    subnet: &Subnet,
    direction: Direction,
    leg: Leg,
    peer: IpAddr,
    ports: PortRange,
) -> (String, String, bool) {
    let what = leg.as_str();
    let Some(acl) = subnet.network_acl.and_then(|acl| scenario.network_acl(acl)) else {
        return (
            format!("default NACL ({} {})", subnet.id, direction.as_str()),
            format!("{what}: the default network ACL allows all traffic"),
            true,
        );
    };
    let at = format!("{} ({} {})", acl.id, subnet.id, direction.as_str());
    let peer_word = match direction {
        Direction::Inbound => "from",
        Direction::Outbound => "to",
    };
    let numbers = match evaluate_acl_for(acl, proto, direction, peer, ports) {
        AclVerdict::Allowed { rules } => rules,
        // Not reached: only passing NACL checks are kept as steps.
        _ => Vec::new(),
    };
    let rule_word = if numbers.len() == 1 { "rule" } else { "rules" };
    let numbers = numbers
        .iter()
        .map(|rule| rule.number.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    (
        at,
        format!("{what}: {rule_word} {numbers} allow {proto} to port {ports} {peer_word} {peer}"),
        true,
    )
}

/// `sg-cluster: tcp/443 10.0.0.0/16`, or why the default egress applies.
pub fn describe_sg_match(scenario: &Scenario, found: &SgMatch<'_>) -> String {
    let name = |sg: SgIx| {
        scenario
            .security_group(sg)
            .map(|g| g.id.as_str())
            .unwrap_or_default()
    };
    match found {
        SgMatch::DefaultEgress(sg) => format!(
            "{} has no egress rules written: the default allows all outbound",
            name(*sg)
        ),
        SgMatch::Rule(sg, rule) => {
            let peer = match rule.peer {
                SgPeer::Cidr(cidr) => cidr.to_string(),
                SgPeer::Group(group) => format!("group {}", name(group)),
            };
            let ports = if rule.protocol.has_ports() {
                format!("/{}", rule.ports)
            } else {
                String::new()
            };
            format!("{}: {}{ports} {peer}", name(*sg), rule.protocol)
        }
    }
}

/// Where a translated source address comes from, for messages.
pub fn describe_origin(client: &Client, origin: SourceOrigin<'_>) -> String {
    match origin {
        SourceOrigin::ClientAddress => format!("the address of client {}", client.name),
        SourceOrigin::InstancePublicIp => format!("the public IP of client {}", client.name),
        SourceOrigin::Nat(nat) => format!(
            "the public IP of NAT gateway {}, used by client {}",
            nat.id, client.name
        ),
        SourceOrigin::NetworkEgress(network) => {
            format!("the internet egress IP of network {}", network.id)
        }
        SourceOrigin::OwnIpv6 => format!("the own IPv6 address of client {}", client.name),
    }
}

/// The ID of a VPC or network.
fn place_name(scenario: &Scenario, place: Attachment) -> String {
    match place {
        Attachment::Vpc(vpc) => scenario.vpc(vpc).map(|v| v.id.clone()),
        Attachment::Network(network) => scenario.network(network).map(|n| n.id.clone()),
    }
    .unwrap_or_default()
}

/// The name of a route target, seen from `subnet`'s VPC.
pub fn target_name(scenario: &Scenario, subnet: &Subnet, target: RouteTarget) -> String {
    match target {
        RouteTarget::Local => "local".to_owned(),
        RouteTarget::InternetGateway => scenario
            .vpc(subnet.vpc)
            .and_then(|vpc| vpc.internet_gateway.clone())
            .unwrap_or_else(|| "an internet gateway".to_owned()),
        RouteTarget::EgressOnlyInternetGateway => scenario
            .vpc(subnet.vpc)
            .and_then(|vpc| vpc.egress_only_internet_gateway.clone())
            .unwrap_or_else(|| "an egress-only internet gateway".to_owned()),
        RouteTarget::Nat(nat) => scenario
            .nat_gateway(nat)
            .map(|n| n.id.clone())
            .unwrap_or_default(),
        RouteTarget::Connection(conn) => scenario
            .connection(conn)
            .map(|c| c.id.clone())
            .unwrap_or_default(),
    }
}
