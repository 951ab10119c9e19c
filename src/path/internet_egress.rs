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
//! - a peering connection or a transit gateway, the local route, or no route: blocked.
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

use std::net::Ipv4Addr;

use super::filters::Direction;
use super::walk::{Passed, Walk, unreachable_blocked};
use super::{Leg, SourceOrigin, Step, Tracer, VpcNextHop, lookup_network, lookup_subnet, routes};
use crate::reason::{Blocked, Reason};
use crate::scenario::{
    Attachment, Client, Connection, ConnectionKind, Network, NetworkIx, NetworkRoute, PortRange,
    RouteTarget, Subnet, VpcIx,
};

impl<'s> Tracer<'s> {
    /// From a subnet to a public address: returns the source address the internet sees.
    pub(super) fn subnet_to_internet(
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
                    ConnectionKind::Vpn { network, .. }
                    | ConnectionKind::DirectConnect { network, .. } => {
                        // Forced tunnelling: the network at the far end routes the flow on.
                        let mut passed = Passed::starting_in(Attachment::Vpc(subnet.vpc));
                        let landing = Attachment::Network(*network);
                        self.enter(walk, &mut passed, None, connection, landing)?;
                        self.network_to_internet(
                            walk,
                            &mut passed,
                            client,
                            *network,
                            Some(connection),
                            address,
                        )
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
        address: Ipv4Addr,
    ) -> Result<(Ipv4Addr, SourceOrigin<'s>), Blocked> {
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
            let landing = self.landing(Attachment::Network(network_ix), connection, address);
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
        address: Ipv4Addr,
    ) -> Result<(Ipv4Addr, SourceOrigin<'s>), Blocked> {
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
        address: Ipv4Addr,
    ) -> Result<(Ipv4Addr, SourceOrigin<'s>), Blocked> {
        match (network.internet_egress_ip, arrived) {
            (Some(egress), None) => {
                walk.pass(Step::NetworkEgress { network, egress });
                Ok((egress, SourceOrigin::NetworkEgress(network)))
            }
            (Some(egress), Some(connection)) => {
                walk.pass(Step::ConnectionToInternet {
                    connection,
                    network,
                    egress,
                });
                Ok((egress, SourceOrigin::NetworkEgress(network)))
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
}
