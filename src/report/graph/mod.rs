//! Pictures: a scenario's topology (`eksflow graph`) and the path of one blocked flow (the
//! diagrams in Markdown reports).
//!
//! Both are built here as one plain [`Graph`] — nodes, the boxes that hold them, and edges —
//! from what the analysis decided; [`mermaid`] and [`dot`] only write it in their syntax.
//! Nothing here decides a verdict: clients are coloured by [`Flow::reachable`], hops by
//! [`Hop::ok`](crate::path::Hop). Node and box IDs are made here (`n0`, `g0`), never taken
//! from the input, so an ID such as `end`, `subgraph` or `a"b` can only ever be a label, and
//! each renderer escapes labels for its own syntax.

pub mod dot;
pub mod mermaid;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::analysis::{Analysis, Flow};
use crate::dns::AnsweredBy;
use crate::scenario::{
    Attachment, ClientLocation, ConnectionKind, DhcpDnsServer, ForwardTarget, RouteTarget,
    Scenario, domain_text,
};

/// How wide a label line may get before it is wrapped (at a space): the blocked-by sentences
/// and DNS trail entries would otherwise make one very wide box.
const LABEL_WIDTH: usize = 48;

/// A picture, in no particular syntax.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// Top-down (a flow's path) rather than left-to-right (a topology).
    pub top_down: bool,
    /// What the picture is of, for renderers that can title it.
    pub title: String,
    pub groups: Vec<Group>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// A box of nodes: a VPC, a network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub label: String,
    /// The box this one sits in.
    pub parent: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The label, one entry per line, as plain text (renderers escape it).
    pub lines: Vec<String>,
    /// The box it sits in (an index into [`Graph::groups`]).
    pub group: Option<usize>,
    pub shape: Shape,
    pub tone: Tone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Subnets, routers, hops.
    Box,
    /// Clients.
    Round,
    /// DNS servers, Resolvers, hosted zones.
    Cylinder,
    /// Gateways and connections.
    Hexagon,
    /// The internet.
    Circle,
}

/// What a node's colour says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// A client that reaches the API server; a hop that let the packet through.
    Reachable,
    /// A client that does not; the hop that stopped the packet.
    Blocked,
    /// The API server's endpoint, public or private.
    Endpoint,
    /// DNS.
    Dns,
    /// Not in use under this mode (the public endpoint in private mode), or not reached.
    Off,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub label: Option<String>,
    pub line: Line,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Traffic goes this way: a route, a hop.
    Route,
    /// A DNS query is sent or forwarded this way.
    Dns,
    /// A connection's leg: no direction.
    Link,
    /// Sits in (an ENI, a NAT gateway or a client in its subnet): no direction.
    Placement,
    /// The packet stops here.
    Stop,
}

impl Graph {
    fn group(&mut self, label: String, parent: Option<usize>) -> usize {
        self.groups.push(Group { label, parent });
        self.groups.len() - 1
    }

    fn node(
        &mut self,
        group: Option<usize>,
        shape: Shape,
        tone: Tone,
        lines: Vec<String>,
    ) -> usize {
        self.nodes.push(Node {
            lines,
            group,
            shape,
            tone,
        });
        self.nodes.len() - 1
    }

    fn edge(&mut self, from: usize, to: usize, line: Line, label: Option<String>) {
        self.edges.push(Edge {
            from,
            to,
            label,
            line,
        });
    }
}

/// `text` as label lines no wider than [`LABEL_WIDTH`] (a long word keeps a line of its own).
fn wrapped(text: &str) -> Vec<String> {
    super::wrap::lines(text, LABEL_WIDTH, 0)
}

fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The verdict line of a client: ✅ or ❌ and the reason code, as the flow table says it.
fn verdict_line(flow: &Flow<'_>) -> String {
    match (&flow.blocked, flow.reachable()) {
        (_, true) => "✅ reachable".to_owned(),
        (Some(blocked), false) => format!("❌ {}", blocked.reason),
        (None, false) => "❌ unreachable".to_owned(),
    }
}

/// The scenario's topology under the analysis's mode: VPCs (boxes) with their subnets,
/// gateways, Resolver and the EKS ENIs; networks (boxes); connections; DNS servers and their
/// forwarding; the public endpoint; each client, coloured by its verdict.
pub fn topology(analysis: &Analysis<'_>) -> Graph {
    Topology::new(analysis).build()
}

struct Topology<'a, 's> {
    analysis: &'a Analysis<'s>,
    scenario: &'s Scenario,
    graph: Graph,
    internet: Option<usize>,
    public_dns: Option<usize>,
    vpc_groups: Vec<usize>,
    vpc_nodes: Vec<usize>,
    network_groups: Vec<usize>,
    network_nodes: Vec<usize>,
    subnets: Vec<usize>,
    gateways: Vec<Option<usize>>,
    /// Each VPC's egress-only internet gateway node, if any.
    egress_only: Vec<Option<usize>>,
    nats: Vec<usize>,
    resolvers: Vec<usize>,
    connections: Vec<usize>,
    /// DNS servers by address: custom servers, inbound endpoints, VPC base + 2 addresses,
    /// and addresses the scenario names but declares nowhere.
    dns_at: BTreeMap<Ipv4Addr, usize>,
}

impl<'a, 's> Topology<'a, 's> {
    fn new(analysis: &'a Analysis<'s>) -> Self {
        let scenario = analysis.scenario;
        Topology {
            analysis,
            scenario,
            graph: Graph {
                top_down: false,
                title: format!("{} · mode {}", scenario.name, analysis.mode),
                ..Graph::default()
            },
            internet: None,
            public_dns: None,
            vpc_groups: Vec::new(),
            vpc_nodes: Vec::new(),
            network_groups: Vec::new(),
            network_nodes: Vec::new(),
            subnets: Vec::new(),
            gateways: Vec::new(),
            egress_only: Vec::new(),
            nats: Vec::new(),
            resolvers: Vec::new(),
            connections: Vec::new(),
            dns_at: BTreeMap::new(),
        }
    }

    fn build(mut self) -> Graph {
        self.vpcs();
        self.networks();
        self.connections();
        self.endpoint();
        self.dns_servers();
        self.routes();
        self.clients();
        self.graph
    }

    fn internet(&mut self) -> usize {
        if let Some(node) = self.internet {
            return node;
        }
        let node = self
            .graph
            .node(None, Shape::Circle, Tone::Plain, vec!["internet".into()]);
        self.internet = Some(node);
        node
    }

    fn public_dns(&mut self) -> usize {
        if let Some(node) = self.public_dns {
            return node;
        }
        let node = self
            .graph
            .node(None, Shape::Cylinder, Tone::Dns, vec!["public DNS".into()]);
        self.public_dns = Some(node);
        node
    }

    fn vpcs(&mut self) {
        let scenario = self.scenario;
        for (ix, vpc) in scenario.vpcs.iter().enumerate() {
            let cluster_vpc = ix == scenario.cluster.vpc.0;
            let title = if cluster_vpc {
                format!("VPC {} (cluster VPC)", vpc.id)
            } else {
                format!("VPC {}", vpc.id)
            };
            let group = self.graph.group(title, None);
            let on = |flag: bool| if flag { "on" } else { "off" };
            let router = self.graph.node(
                Some(group),
                Shape::Box,
                Tone::Plain,
                vec![
                    vpc.id.clone(),
                    join(&vpc.cidrs),
                    format!(
                        "DNS support {} · hostnames {}",
                        on(vpc.enable_dns_support),
                        on(vpc.enable_dns_hostnames)
                    ),
                ],
            );
            let mut resolver_lines = vec!["Route 53 Resolver".to_owned()];
            resolver_lines.extend(vpc.resolver_ip().map(|ip| ip.to_string()));
            let resolver = self
                .graph
                .node(Some(group), Shape::Cylinder, Tone::Dns, resolver_lines);
            if let Some(ip) = vpc.resolver_ip() {
                self.dns_at.entry(ip).or_insert(resolver);
            }
            for endpoint in &vpc.inbound_endpoints {
                let inbound = self.graph.node(
                    Some(group),
                    Shape::Cylinder,
                    Tone::Dns,
                    vec![
                        endpoint.id.clone(),
                        "Resolver inbound endpoint".into(),
                        join(&endpoint.ips),
                    ],
                );
                self.graph.edge(inbound, resolver, Line::Dns, None);
                for ip in &endpoint.ips {
                    self.dns_at.entry(*ip).or_insert(inbound);
                }
            }
            let gateway = vpc.internet_gateway.as_ref().map(|id| {
                self.graph.node(
                    Some(group),
                    Shape::Hexagon,
                    Tone::Plain,
                    vec![id.clone(), "internet gateway".into()],
                )
            });
            if let Some(gateway) = gateway {
                let internet = self.internet();
                self.graph.edge(gateway, internet, Line::Route, None);
            }
            // IPv6 leaves through an egress-only internet gateway: outbound only.
            let egress_only = vpc.egress_only_internet_gateway.as_ref().map(|id| {
                let node = self.graph.node(
                    Some(group),
                    Shape::Hexagon,
                    Tone::Plain,
                    vec![id.clone(), "egress-only internet gateway".into()],
                );
                let internet = self.internet();
                self.graph
                    .edge(node, internet, Line::Route, Some("IPv6 out".into()));
                node
            });
            self.egress_only.push(egress_only);
            self.vpc_groups.push(group);
            self.vpc_nodes.push(router);
            self.resolvers.push(resolver);
            self.gateways.push(gateway);
        }
        for subnet in &scenario.subnets {
            let group = self.vpc_groups.get(subnet.vpc.0).copied();
            let mut lines = vec![format!("subnet {}", subnet.id), subnet.cidr.to_string()];
            lines.extend(subnet.az.clone());
            let node = self.graph.node(group, Shape::Box, Tone::Plain, lines);
            self.subnets.push(node);
        }
        for nat in &scenario.nat_gateways {
            let subnet = scenario.subnet(nat.subnet);
            let group = subnet.and_then(|s| self.vpc_groups.get(s.vpc.0).copied());
            let address = match nat.public_ip {
                Some(ip) => ip.to_string(),
                None => "private (no public IP)".into(),
            };
            let node = self.graph.node(
                group,
                Shape::Hexagon,
                Tone::Plain,
                vec![nat.id.clone(), "NAT gateway".into(), address],
            );
            if let Some(&subnet) = self.subnets.get(nat.subnet.0) {
                self.graph.edge(node, subnet, Line::Placement, None);
            }
            self.nats.push(node);
        }
    }

    fn networks(&mut self) {
        for network in &self.scenario.networks {
            let group = self.graph.group(format!("network {}", network.id), None);
            let mut lines = vec![network.id.clone(), join(&network.cidrs)];
            if let Some(ip) = network.internet_egress_ip {
                lines.push(format!("internet egress {ip}"));
            }
            let node = self.graph.node(Some(group), Shape::Box, Tone::Plain, lines);
            if let Some(ip) = network.internet_egress_ip {
                let internet = self.internet();
                self.graph
                    .edge(node, internet, Line::Route, Some(format!("egress {ip}")));
            }
            self.network_groups.push(group);
            self.network_nodes.push(node);
        }
    }

    fn place(&self, place: Attachment) -> Option<usize> {
        match place {
            Attachment::Vpc(vpc) => self.vpc_nodes.get(vpc.0).copied(),
            Attachment::Network(network) => self.network_nodes.get(network.0).copied(),
        }
    }

    fn connections(&mut self) {
        let scenario = self.scenario;
        for connection in &scenario.connections {
            let mut lines = vec![connection.id.clone(), connection.kind.label().to_owned()];
            if let ConnectionKind::TransitGateway { routes, .. } = &connection.kind {
                for route in routes {
                    let target = match route.target {
                        Attachment::Vpc(vpc) => scenario.vpc(vpc).map(|v| v.id.as_str()),
                        Attachment::Network(n) => scenario.network(n).map(|n| n.id.as_str()),
                    };
                    lines.push(format!(
                        "{} → {}",
                        route.destination,
                        target.unwrap_or_default()
                    ));
                }
            }
            let node = self.graph.node(None, Shape::Hexagon, Tone::Plain, lines);
            let legs: Vec<usize> = match &connection.kind {
                ConnectionKind::Peering { vpcs } => vpcs
                    .iter()
                    .filter_map(|vpc| self.place(Attachment::Vpc(*vpc)))
                    .collect(),
                ConnectionKind::TransitGateway { attachments, .. } => attachments
                    .iter()
                    .flat_map(|attachment| {
                        if attachment.subnets.is_empty() {
                            self.place(attachment.place).into_iter().collect::<Vec<_>>()
                        } else {
                            attachment
                                .subnets
                                .iter()
                                .filter_map(|subnet| self.subnets.get(subnet.0).copied())
                                .collect()
                        }
                    })
                    .collect(),
                ConnectionKind::Vpn { vpc, network }
                | ConnectionKind::DirectConnect { vpc, network } => [
                    self.place(Attachment::Vpc(*vpc)),
                    self.place(Attachment::Network(*network)),
                ]
                .into_iter()
                .flatten()
                .collect(),
            };
            for leg in legs {
                self.graph.edge(node, leg, Line::Link, None);
            }
            self.connections.push(node);
        }
    }

    /// The endpoint's two sides: the public endpoint (on the internet) and the EKS-owned
    /// ENIs with the private hosted zone (in the cluster VPC), each dimmed when the mode
    /// turns it off.
    fn endpoint(&mut self) {
        let scenario = self.scenario;
        let cluster = &scenario.cluster;
        let mode = self.analysis.mode;
        let side = |on: bool| if on { Tone::Endpoint } else { Tone::Off };
        let mut lines = vec![format!("EKS public endpoint · {}", cluster.name)];
        if mode.public_access() {
            let mut ips = join(&cluster.public_endpoint_ips);
            if cluster.public_endpoint_ips_placeholder {
                ips.push_str(" (placeholders)");
            }
            lines.push(ips);
            lines.extend(wrapped(&format!(
                "allows {}",
                join(&cluster.public_access_cidrs)
            )));
        } else {
            lines.push(format!("off in mode {mode}"));
        }
        let public = self
            .graph
            .node(None, Shape::Box, side(mode.public_access()), lines);
        if mode.public_access() {
            let internet = self.internet();
            self.graph.edge(internet, public, Line::Route, None);
        }
        let group = self.vpc_groups.get(cluster.vpc.0).copied();
        let private = side(mode.private_access());
        for eni in &cluster.enis {
            let mut lines = vec!["EKS ENI".to_owned(), eni.ip.to_string()];
            lines.push(if mode.private_access() {
                "private endpoint".into()
            } else {
                format!("private endpoint off in mode {mode}")
            });
            let node = self.graph.node(group, Shape::Box, private, lines);
            if let Some(&subnet) = self.subnets.get(eni.subnet.0) {
                self.graph.edge(node, subnet, Line::Placement, None);
            }
        }
        let zone = self.graph.node(
            group,
            Shape::Cylinder,
            if mode.private_access() {
                Tone::Dns
            } else {
                Tone::Off
            },
            vec![
                "EKS private hosted zone".into(),
                domain_text(&cluster.endpoint),
                "→ the ENI addresses".into(),
            ],
        );
        if let Some(&resolver) = self.resolvers.get(cluster.vpc.0) {
            self.graph.edge(resolver, zone, Line::Dns, None);
        }
    }

    /// The node answering DNS at `ip`: a declared server, an inbound endpoint, a VPC's
    /// base + 2 Resolver address, or one drawn for an address declared nowhere.
    fn dns_at(&mut self, ip: Ipv4Addr) -> usize {
        if let Some(&node) = self.dns_at.get(&ip) {
            return node;
        }
        let node = self.graph.node(
            None,
            Shape::Cylinder,
            Tone::Off,
            vec![ip.to_string(), "not declared".into()],
        );
        self.dns_at.insert(ip, node);
        node
    }

    fn dns_servers(&mut self) {
        let scenario = self.scenario;
        let mut servers = Vec::with_capacity(scenario.dns_servers.len());
        for server in &scenario.dns_servers {
            let group = match (
                scenario.vpc_containing(server.ip),
                scenario.network_containing(server.ip),
            ) {
                (Some(vpc), _) => self.vpc_groups.get(vpc.0).copied(),
                (None, Some(network)) => self.network_groups.get(network.0).copied(),
                (None, None) => None,
            };
            let node = self.graph.node(
                group,
                Shape::Cylinder,
                Tone::Dns,
                vec![server.ip.to_string(), "DNS server".into()],
            );
            self.dns_at.insert(server.ip, node);
            servers.push(node);
        }
        for (server, &node) in scenario.dns_servers.iter().zip(&servers) {
            for forwarder in &server.forwarders {
                let targets: Vec<usize> = forwarder
                    .to
                    .iter()
                    .filter_map(|target| match target {
                        ForwardTarget::Ip(ip) => Some(self.dns_at(*ip)),
                        ForwardTarget::AmazonProvidedDns => scenario
                            .vpc_containing(server.ip)
                            .and_then(|vpc| self.resolvers.get(vpc.0).copied()),
                    })
                    .collect();
                self.forward(node, targets, &domain_text(&forwarder.domain));
            }
        }
        for (ix, vpc) in scenario.vpcs.iter().enumerate() {
            let Some(&resolver) = self.resolvers.get(ix) else {
                continue;
            };
            for rule in &vpc.forward_rules {
                let targets: Vec<usize> =
                    rule.target_ips.iter().map(|ip| self.dns_at(*ip)).collect();
                self.forward(resolver, targets, &domain_text(&rule.domain));
            }
            // The first server of the DHCP options is the one clients ask.
            let asked = match vpc.dns_servers.first() {
                Some(DhcpDnsServer::AmazonProvidedDns) | None => resolver,
                Some(DhcpDnsServer::Ip(ip)) => self.dns_at(*ip),
            };
            if let Some(&router) = self.vpc_nodes.get(ix) {
                self.graph
                    .edge(router, asked, Line::Dns, Some("DNS".into()));
            }
        }
        for (ix, network) in scenario.networks.iter().enumerate() {
            let (Some(&node), Some(ip)) = (self.network_nodes.get(ix), network.dns_servers.first())
            else {
                continue;
            };
            let asked = self.dns_at(*ip);
            self.graph.edge(node, asked, Line::Dns, Some("DNS".into()));
        }
    }

    /// Forwarding of `domain` from `from` to each of `targets`, one edge per node (the two
    /// addresses of one inbound endpoint draw one edge).
    fn forward(&mut self, from: usize, mut targets: Vec<usize>, domain: &str) {
        targets.sort_unstable();
        targets.dedup();
        for to in targets {
            self.graph
                .edge(from, to, Line::Dns, Some(domain.to_owned()));
        }
    }

    /// Each subnet's routes (the local ones aside) and each network's, one edge per target
    /// with the destinations as its label.
    fn routes(&mut self) {
        let scenario = self.scenario;
        for (ix, subnet) in scenario.subnets.iter().enumerate() {
            let (Some(&from), Some(table)) = (
                self.subnets.get(ix),
                subnet.route_table.and_then(|rt| scenario.route_table(rt)),
            ) else {
                continue;
            };
            let mut targets: Vec<(usize, Vec<String>)> = Vec::new();
            for route in &table.routes {
                let to = match route.target {
                    RouteTarget::Local => None,
                    RouteTarget::InternetGateway => {
                        self.gateways.get(subnet.vpc.0).copied().flatten()
                    }
                    RouteTarget::EgressOnlyInternetGateway => {
                        self.egress_only.get(subnet.vpc.0).copied().flatten()
                    }
                    RouteTarget::Nat(nat) => self.nats.get(nat.0).copied(),
                    RouteTarget::Connection(conn) => self.connections.get(conn.0).copied(),
                };
                if let Some(to) = to {
                    push_destination(&mut targets, to, route.destination.to_string());
                }
            }
            for (to, destinations) in targets {
                let label = format!("{} ({})", destinations.join(", "), table.id);
                self.graph.edge(from, to, Line::Route, Some(label));
            }
        }
        for (ix, network) in scenario.networks.iter().enumerate() {
            let Some(&from) = self.network_nodes.get(ix) else {
                continue;
            };
            let mut targets: Vec<(usize, Vec<String>)> = Vec::new();
            for route in &network.routes {
                if let Some(&to) = self.connections.get(route.target.0) {
                    push_destination(&mut targets, to, route.destination.to_string());
                }
            }
            for (to, destinations) in targets {
                self.graph
                    .edge(from, to, Line::Route, Some(destinations.join(", ")));
            }
        }
    }

    fn clients(&mut self) {
        let scenario = self.scenario;
        for flow in &self.analysis.flows {
            let client = flow.client;
            let mut address = client.ip.to_string();
            if let Some(public) = client.public_ip {
                address.push_str(&format!(" · public {public}"));
            }
            let mut lines = vec![client.name.clone(), address, verdict_line(flow)];
            if flow.expectation.is_some_and(|e| !e.met) {
                lines.push("expectation FAILED".into());
            }
            let tone = if flow.reachable() {
                Tone::Reachable
            } else {
                Tone::Blocked
            };
            match client.location {
                ClientLocation::Subnet(subnet) => {
                    let group = scenario
                        .subnet(subnet)
                        .and_then(|s| self.vpc_groups.get(s.vpc.0).copied());
                    let node = self.graph.node(group, Shape::Round, tone, lines);
                    if let Some(&subnet) = self.subnets.get(subnet.0) {
                        self.graph.edge(node, subnet, Line::Placement, None);
                    }
                }
                ClientLocation::Network(network) => {
                    let group = self.network_groups.get(network.0).copied();
                    let node = self.graph.node(group, Shape::Round, tone, lines);
                    if let Some(&network) = self.network_nodes.get(network.0) {
                        self.graph.edge(node, network, Line::Placement, None);
                    }
                }
                ClientLocation::Internet => {
                    let node = self.graph.node(None, Shape::Round, tone, lines);
                    let internet = self.internet();
                    self.graph.edge(node, internet, Line::Route, None);
                    let dns = self.public_dns();
                    self.graph.edge(node, dns, Line::Dns, Some("DNS".into()));
                }
            }
        }
    }
}

/// Adds `destination` to the edge towards `to`, or starts that edge.
fn push_destination(targets: &mut Vec<(usize, Vec<String>)>, to: usize, destination: String) {
    match targets.iter_mut().find(|(node, _)| *node == to) {
        Some((_, destinations)) => destinations.push(destination),
        None => targets.push((to, vec![destination])),
    }
}

/// The path of one flow: the client, each DNS server its query passed through, the answer,
/// then each resolved address's hops in the order the packet met them — the hop that
/// stopped it marked, with the reason code.
pub fn flow_path(analysis: &Analysis<'_>, flow: &Flow<'_>) -> Graph {
    let scenario = analysis.scenario;
    let client = flow.client;
    let mut graph = Graph {
        top_down: true,
        title: format!("{} · mode {}", client.name, analysis.mode),
        ..Graph::default()
    };
    let tone = if flow.reachable() {
        Tone::Reachable
    } else {
        Tone::Blocked
    };
    let mut previous = graph.node(
        None,
        Shape::Round,
        tone,
        vec![format!("client {}", client.name), client.ip.to_string()],
    );
    // Through a proxy whose leg 1 blocks, that leg is the path that failed: the client's
    // connection to the proxy port, hop by hop (SPEC 10.2); the proxy's own path is not
    // where the flow stopped.
    if let Some(leg) = flow.proxy.as_ref().filter(|leg| !leg.reachable()) {
        for hop in leg.hops(scenario, client) {
            let (tone, mut lines) = if hop.ok {
                (Tone::Plain, vec![format!("✓ {}", hop.at)])
            } else {
                let reason = (leg.blocked.as_ref())
                    .map(|blocked| format!(" · {}", blocked.reason))
                    .unwrap_or_default();
                (Tone::Blocked, vec![format!("⛔ {}{reason}", hop.at)])
            };
            lines.extend(wrapped(&hop.detail));
            let node = graph.node(None, Shape::Box, tone, lines);
            graph.edge(previous, node, Line::Route, None);
            previous = node;
        }
        let lines = vec![
            format!("proxy {}", leg.proxy.name),
            std::net::SocketAddr::new(leg.address, leg.port).to_string(),
            "not reached".into(),
        ];
        let node = graph.node(None, Shape::Box, Tone::Off, lines);
        graph.edge(previous, node, Line::Stop, None);
        return graph;
    }
    for entry in &flow.dns.trail {
        let node = graph.node(None, Shape::Cylinder, Tone::Dns, wrapped(entry));
        graph.edge(previous, node, Line::Dns, None);
        previous = node;
    }
    let answer = match &flow.dns.failure {
        Some(failure) => {
            let mut lines = vec![format!("⛔ no answer · {}", failure.reason)];
            lines.extend(wrapped(&failure.blocked_by));
            graph.node(None, Shape::Box, Tone::Blocked, lines)
        }
        None => {
            let addresses = flow.dns.addresses();
            let answered = if addresses.is_empty() {
                "no addresses".to_owned()
            } else {
                join(&addresses)
            };
            let by = match flow.dns.answered_by {
                AnsweredBy::PrivateHostedZone => "the EKS private hosted zone",
                AnsweredBy::PublicDns => "public DNS",
                AnsweredBy::None => "nobody",
            };
            graph.node(
                None,
                Shape::Box,
                Tone::Dns,
                vec![format!("answer from {by}"), answered],
            )
        }
    };
    graph.edge(previous, answer, Line::Dns, None);
    if flow.dns.failure.is_none()
        && flow.targets.is_empty()
        && let Some(blocked) = &flow.blocked
    {
        let mut lines = vec![format!("⛔ {}", blocked.reason)];
        lines.extend(wrapped(&blocked.blocked_by));
        let node = graph.node(None, Shape::Box, Tone::Blocked, lines);
        graph.edge(answer, node, Line::Stop, None);
    }
    // The first target's path in full; another address whose packet met the same elements
    // with the same outcomes (the second public endpoint IP, the second ENI in a subnet
    // with the same filters) is drawn as one more arrow from where that path ended.
    let mut first: Option<(Vec<(String, bool)>, usize)> = None;
    for target in &flow.targets {
        let hops = target.hops(scenario, client);
        let outline: Vec<(String, bool)> =
            hops.iter().map(|hop| (hop.at.clone(), hop.ok)).collect();
        // Only a blocked address is "not reached": the verdict is the model's
        // (`target.blocked`), the outline only says where it would be drawn.
        if let Some((first_outline, end)) = &first
            && *first_outline == outline
            && !outline.is_empty()
            && target.blocked.is_some()
        {
            let lines = vec![
                format!("{}:443", target.address),
                format!("{} endpoint", target.endpoint.as_str()),
                "not reached: the same path".into(),
            ];
            let node = graph.node(None, Shape::Box, Tone::Off, lines);
            graph.edge(*end, node, Line::Stop, None);
            continue;
        }
        let mut previous = answer;
        let mut stopped = false;
        for hop in hops {
            let (tone, mut lines) = if hop.ok {
                (Tone::Plain, vec![format!("✓ {}", hop.at)])
            } else {
                let reason = target
                    .blocked
                    .as_ref()
                    .map(|blocked| format!(" · {}", blocked.reason))
                    .unwrap_or_default();
                stopped = true;
                (Tone::Blocked, vec![format!("⛔ {}{reason}", hop.at)])
            };
            lines.extend(wrapped(&hop.detail));
            let node = graph.node(None, Shape::Box, tone, lines);
            graph.edge(previous, node, Line::Route, None);
            previous = node;
        }
        let mut lines = vec![
            format!("{}:443", target.address),
            format!("{} endpoint", target.endpoint.as_str()),
        ];
        let (tone, line) = match &target.blocked {
            None => {
                lines.push("✅ reached".into());
                (Tone::Endpoint, Line::Route)
            }
            Some(blocked) => {
                lines.push("not reached".into());
                if !stopped {
                    lines.push(format!("⛔ {}", blocked.reason));
                    lines.extend(wrapped(&blocked.blocked_by));
                }
                (Tone::Off, Line::Stop)
            }
        };
        let node = graph.node(None, Shape::Box, tone, lines);
        graph.edge(previous, node, line, None);
        if first.is_none() && target.blocked.is_some() {
            first = Some((outline, previous));
        }
    }
    graph
}
