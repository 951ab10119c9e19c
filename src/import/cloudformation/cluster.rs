//! EKS clusters and managed node groups.
//!
//! A cluster is the native `AWS::EKS::Cluster` or the `Custom::AWSCDK-EKS-Cluster` the AWS
//! CDK's `eks.Cluster` creates, whose VPC configuration has the same fields in camel case
//! under `Config`. CloudFormation defaults (AWS CloudFormation Template Reference,
//! `AWS::EKS::Cluster` `ResourcesVpcConfig`): `EndpointPublicAccess` true,
//! `EndpointPrivateAccess` false, `PublicAccessCidrs` 0.0.0.0/0 — left unset here, so the
//! builder applies them and says so.
//!
//! EKS Hybrid Nodes (`AWS::EKS::Cluster` RemoteNetworkConfig): `RemoteNodeNetworks` and
//! `RemotePodNetworks`, lists of `{Cidrs: [...]}` ("The list of network CIDRs that can
//! contain hybrid nodes"), read in order and flattened, and
//! `KubernetesNetworkConfig.ServiceIpv4Cidr`; the CDK's custom resource spells them
//! `remoteNetworkConfig.remoteNodeNetworks[].cidrs` and
//! `kubernetesNetworkConfig.serviceIpv4Cidr` under `Config`, as the EKS API does.
//!
//! A node group (`AWS::EKS::Nodegroup`) takes the cluster security group unless its launch
//! template names others: "If you don't specify a security group in the launch template,
//! Amazon EKS applies the cluster security group" (EKS user guide, launch-templates). A
//! launch template a node group uses counts as read.

use super::intrinsics::{Outcome, is_eks_cluster};
use super::{Reader, Resource};
use crate::import::inventory::{ClusterDef, NodeGroupDef};

/// The fields of an EKS VPC configuration, as the native type and the CDK's custom resource
/// spell them.
pub(super) struct VpcConfigKeys {
    subnet_ids: &'static str,
    security_group_ids: &'static str,
    endpoint_public_access: &'static str,
    endpoint_private_access: &'static str,
    public_access_cidrs: &'static str,
    /// Where the resource's properties hold `ipFamily`.
    ip_family_at: &'static [&'static str],
    /// Where they hold the service block (`KubernetesNetworkConfig.ServiceIpv4Cidr`).
    service_ipv4_cidr_at: &'static [&'static str],
    /// Where they hold the EKS Hybrid Nodes configuration, and its keys: the node and pod
    /// lists, and each entry's block list.
    remote_network_at: &'static [&'static str],
    remote_node_networks: &'static str,
    remote_pod_networks: &'static str,
    cidrs: &'static str,
}

pub(super) const NATIVE_VPC_CONFIG: VpcConfigKeys = VpcConfigKeys {
    subnet_ids: "SubnetIds",
    security_group_ids: "SecurityGroupIds",
    endpoint_public_access: "EndpointPublicAccess",
    endpoint_private_access: "EndpointPrivateAccess",
    public_access_cidrs: "PublicAccessCidrs",
    ip_family_at: &["KubernetesNetworkConfig", "IpFamily"],
    service_ipv4_cidr_at: &["KubernetesNetworkConfig", "ServiceIpv4Cidr"],
    remote_network_at: &["RemoteNetworkConfig"],
    remote_node_networks: "RemoteNodeNetworks",
    remote_pod_networks: "RemotePodNetworks",
    cidrs: "Cidrs",
};

pub(super) const CDK_VPC_CONFIG: VpcConfigKeys = VpcConfigKeys {
    subnet_ids: "subnetIds",
    security_group_ids: "securityGroupIds",
    endpoint_public_access: "endpointPublicAccess",
    endpoint_private_access: "endpointPrivateAccess",
    public_access_cidrs: "publicAccessCidrs",
    ip_family_at: &["Config", "kubernetesNetworkConfig", "ipFamily"],
    service_ipv4_cidr_at: &["Config", "kubernetesNetworkConfig", "serviceIpv4Cidr"],
    remote_network_at: &["Config", "remoteNetworkConfig"],
    remote_node_networks: "remoteNodeNetworks",
    remote_pod_networks: "remotePodNetworks",
    cidrs: "cidrs",
};

impl<'t> Reader<'t> {
    pub(super) fn cluster(
        &mut self,
        r: &Resource<'t>,
        config_at: &[&str],
        keys: &VpcConfigKeys,
    ) -> Outcome<()> {
        let name = self.eval.eks_cluster_name(r.id)?;
        let config = self.property_at(r, config_at)?;
        let cidrs = config.get(keys.public_access_cidrs)?;
        let public_access_cidrs = if cidrs.is_set() {
            Some(cidrs.texts()?).filter(|cidrs| !cidrs.is_empty())
        } else {
            None
        };
        let ip_family = self.property_at(r, keys.ip_family_at)?.text()?;
        let service_ipv4_cidr = self.property_at(r, keys.service_ipv4_cidr_at)?.text()?;
        let remote = self.property_at(r, keys.remote_network_at)?;
        let remote_blocks = |list: &str| -> Outcome<Vec<String>> {
            let mut blocks = Vec::new();
            for network in remote.get(list)?.items()? {
                blocks.extend(network.get(keys.cidrs)?.texts()?);
            }
            Ok(blocks)
        };
        let remote_node_networks = remote_blocks(keys.remote_node_networks)?;
        let remote_pod_networks = remote_blocks(keys.remote_pod_networks)?;
        self.inventory.clusters.push(ClusterDef {
            name,
            origin: r.origin(),
            subnets: config.get(keys.subnet_ids)?.texts()?,
            security_groups: config.get(keys.security_group_ids)?.texts()?,
            // Unset flags stay `None`: the builder applies the EKS defaults (public on,
            // private off) and writes that it did.
            public_access: config.get(keys.endpoint_public_access)?.flag()?,
            private_access: config.get(keys.endpoint_private_access)?.flag()?,
            public_access_cidrs,
            ip_family,
            service_ipv4_cidr,
            remote_node_networks,
            remote_pod_networks,
            ..ClusterDef::default()
        });
        Ok(())
    }

    /// A managed node group. Its security groups are the cluster security group unless its
    /// launch template names others: "If you don't specify a security group in the launch
    /// template, Amazon EKS applies the cluster security group" (EKS user guide,
    /// launch-templates). `RemoteAccess.SourceSecurityGroups` only opens SSH to the nodes.
    pub(super) fn node_group(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let name = self
            .text(r, "NodegroupName")?
            .unwrap_or_else(|| r.id.to_owned());
        let cluster = match self.text(r, "ClusterName")? {
            Some(cluster) if self.kind_of(&cluster).is_some_and(is_eks_cluster) => {
                Some(self.eval.eks_cluster_name(&cluster)?)
            }
            other => other,
        };
        let subnets = self.texts(r, "Subnets")?;
        let security_groups = self.launch_template_groups(r)?;
        self.inventory.node_groups.push(NodeGroupDef {
            name,
            origin: r.origin(),
            cluster,
            subnets,
            security_groups,
        });
        Ok(())
    }

    fn launch_template_groups(&mut self, r: &Resource<'t>) -> Outcome<Option<Vec<String>>> {
        if !r.has("LaunchTemplate") {
            return Ok(None);
        }
        // Id and Name only: the version is often `GetAtt …LatestVersionNumber`, unknown.
        let id = self.property_at(r, &["LaunchTemplate", "Id"])?.text()?;
        let name = self.property_at(r, &["LaunchTemplate", "Name"])?.text()?;
        let Some(template) = self.launch_template(id.as_deref(), name.as_deref())? else {
            let named = id.or(name).unwrap_or_else(|| "(unknown)".to_owned());
            self.eval.note(format!(
                "{}: launch template {named} is not in the template, so the nodes' security groups are unknown; the cluster security group is assumed",
                r.origin()
            ));
            return Ok(None);
        };
        self.used_launch_templates.insert(template.id.to_owned());
        let mut groups = self
            .property_at(&template, &["LaunchTemplateData", "SecurityGroupIds"])?
            .texts()?;
        let interfaces =
            self.property_at(&template, &["LaunchTemplateData", "NetworkInterfaces"])?;
        for interface in interfaces.items()? {
            groups.extend(interface.get("Groups")?.texts()?);
        }
        Ok(Some(groups).filter(|groups| !groups.is_empty()))
    }

    /// The `AWS::EC2::LaunchTemplate` a node group names, by logical ID or by name.
    fn launch_template(
        &mut self,
        id: Option<&str>,
        name: Option<&str>,
    ) -> Outcome<Option<Resource<'t>>> {
        let templates: Vec<Resource<'t>> = self
            .resources
            .iter()
            .filter(|r| r.kind == "AWS::EC2::LaunchTemplate")
            .copied()
            .collect();
        if let Some(found) = templates.iter().find(|t| Some(t.id) == id) {
            return Ok(Some(*found));
        }
        let Some(name) = name else {
            return Ok(None);
        };
        for template in templates {
            if self.text(&template, "LaunchTemplateName")?.as_deref() == Some(name) {
                return Ok(Some(template));
            }
        }
        Ok(None)
    }
}
