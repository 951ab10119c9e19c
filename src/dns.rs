//! Split-horizon resolution of the cluster endpoint name (SPEC section 3, *Resolution*).
//!
//! The resolver decides *who answers*, from scenario data; hickory-proto types carry the
//! *answer* (`Name`, A `Record`s). AWS behaviour encoded here, with sources:
//!
//! - The EKS private hosted zone is associated only with the cluster VPC and is honoured only
//!   when that VPC has `enableDnsSupport` and `enableDnsHostnames` true (EKS user guide,
//!   cluster-endpoint, "Private access").
//! - A VPC's Resolver applies, among its forward rules and the rule it creates for each
//!   private hosted zone associated with the VPC, the one with the most specific domain
//!   (Route 53 developer guide, "How Resolver determines whether the domain name in a query
//!   matches any rules"). The EKS zone's rule is for the endpoint hostname, so the zone
//!   "continue\[s\] to resolve if you create conditional forwarding rules for less specific
//!   domain names such as '.' (dot) or 'com'", and only a forward rule for the hostname
//!   itself overrides it, winning the tie ("If you want to override an autodefined rule, you
//!   can create a conditional forwarding rule for the same domain name": "Domain names that
//!   Resolver creates autodefined system rules for").
//! - A query arriving at a Resolver inbound endpoint is resolved as if it came from the
//!   endpoint's VPC: its rules and its private hosted zones apply (Route 53 developer guide,
//!   resolver: "Creating an inbound endpoint doesn't change the behavior of Resolver").
//! - Forwarding to another VPC's base + 2 address "is not supported" (Route 53 developer
//!   guide, resolver-overview-DSN-queries-to-vpc); 169.254.169.253 is link-local, so only
//!   instances inside a VPC reach it.
//! - In private mode, public DNS resolves the endpoint name to the private ENI addresses
//!   (EKS user guide, cluster-endpoint, since December 2019).
//! - A dual-stack endpoint (an `ipFamily: ipv6` cluster under `api.aws`, since October 2024)
//!   answers AAAA records too: the cluster endpoints are "dual stack with both IPv4 and IPv6
//!   addresses", and the EKS-owned network interfaces "are assigned an IPv4 and an IPv6
//!   address" (EKS user guide, cluster-endpoint and network-reqs). The answer lists the A
//!   records, then the AAAA records; in private mode public DNS answers the ENIs' IPv6
//!   addresses as AAAA, mirroring the zone (SPEC 7.2, choice).

use std::net::{IpAddr, Ipv4Addr};

use hickory_proto::rr::{
    Name, RData, Record,
    rdata::{A, AAAA},
};

use crate::reason::{Blocked, Reason};
use crate::scenario::{
    ClientLocation, DhcpDnsServer, DnsServerIx, EndpointAccess, ForwardRule, ForwardTarget,
    NetworkIx, Scenario, VpcIx,
};

/// Forwarding deeper than this many hops is a resolution failure (SPEC section 3).
pub const MAX_FORWARD_HOPS: usize = 8;

pub use crate::scenario::limits::MAX_DNS_QUERIES;

/// The TTL eksflow gives the endpoint's A records. EKS serves them with a short TTL so that
/// a change of endpoint access takes effect quickly; 60 s is what `dig` shows for them.
pub const ENDPOINT_TTL: u32 = 60;

/// The link-local address of the Route 53 Resolver, reachable from inside any VPC.
pub const LINK_LOCAL_RESOLVER: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 253);

/// Who produced the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AnsweredBy {
    /// The EKS-managed private hosted zone, via the cluster VPC's Resolver.
    PrivateHostedZone,
    /// The public `eks.amazonaws.com` zone, via any recursive resolver.
    PublicDns,
    /// Nobody: resolution failed.
    None,
}

impl AnsweredBy {
    pub fn as_str(self) -> &'static str {
        match self {
            AnsweredBy::PrivateHostedZone => "private-hosted-zone",
            AnsweredBy::PublicDns => "public-dns",
            AnsweredBy::None => "none",
        }
    }
}

/// The outcome of resolving the endpoint name for one client.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// The address of the DNS server the client asked (`public-dns` for an internet client).
    pub server: String,
    /// What that server is, for people: `AmazonProvidedDNS (vpc-main)`.
    pub server_label: String,
    pub answered_by: AnsweredBy,
    /// The answer as A records for the endpoint name, in answer order.
    pub records: Vec<Record>,
    /// Each server the query passed through, and why it went on.
    pub trail: Vec<String>,
    /// Why nothing answered, when nothing did.
    pub failure: Option<Blocked>,
    /// Whether the query reached the cluster VPC's Route 53 Resolver (whatever it then
    /// answered): the only place the EKS private hosted zone can be seen.
    pub reached_cluster_resolver: bool,
}

impl Resolution {
    /// The answered addresses, in answer order: A records, then AAAA records.
    pub fn addresses(&self) -> Vec<IpAddr> {
        self.records
            .iter()
            .filter_map(|record| match &record.data {
                RData::A(A(ip)) => Some(IpAddr::V4(*ip)),
                RData::AAAA(AAAA(ip)) => Some(IpAddr::V6(*ip)),
                _ => None,
            })
            .collect()
    }
}

/// The place a query is sent from, which decides what an address means (a VPC's own
/// Resolver answers only inside that VPC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asker {
    Vpc(VpcIx),
    Network(NetworkIx),
    Internet,
}

/// How a query reached a VPC's Route 53 Resolver.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    AmazonProvidedDns,
    BasePlusTwo,
    LinkLocal,
    InboundEndpoint(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Server {
    VpcResolver(VpcIx, Entry),
    Custom(DnsServerIx),
    /// The public DNS hierarchy, reached through some recursive resolver.
    Public,
}

/// Identity for loop detection: one VPC Resolver is one server, however it is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServerKey {
    Vpc(VpcIx),
    Custom(DnsServerIx),
}

/// One query's state while it is forwarded from server to server.
struct Query {
    /// The servers it is passing through, for loop detection.
    chain: Vec<(ServerKey, String)>,
    trail: Vec<String>,
    /// Whether the cluster VPC's Resolver handled it (EKS007).
    reached_cluster_resolver: bool,
    /// Servers asked so far, against [`MAX_DNS_QUERIES`].
    asked: usize,
}

impl Query {
    /// Ends the query as a forwarding failure (`DNS_FORWARD_LOOP`): a loop, too many hops,
    /// or too many servers asked.
    fn give_up(&mut self, trail: String, blocked_by: String) -> Outcome {
        self.trail.push(trail);
        Outcome::Fail(Blocked {
            reason: Reason::DnsForwardLoop,
            blocked_by,
        })
    }
}

enum Outcome {
    Answer(AnsweredBy, Vec<IpAddr>),
    Fail(Blocked),
}

/// Resolves the cluster endpoint name under one endpoint access mode.
#[derive(Debug)]
pub struct Resolver<'s> {
    scenario: &'s Scenario,
    access: EndpointAccess,
}

impl<'s> Resolver<'s> {
    pub fn new(scenario: &'s Scenario, access: EndpointAccess) -> Self {
        Resolver { scenario, access }
    }

    fn name(&self) -> &Name {
        &self.scenario.cluster.endpoint
    }

    /// Resolves the endpoint name as the client at `location` would.
    pub fn resolve(&self, location: ClientLocation) -> Resolution {
        let mut trail = Vec::new();
        let (server_address, first) = match self.first_server(location, &mut trail) {
            Ok(found) => found,
            Err((address, blocked)) => {
                return Resolution {
                    server_label: address.clone(),
                    server: address,
                    answered_by: AnsweredBy::None,
                    records: Vec::new(),
                    trail,
                    failure: Some(blocked),
                    reached_cluster_resolver: false,
                };
            }
        };
        let server_label = self.kind(&first);
        let mut query = Query {
            chain: Vec::new(),
            trail,
            reached_cluster_resolver: false,
            asked: 0,
        };
        let outcome = self.ask(&first, &server_address, 0, &mut query);
        let Query {
            trail,
            reached_cluster_resolver,
            ..
        } = query;
        let (answered_by, addresses, failure) = match outcome {
            Outcome::Answer(by, addresses) => (by, addresses, None),
            Outcome::Fail(blocked) => (AnsweredBy::None, Vec::new(), Some(blocked)),
        };
        Resolution {
            server: server_address,
            server_label,
            answered_by,
            records: addresses
                .iter()
                .map(|ip| {
                    let data = match ip {
                        IpAddr::V4(v4) => RData::A(A(*v4)),
                        IpAddr::V6(v6) => RData::AAAA(AAAA(*v6)),
                    };
                    Record::from_rdata(self.name().clone(), ENDPOINT_TTL, data)
                })
                .collect(),
            trail,
            failure,
            reached_cluster_resolver,
        }
    }

    /// The server a client asks first, with the address it sends the query to.
    fn first_server(
        &self,
        location: ClientLocation,
        trail: &mut Vec<String>,
    ) -> Result<(String, Server), (String, Blocked)> {
        let scenario = self.scenario;
        match location {
            ClientLocation::Internet => {
                trail.push("internet client: asks a public recursive resolver".to_owned());
                Ok(("public-dns".to_owned(), Server::Public))
            }
            ClientLocation::Network(network_ix) => {
                let Some(network) = scenario.network(network_ix) else {
                    return Ok(("public-dns".to_owned(), Server::Public));
                };
                match network.dns_servers.first() {
                    Some(ip) => {
                        trail.push(format!(
                            "network {} asks its first DNS server, {ip}",
                            network.id
                        ));
                        let server = self
                            .identify(*ip, Asker::Network(network_ix), trail)
                            .map_err(|blocked| (ip.to_string(), blocked))?;
                        Ok((ip.to_string(), server))
                    }
                    None => {
                        trail.push(format!(
                            "network {} lists no dnsServers: assuming a public recursive resolver",
                            network.id
                        ));
                        Ok(("public-dns".to_owned(), Server::Public))
                    }
                }
            }
            ClientLocation::Subnet(subnet_ix) => {
                let Some(subnet) = scenario.subnet(subnet_ix) else {
                    return Ok(("public-dns".to_owned(), Server::Public));
                };
                let Some(vpc) = scenario.vpc(subnet.vpc) else {
                    return Ok(("public-dns".to_owned(), Server::Public));
                };
                match vpc.dns_servers.first() {
                    Some(DhcpDnsServer::AmazonProvidedDns) | None => {
                        let address = vpc
                            .resolver_ip()
                            .map(|ip| ip.to_string())
                            .unwrap_or_else(|| "AmazonProvidedDNS".to_owned());
                        trail.push(format!(
                            "{} DHCP options: domain-name-servers AmazonProvidedDNS ({address})",
                            vpc.id
                        ));
                        Ok((
                            address,
                            Server::VpcResolver(subnet.vpc, Entry::AmazonProvidedDns),
                        ))
                    }
                    Some(DhcpDnsServer::Ip(ip)) => {
                        trail.push(format!("{} DHCP options: domain-name-servers {ip}", vpc.id));
                        let server = self
                            .identify(*ip, Asker::Vpc(subnet.vpc), trail)
                            .map_err(|blocked| (ip.to_string(), blocked))?;
                        Ok((ip.to_string(), server))
                    }
                }
            }
        }
    }

    /// What a DNS server address means to a query sent from `asker`.
    fn identify(
        &self,
        ip: Ipv4Addr,
        asker: Asker,
        trail: &mut Vec<String>,
    ) -> Result<Server, Blocked> {
        let scenario = self.scenario;
        if let Some((ix, _)) = scenario.dns_server_at(ip) {
            return Ok(Server::Custom(ix));
        }
        for (v, vpc) in scenario.vpcs.iter().enumerate() {
            if let Some(endpoint) = vpc
                .inbound_endpoints
                .iter()
                .find(|endpoint| endpoint.ips.contains(&ip))
            {
                return Ok(Server::VpcResolver(
                    VpcIx(v),
                    Entry::InboundEndpoint(endpoint.id.clone()),
                ));
            }
        }
        if ip == LINK_LOCAL_RESOLVER {
            return match asker {
                Asker::Vpc(vpc) => Ok(Server::VpcResolver(vpc, Entry::LinkLocal)),
                _ => Err(self.unknown(
                    ip,
                    format!(
                        "{ip} is the link-local Route 53 Resolver address, reachable only from inside a VPC"
                    ),
                    trail,
                )),
            };
        }
        if let Some(v) = scenario
            .vpcs
            .iter()
            .position(|vpc| vpc.resolver_ip() == Some(ip))
        {
            let vpc_ix = VpcIx(v);
            if asker == Asker::Vpc(vpc_ix) {
                return Ok(Server::VpcResolver(vpc_ix, Entry::BasePlusTwo));
            }
            let vpc_id = scenario
                .vpc(vpc_ix)
                .map(|vpc| vpc.id.as_str())
                .unwrap_or_default();
            return Err(self.unknown(
                ip,
                format!(
                    "{ip} is the Route 53 Resolver of {vpc_id} (VPC base + 2), which answers only queries from inside {vpc_id}; \
                     reach it from elsewhere through a Resolver inbound endpoint"
                ),
                trail,
            ));
        }
        if is_public(ip) {
            trail.push(format!(
                "{ip} is not declared in dnsServers; treated as a public recursive resolver"
            ));
            return Ok(Server::Public);
        }
        Err(self.unknown(
            ip,
            format!(
                "no DNS server at {ip}: it is not in dnsServers, not a Resolver inbound endpoint and not a VPC Resolver address"
            ),
            trail,
        ))
    }

    fn unknown(&self, ip: Ipv4Addr, why: String, trail: &mut Vec<String>) -> Blocked {
        trail.push(format!("{ip}: no answer ({why})"));
        Blocked {
            reason: Reason::DnsServerUnknown,
            blocked_by: why,
        }
    }

    /// What a server is, for people: `AmazonProvidedDNS, vpc-main`.
    fn kind(&self, server: &Server) -> String {
        let scenario = self.scenario;
        let vpc_id = |vpc: VpcIx| {
            scenario
                .vpc(vpc)
                .map(|vpc| vpc.id.clone())
                .unwrap_or_default()
        };
        match server {
            Server::VpcResolver(vpc, Entry::AmazonProvidedDns) => {
                format!("AmazonProvidedDNS, {}", vpc_id(*vpc))
            }
            Server::VpcResolver(vpc, Entry::BasePlusTwo | Entry::LinkLocal) => {
                format!("Route 53 Resolver, {}", vpc_id(*vpc))
            }
            Server::VpcResolver(vpc, Entry::InboundEndpoint(id)) => {
                format!("Resolver inbound endpoint {id}, {}", vpc_id(*vpc))
            }
            Server::Custom(_) => "custom DNS server".to_owned(),
            Server::Public => "public DNS".to_owned(),
        }
    }

    /// `10.0.1.53 (Resolver inbound endpoint rslvr-in, vpc-main)`, for the trail.
    fn label(&self, server: &Server, address: &str) -> String {
        match server {
            Server::Public => "public DNS".to_owned(),
            _ => format!("{address} ({})", self.kind(server)),
        }
    }

    fn ask(&self, server: &Server, address: &str, hops: usize, q: &mut Query) -> Outcome {
        let label = self.label(server, address);
        q.asked += 1;
        if q.asked > MAX_DNS_QUERIES {
            // Servers that each forward to several others fan out exponentially with depth.
            return q.give_up(
                format!("{label}: not asked, {MAX_DNS_QUERIES} servers already tried"),
                format!(
                    "forwarding fanned out to more than {MAX_DNS_QUERIES} servers without an answer"
                ),
            );
        }
        let key = match server {
            Server::VpcResolver(vpc, _) => Some(ServerKey::Vpc(*vpc)),
            Server::Custom(ix) => Some(ServerKey::Custom(*ix)),
            Server::Public => None,
        };
        if let Some(key) = key {
            if q.chain.iter().any(|(seen, _)| *seen == key) {
                let path = q
                    .chain
                    .iter()
                    .map(|(_, label)| label.as_str())
                    .chain(std::iter::once(label.as_str()))
                    .collect::<Vec<_>>()
                    .join(" → ");
                return q.give_up(
                    format!("{label}: forwarding loop"),
                    format!("the query for the endpoint name loops: {path}"),
                );
            }
            if hops > MAX_FORWARD_HOPS {
                return q.give_up(
                    format!("{label}: more than {MAX_FORWARD_HOPS} forwarding hops"),
                    format!(
                        "the query was forwarded more than {MAX_FORWARD_HOPS} times before reaching {label}"
                    ),
                );
            }
            q.chain.push((key, label.clone()));
        }
        let outcome = match server {
            Server::VpcResolver(vpc, _) => self.ask_vpc_resolver(*vpc, &label, hops, q),
            Server::Custom(ix) => self.ask_custom(*ix, &label, hops, q),
            Server::Public => self.ask_public(&mut q.trail),
        };
        if key.is_some() {
            q.chain.pop();
        }
        outcome
    }

    fn ask_vpc_resolver(&self, vpc_ix: VpcIx, label: &str, hops: usize, q: &mut Query) -> Outcome {
        let scenario = self.scenario;
        let Some(vpc) = scenario.vpc(vpc_ix) else {
            return self.ask_public(&mut q.trail);
        };
        if vpc_ix == scenario.cluster.vpc {
            q.reached_cluster_resolver = true;
        }
        if !vpc.enable_dns_support {
            q.trail.push(format!(
                "{label}: {} has enableDnsSupport false, no answer",
                vpc.id
            ));
            return Outcome::Fail(Blocked {
                reason: Reason::DnsSupportDisabled,
                blocked_by: format!(
                    "{} has enableDnsSupport: false, so its Route 53 Resolver ({label}) does not answer",
                    vpc.id
                ),
            });
        }
        // The EKS private hosted zone's rule is one more candidate, for the endpoint hostname
        // itself, associated only with the cluster VPC and honoured only with both DNS flags
        // on (enableDnsSupport is known true here).
        let zone = vpc_ix == scenario.cluster.vpc
            && self.access.private_access()
            && vpc.enable_dns_hostnames;
        let rule =
            most_specific_forward_rule(&vpc.forward_rules, self.name()).map(|(_, rule)| rule);
        match rule {
            Some(rule) if !zone || overrides_private_hosted_zone(rule, self.name()) => {
                let targets = join_ips(
                    &rule
                        .target_ips
                        .iter()
                        .map(|ip| IpAddr::V4(*ip))
                        .collect::<Vec<_>>(),
                );
                q.trail.push(if zone {
                    format!(
                        "{label}: {} names the endpoint hostname itself and, on the tie, overrides the EKS private hosted zone: forwards to {targets}",
                        rule.describe()
                    )
                } else {
                    format!("{label}: {} matches, forwards to {targets}", rule.describe())
                });
                let targets: Vec<ForwardTarget> = rule
                    .target_ips
                    .iter()
                    .map(|ip| ForwardTarget::Ip(*ip))
                    .collect();
                return self.forward(&targets, Asker::Vpc(vpc_ix), hops, q);
            }
            Some(rule) => {
                q.trail.push(format!(
                    "{label}: the EKS private hosted zone (associated with {}) is more specific than {}, and answers with the ENI addresses",
                    vpc.id,
                    rule.describe()
                ));
                return Outcome::Answer(AnsweredBy::PrivateHostedZone, self.eni_answer());
            }
            None if zone => {
                q.trail.push(format!(
                    "{label}: the EKS private hosted zone (associated with {}) answers with the ENI addresses",
                    vpc.id
                ));
                return Outcome::Answer(AnsweredBy::PrivateHostedZone, self.eni_answer());
            }
            None => {}
        }
        if vpc_ix == scenario.cluster.vpc && self.access.private_access() {
            q.trail.push(format!(
                "{label}: {} has enableDnsHostnames false, so the EKS private hosted zone is ignored; resolving publicly",
                vpc.id
            ));
        } else if self.access.private_access() {
            q.trail.push(format!(
                "{label}: the EKS private hosted zone is associated only with the cluster VPC, not {}; resolving publicly",
                vpc.id
            ));
        } else {
            q.trail.push(format!(
                "{label}: resolving publicly (private access is off)"
            ));
        }
        self.ask_public(&mut q.trail)
    }

    fn ask_custom(&self, ix: DnsServerIx, label: &str, hops: usize, q: &mut Query) -> Outcome {
        let scenario = self.scenario;
        let Some(server) = scenario.dns_server(ix) else {
            return self.ask_public(&mut q.trail);
        };
        let forwarder = server
            .forwarders
            .iter()
            .filter(|forwarder| forwarder.domain.zone_of(self.name()))
            .max_by_key(|forwarder| forwarder.domain.num_labels());
        match forwarder {
            Some(forwarder) => {
                let targets = forwarder
                    .to
                    .iter()
                    .map(|target| match target {
                        ForwardTarget::AmazonProvidedDns => "AmazonProvidedDNS".to_owned(),
                        ForwardTarget::Ip(ip) => ip.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                q.trail.push(format!(
                    "{label}: conditional forwarder for {} → {targets}",
                    forwarder.domain
                ));
                let asker = match scenario.vpc_containing(server.ip) {
                    Some(vpc) => Asker::Vpc(vpc),
                    None => match scenario.network_containing(server.ip) {
                        Some(network) => Asker::Network(network),
                        None => Asker::Internet,
                    },
                };
                self.forward(&forwarder.to, asker, hops, q)
            }
            None => {
                q.trail.push(format!(
                    "{label}: no forwarder matches, resolving recursively"
                ));
                self.ask_public(&mut q.trail)
            }
        }
    }

    /// Tries each target in order, as DNS forwarders do, and returns the first answer (or
    /// the first target's failure when none answers).
    fn forward(
        &self,
        targets: &[ForwardTarget],
        asker: Asker,
        hops: usize,
        q: &mut Query,
    ) -> Outcome {
        let mut first_failure = None;
        for (tried, target) in targets.iter().enumerate() {
            // Every target counts against the query budget, a server or not, and the ones
            // left are summed up in one line: work and trail stay bounded per resolution.
            if q.asked >= MAX_DNS_QUERIES {
                let left = targets.len().saturating_sub(tried);
                let outcome = q.give_up(
                    format!(
                        "{left} more forwarding target{} not asked, {MAX_DNS_QUERIES} servers already tried",
                        if left == 1 { "" } else { "s" }
                    ),
                    format!(
                        "forwarding fanned out to more than {MAX_DNS_QUERIES} servers without an answer"
                    ),
                );
                if let (None, Outcome::Fail(blocked)) = (&first_failure, outcome) {
                    first_failure = Some(blocked);
                }
                break;
            }
            let attempt = match target {
                ForwardTarget::AmazonProvidedDns => match asker {
                    Asker::Vpc(vpc) => {
                        let address = self
                            .scenario
                            .vpc(vpc)
                            .and_then(|vpc| vpc.resolver_ip())
                            .map(|ip| ip.to_string())
                            .unwrap_or_default();
                        self.ask(
                            &Server::VpcResolver(vpc, Entry::AmazonProvidedDns),
                            &address,
                            hops + 1,
                            q,
                        )
                    }
                    _ => {
                        let why = "a forwarder targets AmazonProvidedDNS, but the forwarding server is not in a VPC".to_owned();
                        q.asked += 1;
                        q.trail.push(why.clone());
                        Outcome::Fail(Blocked {
                            reason: Reason::DnsServerUnknown,
                            blocked_by: why,
                        })
                    }
                },
                ForwardTarget::Ip(ip) => match self.identify(*ip, asker, &mut q.trail) {
                    Ok(server) => self.ask(&server, &ip.to_string(), hops + 1, q),
                    Err(blocked) => {
                        q.asked += 1;
                        Outcome::Fail(blocked)
                    }
                },
            };
            match attempt {
                Outcome::Answer(..) => return attempt,
                Outcome::Fail(blocked) => {
                    if first_failure.is_none() {
                        first_failure = Some(blocked);
                    }
                }
            }
        }
        Outcome::Fail(first_failure.unwrap_or_else(|| Blocked {
            reason: Reason::DnsServerUnknown,
            blocked_by: "the forwarder has no targets".to_owned(),
        }))
    }

    fn ask_public(&self, trail: &mut Vec<String>) -> Outcome {
        let cluster = &self.scenario.cluster;
        if self.access.public_access() {
            let placeholder = if cluster.public_endpoint_ips_placeholder {
                " (placeholders: publicEndpointIps not set)"
            } else {
                ""
            };
            let mut answer: Vec<IpAddr> = cluster
                .public_endpoint_ips
                .iter()
                .map(|ip| IpAddr::V4(*ip))
                .collect();
            let mut placeholder = placeholder.to_owned();
            if cluster.dual_stack {
                answer.extend(
                    cluster
                        .public_endpoint_ipv6
                        .iter()
                        .map(|ip| IpAddr::V6(*ip)),
                );
                if cluster.public_endpoint_ipv6_placeholder
                    && !cluster.public_endpoint_ips_placeholder
                {
                    placeholder =
                        " (IPv6 placeholders: publicEndpointIps has no IPv6 address)".to_owned();
                }
            }
            trail.push(format!(
                "public DNS: {} → public endpoint {}{placeholder}",
                self.name(),
                join_ips(&answer)
            ));
            Outcome::Answer(AnsweredBy::PublicDns, answer)
        } else {
            let answer = self.eni_answer();
            trail.push(format!(
                "public DNS: {} → private ENI addresses {} (private mode: public DNS returns the private IPs)",
                self.name(),
                join_ips(&answer)
            ));
            Outcome::Answer(AnsweredBy::PublicDns, answer)
        }
    }

    /// The ENI addresses as answered: A records, then AAAA records on a dual-stack endpoint.
    fn eni_answer(&self) -> Vec<IpAddr> {
        let scenario = self.scenario;
        let mut answer: Vec<IpAddr> = scenario.eni_ips().into_iter().map(IpAddr::V4).collect();
        if scenario.cluster.dual_stack {
            answer.extend(scenario.eni_ipv6s().into_iter().map(IpAddr::V6));
        }
        answer
    }
}

/// The forward rule, with its index, that a VPC's Resolver would apply to `name` were no
/// private hosted zone in play: the matching rule with the most specific domain (Route 53
/// developer guide, resolver-overview-forward-vpc-to-network-domain-name-matches). A rule
/// matches its domain and every subdomain; `.` matches every name.
pub fn most_specific_forward_rule<'r>(
    rules: &'r [ForwardRule],
    name: &Name,
) -> Option<(usize, &'r ForwardRule)> {
    rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule.domain.zone_of(name))
        .max_by_key(|(_, rule)| rule.domain.num_labels())
}

/// Whether a forward rule matching the endpoint name is for the endpoint hostname itself,
/// the domain of the EKS private hosted zone: the only forward rule that overrides the zone,
/// which wins over rules for less specific domains (`.`, `com`, `eks.amazonaws.com`) and
/// loses the tie with a rule "for the same domain name" (Route 53 developer guide,
/// resolver-overview-forward-vpc-to-network-autodefined-rules).
pub fn overrides_private_hosted_zone(rule: &ForwardRule, endpoint: &Name) -> bool {
    rule.domain.zone_of(endpoint) && rule.domain.num_labels() == endpoint.num_labels()
}

fn join_ips(ips: &[IpAddr]) -> String {
    ips.iter()
        .map(|ip| ip.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether an IPv6 address is routable on the internet: not unspecified, loopback,
/// link-local, multicast or unique local (`fc00::/7`). `2001:db8::/32` counts as public so
/// examples can use it (SPEC 7.2), as the IPv4 documentation ranges do.
pub fn is_public_ipv6(ip: std::net::Ipv6Addr) -> bool {
    let first = ip.segments().first().copied().unwrap_or_default();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || first & 0xffc0 == 0xfe80
        || first & 0xfe00 == 0xfc00)
}

/// A unique local address (`fc00::/7`, RFC 4193): private, never routed on the internet.
pub fn is_ula(ip: std::net::Ipv6Addr) -> bool {
    ip.segments()
        .first()
        .is_some_and(|first| first & 0xfe00 == 0xfc00)
}

/// Whether an address is routable on the internet (not private, shared, loopback,
/// link-local, multicast or reserved). Documentation ranges count as public (SPEC 2).
pub fn is_public(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b)))
}
