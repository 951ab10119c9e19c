//! Random scenarios for the property tests (`tests/it/properties.rs`).
//!
//! A scenario is built from a stream of numbers ([`Choices`]): every decision the builder
//! makes takes the next number, and an exhausted stream answers 0, the simplest choice
//! (fewest elements, no options). proptest generates and shrinks the stream, so a failing
//! case shrinks towards a small scenario. The builder always writes a *valid* scenario: a
//! generated scenario that does not load is a bug in this file (or in the loader).
//!
//! What it writes, within these limits:
//! - 1–3 VPCs, `10.V.0.0/16` (and sometimes a secondary `100.(64+V).0.0/16`), with 1–4
//!   `/24` subnets over two or three AZs; DNS flags on, off or left to the defaults; an
//!   internet gateway; a NAT gateway with or without a public IP; 0–2 route tables (mostly
//!   1–2) with routes to the internet gateway, the NAT gateway, peerings, the transit
//!   gateway, VPNs and `local`, some destinations with host bits set; 1–3 security groups
//!   with 0–4 ingress rules and default or 0–2 egress rules (CIDR or group peers, every
//!   protocol, as words or numbers); 0–2 network ACLs with 0–4 numbered rules each way, in
//!   any order; DHCP options (AmazonProvidedDNS, custom servers, another VPC's base + 2,
//!   link-local, an inbound endpoint, a public or unknown address); a Resolver inbound
//!   endpoint and 0–2 forward rules; 0–2 VPC endpoints;
//! - peerings between any two VPCs, one transit gateway attaching VPCs and networks, a VPN
//!   or Direct Connect per network;
//! - 0–2 on-premises networks `192.168.N.0/24` with routes, an internet egress IP and DNS
//!   servers; custom DNS servers in the networks and VPCs with conditional forwarders (to
//!   inbound endpoints, other servers, AmazonProvidedDNS, …), loops included;
//! - the cluster in any VPC, any mode, a default or written allowlist of 1–4 blocks (NAT
//!   IPs, egress IPs, documentation ranges, `0.0.0.0/0`, host bits set, private, IPv6), 0–4
//!   ENIs, 0–2 security groups, a derived or written endpoint name;
//! - 1–6 clients in subnets, networks or on the internet, with public IPs, security groups
//!   and expectations; 0–2 node groups; `ignore` and `imported` blocks; a scenario name,
//!   description and IDs that YAML would misread unquoted ([`AWKWARD`]);
//! - after all that, so the numbers above still build the same base scenario: DNS
//!   transport (SPEC 8) — security groups on inbound endpoints and VPC DNS servers (with a
//!   udp/53, tcp/53 or allow-all rule now and then), endpoint addresses as `{subnet, ip}`,
//!   outbound endpoints and forward rules' `outboundEndpoint`, `dnsTransport` unwritten,
//!   `assumed` or `traced` (a traced scenario keeps only endpoint addresses inside a
//!   subnet, [`make_traceable`]); proxies (SPEC 10) — one client as a proxy host, others
//!   through it by name or address, on the default or another port, its group sometimes
//!   admitting that port; hybrid nodes (SPEC 9) — `remoteNetworkConfig` for networks'
//!   blocks (now and then one that misses the nodes), remote pods, and a hybrid node group
//!   with written or default addresses, sometimes behind the proxy host.
//!
//! Choices are weighted towards what makes flows arrive (an allow-all NACL half of the
//! time, a 443 rule on the cluster security group, forwarders to the cluster VPC's inbound
//! endpoint, VPNs into the cluster VPC), so reachable and blocked flows both occur often;
//! `generated_scenarios_reach_every_outcome` in `tests/it/properties.rs` checks that they do.
//!
//! IDs never collide, addresses of clients, ENIs, DNS servers and endpoints never coincide,
//! VPC and network CIDRs never overlap, and no two forward rules of a VPC (or forwarders of
//! a server, or routes of a table) share a key, so that every reference and address means
//! one thing: order-independence is a property of such scenarios (the loader rejects the
//! duplicate keys; overlapping address space is ambiguous by construction).
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing)]

use serde::Serialize;

/// A stream of decisions; each call takes the next number, 0 once the stream is used up.
#[derive(Debug, Clone)]
pub struct Choices {
    data: Vec<u32>,
    next: usize,
}

impl Choices {
    pub fn new(data: Vec<u32>) -> Self {
        Choices { data, next: 0 }
    }

    fn take(&mut self) -> u32 {
        let value = self.data.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        value
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        let value = self.take() as usize;
        if n == 0 { 0 } else { value % n }
    }

    /// True with `percent` % probability; false for an exhausted stream.
    pub fn chance(&mut self, percent: u32) -> bool {
        (self.take() % 100) >= 100 - percent.min(100)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len());
        &items[i]
    }

    /// A subset of `items`, each kept with `percent` % probability, order kept.
    pub fn subset<T: Clone>(&mut self, items: &[T], percent: u32) -> Vec<T> {
        items
            .iter()
            .filter(|_| self.chance(percent))
            .cloned()
            .collect()
    }

    /// Shuffles `items` (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---- the scenario as written ----------------------------------------------------------

fn is_false(value: &bool) -> bool {
    !*value
}

/// A generated scenario; its `Debug` form is the YAML, so a failing case prints the file.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Doc {
    pub version: u32,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported: Option<Imported>,
    /// `assumed`, `traced` or unwritten (SPEC 8.6: then traced when a transport field is used).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_transport: Option<String>,
    pub cluster: Cluster,
    pub vpcs: Vec<Vpc>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<Connection>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<Network>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns_servers: Vec<DnsServer>,
    pub clients: Vec<Client>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub node_groups: Vec<NodeGroup>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<Ignore>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub from: String,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ignore {
    pub code: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub name: String,
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_access: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_access_cidrs: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_endpoint_ips: Option<Vec<String>>,
    pub vpc: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub enis: Vec<Eni>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_network_config: Option<RemoteNetworkConfig>,
}

/// SPEC 9.1, the API's lists flattened.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteNetworkConfig {
    pub remote_node_networks: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remote_pod_networks: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Eni {
    pub subnet: String,
    pub ip: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vpc {
    pub id: String,
    pub cidrs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_dns_support: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_dns_hostnames: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dhcp_options: Option<DhcpOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internet_gateway: Option<String>,
    pub subnets: Vec<Subnet>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nat_gateways: Vec<NatGateway>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<RouteTable>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub network_acls: Vec<NetworkAcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolver: Option<Resolver>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vpc_endpoints: Vec<VpcEndpoint>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DhcpOptions {
    pub domain_name_servers: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subnet {
    pub id: String,
    pub cidr: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub az: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_table: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_acl: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NatGateway {
    pub id: String,
    pub subnet: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteTable {
    pub id: String,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub destination: String,
    pub target: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecurityGroup {
    pub id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<SgRule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<SgRule>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SgRule {
    pub protocol: serde_yaml::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ports: Option<serde_yaml::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_security_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_security_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkAcl {
    pub id: String,
    pub inbound: Vec<AclRule>,
    pub outbound: Vec<AclRule>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AclRule {
    pub rule: u32,
    pub protocol: serde_yaml::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ports: Option<serde_yaml::Value>,
    pub cidr: String,
    pub action: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolver {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inbound_endpoints: Vec<InboundEndpoint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forward_rules: Vec<ForwardRule>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outbound_endpoints: Vec<InboundEndpoint>,
}

/// A Resolver endpoint, inbound or outbound (SPEC 8.1).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InboundEndpoint {
    pub id: String,
    pub ips: Vec<EndpointIp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_groups: Option<Vec<String>>,
}

/// An endpoint address: a string, or `{subnet, ip}` (SPEC 8.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EndpointIp {
    Ip(String),
    Mapping { subnet: String, ip: String },
}

impl EndpointIp {
    pub fn ip(&self) -> &str {
        match self {
            EndpointIp::Ip(ip) | EndpointIp::Mapping { ip, .. } => ip,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwardRule {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub domain: String,
    pub target_ips: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outbound_endpoint: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VpcEndpoint {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub service: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_dns: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Connection {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpcs: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    pub id: String,
    pub cidrs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internet_egress_ip: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns_servers: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsServer {
    pub ip: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forward: Vec<Forwarder>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_groups: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Forwarder {
    pub domain: String,
    pub to: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    pub name: String,
    pub from: String,
    pub ip: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// Another client's name or address (SPEC 10.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_port: Option<u16>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Expect {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reachable: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroup {
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,
    /// A hybrid node group's network (SPEC 9.1), instead of `subnets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ips: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_groups: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
}

impl std::fmt::Debug for Doc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\n{}", self.to_yaml())
    }
}

impl Doc {
    pub fn to_yaml(&self) -> String {
        serde_yaml::to_string(self).unwrap()
    }

    /// The allowlist in force: the written one, or the EKS default.
    pub fn allowlist(&self) -> Vec<String> {
        self.cluster
            .public_access_cidrs
            .clone()
            .unwrap_or_else(|| vec!["0.0.0.0/0".to_owned()])
    }
}

// ---- building ---------------------------------------------------------------------------

pub const REGION: &str = "eu-west-1";
const AZS: [&str; 3] = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const ENDPOINT: &str = "0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com";

/// Texts YAML reads as something other than a plain string when unquoted, or that need
/// escapes: the writer must quote them.
pub const AWKWARD: [&str; 28] = [
    "yes",
    "No",
    "null",
    "~",
    "true",
    "1e3",
    "0x1F",
    "123",
    "-5",
    ".inf",
    "2024-01-01",
    "a: b",
    "x #y",
    "- dash",
    "[list]",
    "{map}",
    "'single'",
    "say \"hi\"",
    "back\\slash",
    "tab\there",
    "new\nline",
    " padded ",
    "ünïcödé ✓",
    "@at, %pct, `tick`, &amp, *star, !bang, |pipe, >gt",
    "next\u{85}line",
    "line\u{2028}separator",
    "zero\u{feff}width",
    "bell\u{7}del\u{7f}",
];

/// A security group rule's peer, or a NACL rule's CIDR.
fn cidr_pool(vpcs: usize, networks: usize) -> Vec<String> {
    let mut pool = vec![
        "0.0.0.0/0".to_owned(),
        "0.0.0.0/0".to_owned(),
        "10.0.0.0/8".to_owned(),
        "192.168.0.0/16".to_owned(),
        "203.0.113.0/24".to_owned(),
        "172.16.0.0/12".to_owned(),
        // Host bits set: the block is what counts.
        "10.0.0.5/8".to_owned(),
        "192.168.1.9/16".to_owned(),
    ];
    for v in 0..vpcs {
        pool.push(format!("10.{v}.0.0/16"));
        pool.push(format!("10.{v}.1.0/24"));
        pool.push(format!("10.{v}.0.100/30"));
    }
    for n in 0..networks {
        pool.push(format!("192.168.{n}.0/24"));
    }
    pool
}

/// Hands out IDs: plain (`vpc-0`) or, now and then, one YAML would misread.
struct Ids {
    awkward: bool,
    used: Vec<String>,
}

impl Ids {
    fn id(&mut self, choices: &mut Choices, plain: String) -> String {
        let id = if self.awkward && choices.chance(15) {
            let base = choices.pick(&AWKWARD).trim().replace(['\n', '\t'], " ");
            format!("{base}{}", self.used.len())
        } else {
            plain
        };
        if id.trim().is_empty() || self.used.contains(&id) {
            let fallback = format!("id-{}", self.used.len());
            self.used.push(fallback.clone());
            return fallback;
        }
        self.used.push(id.clone());
        id
    }
}

/// A protocol as people write it: a word or a number.
fn protocol(choices: &mut Choices, tcp_bias: bool) -> (serde_yaml::Value, bool) {
    let options: [(&str, bool); 7] = [
        ("tcp", true),
        ("all", false),
        ("tcp", true),
        ("udp", true),
        ("icmp", false),
        ("-1", false),
        ("6", true),
    ];
    let (word, ports) = if tcp_bias && choices.chance(50) {
        options[0]
    } else {
        *choices.pick(&options)
    };
    let value = match word.parse::<i64>() {
        Ok(number) if choices.chance(50) => serde_yaml::Value::Number(number.into()),
        _ => serde_yaml::Value::String(word.to_owned()),
    };
    (value, ports)
}

fn ports(choices: &mut Choices, pool: &[&str]) -> serde_yaml::Value {
    let text = *choices.pick(pool);
    match text.parse::<u64>() {
        Ok(number) if choices.chance(50) => serde_yaml::Value::Number(number.into()),
        _ => serde_yaml::Value::String(text.to_owned()),
    }
}

/// What the builder knows about one VPC while it builds the rest.
struct VpcPlan {
    id: String,
    subnets: Vec<String>,
    igw: Option<String>,
    nat: Option<String>,
    tables: Vec<String>,
    groups: Vec<String>,
    acls: Vec<String>,
}

/// Builds a valid scenario from `choices`.
pub fn scenario(choices: &mut Choices) -> Doc {
    let mut ids = Ids {
        awkward: choices.chance(30),
        used: Vec::new(),
    };
    let n_vpcs = 1 + choices.below(3);
    let n_networks = choices.below(3);
    let cluster_vpc = choices.below(n_vpcs);
    let explicit_endpoint = choices.chance(30);
    let endpoint_name = if explicit_endpoint {
        ENDPOINT.to_owned()
    } else {
        // The derived name is not known here; forwarders name its zones instead.
        format!("{REGION}.eks.amazonaws.com")
    };

    // IDs and element names first, so that any element can reference any other.
    let mut plans: Vec<VpcPlan> = Vec::new();
    let mut secondary = Vec::new();
    for v in 0..n_vpcs {
        let id = ids.id(choices, format!("vpc-{v}"));
        let n_subnets = 1 + choices.below(4);
        let subnets = (0..n_subnets)
            .map(|s| ids.id(choices, format!("subnet-{v}-{s}")))
            .collect();
        let igw = choices
            .chance(60)
            .then(|| ids.id(choices, format!("igw-{v}")));
        let nat = choices
            .chance(50)
            .then(|| ids.id(choices, format!("nat-{v}")));
        let n_tables = if choices.chance(85) {
            1 + choices.below(2)
        } else {
            0
        };
        let tables = (0..n_tables)
            .map(|t| ids.id(choices, format!("rt-{v}-{t}")))
            .collect();
        let groups = (0..1 + choices.below(3))
            .map(|g| ids.id(choices, format!("sg-{v}-{g}")))
            .collect();
        let acls = (0..choices.below(3))
            .map(|a| ids.id(choices, format!("acl-{v}-{a}")))
            .collect();
        secondary.push(choices.chance(20));
        plans.push(VpcPlan {
            id,
            subnets,
            igw,
            nat,
            tables,
            groups,
            acls,
        });
    }
    let networks: Vec<String> = (0..n_networks)
        .map(|n| ids.id(choices, format!("net-{n}")))
        .collect();

    // Connections.
    let mut connections: Vec<Connection> = Vec::new();
    // (connection id, attached VPC indices, attached network indices)
    let mut attached: Vec<(String, Vec<usize>, Vec<usize>)> = Vec::new();
    for a in 0..n_vpcs {
        for b in a + 1..n_vpcs {
            if choices.chance(50) {
                let id = ids.id(choices, format!("pcx-{a}-{b}"));
                connections.push(Connection {
                    id: id.clone(),
                    kind: "peering".to_owned(),
                    vpcs: Some(vec![plans[a].id.clone(), plans[b].id.clone()]),
                    vpc: None,
                    network: None,
                    attachments: None,
                });
                attached.push((id, vec![a, b], Vec::new()));
            }
        }
    }
    if n_vpcs + n_networks >= 2 && choices.chance(35) {
        let vpcs: Vec<usize> = (0..n_vpcs).filter(|_| choices.chance(70)).collect();
        let nets: Vec<usize> = (0..n_networks).filter(|_| choices.chance(70)).collect();
        let mut names: Vec<String> = vpcs.iter().map(|v| plans[*v].id.clone()).collect();
        names.extend(nets.iter().map(|n| networks[*n].clone()));
        if !names.is_empty() {
            let id = ids.id(choices, "tgw".to_owned());
            connections.push(Connection {
                id: id.clone(),
                kind: "transit-gateway".to_owned(),
                vpcs: None,
                vpc: None,
                network: None,
                attachments: Some(names),
            });
            attached.push((id, vpcs, nets));
        }
    }
    for (n, network) in networks.iter().enumerate() {
        if choices.chance(70) {
            // Mostly to the cluster VPC: the office that must reach the private endpoint.
            let v = if choices.chance(60) {
                cluster_vpc
            } else {
                choices.below(n_vpcs)
            };
            let direct = choices.chance(25);
            let id = ids.id(
                choices,
                format!("{}-{n}", if direct { "dx" } else { "vpn" }),
            );
            connections.push(Connection {
                id: id.clone(),
                kind: if direct { "direct-connect" } else { "vpn" }.to_owned(),
                vpcs: None,
                vpc: Some(plans[v].id.clone()),
                network: Some(network.clone()),
                attachments: None,
            });
            attached.push((id, vec![v], vec![n]));
        }
    }
    let connections_of_vpc = |v: usize| -> Vec<String> {
        attached
            .iter()
            .filter(|(_, vpcs, _)| vpcs.contains(&v))
            .map(|(id, ..)| id.clone())
            .collect()
    };
    let connections_of_network = |n: usize| -> Vec<String> {
        attached
            .iter()
            .filter(|(_, _, nets)| nets.contains(&n))
            .map(|(id, ..)| id.clone())
            .collect()
    };

    // DNS: custom servers, and every address a DNS setting may name.
    let mut inbound_ips: Vec<Vec<String>> = Vec::new();
    for v in 0..n_vpcs {
        let likely = if v == cluster_vpc { 70 } else { 30 };
        inbound_ips.push(if choices.chance(likely) {
            vec![format!("10.{v}.0.53"), format!("10.{v}.1.53")]
        } else {
            Vec::new()
        });
    }
    let mut server_ips: Vec<String> = Vec::new();
    for n in 0..n_networks {
        if choices.chance(60) {
            server_ips.push(format!("192.168.{n}.2"));
        }
    }
    for v in 0..n_vpcs {
        if choices.chance(30) {
            server_ips.push(format!("10.{v}.0.250"));
        }
    }
    let mut dns_targets: Vec<String> = server_ips.clone();
    dns_targets.extend(inbound_ips.iter().flatten().cloned());
    // Addresses that answer (when nothing else is wrong), picked half of the time.
    let mut answering = dns_targets.clone();
    answering.push("8.8.8.8".to_owned());
    dns_targets.extend((0..n_vpcs).map(|v| format!("10.{v}.0.2")));
    dns_targets.extend(
        ["169.254.169.253", "8.8.8.8", "172.16.0.53"]
            .iter()
            .map(|s| s.to_string()),
    );
    let domains = [
        ".".to_owned(),
        "amazonaws.com".to_owned(),
        "eks.amazonaws.com".to_owned(),
        endpoint_name.clone(),
        "corp.example".to_owned(),
    ];
    let dns_servers: Vec<DnsServer> = server_ips
        .iter()
        .map(|ip| {
            let n = choices.below(3);
            let chosen = distinct(choices, &domains, n);
            let forward = chosen
                .into_iter()
                .map(|domain| {
                    // The fix for containers-roadmap#221: forward to the cluster VPC's
                    // inbound endpoint. Often, so that it happens in most runs.
                    let mut to: Vec<String> = match inbound_ips[cluster_vpc].first() {
                        Some(inbound) if choices.chance(40) => vec![inbound.clone()],
                        _ => (0..1 + choices.below(2))
                            .map(|_| dns_target(choices, &dns_targets, &answering))
                            .collect(),
                    };
                    if choices.chance(20) {
                        to.insert(0, "AmazonProvidedDNS".to_owned());
                    }
                    Forwarder { domain, to }
                })
                .collect();
            DnsServer {
                ip: ip.clone(),
                forward,
                security_groups: None,
            }
        })
        .collect();

    // VPCs in full.
    let cidrs = cidr_pool(n_vpcs, n_networks);
    let all_groups: Vec<String> = plans.iter().flat_map(|p| p.groups.clone()).collect();
    let nat_ips: Vec<String> = (0..n_vpcs)
        .map(|v| format!("198.51.100.{}", 20 + v))
        .collect();
    let mut vpcs = Vec::new();
    for (v, plan) in plans.iter().enumerate() {
        let mut vpc_cidrs = vec![format!("10.{v}.0.0/16")];
        if secondary[v] {
            vpc_cidrs.push(format!("100.{}.0.0/16", 64 + v));
        }
        let enable_dns_support = if choices.chance(12) {
            Some(false)
        } else {
            *choices.pick(&[None, Some(true)])
        };
        let enable_dns_hostnames = *choices.pick(&[Some(true), None, Some(true), Some(false)]);
        let dhcp_options = match choices.below(10) {
            0..=5 => None,
            6 => Some(vec!["AmazonProvidedDNS".to_owned()]),
            7 | 8 => Some(vec![dns_target(choices, &dns_targets, &answering)]),
            _ => Some(vec![
                dns_target(choices, &dns_targets, &answering),
                "AmazonProvidedDNS".to_owned(),
            ]),
        }
        .map(|servers| DhcpOptions {
            domain_name_servers: servers,
        });
        let n_subnets = plan.subnets.len();
        let subnets = plan
            .subnets
            .iter()
            .enumerate()
            .map(|(s, id)| {
                let cidr = if secondary[v] && s == n_subnets - 1 && s > 0 {
                    format!("100.{}.{s}.0/24", 64 + v)
                } else {
                    format!("10.{v}.{s}.0/24")
                };
                let az = if choices.chance(90) {
                    Some(AZS[(s + choices.below(2)) % AZS.len()].to_owned())
                } else {
                    None
                };
                let route_table = (!plan.tables.is_empty() && choices.chance(85))
                    .then(|| choices.pick(&plan.tables).clone());
                let network_acl = (!plan.acls.is_empty() && choices.chance(50))
                    .then(|| choices.pick(&plan.acls).clone());
                Subnet {
                    id: id.clone(),
                    cidr,
                    az,
                    route_table,
                    network_acl,
                }
            })
            .collect();
        let nat_gateways = plan
            .nat
            .iter()
            .map(|id| NatGateway {
                id: id.clone(),
                subnet: plan.subnets[0].clone(),
                public_ip: choices.chance(80).then(|| nat_ips[v].clone()),
            })
            .collect();
        // Per network, the connections that join it to this VPC.
        let to_networks: Vec<Vec<String>> = (0..n_networks)
            .map(|n| {
                attached
                    .iter()
                    .filter(|(_, vpcs, nets)| vpcs.contains(&v) && nets.contains(&n))
                    .map(|(id, ..)| id.clone())
                    .collect()
            })
            .collect();
        let route_tables = plan
            .tables
            .iter()
            .map(|id| RouteTable {
                id: id.clone(),
                routes: routes(
                    choices,
                    v,
                    plan,
                    &connections_of_vpc(v),
                    n_vpcs,
                    &to_networks,
                ),
            })
            .collect();
        let security_groups = plan
            .groups
            .iter()
            .map(|id| {
                let mut ingress: Vec<SgRule> = (0..choices.below(4))
                    .map(|_| sg_rule(choices, &cidrs, &all_groups, false))
                    .collect();
                if v == cluster_vpc && choices.chance(50) {
                    // What a cluster security group usually gets: 443 from the networks.
                    let wide = ["10.0.0.0/8", "192.168.0.0/16", "0.0.0.0/0"];
                    ingress.insert(
                        0,
                        SgRule {
                            protocol: serde_yaml::Value::String("tcp".to_owned()),
                            ports: Some(serde_yaml::Value::Number(443.into())),
                            cidr: Some(choices.pick(&wide).to_string()),
                            source_security_group: None,
                            destination_security_group: None,
                            description: None,
                        },
                    );
                }
                let egress = choices.chance(25).then(|| {
                    (0..choices.below(3))
                        .map(|_| sg_rule(choices, &cidrs, &all_groups, true))
                        .collect()
                });
                SecurityGroup {
                    id: id.clone(),
                    ingress,
                    egress,
                }
            })
            .collect();
        let network_acls = plan
            .acls
            .iter()
            .map(|id| NetworkAcl {
                id: id.clone(),
                inbound: acl_rules(choices, &cidrs),
                outbound: acl_rules(choices, &cidrs),
            })
            .collect();
        let forward_rules: Vec<ForwardRule> = {
            let n = if choices.chance(40) {
                1 + choices.below(2)
            } else {
                0
            };
            distinct(choices, &domains, n)
                .into_iter()
                .enumerate()
                .map(|(r, domain)| ForwardRule {
                    id: choices
                        .chance(50)
                        .then(|| ids.id(choices, format!("rslvr-rr-{v}-{r}"))),
                    domain,
                    target_ips: (0..1 + choices.below(2))
                        .map(|_| dns_target(choices, &dns_targets, &answering))
                        .collect(),
                    outbound_endpoint: None,
                })
                .collect()
        };
        let inbound_endpoints: Vec<InboundEndpoint> = if inbound_ips[v].is_empty() {
            Vec::new()
        } else {
            vec![InboundEndpoint {
                id: ids.id(choices, format!("rslvr-in-{v}")),
                ips: inbound_ips[v].iter().cloned().map(EndpointIp::Ip).collect(),
                security_groups: None,
            }]
        };
        let resolver =
            (!inbound_endpoints.is_empty() || !forward_rules.is_empty()).then_some(Resolver {
                inbound_endpoints,
                forward_rules,
                outbound_endpoints: Vec::new(),
            });
        let vpc_endpoints = (0..choices.below(3))
            .map(|e| {
                let service = choices
                    .pick(&["ecr.api", "ecr.dkr", "s3", "sts"])
                    .to_string();
                VpcEndpoint {
                    id: choices
                        .chance(30)
                        .then(|| ids.id(choices, format!("vpce-{v}-{e}"))),
                    kind: choices
                        .chance(30)
                        .then(|| choices.pick(&["interface", "gateway"]).to_string()),
                    private_dns: choices.chance(30).then(|| choices.chance(50)),
                    subnets: choices.subset(&plan.subnets, 40),
                    route_tables: choices.subset(&plan.tables, 40),
                    service,
                }
            })
            .collect();
        vpcs.push(Vpc {
            id: plan.id.clone(),
            cidrs: vpc_cidrs,
            enable_dns_support,
            enable_dns_hostnames,
            dhcp_options,
            internet_gateway: plan.igw.clone(),
            subnets,
            nat_gateways,
            route_tables,
            security_groups,
            network_acls,
            resolver,
            vpc_endpoints,
        });
    }

    // Networks.
    let network_docs: Vec<Network> = networks
        .iter()
        .enumerate()
        .map(|(n, id)| {
            let conns = connections_of_network(n);
            let mut routes = Vec::new();
            if !conns.is_empty() {
                let mut destinations: Vec<String> =
                    (0..n_vpcs).map(|v| format!("10.{v}.0.0/16")).collect();
                destinations.push("10.0.0.0/8".to_owned());
                destinations.push("0.0.0.0/0".to_owned());
                // Connections of this network that reach the cluster VPC, preferred for
                // the route to it.
                let to_cluster: Vec<String> = attached
                    .iter()
                    .filter(|(_, vpcs, nets)| nets.contains(&n) && vpcs.contains(&cluster_vpc))
                    .map(|(id, ..)| id.clone())
                    .collect();
                for (d, destination) in destinations.into_iter().enumerate() {
                    let (likely, targets) = if d == cluster_vpc && !to_cluster.is_empty() {
                        (80, &to_cluster)
                    } else {
                        (50, &conns)
                    };
                    if choices.chance(likely) {
                        routes.push(Route {
                            destination,
                            target: choices.pick(targets).clone(),
                        });
                    }
                }
            }
            let dns_servers = if choices.chance(60) {
                let mut servers = vec![dns_target(choices, &dns_targets, &answering)];
                if server_ips.contains(&format!("192.168.{n}.2")) && choices.chance(60) {
                    servers.insert(0, format!("192.168.{n}.2"));
                }
                servers
            } else {
                Vec::new()
            };
            Network {
                id: id.clone(),
                cidrs: vec![format!("192.168.{n}.0/24")],
                internet_egress_ip: choices.chance(60).then(|| format!("203.0.113.{}", 50 + n)),
                routes,
                dns_servers,
            }
        })
        .collect();

    // The cluster.
    let cluster_plan = &plans[cluster_vpc];
    let allowlist_pool: Vec<String> = {
        let mut pool = vec![
            "0.0.0.0/0".to_owned(),
            "198.51.100.0/24".to_owned(),
            "203.0.113.0/24".to_owned(),
            "203.0.113.5/24".to_owned(),
            "192.0.2.0/24".to_owned(),
            "8.8.0.0/16".to_owned(),
            "100.64.0.0/10".to_owned(),
            "10.0.0.0/8".to_owned(),
            "2001:db8::/32".to_owned(),
        ];
        pool.extend(nat_ips.iter().map(|ip| format!("{ip}/32")));
        pool.extend((0..n_networks).map(|n| format!("203.0.113.{}/32", 50 + n)));
        pool
    };
    let public_access_cidrs = choices.chance(60).then(|| {
        (0..1 + choices.below(4))
            .map(|_| choices.pick(&allowlist_pool).clone())
            .collect()
    });
    let n_enis = *choices.pick(&[2, 3, 1, 4, 2, 3, 2, 0, 3, 2, 4, 2]);
    let enis = (0..n_enis)
        .map(|k| {
            let s = k % cluster_plan.subnets.len();
            let subnet = &vpcs[cluster_vpc].subnets[s];
            Eni {
                subnet: subnet.id.clone(),
                ip: host(&subnet.cidr, 10 + k),
            }
        })
        .collect();
    let cluster_groups = if choices.chance(90) {
        let n = 1 + choices.below(2);
        distinct(choices, &cluster_plan.groups, n)
    } else {
        Vec::new()
    };
    let access = choices
        .pick(&[
            None,
            Some("public"),
            Some("public-and-private"),
            Some("private"),
            Some("public-and-private"),
        ])
        .map(str::to_owned);
    let cluster = Cluster {
        name: choices.pick(&["prod", "staging", "c1"]).to_string(),
        region: REGION.to_owned(),
        endpoint: explicit_endpoint.then(|| ENDPOINT.to_owned()),
        endpoint_access: access,
        public_access_cidrs,
        public_endpoint_ips: match choices.below(4) {
            0 | 1 => None,
            2 => Some(vec!["3.0.0.10".to_owned(), "3.0.0.11".to_owned()]),
            _ => Some(vec!["3.0.0.12".to_owned()]),
        },
        vpc: cluster_plan.id.clone(),
        security_groups: cluster_groups,
        enis,
        remote_network_config: None,
    };

    // Clients and node groups.
    let n_clients = 1 + choices.below(6);
    let mut clients = Vec::new();
    for c in 0..n_clients {
        let kind = choices.below(10);
        let (from, ip, public_ip, security_groups) = if kind < 5 {
            let v = choices.below(n_vpcs);
            let s = choices.below(vpcs[v].subnets.len());
            let subnet = &vpcs[v].subnets[s];
            let public_ip = choices.chance(30).then(|| format!("54.0.{c}.10"));
            // Only groups of the client's own VPC: AWS attaches no other (a load error).
            let groups = choices.subset(&plans[v].groups, 40);
            (
                subnet.id.clone(),
                host(&subnet.cidr, 100 + c),
                public_ip,
                groups,
            )
        } else if kind < 7 && n_networks > 0 {
            let n = choices.below(n_networks);
            (
                networks[n].clone(),
                format!("192.168.{n}.{}", 100 + c),
                None,
                Vec::new(),
            )
        } else {
            let ip = match choices.below(4) {
                0 => format!("203.0.113.{}", 100 + c),
                1 => format!("198.51.100.{}", 100 + c),
                2 => format!("8.8.{c}.8"),
                _ => format!("54.1.{c}.10"),
            };
            ("internet".to_owned(), ip, None, Vec::new())
        };
        let expect = choices.chance(30).then(|| Expect {
            answer: choices
                .pick(&[None, Some("public"), Some("private"), Some("none")])
                .map(str::to_owned),
            reachable: *choices.pick(&[None, Some(true), Some(false)]),
        });
        clients.push(Client {
            name: format!("client-{c}"),
            from,
            ip,
            public_ip,
            security_groups,
            expect,
            proxy: None,
            proxy_port: None,
        });
    }
    let node_groups = (0..choices.below(3))
        .map(|g| {
            let mut subnets = choices.subset(&cluster_plan.subnets, 50);
            if subnets.is_empty() {
                subnets.push(cluster_plan.subnets[0].clone());
            }
            NodeGroup {
                name: format!("ng-{g}"),
                subnets,
                network: None,
                ips: None,
                proxy: None,
                security_groups: choices
                    .chance(40)
                    .then(|| choices.subset(&cluster_plan.groups, 50)),
                public_ip: choices.chance(20).then(|| format!("54.2.{g}.10")),
            }
        })
        .collect();

    let name = if choices.chance(40) {
        choices.pick(&AWKWARD).to_string()
    } else {
        "generated".to_owned()
    };
    let mut doc = Doc {
        version: 1,
        name,
        dns_transport: None,
        description: choices
            .chance(20)
            .then(|| choices.pick(&AWKWARD).to_string()),
        imported: choices.chance(10).then(|| Imported {
            from: "terraform plan.json".to_owned(),
            missing: vec!["a placeholder NAT IP".to_owned()],
        }),
        cluster,
        vpcs,
        connections,
        networks: network_docs,
        dns_servers,
        clients,
        node_groups,
        ignore: if choices.chance(15) {
            vec![Ignore {
                code: "EKS003".to_owned(),
                reason: "public on purpose".to_owned(),
            }]
        } else {
            Vec::new()
        },
    };
    // Sections 8–10 last, so the numbers above build the same base scenario as before.
    dns_transport(choices, &mut doc, &mut ids);
    proxies(choices, &mut doc);
    hybrid(choices, &mut doc);
    doc
}

/// A DNS server address: half of the time one that answers, else any.
fn dns_target(choices: &mut Choices, any: &[String], answering: &[String]) -> String {
    if choices.chance(50) {
        choices.pick(answering).clone()
    } else {
        choices.pick(any).clone()
    }
}

/// Address `offset` of a `/24` written `a.b.c.0/24`.
fn host(cidr: &str, offset: usize) -> String {
    let base = cidr.trim_end_matches(".0/24");
    format!("{base}.{offset}")
}

/// `n` different items of `items` (fewer if there are not enough).
fn distinct<T: Clone + PartialEq>(choices: &mut Choices, items: &[T], n: usize) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    let mut pool: Vec<T> = items.to_vec();
    while out.len() < n && !pool.is_empty() {
        let i = choices.below(pool.len());
        let item = pool.remove(i);
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Routes of one route table of VPC `v`: one per destination, each to a target that exists
/// in that VPC (the loader checks it) — which need not be a sensible one.
fn routes(
    choices: &mut Choices,
    v: usize,
    plan: &VpcPlan,
    connections: &[String],
    n_vpcs: usize,
    to_networks: &[Vec<String>],
) -> Vec<Route> {
    let mut gateways: Vec<String> = Vec::new();
    gateways.extend(plan.igw.iter().cloned());
    gateways.extend(plan.nat.iter().cloned());
    let mut any_target = gateways.clone();
    any_target.extend(connections.iter().cloned());
    let mut routes = Vec::new();
    let mut push = |choices: &mut Choices, destination: String, targets: &[String]| {
        let likely = if destination == "0.0.0.0/0" { 85 } else { 60 };
        if !targets.is_empty() && choices.chance(likely) {
            routes.push(Route {
                destination,
                target: choices.pick(targets).clone(),
            });
        }
    };
    // The default route: mostly a gateway, sometimes a connection.
    let default_targets = if !gateways.is_empty() && choices.chance(80) {
        gateways.clone()
    } else {
        any_target.clone()
    };
    push(choices, "0.0.0.0/0".to_owned(), &default_targets);
    for other in (0..n_vpcs).filter(|o| *o != v) {
        let targets = if !connections.is_empty() && choices.chance(85) {
            connections.to_vec()
        } else {
            any_target.clone()
        };
        let destination = if choices.chance(15) {
            format!("10.{other}.3.7/16")
        } else {
            format!("10.{other}.0.0/16")
        };
        push(choices, destination, &targets);
    }
    for (n, joining) in to_networks.iter().enumerate() {
        let targets = if !joining.is_empty() && choices.chance(80) {
            joining.as_slice()
        } else {
            connections
        };
        push(choices, format!("192.168.{n}.0/24"), targets);
    }
    push(choices, "10.0.0.0/8".to_owned(), &any_target);
    if choices.chance(10) {
        routes.push(Route {
            destination: format!("10.{v}.0.0/16"),
            target: "local".to_owned(),
        });
    }
    routes
}

fn sg_rule(choices: &mut Choices, cidrs: &[String], groups: &[String], egress: bool) -> SgRule {
    let (protocol, has_ports) = protocol(choices, true);
    let ports = (has_ports || choices.chance(10)).then(|| {
        ports(
            choices,
            &["443", "443", "0-65535", "1024-65535", "80", "400-500"],
        )
    });
    let by_group = choices.chance(30);
    let (cidr, group) = if by_group {
        (None, Some(choices.pick(groups).clone()))
    } else if choices.chance(40) {
        // Wide enough to admit most clients.
        let wide = ["10.0.0.0/8", "0.0.0.0/0", "192.168.0.0/16"];
        (Some(choices.pick(&wide).to_string()), None)
    } else {
        (Some(choices.pick(cidrs).clone()), None)
    };
    let (source, destination) = if egress { (None, group) } else { (group, None) };
    SgRule {
        protocol,
        ports,
        cidr,
        source_security_group: source,
        destination_security_group: destination,
        description: choices.chance(10).then(|| "a rule".to_owned()),
    }
}

fn acl_rules(choices: &mut Choices, cidrs: &[String]) -> Vec<AclRule> {
    if choices.chance(50) {
        // The usual: allow everything, as the default NACL does.
        return vec![AclRule {
            rule: 100,
            protocol: serde_yaml::Value::String("all".to_owned()),
            ports: None,
            cidr: "0.0.0.0/0".to_owned(),
            action: "allow".to_owned(),
        }];
    }
    let numbers = [10, 50, 100, 110, 200, 300, 32766];
    let n = choices.below(5);
    distinct(choices, &numbers, n)
        .into_iter()
        .map(|rule| {
            let (protocol, has_ports) = protocol(choices, false);
            AclRule {
                rule,
                protocol,
                ports: has_ports.then(|| {
                    ports(
                        choices,
                        &["443", "1024-65535", "0-65535", "32768-65535", "80"],
                    )
                }),
                cidr: choices.pick(cidrs).clone(),
                action: if choices.chance(75) { "allow" } else { "deny" }.to_owned(),
            }
        })
        .collect()
}

// ---- shuffling ------------------------------------------------------------------------

/// Reorders every list whose order carries no meaning: clients, VPCs and their subnets,
/// route tables, routes, security groups, network ACLs and their rules (rule numbers decide
/// their order), NAT gateways, Resolver rules, VPC endpoints, connections, networks and their
/// routes, DNS servers and their forwarders. With `rules`, also the rules of security groups
/// and the allowlist, whose order changes which matching entry a report names. Node groups
/// keep their order: findings list their nodes in file order.
pub fn shuffle(doc: &mut Doc, choices: &mut Choices, rules: bool) {
    choices.shuffle(&mut doc.clients);
    choices.shuffle(&mut doc.vpcs);
    for vpc in &mut doc.vpcs {
        choices.shuffle(&mut vpc.subnets);
        choices.shuffle(&mut vpc.nat_gateways);
        choices.shuffle(&mut vpc.route_tables);
        for table in &mut vpc.route_tables {
            choices.shuffle(&mut table.routes);
        }
        choices.shuffle(&mut vpc.security_groups);
        if rules {
            for group in &mut vpc.security_groups {
                choices.shuffle(&mut group.ingress);
                if let Some(egress) = &mut group.egress {
                    choices.shuffle(egress);
                }
            }
        }
        choices.shuffle(&mut vpc.network_acls);
        for acl in &mut vpc.network_acls {
            choices.shuffle(&mut acl.inbound);
            choices.shuffle(&mut acl.outbound);
        }
        if let Some(resolver) = &mut vpc.resolver {
            choices.shuffle(&mut resolver.forward_rules);
            choices.shuffle(&mut resolver.inbound_endpoints);
            choices.shuffle(&mut resolver.outbound_endpoints);
        }
        choices.shuffle(&mut vpc.vpc_endpoints);
    }
    choices.shuffle(&mut doc.connections);
    choices.shuffle(&mut doc.networks);
    for network in &mut doc.networks {
        choices.shuffle(&mut network.routes);
    }
    choices.shuffle(&mut doc.dns_servers);
    for server in &mut doc.dns_servers {
        choices.shuffle(&mut server.forward);
    }
    if rules && let Some(cidrs) = &mut doc.cluster.public_access_cidrs {
        choices.shuffle(cidrs);
    }
}

// ---- DNS transport, proxies and hybrid nodes (SPEC 8–10) --------------------------------

/// The subnet of `vpc` holding `ip` (every generated subnet is a `/24` written `a.b.c.0/24`).
fn subnet_holding(vpc: &Vpc, ip: &str) -> Option<String> {
    let (prefix, _) = ip.rsplit_once('.')?;
    let cidr = format!("{prefix}.0/24");
    vpc.subnets
        .iter()
        .find(|subnet| subnet.cidr == cidr)
        .map(|subnet| subnet.id.clone())
}

/// A udp/53 rule wide enough to let most queries in.
fn dns_rule(choices: &mut Choices) -> SgRule {
    let (protocol, ports) = match choices.below(3) {
        0 => ("udp", Some(53)),
        1 => ("tcp", Some(53)),
        _ => ("all", None),
    };
    SgRule {
        protocol: serde_yaml::Value::String(protocol.to_owned()),
        ports: ports.map(|port: u64| serde_yaml::Value::Number(port.into())),
        cidr: Some(
            choices
                .pick(&["0.0.0.0/0", "10.0.0.0/8", "192.168.0.0/16"])
                .to_string(),
        ),
        source_security_group: None,
        destination_security_group: None,
        description: None,
    }
}

/// Some of a VPC's groups for an endpoint or a server, now and then with a DNS rule added.
fn dns_groups(choices: &mut Choices, vpc: &mut Vpc) -> Option<Vec<String>> {
    if vpc.security_groups.is_empty() || !choices.chance(50) {
        return None;
    }
    let ids: Vec<String> = vpc.security_groups.iter().map(|g| g.id.clone()).collect();
    let mut groups = choices.subset(&ids, 50);
    if groups.is_empty() {
        groups.push(ids[0].clone());
    }
    if choices.chance(60)
        && let Some(group) = vpc.security_groups.iter_mut().find(|g| g.id == groups[0])
    {
        group.ingress.push(dns_rule(choices));
    }
    Some(groups)
}

/// SPEC 8: security groups on inbound endpoints and DNS servers, addresses as `{subnet,
/// ip}`, outbound endpoints and the rules that leave through them, and `dnsTransport`
/// written or not. A scenario that ends up traced has every endpoint address in a subnet.
fn dns_transport(choices: &mut Choices, doc: &mut Doc, ids: &mut Ids) {
    if !choices.chance(60) {
        return;
    }
    for (v, vpc) in doc.vpcs.iter_mut().enumerate() {
        let mut inbound = match vpc.resolver.take() {
            Some(resolver) => resolver,
            None => Resolver {
                inbound_endpoints: Vec::new(),
                forward_rules: Vec::new(),
                outbound_endpoints: Vec::new(),
            },
        };
        for endpoint in &mut inbound.inbound_endpoints {
            endpoint.security_groups = dns_groups(choices, vpc);
            for ip in &mut endpoint.ips {
                if choices.chance(30)
                    && let Some(subnet) = subnet_holding(vpc, ip.ip())
                {
                    *ip = EndpointIp::Mapping {
                        subnet,
                        ip: ip.ip().to_owned(),
                    };
                }
            }
        }
        if choices.chance(50) {
            let ips: Vec<EndpointIp> = [format!("10.{v}.0.54"), format!("10.{v}.1.54")]
                .into_iter()
                .filter_map(|ip| {
                    subnet_holding(vpc, &ip).map(|subnet| EndpointIp::Mapping { subnet, ip })
                })
                .collect();
            let id = ids.id(choices, format!("rslvr-out-{v}"));
            let security_groups = dns_groups(choices, vpc);
            inbound.outbound_endpoints.push(InboundEndpoint {
                id,
                ips,
                security_groups,
            });
        }
        let empty = inbound.inbound_endpoints.is_empty()
            && inbound.forward_rules.is_empty()
            && inbound.outbound_endpoints.is_empty();
        vpc.resolver = (!empty).then_some(inbound);
    }
    let outbound: Vec<String> = doc
        .vpcs
        .iter()
        .filter_map(|vpc| vpc.resolver.as_ref())
        .flat_map(|resolver| resolver.outbound_endpoints.iter().map(|e| e.id.clone()))
        .collect();
    for vpc in &mut doc.vpcs {
        if let Some(resolver) = &mut vpc.resolver {
            for rule in &mut resolver.forward_rules {
                if !outbound.is_empty() && choices.chance(60) {
                    rule.outbound_endpoint = Some(choices.pick(&outbound).clone());
                }
            }
        }
    }
    for server in &mut doc.dns_servers {
        let in_vpc = doc
            .vpcs
            .iter_mut()
            .find(|vpc| subnet_holding(vpc, &server.ip).is_some());
        if let Some(vpc) = in_vpc {
            server.security_groups = dns_groups(choices, vpc);
        }
    }
    doc.dns_transport = choices
        .pick(&[None, None, Some("assumed"), Some("traced"), Some("traced")])
        .map(str::to_owned);
    if doc.traced() {
        make_traceable(doc);
    }
}

impl Doc {
    /// Whether the scenario is traced: written so, or unwritten with a transport field used.
    pub fn traced(&self) -> bool {
        match self.dns_transport.as_deref() {
            Some(mode) => mode == "traced",
            None => self.uses_transport_fields(),
        }
    }

    /// Whether a field that turns tracing on by default is written (SPEC 8.6).
    pub fn uses_transport_fields(&self) -> bool {
        let resolvers = self.vpcs.iter().filter_map(|vpc| vpc.resolver.as_ref());
        self.dns_servers.iter().any(|s| s.security_groups.is_some())
            || resolvers.into_iter().any(|resolver| {
                !resolver.outbound_endpoints.is_empty()
                    || resolver
                        .inbound_endpoints
                        .iter()
                        .any(|e| e.security_groups.is_some())
                    || resolver
                        .forward_rules
                        .iter()
                        .any(|r| r.outbound_endpoint.is_some())
            })
    }
}

/// Drops the inbound endpoint addresses that lie in no subnet (a load error when traced,
/// SPEC 8.1), and the endpoints left without one; references to them stay, as addresses
/// nothing answers.
pub fn make_traceable(doc: &mut Doc) {
    for vpc in &mut doc.vpcs {
        let Some(mut resolver) = vpc.resolver.take() else {
            continue;
        };
        for endpoint in &mut resolver.inbound_endpoints {
            endpoint
                .ips
                .retain(|ip| subnet_holding(vpc, ip.ip()).is_some());
        }
        resolver
            .inbound_endpoints
            .retain(|endpoint| !endpoint.ips.is_empty());
        vpc.resolver = Some(resolver);
    }
}

/// `doc` without any DNS transport field: no `dnsTransport`, endpoint and server groups,
/// outbound endpoints or rules' outbound endpoints, and every endpoint address a string.
pub fn without_dns_transport(doc: &Doc) -> Doc {
    let mut bare = doc.clone();
    bare.dns_transport = None;
    for vpc in &mut bare.vpcs {
        if let Some(resolver) = &mut vpc.resolver {
            resolver.outbound_endpoints.clear();
            for rule in &mut resolver.forward_rules {
                rule.outbound_endpoint = None;
            }
            for endpoint in &mut resolver.inbound_endpoints {
                endpoint.security_groups = None;
                for ip in &mut endpoint.ips {
                    *ip = EndpointIp::Ip(ip.ip().to_owned());
                }
            }
        }
    }
    for server in &mut bare.dns_servers {
        server.security_groups = None;
    }
    bare
}

/// Removes one security group rule (ingress or egress, of any group) picked by `choices`;
/// false when there is none.
pub fn remove_sg_rule(doc: &mut Doc, choices: &mut Choices) -> bool {
    // (vpc, group, egress, rule)
    let mut rules: Vec<(usize, usize, bool, usize)> = Vec::new();
    for (v, vpc) in doc.vpcs.iter().enumerate() {
        for (g, group) in vpc.security_groups.iter().enumerate() {
            rules.extend((0..group.ingress.len()).map(|r| (v, g, false, r)));
            if let Some(egress) = &group.egress {
                rules.extend((0..egress.len()).map(|r| (v, g, true, r)));
            }
        }
    }
    if rules.is_empty() {
        return false;
    }
    let (v, g, egress, r) = rules[choices.below(rules.len())];
    let group = &mut doc.vpcs[v].security_groups[g];
    if egress {
        if let Some(rules) = &mut group.egress {
            rules.remove(r);
        }
    } else {
        group.ingress.remove(r);
    }
    true
}

/// SPEC 10: some clients become proxy hosts, some others connect through one (by name or
/// address, on the default or another port); a proxy host's group sometimes admits the port.
fn proxies(choices: &mut Choices, doc: &mut Doc) {
    if doc.clients.len() < 2 || !choices.chance(35) {
        return;
    }
    let host = choices.below(doc.clients.len());
    let (name, ip, public_ip, group) = {
        let client = &doc.clients[host];
        (
            client.name.clone(),
            client.ip.clone(),
            client.public_ip.clone(),
            client.security_groups.first().cloned(),
        )
    };
    let port = *choices.pick(&[None, None, Some(8080), Some(443)]);
    for (c, client) in doc.clients.iter_mut().enumerate() {
        if c == host || !choices.chance(60) {
            continue;
        }
        client.proxy = Some(match choices.below(5) {
            0 => ip.clone(),
            1 => public_ip.clone().unwrap_or_else(|| name.clone()),
            _ => name.clone(),
        });
        client.proxy_port = port.filter(|_| choices.chance(70));
    }
    if let Some(group) = group
        && choices.chance(70)
    {
        let ports = port.unwrap_or(3128);
        let cidr = choices
            .pick(&[
                "0.0.0.0/0",
                "10.0.0.0/8",
                "192.168.0.0/16",
                "203.0.113.0/24",
            ])
            .to_string();
        for vpc in &mut doc.vpcs {
            if let Some(group) = vpc.security_groups.iter_mut().find(|g| g.id == group) {
                group.ingress.push(SgRule {
                    protocol: serde_yaml::Value::String("tcp".to_owned()),
                    ports: Some(serde_yaml::Value::Number(u64::from(ports).into())),
                    cidr: Some(cidr.clone()),
                    source_security_group: None,
                    destination_security_group: None,
                    description: None,
                });
            }
        }
    }
}

/// SPEC 9: `remoteNetworkConfig` for some networks' blocks (now and then one that misses
/// the nodes), a remote pod block, and a hybrid node group in one of those networks, its
/// addresses written or defaulted, sometimes behind a proxy host.
fn hybrid(choices: &mut Choices, doc: &mut Doc) {
    if doc.networks.is_empty() || !choices.chance(35) {
        return;
    }
    let n = choices.below(doc.networks.len());
    let network = doc.networks[n].id.clone();
    let mut nodes = vec![if choices.chance(85) {
        format!("192.168.{n}.0/24")
    } else {
        // Misses the nodes at .4 and .40: EKS035, and a kubelet EKS routes nowhere.
        format!("192.168.{n}.128/25")
    }];
    for other in 0..doc.networks.len() {
        if other != n && choices.chance(30) {
            nodes.push(format!("192.168.{other}.0/24"));
        }
    }
    doc.cluster.remote_network_config = Some(RemoteNetworkConfig {
        remote_node_networks: nodes,
        remote_pod_networks: if choices.chance(30) {
            vec![format!("172.31.{n}.0/24")]
        } else {
            Vec::new()
        },
    });
    let hosts: Vec<String> = doc
        .clients
        .iter()
        .filter(|client| client.proxy.is_none())
        .map(|client| client.name.clone())
        .collect();
    // Any client without a proxy of its own can be one (SPEC 10.1).
    let proxy = (!hosts.is_empty() && choices.chance(25)).then(|| choices.pick(&hosts).clone());
    doc.node_groups.push(NodeGroup {
        name: "hy-0".to_owned(),
        subnets: Vec::new(),
        network: Some(network),
        ips: choices.chance(50).then(|| {
            let mut ips = vec![format!("192.168.{n}.40")];
            if choices.chance(50) {
                ips.push(format!("192.168.{n}.41"));
            }
            ips
        }),
        security_groups: None,
        public_ip: None,
        proxy,
    });
}
