//! How a request for a public address leaves for the internet, and which source address the
//! internet then sees.
//!
//! From a subnet, the route table's most specific route for the address decides:
//! - an internet gateway: the client needs a public IP, which becomes the source;
//! - a NAT gateway: the request enters the NAT gateway's subnet (its NACL inbound, unless the
//!   client shares that subnet); the NAT gateway needs a public IP and its subnet a route to
//!   an internet gateway; the request leaves the subnet (its NACL outbound) with the NAT
//!   gateway's public IP as the source;
//! - a VPN or Direct Connect (forced tunnelling): the network at the far end needs an
//!   `internetEgressIp`, which becomes the source;
//! - a peering connection or a transit gateway, the local route, or no route: blocked.
//!
//! From a network, a route into AWS for the address blocks; otherwise the network's
//! `internetEgressIp` is the source.
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
use super::walk::{Walk, unreachable_blocked};
use super::{Leg, SourceOrigin, Step, Tracer, VpcNextHop, lookup_network, lookup_subnet, routes};
use crate::reason::{Blocked, Reason};
use crate::scenario::{Client, ConnectionKind, NetworkIx, PortRange, RouteTarget, Subnet};

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
    pub(super) fn network_to_internet(
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
}
