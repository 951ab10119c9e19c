//! Where a connection carries a packet, and the routing loop a crossing can close.
//!
//! A peering lands in its other VPC; a VPN or Direct Connect in the network at its far end
//! (from its VPC) or in its VPC (from its network); a transit gateway in the attachment its
//! most specific route leads to, static or propagated (`transit`).
//!
//! Networks route (SPEC section 3, "Networks route too"): traffic arriving in a network
//! follows the network's longest matching route, so a path may cross several connections.
//! Each crossing enters the place it lands in into the walk's [`Passed`] set; a place
//! entered twice is a routing loop (`ROUTING_LOOP`), named after the route that closes it.

use std::net::IpAddr;

use super::Tracer;
use super::transit::transit_lookup;
use super::walk::{Passed, Walk};
use crate::reason::{Blocked, Reason};
use crate::scenario::{Attachment, Connection, ConnectionKind, Network, NetworkRoute};

impl<'s> Tracer<'s> {
    /// Where `connection` delivers a packet for `destination` sent from `from`, if anywhere.
    pub(super) fn landing(
        &self,
        from: Attachment,
        connection: &Connection,
        destination: IpAddr,
    ) -> Option<Attachment> {
        let scenario = self.scenario;
        match &connection.kind {
            ConnectionKind::Peering { vpcs } => vpcs
                .iter()
                .copied()
                .map(Attachment::Vpc)
                .find(|vpc| *vpc != from),
            ConnectionKind::Vpn { vpc, network }
            | ConnectionKind::DirectConnect { vpc, network } => {
                if from == Attachment::Vpc(*vpc) {
                    Some(Attachment::Network(*network))
                } else {
                    Some(Attachment::Vpc(*vpc))
                }
            }
            ConnectionKind::TransitGateway { .. } => {
                transit_lookup(scenario, &connection.kind, from, destination)
                    .map(|hop| hop.target())
            }
        }
    }

    /// Enters `place`, where `connection` carried the packet, into `passed`; a place
    /// already there is a routing loop, blocked at the network whose route `by` chose the
    /// connection (or at the connection, when a subnet's route did).
    pub(super) fn enter(
        &self,
        walk: &mut Walk<'s>,
        passed: &mut Passed,
        by: Option<(&Network, &NetworkRoute)>,
        connection: &Connection,
        place: Attachment,
    ) -> Result<(), Blocked> {
        if passed.enter(place) {
            return Ok(());
        }
        let back_to = self.place_id(place);
        match by {
            Some((network, route)) => walk.block(
                network.id.clone(),
                Reason::RoutingLoop,
                format!(
                    "network {} routes {} over {} back to {back_to}, which the flow already passed through: a routing loop",
                    network.id, route.destination, connection.id
                ),
            ),
            None => walk.block(
                connection.id.clone(),
                Reason::RoutingLoop,
                format!(
                    "{} {} leads back to {back_to}, which the flow already passed through: a routing loop",
                    connection.kind.label(),
                    connection.id
                ),
            ),
        }
    }

    pub(super) fn place_id(&self, place: Attachment) -> &'s str {
        match place {
            Attachment::Vpc(vpc) => self.vpc_id(vpc),
            Attachment::Network(network) => self
                .scenario
                .network(network)
                .map(|n| n.id.as_str())
                .unwrap_or_default(),
        }
    }
}
