//! Node groups: `nodeGroups`, then `managedNodeGroups`, and the subnets eksctl puts their
//! nodes in. That is the public subnets unless `privateNetworking: true` ("The initial
//! nodegroup is created in public subnets", user guide), narrowed to the group's
//! `availabilityZones`; a fully-private cluster requires `privateNetworking`
//! (`validation.go`). `subnets:` names subnets by their name in `vpc.subnets`, by zone or by
//! ID.

use super::Importer;
use super::network::Network;
use super::node::{Node, describe};
use super::vpc_config::Topology;
use crate::import::Diagnostic;
use crate::import::inventory::{NodeGroupDef, SubnetDef};

#[derive(Debug)]
pub(super) struct NodeGroupConfig {
    name: String,
    /// `nodeGroups[0]` or `managedNodeGroups[1]`.
    path: String,
    managed: bool,
    private_networking: bool,
    subnets: Vec<String>,
    availability_zones: Vec<String>,
    attach_security_groups: Vec<String>,
}

impl NodeGroupConfig {
    /// `nodeGroups` then `managedNodeGroups`.
    pub(super) fn parse_all(root: &Node<'_>) -> Result<Vec<Self>, Diagnostic> {
        let mut out = Vec::new();
        for (key, managed) in [("nodeGroups", false), ("managedNodeGroups", true)] {
            if let Some(list) = root.get(key) {
                for group in list.items()? {
                    out.push(NodeGroupConfig::parse(&group, managed)?);
                }
            }
        }
        Ok(out)
    }

    fn parse(group: &Node<'_>, managed: bool) -> Result<Self, Diagnostic> {
        if !group.value.is_mapping() {
            return Err(group.error(format!(
                "a node group is a mapping with a name; found {}",
                describe(group.value)
            )));
        }
        let attach = group
            .section("securityGroups")?
            .map(|groups| groups.optional("attachIDs", Node::strings))
            .transpose()?
            .flatten();
        Ok(NodeGroupConfig {
            name: group.required("name")?.string()?,
            path: group.path.clone(),
            managed,
            private_networking: group
                .optional("privateNetworking", Node::boolean)?
                .unwrap_or(false),
            subnets: group
                .optional("subnets", Node::strings)?
                .unwrap_or_default(),
            availability_zones: group
                .optional("availabilityZones", Node::strings)?
                .unwrap_or_default(),
            attach_security_groups: attach.unwrap_or_default(),
        })
    }

    /// `eksctl managedNodeGroups[0] (mng1)`, for comments.
    fn origin(&self) -> String {
        format!("eksctl {} ({})", self.path, self.name)
    }
}

impl Importer<'_> {
    pub(super) fn node_groups(&mut self, network: &Network) {
        let config = self.config;
        for group in &config.node_groups {
            let subnets = self.node_group_subnets(group, network);
            if subnets.is_empty() {
                continue;
            }
            if !group.attach_security_groups.is_empty() {
                // eksctl attaches them next to the cluster security group (managed) or its
                // shared node group (unmanaged, which the cluster group admits); their rules
                // are not in the config, so the nodes keep the cluster security group only.
                self.note(format!(
                    "{}: securityGroups.attachIDs {} are not in the config; the nodes keep the cluster security group, which eksctl also attaches",
                    group.origin(),
                    group.attach_security_groups.join(", ")
                ));
            }
            self.inventory.node_groups.push(NodeGroupDef {
                name: group.name.clone(),
                origin: format!(
                    "{}{}",
                    group.origin(),
                    if group.managed { ", managed" } else { "" }
                ),
                cluster: Some(config.name.clone()),
                subnets,
                security_groups: None,
            });
        }
    }

    /// Where eksctl puts a node group's nodes.
    fn node_group_subnets(&mut self, group: &NodeGroupConfig, network: &Network) -> Vec<String> {
        let topology = self.node_group_topology(group);
        if !group.subnets.is_empty() {
            return self.named_subnets(group, network, topology);
        }
        let subnets: Vec<String> = network
            .of(topology)
            .filter(|s| {
                group.availability_zones.is_empty()
                    || s.az
                        .as_ref()
                        .is_some_and(|az| group.availability_zones.contains(az))
            })
            .map(|s| s.id.clone())
            .collect();
        if subnets.is_empty() {
            self.note(format!(
                "{}: eksctl puts it in the {} subnets{}, and the config has none; the node group is left out",
                group.origin(),
                topology.key(),
                if group.availability_zones.is_empty() { "" } else { " of its availabilityZones" }
            ));
        }
        subnets
    }

    fn node_group_topology(&mut self, group: &NodeGroupConfig) -> Topology {
        if group.private_networking {
            return Topology::Private;
        }
        if self.config.private_cluster.enabled {
            self.note(format!(
                "{}: privateNetworking is not set, which eksctl rejects in a fully-private cluster; the private subnets are assumed",
                group.origin()
            ));
            return Topology::Private;
        }
        Topology::Public
    }

    /// `subnets:` entries, by name, ID or zone, in the node group's topology first.
    fn named_subnets(
        &mut self,
        group: &NodeGroupConfig,
        network: &Network,
        topology: Topology,
    ) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for entry in &group.subnets {
            let mut found = network.named(entry, Some(topology));
            if found.is_empty() {
                found = network.named(entry, None);
            }
            let mut matched: Vec<String> = found.iter().map(|s| s.id.clone()).collect();
            if matched.is_empty() {
                if entry.starts_with("subnet-") {
                    // An existing subnet known only by ID: listed without a CIDR, so the
                    // builder gives it a placeholder block and says so.
                    if !self.inventory.subnets.iter().any(|s| &s.id == entry) {
                        self.inventory.subnets.push(SubnetDef {
                            id: entry.clone(),
                            origin: format!("eksctl {}.subnets", group.path),
                            vpc: Some(network.vpc.clone()),
                            ..SubnetDef::default()
                        });
                        // It routes as the group's other subnets would: through the
                        // placeholder routing of an existing VPC, when there is one.
                        let table =
                            format!("rtb-{}-{}-placeholder", self.cluster_slug(), topology.key());
                        if let Some(table) = self
                            .inventory
                            .route_tables
                            .iter_mut()
                            .find(|t| t.id == table)
                        {
                            table.subnets.push(entry.clone());
                        }
                    }
                    matched.push(entry.clone());
                } else {
                    self.note(format!(
                        "{}: subnets entry `{entry}` names no subnet, zone or subnet ID of the config; left out",
                        group.origin()
                    ));
                }
            }
            for id in matched {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    }
}
