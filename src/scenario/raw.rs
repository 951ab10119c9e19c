//! The scenario exactly as written: what `serde_yaml` can check on its own (field names,
//! scalar types, nesting). Values that need parsing (CIDRs, addresses, ports, enum words) stay
//! text here so that validation can report every bad one, not only the first.
//!
//! Unknown fields are not rejected by serde (`deny_unknown_fields` would stop at the first);
//! the loader collects them all with `serde_ignored` instead.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

/// Deserializes `null` (an empty `key:`) as the type's default, so `clients:` with nothing
/// under it means no clients.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A scalar that may be written as a number or a string: `ports: 443`, `ports: "1024-65535"`,
/// `protocol: -1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A string that must be written as one: `name: 2024` is an error (quote it), where
/// serde_yaml on its own would quietly turn the number into text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Text(pub String);

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawScenario {
    pub version: Option<u64>,
    pub name: Option<Text>,
    pub description: Option<Text>,
    pub cluster: Option<RawCluster>,
    #[serde(default, deserialize_with = "nullable")]
    pub vpcs: Vec<RawVpc>,
    #[serde(default, deserialize_with = "nullable")]
    pub connections: Vec<RawConnection>,
    #[serde(default, deserialize_with = "nullable")]
    pub networks: Vec<RawNetwork>,
    #[serde(default, deserialize_with = "nullable")]
    pub dns_servers: Vec<RawDnsServer>,
    #[serde(default, deserialize_with = "nullable")]
    pub clients: Vec<RawClient>,
    #[serde(default, deserialize_with = "nullable")]
    pub node_groups: Vec<RawNodeGroup>,
    #[serde(default, deserialize_with = "nullable")]
    pub ignore: Vec<RawIgnore>,
    pub imported: Option<RawImported>,
    /// `assumed` or `traced` (SPEC 8.6): whether DNS queries are traced hop by hop.
    pub dns_transport: Option<Text>,
}

/// Written by `eksflow import`: where the scenario came from and what the source lacked.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct RawImported {
    pub from: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub missing: Vec<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawNodeGroup {
    pub name: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub subnets: Vec<Text>,
    /// `None`: the cluster security group, as for a managed node group.
    pub security_groups: Option<Vec<Text>>,
    /// The public IPv4 address nodes get in a subnet that auto-assigns one.
    pub public_ip: Option<Text>,
    /// A `networks[]` ID: an EKS Hybrid Nodes group on premises, instead of `subnets`
    /// (SPEC 9.1).
    pub network: Option<Text>,
    /// A hybrid group's node addresses; absent: one node at a derived address.
    pub ips: Option<Vec<Text>>,
    /// An HTTPS proxy the nodes connect through (SPEC 10.1), as for a client.
    pub proxy: Option<Text>,
    pub proxy_port: Option<u64>,
}

/// `cluster.remoteNetworkConfig` (EKS API, RemoteNetworkConfigRequest), each list of
/// `[{cidrs: [...]}]` flattened to its blocks (SPEC 9.1).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawRemoteNetworkConfig {
    #[serde(default, deserialize_with = "nullable")]
    pub remote_node_networks: Vec<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub remote_pod_networks: Vec<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RawIgnore {
    pub code: Option<Text>,
    pub reason: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawVpcEndpoint {
    pub id: Option<Text>,
    pub service: Option<Text>,
    #[serde(rename = "type")]
    pub kind: Option<Text>,
    pub private_dns: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub subnets: Vec<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub route_tables: Vec<Text>,
}

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawCluster {
    pub name: Option<Text>,
    pub region: Option<Text>,
    pub endpoint: Option<Text>,
    pub endpoint_access: Option<Text>,
    /// `ipv4` (default) or `ipv6`.
    pub ip_family: Option<Text>,
    pub public_access_cidrs: Option<Vec<Text>>,
    pub public_endpoint_ips: Option<Vec<Text>>,
    pub vpc: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub security_groups: Vec<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub enis: Vec<RawEni>,
    /// `kubernetesNetworkConfig.serviceIpv4Cidr` (SPEC 9.1).
    pub service_ipv4_cidr: Option<Text>,
    /// EKS Hybrid Nodes: the on-premises node and pod blocks (SPEC 9.1).
    pub remote_network_config: Option<RawRemoteNetworkConfig>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RawEni {
    pub subnet: Option<Text>,
    pub ip: Option<Text>,
    pub ipv6: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawVpc {
    pub id: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub cidrs: Vec<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub ipv6_cidrs: Vec<Text>,
    pub enable_dns_support: Option<bool>,
    pub enable_dns_hostnames: Option<bool>,
    pub dhcp_options: Option<RawDhcpOptions>,
    pub internet_gateway: Option<Text>,
    pub egress_only_internet_gateway: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub subnets: Vec<RawSubnet>,
    #[serde(default, deserialize_with = "nullable")]
    pub nat_gateways: Vec<RawNatGateway>,
    #[serde(default, deserialize_with = "nullable")]
    pub route_tables: Vec<RawRouteTable>,
    #[serde(default, deserialize_with = "nullable")]
    pub security_groups: Vec<RawSecurityGroup>,
    #[serde(default, deserialize_with = "nullable")]
    pub network_acls: Vec<RawNetworkAcl>,
    pub resolver: Option<RawResolver>,
    #[serde(default, deserialize_with = "nullable")]
    pub vpc_endpoints: Vec<RawVpcEndpoint>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawDhcpOptions {
    pub domain_name_servers: Option<Vec<Text>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawSubnet {
    pub id: Option<Text>,
    pub cidr: Option<Text>,
    pub ipv6_cidr: Option<Text>,
    pub az: Option<Text>,
    pub route_table: Option<Text>,
    pub network_acl: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawNatGateway {
    pub id: Option<Text>,
    pub subnet: Option<Text>,
    pub public_ip: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RawRouteTable {
    pub id: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub routes: Vec<RawRoute>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RawRoute {
    pub destination: Option<Text>,
    pub target: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RawSecurityGroup {
    pub id: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub ingress: Vec<RawSgRule>,
    /// `None` means the AWS default: allow all outbound.
    pub egress: Option<Vec<RawSgRule>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawSgRule {
    pub protocol: Option<Scalar>,
    pub ports: Option<Scalar>,
    pub cidr: Option<Text>,
    pub source_security_group: Option<Text>,
    pub destination_security_group: Option<Text>,
    /// Accepted so scenarios can say what a rule is for; not used by the model.
    #[allow(dead_code)]
    pub description: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RawNetworkAcl {
    pub id: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub inbound: Vec<RawAclRule>,
    #[serde(default, deserialize_with = "nullable")]
    pub outbound: Vec<RawAclRule>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RawAclRule {
    pub rule: Option<u64>,
    pub protocol: Option<Scalar>,
    pub ports: Option<Scalar>,
    pub cidr: Option<Text>,
    pub action: Option<Text>,
    /// Accepted so scenarios can say what a rule is for; not used by the model.
    #[allow(dead_code)]
    pub description: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawResolver {
    #[serde(default, deserialize_with = "nullable")]
    pub inbound_endpoints: Vec<RawInboundEndpoint>,
    #[serde(default, deserialize_with = "nullable")]
    pub forward_rules: Vec<RawForwardRule>,
    /// Outbound endpoints, written like inbound ones (SPEC 8.1).
    #[serde(default, deserialize_with = "nullable")]
    pub outbound_endpoints: Vec<RawInboundEndpoint>,
}

/// A Resolver endpoint, inbound or outbound: its addresses and security groups.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawInboundEndpoint {
    pub id: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub ips: Vec<RawEndpointIp>,
    /// Absent: none written (SPEC 8.6 counts only written groups).
    pub security_groups: Option<Vec<Text>>,
}

/// One address of a Resolver endpoint: an IPv4 string, or `{ip, ipv6, subnet}`.
#[derive(Debug, Clone)]
pub enum RawEndpointIp {
    Ip(Text),
    Mapping(RawEndpointIpMapping),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawEndpointIpMapping {
    pub ip: Option<Text>,
    pub ipv6: Option<Text>,
    pub subnet: Option<Text>,
}

impl<'de> Deserialize<'de> for RawEndpointIp {
    /// By hand, as [`RawAttachment`], so unknown-field tracking sees inside the mapping.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawEndpointIp;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an IPv4 address, or a mapping {ip, ipv6, subnet}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawEndpointIp, E> {
                Ok(RawEndpointIp::Ip(Text(v.to_owned())))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RawEndpointIp, A::Error> {
                RawEndpointIpMapping::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawEndpointIp::Mapping)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawForwardRule {
    pub id: Option<Text>,
    pub domain: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub target_ips: Vec<Text>,
    /// The outbound endpoint the rule's queries leave through (SPEC 8.1).
    pub outbound_endpoint: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RawConnection {
    pub id: Option<Text>,
    #[serde(rename = "type")]
    pub kind: Option<Text>,
    pub vpcs: Option<Vec<Text>>,
    pub vpc: Option<Text>,
    pub network: Option<Text>,
    pub attachments: Option<Vec<RawAttachment>>,
    /// A transit gateway's static routes.
    pub routes: Option<Vec<RawRoute>>,
}

/// One transit gateway attachment: a bare VPC or network ID, or `{vpc, subnets}`.
#[derive(Debug, Clone)]
pub enum RawAttachment {
    Id(Text),
    Vpc(RawVpcAttachment),
}

/// `{vpc: ID, subnets: [...]}`: a VPC attachment with the subnets that hold it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawVpcAttachment {
    pub vpc: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub subnets: Vec<Text>,
}

impl<'de> Deserialize<'de> for RawAttachment {
    /// By hand rather than `#[serde(untagged)]`: an untagged enum buffers the value, and the
    /// loader's unknown-field tracking (`serde_ignored`) would no longer see inside it.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawAttachment;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a VPC or network ID, or a mapping {vpc, subnets}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawAttachment, E> {
                Ok(RawAttachment::Id(Text(v.to_owned())))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RawAttachment, A::Error> {
                RawVpcAttachment::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawAttachment::Vpc)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawNetwork {
    pub id: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub cidrs: Vec<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub ipv6_cidrs: Vec<Text>,
    pub internet_egress_ip: Option<Text>,
    pub ipv6_internet: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub routes: Vec<RawRoute>,
    #[serde(default, deserialize_with = "nullable")]
    pub dns_servers: Vec<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawDnsServer {
    pub ip: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub forward: Vec<RawForwarder>,
    /// The server instance's security groups (SPEC 8.1); absent: none written.
    pub security_groups: Option<Vec<Text>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RawForwarder {
    pub domain: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub to: Vec<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RawClient {
    pub name: Option<Text>,
    pub from: Option<Text>,
    pub ip: Option<Text>,
    pub ipv6: Option<Text>,
    pub public_ip: Option<Text>,
    #[serde(default, deserialize_with = "nullable")]
    pub security_groups: Vec<Text>,
    pub expect: Option<RawExpect>,
    /// An HTTPS proxy the client connects through (SPEC 10.1): another client's name, or
    /// exactly one client's `ip` or `publicIp`.
    pub proxy: Option<Text>,
    /// The proxy's port (default 3128).
    pub proxy_port: Option<u64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RawExpect {
    pub answer: Option<Text>,
    pub reachable: Option<bool>,
    pub family: Option<Text>,
}
