//! How a request for a public address leaves for the internet, and which source address the
//! internet then sees.
//!
//! From a subnet, the route table's most specific route for the address decides:
//! - an internet gateway: the client needs a public IP, which becomes the source;
//! - a NAT gateway: the request enters the NAT gateway's subnet (its NACL inbound, unless the
//!   client shares that subnet); the NAT gateway needs a public IP and its subnet a route to
//!   an internet gateway; the request leaves the subnet (its NACL outbound) with the NAT
//!   gateway's public IP as the source;
//! - a VPN or Direct Connect (forced tunnelling): the network at the far end routes it on,
//!   as below;
//! - a transit gateway (centralised egress, SPEC section 3): the gateway's most specific
//!   route takes it to an attachment (`transit`); in a VPC, the route table of the
//!   attachment subnet it enters through routes it on, by these same rules — a NAT gateway
//!   there carries it, and its public IP is the source (Transit Gateway guide, "Example:
//!   Centralized outbound routing to the internet"); an internet gateway does not, since the
//!   packet has no public IP of its own; in a network, that network's routes take it on;
//! - a peering connection, the local route, or no route: blocked.
//!
//! A network routes what its clients send and what arrives over a connection alike (SPEC
//! section 3, "Networks route too"): its longest matching route for the address takes the
//! packet over that connection — to another network, whose routes take it on, or into a VPC,
//! which has no edge-to-edge routing for it (`NO_EDGE_TO_EDGE` over a VPN or Direct
//! Connect) — and an address no route covers leaves through the `internetEgressIp`, which
//! becomes the source (absent: `NO_INTERNET_EGRESS`). A route back to a place the packet
//! already passed through is a routing loop (`crossing`).
//!
//! AWS behaviour encoded here beyond the SPEC, with sources:
//! - A NAT gateway's own subnet NACL sees the flow twice (client → NAT, NAT → internet) and
//!   the NAT uses source ports 1024-65535 (VPC user guide, "Ephemeral ports").
//! - VPC peering and VPN / Direct Connect have no edge-to-edge routing: traffic that arrives
//!   over one cannot leave through the VPC's internet gateway, NAT gateway or another
//!   connection (VPC peering guide, "Edge to edge routing through a gateway or private
//!   connection").

use std::net::IpAddr;

use super::filters::Direction;
use super::transit::transit_lookup;
use super::walk::{Passed, Walk, unreachable_blocked};
use super::{
    Denial, Leg, SourceOrigin, Step, Tracer, VpcNextHop, lookup_network, lookup_subnet, routes,
};
use crate::reason::{Blocked, Reason};
use crate::scenario::{
    Attachment, Client, Connection, ConnectionKind, NatIx, Network, NetworkIx, NetworkRoute,
    RouteTarget, Subnet, VpcIx,
};

/// Where a request for a public address is routed from: the client's own subnet, or the VPC
/// a transit gateway delivered it into, through the attachment subnet `subnet` (`None`: a
/// bare VPC attachment, routed by the main route table).
#[derive(Clone, Copy)]
enum Entry<'s> {
    Client(&'s Subnet),
    Transit {
        connection: &'s Connection,
        vpc: VpcIx,
        subnet: Option<&'s Subnet>,
        came_from: Attachment,
    },
}

/// How a request leaves for the internet: the source address the internet sees, and, for a
/// NAT gateway reached over a transit gateway, what the reply needs on its way back.
pub(super) struct Egress<'s> {
    pub(super) source: IpAddr,
    pub(super) origin: SourceOrigin<'s>,
    pub(super) central: Option<CentralNat<'s>>,
}

impl<'s> Egress<'s> {
    pub(super) fn direct(source: IpAddr, origin: SourceOrigin<'s>) -> Self {
        Egress {
            source,
            origin,
            central: None,
        }
    }
}

/// A NAT gateway in another VPC that a transit gateway carried the request to (centralised
/// egress): its subnet must route the reply back to `connection`, and the gateway must route
/// it on to `came_from`, where the request entered it.
pub(super) struct CentralNat<'s> {
    pub(super) connection: &'s Connection,
    pub(super) nat_subnet: &'s Subnet,
    pub(super) entry_subnet: &'s Subnet,
    pub(super) came_from: Attachment,
}

impl<'s> Tracer<'s> {
    /// From a subnet to a public address: how the request leaves for the internet.
    pub(super) fn subnet_to_internet(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        subnet: &'s Subnet,
        address: IpAddr,
    ) -> Result<Egress<'s>, Blocked> {
        let mut passed = Passed::starting_in(Attachment::Vpc(subnet.vpc));
        self.vpc_to_internet(walk, &mut passed, client, Entry::Client(subnet), address)
    }

    /// The route table of the entry's subnet sends the request on: to an internet gateway, a
    /// NAT gateway, or over a connection.
    fn vpc_to_internet(
        &self,
        walk: &mut Walk<'s>,
        passed: &mut Passed,
        client: &'s Client,
        entry: Entry<'s>,
        address: IpAddr,
    ) -> Result<Egress<'s>, Blocked> {
        let scenario = self.scenario;
        let (subnet, vpc_ix) = match entry {
            Entry::Client(subnet) => (Some(subnet), subnet.vpc),
            Entry::Transit { subnet, vpc, .. } => (subnet, vpc),
        };
        let (table, next) = match subnet {
            Some(subnet) => lookup_subnet(scenario, subnet, address),
            // The main route table of a bare attachment: only the local routes.
            None if scenario.vpc(vpc_ix).is_some_and(|v| v.holds(address)) => {
                (None, VpcNextHop::Local)
            }
            None => (None, VpcNextHop::None),
        };
        let table_name = match subnet {
            Some(subnet) => routes::table_name(scenario, subnet, table),
            None => format!("main ({})", self.vpc_id(vpc_ix)),
        };
        let route = match (next, entry, subnet) {
            (VpcNextHop::Route(route), _, _) => route,
            (VpcNextHop::Local, _, _) => {
                let why = format!(
                    "{address} falls inside {}'s own CIDRs, so route table {table_name} keeps it local; the public endpoint is not there",
                    self.vpc_id(vpc_ix)
                );
                return walk.fail(
                    table_name,
                    why.clone(),
                    subnet.map(|subnet| Denial::Route {
                        subnet,
                        table,
                        next,
                    }),
                    Reason::NoRoute,
                    why,
                );
            }
            (VpcNextHop::None, Entry::Client(subnet), _) => {
                return walk.deny(
                    Denial::Route {
                        subnet,
                        table,
                        next,
                    },
                    table_name.clone(),
                    Reason::NoRoute,
                    format!("route table {table_name} of subnet {} has no route to {address} (no 0.0.0.0/0 to an internet or NAT gateway)", subnet.id),
                );
            }
            (VpcNextHop::None, Entry::Transit { connection, .. }, None) => {
                let vpc_id = self.vpc_id(vpc_ix);
                return walk.block(
                    table_name,
                    Reason::NoRoute,
                    format!("transit gateway {} delivers {address} into {vpc_id} through a bare VPC attachment, routed by the VPC's main route table, which holds only the local routes: nothing routes it on (name the attachment's subnets: {{vpc: {vpc_id}, subnets: [...]}})", connection.id),
                );
            }
            (VpcNextHop::None, Entry::Transit { connection, .. }, Some(subnet)) => {
                return walk.deny(
                    Denial::Route {
                        subnet,
                        table,
                        next,
                    },
                    table_name.clone(),
                    Reason::NoRoute,
                    format!("route table {table_name} of attachment subnet {} has no route to {address}, so traffic from transit gateway {} goes no further in {} (centralised egress routes 0.0.0.0/0 there to a NAT gateway)", subnet.id, connection.id, self.vpc_id(vpc_ix)),
                );
            }
        };
        match (entry, subnet) {
            (Entry::Client(subnet), _) => walk.pass(Step::Route {
                subnet,
                table,
                route,
            }),
            (Entry::Transit { connection, .. }, Some(subnet)) => walk.pass(Step::AttachmentRoute {
                connection,
                subnet,
                table,
                route,
            }),
            // The main route table of a bare attachment holds no route to follow.
            (Entry::Transit { .. }, None) => return Err(unreachable_blocked()),
        }
        match route.target {
            RouteTarget::Local => Err(unreachable_blocked()),
            // IPv6 has no NAT: an internet gateway or egress-only internet gateway carries the
            // client's own address ("It is routed using an internet gateway or egress-only
            // internet gateway", EKS user guide, cni-ipv6), so no publicIp is needed.
            RouteTarget::InternetGateway | RouteTarget::EgressOnlyInternetGateway
                if address.is_ipv6() =>
            {
                let Some(vpc) = scenario.vpc(vpc_ix) else {
                    return Err(unreachable_blocked());
                };
                let egress_only = route.target == RouteTarget::EgressOnlyInternetGateway;
                walk.pass(Step::Ipv6Gateway { vpc, egress_only });
                Ok(Egress::direct(walk.source, SourceOrigin::OwnIpv6))
            }
            // Validation refuses an IPv4 route to an egress-only internet gateway.
            RouteTarget::EgressOnlyInternetGateway => Err(unreachable_blocked()),
            RouteTarget::InternetGateway => {
                let Some(vpc) = scenario.vpc(vpc_ix) else {
                    return Err(unreachable_blocked());
                };
                let igw = vpc.internet_gateway.clone().unwrap_or_default();
                match (entry, client.public_ip) {
                    (Entry::Client(_), Some(public_ip)) => {
                        let public_ip = IpAddr::V4(public_ip);
                        walk.pass(Step::InternetGateway { vpc, public_ip });
                        Ok(Egress::direct(public_ip, SourceOrigin::InstancePublicIp))
                    }
                    (Entry::Client(_), None) => {
                        walk.block(
                            igw.clone(),
                            Reason::NoPublicIp,
                            format!("client {} routes to internet gateway {igw} but has no publicIp; an internet gateway only carries traffic of instances with a public IPv4 address (use a NAT gateway for private subnets)", client.name),
                        )
                    }
                    (Entry::Transit { connection, .. }, _) => walk.block(
                        igw.clone(),
                        Reason::NoPublicIp,
                        format!("traffic from transit gateway {} reaches internet gateway {igw} with the private source {} of client {}; an internet gateway only translates addresses of instances in {} with a public IPv4 address (route the attachment subnet's 0.0.0.0/0 to a NAT gateway)", connection.id, walk.source, client.name, vpc.id),
                    ),
                }
            }
            RouteTarget::Nat(nat_ix) => self.through_nat(walk, entry, subnet, nat_ix, address),
            RouteTarget::Connection(conn) => {
                let Some(connection) = scenario.connection(conn) else {
                    return Err(unreachable_blocked());
                };
                match &connection.kind {
                    ConnectionKind::Peering { .. } => {
                        walk.block(
                            connection.id.clone(),
                            Reason::PeeringNoTransit,
                            format!("route to {address} goes to peering connection {}, but VPC peering does not carry traffic to the internet (no edge-to-edge routing through the peer's gateways)", connection.id),
                        )
                    }
                    ConnectionKind::Vpn { network, .. }
                    | ConnectionKind::DirectConnect { network, .. } => {
                        // Forced tunnelling: the network at the far end routes the flow on.
                        let landing = Attachment::Network(*network);
                        self.enter(walk, passed, None, connection, landing)?;
                        self.network_to_internet(
                            walk,
                            passed,
                            client,
                            *network,
                            Some(connection),
                            address,
                        )
                    }
                    ConnectionKind::TransitGateway { .. } => self.transit_to_internet(
                        walk,
                        passed,
                        client,
                        Attachment::Vpc(vpc_ix),
                        connection,
                        address,
                    ),
                }
            }
        }
    }

    /// A NAT gateway the route table of `from` (the client's subnet, or the attachment subnet
    /// a transit gateway delivered into) sends the request to: it needs a public IP and its
    /// subnet a route to an internet gateway; its public IP becomes the source.
    fn through_nat(
        &self,
        walk: &mut Walk<'s>,
        entry: Entry<'s>,
        from: Option<&'s Subnet>,
        nat_ix: NatIx,
        address: IpAddr,
    ) -> Result<Egress<'s>, Blocked> {
        let scenario = self.scenario;
        let Some(nat) = scenario.nat_gateway(nat_ix) else {
            return Err(unreachable_blocked());
        };
        let Some(nat_subnet) = scenario.subnet(nat.subnet) else {
            return Err(unreachable_blocked());
        };
        let same_subnet = from.is_some_and(|from| std::ptr::eq(nat_subnet, from));
        if !same_subnet {
            self.nacl(
                walk,
                nat_subnet,
                Direction::Inbound,
                walk.source,
                self.ports(),
                Leg::RequestIntoNat,
            )?;
        }
        let Some(public_ip) = nat.public_ip.map(IpAddr::V4) else {
            return walk.block(
                nat.id.clone(),
                Reason::NatNoInternet,
                format!("NAT gateway {} has no publicIp (a private NAT gateway), so it cannot reach the internet", nat.id),
            );
        };
        let (nat_table, nat_next) = lookup_subnet(scenario, nat_subnet, address);
        let nat_table_name = routes::table_name(scenario, nat_subnet, nat_table);
        match nat_next {
            VpcNextHop::Route(nat_route) if nat_route.target == RouteTarget::InternetGateway => {
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
                self.ports(),
                Leg::RequestOutOfNat,
            )?;
        }
        let central = match (entry, from) {
            (
                Entry::Transit {
                    connection,
                    came_from,
                    ..
                },
                Some(entry_subnet),
            ) => Some(CentralNat {
                connection,
                nat_subnet,
                entry_subnet,
                came_from,
            }),
            _ => None,
        };
        Ok(Egress {
            source: public_ip,
            origin: SourceOrigin::Nat(nat),
            central,
        })
    }

    /// A route from `from` to transit gateway `connection`: the gateway's most specific route
    /// for the address takes the request to an attachment — a VPC, where the attachment
    /// subnet's route table routes it on (not edge-to-edge restricted: this is centralised
    /// egress), or a network, whose routes take it on.
    fn transit_to_internet(
        &self,
        walk: &mut Walk<'s>,
        passed: &mut Passed,
        client: &'s Client,
        from: Attachment,
        connection: &'s Connection,
        address: IpAddr,
    ) -> Result<Egress<'s>, Blocked> {
        let Some(hop) = transit_lookup(self.scenario, &connection.kind, from, address) else {
            return walk.deny(
                Denial::NoTransitRoute { connection },
                connection.id.clone(),
                Reason::NoRoute,
                format!("transit gateway {} has no route for {address}: no static route covers it and no attachment's CIDRs hold it (centralised egress needs a static 0.0.0.0/0 route to the egress VPC's attachment)", connection.id),
            );
        };
        walk.pass(Step::TransitRoute {
            connection,
            route: hop,
            reply: false,
        });
        let landing = hop.target();
        self.enter(walk, passed, None, connection, landing)?;
        match landing {
            Attachment::Vpc(vpc) => {
                let subnet = self.entry_subnet(&connection.kind, vpc, client);
                let entry = Entry::Transit {
                    connection,
                    vpc,
                    subnet,
                    came_from: from,
                };
                self.vpc_to_internet(walk, passed, client, entry, address)
            }
            Attachment::Network(network) => {
                self.network_to_internet(walk, passed, client, network, Some(connection), address)
            }
        }
    }

    /// From a network to a public address, the packet either sent by one of its clients
    /// (`arrived` is `None`) or carried in over `arrived`: returns the source address the
    /// internet sees. The network's longest matching route takes the packet on, through
    /// every network it leads to; a destination no route covers leaves through the
    /// `internetEgressIp`. `passed` holds `network_ix` already; each crossing enters the
    /// place it lands in, so the walk ends at the latest with a routing loop.
    pub(super) fn network_to_internet(
        &self,
        walk: &mut Walk<'s>,
        passed: &mut Passed,
        client: &'s Client,
        mut network_ix: NetworkIx,
        mut arrived: Option<&'s Connection>,
        address: IpAddr,
    ) -> Result<Egress<'s>, Blocked> {
        let scenario = self.scenario;
        loop {
            let Some(network) = scenario.network(network_ix) else {
                return Err(unreachable_blocked());
            };
            let Some(route) = lookup_network(&network.routes, address) else {
                return self.network_egress(walk, client, network, arrived, address);
            };
            if let Some(connection) = arrived {
                walk.pass(Step::Carried {
                    connection,
                    network,
                });
            }
            walk.pass(Step::NetworkRoute { network, route });
            let Some(connection) = scenario.connection(route.target) else {
                return Err(unreachable_blocked());
            };
            let from = Attachment::Network(network_ix);
            if let ConnectionKind::TransitGateway { .. } = connection.kind
                && transit_lookup(scenario, &connection.kind, from, address)
                    .is_some_and(|hop| matches!(hop.target(), Attachment::Vpc(_)))
            {
                return self.transit_to_internet(walk, passed, client, from, connection, address);
            }
            let landing = self.landing(from, connection, address);
            let Some(landing) = landing else {
                return walk.block(
                    connection.id.clone(),
                    Reason::NoRoute,
                    format!(
                        "network {} routes {address} to {} {}, which has no attachment for it",
                        network.id,
                        connection.kind.label(),
                        connection.id
                    ),
                );
            };
            self.enter(walk, passed, Some((network, route)), connection, landing)?;
            match landing {
                Attachment::Network(next) => {
                    network_ix = next;
                    arrived = Some(connection);
                }
                Attachment::Vpc(vpc) => {
                    return self.no_edge_to_edge(walk, network, route, connection, vpc, address);
                }
            }
        }
    }

    /// A network's `route` carried a packet for a public address over `connection` into
    /// `vpc`, which cannot send it on: traffic that entered a VPC over a VPN or Direct
    /// Connect cannot leave through its internet gateway or NAT gateway (SPEC section 3; the
    /// VPC peering guide, "Edge to edge routing through a gateway or private connection",
    /// lists the same gateways and connections; a VPC forwards only traffic that starts or
    /// ends at a network interface in it, which a virtual private gateway is not).
    fn no_edge_to_edge(
        &self,
        walk: &mut Walk<'s>,
        network: &Network,
        route: &NetworkRoute,
        connection: &Connection,
        vpc: VpcIx,
        address: IpAddr,
    ) -> Result<Egress<'s>, Blocked> {
        let vpc_id = self.vpc_id(vpc);
        let (reason, why) = match connection.kind {
            ConnectionKind::Vpn { .. } | ConnectionKind::DirectConnect { .. } => (
                Reason::NoEdgeToEdge,
                format!(
                    "network {} routes {} over {} into {vpc_id}, and traffic that entered a VPC over a {} cannot leave through its internet gateway or NAT gateway (no edge-to-edge routing)",
                    network.id,
                    route.destination,
                    connection.id,
                    connection.kind.label()
                ),
            ),
            ConnectionKind::Peering { .. } => (
                Reason::PeeringNoTransit,
                format!(
                    "network {} routes {} over peering connection {} into {vpc_id}, which does not carry traffic to the internet (no edge-to-edge routing)",
                    network.id, route.destination, connection.id
                ),
            ),
            ConnectionKind::TransitGateway { .. } => (
                Reason::NoRoute,
                format!(
                    "network {} routes {} over transit gateway {} into {vpc_id}, where the public endpoint {address} is not",
                    network.id, route.destination, connection.id
                ),
            ),
        };
        walk.block(connection.id.clone(), reason, why)
    }

    /// A destination no route of `network` covers leaves through its `internetEgressIp`.
    fn network_egress(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        network: &'s Network,
        arrived: Option<&'s Connection>,
        address: IpAddr,
    ) -> Result<Egress<'s>, Blocked> {
        if address.is_ipv6() {
            return self.network_ipv6_egress(walk, client, network, arrived, address);
        }
        match (network.internet_egress_ip.map(IpAddr::V4), arrived) {
            (Some(egress), None) => {
                walk.pass(Step::NetworkEgress { network, egress });
                Ok(Egress::direct(egress, SourceOrigin::NetworkEgress(network)))
            }
            (Some(egress), Some(connection)) => {
                walk.pass(Step::ConnectionToInternet {
                    connection,
                    network,
                    egress,
                });
                Ok(Egress::direct(egress, SourceOrigin::NetworkEgress(network)))
            }
            (None, None) => walk.block(
                network.id.clone(),
                Reason::NoInternetEgress,
                format!("network {} has no internetEgressIp, so client {} cannot reach the public endpoint {address}", network.id, client.name),
            ),
            (None, Some(connection)) => walk.block(
                connection.id.clone(),
                Reason::NoInternetEgress,
                format!("route to {address} goes over {} to network {}, which has no internetEgressIp", connection.id, network.id),
            ),
        }
    }

    /// An IPv6 destination no route of `network` covers: the site needs `ipv6Internet`, and
    /// its hosts leave with their own addresses (SPEC 7.5).
    fn network_ipv6_egress(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        network: &'s Network,
        arrived: Option<&'s Connection>,
        address: IpAddr,
    ) -> Result<Egress<'s>, Blocked> {
        match (network.ipv6_internet, arrived) {
            (true, None) => {
                walk.pass(Step::NetworkIpv6Egress { network });
                Ok(Egress::direct(walk.source, SourceOrigin::OwnIpv6))
            }
            (true, Some(connection)) => {
                walk.pass(Step::Carried {
                    connection,
                    network,
                });
                walk.pass(Step::NetworkIpv6Egress { network });
                Ok(Egress::direct(walk.source, SourceOrigin::OwnIpv6))
            }
            (false, None) => walk.block(
                network.id.clone(),
                Reason::NoInternetEgress,
                format!("network {} has no IPv6 internet access (ipv6Internet is false), so client {} cannot reach the public endpoint {address}", network.id, client.name),
            ),
            (false, Some(connection)) => walk.block(
                connection.id.clone(),
                Reason::NoInternetEgress,
                format!("route to {address} goes over {} to network {}, which has no IPv6 internet access (ipv6Internet is false)", connection.id, network.id),
            ),
        }
    }
}
