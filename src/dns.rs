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

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use hickory_proto::rr::{
    Name, RData, Record,
    rdata::{A, AAAA},
};

use crate::path::{DnsHop, DnsServerSide};
use crate::reason::{Blocked, Reason};
use crate::scenario::{
    Client, ClientLocation, DhcpDnsServer, DnsServerIx, DnsTransport, EndpointAccess, ForwardRule,
    ForwardTarget, NetworkIx, Protocol, Scenario, VpcIx,
};

/// How many of its name servers a client tries, in order, when a query times out
/// (resolver(5): "try a name server, and if the query times out, try the next"; `MAXNS`
/// "currently 3").
pub const MAX_CLIENT_SERVERS: usize = 3;

/// One DNS query hop traced on UDP 53 (`dnsTransport: traced`, SPEC 8.2).
#[derive(Debug, Clone)]
pub struct DnsQuery {
    /// The asker's address and what it is (`client node`, `dnsServers`, `outbound endpoint
    /// rslvr-out`).
    pub from: Ipv4Addr,
    pub from_label: String,
    /// The server address and what it is (`inbound endpoint rslvr-in`, `dnsServers`).
    pub to: Ipv4Addr,
    pub server: String,
    /// The UDP 53 walk: its hops and the first check that failed (the hop's own code).
    pub udp: DnsHop,
    /// TCP 53 on a hop UDP passes (`None` when UDP is blocked): its block, for EKS027.
    pub tcp: Option<DnsHop>,
}

impl DnsQuery {
    pub fn reachable(&self) -> bool {
        self.udp.reachable()
    }

    /// `DNS query udp/53 from 172.16.0.2 (dnsServers) to 10.70.1.53 (inbound endpoint
    /// rslvr-in)`.
    pub fn describe(&self, proto: Protocol) -> String {
        format!(
            "DNS query {proto}/53 from {} ({}) to {} ({})",
            self.from, self.from_label, self.to, self.server
        )
    }
}

/// Who sends a traced query: a synthetic client standing for the asker, and its label.
struct Sender {
    client: Client,
    label: String,
}

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
    /// Every query hop traced, in the order sent (`dnsTransport: traced` only).
    pub queries: Vec<DnsQuery>,
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
    /// The hops traced so far (`dnsTransport: traced`).
    queries: Vec<DnsQuery>,
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
    /// What each location resolved to: the answer depends only on where a client asks
    /// from (outside traced transport), and 10,000 clients sit in a few dozen places.
    by_location: RefCell<HashMap<ClientLocation, Arc<Resolution>>>,
}

impl<'s> Resolver<'s> {
    pub fn new(scenario: &'s Scenario, access: EndpointAccess) -> Self {
        Resolver {
            scenario,
            access,
            by_location: RefCell::default(),
        }
    }

    fn name(&self) -> &Name {
        &self.scenario.cluster.endpoint
    }

    /// Resolves the endpoint name as the client at `location` would.
    /// Clients in one place share one answer.
    pub fn resolve(&self, location: ClientLocation) -> Arc<Resolution> {
        if let Some(known) = self.by_location.borrow().get(&location) {
            return Arc::clone(known);
        }
        let resolution = Arc::new(self.resolve_uncached(location));
        self.by_location
            .borrow_mut()
            .insert(location, Arc::clone(&resolution));
        resolution
    }

    fn resolve_uncached(&self, location: ClientLocation) -> Resolution {
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
                    queries: Vec::new(),
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
            queries: Vec::new(),
        };
        let outcome = self.ask(&first, &server_address, 0, &mut query);
        self.resolution(server_address, server_label, outcome, query)
    }

    /// The resolution a finished query gives.
    fn resolution(
        &self,
        server: String,
        server_label: String,
        outcome: Outcome,
        query: Query,
    ) -> Resolution {
        let server_address = server;
        let Query {
            trail,
            reached_cluster_resolver,
            queries,
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
            queries,
            reached_cluster_resolver,
        }
    }

    /// Whether query hops are traced (`dnsTransport: traced`).
    fn traced(&self) -> bool {
        self.scenario.dns_transport == DnsTransport::Traced
    }

    /// Resolves the endpoint name as `client` would: as [`Resolver::resolve`] does for its
    /// location, and with `dnsTransport: traced` every query hop traced on UDP 53 and the
    /// client failing over to its next name server (SPEC 8.5).
    pub fn resolve_client(&self, client: &Client) -> Arc<Resolution> {
        if !self.traced() {
            return self.resolve(client.location);
        }
        let scenario = self.scenario;
        let mut q = Query {
            chain: Vec::new(),
            trail: Vec::new(),
            reached_cluster_resolver: false,
            asked: 0,
            queries: Vec::new(),
        };
        // The name servers the client tries, in order, with where it asks from.
        let (asker, list): (Asker, Vec<DhcpDnsServer>) = match client.location {
            ClientLocation::Subnet(subnet_ix) => match scenario.subnet(subnet_ix).map(|s| s.vpc) {
                Some(vpc_ix) => (
                    Asker::Vpc(vpc_ix),
                    scenario
                        .vpc(vpc_ix)
                        .map(|vpc| vpc.dns_servers.clone())
                        .unwrap_or_default(),
                ),
                None => return self.resolve(client.location),
            },
            ClientLocation::Network(network_ix) => {
                let list = scenario
                    .network(network_ix)
                    .map(|n| {
                        n.dns_servers
                            .iter()
                            .copied()
                            .map(DhcpDnsServer::Ip)
                            .collect()
                    })
                    .unwrap_or_default();
                (Asker::Network(network_ix), list)
            }
            ClientLocation::Internet => return self.resolve(client.location),
        };
        if list.is_empty() || matches!(list.first(), Some(DhcpDnsServer::AmazonProvidedDns)) {
            // The own VPC Resolver, which nothing filters, or a network's public resolver:
            // as in the assumed model; the hops it forwards over are traced in `forward`.
            return self.resolve(client.location);
        }
        let sender = Sender {
            client: client.clone(),
            label: format!("client {}", client.name),
        };
        let mut first_failure: Option<(String, String, Blocked)> = None;
        for entry in list.iter().take(MAX_CLIENT_SERVERS) {
            let (address, server) = match entry {
                DhcpDnsServer::AmazonProvidedDns => {
                    let Asker::Vpc(vpc_ix) = asker else { continue };
                    let address = scenario
                        .vpc(vpc_ix)
                        .and_then(|vpc| vpc.resolver_ip())
                        .map(|ip| ip.to_string())
                        .unwrap_or_else(|| "AmazonProvidedDNS".to_owned());
                    q.trail
                        .push(format!("next name server: AmazonProvidedDNS ({address})"));
                    (
                        address,
                        Server::VpcResolver(vpc_ix, Entry::AmazonProvidedDns),
                    )
                }
                DhcpDnsServer::Ip(ip) => {
                    q.trail.push(
                        match (asker, q.queries.is_empty() && first_failure.is_none()) {
                            (Asker::Vpc(vpc_ix), true) => format!(
                                "{} DHCP options: domain-name-servers {ip}",
                                scenario
                                    .vpc(vpc_ix)
                                    .map(|v| v.id.as_str())
                                    .unwrap_or_default()
                            ),
                            (Asker::Network(network_ix), true) => format!(
                                "network {} asks its first DNS server, {ip}",
                                scenario
                                    .network(network_ix)
                                    .map(|n| n.id.as_str())
                                    .unwrap_or_default()
                            ),
                            _ => format!("next name server: {ip}"),
                        },
                    );
                    match self.identify(*ip, asker, &mut q.trail) {
                        Ok(server) => (ip.to_string(), server),
                        Err(blocked) => {
                            if first_failure.is_none() {
                                first_failure = Some((ip.to_string(), ip.to_string(), blocked));
                            }
                            continue;
                        }
                    }
                }
            };
            if let Some(blocked) = self.send(&sender, &server, &address, &mut q) {
                q.trail.push(format!(
                    "{address}: the query times out ({}); trying the next name server",
                    blocked.reason
                ));
                if first_failure.is_none() {
                    first_failure = Some((address.clone(), self.kind(&server), blocked));
                }
                continue;
            }
            let label = self.kind(&server);
            let outcome = self.ask(&server, &address, 0, &mut q);
            // The flow's reason is the first server's failure in list order (SPEC 8.5).
            let outcome = match (outcome, &first_failure) {
                (Outcome::Fail(_), Some((_, _, first))) => Outcome::Fail(first.clone()),
                (outcome, _) => outcome,
            };
            return Arc::new(self.resolution(address, label, outcome, q));
        }
        let (address, label, blocked) = first_failure.unwrap_or_else(|| {
            (
                "none".to_owned(),
                "none".to_owned(),
                Blocked {
                    reason: Reason::DnsServerUnknown,
                    blocked_by: "the client has no DNS server to ask".to_owned(),
                },
            )
        });
        Arc::new(self.resolution(address, label, Outcome::Fail(blocked), q))
    }

    /// Sends one query hop from `sender` to `server` at `address`, tracing it unless the
    /// server is the sender's own VPC Resolver; `Some` when the query does not get there
    /// (`DNS_UNREACHABLE`, naming the blocked hop).
    fn send(
        &self,
        sender: &Sender,
        server: &Server,
        address: &str,
        q: &mut Query,
    ) -> Option<Blocked> {
        let scenario = self.scenario;
        let to: Ipv4Addr = address.parse().ok()?;
        let (side, server_label) = match server {
            // The asker's own VPC Resolver: no route, NACL or security group applies
            // ("Network ACLs can't block DNS requests to or from the Route 53 Resolver",
            // VPC user guide, Control subnet traffic with network ACLs).
            Server::VpcResolver(
                _,
                Entry::AmazonProvidedDns | Entry::BasePlusTwo | Entry::LinkLocal,
            ) => {
                return None;
            }
            Server::VpcResolver(vpc_ix, Entry::InboundEndpoint(id)) => {
                let endpoint = scenario
                    .vpc(*vpc_ix)?
                    .inbound_endpoints
                    .iter()
                    .find(|endpoint| &endpoint.id == id)?;
                let interface = endpoint.interfaces.iter().find(|i| i.ip == to)?;
                let subnet = scenario.subnet(interface.subnet?)?;
                (
                    DnsServerSide::Interface {
                        subnet,
                        groups: &endpoint.security_groups,
                    },
                    format!("inbound endpoint {id}"),
                )
            }
            Server::Custom(ix) => {
                let dns_server = scenario.dns_server(*ix)?;
                let side = match dns_server.subnet.and_then(|s| scenario.subnet(s)) {
                    Some(subnet) => DnsServerSide::Interface {
                        subnet,
                        groups: &dns_server.security_groups,
                    },
                    None => match scenario.network_containing(to) {
                        Some(network) => DnsServerSide::Network(network),
                        None => DnsServerSide::Public,
                    },
                };
                (side, "dnsServers".to_owned())
            }
            Server::Public => (DnsServerSide::Public, "public resolver".to_owned()),
        };
        let udp = DnsHop::trace(scenario, &sender.client, to, side, Protocol::Udp);
        let tcp = udp
            .reachable()
            .then(|| DnsHop::trace(scenario, &sender.client, to, side, Protocol::Tcp));
        let query = DnsQuery {
            from: sender.client.ip,
            from_label: sender.label.clone(),
            to,
            server: server_label,
            udp,
            tcp,
        };
        let blocked = query.udp.blocked.as_ref().map(|hop_block| Blocked {
            reason: Reason::DnsUnreachable,
            blocked_by: format!(
                "{}: {}",
                query.describe(Protocol::Udp),
                hop_block.blocked_by
            ),
        });
        q.queries.push(query);
        blocked
    }

    /// The sender of a custom DNS server's forwarded queries: the server itself, placed by
    /// its address.
    fn server_sender(&self, ix: DnsServerIx) -> Option<Sender> {
        let scenario = self.scenario;
        let server = scenario.dns_server(ix)?;
        let location = match server.subnet {
            Some(subnet) => ClientLocation::Subnet(subnet),
            None => match scenario.network_containing(server.ip) {
                Some(network) => ClientLocation::Network(network),
                None => ClientLocation::Internet,
            },
        };
        Some(Sender {
            client: synthetic(
                format!("DNS server {}", server.ip),
                location,
                server.ip,
                server.security_groups.clone(),
            ),
            label: "dnsServers".to_owned(),
        })
    }

    /// The senders of a forward rule's queries: each address of its outbound endpoint.
    fn endpoint_senders(&self, rule: &ForwardRule) -> Vec<Sender> {
        let scenario = self.scenario;
        let Some(endpoint) = rule
            .outbound_endpoint
            .and_then(|at| scenario.outbound_endpoint(at))
        else {
            return Vec::new();
        };
        endpoint
            .interfaces
            .iter()
            .filter_map(|interface| {
                let subnet = interface.subnet?;
                Some(Sender {
                    client: synthetic(
                        format!("outbound endpoint {}", endpoint.id),
                        ClientLocation::Subnet(subnet),
                        interface.ip,
                        endpoint.security_groups.clone(),
                    ),
                    label: format!("outbound endpoint {}", endpoint.id),
                })
            })
            .collect()
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
                return self.forward(
                    &targets,
                    Asker::Vpc(vpc_ix),
                    Forwarding::Rule(rule),
                    hops,
                    q,
                );
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
                self.forward(&forwarder.to, asker, Forwarding::Server(ix), hops, q)
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
        by: Forwarding<'_>,
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
                    Ok(server) => match self.forward_hop(by, &server, &ip.to_string(), q) {
                        Some(blocked) => {
                            q.asked += 1;
                            q.trail.push(format!(
                                "{ip}: the query times out ({}); trying the next target",
                                blocked.reason
                            ));
                            Outcome::Fail(blocked)
                        }
                        None => self.ask(&server, &ip.to_string(), hops + 1, q),
                    },
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

    /// Traces the hop a forwarder sends to `server` (traced mode only): from the custom
    /// server itself, or through each address of the rule's outbound endpoint in turn
    /// (choice: Resolver retries through another endpoint interface). `Some` when no
    /// attempt gets there.
    fn forward_hop(
        &self,
        by: Forwarding<'_>,
        server: &Server,
        address: &str,
        q: &mut Query,
    ) -> Option<Blocked> {
        if !self.traced() {
            return None;
        }
        let senders = match by {
            Forwarding::Server(ix) => self.server_sender(ix).into_iter().collect(),
            Forwarding::Rule(rule) => {
                let senders = self.endpoint_senders(rule);
                if senders.is_empty() {
                    return Some(Blocked {
                        reason: Reason::DnsUnreachable,
                        blocked_by: format!(
                            "forward rule for {} has no outbound endpoint; Route 53 Resolver forwards only through one",
                            crate::scenario::domain_text(&rule.domain)
                        ),
                    });
                }
                senders
            }
        };
        let mut first = None;
        for sender in &senders {
            match self.send(sender, server, address, q) {
                None => return None,
                Some(blocked) => {
                    first.get_or_insert(blocked);
                }
            }
        }
        first
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

/// Who forwards a query: a VPC Resolver's rule, or a custom DNS server.
#[derive(Debug, Clone, Copy)]
enum Forwarding<'r> {
    Rule(&'r ForwardRule),
    Server(DnsServerIx),
}

/// A client standing for the sender of a forwarded query (a DNS server or an outbound
/// endpoint interface), so that the packet walker can trace it.
fn synthetic(
    name: String,
    location: ClientLocation,
    ip: Ipv4Addr,
    groups: Vec<crate::scenario::SgIx>,
) -> Client {
    Client {
        name,
        path: String::new(),
        location,
        ip,
        ipv6: None,
        public_ip: None,
        security_groups: groups,
        expect: None,
        node_group: None,
        proxy: None,
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
