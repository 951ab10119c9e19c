//! One DNS query hop, traced like a flow (SPEC 8.2–8.3): from an asker (a client, a DNS
//! server, or an outbound endpoint's interface) to a server address on port 53, the reply
//! coming back to the ephemeral ports 1024-65535.
//!
//! The resolver never walks routes itself: it asks for a hop here, and this walk reuses the
//! packet walker's checks, in the order a packet meets them — asker security groups egress
//! → asker subnet NACL outbound → route lookup (and NAT / internet gateway / connection) →
//! server subnet NACL inbound → server security groups ingress → server subnet NACL
//! outbound (reply) → return route from the server subnet over the same connection → asker
//! subnet NACL inbound (reply). Same-subnet hops skip the NACLs.
//!
//! AWS behaviour encoded here, with sources:
//! - Resolver endpoint addresses are network interfaces in the VPC's subnets, with security
//!   groups: "Route 53 Resolver endpoint elastic network interfaces (ENIs)" (Route 53 API,
//!   IpAddressRequest); their groups must allow DNS: "Inbound rules must allow TCP and UDP
//!   access on port 53" (Route 53 developer guide, "Values that you specify when you create
//!   or edit inbound endpoints"), "Outbound rules must allow TCP and UDP access on the port
//!   that you're using for DNS queries on your network" (… outbound endpoints).
//! - A server with no security groups accepts port 53 from anywhere, and a server in a
//!   network meets no filter: on-premises firewalls are not modelled (SPEC 8.2, choice).
//! - A query to a public resolver address leaves like the public path of SPEC section 3,
//!   without the `publicAccessCidrs` check, which only the EKS endpoint applies.

use std::net::{IpAddr, Ipv4Addr};

use super::filters::{Direction, sg_ingress_allows_for};
use super::route_to_cluster::Arrival;
use super::walk::{Check, Walk};
use super::{Context, Hop, Leg, Step, Tracer, lookup_network};
use crate::reason::{Blocked, Reason};
use crate::scenario::{
    Client, ClientLocation, NetworkIx, PortRange, Protocol, Scenario, SgIx, Subnet,
};

/// The DNS port.
pub const DNS: u16 = 53;

/// The server side of one DNS query hop (SPEC 8.2).
#[derive(Debug, Clone, Copy)]
pub enum DnsServerSide<'s> {
    /// A VPC network interface: a Resolver endpoint address or a DNS server instance, in
    /// `subnet`, with `groups`.
    Interface {
        subnet: &'s Subnet,
        groups: &'s [SgIx],
    },
    /// A DNS server in a network: no filters (choice).
    Network(NetworkIx),
    /// A public resolver on the internet.
    Public,
}

/// One DNS query hop, traced: what it met, in words, and the first check that failed.
#[derive(Debug, Clone)]
pub struct DnsHop {
    pub hops: Vec<Hop>,
    pub blocked: Option<Blocked>,
}

impl DnsHop {
    pub fn reachable(&self) -> bool {
        self.blocked.is_none()
    }

    /// Traces a query of `proto` (UDP, or TCP for the EKS027 lint) from `asker` to `server`.
    pub fn trace(
        scenario: &Scenario,
        asker: &Client,
        server: Ipv4Addr,
        side: DnsServerSide<'_>,
        proto: Protocol,
    ) -> DnsHop {
        let tracer = Tracer {
            scenario,
            access: scenario.cluster.access,
            proto,
            port: DNS,
            goal: Some(side),
        };
        let address = IpAddr::V4(server);
        let source = IpAddr::V4(asker.ip);
        let mut walk = Walk {
            steps: Vec::with_capacity(10),
            source,
        };
        let blocked = tracer.dns_walk(&mut walk, asker, address, side).err();
        let cx = Context {
            scenario,
            client: asker,
            address,
            source,
        };
        DnsHop {
            hops: walk.steps.iter().map(|step| step.hop(cx)).collect(),
            blocked,
        }
    }
}

impl<'s> Tracer<'s> {
    fn dns_walk(
        &self,
        walk: &mut Walk<'s>,
        asker: &'s Client,
        address: IpAddr,
        side: DnsServerSide<'s>,
    ) -> Check {
        match side {
            DnsServerSide::Public => self.to_public(walk, asker, address),
            DnsServerSide::Interface { subnet, groups } => {
                self.dns_to_interface(walk, asker, address, subnet, groups)
            }
            DnsServerSide::Network(network) => self.dns_to_network(walk, asker, address, network),
        }
    }

    pub(super) fn dns_to_interface(
        &self,
        walk: &mut Walk<'s>,
        asker: &'s Client,
        address: IpAddr,
        server_subnet: &'s Subnet,
        groups: &'s [SgIx],
    ) -> Check {
        let scenario = self.scenario;
        if let ClientLocation::Internet = asker.location {
            return walk.block(
                "internet",
                Reason::PrivateAddressFromInternet,
                format!(
                    "{address} is a private address in subnet {}; a query from the internet cannot reach it",
                    server_subnet.id
                ),
            );
        }
        let asker_subnet = self.subnet_of(asker).map(|(_, subnet)| subnet);
        let same_subnet = asker_subnet.is_some_and(|subnet| std::ptr::eq(subnet, server_subnet));
        let arrival = self.enter_subnet(walk, asker, address, server_subnet, groups)?;
        if groups.is_empty() {
            walk.pass(Step::Note {
                at: server_subnet.id.clone(),
                detail: format!(
                    "{address} has no security groups written: accepts port 53 from anywhere"
                ),
            });
        } else {
            let source_groups = self.source_groups(asker, arrival);
            match sg_ingress_allows_for(
                scenario,
                self.proto,
                groups,
                self.port,
                walk.source,
                &source_groups,
            ) {
                Some(found) => walk.pass(Step::SgIngress {
                    groups,
                    found,
                    proto: self.proto,
                    port: self.port,
                    from: walk.source,
                }),
                None => {
                    let names = scenario.sg_names(groups);
                    let groups_note = if source_groups.is_empty() {
                        String::new()
                    } else {
                        format!(" or from its groups {}", scenario.sg_names(&source_groups))
                    };
                    return walk.block(
                        names.clone(),
                        Reason::SgIngressDeny,
                        format!(
                            "{names} allows no {}/{} from {}{groups_note}",
                            self.proto, self.port, walk.source
                        ),
                    );
                }
            }
        }
        if !same_subnet {
            self.nacl(
                walk,
                server_subnet,
                Direction::Outbound,
                walk.source,
                PortRange::EPHEMERAL,
                Leg::Reply,
            )?;
        }
        self.return_route(walk, server_subnet, arrival)?;
        if let Some(subnet) = asker_subnet
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

    pub(super) fn dns_to_network(
        &self,
        walk: &mut Walk<'s>,
        asker: &'s Client,
        address: IpAddr,
        network_ix: NetworkIx,
    ) -> Check {
        let scenario = self.scenario;
        let Some(network) = scenario.network(network_ix) else {
            return Ok(());
        };
        match asker.location {
            ClientLocation::Network(own) if own == network_ix => {
                walk.pass(Step::Note {
                    at: network.id.clone(),
                    detail: format!(
                        "{} and {address} are both in network {}: a local query (on-premises firewalls are not modelled)",
                        walk.source, network.id
                    ),
                });
                return Ok(());
            }
            ClientLocation::Internet => {
                return walk.block(
                    "internet",
                    Reason::NoRoute,
                    format!(
                        "{address} is inside network {}; a query from the internet cannot reach it",
                        network.id
                    ),
                );
            }
            _ => {}
        }
        let asker_subnet = self.subnet_of(asker).map(|(_, subnet)| subnet);
        self.client_egress(walk, asker, address, &[])?;
        if let Some(subnet) = asker_subnet {
            self.nacl(
                walk,
                subnet,
                Direction::Outbound,
                address,
                self.ports(),
                Leg::Request,
            )?;
        }
        let arrival = self.route_to_cluster(walk, asker, address)?;
        // The reply leaves the network by its own routes, over the connection the query came
        // in on (choice: the mirror of the return route a VPC subnet needs).
        if let Arrival::Via { conn, .. } = arrival {
            match lookup_network(&network.routes, walk.source) {
                Some(route) if route.target == conn => {
                    walk.pass(Step::NetworkRoute { network, route });
                }
                found => {
                    let found = match found {
                        Some(route) => format!(
                            "its route for {} goes to {}",
                            route.destination,
                            scenario
                                .connection(route.target)
                                .map(|c| c.id.as_str())
                                .unwrap_or_default()
                        ),
                        None => "it has no route for that address".to_owned(),
                    };
                    return walk.block(
                        format!("{} (return)", network.id),
                        Reason::NoReturnRoute,
                        format!(
                            "network {} has no route back to {} via {} ({found})",
                            network.id,
                            walk.source,
                            self.connection_id(conn)
                        ),
                    );
                }
            }
        }
        if let Some(subnet) = asker_subnet {
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
}
