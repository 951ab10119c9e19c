//! The validated scenario: every reference resolved to an index, every address parsed.
//!
//! Elements that AWS nests (subnets in a VPC, rules in a security group) are kept in flat
//! arenas with a back-reference to their VPC, so the resolver and the tracer can look any of
//! them up in O(1) by index. Each element remembers its field path in the file, so findings
//! and blocked hops can point at the YAML that caused them.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use hickory_proto::rr::Name;
use ipnetwork::{IpNetwork, Ipv4Network, Ipv6Network};

use super::spans::{DocumentSpans, Position};

macro_rules! index_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub usize);
    )*};
}

index_type!(
    /// A VPC in [`Scenario::vpcs`].
    VpcIx,
    /// A subnet in [`Scenario::subnets`].
    SubnetIx,
    /// A route table in [`Scenario::route_tables`].
    RouteTableIx,
    /// A security group in [`Scenario::security_groups`].
    SgIx,
    /// A network ACL in [`Scenario::network_acls`].
    AclIx,
    /// A NAT gateway in [`Scenario::nat_gateways`].
    NatIx,
    /// A connection in [`Scenario::connections`].
    ConnIx,
    /// A network in [`Scenario::networks`].
    NetworkIx,
    /// A custom DNS server in [`Scenario::dns_servers`].
    DnsServerIx,
    /// A client in [`Scenario::clients`].
    ClientIx,
    /// A node group in [`Scenario::node_groups`].
    NodeGroupIx,
);

/// Where the scenario came from: the file name to print and the positions of its nodes.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub file: String,
    pub spans: DocumentSpans,
    /// For a scenario imported in memory from an eksctl config, a Terraform file, a
    /// CloudFormation template or AWS CLI output: where its elements came from in that file.
    /// `spans` then index the generated YAML, which no user sees, so they are never used.
    pub origin: Option<Arc<SourceMap>>,
}

impl Source {
    /// The position of the value at `path` (or its nearest ancestor) in the file the user
    /// wrote: the scenario itself, or the source it was imported from when that is known.
    pub fn position(&self, path: &str) -> Option<Position> {
        match &self.origin {
            None => self.spans.value(path),
            Some(origin) => origin.position(path),
        }
    }
}

/// Positions in an imported file, found by translating a scenario path into the path of
/// the source element it came from (`cluster.publicAccessCidrs[0]` →
/// `vpc.publicAccessCIDRs[0]` in an eksctl config).
pub struct SourceMap {
    spans: DocumentSpans,
    translate: Box<Translate>,
    /// Where a path points when neither it nor an ancestor is written in the source: the
    /// element that defines the cluster.
    fallback: Option<String>,
}

/// Scenario path → source path, when the source has one.
type Translate = dyn Fn(&str) -> Option<String> + Send + Sync;

impl SourceMap {
    pub fn new(
        spans: DocumentSpans,
        translate: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        SourceMap {
            spans,
            translate: Box::new(translate),
            fallback: None,
        }
    }

    /// The same map, pointing at `path` when the source writes neither an element nor its
    /// ancestors.
    pub fn with_fallback(mut self, path: impl Into<String>) -> Self {
        self.fallback = Some(path.into());
        self
    }

    /// No position: a source whose lines the importer does not know (JSON plans, AWS CLI
    /// output). Better none than the line of the generated YAML.
    pub fn unknown() -> Self {
        SourceMap::new(DocumentSpans::default(), |_| None)
    }

    /// The position of the source element `path` came from: its value when the source
    /// writes it, else the key of its nearest written ancestor (`ResourcesVpcConfig:` for a
    /// `PublicAccessCidrs` the template leaves out), which is the line to add it under.
    pub fn position(&self, path: &str) -> Option<Position> {
        let source = (self.translate)(path)?;
        if self.spans.has(&source) {
            return self.spans.value(&source);
        }
        // The document itself (`""`) is no element to point at: the fallback is better.
        let mut ancestor = super::spans::parent_path(&source).filter(|a| !a.is_empty());
        while let Some(current) = ancestor {
            if self.spans.has(current) {
                return self.spans.key(current);
            }
            ancestor = super::spans::parent_path(current).filter(|a| !a.is_empty());
        }
        match &self.fallback {
            Some(fallback) if self.spans.has(fallback) => self.spans.key(fallback),
            _ => self.spans.value(&source),
        }
    }
}

impl std::fmt::Debug for SourceMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceMap").finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    pub cluster: Cluster,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub security_groups: Vec<SecurityGroup>,
    pub network_acls: Vec<NetworkAcl>,
    pub nat_gateways: Vec<NatGateway>,
    pub connections: Vec<Connection>,
    pub networks: Vec<Network>,
    pub dns_servers: Vec<DnsServer>,
    /// The clients as written, then one implicit client per node group and subnet.
    pub clients: Vec<Client>,
    pub node_groups: Vec<NodeGroup>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    /// Rule codes the scenario silences, each with its reason.
    pub ignores: Vec<Ignore>,
    /// Set when `eksflow import` wrote the scenario.
    pub imported: Option<Imported>,
    pub source: Source,
    /// Whether DNS queries are traced hop by hop (SPEC 8.6).
    pub dns_transport: DnsTransport,
    /// Whether `dnsTransport` was written (the writer keeps it only then).
    pub dns_transport_written: bool,
}

/// `dnsTransport` (SPEC 8.6): whether every DNS query is assumed to arrive, or traced on
/// UDP 53 through routes, network ACLs and security groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DnsTransport {
    #[default]
    Assumed,
    Traced,
}

impl DnsTransport {
    pub fn as_str(self) -> &'static str {
        match self {
            DnsTransport::Assumed => "assumed",
            DnsTransport::Traced => "traced",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "assumed" => Some(DnsTransport::Assumed),
            "traced" => Some(DnsTransport::Traced),
            _ => None,
        }
    }
}

/// Nodes of one node group: each subnet of it holds an implicit client that must reach the
/// API server, and that the control plane must reach on TCP 10250 (kubelet).
#[derive(Debug, Clone)]
pub struct NodeGroup {
    pub name: String,
    pub path: String,
    pub subnets: Vec<SubnetIx>,
    pub security_groups: Vec<SgIx>,
    /// True when `securityGroups` was omitted and the cluster security group applies, as EKS
    /// does for managed node groups.
    pub default_security_groups: bool,
    /// The public IPv4 address of a node, used where its subnet routes to an internet
    /// gateway (EC2 auto-assigns one in a subnet with `MapPublicIpOnLaunch`).
    pub public_ip: Option<Ipv4Addr>,
    /// The implicit clients, one per subnet, in subnet order (a hybrid group: one per
    /// node address).
    pub clients: Vec<ClientIx>,
    /// A hybrid node group's on-premises network (`subnets` is then empty, SPEC 9.1).
    pub network: Option<NetworkIx>,
    /// A hybrid group's node addresses, and whether they were written (`ips`).
    pub ips: Vec<Ipv4Addr>,
    pub ips_written: bool,
}

/// A VPC endpoint for an AWS service (`ecr.api`, `s3`, ...).
#[derive(Debug, Clone)]
pub struct VpcEndpoint {
    pub path: String,
    pub vpc: VpcIx,
    /// The short service name: `ecr.api`, `s3`, `sts`.
    pub service: String,
    pub kind: VpcEndpointKind,
    /// Interface endpoints: whether the service's public name resolves to the endpoint.
    pub private_dns: bool,
    pub subnets: Vec<SubnetIx>,
    /// Gateway endpoints: the route tables that get the service's prefix list route; empty
    /// means not stated (all of the VPC's tables are assumed).
    pub route_tables: Vec<RouteTableIx>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VpcEndpointKind {
    Interface,
    Gateway,
}

/// `imported: { from, missing }`: what an import could not see in its source.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub from: String,
    pub missing: Vec<String>,
}

/// `ignore: [{ code, reason }]`.
#[derive(Debug, Clone)]
pub struct Ignore {
    pub code: String,
    pub reason: String,
    pub path: String,
}

/// The three endpoint access modes EKS offers. Both off is rejected by EKS ("You must enable
/// private access to disable public access"), so it cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointAccess {
    Public,
    PublicAndPrivate,
    Private,
}

impl EndpointAccess {
    pub const ALL: [EndpointAccess; 3] = [
        EndpointAccess::Public,
        EndpointAccess::PublicAndPrivate,
        EndpointAccess::Private,
    ];

    pub fn public_access(self) -> bool {
        matches!(
            self,
            EndpointAccess::Public | EndpointAccess::PublicAndPrivate
        )
    }

    pub fn private_access(self) -> bool {
        matches!(
            self,
            EndpointAccess::PublicAndPrivate | EndpointAccess::Private
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EndpointAccess::Public => "public",
            EndpointAccess::PublicAndPrivate => "public-and-private",
            EndpointAccess::Private => "private",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        EndpointAccess::ALL
            .into_iter()
            .find(|mode| mode.as_str() == text)
    }
}

impl fmt::Display for EndpointAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An address family (SPEC 7). IPv4 is every cluster's; IPv6 is added by `ipFamily: ipv6`
/// and by the `ipv6` fields of subnets, clients and ENIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Family {
    #[default]
    Ipv4,
    Ipv6,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Ipv4 => "ipv4",
            Family::Ipv6 => "ipv6",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ipv4" => Some(Family::Ipv4),
            "ipv6" => Some(Family::Ipv6),
            _ => None,
        }
    }

    pub fn of(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(_) => Family::Ipv4,
            IpAddr::V6(_) => Family::Ipv6,
        }
    }

    pub fn of_network(network: IpNetwork) -> Self {
        match network {
            IpNetwork::V4(_) => Family::Ipv4,
            IpNetwork::V6(_) => Family::Ipv6,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The endpoint domains of a dual-stack endpoint: "EKS creates a unique dual-stack endpoint
/// in the following format for new IPv6 clusters that are made after October 2024":
/// `eks-cluster.region.api.aws`, in China `….api.amazonwebservices.com.cn` (EKS user guide,
/// cluster-endpoint, "IPv6 cluster endpoint format").
pub const DUAL_STACK_DOMAINS: [&str; 2] = ["api.aws", "api.amazonwebservices.com.cn"];

#[derive(Debug, Clone)]
pub struct Cluster {
    pub name: String,
    pub region: String,
    /// The API server hostname, as a DNS name.
    pub endpoint: Name,
    /// True when `endpoint` was derived from the cluster name rather than written.
    pub endpoint_derived: bool,
    pub access: EndpointAccess,
    /// Allowed sources for the public endpoint, as written (host bits kept for lint).
    pub public_access_cidrs: Vec<IpNetwork>,
    /// True when `publicAccessCidrs` was absent and the EKS default `0.0.0.0/0` applies.
    pub public_access_cidrs_default: bool,
    pub public_endpoint_ips: Vec<Ipv4Addr>,
    /// True when `publicEndpointIps` was absent and placeholders stand in.
    pub public_endpoint_ips_placeholder: bool,
    /// `kubernetesNetworkConfig.ipFamily` ("If you don't specify a value, ipv4 is used by
    /// default", EKS API, KubernetesNetworkConfigRequest).
    pub ip_family: Family,
    /// Whether the endpoint answers AAAA too: an `ipv6` cluster whose endpoint is under
    /// `api.aws` (SPEC 7.2). Older IPv6 clusters under `eks.amazonaws.com` are IPv4-only.
    pub dual_stack: bool,
    /// The IPv6 entries of `publicEndpointIps` (placeholders on a dual-stack endpoint that
    /// lists none); answered as AAAA records only when `dual_stack`.
    pub public_endpoint_ipv6: Vec<Ipv6Addr>,
    /// True when the IPv6 public endpoint addresses are placeholders.
    pub public_endpoint_ipv6_placeholder: bool,
    pub vpc: VpcIx,
    pub security_groups: Vec<SgIx>,
    pub enis: Vec<Eni>,
    /// EKS Hybrid Nodes settings (SPEC 9.1); all absent in a cloud-only cluster.
    pub hybrid: HybridConfig,
}

/// `serviceIpv4Cidr` and `remoteNetworkConfig` (SPEC 9.1).
#[derive(Debug, Clone, Default)]
pub struct HybridConfig {
    /// `serviceIpv4Cidr` as written; see [`Scenario::service_ipv4_cidr`] for the default.
    pub service_ipv4_cidr: Option<Ipv4Network>,
    /// `remoteNetworkConfig` as written (`None`: absent).
    pub remote: Option<RemoteNetworkConfig>,
}

/// The on-premises blocks EKS routes to through the cluster VPC ("You configure the EKS
/// cluster with these remote node CIDRs so EKS knows to route all traffic destined for the
/// hybrid nodes IPs through your cluster's VPC", EKS user guide,
/// hybrid-nodes-concepts-networking).
#[derive(Debug, Clone, Default)]
pub struct RemoteNetworkConfig {
    pub node_networks: Vec<Ipv4Network>,
    pub pod_networks: Vec<Ipv4Network>,
}

impl HybridConfig {
    /// Whether `ip` lies in a `remoteNodeNetworks` block.
    pub fn is_remote_node(&self, ip: Ipv4Addr) -> bool {
        self.remote
            .as_ref()
            .is_some_and(|remote| remote.node_networks.iter().any(|block| block.contains(ip)))
    }
}

/// An EKS-owned network interface of the control plane.
#[derive(Debug, Clone)]
pub struct Eni {
    pub subnet: SubnetIx,
    pub ip: Ipv4Addr,
    /// The ENI's IPv6 address: written, or on an `ipv6` cluster derived from its subnet's
    /// `ipv6Cidr` ("the network interfaces that Amazon EKS creates for your cluster … are
    /// assigned an IPv4 and an IPv6 address", EKS user guide, network-reqs).
    pub ipv6: Option<Ipv6Addr>,
    /// True when `ipv6` was derived, not written.
    pub ipv6_placeholder: bool,
}

impl Eni {
    /// The ENI's address of `family`.
    pub fn address(&self, family: Family) -> Option<IpAddr> {
        match family {
            Family::Ipv4 => Some(IpAddr::V4(self.ip)),
            Family::Ipv6 => self.ipv6.map(IpAddr::V6),
        }
    }

    /// Whether `address` is one of this ENI's.
    pub fn has(&self, address: IpAddr) -> bool {
        match address {
            IpAddr::V4(v4) => self.ip == v4,
            IpAddr::V6(v6) => self.ipv6 == Some(v6),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Vpc {
    pub id: String,
    pub path: String,
    /// Primary CIDR first, then secondary CIDRs.
    pub cidrs: Vec<Ipv4Network>,
    /// `ipv6Cidrs`: the VPC's IPv6 blocks (Amazon-provided, BYOIP or IPAM).
    pub ipv6_cidrs: Vec<Ipv6Network>,
    pub enable_dns_support: bool,
    pub enable_dns_hostnames: bool,
    /// `dhcpOptions.domainNameServers`, in order.
    pub dns_servers: Vec<DhcpDnsServer>,
    pub internet_gateway: Option<String>,
    /// An egress-only internet gateway: outbound IPv6 only ("prevents hosts outside of your
    /// VPC from initiating an IPv6 connection", EC2 API, CreateEgressOnlyInternetGateway).
    pub egress_only_internet_gateway: Option<String>,
    pub subnets: Vec<SubnetIx>,
    pub inbound_endpoints: Vec<InboundEndpoint>,
    pub forward_rules: Vec<ForwardRule>,
    /// Resolver outbound endpoints: where forwarded queries leave the VPC (SPEC 8.1).
    pub outbound_endpoints: Vec<ResolverEndpoint>,
}

impl Vpc {
    /// The Route 53 Resolver address: the primary CIDR's base plus two ("For VPCs with
    /// multiple CIDR blocks, the IP address of the DNS server is located in the primary
    /// CIDR", VPC user guide, subnet-sizing).
    pub fn resolver_ip(&self) -> Option<Ipv4Addr> {
        let primary = self.cidrs.first()?;
        Some(Ipv4Addr::from(u32::from(primary.network()).wrapping_add(2)))
    }

    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        self.cidrs.iter().any(|cidr| cidr.contains(ip))
    }

    /// Whether `ip` falls in one of the VPC's blocks of its family (the local routes).
    pub fn holds(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(v4) => self.contains(v4),
            IpAddr::V6(v6) => self.ipv6_cidrs.iter().any(|cidr| cidr.contains(v6)),
        }
    }
}

/// One entry of a DHCP option set's `domain-name-servers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DhcpDnsServer {
    AmazonProvidedDns,
    Ip(Ipv4Addr),
}

/// A Resolver endpoint, inbound or outbound: "Route 53 Resolver endpoint elastic network
/// interfaces" in the VPC's subnets, with their security groups (Route 53 API,
/// IpAddressRequest).
#[derive(Debug, Clone)]
pub struct ResolverEndpoint {
    pub id: String,
    pub path: String,
    /// The IPv4 addresses, in the order written.
    pub ips: Vec<Ipv4Addr>,
    /// One per address of `ips`: its interface.
    pub interfaces: Vec<EndpointInterface>,
    pub security_groups: Vec<SgIx>,
    /// Whether `securityGroups` was written (SPEC 8.6 counts written groups).
    pub security_groups_written: bool,
}

/// The inbound endpoints keep their old name.
pub type InboundEndpoint = ResolverEndpoint;

/// One network interface of a Resolver endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointInterface {
    pub ip: Ipv4Addr,
    pub ipv6: Option<Ipv6Addr>,
    /// The subnet holding the address (`None`: in no declared subnet, `assumed` only).
    pub subnet: Option<SubnetIx>,
    /// Whether it was written as a mapping (the writer keeps the form).
    pub mapping: bool,
    /// Whether `subnet` was written.
    pub subnet_written: bool,
}

/// A Resolver endpoint named from elsewhere: the VPC it is in, and its index there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointRef {
    pub vpc: VpcIx,
    pub index: usize,
}

#[derive(Debug, Clone)]
pub struct ForwardRule {
    pub id: Option<String>,
    pub domain: Name,
    pub target_ips: Vec<Ipv4Addr>,
    /// `outboundEndpoint` as written.
    pub outbound_endpoint_written: Option<String>,
    /// The outbound endpoint the rule's queries leave through: the one written, else the
    /// VPC's only one (SPEC 8.1); `None`: no endpoint (EKS028).
    pub outbound_endpoint: Option<EndpointRef>,
}

impl ForwardRule {
    /// `Resolver rule rslvr-rr-corp for corp.example`.
    pub fn describe(&self) -> String {
        match &self.id {
            Some(id) => format!("Resolver rule {id} for {}", domain_text(&self.domain)),
            None => format!(
                "the Resolver forward rule for {}",
                domain_text(&self.domain)
            ),
        }
    }
}

/// A domain as people write it: `corp.example`, and `.` for the root.
pub fn domain_text(name: &Name) -> String {
    let text = name.to_ascii();
    match text.strip_suffix('.') {
        Some(stripped) if !stripped.is_empty() => stripped.to_owned(),
        _ => text,
    }
}

#[derive(Debug, Clone)]
pub struct Subnet {
    pub id: String,
    pub path: String,
    pub vpc: VpcIx,
    pub cidr: Ipv4Network,
    /// `ipv6Cidr`: the subnet's /64, inside one of the VPC's `ipv6Cidrs`.
    pub ipv6_cidr: Option<Ipv6Network>,
    pub az: Option<String>,
    /// `None`: the VPC's main route table, which holds only the local routes.
    pub route_table: Option<RouteTableIx>,
    /// `None`: the VPC's default network ACL, which allows all traffic.
    pub network_acl: Option<AclIx>,
}

#[derive(Debug, Clone)]
pub struct RouteTable {
    pub id: String,
    pub path: String,
    pub vpc: VpcIx,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Either family; a route of one family never matches traffic of the other.
    pub destination: IpNetwork,
    pub target: RouteTarget,
    pub path: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteTarget {
    /// Written `local`; the local routes for the VPC CIDRs are implicit anyway.
    Local,
    InternetGateway,
    /// The VPC's egress-only internet gateway (IPv6 destinations only).
    EgressOnlyInternetGateway,
    Nat(NatIx),
    Connection(ConnIx),
}

#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub id: String,
    pub path: String,
    pub vpc: VpcIx,
    pub ingress: Vec<SgRule>,
    /// `None`: no egress rules written, so the AWS default (allow all outbound) applies.
    pub egress: Option<Vec<SgRule>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SgRule {
    pub protocol: Protocol,
    pub ports: PortRange,
    pub peer: SgPeer,
    pub path: String,
}

/// The other side of a security group rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SgPeer {
    /// Either family; matches only addresses of its own.
    Cidr(IpNetwork),
    Group(SgIx),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
    All,
}

impl Protocol {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "tcp" | "6" => Some(Protocol::Tcp),
            "udp" | "17" => Some(Protocol::Udp),
            "icmp" | "1" => Some(Protocol::Icmp),
            "all" | "-1" => Some(Protocol::All),
            _ => None,
        }
    }

    /// Whether a rule for this protocol matches TCP traffic.
    pub fn matches_tcp(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::All)
    }

    /// Whether a rule for this protocol matches `traffic` (TCP or UDP).
    pub fn matches(self, traffic: Protocol) -> bool {
        self == Protocol::All || self == traffic
    }

    /// Whether the rule's port range applies (AWS ignores ports for `all` and `icmp`).
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::All => "all",
        })
    }
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

impl PortRange {
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };
    pub const HTTPS: PortRange = PortRange { from: 443, to: 443 };
    /// The ephemeral range the return traffic of a TCP connection goes to. The VPC user guide
    /// (network ACLs, "Ephemeral ports") recommends opening 1024-65535 to cover every client;
    /// a NAT gateway uses exactly that range.
    pub const EPHEMERAL: PortRange = PortRange {
        from: 1024,
        to: 65535,
    };

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (from, to) = match text.split_once('-') {
            Some((from, to)) => (from.trim().parse().ok()?, to.trim().parse().ok()?),
            None => {
                let port = text.parse().ok()?;
                (port, port)
            }
        };
        (from <= to).then_some(PortRange { from, to })
    }

    pub fn contains(self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

#[derive(Debug, Clone)]
pub struct NetworkAcl {
    pub id: String,
    pub path: String,
    pub vpc: VpcIx,
    /// Sorted by rule number: the order AWS evaluates them in.
    pub inbound: Vec<AclRule>,
    pub outbound: Vec<AclRule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclRule {
    pub number: u32,
    pub protocol: Protocol,
    pub ports: PortRange,
    /// Either family; matches only addresses of its own, so a written NACL needs IPv6 rules
    /// for IPv6 traffic.
    pub cidr: IpNetwork,
    pub allow: bool,
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct NatGateway {
    pub id: String,
    pub path: String,
    pub subnet: SubnetIx,
    /// `None`: a private NAT gateway, which cannot reach the internet.
    pub public_ip: Option<Ipv4Addr>,
}

#[derive(Debug, Clone)]
pub struct Connection {
    pub id: String,
    pub path: String,
    pub kind: ConnectionKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionKind {
    Peering {
        vpcs: [VpcIx; 2],
    },
    /// A transit gateway with one route table: its static `routes`, and the routes each
    /// attachment propagates (its CIDRs, the AWS default).
    TransitGateway {
        attachments: Vec<TgwAttachment>,
        routes: Vec<TgwRoute>,
    },
    Vpn {
        vpc: VpcIx,
        network: NetworkIx,
    },
    DirectConnect {
        vpc: VpcIx,
        network: NetworkIx,
    },
}

impl ConnectionKind {
    pub fn label(&self) -> &'static str {
        match self {
            ConnectionKind::Peering { .. } => "peering connection",
            ConnectionKind::TransitGateway { .. } => "transit gateway",
            ConnectionKind::Vpn { .. } => "VPN connection",
            ConnectionKind::DirectConnect { .. } => "Direct Connect connection",
        }
    }

    /// Whether the connection has a leg in `place`.
    pub fn attaches(&self, place: Attachment) -> bool {
        match self {
            ConnectionKind::Peering { vpcs } => {
                matches!(place, Attachment::Vpc(vpc) if vpcs.contains(&vpc))
            }
            ConnectionKind::TransitGateway { attachments, .. } => attachments
                .iter()
                .any(|attachment| attachment.place == place),
            ConnectionKind::Vpn { vpc, network }
            | ConnectionKind::DirectConnect { vpc, network } => {
                place == Attachment::Vpc(*vpc) || place == Attachment::Network(*network)
            }
        }
    }
}

/// A place a connection attaches to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attachment {
    Vpc(VpcIx),
    Network(NetworkIx),
}

/// One attachment of a transit gateway: a network, or a VPC with the subnets that hold the
/// attachment's network interfaces (`{vpc, subnets}`). Traffic from the transit gateway
/// enters the VPC there and follows that subnet's route table (Transit Gateway guide,
/// "Amazon VPC attachments": "The specified subnets serve as the entry and exit points for
/// transit gateway traffic"). A VPC written as a bare ID has no subnets listed: its traffic
/// follows the VPC's main route table, which eksflow models with only the local routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TgwAttachment {
    pub place: Attachment,
    pub subnets: Vec<SubnetIx>,
}

/// A static route of a transit gateway: `destination` to the attachment `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TgwRoute {
    pub destination: IpNetwork,
    pub target: Attachment,
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct Network {
    pub id: String,
    pub path: String,
    pub cidrs: Vec<Ipv4Network>,
    pub ipv6_cidrs: Vec<Ipv6Network>,
    pub internet_egress_ip: Option<Ipv4Addr>,
    /// `ipv6Internet`: the site reaches the IPv6 internet, with its hosts' own addresses.
    pub ipv6_internet: bool,
    pub routes: Vec<NetworkRoute>,
    pub dns_servers: Vec<Ipv4Addr>,
}

impl Network {
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        self.cidrs.iter().any(|cidr| cidr.contains(ip))
    }

    /// Whether `ip` falls in one of the network's blocks of its family.
    pub fn holds(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(v4) => self.contains(v4),
            IpAddr::V6(v6) => self.ipv6_cidrs.iter().any(|cidr| cidr.contains(v6)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NetworkRoute {
    pub destination: IpNetwork,
    pub target: ConnIx,
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct DnsServer {
    pub ip: Ipv4Addr,
    pub path: String,
    pub forwarders: Vec<Forwarder>,
    /// The server instance's security groups (no groups: accepts 53 from anywhere).
    pub security_groups: Vec<SgIx>,
    pub security_groups_written: bool,
    /// The VPC subnet holding the server's address, when it sits in one.
    pub subnet: Option<SubnetIx>,
}

#[derive(Debug, Clone)]
pub struct Forwarder {
    pub domain: Name,
    pub to: Vec<ForwardTarget>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardTarget {
    /// The Route 53 Resolver of the VPC the forwarding server sits in.
    AmazonProvidedDns,
    Ip(Ipv4Addr),
}

#[derive(Debug, Clone)]
pub struct Client {
    pub name: String,
    pub path: String,
    pub location: ClientLocation,
    pub ip: Ipv4Addr,
    /// Makes the client dual-stack: it tries the IPv6 answers first (SPEC 7.4).
    pub ipv6: Option<Ipv6Addr>,
    pub public_ip: Option<Ipv4Addr>,
    pub security_groups: Vec<SgIx>,
    pub expect: Option<Expectation>,
    /// Set for the implicit client of a node group in one of its subnets.
    pub node_group: Option<NodeGroupIx>,
    /// The HTTPS proxy the client connects through (SPEC 10).
    pub proxy: Option<ProxyRef>,
}

/// `proxy` and `proxyPort` (SPEC 10.1), as written and as resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRef {
    /// The proxy host, a client of the scenario.
    pub client: ClientIx,
    /// The TCP port the client connects to: `proxyPort`, default 3128.
    pub port: u16,
    /// `proxy` and `proxyPort` as written (the writer keeps them).
    pub written: String,
    pub port_written: bool,
}

/// Squid's default port (SPEC 10.1, choice).
pub const DEFAULT_PROXY_PORT: u16 = 3128;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientLocation {
    Subnet(SubnetIx),
    Network(NetworkIx),
    Internet,
}

/// What a client's author says must happen (`expect:`), checked by CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expectation {
    pub answer: Option<ExpectedAnswer>,
    pub reachable: Option<bool>,
    /// The family of the target that decides the verdict (SPEC 7.7).
    pub family: Option<Family>,
}

impl Client {
    /// The client's own address of `family`: the source of its packets to that family
    /// (no NAT for IPv6).
    pub fn address(&self, family: Family) -> Option<IpAddr> {
        match family {
            Family::Ipv4 => Some(IpAddr::V4(self.ip)),
            Family::Ipv6 => self.ipv6.map(IpAddr::V6),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedAnswer {
    Public,
    Private,
    None,
}

impl ExpectedAnswer {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "public" => Some(ExpectedAnswer::Public),
            "private" => Some(ExpectedAnswer::Private),
            "none" => Some(ExpectedAnswer::None),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExpectedAnswer::Public => "public",
            ExpectedAnswer::Private => "private",
            ExpectedAnswer::None => "none",
        }
    }
}

impl Scenario {
    pub fn vpc(&self, ix: VpcIx) -> Option<&Vpc> {
        self.vpcs.get(ix.0)
    }
    pub fn subnet(&self, ix: SubnetIx) -> Option<&Subnet> {
        self.subnets.get(ix.0)
    }
    pub fn route_table(&self, ix: RouteTableIx) -> Option<&RouteTable> {
        self.route_tables.get(ix.0)
    }
    pub fn security_group(&self, ix: SgIx) -> Option<&SecurityGroup> {
        self.security_groups.get(ix.0)
    }
    pub fn network_acl(&self, ix: AclIx) -> Option<&NetworkAcl> {
        self.network_acls.get(ix.0)
    }
    pub fn nat_gateway(&self, ix: NatIx) -> Option<&NatGateway> {
        self.nat_gateways.get(ix.0)
    }
    pub fn connection(&self, ix: ConnIx) -> Option<&Connection> {
        self.connections.get(ix.0)
    }
    pub fn network(&self, ix: NetworkIx) -> Option<&Network> {
        self.networks.get(ix.0)
    }
    pub fn dns_server(&self, ix: DnsServerIx) -> Option<&DnsServer> {
        self.dns_servers.get(ix.0)
    }
    pub fn client(&self, ix: ClientIx) -> Option<&Client> {
        self.clients.get(ix.0)
    }
    pub fn node_group(&self, ix: NodeGroupIx) -> Option<&NodeGroup> {
        self.node_groups.get(ix.0)
    }

    /// The cluster VPC.
    pub fn cluster_vpc(&self) -> Option<&Vpc> {
        self.vpc(self.cluster.vpc)
    }

    /// The custom DNS server declared at `ip`.
    pub fn dns_server_at(&self, ip: Ipv4Addr) -> Option<(DnsServerIx, &DnsServer)> {
        self.dns_servers
            .iter()
            .enumerate()
            .find(|(_, server)| server.ip == ip)
            .map(|(ix, server)| (DnsServerIx(ix), server))
    }

    /// The VPC whose CIDRs hold `ip`.
    pub fn vpc_containing(&self, ip: Ipv4Addr) -> Option<VpcIx> {
        self.vpcs.iter().position(|vpc| vpc.contains(ip)).map(VpcIx)
    }

    /// The network whose CIDRs hold `ip`.
    pub fn network_containing(&self, ip: Ipv4Addr) -> Option<NetworkIx> {
        self.networks
            .iter()
            .position(|network| network.contains(ip))
            .map(NetworkIx)
    }

    /// A Resolver outbound endpoint by reference.
    pub fn outbound_endpoint(&self, at: EndpointRef) -> Option<&ResolverEndpoint> {
        self.vpc(at.vpc)?.outbound_endpoints.get(at.index)
    }

    /// The subnet of `vpc` whose block holds `ip`.
    pub fn subnet_holding(&self, vpc: VpcIx, ip: Ipv4Addr) -> Option<SubnetIx> {
        self.vpc(vpc)?
            .subnets
            .iter()
            .copied()
            .find(|ix| self.subnet(*ix).is_some_and(|s| s.cidr.contains(ip)))
    }

    /// The Kubernetes service block: `serviceIpv4Cidr`, else what EKS picks. "Kubernetes
    /// assigns addresses from either the 10.100.0.0/16 or 172.20.0.0/16 CIDR blocks" (EKS
    /// API, KubernetesNetworkConfigRequest); eksflow takes 172.20.0.0/16 when a cluster VPC
    /// CIDR lies in 10.0.0.0/8, else 10.100.0.0/16 (SPEC 9.1, choice: observed, not
    /// documented).
    pub fn service_ipv4_cidr(&self) -> Ipv4Network {
        if let Some(written) = self.cluster.hybrid.service_ipv4_cidr {
            return written;
        }
        let ten = Ipv4Network::new(Ipv4Addr::new(10, 0, 0, 0), 8).ok();
        let in_ten = self.cluster_vpc().is_some_and(|vpc| {
            vpc.cidrs
                .iter()
                .any(|cidr| ten.is_some_and(|ten| ten.contains(cidr.network())))
        });
        let (a, b) = if in_ten { (172, 20) } else { (10, 100) };
        Ipv4Network::new(Ipv4Addr::new(a, b, 0, 0), 16)
            .unwrap_or(Ipv4Network::from(Ipv4Addr::UNSPECIFIED))
    }

    /// The endpoint IP addresses of the EKS-owned ENIs, in the order written.
    pub fn eni_ips(&self) -> Vec<Ipv4Addr> {
        self.cluster.enis.iter().map(|eni| eni.ip).collect()
    }

    /// The ENIs' IPv6 addresses, in the order written (those that have one).
    pub fn eni_ipv6s(&self) -> Vec<Ipv6Addr> {
        self.cluster
            .enis
            .iter()
            .filter_map(|eni| eni.ipv6)
            .collect()
    }

    /// Names of several security groups, for messages: `sg-a, sg-b`.
    pub fn sg_names(&self, groups: &[SgIx]) -> String {
        groups
            .iter()
            .filter_map(|sg| self.security_group(*sg))
            .map(|sg| sg.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
