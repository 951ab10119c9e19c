//! How a request for an ENI address reaches the cluster VPC, and over which connection.
//!
//! From a subnet, the route table's most specific route for the address decides: the local
//! route delivers when the client is in the cluster VPC (in another VPC it means the CIDRs
//! overlap and the packet never leaves); a route to a peering, transit gateway, VPN or
//! Direct Connect crosses it; a route to an internet or NAT gateway cannot reach a private
//! address. From a network, its most specific route names the connection. Internet clients
//! never get here: `private` refuses them first.
//!
//! Where each connection lands is `crossing`'s rule. A packet that lands in a network
//! follows that network's most specific route on (SPEC section 3, "Networks route too"), so
//! an office can carry traffic between two VPNs; a place reached twice is a routing loop.
//! It must end in the cluster VPC itself. A packet a transit gateway lands in another VPC
//! follows the route table of the attachment subnet it entered through (`transit`), which
//! may send it over another connection. A packet that lands in another VPC over a peering,
//! VPN or Direct Connect goes no further: VPC peering is not transitive, and VPC peering and
//! VPN / Direct Connect have no edge-to-edge routing (VPC peering guide, "Edge to edge
//! routing through a gateway or private connection"). The [`Arrival`] returned is what the
//! reply's return route must match.

use std::net::IpAddr;

use super::walk::{Passed, Walk, unreachable_blocked};
use super::{Denial, Step, Tracer, VpcNextHop, lookup_network, lookup_subnet, routes, steps};
use crate::reason::{Blocked, Reason};
use crate::scenario::{
    Attachment, Client, ClientLocation, ConnIx, Connection, ConnectionKind, Network, NetworkRoute,
    RouteTarget, VpcIx,
};

/// How a private-address packet reached the cluster VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Arrival {
    /// From inside the cluster VPC.
    Local,
    /// Over connection `conn`, which the packet entered from `from`.
    Via { conn: ConnIx, from: Attachment },
}

impl<'s> Tracer<'s> {
    /// Routes the request to an ENI address; returns how it reached the cluster VPC.
    pub(super) fn route_to_cluster(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        address: IpAddr,
    ) -> Result<Arrival, Blocked> {
        let scenario = self.scenario;
        let cluster_vpc = self.goal_vpc();
        let goal = self.goal_phrase();
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
                        walk.deny(
                            Denial::Route { subnet, table, next },
                            table_name,
                            Reason::NoRoute,
                            format!("{address} falls inside {}'s own CIDRs, so the local route keeps it there; it never reaches {goal} (overlapping CIDRs)", self.vpc_id(subnet.vpc)),
                        )
                    }
                    VpcNextHop::None => {
                        walk.deny(
                            Denial::Route { subnet, table, next },
                            table_name.clone(),
                            Reason::NoRoute,
                            format!("route table {table_name} of subnet {} has no route to {address} in {goal}", subnet.id),
                        )
                    }
                    VpcNextHop::Route(route) => match route.target {
                        RouteTarget::Connection(conn) => {
                            walk.pass(Step::Route {
                                subnet,
                                table,
                                route,
                            });
                            let from = Attachment::Vpc(subnet.vpc);
                            self.cross_connection(
                                walk,
                                client,
                                &mut Passed::starting_in(from),
                                from,
                                conn,
                                None,
                                address,
                            )
                        }
                        _ => {
                            let target = match route.target {
                                RouteTarget::Nat(nat) => scenario.nat_gateway(nat).map(|n| n.id.clone()).unwrap_or_default(),
                                _ => scenario.vpc(subnet.vpc).and_then(|v| v.internet_gateway.clone()).unwrap_or_default(),
                            };
                            walk.deny(
                                Denial::Route { subnet, table, next },
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
                let route = self.network_route_to_cluster(walk, network, address)?;
                let from = Attachment::Network(network_ix);
                self.cross_connection(
                    walk,
                    client,
                    &mut Passed::starting_in(from),
                    from,
                    route.target,
                    Some((network, route)),
                    address,
                )
            }
        }
    }

    /// Carries a packet from `from` over `conn` towards an ENI address in the cluster VPC,
    /// through every network whose routes take it on; `by` is the network route that chose
    /// `conn` (none for a subnet's route). Each crossing enters its landing place into
    /// `passed`, so the walk ends: at the latest, the next crossing after every place was
    /// passed closes a routing loop.
    #[allow(clippy::too_many_arguments)]
    fn cross_connection(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        passed: &mut Passed,
        mut from: Attachment,
        mut conn: ConnIx,
        mut by: Option<(&'s Network, &'s NetworkRoute)>,
        address: IpAddr,
    ) -> Result<Arrival, Blocked> {
        let scenario = self.scenario;
        let cluster_vpc = self.goal_vpc();
        let goal = self.goal_phrase();
        let goal_network = match self.goal {
            Some(super::DnsServerSide::Network(network)) => Some(network),
            _ => None,
        };
        loop {
            let Some(connection) = scenario.connection(conn) else {
                return Err(unreachable_blocked());
            };
            let Some(landing) = self.landing(from, connection, address) else {
                let why = match &connection.kind {
                    ConnectionKind::TransitGateway { .. } => format!(
                        "transit gateway {} has no attachment whose CIDRs hold {address} (attach {goal})",
                        connection.id
                    ),
                    _ => format!(
                        "{} {} does not lead to {goal}",
                        connection.kind.label(),
                        connection.id
                    ),
                };
                return walk.block(connection.id.clone(), Reason::NoRoute, why);
            };
            self.enter(walk, passed, by, connection, landing)?;
            let other = match landing {
                Attachment::Network(network_ix) if Some(network_ix) == goal_network => {
                    let Some(network) = scenario.network(network_ix) else {
                        return Err(unreachable_blocked());
                    };
                    walk.pass(Step::Carried {
                        connection,
                        network,
                    });
                    return Ok(Arrival::Via { conn, from });
                }
                Attachment::Vpc(vpc) if vpc == cluster_vpc && goal_network.is_none() => {
                    let Some(vpc) = scenario.vpc(vpc) else {
                        return Err(unreachable_blocked());
                    };
                    walk.pass(Step::Delivered { connection, vpc });
                    return Ok(Arrival::Via { conn, from });
                }
                // Traffic a transit gateway delivers into another VPC follows the route table
                // of the attachment subnet it enters through: a route there over another
                // connection takes it on (`Passed` ends any loop).
                Attachment::Vpc(other)
                    if matches!(connection.kind, ConnectionKind::TransitGateway { .. }) =>
                {
                    let next = self.attachment_route(walk, connection, other, client, address)?;
                    from = landing;
                    conn = next;
                    by = None;
                    continue;
                }
                Attachment::Vpc(other) => other,
                Attachment::Network(network_ix) => {
                    let Some(network) = scenario.network(network_ix) else {
                        return Err(unreachable_blocked());
                    };
                    walk.pass(Step::Carried {
                        connection,
                        network,
                    });
                    let route = self.network_route_to_cluster(walk, network, address)?;
                    from = landing;
                    conn = route.target;
                    by = Some((network, route));
                    continue;
                }
            };
            // A VPC other than the cluster VPC passes nothing on: peering is not
            // transitive, and traffic from a peering, VPN or Direct Connect has no
            // edge-to-edge routing.
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
                        "{} {} lands in {other_id}, not {goal}, and {other_id} does not pass traffic on (VPC peering is not transitive; no edge-to-edge routing)",
                        connection.kind.label(),
                        connection.id
                    ),
                )
            } else {
                (
                    Reason::NoRoute,
                    format!(
                        "{} {} lands in {other_id}, not {goal}",
                        connection.kind.label(),
                        connection.id
                    ),
                )
            };
            return walk.block(connection.id.clone(), reason, why);
        }
    }

    /// The route of the attachment subnet where transit gateway `connection` delivered an ENI
    /// address's packet into `vpc`, which is not the cluster VPC: it must send it over another
    /// connection (the one returned); anything else ends the walk.
    fn attachment_route(
        &self,
        walk: &mut Walk<'s>,
        connection: &'s Connection,
        vpc: VpcIx,
        client: &'s Client,
        address: IpAddr,
    ) -> Result<ConnIx, Blocked> {
        let scenario = self.scenario;
        let vpc_id = self.vpc_id(vpc);
        let goal = self.goal_phrase();
        let lands = format!(
            "transit gateway {} lands {address} in {vpc_id}, not {goal}",
            connection.id
        );
        let Some(subnet) = self.entry_subnet(&connection.kind, vpc, client) else {
            return walk.block(
                connection.id.clone(),
                Reason::NoRoute,
                format!("{lands}; a bare VPC attachment is routed by the VPC's main route table, which holds only the local routes"),
            );
        };
        let (table, next) = lookup_subnet(scenario, subnet, address);
        let table_name = routes::table_name(scenario, subnet, table);
        match next {
            VpcNextHop::Route(route) => match route.target {
                RouteTarget::Connection(next) => {
                    walk.pass(Step::AttachmentRoute {
                        connection,
                        subnet,
                        table,
                        route,
                    });
                    Ok(next)
                }
                _ => walk.block(
                    table_name,
                    Reason::NoRoute,
                    format!("{lands}, and route table {} of attachment subnet {} sends it to {}, which does not lead to a private address", routes::table_name(scenario, subnet, table), subnet.id, steps::target_name(scenario, subnet, route.target)),
                ),
            },
            VpcNextHop::Local | VpcNextHop::None => walk.block(
                connection.id.clone(),
                Reason::NoRoute,
                format!("{lands}, whose attachment subnet {} ({table_name}) routes it no further", subnet.id),
            ),
        }
    }

    /// The route a network takes towards an ENI address: its longest match, or `NO_ROUTE`.
    fn network_route_to_cluster(
        &self,
        walk: &mut Walk<'s>,
        network: &'s Network,
        address: IpAddr,
    ) -> Result<&'s NetworkRoute, Blocked> {
        match lookup_network(&network.routes, address) {
            Some(route) => {
                walk.pass(Step::NetworkRoute { network, route });
                Ok(route)
            }
            None => walk.block(
                network.id.clone(),
                Reason::NoRoute,
                format!(
                    "network {} has no route to {address} ({} over a VPN, Direct Connect or transit gateway)",
                    network.id,
                    self.goal_phrase()
                ),
            ),
        }
    }
}
