//! The way from a client to a public endpoint address (an AWS-managed load balancer address).
//!
//! Checked in the order the packet meets each element:
//! - leaving for the internet, by where the client is: an internet client sends directly; a
//!   client in a subnet passes its security group egress and its subnet's NACL outbound, then
//!   its route table takes the request out (`internet_egress`); a network client leaves
//!   through its `internetEgressIp` (`internet_egress`). Each gives the source address the
//!   endpoint sees;
//! - the public endpoint: public access must be on, and that source must be in
//!   `publicAccessCidrs`;
//! - the reply through a NAT gateway a transit gateway carried the request to (centralised
//!   egress): that NAT gateway's subnet NACL, its subnet's route back to the transit
//!   gateway, and the transit gateway's route back to where the request came from;
//! - the reply, for a client in a subnet: through the NAT gateway's subnet NACL (inbound from
//!   the endpoint, outbound to the client) when the NAT gateway sits in another subnet of the
//!   client's VPC, then the client subnet's NACL inbound.
//!
//! A NAT gateway's own subnet NACL sees the flow twice (client → NAT, NAT → internet) and
//! the NAT uses source ports 1024-65535 (VPC user guide, "Ephemeral ports").

use std::net::IpAddr;

use super::filters::Direction;
use super::internet_egress::{CentralNat, Egress};
use super::transit::transit_lookup;
use super::walk::{Check, Passed, Walk};
use super::{Denial, Leg, SourceOrigin, Step, Tracer, VpcNextHop, lookup_subnet, routes, steps};
use crate::reason::Reason;
use crate::scenario::{Attachment, Client, ClientLocation, PortRange, RouteTarget, Subnet};

impl<'s> Tracer<'s> {
    pub(super) fn to_public(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        address: IpAddr,
    ) -> Check {
        let egress = match client.location {
            ClientLocation::Internet => {
                walk.pass(Step::Internet);
                Egress::direct(walk.source, SourceOrigin::ClientAddress)
            }
            ClientLocation::Network(network) => {
                let mut passed = Passed::starting_in(Attachment::Network(network));
                self.network_to_internet(walk, &mut passed, client, network, None, address)?
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
                    self.ports(),
                    Leg::Request,
                )?;
                self.subnet_to_internet(walk, client, subnet, address)?
            }
        };
        // A DNS query to a public resolver meets no allowlist (SPEC 8.2).
        if self.goal.is_none() {
            self.allowlist(walk, client, (egress.source, egress.origin), address)?;
        }
        if let Some(central) = egress.central {
            self.central_nat_reply(walk, &central, address)?;
        }
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
                    walk.source,
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

    /// The reply through a NAT gateway a transit gateway carried the request to: the NAT
    /// gateway's subnet NACL (unless the attachment shares that subnet), then its route table
    /// must send the client's address back to the transit gateway, and the transit gateway
    /// must route it back to where the request came from (the Transit Gateway guide's
    /// centralised egress example routes the spoke CIDRs from the NAT gateway's subnet to the
    /// transit gateway).
    fn central_nat_reply(
        &self,
        walk: &mut Walk<'s>,
        central: &CentralNat<'s>,
        address: IpAddr,
    ) -> Check {
        let scenario = self.scenario;
        let CentralNat {
            connection,
            nat_subnet,
            entry_subnet,
            came_from,
        } = *central;
        if !std::ptr::eq(nat_subnet, entry_subnet) {
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
                walk.source,
                PortRange::EPHEMERAL,
                Leg::ReplyToClient,
            )?;
        }
        let (table, next) = lookup_subnet(scenario, nat_subnet, walk.source);
        let table_name = routes::table_name(scenario, nat_subnet, table);
        match next {
            VpcNextHop::Route(route)
                if matches!(route.target, RouteTarget::Connection(conn)
                    if scenario.connection(conn).is_some_and(|c| std::ptr::eq(c, connection))) =>
            {
                walk.pass(Step::ReturnRoute {
                    subnet: nat_subnet,
                    table,
                    route: Some(route),
                });
            }
            other => {
                let found = match other {
                    VpcNextHop::Route(route) => format!(
                        "its route for {} goes to {}",
                        route.destination,
                        steps::target_name(scenario, nat_subnet, route.target)
                    ),
                    VpcNextHop::Local => "it keeps that address local".to_owned(),
                    VpcNextHop::None => "it has no route for that address".to_owned(),
                };
                return walk.deny(
                    Denial::ReturnRoute {
                        subnet: nat_subnet,
                        table,
                        next: other,
                        over: Some(connection),
                    },
                    format!("{table_name} (return)"),
                    Reason::NoReturnRoute,
                    format!("route table {table_name} of NAT gateway subnet {} has no route back to {} via transit gateway {} ({found}), so the NAT gateway cannot return the reply", nat_subnet.id, walk.source, connection.id),
                );
            }
        }
        let back_to = self.place_id(came_from);
        match transit_lookup(scenario, &connection.kind, Attachment::Vpc(nat_subnet.vpc), walk.source) {
            Some(hop) if hop.target() == came_from => {
                walk.pass(Step::TransitRoute {
                    connection,
                    route: hop,
                    reply: true,
                });
                Ok(())
            }
            Some(hop) => walk.deny(
                Denial::TransitReturn {
                    connection,
                    route: Some(hop),
                    back_to: came_from,
                },
                connection.id.clone(),
                Reason::NoReturnRoute,
                format!("transit gateway {} routes the reply to {} by {} to {}, not back to {back_to}, where the request came from", connection.id, walk.source, hop.destination(), self.place_id(hop.target())),
            ),
            None => walk.deny(
                Denial::TransitReturn {
                    connection,
                    route: None,
                    back_to: came_from,
                },
                connection.id.clone(),
                Reason::NoReturnRoute,
                format!("transit gateway {} has no route back to {} in {back_to}", connection.id, walk.source),
            ),
        }
    }

    /// The subnet of the NAT gateway the client's route table uses for `address`, if any.
    fn nat_subnet_for(&self, subnet: &Subnet, address: IpAddr) -> Option<&'s Subnet> {
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

    /// The public endpoint admits only sources in `publicAccessCidrs`; `source` is the address
    /// the internet sees (after NAT), with a description naming where it comes from.
    fn allowlist(
        &self,
        walk: &mut Walk<'s>,
        client: &Client,
        (source, origin): (IpAddr, SourceOrigin<'s>),
        address: IpAddr,
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
            .find(|cidr| cidr.contains(source));
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
                walk.deny(
                    Denial::Allowlist { source, origin },
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
}
