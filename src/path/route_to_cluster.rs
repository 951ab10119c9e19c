//! How a request for an ENI address reaches the cluster VPC, and over which connection.
//!
//! From a subnet, the route table's most specific route for the address decides: the local
//! route delivers when the client is in the cluster VPC (in another VPC it means the CIDRs
//! overlap and the packet never leaves); a route to a peering, transit gateway, VPN or
//! Direct Connect crosses it; a route to an internet or NAT gateway cannot reach a private
//! address. From a network, its most specific route names the connection. Internet clients
//! never get here: `private` refuses them first.
//!
//! The connection must land in the cluster VPC itself: a peering lands in its other VPC, a
//! VPN or Direct Connect in its VPC, a transit gateway in the attached VPC whose CIDRs hold
//! the address. A packet that lands in another VPC goes no further: VPC peering is not
//! transitive, and VPC peering and VPN / Direct Connect have no edge-to-edge routing (VPC
//! peering guide, "Edge to edge routing through a gateway or private connection"). The
//! [`Arrival`] returned is what the reply's return route must match.

use std::net::Ipv4Addr;

use super::walk::{Walk, unreachable_blocked};
use super::{Step, Tracer, VpcNextHop, lookup_network, lookup_subnet, routes};
use crate::reason::{Blocked, Reason};
use crate::scenario::{
    Attachment, Client, ClientLocation, ConnIx, ConnectionKind, RouteTarget, VpcIx,
};

/// How a private-address packet reached the cluster VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Arrival {
    /// From inside the cluster VPC.
    Local,
    /// Over a connection.
    Via(ConnIx),
}

impl<'s> Tracer<'s> {
    /// Routes the request to an ENI address; returns how it reached the cluster VPC.
    pub(super) fn route_to_cluster(
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
}
