//! The cluster's Kubernetes service block and its EKS Hybrid Nodes configuration
//! (`cluster.serviceIpv4Cidr`, `cluster.remoteNetworkConfig`, SPEC 9.1), as the source states
//! them.
//!
//! - **What is imported.** The blocks of `remoteNodeNetworks` and `remotePodNetworks`, the
//!   API's `[{cidrs: [...]}]` flattened in source order (EKS API, RemoteNetworkConfigRequest:
//!   "The list of network CIDRs that can contain hybrid nodes"), and the service block. EKS
//!   checks the remote blocks against the cluster VPC and the service block (EKS031, EKS032),
//!   so both are written whenever the source has them.
//! - **What is not.** Hybrid nodes are machines in a data centre that register themselves
//!   with `nodeadm`; no EKS resource places them. Where they sit — the on-premises network,
//!   its routes and the VPN, Direct Connect or transit gateway that joins it to the VPC — is
//!   in none of the sources, so nothing is invented for it: no placeholder network, which
//!   would make verdicts about routes nobody wrote. The scenario says so in
//!   `imported.missing` (EKS019), as for a connection whose other side is not in the source,
//!   and the remote blocks no network holds are not judged by EKS036.
//! - A block that is not an IPv4 CIDR is left out and noted, so the scenario still loads.
//!   The service block is written for IPv4 clusters only: "Don't specify a value if you
//!   select ipv6 for ipFamily" (CloudFormation, `AWS::EKS::Cluster`
//!   KubernetesNetworkConfig, ServiceIpv4Cidr).

use ipnetwork::Ipv4Network;

use super::Scenario;
use crate::import::yaml::{MapBuilder, Value, flow, text};

impl Scenario<'_> {
    /// `serviceIpv4Cidr`, when the source gives one the scenario can hold.
    pub(super) fn service_ipv4_cidr(&mut self) -> Option<Value> {
        let cluster = self.cluster;
        let cidr = cluster.service_ipv4_cidr.as_deref()?.trim();
        let ipv6 = cluster
            .ip_family
            .as_deref()
            .is_some_and(|family| family.eq_ignore_ascii_case("ipv6"));
        if cidr.is_empty() || ipv6 {
            return None;
        }
        if cidr.parse::<Ipv4Network>().is_err() {
            self.note(format!(
                "{}: serviceIpv4Cidr `{cidr}` is not an IPv4 CIDR block; it is left out and the default service block is assumed",
                cluster.origin
            ));
            return None;
        }
        Some(text(cidr))
    }

    /// `remoteNetworkConfig`, when the source has remote node or pod blocks.
    pub(super) fn remote_network_config(&mut self) -> Option<Value> {
        let cluster = self.cluster;
        let nodes = self.ipv4_blocks("remoteNodeNetworks", &cluster.remote_node_networks);
        let pods = self.ipv4_blocks("remotePodNetworks", &cluster.remote_pod_networks);
        if nodes.is_empty() && pods.is_empty() {
            return None;
        }
        if !nodes.is_empty() {
            self.note(format!(
                "{}: remoteNetworkConfig: where the hybrid nodes sit is not in the source (the on-premises network, its routes and the connection to the VPC); add them to `networks`, `connections` and a hybrid node group (`nodeGroups[].network`) to check the nodes' paths and the kubelet (EKS036 does not judge a remote block no network holds)",
                cluster.origin
            ));
        }
        let mut map = MapBuilder::new();
        if !nodes.is_empty() {
            map.push("remoteNodeNetworks", flow(&nodes));
        }
        if !pods.is_empty() {
            map.push("remotePodNetworks", flow(&pods));
        }
        Some(map.build())
    }

    /// The blocks of `field` that are IPv4 CIDRs; the others are noted and left out.
    fn ipv4_blocks(&mut self, field: &str, blocks: &[String]) -> Vec<String> {
        let mut kept = Vec::new();
        for block in blocks {
            let block = block.trim();
            if block.parse::<Ipv4Network>().is_ok() {
                kept.push(block.to_owned());
            } else {
                self.note(format!(
                    "{}: remoteNetworkConfig.{field} block `{block}` is not an IPv4 CIDR block and is left out",
                    self.cluster.origin
                ));
            }
        }
        kept
    }
}
