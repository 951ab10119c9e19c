//! EKS clusters and their managed node groups: each cluster's subnets, security groups and
//! endpoint access, and the cluster each node group joins.
//!
//! Terraform defaults applied when an attribute is absent or unknown (AWS provider docs):
//! `endpoint_public_access` true, `endpoint_private_access` false, `public_access_cidrs`
//! 0.0.0.0/0 (an empty list, or one unknown at plan time, is left unset so that default
//! applies).
//!
//! EKS Hybrid Nodes (AWS provider docs, `aws_eks_cluster`, "EKS Cluster with EKS Hybrid
//! Nodes"): `remote_network_config { remote_node_networks { cidrs } remote_pod_networks {
//! cidrs } }`, each a block list of at most one, read in order and flattened; and
//! `kubernetes_network_config.service_ipv4_cidr`, which state holds even when the
//! configuration leaves it out (EKS picks it at creation) and a plan holds only when set.

use super::attributes::{Seg, k};
use super::{Plan, Resource};
use crate::import::inventory::{ClusterDef, Inventory, NodeGroupDef};

impl Plan<'_> {
    pub(super) fn clusters(&self, inventory: &mut Inventory) {
        for cluster in self.of_kind("aws_eks_cluster") {
            let config = |name: &'static str| vec![k("vpc_config"), Seg::Index(0), k(name)];
            let name = self
                .text(cluster, &[k("name")])
                .unwrap_or_else(|| cluster.address.clone());
            let mut subnets = self.ids(cluster, &config("subnet_ids"));
            if subnets.is_empty() {
                subnets = self.tagged_subnets(&name);
                if !subnets.is_empty() {
                    inventory.note_cluster(
                        &name,
                        format!(
                            "{}: vpc_config.subnet_ids unknown at plan time; the subnets tagged kubernetes.io/cluster/{name} are assumed ({})",
                            cluster.address,
                            subnets.join(", ")
                        ),
                    );
                }
            }
            let ip_family = self.text(
                cluster,
                &[
                    k("kubernetes_network_config"),
                    Seg::Index(0),
                    k("ip_family"),
                ],
            );
            let service_ipv4_cidr = self
                .text(
                    cluster,
                    &[
                        k("kubernetes_network_config"),
                        Seg::Index(0),
                        k("service_ipv4_cidr"),
                    ],
                )
                .filter(|cidr| !cidr.is_empty());
            let cidrs_unknown = self.is_unknown(cluster, &config("public_access_cidrs"));
            let cidrs = self.texts(cluster, &config("public_access_cidrs"));
            inventory.clusters.push(ClusterDef {
                name: name.clone(),
                origin: cluster.address.clone(),
                region: self.known_text(cluster, &[k("arn")]).and_then(arn_region),
                vpc: self.text(cluster, &config("vpc_id")),
                subnets,
                security_groups: self.ids(cluster, &config("security_group_ids")),
                cluster_security_group: self.text(cluster, &config("cluster_security_group_id")),
                public_access: Some(
                    self.boolean(cluster, &config("endpoint_public_access"))
                        .unwrap_or(true),
                ),
                private_access: Some(
                    self.boolean(cluster, &config("endpoint_private_access"))
                        .unwrap_or(false),
                ),
                public_access_cidrs: if cidrs.is_empty() || cidrs_unknown {
                    None
                } else {
                    Some(cidrs)
                },
                endpoint: self.text(cluster, &[k("endpoint")]),
                ip_family,
                service_ipv4_cidr,
                remote_node_networks: self.remote_blocks(cluster, "remote_node_networks"),
                remote_pod_networks: self.remote_blocks(cluster, "remote_pod_networks"),
            });
        }
        for group in self.of_kind("aws_eks_node_group") {
            let cluster = self.id(group, &[k("cluster_name")]).map(|name| {
                // `cluster_name = aws_eks_cluster.main.name` resolves to the cluster
                // resource's ID, which for EKS is its name, or its address at plan time.
                inventory
                    .clusters
                    .iter()
                    .find(|c| c.origin == name || c.name == name)
                    .map_or(name.clone(), |c| c.name.clone())
            });
            inventory.node_groups.push(NodeGroupDef {
                name: self
                    .text(group, &[k("node_group_name")])
                    .unwrap_or_else(|| group.address.clone()),
                origin: group.address.clone(),
                cluster,
                subnets: self.ids(group, &[k("subnet_ids")]),
                security_groups: None,
            });
        }
    }
}

impl<'a> Plan<'a> {
    /// Every `cidrs` entry of `remote_network_config[0].<key>[*]`, in order.
    fn remote_blocks(&self, cluster: &Resource<'a>, key: &'static str) -> Vec<String> {
        let list = [k("remote_network_config"), Seg::Index(0), k(key)];
        (0..self.blocks_at(cluster, &list))
            .flat_map(|i| {
                let path = [
                    k("remote_network_config"),
                    Seg::Index(0),
                    k(key),
                    Seg::Index(i),
                    k("cidrs"),
                ];
                self.texts(cluster, &path)
            })
            .collect()
    }
}

impl Plan<'_> {
    /// The subnets tagged `kubernetes.io/cluster/<name>` (`shared` or `owned`), the tag EKS
    /// and its load balancer controller use to find a cluster's subnets (EKS user guide,
    /// network-reqs, "Subnet requirements and considerations").
    fn tagged_subnets(&self, name: &str) -> Vec<String> {
        let key = format!("kubernetes.io/cluster/{name}");
        self.of_kind("aws_subnet")
            .filter(|subnet| {
                subnet
                    .values
                    .get("tags")
                    .and_then(|tags| tags.get(key.as_str()))
                    .and_then(serde_json::Value::as_str)
                    .is_some_and(|v| v == "shared" || v == "owned")
            })
            .map(|subnet| self.id_of(subnet))
            .collect()
    }
}

/// `arn:aws:eks:eu-west-1:123:cluster/x` → `eu-west-1`.
fn arn_region(arn: &str) -> Option<String> {
    arn.split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}
