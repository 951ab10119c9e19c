//! The packet path from a client to one endpoint address (SPEC section 3, *Path*).
//!
//! TCP from the client's IP to port 443, checked in the order a packet meets each element:
//! client security group egress → client subnet NACL outbound → route lookup (and NAT /
//! internet gateway / connection) → for a public address, `publicAccessCidrs`; for a private
//! one, ENI subnet NACL inbound → ENI security groups → ENI subnet NACL outbound (return) →
//! return route from the ENI subnet → client subnet NACL inbound (return). The first check
//! that fails gives the [`Reason`].
//!
//! AWS behaviour encoded here beyond the SPEC, with sources:
//! - Network ACLs do not filter traffic between instances of the same subnet (VPC FAQ).
//! - A NAT gateway's own subnet NACL sees the flow twice (client → NAT, NAT → internet) and
//!   the NAT uses source ports 1024-65535 (VPC user guide, "Ephemeral ports").
//! - VPC peering and VPN / Direct Connect have no edge-to-edge routing: traffic that arrives
//!   over one cannot leave through the VPC's internet gateway, NAT gateway or another
//!   connection (VPC peering guide, "Edge to edge routing through a gateway or private
//!   connection").
//! - Security group references work across a same-region peering (VPC peering guide,
//!   "Reference peer security groups"); across a transit gateway they need the gateway's
//!   security-group-referencing option, which is off by default, so eksflow does not match
//!   them there.

mod filters;
mod routes;
mod steps;

use std::net::Ipv4Addr;

pub use filters::{
    AclVerdict, Direction, SgMatch, evaluate_acl, sg_egress_allows, sg_ingress_allows,
};
pub use routes::{VpcNextHop, lookup_network, lookup_subnet};
pub use steps::{Context, Leg, SourceOrigin, Step};

use crate::reason::{Blocked, Reason};
use crate::scenario::{
    Attachment, Client, ClientLocation, ConnIx, ConnectionKind, EndpointAccess, Eni, NetworkIx,
    PortRange, RouteTarget, Scenario, SgIx, Subnet, SubnetIx, VpcIx,
};

/// The Kubernetes API server's port.
pub const HTTPS: u16 = 443;

/// The kubelet's port, which the control plane connects to for `kubectl exec` and `logs`,
/// and which admission webhooks behind the nodes need.
pub const KUBELET: u16 = 10250;

/// Which endpoint an address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointKind {
    /// The public endpoint (an AWS-managed load balancer address).
    Public,
    /// An EKS-owned ENI in the cluster VPC.
    Private,
}

impl EndpointKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointKind::Public => "public",
            EndpointKind::Private => "private",
        }
    }
}

/// One element the packet met, and whether it let the packet through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The scenario element, by ID (`sg-cluster`, `rt-private`, `publicAccessCidrs`).
    pub at: String,
    pub detail: String,
    pub ok: bool,
}

/// The path to one resolved address.
#[derive(Debug, Clone)]
pub struct Target<'s> {
    pub address: Ipv4Addr,
    pub endpoint: EndpointKind,
    /// Each check the packet met, in order; the last one failed when `blocked` is set.
    pub steps: Vec<Step<'s>>,
    /// `None` when the packet arrives (and the reply returns).
    pub blocked: Option<Blocked>,
}

impl Target<'_> {
    pub fn reachable(&self) -> bool {
        self.blocked.is_none()
    }

    /// The steps in words, for `client`'s flow in `scenario`.
    pub fn hops(&self, scenario: &Scenario, client: &Client) -> Vec<Hop> {
        let cx = Context {
            scenario,
            client,
            address: self.address,
        };
        self.steps.iter().map(|step| step.hop(cx)).collect()
    }
}

/// The control plane's connection to a node's kubelet (TCP 10250) from one EKS-owned ENI.
#[derive(Debug, Clone)]
pub struct KubeletPath<'s> {
    /// The ENI the connection starts from.
    pub eni: Ipv4Addr,
    pub steps: Vec<Step<'s>>,
    pub blocked: Option<Blocked>,
}

impl KubeletPath<'_> {
    pub fn reachable(&self) -> bool {
        self.blocked.is_none()
    }

    /// The steps in words, for the connection to `node`.
    pub fn hops(&self, scenario: &Scenario, node: &Client) -> Vec<Hop> {
        let cx = Context {
            scenario,
            client: node,
            address: node.ip,
        };
        self.steps.iter().map(|step| step.hop(cx)).collect()
    }
}

/// Traces TCP 443 flows under one endpoint access mode.
#[derive(Debug)]
pub struct Tracer<'s> {
    scenario: &'s Scenario,
    access: EndpointAccess,
}

/// The steps walked so far; a failed check ends the walk with `Err(Blocked)`.
struct Walk<'s> {
    steps: Vec<Step<'s>>,
}

type Check = Result<(), Blocked>;

impl<'s> Walk<'s> {
    fn pass(&mut self, step: Step<'s>) {
        self.steps.push(step);
    }

    fn fail<T>(
        &mut self,
        at: impl Into<String>,
        detail: impl Into<String>,
        reason: Reason,
        blocked_by: impl Into<String>,
    ) -> Result<T, Blocked> {
        self.steps.push(Step::Blocked {
            at: at.into(),
            detail: detail.into(),
        });
        Err(Blocked {
            reason,
            blocked_by: blocked_by.into(),
        })
    }

    /// A failed check whose hop detail is the blocking sentence itself.
    fn block<T>(
        &mut self,
        at: impl Into<String>,
        reason: Reason,
        blocked_by: impl Into<String>,
    ) -> Result<T, Blocked> {
        let blocked_by = blocked_by.into();
        self.fail(at, blocked_by.clone(), reason, blocked_by)
    }
}

/// How a private-address packet reached the cluster VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arrival {
    /// From inside the cluster VPC.
    Local,
    /// Over a connection.
    Via(ConnIx),
}

impl<'s> Tracer<'s> {
    pub fn new(scenario: &'s Scenario, access: EndpointAccess) -> Self {
        Tracer { scenario, access }
    }

    /// Which endpoint `address` belongs to under this mode.
    pub fn endpoint_kind(&self, address: Ipv4Addr) -> EndpointKind {
        let cluster = &self.scenario.cluster;
        if cluster.enis.iter().any(|eni| eni.ip == address) {
            EndpointKind::Private
        } else {
            EndpointKind::Public
        }
    }

    /// Traces `client` → `address`:443.
    pub fn trace(&self, client: &'s Client, address: Ipv4Addr) -> Target<'s> {
        let endpoint = self.endpoint_kind(address);
        let mut walk = Walk {
            steps: Vec::with_capacity(12),
        };
        let result = match endpoint {
            EndpointKind::Public => self.to_public(&mut walk, client, address),
            EndpointKind::Private => self.to_private(&mut walk, client, address),
        };
        Target {
            address,
            endpoint,
            steps: walk.steps,
            blocked: result.err(),
        }
    }

    /// Traces the control plane → `node`:10250 from `eni`. The kubelet connection starts in
    /// the cluster VPC, so the route is always local; the filters are the cluster security
    /// groups' egress, both subnets' NACLs (both ways) and the node's security groups.
    pub fn kubelet(&self, eni: &'s Eni, node: &'s Client) -> KubeletPath<'s> {
        let mut walk = Walk {
            steps: Vec::with_capacity(8),
        };
        let blocked = self.kubelet_walk(&mut walk, eni, node).err();
        KubeletPath {
            eni: eni.ip,
            steps: walk.steps,
            blocked,
        }
    }

    fn kubelet_walk(&self, walk: &mut Walk<'s>, eni: &'s Eni, node: &'s Client) -> Check {
        let scenario = self.scenario;
        let cluster = &scenario.cluster;
        let (Some(eni_subnet), Some((_, node_subnet))) =
            (scenario.subnet(eni.subnet), self.subnet_of(node))
        else {
            return Err(unreachable_blocked());
        };
        let kubelet = PortRange {
            from: KUBELET,
            to: KUBELET,
        };
        let same_subnet = std::ptr::eq(eni_subnet, node_subnet);
        match sg_egress_allows(
            scenario,
            &cluster.security_groups,
            KUBELET,
            node.ip,
            &node.security_groups,
        ) {
            Some(found) => walk.pass(Step::SgEgress {
                groups: &cluster.security_groups,
                found,
                port: KUBELET,
                to: node.ip,
            }),
            None => {
                let names = scenario.sg_names(&cluster.security_groups);
                return walk.block(
                    names.clone(),
                    Reason::SgEgressDeny,
                    format!("the cluster security groups {names} allow no egress to tcp/{KUBELET} at {} (node group {})", node.ip, node.name),
                );
            }
        }
        if same_subnet {
            walk.pass(Step::SameSubnet {
                subnet: node_subnet,
            });
        } else {
            self.nacl(
                walk,
                eni_subnet,
                Direction::Outbound,
                node.ip,
                kubelet,
                Leg::Request,
            )?;
        }
        let (table, next) = lookup_subnet(scenario, eni_subnet, node.ip);
        match next {
            VpcNextHop::Local => {
                let Some(vpc) = scenario.vpc(eni_subnet.vpc) else {
                    return Err(unreachable_blocked());
                };
                walk.pass(Step::LocalRoute {
                    subnet: eni_subnet,
                    table,
                    vpc,
                });
            }
            _ => {
                let table_name = routes::table_name(scenario, eni_subnet, table);
                return walk.block(
                    table_name.clone(),
                    Reason::NoRoute,
                    format!(
                        "route table {table_name} of ENI subnet {} has no local route to node {}",
                        eni_subnet.id, node.ip
                    ),
                );
            }
        }
        if !same_subnet {
            self.nacl(
                walk,
                node_subnet,
                Direction::Inbound,
                eni.ip,
                kubelet,
                Leg::Request,
            )?;
        }
        match sg_ingress_allows(
            scenario,
            &node.security_groups,
            KUBELET,
            eni.ip,
            &cluster.security_groups,
        ) {
            Some(found) => walk.pass(Step::SgIngress {
                groups: &node.security_groups,
                found,
                port: KUBELET,
                from: eni.ip,
            }),
            None => {
                let names = scenario.sg_names(&node.security_groups);
                let names = if names.is_empty() {
                    "(none)".to_owned()
                } else {
                    names
                };
                return walk.block(
                    names.clone(),
                    Reason::SgIngressDeny,
                    format!(
                        "the node security groups {names} allow no tcp/{KUBELET} from the control plane ({} or the cluster security groups {})",
                        eni.ip,
                        scenario.sg_names(&cluster.security_groups)
                    ),
                );
            }
        }
        if !same_subnet {
            self.nacl(
                walk,
                node_subnet,
                Direction::Outbound,
                eni.ip,
                PortRange::EPHEMERAL,
                Leg::Reply,
            )?;
            self.nacl(
                walk,
                eni_subnet,
                Direction::Inbound,
                node.ip,
                PortRange::EPHEMERAL,
                Leg::Reply,
            )?;
        }
        Ok(())
    }

    fn subnet_of(&self, client: &Client) -> Option<(SubnetIx, &'s Subnet)> {
        match client.location {
            ClientLocation::Subnet(ix) => self.scenario.subnet(ix).map(|subnet| (ix, subnet)),
            _ => None,
        }
    }

    fn vpc_id(&self, vpc: VpcIx) -> &'s str {
        self.scenario
            .vpc(vpc)
            .map(|vpc| vpc.id.as_str())
            .unwrap_or_default()
    }

    fn connection_id(&self, conn: ConnIx) -> &'s str {
        self.scenario
            .connection(conn)
            .map(|c| c.id.as_str())
            .unwrap_or_default()
    }

    // ---- filters ----------------------------------------------------------------------

    /// Client security group egress. `destination_groups` are the groups a reference in an
    /// egress rule can match at the destination.
    fn client_egress(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        destination: Ipv4Addr,
        destination_groups: &[SgIx],
    ) -> Check {
        let ClientLocation::Subnet(_) = client.location else {
            return Ok(());
        };
        if client.security_groups.is_empty() {
            walk.pass(Step::NoClientGroups);
            return Ok(());
        }
        match sg_egress_allows(
            self.scenario,
            &client.security_groups,
            HTTPS,
            destination,
            destination_groups,
        ) {
            Some(found) => {
                walk.pass(Step::SgEgress {
                    groups: &client.security_groups,
                    found,
                    port: HTTPS,
                    to: destination,
                });
                Ok(())
            }
            None => {
                let names = self.scenario.sg_names(&client.security_groups);
                walk.block(
                names.clone(),
                Reason::SgEgressDeny,
                format!("security group {names} of client {} has no egress rule allowing tcp/443 to {destination}", client.name),
            )
            }
        }
    }

    /// A subnet's network ACL on TCP traffic with `peer` on `ports`.
    fn nacl(
        &self,
        walk: &mut Walk<'s>,
        subnet: &'s Subnet,
        direction: Direction,
        peer: Ipv4Addr,
        ports: PortRange,
        leg: Leg,
    ) -> Check {
        let passed = Step::Nacl {
            subnet,
            direction,
            leg,
            peer,
            ports,
        };
        let Some(acl) = subnet
            .network_acl
            .and_then(|acl| self.scenario.network_acl(acl))
        else {
            walk.pass(passed);
            return Ok(());
        };
        let what = leg.as_str();
        let at = format!("{} ({} {})", acl.id, subnet.id, direction.as_str());
        let reason = match direction {
            Direction::Inbound => Reason::NaclInboundDeny,
            Direction::Outbound => Reason::NaclOutboundDeny,
        };
        let (peer_word, port_word) = match direction {
            Direction::Inbound => ("from", "to"),
            Direction::Outbound => ("to", "to"),
        };
        match evaluate_acl(acl, direction, peer, ports) {
            AclVerdict::Allowed { .. } => {
                walk.pass(passed);
                Ok(())
            }
            AclVerdict::Denied { rule, ports: denied } => walk.fail(
                at,
                format!("{what}: rule {} denies tcp {port_word} port {denied} {peer_word} {peer}", rule.number),
                reason,
                format!(
                    "network ACL {} ({} {}) rule {} denies the {what} (tcp {port_word} port {denied} {peer_word} {peer})",
                    acl.id,
                    subnet.id,
                    direction.as_str(),
                    rule.number
                ),
            ),
            AclVerdict::ImplicitDeny { ports: denied } => walk.fail(
                at,
                format!("{what}: no rule allows tcp {port_word} port {denied} {peer_word} {peer} (implicit deny)"),
                reason,
                format!(
                    "network ACL {} ({} {}) has no rule allowing the {what} (tcp {port_word} port {denied} {peer_word} {peer}), so the implicit deny drops it{}",
                    acl.id,
                    subnet.id,
                    direction.as_str(),
                    if ports == PortRange::EPHEMERAL { "; NACLs are stateless and return traffic needs ephemeral ports 1024-65535" } else { "" }
                ),
            ),
        }
    }

    // ---- public endpoint --------------------------------------------------------------

    fn to_public(&self, walk: &mut Walk<'s>, client: &'s Client, address: Ipv4Addr) -> Check {
        let source = match client.location {
            ClientLocation::Internet => {
                walk.pass(Step::Internet);
                (client.ip, SourceOrigin::ClientAddress)
            }
            ClientLocation::Network(network) => {
                self.network_to_internet(walk, client, network, address)?
            }
            ClientLocation::Subnet(_) => {
                let Some((_, subnet)) = self.subnet_of(client) else {
                    return Ok(());
                };
                self.client_egress(walk, client, address, &[])?;
                self.nacl(
                    walk,
                    subnet,
                    Direction::Outbound,
                    address,
                    PortRange::HTTPS,
                    Leg::Request,
                )?;
                self.subnet_to_internet(walk, client, subnet, address)?
            }
        };
        self.allowlist(walk, client, source, address)?;
        if let Some((_, subnet)) = self.subnet_of(client) {
            if let Some(nat_subnet) = self.nat_subnet_for(subnet, address)
                && nat_subnet.vpc == subnet.vpc
                && !std::ptr::eq(nat_subnet, subnet)
            {
                self.nacl(
                    walk,
                    nat_subnet,
                    Direction::Inbound,
                    address,
                    PortRange::EPHEMERAL,
                    Leg::ReplyToNat,
                )?;
                self.nacl(
                    walk,
                    nat_subnet,
                    Direction::Outbound,
                    client.ip,
                    PortRange::EPHEMERAL,
                    Leg::ReplyToClient,
                )?;
            }
            self.nacl(
                walk,
                subnet,
                Direction::Inbound,
                address,
                PortRange::EPHEMERAL,
                Leg::Reply,
            )?;
        }
        Ok(())
    }

    /// The subnet of the NAT gateway the client's route table uses for `address`, if any.
    fn nat_subnet_for(&self, subnet: &Subnet, address: Ipv4Addr) -> Option<&'s Subnet> {
        match lookup_subnet(self.scenario, subnet, address).1 {
            VpcNextHop::Route(route) => match route.target {
                RouteTarget::Nat(nat) => self
                    .scenario
                    .nat_gateway(nat)
                    .and_then(|nat| self.scenario.subnet(nat.subnet)),
                _ => None,
            },
            _ => None,
        }
    }

    /// From a subnet to a public address: returns the source address the internet sees.
    fn subnet_to_internet(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        subnet: &'s Subnet,
        address: Ipv4Addr,
    ) -> Result<(Ipv4Addr, SourceOrigin<'s>), Blocked> {
        let scenario = self.scenario;
        let (table, next) = lookup_subnet(scenario, subnet, address);
        let table_name = routes::table_name(scenario, subnet, table);
        let route = match next {
            VpcNextHop::Local => {
                return walk.block(
                    table_name.clone(),
                    Reason::NoRoute,
                    format!("{address} falls inside {}'s own CIDRs, so route table {table_name} keeps it local; the public endpoint is not there", self.vpc_id(subnet.vpc)),
                );
            }
            VpcNextHop::None => {
                return walk.block(
                    table_name.clone(),
                    Reason::NoRoute,
                    format!("route table {table_name} of subnet {} has no route to {address} (no 0.0.0.0/0 to an internet or NAT gateway)", subnet.id),
                );
            }
            VpcNextHop::Route(route) => route,
        };
        match route.target {
            RouteTarget::Local => Err(unreachable_blocked()),
            RouteTarget::InternetGateway => {
                let Some(vpc) = scenario.vpc(subnet.vpc) else {
                    return Err(unreachable_blocked());
                };
                let igw = vpc.internet_gateway.clone().unwrap_or_default();
                walk.pass(Step::Route {
                    subnet,
                    table,
                    route,
                });
                match client.public_ip {
                    Some(public_ip) => {
                        walk.pass(Step::InternetGateway { vpc, public_ip });
                        Ok((public_ip, SourceOrigin::InstancePublicIp))
                    }
                    None => {
                        walk.block(
                            igw.clone(),
                            Reason::NoPublicIp,
                            format!("client {} routes to internet gateway {igw} but has no publicIp; an internet gateway only carries traffic of instances with a public IPv4 address (use a NAT gateway for private subnets)", client.name),
                        )
                    }
                }
            }
            RouteTarget::Nat(nat_ix) => {
                let Some(nat) = scenario.nat_gateway(nat_ix) else {
                    return Err(unreachable_blocked());
                };
                walk.pass(Step::Route {
                    subnet,
                    table,
                    route,
                });
                let Some(nat_subnet) = scenario.subnet(nat.subnet) else {
                    return Err(unreachable_blocked());
                };
                let same_subnet = std::ptr::eq(nat_subnet, subnet);
                if !same_subnet {
                    self.nacl(
                        walk,
                        nat_subnet,
                        Direction::Inbound,
                        client.ip,
                        PortRange::HTTPS,
                        Leg::RequestIntoNat,
                    )?;
                }
                let Some(public_ip) = nat.public_ip else {
                    return walk.block(
                        nat.id.clone(),
                        Reason::NatNoInternet,
                        format!("NAT gateway {} has no publicIp (a private NAT gateway), so it cannot reach the internet", nat.id),
                    );
                };
                let (nat_table, nat_next) = lookup_subnet(scenario, nat_subnet, address);
                let nat_table_name = routes::table_name(scenario, nat_subnet, nat_table);
                match nat_next {
                    VpcNextHop::Route(nat_route)
                        if nat_route.target == RouteTarget::InternetGateway =>
                    {
                        let Some(vpc) = scenario.vpc(nat_subnet.vpc) else {
                            return Err(unreachable_blocked());
                        };
                        walk.pass(Step::Nat {
                            nat,
                            public_ip,
                            subnet: nat_subnet,
                            table: nat_table,
                            route: nat_route,
                            vpc,
                        });
                    }
                    _ => {
                        return walk.block(
                            nat.id.clone(),
                            Reason::NatNoInternet,
                            format!("NAT gateway {} sits in subnet {} whose route table {nat_table_name} has no route to an internet gateway for {address}; the NAT gateway cannot reach the internet", nat.id, nat_subnet.id),
                        );
                    }
                }
                if !same_subnet {
                    self.nacl(
                        walk,
                        nat_subnet,
                        Direction::Outbound,
                        address,
                        PortRange::HTTPS,
                        Leg::RequestOutOfNat,
                    )?;
                }
                Ok((public_ip, SourceOrigin::Nat(nat)))
            }
            RouteTarget::Connection(conn) => {
                let Some(connection) = scenario.connection(conn) else {
                    return Err(unreachable_blocked());
                };
                walk.pass(Step::Route {
                    subnet,
                    table,
                    route,
                });
                match &connection.kind {
                    ConnectionKind::Peering { .. } => {
                        walk.block(
                            connection.id.clone(),
                            Reason::PeeringNoTransit,
                            format!("route to {address} goes to peering connection {}, but VPC peering does not carry traffic to the internet (no edge-to-edge routing through the peer's gateways)", connection.id),
                        )
                    }
                    ConnectionKind::Vpn { network, .. } | ConnectionKind::DirectConnect { network, .. } => {
                        let network_ix = *network;
                        let Some(network) = scenario.network(network_ix) else {
                            return Err(unreachable_blocked());
                        };
                        match network.internet_egress_ip {
                            Some(egress) => {
                                walk.pass(Step::ConnectionToInternet {
                                    connection,
                                    network,
                                    egress,
                                });
                                Ok((egress, SourceOrigin::NetworkEgress(network)))
                            }
                            None => {
                                walk.block(
                                    connection.id.clone(),
                                    Reason::NoInternetEgress,
                                    format!("route to {address} goes over {} to network {}, which has no internetEgressIp", connection.id, network.id),
                                )
                            }
                        }
                    }
                    ConnectionKind::TransitGateway { .. } => {
                        walk.block(
                            connection.id.clone(),
                            Reason::NoRoute,
                            format!("route to {address} goes to transit gateway {}, which has no attachment for it (centralised internet egress through a transit gateway is not modelled)", connection.id),
                        )
                    }
                }
            }
        }
    }

    /// From a network to a public address: returns the source address the internet sees.
    fn network_to_internet(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        network_ix: NetworkIx,
        address: Ipv4Addr,
    ) -> Result<(Ipv4Addr, SourceOrigin<'s>), Blocked> {
        let Some(network) = self.scenario.network(network_ix) else {
            return Err(unreachable_blocked());
        };
        if let Some(route) = lookup_network(&network.routes, address) {
            let conn = self.connection_id(route.target);
            return walk.block(
                network.id.clone(),
                Reason::NoRoute,
                format!("network {} routes {} over {conn} into AWS, and traffic arriving over a VPN, Direct Connect or transit gateway cannot leave through a VPC's internet or NAT gateway (no edge-to-edge routing)", network.id, route.destination),
            );
        }
        match network.internet_egress_ip {
            Some(egress) => {
                walk.pass(Step::NetworkEgress { network, egress });
                Ok((egress, SourceOrigin::NetworkEgress(network)))
            }
            None => {
                walk.block(
                    network.id.clone(),
                    Reason::NoInternetEgress,
                    format!("network {} has no internetEgressIp, so client {} cannot reach the public endpoint {address}", network.id, client.name),
                )
            }
        }
    }

    /// The public endpoint admits only sources in `publicAccessCidrs`; `source` is the address
    /// the internet sees (after NAT), with a description naming where it comes from.
    fn allowlist(
        &self,
        walk: &mut Walk<'s>,
        client: &Client,
        (source, origin): (Ipv4Addr, SourceOrigin<'s>),
        address: Ipv4Addr,
    ) -> Check {
        let cluster = &self.scenario.cluster;
        if !self.access.public_access() {
            return walk.block(
                "public endpoint",
                Reason::NoRoute,
                format!(
                    "{address} is not served: public access is off in {} mode",
                    self.access
                ),
            );
        }
        let matched = cluster
            .public_access_cidrs
            .iter()
            .find(|cidr| matches!(cidr, ipnetwork::IpNetwork::V4(v4) if v4.contains(source)));
        match matched {
            Some(cidr) => {
                walk.pass(Step::Allowlist {
                    source,
                    origin,
                    cidr,
                });
                Ok(())
            }
            None => {
                let list = cluster
                    .public_access_cidrs
                    .iter()
                    .map(|cidr| cidr.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                walk.block(
                    "publicAccessCidrs",
                    Reason::PublicCidrDeny,
                    format!(
                        "source {source} ({}) is not in cluster.publicAccessCidrs [{list}], so the public endpoint refuses it",
                        steps::describe_origin(client, origin)
                    ),
                )
            }
        }
    }

    // ---- private endpoint -------------------------------------------------------------

    fn to_private(&self, walk: &mut Walk<'s>, client: &'s Client, address: Ipv4Addr) -> Check {
        let scenario = self.scenario;
        let cluster = &scenario.cluster;
        let Some(eni_subnet) = cluster
            .enis
            .iter()
            .find(|eni| eni.ip == address)
            .and_then(|eni| scenario.subnet(eni.subnet))
        else {
            return Err(unreachable_blocked());
        };
        let client_subnet = self.subnet_of(client).map(|(_, subnet)| subnet);
        let same_subnet = client_subnet.is_some_and(|subnet| std::ptr::eq(subnet, eni_subnet));

        // Where a security group reference can see the client: its own VPC, or a same-region
        // peer. Decided after the route lookup, which tells how the packet travels.
        if let ClientLocation::Internet = client.location {
            return walk.block(
                "internet",
                Reason::PrivateAddressFromInternet,
                format!("{address} is a private ENI address in {}; it cannot be reached from the internet (client {})", self.vpc_id(cluster.vpc), client.name),
            );
        }
        let egress_groups = self.referenceable_groups(client, &cluster.security_groups);
        self.client_egress(walk, client, address, &egress_groups)?;
        if let Some(subnet) = client_subnet {
            if same_subnet {
                walk.pass(Step::SameSubnet { subnet });
            } else {
                self.nacl(
                    walk,
                    subnet,
                    Direction::Outbound,
                    address,
                    PortRange::HTTPS,
                    Leg::Request,
                )?;
            }
        }
        let arrival = self.route_to_cluster(walk, client, address)?;

        if !same_subnet {
            self.nacl(
                walk,
                eni_subnet,
                Direction::Inbound,
                client.ip,
                PortRange::HTTPS,
                Leg::Request,
            )?;
        }
        let source_groups = match arrival {
            Arrival::Local => client.security_groups.clone(),
            Arrival::Via(conn) => match scenario.connection(conn).map(|c| &c.kind) {
                Some(ConnectionKind::Peering { .. }) => client.security_groups.clone(),
                _ => Vec::new(),
            },
        };
        match sg_ingress_allows(
            scenario,
            &cluster.security_groups,
            HTTPS,
            client.ip,
            &source_groups,
        ) {
            Some(found) => walk.pass(Step::SgIngress {
                groups: &cluster.security_groups,
                found,
                port: HTTPS,
                from: client.ip,
            }),
            None => {
                let names = scenario.sg_names(&cluster.security_groups);
                let groups_note = if client.security_groups.is_empty() {
                    String::new()
                } else if source_groups.is_empty() {
                    format!(
                        " (security group references to {} do not work across this connection)",
                        scenario.sg_names(&client.security_groups)
                    )
                } else {
                    format!(
                        " or from its groups {}",
                        scenario.sg_names(&client.security_groups)
                    )
                };
                let names_or_none = if names.is_empty() {
                    "(none)".to_owned()
                } else {
                    names
                };
                return walk.block(
                    names_or_none.clone(),
                    Reason::SgIngressDeny,
                    format!("the cluster security groups {names_or_none} on the EKS ENIs allow no tcp/443 from {} (client {}){groups_note}", client.ip, client.name),
                );
            }
        }
        if !same_subnet {
            self.nacl(
                walk,
                eni_subnet,
                Direction::Outbound,
                client.ip,
                PortRange::EPHEMERAL,
                Leg::Reply,
            )?;
        }
        self.return_route(walk, client, eni_subnet, arrival)?;
        if let Some(subnet) = client_subnet
            && !same_subnet
        {
            self.nacl(
                walk,
                subnet,
                Direction::Inbound,
                address,
                PortRange::EPHEMERAL,
                Leg::Reply,
            )?;
        }
        Ok(())
    }

    /// The cluster security groups an egress rule of the client may reference (same VPC or a
    /// directly peered one).
    fn referenceable_groups(&self, client: &Client, groups: &[SgIx]) -> Vec<SgIx> {
        let Some((_, subnet)) = self.subnet_of(client) else {
            return Vec::new();
        };
        let cluster_vpc = self.scenario.cluster.vpc;
        let peered = self.scenario.connections.iter().any(|c| {
            matches!(&c.kind, ConnectionKind::Peering { vpcs } if vpcs.contains(&subnet.vpc) && vpcs.contains(&cluster_vpc))
        });
        if subnet.vpc == cluster_vpc || peered {
            groups.to_vec()
        } else {
            Vec::new()
        }
    }

    /// Routes the request to an ENI address; returns how it reached the cluster VPC.
    fn route_to_cluster(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        address: Ipv4Addr,
    ) -> Result<Arrival, Blocked> {
        let scenario = self.scenario;
        let cluster_vpc = scenario.cluster.vpc;
        match client.location {
            ClientLocation::Internet => Err(unreachable_blocked()),
            ClientLocation::Subnet(_) => {
                let Some((_, subnet)) = self.subnet_of(client) else {
                    return Err(unreachable_blocked());
                };
                let (table, next) = lookup_subnet(scenario, subnet, address);
                let table_name = routes::table_name(scenario, subnet, table);
                match next {
                    VpcNextHop::Local if subnet.vpc == cluster_vpc => {
                        let Some(vpc) = scenario.vpc(cluster_vpc) else {
                            return Err(unreachable_blocked());
                        };
                        walk.pass(Step::LocalRoute { subnet, table, vpc });
                        Ok(Arrival::Local)
                    }
                    VpcNextHop::Local => {
                        walk.block(
                            table_name,
                            Reason::NoRoute,
                            format!("{address} falls inside {}'s own CIDRs, so the local route keeps it there; it never reaches the cluster VPC {} (overlapping CIDRs)", self.vpc_id(subnet.vpc), self.vpc_id(cluster_vpc)),
                        )
                    }
                    VpcNextHop::None => {
                        walk.block(
                            table_name.clone(),
                            Reason::NoRoute,
                            format!("route table {table_name} of subnet {} has no route to {address} in the cluster VPC {}", subnet.id, self.vpc_id(cluster_vpc)),
                        )
                    }
                    VpcNextHop::Route(route) => match route.target {
                        RouteTarget::Connection(conn) => {
                            walk.pass(Step::Route {
                                subnet,
                                table,
                                route,
                            });
                            self.cross_connection(walk, Attachment::Vpc(subnet.vpc), conn, address)
                        }
                        _ => {
                            let target = match route.target {
                                RouteTarget::Nat(nat) => scenario.nat_gateway(nat).map(|n| n.id.clone()).unwrap_or_default(),
                                _ => scenario.vpc(subnet.vpc).and_then(|v| v.internet_gateway.clone()).unwrap_or_default(),
                            };
                            walk.block(
                                table_name.clone(),
                                Reason::NoRoute,
                                format!("route table {table_name} of subnet {} sends {address} to {target} via {}; a private ENI address is not reachable through the internet; add a route to the cluster VPC over a peering or transit gateway", subnet.id, route.destination),
                            )
                        }
                    },
                }
            }
            ClientLocation::Network(network_ix) => {
                let Some(network) = scenario.network(network_ix) else {
                    return Err(unreachable_blocked());
                };
                match lookup_network(&network.routes, address) {
                    Some(route) => {
                        walk.pass(Step::NetworkRoute { network, route });
                        self.cross_connection(walk, Attachment::Network(network_ix), route.target, address)
                    }
                    None => {
                        walk.block(
                            network.id.clone(),
                            Reason::NoRoute,
                            format!("network {} has no route to {address} (the cluster VPC {} over a VPN, Direct Connect or transit gateway)", network.id, self.vpc_id(cluster_vpc)),
                        )
                    }
                }
            }
        }
    }

    /// Carries a packet from `from` over `conn` towards an ENI address in the cluster VPC.
    fn cross_connection(
        &self,
        walk: &mut Walk<'s>,
        from: Attachment,
        conn: ConnIx,
        address: Ipv4Addr,
    ) -> Result<Arrival, Blocked> {
        let scenario = self.scenario;
        let cluster_vpc = scenario.cluster.vpc;
        let Some(connection) = scenario.connection(conn) else {
            return Err(unreachable_blocked());
        };
        let cluster_vpc_id = self.vpc_id(cluster_vpc);
        // The place the connection delivers to, seen from `from`.
        let landing: Option<VpcIx> = match &connection.kind {
            ConnectionKind::Peering { vpcs } => vpcs
                .iter()
                .copied()
                .find(|vpc| Attachment::Vpc(*vpc) != from),
            ConnectionKind::Vpn { vpc, .. } | ConnectionKind::DirectConnect { vpc, .. } => {
                (Attachment::Vpc(*vpc) != from).then_some(*vpc)
            }
            ConnectionKind::TransitGateway { attachments } => {
                attachments.iter().find_map(|attachment| match attachment {
                    Attachment::Vpc(vpc)
                        if *attachment != from
                            && scenario.vpc(*vpc).is_some_and(|v| v.contains(address)) =>
                    {
                        Some(*vpc)
                    }
                    _ => None,
                })
            }
        };
        match landing {
            Some(vpc) if vpc == cluster_vpc => {
                let Some(vpc) = scenario.vpc(vpc) else {
                    return Err(unreachable_blocked());
                };
                walk.pass(Step::Delivered { connection, vpc });
                Ok(Arrival::Via(conn))
            }
            Some(other) => {
                let other_id = self.vpc_id(other);
                let onward_peering = scenario.connections.iter().any(|c| {
                    matches!(&c.kind, ConnectionKind::Peering { vpcs } if vpcs.contains(&other) && vpcs.contains(&cluster_vpc))
                });
                let (reason, why) = if onward_peering
                    || matches!(connection.kind, ConnectionKind::Peering { .. })
                {
                    (
                        Reason::PeeringNoTransit,
                        format!(
                            "{} {} lands in {other_id}, not the cluster VPC {cluster_vpc_id}, and {other_id} does not pass traffic on (VPC peering is not transitive; no edge-to-edge routing)",
                            connection.kind.label(),
                            connection.id
                        ),
                    )
                } else {
                    (
                        Reason::NoRoute,
                        format!(
                            "{} {} lands in {other_id}, not the cluster VPC {cluster_vpc_id}",
                            connection.kind.label(),
                            connection.id
                        ),
                    )
                };
                walk.block(connection.id.clone(), reason, why)
            }
            None => {
                let why = match &connection.kind {
                    ConnectionKind::TransitGateway { .. } => format!(
                        "transit gateway {} has no attachment whose CIDRs hold {address} (attach the cluster VPC {cluster_vpc_id})",
                        connection.id
                    ),
                    _ => format!(
                        "{} {} does not lead to the cluster VPC {cluster_vpc_id}",
                        connection.kind.label(),
                        connection.id
                    ),
                };
                walk.block(connection.id.clone(), Reason::NoRoute, why)
            }
        }
    }

    /// The ENI subnet's route table must send the reply back over the connection the request
    /// came in on.
    fn return_route(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        eni_subnet: &'s Subnet,
        arrival: Arrival,
    ) -> Check {
        let scenario = self.scenario;
        let (table, next) = lookup_subnet(scenario, eni_subnet, client.ip);
        let table_name = routes::table_name(scenario, eni_subnet, table);
        match (arrival, next) {
            (Arrival::Local, VpcNextHop::Local) => {
                walk.pass(Step::ReturnRoute {
                    subnet: eni_subnet,
                    table,
                    route: None,
                });
                Ok(())
            }
            (Arrival::Via(conn), VpcNextHop::Route(route))
                if route.target == RouteTarget::Connection(conn) =>
            {
                walk.pass(Step::ReturnRoute {
                    subnet: eni_subnet,
                    table,
                    route: Some(route),
                });
                Ok(())
            }
            (Arrival::Via(conn), next) => {
                let found = match next {
                    VpcNextHop::Route(route) => format!(
                        "its route for {} goes to {}",
                        route.destination,
                        self.describe_target(route.target)
                    ),
                    VpcNextHop::Local => "it keeps that address local".to_owned(),
                    VpcNextHop::None => "it has no route for that address".to_owned(),
                };
                walk.block(
                    format!("{table_name} (return)"),
                    Reason::NoReturnRoute,
                    format!("route table {table_name} of ENI subnet {} has no route back to {} via {} ({found})", eni_subnet.id, client.ip, self.connection_id(conn)),
                )
            }
            (Arrival::Local, _) => Ok(()),
        }
    }

    fn describe_target(&self, target: RouteTarget) -> String {
        let scenario = self.scenario;
        match target {
            RouteTarget::Local => "local".to_owned(),
            RouteTarget::InternetGateway => "an internet gateway".to_owned(),
            RouteTarget::Nat(nat) => scenario
                .nat_gateway(nat)
                .map(|n| n.id.clone())
                .unwrap_or_default(),
            RouteTarget::Connection(conn) => self.connection_id(conn).to_owned(),
        }
    }
}

/// A placeholder error for paths the walk has already blocked (the walk's own `Err` is
/// returned through `?` first), or for indices that validation guarantees exist.
fn unreachable_blocked() -> Blocked {
    Blocked {
        reason: Reason::NoRoute,
        blocked_by: "the scenario references an element that does not exist".to_owned(),
    }
}
