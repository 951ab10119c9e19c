//! What an importer read from its source: AWS resources in one neutral shape, before they
//! become a scenario. Every importer (Terraform, eksctl, CloudFormation, AWS CLI output) fills
//! an [`Inventory`]; [`super::build`] turns it into scenarios, so the scenario rules (which
//! table a subnet uses, which ENIs EKS creates) live in one place.
//!
//! IDs are the resource's real AWS ID when the source knows it, otherwise a stable name from
//! the source (a Terraform resource address, a CloudFormation logical ID). `origin` says where
//! the element came from, for the comments of the generated scenario. Values the source does
//! not know are `None`, and the builder decides (and writes down) what to assume.

/// Everything read from one source.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// What was read, for the scenario header: `terraform plan (plan.json)`.
    pub source: String,
    /// The region, when the source says (provider configuration, an ARN, an AZ name).
    pub region: Option<String>,
    pub clusters: Vec<ClusterDef>,
    pub node_groups: Vec<NodeGroupDef>,
    pub vpcs: Vec<VpcDef>,
    pub subnets: Vec<SubnetDef>,
    pub route_tables: Vec<RouteTableDef>,
    pub internet_gateways: Vec<GatewayDef>,
    /// Egress-only internet gateways ("[IPv6 only]", EC2 API, CreateEgressOnlyInternetGateway).
    pub egress_only_internet_gateways: Vec<GatewayDef>,
    pub nat_gateways: Vec<NatDef>,
    pub security_groups: Vec<SecurityGroupDef>,
    pub network_acls: Vec<NetworkAclDef>,
    pub peerings: Vec<PeeringDef>,
    pub transit_gateway_attachments: Vec<TgwAttachmentDef>,
    pub transit_gateway_routes: Vec<TgwRouteDef>,
    /// Virtual private gateways: their VPC, so VPN routes and connections can find it.
    pub vpn_gateways: Vec<GatewayDef>,
    pub vpn_connections: Vec<VpnDef>,
    pub resolver_endpoints: Vec<ResolverEndpointDef>,
    pub resolver_rules: Vec<ResolverRuleDef>,
    pub vpc_endpoints: Vec<VpcEndpointDef>,
    pub dhcp_options: Vec<DhcpOptionsDef>,
    /// EKS-owned network interfaces, when the source shows them (AWS CLI output).
    pub enis: Vec<EniDef>,
    /// Resources read but not modelled, listed in the scenario rather than dropped silently:
    /// `aws_lb.web (aws_lb)`.
    pub unsupported: Vec<String>,
    /// Things the source did not say, and what the import assumed instead, that concern
    /// the whole source (a file that could not be read): every scenario lists them.
    pub missing: Vec<String>,
    /// Such notes about one cluster or one VPC: only the scenarios they concern list them.
    pub scoped_missing: Vec<ScopedNote>,
}

impl Inventory {
    /// A note about one cluster (by name): only that cluster's scenario lists it.
    pub fn note_cluster(&mut self, cluster: &str, text: String) {
        self.scoped_note(About::Cluster(cluster.to_owned()), text);
    }

    /// A note about one VPC (by ID): the scenarios that include the VPC list it; `None` (the
    /// VPC is not known) makes it a note about the whole source.
    pub fn note_vpc(&mut self, vpc: Option<&str>, text: String) {
        match vpc {
            Some(vpc) => self.scoped_note(About::Vpc(vpc.to_owned()), text),
            None => {
                if !self.missing.contains(&text) {
                    self.missing.push(text);
                }
            }
        }
    }

    fn scoped_note(&mut self, about: About, text: String) {
        let note = ScopedNote { about, text };
        if !self.scoped_missing.contains(&note) {
            self.scoped_missing.push(note);
        }
    }
}

/// What a scoped note is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About {
    /// A cluster, by name.
    Cluster(String),
    /// A VPC, by ID.
    Vpc(String),
}

/// An `imported.missing` note about one cluster or one VPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedNote {
    pub about: About,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct ClusterDef {
    pub name: String,
    pub origin: String,
    pub region: Option<String>,
    pub vpc: Option<String>,
    pub subnets: Vec<String>,
    /// Additional security groups from the VPC config (`security_group_ids`).
    pub security_groups: Vec<String>,
    /// The cluster security group EKS creates, when the source knows its ID.
    pub cluster_security_group: Option<String>,
    /// `None`: the source does not say; EKS defaults to public on, private off.
    pub public_access: Option<bool>,
    pub private_access: Option<bool>,
    /// `None`: not set or unknown; EKS defaults to 0.0.0.0/0.
    pub public_access_cidrs: Option<Vec<String>>,
    /// The API server hostname (`https://…` stripped) when known.
    pub endpoint: Option<String>,
    /// `kubernetesNetworkConfig.ipFamily` as written (`ipv4`, `IPv6`), when the source sets
    /// it. `IPv6` (any case) makes the scenario dual-stack (SPEC 7).
    pub ip_family: Option<String>,
    /// `kubernetesNetworkConfig.serviceIpv4Cidr` when the source says (SPEC 9.1); else the
    /// scenario's default applies.
    pub service_ipv4_cidr: Option<String>,
    /// `remoteNetworkConfig` (EKS Hybrid Nodes), the API's `[{cidrs: [...]}]` flattened in
    /// source order, as the scenario writes it (SPEC 9.1). Empty: no hybrid nodes.
    pub remote_node_networks: Vec<String>,
    pub remote_pod_networks: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NodeGroupDef {
    pub name: String,
    pub origin: String,
    /// The cluster's name, when the source says.
    pub cluster: Option<String>,
    pub subnets: Vec<String>,
    /// `None`: the cluster security group (managed node group default).
    pub security_groups: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct VpcDef {
    pub id: String,
    pub origin: String,
    /// Primary first.
    pub cidrs: Vec<String>,
    /// IPv6 blocks the source shows (Amazon-provided, BYOIP, IPAM).
    pub ipv6_cidrs: Vec<String>,
    /// The VPC has an IPv6 block the source does not show: Amazon provides it at creation
    /// (`assign_generated_ipv6_cidr_block`, `AmazonProvidedIpv6CidrBlock`), or a pool does.
    /// The builder puts in a labelled placeholder from the documentation range.
    pub ipv6_unknown: bool,
    pub enable_dns_support: Option<bool>,
    pub enable_dns_hostnames: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct SubnetDef {
    pub id: String,
    pub origin: String,
    pub vpc: Option<String>,
    pub cidr: Option<String>,
    /// The subnet's IPv6 block (a /64 of its VPC's).
    pub ipv6: Ipv6Block,
    pub az: Option<String>,
    /// `MapPublicIpOnLaunch`: instances launched here get a public IPv4 address.
    pub map_public_ip_on_launch: Option<bool>,
}

/// A subnet's IPv6 block, as far as the source shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Ipv6Block {
    /// No IPv6 block, or the source does not say.
    #[default]
    None,
    /// The block, as written.
    Known(String),
    /// The subnet has a block the source does not show (carved from the VPC's block, which is
    /// itself allocated at creation): the builder puts in a labelled placeholder. `index` is
    /// the /64 of the VPC's block the source picks (`Fn::Select [i, Fn::Cidr …]`), when known.
    Unknown { index: Option<u32> },
}

/// What a route sends traffic to. The builder resolves the ID against the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTargetDef {
    Local,
    InternetGateway(String),
    EgressOnlyInternetGateway(String),
    NatGateway(String),
    Peering(String),
    TransitGateway(String),
    VpnGateway(String),
    /// Anything else (a VPC endpoint, an instance, an ENI, a blackhole): kept as a note.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteDef {
    /// An IPv4 or IPv6 block; `None`: a prefix-list destination, or unknown.
    pub destination: Option<String>,
    pub target: RouteTargetDef,
}

#[derive(Debug, Clone, Default)]
pub struct RouteTableDef {
    pub id: String,
    pub origin: String,
    pub vpc: Option<String>,
    pub routes: Vec<RouteDef>,
    /// Subnets explicitly associated with the table.
    pub subnets: Vec<String>,
    /// The VPC's main route table (used by subnets without an association).
    pub main: bool,
}

/// An internet gateway or a virtual private gateway, and the VPC it is attached to.
#[derive(Debug, Clone, Default)]
pub struct GatewayDef {
    pub id: String,
    pub origin: String,
    pub vpc: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NatDef {
    pub id: String,
    pub origin: String,
    pub subnet: Option<String>,
    /// The Elastic IP, when known.
    pub public_ip: Option<String>,
    /// `connectivity_type = private`: no public IP at all.
    pub private: bool,
}

#[derive(Debug, Clone, Default)]
pub struct SecurityGroupDef {
    pub id: String,
    pub origin: String,
    pub vpc: Option<String>,
    pub ingress: Vec<SgRuleDef>,
    /// `None`: no egress rules known, so the AWS default (all outbound) applies.
    pub egress: Option<Vec<SgRuleDef>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SgRuleDef {
    /// `tcp`, `udp`, `icmp`, `-1`/`all`, or a protocol number.
    pub protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub cidrs: Vec<String>,
    /// Referenced security groups (`self` already replaced by the group's own ID).
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NetworkAclDef {
    pub id: String,
    pub origin: String,
    pub vpc: Option<String>,
    /// The VPC's default NACL (used by subnets without an association).
    pub default: bool,
    pub inbound: Vec<AclEntryDef>,
    pub outbound: Vec<AclEntryDef>,
    pub subnets: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AclEntryDef {
    pub rule: i64,
    pub protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    /// `None`: an IPv6 entry.
    pub cidr: Option<String>,
    /// An IPv6 entry's block (`Ipv6CidrBlock`).
    pub ipv6_cidr: Option<String>,
    pub allow: bool,
}

#[derive(Debug, Clone, Default)]
pub struct PeeringDef {
    pub id: String,
    pub origin: String,
    pub vpcs: [Option<String>; 2],
}

#[derive(Debug, Clone, Default)]
pub struct TgwAttachmentDef {
    pub transit_gateway: String,
    pub origin: String,
    pub vpc: Option<String>,
    /// The attachment's own ID, which static transit gateway routes name.
    pub id: Option<String>,
    /// The subnets the attachment sits in: traffic the transit gateway delivers into the VPC
    /// follows their route table (SPEC section 3, centralised egress).
    pub subnets: Vec<String>,
}

/// A static transit gateway route: `destination` to the VPC of attachment `attachment`.
#[derive(Debug, Clone, Default)]
pub struct TgwRouteDef {
    pub origin: String,
    pub destination: String,
    pub attachment: String,
}

#[derive(Debug, Clone, Default)]
pub struct VpnDef {
    pub id: String,
    pub origin: String,
    /// The virtual private gateway (or transit gateway) it terminates on.
    pub vpn_gateway: Option<String>,
    pub transit_gateway: Option<String>,
    /// Static routes to the customer network, when known.
    pub remote_cidrs: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    Inbound,
    Outbound,
}

/// A Route 53 Resolver endpoint: its network interfaces, one per address ("Route 53 Resolver
/// endpoint elastic network interfaces (ENIs)", Route 53 API, IpAddressRequest), and the
/// security groups on them.
#[derive(Debug, Clone, Default)]
pub struct ResolverEndpointDef {
    pub id: String,
    pub origin: String,
    pub direction: Direction,
    pub vpc: Option<String>,
    /// One entry per interface, in source order.
    pub addresses: Vec<EndpointAddressDef>,
    /// `None`: the source does not say (the endpoint then leaves the DNS transport
    /// `assumed`, SPEC 8.6); `Some`: the groups it names, as written.
    pub security_groups: Option<Vec<String>>,
}

/// One address of a Resolver endpoint. The IP is `None` when AWS picks it at creation ("If
/// you don't specify an IP address, Route 53 Resolver chooses an IP address for you from
/// the available IP addresses in the specified subnet", Route 53 API, IpAddressRequest).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointAddressDef {
    pub subnet: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ResolverRuleDef {
    pub id: String,
    pub origin: String,
    pub domain: String,
    /// `FORWARD`, `SYSTEM` or `RECURSIVE`.
    pub rule_type: String,
    pub targets: Vec<RuleTargetDef>,
    /// The outbound endpoint the rule's queries pass through (`ResolverEndpointId`), when
    /// the source names one.
    pub endpoint: Option<String>,
    /// VPCs the rule is associated with.
    pub vpcs: Vec<String>,
}

/// One target of a forward rule: an on-premises DNS server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleTargetDef {
    pub ip: String,
    /// `None`: not given, and Route 53 uses 53.
    pub port: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct VpcEndpointDef {
    pub id: String,
    pub origin: String,
    pub vpc: Option<String>,
    /// As written: `com.amazonaws.eu-west-1.ecr.api` or `ecr.api`.
    pub service: String,
    /// `Interface` or `Gateway` (any case); `None` when the source does not say.
    pub kind: Option<String>,
    pub private_dns: Option<bool>,
    pub subnets: Vec<String>,
    pub route_tables: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct DhcpOptionsDef {
    pub id: String,
    pub origin: String,
    pub domain_name_servers: Vec<String>,
    /// VPCs that use the option set.
    pub vpcs: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct EniDef {
    /// The cluster whose control plane owns it (`Amazon EKS <cluster>`).
    pub cluster: String,
    pub subnet: String,
    pub ip: String,
    /// Its IPv6 address, when the source shows one.
    pub ipv6: Option<String>,
}
