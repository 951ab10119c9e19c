//! The way from a client to a private endpoint address (an EKS-owned ENI in the cluster VPC).
//!
//! An internet client is refused at once. Otherwise, checked in the order the packet meets
//! each element: client security group egress → client subnet NACL outbound → the route into
//! the cluster VPC (`route_to_cluster`) → ENI subnet NACL inbound → the cluster security
//! groups' ingress on the ENIs → ENI subnet NACL outbound (reply) → the ENI subnet's return
//! route, back over the connection the request came in on → client subnet NACL inbound
//! (reply).
//!
//! AWS behaviour encoded here beyond the SPEC, with sources:
//! - Network ACLs do not filter traffic between instances of the same subnet (VPC FAQ): a
//!   client in an ENI's subnet gets one step saying so instead of the NACL checks.
//! - Security group references work across a same-region peering (VPC peering guide,
//!   "Reference peer security groups"); across a transit gateway they need the gateway's
//!   security-group-referencing option, which is off by default, so eksflow does not match
//!   them there. This holds both ways: a client's egress rule naming a cluster security
//!   group, and a cluster security group's ingress rule naming one of the client's.

use std::net::IpAddr;

use super::filters::{Direction, sg_ingress_allows};
use super::route_to_cluster::Arrival;
use super::transit::transit_lookup;
use super::walk::{Check, Walk, unreachable_blocked};
use super::{Denial, HTTPS, Leg, Step, Tracer, VpcNextHop, lookup_subnet, routes};
use crate::reason::{Blocked, Reason};
use crate::scenario::{
    Attachment, Client, ClientLocation, ConnIx, ConnectionKind, PortRange, RouteTarget, SgIx,
    Subnet,
};

impl<'s> Tracer<'s> {
    /// Out of `client`'s subnet and into `to`, where `address` is: the client's egress
    /// (towards `groups`, as far as a reference can see them), its subnet's NACL outbound,
    /// the routes, and `to`'s NACL inbound — none of the NACLs within one subnet. The first
    /// half of every connection to a VPC address: a flow to an ENI, a DNS query to an
    /// endpoint or a DNS server alike.
    pub(super) fn enter_subnet(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        address: IpAddr,
        to: &'s Subnet,
        groups: &[SgIx],
    ) -> Result<Arrival, Blocked> {
        let client_subnet = self.subnet_of(client).map(|(_, subnet)| subnet);
        let same_subnet = client_subnet.is_some_and(|subnet| std::ptr::eq(subnet, to));
        let egress_groups = self.referenceable_groups(client, groups);
        self.client_egress(walk, client, address, &egress_groups)?;
        if let Some(subnet) = client_subnet {
            if same_subnet {
                walk.pass(Step::SameSubnet { subnet });
            } else {
                self.nacl(
                    walk,
                    subnet,
                    Direction::Outbound,
                    address,
                    self.ports(),
                    Leg::Request,
                )?;
            }
        }
        let arrival = self.route_to_cluster(walk, client, address)?;
        if !same_subnet {
            self.nacl(
                walk,
                to,
                Direction::Inbound,
                walk.source,
                self.ports(),
                Leg::Request,
            )?;
        }
        Ok(arrival)
    }

    /// What a route table does with an address, in words: `its route for 10.0.0.0/8 goes to
    /// nat-a`, `it keeps that address local`, `it has no route for that address`.
    fn describe_next_hop(&self, next: VpcNextHop) -> String {
        match next {
            VpcNextHop::Route(route) => format!(
                "its route for {} goes to {}",
                route.destination,
                self.describe_target(route.target)
            ),
            VpcNextHop::Local => "it keeps that address local".to_owned(),
            VpcNextHop::None => "it has no route for that address".to_owned(),
        }
    }

    /// The client's groups a security group reference at the far end can see: all of them
    /// within the VPC or over a peering, none across any other connection.
    pub(super) fn source_groups(&self, client: &Client, arrival: Arrival) -> Vec<SgIx> {
        match arrival {
            Arrival::Local => client.security_groups.clone(),
            Arrival::Via { conn, .. } => match self.scenario.connection(conn).map(|c| &c.kind) {
                Some(ConnectionKind::Peering { .. }) => client.security_groups.clone(),
                _ => Vec::new(),
            },
        }
    }

    pub(super) fn to_private(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        address: IpAddr,
    ) -> Check {
        let scenario = self.scenario;
        let cluster = &scenario.cluster;
        let Some(eni_subnet) = cluster
            .enis
            .iter()
            .find(|eni| eni.has(address))
            .and_then(|eni| scenario.subnet(eni.subnet))
        else {
            return Err(unreachable_blocked());
        };
        let client_subnet = self.subnet_of(client).map(|(_, subnet)| subnet);
        let same_subnet = client_subnet.is_some_and(|subnet| std::ptr::eq(subnet, eni_subnet));

        // Where a security group reference can see the client: its own VPC, or a same-region
        // peer. Decided after the route lookup, which tells how the packet travels.
        if let ClientLocation::Internet = client.location {
            if let IpAddr::V6(v6) = address
                && !crate::dns::is_ula(v6)
                && scenario
                    .cluster_vpc()
                    .is_some_and(|vpc| vpc.internet_gateway.is_some())
            {
                return self.internet_to_eni_ipv6(walk, client, eni_subnet, address);
            }
            return walk.block(
                "internet",
                Reason::PrivateAddressFromInternet,
                format!("{address} is a private ENI address in {}; it cannot be reached from the internet (client {})", self.vpc_id(cluster.vpc), client.name),
            );
        }
        let arrival =
            self.enter_subnet(walk, client, address, eni_subnet, &cluster.security_groups)?;
        let source_groups = self.source_groups(client, arrival);
        match sg_ingress_allows(
            scenario,
            &cluster.security_groups,
            HTTPS,
            walk.source,
            &source_groups,
        ) {
            Some(found) => walk.pass(Step::SgIngress {
                proto: self.proto,
                groups: &cluster.security_groups,
                found,
                port: HTTPS,
                from: walk.source,
            }),
            None => {
                let names = scenario.sg_names(&cluster.security_groups);
                let groups_note = if client.security_groups.is_empty() {
                    String::new()
                } else if source_groups.is_empty() {
                    format!(
                        " (security group references to {} do not work across this connection)",
                        scenario.sg_names(&client.security_groups)
                    )
                } else {
                    format!(
                        " or from its groups {}",
                        scenario.sg_names(&client.security_groups)
                    )
                };
                let names_or_none = if names.is_empty() {
                    "(none)".to_owned()
                } else {
                    names
                };
                return walk.deny(
                    Denial::SecurityGroups {
                        groups: &cluster.security_groups,
                        direction: Direction::Inbound,
                        proto: self.proto,
                        port: HTTPS,
                        peer: walk.source,
                        peer_groups: source_groups,
                    },
                    names_or_none.clone(),
                    Reason::SgIngressDeny,
                    format!("the cluster security groups {names_or_none} on the EKS ENIs allow no tcp/443 from {} (client {}){groups_note}", walk.source, client.name),
                );
            }
        }
        if !same_subnet {
            self.nacl(
                walk,
                eni_subnet,
                Direction::Outbound,
                walk.source,
                PortRange::EPHEMERAL,
                Leg::Reply,
            )?;
        }
        self.return_route(walk, eni_subnet, arrival)?;
        if let Some(subnet) = client_subnet
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

    /// From the internet to an ENI's IPv6 address (SPEC 7.5, choice: AWS routing, nothing
    /// EKS-specific): a global IPv6 address in a VPC with an internet gateway can be reached
    /// from outside, so the packet meets the ENI subnet NACL, the cluster security groups,
    /// the NACL on the way back, and the reply must be routed to the internet gateway. An
    /// egress-only gateway will not do: it "prevents hosts outside of your VPC from
    /// initiating an IPv6 connection" (EC2 API, CreateEgressOnlyInternetGateway).
    fn internet_to_eni_ipv6(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        eni_subnet: &'s Subnet,
        address: IpAddr,
    ) -> Check {
        let scenario = self.scenario;
        let cluster = &scenario.cluster;
        walk.pass(Step::Internet);
        self.nacl(
            walk,
            eni_subnet,
            Direction::Inbound,
            walk.source,
            self.ports(),
            Leg::Request,
        )?;
        match sg_ingress_allows(scenario, &cluster.security_groups, HTTPS, walk.source, &[]) {
            Some(found) => walk.pass(Step::SgIngress {
                proto: self.proto,
                groups: &cluster.security_groups,
                found,
                port: HTTPS,
                from: walk.source,
            }),
            None => {
                let names = scenario.sg_names(&cluster.security_groups);
                let names = if names.is_empty() {
                    "(none)".to_owned()
                } else {
                    names
                };
                return walk.deny(
                    Denial::SecurityGroups {
                        groups: &cluster.security_groups,
                        direction: Direction::Inbound,
                        proto: self.proto,
                        port: HTTPS,
                        peer: walk.source,
                        peer_groups: Vec::new(),
                    },
                    names.clone(),
                    Reason::SgIngressDeny,
                    format!("the cluster security groups {names} on the EKS ENIs allow no tcp/443 from {} (client {} on the internet, to {address})", walk.source, client.name),
                );
            }
        }
        self.nacl(
            walk,
            eni_subnet,
            Direction::Outbound,
            walk.source,
            PortRange::EPHEMERAL,
            Leg::Reply,
        )?;
        let (table, next) = lookup_subnet(scenario, eni_subnet, walk.source);
        let table_name = routes::table_name(scenario, eni_subnet, table);
        match next {
            VpcNextHop::Route(route) if route.target == RouteTarget::InternetGateway => {
                walk.pass(Step::ReturnRoute {
                    subnet: eni_subnet,
                    table,
                    route: Some(route),
                });
                Ok(())
            }
            next => {
                let found = self.describe_next_hop(next);
                walk.deny(
                    Denial::ReturnRoute {
                        subnet: eni_subnet,
                        table,
                        next,
                        over: None,
                    },
                    format!("{table_name} (return)"),
                    Reason::NoReturnRoute,
                    format!("route table {table_name} of ENI subnet {} has no route back to {} through the internet gateway ({found}); an egress-only internet gateway does not carry replies to connections started outside the VPC", eni_subnet.id, walk.source),
                )
            }
        }
    }

    /// The cluster security groups an egress rule of the client may reference (same VPC or a
    /// directly peered one).
    pub(super) fn referenceable_groups(&self, client: &Client, groups: &[SgIx]) -> Vec<SgIx> {
        let Some((_, subnet)) = self.subnet_of(client) else {
            return Vec::new();
        };
        let cluster_vpc = self.goal_vpc();
        let peered = self.scenario.connections.iter().any(|c| {
            matches!(&c.kind, ConnectionKind::Peering { vpcs } if vpcs.contains(&subnet.vpc) && vpcs.contains(&cluster_vpc))
        });
        if subnet.vpc == cluster_vpc || peered {
            groups.to_vec()
        } else {
            Vec::new()
        }
    }

    /// The ENI subnet's route table must send the reply back over the connection the request
    /// came in on.
    pub(super) fn return_route(
        &self,
        walk: &mut Walk<'s>,
        eni_subnet: &'s Subnet,
        arrival: Arrival,
    ) -> Check {
        let scenario = self.scenario;
        let (table, next) = lookup_subnet(scenario, eni_subnet, walk.source);
        let table_name = routes::table_name(scenario, eni_subnet, table);
        match (arrival, next) {
            (Arrival::Local, VpcNextHop::Local) => {
                walk.pass(Step::ReturnRoute {
                    subnet: eni_subnet,
                    table,
                    route: None,
                });
                Ok(())
            }
            (Arrival::Via { conn, from }, VpcNextHop::Route(route))
                if route.target == RouteTarget::Connection(conn) =>
            {
                walk.pass(Step::ReturnRoute {
                    subnet: eni_subnet,
                    table,
                    route: Some(route),
                });
                self.transit_return(walk, conn, from)
            }
            (Arrival::Via { conn, .. }, next) => {
                let found = self.describe_next_hop(next);
                walk.deny(
                    Denial::ReturnRoute {
                        subnet: eni_subnet,
                        table,
                        next,
                        over: scenario.connection(conn),
                    },
                    format!("{table_name} (return)"),
                    Reason::NoReturnRoute,
                    format!("route table {table_name} of ENI subnet {} has no route back to {} via {} ({found})", eni_subnet.id, walk.source, self.connection_id(conn)),
                )
            }
            (Arrival::Local, _) => Ok(()),
        }
    }

    /// A reply sent back over a transit gateway must be routed by it back to `from`, where the
    /// request entered it: a static route for the client's address elsewhere diverts it. Only
    /// a failure adds a step (a transit gateway that routes the reply back is what the
    /// request's crossing already showed, in the ordinary case).
    fn transit_return(&self, walk: &mut Walk<'s>, conn: ConnIx, from: Attachment) -> Check {
        let scenario = self.scenario;
        let Some(connection) = scenario.connection(conn) else {
            return Err(unreachable_blocked());
        };
        if !matches!(connection.kind, ConnectionKind::TransitGateway { .. }) {
            return Ok(());
        }
        let back_to = self.place_id(from);
        match transit_lookup(
            scenario,
            &connection.kind,
            Attachment::Vpc(self.goal_vpc()),
            walk.source,
        ) {
            Some(hop) if hop.target() == from => Ok(()),
            Some(hop) => walk.deny(
                Denial::TransitReturn {
                    connection,
                    route: Some(hop),
                    back_to: from,
                },
                connection.id.clone(),
                Reason::NoReturnRoute,
                format!("transit gateway {} routes the reply to {} by {} to {}, not back to {back_to}, where the request came from", connection.id, walk.source, hop.destination(), self.place_id(hop.target())),
            ),
            None => walk.deny(
                Denial::TransitReturn {
                    connection,
                    route: None,
                    back_to: from,
                },
                connection.id.clone(),
                Reason::NoReturnRoute,
                format!("transit gateway {} has no route back to {} in {back_to}", connection.id, walk.source),
            ),
        }
    }

    fn describe_target(&self, target: RouteTarget) -> String {
        let scenario = self.scenario;
        match target {
            RouteTarget::Local => "local".to_owned(),
            RouteTarget::InternetGateway => "an internet gateway".to_owned(),
            RouteTarget::EgressOnlyInternetGateway => "an egress-only internet gateway".to_owned(),
            RouteTarget::Nat(nat) => scenario
                .nat_gateway(nat)
                .map(|n| n.id.clone())
                .unwrap_or_default(),
            RouteTarget::Connection(conn) => self.connection_id(conn).to_owned(),
        }
    }
}
