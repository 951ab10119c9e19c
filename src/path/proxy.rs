//! Leg 1 of a flow through an HTTPS proxy (SPEC 10.2): the client's TCP connection to the
//! proxy's port. The proxy resolves the endpoint and connects on its own (leg 2 is the proxy
//! client's own flow): "The proxy in the VPC performs the DNS resolution"
//! (aws/containers-roadmap#22).
//!
//! Which address the client connects to (SPEC 10.2, choice): the proxy's `ip` when the
//! client is in its VPC or routes to that address over a connection, with the private-path
//! checks of a DNS hop on the proxy port (client groups and NACL, route, proxy subnet NACL,
//! proxy groups, return route); otherwise its `publicIp` over the internet, entering the
//! proxy's VPC through its internet gateway — the proxy subnet's NACL and groups then see
//! the client's translated source (own address, NAT gateway IP or `internetEgressIp`), and
//! the reply must be routed back to the internet gateway. A proxy `from: internet` is
//! reached at its `ip` on the public path; one in a network, like a DNS server there.

use std::net::IpAddr;

use super::dns_hop::DnsServerSide;
use super::filters::{Direction, sg_ingress_allows_for};
use super::walk::{Check, Walk};
use super::{Context, Hop, Leg, Step, Tracer, VpcNextHop, lookup_network, lookup_subnet, routes};
use crate::reason::{Blocked, Reason};
use crate::scenario::{Client, ClientLocation, PortRange, Protocol, RouteTarget, Scenario, Subnet};

/// The client → proxy connection.
#[derive(Debug, Clone)]
pub struct ProxyLeg<'s> {
    /// The proxy host.
    pub proxy: &'s Client,
    /// The address the client connects to: the proxy's `ip` or its `publicIp`.
    pub address: IpAddr,
    pub port: u16,
    pub steps: Vec<Step<'s>>,
    pub blocked: Option<Blocked>,
}

impl ProxyLeg<'_> {
    pub fn reachable(&self) -> bool {
        self.blocked.is_none()
    }

    /// The steps in words, for `client`'s connection.
    pub fn hops(&self, scenario: &Scenario, client: &Client) -> Vec<Hop> {
        let cx = Context {
            scenario,
            client,
            address: self.address,
            source: IpAddr::V4(client.ip),
        };
        self.steps.iter().map(|step| step.hop(cx)).collect()
    }
}

impl<'s> Tracer<'s> {
    /// Traces `client` → `proxy`:`port` over TCP.
    pub fn proxy_leg(&self, client: &'s Client, proxy: &'s Client, port: u16) -> ProxyLeg<'s> {
        let scenario = self.scenario;
        let mut walk = Walk {
            steps: Vec::with_capacity(10),
            source: IpAddr::V4(client.ip),
        };
        let hop = |goal| Tracer {
            scenario,
            access: self.access,
            proto: Protocol::Tcp,
            port,
            goal: Some(goal),
        };
        let private = IpAddr::V4(proxy.ip);
        let (address, result) = match proxy.location {
            ClientLocation::Internet => (
                private,
                hop(DnsServerSide::Public).to_public(&mut walk, client, private),
            ),
            ClientLocation::Network(network) => (
                private,
                hop(DnsServerSide::Network(network))
                    .dns_to_network(&mut walk, client, private, network),
            ),
            ClientLocation::Subnet(ix) => match scenario.subnet(ix) {
                None => (private, Ok(())),
                Some(subnet) => {
                    let side = DnsServerSide::Interface {
                        subnet,
                        groups: &proxy.security_groups,
                    };
                    match proxy.public_ip {
                        Some(public) if !self.routes_privately(client, subnet, private) => {
                            let address = IpAddr::V4(public);
                            let tracer = hop(DnsServerSide::Public);
                            let result = tracer
                                .to_public(&mut walk, client, address)
                                .and_then(|()| tracer.enter_proxy_vpc(&mut walk, proxy, subnet));
                            (address, result)
                        }
                        _ => (
                            private,
                            hop(side).dns_to_interface(
                                &mut walk,
                                client,
                                private,
                                subnet,
                                &proxy.security_groups,
                            ),
                        ),
                    }
                }
            },
        };
        ProxyLeg {
            proxy,
            address,
            port,
            steps: walk.steps,
            blocked: result.err(),
        }
    }

    /// Whether `client` reaches `address` in `subnet` without the internet: same VPC, or a
    /// route (VPC or network) that sends it over a connection.
    fn routes_privately(&self, client: &Client, subnet: &Subnet, address: IpAddr) -> bool {
        let scenario = self.scenario;
        match client.location {
            ClientLocation::Internet => false,
            ClientLocation::Subnet(ix) => scenario.subnet(ix).is_some_and(|own| {
                own.vpc == subnet.vpc
                    || matches!(
                        lookup_subnet(scenario, own, address).1,
                        VpcNextHop::Route(route) if matches!(route.target, RouteTarget::Connection(_))
                    )
            }),
            ClientLocation::Network(network) => scenario
                .network(network)
                .is_some_and(|n| lookup_network(&n.routes, address).is_some()),
        }
    }

    /// The source the internet saw: the last translation the walk passed, else its own.
    fn translated_source(walk: &Walk<'s>) -> IpAddr {
        walk.steps
            .iter()
            .rev()
            .find_map(|step| match step {
                Step::Nat { public_ip, .. } | Step::InternetGateway { public_ip, .. } => {
                    Some(*public_ip)
                }
                Step::NetworkEgress { egress, .. } | Step::ConnectionToInternet { egress, .. } => {
                    Some(*egress)
                }
                _ => None,
            })
            .unwrap_or(walk.source)
    }

    /// From the internet into the proxy's VPC through its internet gateway, to the proxy's
    /// public address (SPEC 10.2, choice; as 7.5's inbound walk).
    fn enter_proxy_vpc(&self, walk: &mut Walk<'s>, proxy: &'s Client, subnet: &'s Subnet) -> Check {
        let scenario = self.scenario;
        let source = Self::translated_source(walk);
        let vpc = scenario.vpc(subnet.vpc);
        if vpc.is_none_or(|vpc| vpc.internet_gateway.is_none()) {
            return walk.block(
                "internet",
                Reason::NoRoute,
                format!(
                    "proxy {}'s VPC {} has no internet gateway, so its publicIp cannot be reached from the internet",
                    proxy.name,
                    vpc.map(|v| v.id.as_str()).unwrap_or_default()
                ),
            );
        }
        self.nacl(
            walk,
            subnet,
            Direction::Inbound,
            source,
            self.ports(),
            Leg::Request,
        )?;
        match sg_ingress_allows_for(
            scenario,
            Protocol::Tcp,
            &proxy.security_groups,
            self.port,
            source,
            &[],
        ) {
            Some(found) => walk.pass(Step::SgIngress {
                proto: Protocol::Tcp,
                groups: &proxy.security_groups,
                found,
                port: self.port,
                from: source,
            }),
            None if proxy.security_groups.is_empty() => {}
            None => {
                let names = scenario.sg_names(&proxy.security_groups);
                return walk.block(
                    names.clone(),
                    Reason::SgIngressDeny,
                    format!("{names} allows no tcp/{} from {source}", self.port),
                );
            }
        }
        self.nacl(
            walk,
            subnet,
            Direction::Outbound,
            source,
            PortRange::EPHEMERAL,
            Leg::Reply,
        )?;
        let (table, next) = lookup_subnet(scenario, subnet, source);
        match next {
            VpcNextHop::Route(route) if route.target == RouteTarget::InternetGateway => {
                walk.pass(Step::ReturnRoute {
                    subnet,
                    table,
                    route: Some(route),
                });
                Ok(())
            }
            _ => {
                let table_name = routes::table_name(scenario, subnet, table);
                walk.block(
                    format!("{table_name} (return)"),
                    Reason::NoReturnRoute,
                    format!(
                        "route table {table_name} of proxy subnet {} has no route back to {source} through the internet gateway",
                        subnet.id
                    ),
                )
            }
        }
    }
}
