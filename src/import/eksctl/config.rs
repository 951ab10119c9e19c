//! The top level of an eksctl `ClusterConfig`, as written: `kind` and `apiVersion` (to be
//! sure it is one), `metadata` (the cluster's name and region), `availabilityZones`,
//! `privateCluster`, and of `outpost` and `cloudWatch` only whether the control plane runs on
//! Outposts and whether it logs. The `vpc` section and the node groups are read by their own
//! modules. Top-level sections and `vpc` fields the reader does not model are listed, so the
//! scenario says what it left out rather than ignoring it silently.

use super::node::{Node, describe};
use super::node_groups::NodeGroupConfig;
use super::vpc_config::VpcConfig;
use crate::import::Diagnostic;

/// Top-level sections the reader models; any other is listed as unsupported.
const MODELLED_SECTIONS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "vpc",
    "availabilityZones",
    "privateCluster",
    "nodeGroups",
    "managedNodeGroups",
    "kubernetesNetworkConfig",
    "remoteNetworkConfig",
];

/// `vpc` fields the reader models.
const MODELLED_VPC_FIELDS: &[&str] = &[
    "id",
    "cidr",
    "extraCIDRs",
    "subnets",
    "nat",
    "clusterEndpoints",
    "publicAccessCIDRs",
    "controlPlaneSubnetIDs",
    "controlPlaneSecurityGroupIDs",
    "controlPlaneOnPrivateSubnets",
    "securityGroup",
];

#[derive(Debug)]
pub(super) struct ClusterConfig {
    pub(super) name: String,
    pub(super) region: Option<String>,
    pub(super) availability_zones: Vec<String>,
    pub(super) vpc: VpcConfig,
    pub(super) private_cluster: PrivateCluster,
    /// `cloudWatch.clusterLogging.enableTypes` is not empty.
    pub(super) cloudwatch_logging: bool,
    /// `outpost.controlPlaneOutpostARN` is set: an EKS local cluster on AWS Outposts.
    pub(super) control_plane_on_outposts: bool,
    /// `kubernetesNetworkConfig.ipFamily` as written (`IPv4`, `IPv6`).
    pub(super) ip_family: Option<String>,
    /// `kubernetesNetworkConfig.serviceIPv4CIDR` ("the IPv4 CIDR range from where
    /// `ClusterIP`s are assigned", eksctl `KubernetesNetworkConfig`).
    pub(super) service_ipv4_cidr: Option<String>,
    pub(super) remote_network: RemoteNetwork,
    pub(super) node_groups: Vec<NodeGroupConfig>,
    /// Sections read but not modelled.
    pub(super) unsupported: Vec<String>,
}

/// `remoteNetworkConfig` (eksctl user guide, "EKS Hybrid Nodes"; `RemoteNetworkConfig` in
/// `pkg/apis/eksctl.io/v1alpha5/types.go`): the remote node and pod blocks, each list the
/// API's `[{cidrs: [...]}]` flattened, and the VGW or TGW eksctl attaches to a VPC it
/// creates. `iam` (how the nodes get credentials) is not network and is not read.
#[derive(Debug, Default)]
pub(super) struct RemoteNetwork {
    pub(super) node_networks: Vec<String>,
    pub(super) pod_networks: Vec<String>,
    pub(super) vpc_gateway_id: Option<String>,
}

#[derive(Debug, Default)]
pub(super) struct PrivateCluster {
    pub(super) enabled: bool,
    pub(super) skip_endpoint_creation: bool,
    pub(super) additional_endpoint_services: Vec<String>,
}

impl ClusterConfig {
    pub(super) fn parse(root: &Node<'_>) -> Result<Self, Diagnostic> {
        if !root.value.is_mapping() {
            return Err(root.error(format!(
                "an eksctl ClusterConfig is a mapping; found {}",
                describe(root.value)
            )));
        }
        let kind_node = root.required("kind")?;
        let kind = kind_node.string()?;
        if kind != "ClusterConfig" {
            return Err(kind_node.error(format!(
                "`{kind}` is not an eksctl ClusterConfig (expected `kind: ClusterConfig`)"
            )));
        }
        if let Some(version) = root.get("apiVersion") {
            let text = version.string()?;
            if !text.starts_with("eksctl.io/") {
                return Err(version.error(format!(
                    "`{text}` is not an eksctl API version (expected eksctl.io/v1alpha5)"
                )));
            }
        }
        let metadata = root.required_section("metadata")?;
        let name_node = metadata.required("name")?;
        let name = name_node.string()?;
        if name.is_empty() {
            return Err(name_node.error("the cluster name is empty"));
        }
        let private_cluster = match root.section("privateCluster")? {
            Some(node) => PrivateCluster::parse(&node)?,
            None => PrivateCluster::default(),
        };
        Ok(ClusterConfig {
            name,
            region: metadata.optional("region", Node::string)?,
            availability_zones: root
                .optional("availabilityZones", Node::strings)?
                .unwrap_or_default(),
            vpc: match root.section("vpc")? {
                Some(node) => VpcConfig::parse(&node)?,
                None => VpcConfig::default(),
            },
            private_cluster,
            cloudwatch_logging: cloudwatch_logging(root)?,
            control_plane_on_outposts: root
                .section("outpost")?
                .map(|outpost| outpost.optional("controlPlaneOutpostARN", Node::string))
                .transpose()?
                .flatten()
                .is_some(),
            ip_family: root
                .section("kubernetesNetworkConfig")?
                .map(|network| network.optional("ipFamily", Node::string))
                .transpose()?
                .flatten(),
            service_ipv4_cidr: root
                .section("kubernetesNetworkConfig")?
                .map(|network| network.optional("serviceIPv4CIDR", Node::string))
                .transpose()?
                .flatten(),
            remote_network: match root.section("remoteNetworkConfig")? {
                Some(node) => RemoteNetwork::parse(&node)?,
                None => RemoteNetwork::default(),
            },
            node_groups: NodeGroupConfig::parse_all(root)?,
            unsupported: unsupported_sections(root)?,
        })
    }

    /// eksctl uses an existing VPC when the config names it, or names existing subnets.
    pub(super) fn uses_existing_vpc(&self) -> bool {
        self.vpc.id.is_some()
            || self.vpc.subnets.iter().any(|s| s.id.is_some())
            || !self.vpc.control_plane_subnet_ids.is_empty()
    }
}

/// Whether `cloudWatch.clusterLogging.enableTypes` turns any control plane log on.
fn cloudwatch_logging(root: &Node<'_>) -> Result<bool, Diagnostic> {
    let Some(cloudwatch) = root.section("cloudWatch")? else {
        return Ok(false);
    };
    let Some(logging) = cloudwatch.section("clusterLogging")? else {
        return Ok(false);
    };
    Ok(!logging
        .optional("enableTypes", Node::strings)?
        .unwrap_or_default()
        .is_empty())
}

/// Top-level sections and `vpc` fields the reader does not model, as `iam (eksctl)`.
fn unsupported_sections(root: &Node<'_>) -> Result<Vec<String>, Diagnostic> {
    let mut out = Vec::new();
    for (key, _) in root.entries()? {
        if MODELLED_SECTIONS.contains(&key.as_str()) {
            continue;
        }
        out.push(match key.as_str() {
            "outpost" => "outpost (eksctl): the control plane on AWS Outposts (an EKS local cluster) is modelled as a regional private cluster".to_owned(),
            _ => format!("{key} (eksctl)"),
        });
    }
    if let Some(remote) = root.section("remoteNetworkConfig")?
        && remote.get("iam").is_some()
    {
        out.push("remoteNetworkConfig.iam (eksctl): how hybrid nodes get credentials (SSM or IAM Roles Anywhere) is not network".to_owned());
    }
    if let Some(vpc) = root.section("vpc")? {
        for (key, _) in vpc.entries()? {
            if !MODELLED_VPC_FIELDS.contains(&key.as_str()) {
                out.push(format!("vpc.{key} (eksctl)"));
            }
        }
    }
    Ok(out)
}

impl RemoteNetwork {
    fn parse(node: &Node<'_>) -> Result<Self, Diagnostic> {
        Ok(RemoteNetwork {
            node_networks: cidrs(node, "remoteNodeNetworks")?,
            pod_networks: cidrs(node, "remotePodNetworks")?,
            vpc_gateway_id: node.optional("vpcGatewayID", Node::string)?,
        })
    }
}

/// Every `cidrs` entry of the list under `key` (`[{cidrs: [...]}, ...]`), in order.
fn cidrs(node: &Node<'_>, key: &str) -> Result<Vec<String>, Diagnostic> {
    let mut out = Vec::new();
    if let Some(list) = node.get(key) {
        for network in list.items()? {
            if !network.value.is_mapping() {
                return Err(network.error(format!(
                    "expected a mapping with `cidrs`; found {}",
                    describe(network.value)
                )));
            }
            if let Some(section) = network.optional("cidrs", Node::strings)? {
                out.extend(section);
            }
        }
    }
    Ok(out)
}

impl PrivateCluster {
    fn parse(node: &Node<'_>) -> Result<Self, Diagnostic> {
        Ok(PrivateCluster {
            enabled: node.optional("enabled", Node::boolean)?.unwrap_or(false),
            skip_endpoint_creation: node
                .optional("skipEndpointCreation", Node::boolean)?
                .unwrap_or(false),
            additional_endpoint_services: node
                .optional("additionalEndpointServices", Node::strings)?
                .unwrap_or_default(),
        })
    }
}
