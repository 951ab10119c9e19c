//! The control plane → hybrid node kubelet connection (TCP 10250, SPEC 9.3 check 2), and the
//! route lookups the hybrid findings share with it.
//!
//! The control plane reaches an on-premises node through its ENIs in the cluster VPC: "You
//! configure the EKS cluster with these remote node CIDRs so EKS knows to route all traffic
//! destined for the hybrid nodes IPs through your cluster's VPC" (EKS user guide,
//! hybrid-nodes-concepts-networking), and "The VPC route table for the subnet containing the
//! EKS control plane ENI has a specific route … for the remote node CIDR"
//! (hybrid-nodes-concepts-traffic-flows). Checked in the order the packet meets each
//! element: node address in `remoteNodeNetworks` → cluster security groups egress
//! tcp/10250 → ENI subnet NACL outbound → the ENI subnet's route to a connection that
//! reaches the node's network → the network's route back to the ENI over the same
//! connection → ENI subnet NACL inbound (reply). On-premises firewalls are not modelled
//! (SPEC 9.3, choice), so nothing filters on the node's side.

use std::net::IpAddr;

use super::filters::{Direction, sg_egress_allows};
use super::transit::transit_lookup;
use super::walk::{Check, Walk, unreachable_blocked};
use super::{KUBELET, Leg, Step, Tracer, VpcNextHop, lookup_network, lookup_subnet, routes};
use crate::reason::Reason;
use crate::scenario::{
    Attachment, Client, ClientLocation, ConnIx, ConnectionKind, Eni, NetworkIx, PortRange,
    Protocol, Route, RouteTable, RouteTarget, Scenario, Subnet,
};

/// What an ENI subnet's route table does with an on-premises address.
#[derive(Debug, Clone, Copy)]
pub enum RemoteRoute<'s> {
    /// The longest match targets `conn`, which carries the packet into the network.
    Reaches {
        table: Option<&'s RouteTable>,
        route: &'s Route,
        conn: ConnIx,
    },
    /// The longest match goes elsewhere (or nowhere): why, in words.
    Misses {
        table: Option<&'s RouteTable>,
        found: &'static str,
        route: Option<&'s Route>,
    },
}

/// Looks `destination` (in `network`) up in `subnet`'s route table: it must target a VPN or
/// Direct Connect connection to that network, or a transit gateway that routes it there.
pub fn route_to_remote<'s>(
    scenario: &'s Scenario,
    subnet: &Subnet,
    network: NetworkIx,
    destination: IpAddr,
) -> RemoteRoute<'s> {
    let (table, next) = lookup_subnet(scenario, subnet, destination);
    match next {
        VpcNextHop::Route(route) => match route.target {
            RouteTarget::Connection(conn)
                if carries_to(scenario, conn, subnet, network, destination) =>
            {
                RemoteRoute::Reaches { table, route, conn }
            }
            RouteTarget::Connection(_) => RemoteRoute::Misses {
                table,
                found: "its route goes to a connection that does not reach that network",
                route: Some(route),
            },
            _ => RemoteRoute::Misses {
                table,
                found: "its route goes to a gateway, not to a connection to that network",
                route: Some(route),
            },
        },
        VpcNextHop::Local => RemoteRoute::Misses {
            table,
            found: "the address is inside the VPC's own CIDRs",
            route: None,
        },
        VpcNextHop::None => RemoteRoute::Misses {
            table,
            found: "it has no route for that address",
            route: None,
        },
    }
}

/// Whether connection `conn`, entered from `subnet`'s VPC, delivers `destination` into
/// `network`: a VPN or Direct Connect to it, or a transit gateway whose lookup lands there.
fn carries_to(
    scenario: &Scenario,
    conn: ConnIx,
    subnet: &Subnet,
    network: NetworkIx,
    destination: IpAddr,
) -> bool {
    let Some(connection) = scenario.connection(conn) else {
        return false;
    };
    match &connection.kind {
        ConnectionKind::Vpn { vpc, network: to }
        | ConnectionKind::DirectConnect { vpc, network: to } => {
            *vpc == subnet.vpc && *to == network
        }
        kind @ ConnectionKind::TransitGateway { .. } => {
            kind.attaches(Attachment::Vpc(subnet.vpc))
                && transit_lookup(scenario, kind, Attachment::Vpc(subnet.vpc), destination)
                    .is_some_and(|hop| hop.target() == Attachment::Network(network))
        }
        ConnectionKind::Peering { .. } => false,
    }
}

/// Whether `network` routes `destination` (an ENI address) back over `conn`, and, for a
/// transit gateway, whether the gateway routes it back into the cluster VPC.
pub fn network_returns(
    scenario: &Scenario,
    network: NetworkIx,
    conn: ConnIx,
    destination: IpAddr,
) -> bool {
    let (Some(site), Some(connection)) = (scenario.network(network), scenario.connection(conn))
    else {
        return false;
    };
    let routed =
        lookup_network(&site.routes, destination).is_some_and(|route| route.target == conn);
    let through = match &connection.kind {
        kind @ ConnectionKind::TransitGateway { .. } => {
            transit_lookup(scenario, kind, Attachment::Network(network), destination)
                .is_some_and(|hop| hop.target() == Attachment::Vpc(scenario.cluster.vpc))
        }
        _ => true,
    };
    routed && through
}

impl<'s> Tracer<'s> {
    /// The kubelet walk to a node `from` a network (a hybrid node).
    pub(super) fn hybrid_kubelet_walk(
        &self,
        walk: &mut Walk<'s>,
        eni: &'s Eni,
        node: &'s Client,
        (from, to): (IpAddr, IpAddr),
    ) -> Check {
        let scenario = self.scenario;
        let cluster = &scenario.cluster;
        let (Some(eni_subnet), ClientLocation::Network(network)) =
            (scenario.subnet(eni.subnet), node.location)
        else {
            return Err(unreachable_blocked());
        };
        let network_id = scenario
            .network(network)
            .map(|n| n.id.as_str())
            .unwrap_or_default();
        if cluster.hybrid.is_remote_node(node.ip) {
            walk.pass(Step::Note {
                at: "cluster.remoteNetworkConfig".to_owned(),
                detail: format!(
                    "{to} is in remoteNodeNetworks: EKS routes it through the cluster VPC"
                ),
            });
        } else {
            return walk.block(
                "cluster.remoteNetworkConfig",
                Reason::NoRoute,
                format!("node {to} (node group {}) is in no cluster.remoteNetworkConfig.remoteNodeNetworks block, so EKS does not route control plane traffic to it through the cluster VPC", node.name),
            );
        }
        match sg_egress_allows(scenario, &cluster.security_groups, KUBELET, to, &[]) {
            Some(found) => walk.pass(Step::SgEgress {
                proto: Protocol::Tcp,
                groups: &cluster.security_groups,
                found,
                port: KUBELET,
                to,
            }),
            None => {
                let names = scenario.sg_names(&cluster.security_groups);
                return walk.block(
                    names.clone(),
                    Reason::SgEgressDeny,
                    format!("the cluster security groups {names} allow no egress to tcp/{KUBELET} at {to} (hybrid node {})", node.name),
                );
            }
        }
        let kubelet = PortRange {
            from: KUBELET,
            to: KUBELET,
        };
        self.nacl(
            walk,
            eni_subnet,
            Direction::Outbound,
            to,
            kubelet,
            Leg::Request,
        )?;
        let conn = match route_to_remote(scenario, eni_subnet, network, to) {
            RemoteRoute::Reaches { table, route, conn } => {
                walk.pass(Step::Route {
                    subnet: eni_subnet,
                    table,
                    route,
                });
                conn
            }
            RemoteRoute::Misses { table, found, .. } => {
                let table_name = routes::table_name(scenario, eni_subnet, table);
                return walk.block(
                    table_name.clone(),
                    Reason::NoRoute,
                    format!("route table {table_name} of ENI subnet {} has no route for hybrid node {to} via a connection to network {network_id} ({found})", eni_subnet.id),
                );
            }
        };
        let conn_id = self.connection_id(conn);
        if network_returns(scenario, network, conn, from) {
            walk.pass(Step::Note {
                at: format!("{network_id} (return)"),
                detail: format!(
                    "network {network_id} routes the reply to {from} back over {conn_id}"
                ),
            });
        } else {
            return walk.block(
                format!("{network_id} (return)"),
                Reason::NoReturnRoute,
                format!("network {network_id} has no route back to ENI {from} via {conn_id}, the connection the kubelet request came over"),
            );
        }
        self.nacl(
            walk,
            eni_subnet,
            Direction::Inbound,
            to,
            PortRange::EPHEMERAL,
            Leg::Reply,
        )?;
        Ok(())
    }
}
