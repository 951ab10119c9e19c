//! How a transit gateway routes a destination, and where its traffic enters a VPC.
//!
//! A transit gateway has one route table here: its static `routes` and the routes its
//! attachments propagate (each attachment's CIDRs, the AWS default). The most specific route
//! for the destination wins; between a static and a propagated route for the same block the
//! static one wins (Transit Gateway guide, "How transit gateways work", "Route evaluation
//! order": "The most specific route for the destination address"; for the same destination,
//! static routes come before VPC-propagated and VPN-propagated ones). eksflow's choices
//! beyond that: a propagated route never leads back to the attachment the packet came from,
//! and between a VPC's and a network's propagated routes for the same block the VPC wins.
//! No route at all is `NO_ROUTE`.
//!
//! Traffic the gateway delivers into a VPC enters through the network interface it holds in
//! one of the attachment's subnets, and that subnet's route table routes it on ("Amazon VPC
//! attachments": "The specified subnets serve as the entry and exit points for transit
//! gateway traffic"). Of several attachment subnets, the one in the client's Availability
//! Zone is used (by default a transit gateway keeps traffic in the Availability Zone it came
//! from), else the first listed. A VPC attached by its bare ID names no subnet: eksflow
//! routes its traffic by the VPC's main route table, which it models with only the local
//! routes, so nothing goes on from there.

use std::net::IpAddr;

use ipnetwork::IpNetwork;

use super::Tracer;
use crate::scenario::{Attachment, Client, ConnectionKind, Scenario, Subnet, TgwRoute, VpcIx};

/// The route a transit gateway chose for a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitHop<'s> {
    /// One of its static `routes`.
    Static(&'s TgwRoute),
    /// The route an attachment propagates: one of its CIDRs.
    Propagated {
        attachment: Attachment,
        cidr: IpNetwork,
    },
}

impl TransitHop<'_> {
    /// The attachment the route leads to.
    pub fn target(&self) -> Attachment {
        match self {
            TransitHop::Static(route) => route.target,
            TransitHop::Propagated { attachment, .. } => *attachment,
        }
    }

    /// The block the route covers.
    pub fn destination(&self) -> IpNetwork {
        match self {
            TransitHop::Static(route) => route.destination,
            TransitHop::Propagated { cidr, .. } => *cidr,
        }
    }
}

/// The most specific route of `connection`'s route table for `destination`, sent from
/// `from`; `None` for a connection that is not a transit gateway, or no route.
pub(super) fn transit_lookup<'a>(
    scenario: &Scenario,
    kind: &'a ConnectionKind,
    from: Attachment,
    destination: IpAddr,
) -> Option<TransitHop<'a>> {
    let ConnectionKind::TransitGateway {
        attachments,
        routes,
    } = kind
    else {
        return None;
    };
    let static_route = routes
        .iter()
        .filter(|route| route.destination.contains(destination))
        .max_by_key(|route| route.destination.prefix());
    // (prefix, a VPC before a network, earlier before later): the greatest wins.
    let propagated = attachments
        .iter()
        .enumerate()
        .filter(|(_, attachment)| attachment.place != from)
        .filter_map(|(order, attachment)| {
            // Both families propagate: an attachment's IPv4 and IPv6 blocks.
            let (v4, v6, vpc_first) = match attachment.place {
                Attachment::Vpc(vpc) => {
                    let vpc = scenario.vpc(vpc)?;
                    (vpc.cidrs.as_slice(), vpc.ipv6_cidrs.as_slice(), 1)
                }
                Attachment::Network(network) => {
                    let network = scenario.network(network)?;
                    (network.cidrs.as_slice(), network.ipv6_cidrs.as_slice(), 0)
                }
            };
            let cidr = v4
                .iter()
                .map(|c| IpNetwork::V4(*c))
                .chain(v6.iter().map(|c| IpNetwork::V6(*c)))
                .filter(|cidr| cidr.contains(destination))
                .max_by_key(|cidr| cidr.prefix())?;
            Some((
                (cidr.prefix(), vpc_first, std::cmp::Reverse(order)),
                TransitHop::Propagated {
                    attachment: attachment.place,
                    cidr,
                },
            ))
        })
        .max_by_key(|(key, _)| *key)
        .map(|(_, hop)| hop);
    match (static_route, propagated) {
        (Some(route), Some(hop)) if hop.destination().prefix() > route.destination.prefix() => {
            Some(hop)
        }
        (Some(route), _) => Some(TransitHop::Static(route)),
        (None, hop) => hop,
    }
}

impl<'s> Tracer<'s> {
    /// The subnet where `connection` delivers into `vpc` for `client`: the attachment subnet
    /// in the client's Availability Zone, else the first listed; `None` for a VPC attached by
    /// its bare ID (the main route table).
    pub(super) fn entry_subnet(
        &self,
        kind: &ConnectionKind,
        vpc: VpcIx,
        client: &Client,
    ) -> Option<&'s Subnet> {
        let ConnectionKind::TransitGateway { attachments, .. } = kind else {
            return None;
        };
        let subnets: Vec<&'s Subnet> = attachments
            .iter()
            .find(|attachment| attachment.place == Attachment::Vpc(vpc))?
            .subnets
            .iter()
            .filter_map(|ix| self.scenario.subnet(*ix))
            .collect();
        let client_az = self
            .subnet_of(client)
            .and_then(|(_, subnet)| subnet.az.as_deref());
        subnets
            .iter()
            .find(|subnet| client_az.is_some() && subnet.az.as_deref() == client_az)
            .or_else(|| subnets.first())
            .copied()
    }
}
