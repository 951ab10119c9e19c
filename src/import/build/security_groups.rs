//! The `securityGroups` of one VPC: the cluster security group EKS creates, when the source
//! lacks it, then the source's groups with their rules. A rule that references a group
//! outside the scenario is left out with a note, since the scenario can only refer to groups
//! it defines.

use std::collections::HashSet;

use ipnetwork::{Ipv4Network, Ipv6Network};

use super::Scenario;
use super::labels::label;
use super::protocols::{port_value, protocol_and_ports};
use crate::import::inventory::{SecurityGroupDef, SgRuleDef, VpcDef};
use crate::import::yaml::{Item, MapBuilder, Value, item, text};

impl Scenario<'_> {
    pub(super) fn security_groups(&mut self, vpc: &VpcDef) -> Vec<Item> {
        let inventory = self.inventory;
        let mut groups = Vec::new();
        if vpc.id == self.cluster_vpc && self.synthesised_cluster_sg {
            let id = self.cluster_sg.clone();
            groups.push(item(
                MapBuilder::new()
                    .set("id", text(&id))
                    .set("ingress", Value::List(vec![item(MapBuilder::new().set("protocol", text("all")).set("sourceSecurityGroup", text(&id)).build(), vec![])]))
                    .build(),
                vec!["The cluster security group EKS creates (all traffic from itself); not in the source.".to_owned()],
            ));
        }
        let group_ids: HashSet<String> = inventory
            .security_groups
            .iter()
            .filter(|g| {
                g.vpc.as_deref().is_some_and(|v| self.included_vpc(v))
                    || (vpc.id == self.cluster_vpc && self.unplaced_group_in_cluster_vpc(g))
            })
            .map(|g| g.id.clone())
            .chain(std::iter::once(self.cluster_sg.clone()))
            .collect();
        let is_cluster_vpc = vpc.id == self.cluster_vpc;
        let own_groups: Vec<&SecurityGroupDef> = inventory
            .security_groups
            .iter()
            .filter(|g| {
                g.vpc.as_deref() == Some(vpc.id.as_str())
                    || (is_cluster_vpc && self.unplaced_group_in_cluster_vpc(g))
            })
            .collect();
        if is_cluster_vpc {
            let unplaced: Vec<&SecurityGroupDef> = inventory
                .security_groups
                .iter()
                .filter(|g| g.vpc.is_none() && !self.unplaced_group_in_cluster_vpc(g))
                .collect();
            for group in unplaced {
                self.left_out.push(format!(
                    "{}: its VPC is not known, the source has {} VPCs, and neither the cluster nor a node group uses it",
                    label(&group.id, &group.origin),
                    inventory.vpcs.len()
                ));
            }
        }
        for group in own_groups {
            if groups.iter().any(|i: &Item| matches!(&i.value, Value::Map(e) if e.first().is_some_and(|f| f.value == text(&group.id)))) {
                continue;
            }
            let mut group_map = MapBuilder::new().set("id", text(&group.id));
            let ingress = self.sg_rules(group, &group.ingress, false, &group_ids);
            group_map.push("ingress", Value::List(ingress));
            if let Some(egress) = &group.egress {
                let egress = self.sg_rules(group, egress, true, &group_ids);
                group_map.push("egress", Value::List(egress));
            }
            groups.push(item(
                group_map.build(),
                vec![format!("from {}", group.origin)],
            ));
        }
        groups
    }

    /// Whether a group whose VPC the source does not show belongs in the cluster VPC: when the
    /// source has at most one VPC, or the cluster or one of its node groups uses it. Otherwise
    /// it may belong to any VPC of the source (a plan without `configuration` knows no
    /// group's `vpc_id`), and it is left out rather than guessed into the cluster's.
    pub(super) fn unplaced_group_in_cluster_vpc(&self, group: &SecurityGroupDef) -> bool {
        if group.vpc.is_some() {
            return false;
        }
        let inventory = self.inventory;
        inventory.vpcs.len() <= 1
            || self.cluster.security_groups.contains(&group.id)
            || self.cluster.cluster_security_group.as_ref() == Some(&group.id)
            || inventory.node_groups.iter().any(|n| {
                n.security_groups
                    .as_ref()
                    .is_some_and(|groups| groups.contains(&group.id))
            })
    }

    fn sg_rules(
        &mut self,
        group: &SecurityGroupDef,
        rules: &[SgRuleDef],
        egress: bool,
        known: &HashSet<String>,
    ) -> Vec<Item> {
        let ipv6 = self.is_ipv6();
        let mut items = Vec::new();
        for rule in rules {
            let Some((protocol, ports)) =
                protocol_and_ports(&rule.protocol, rule.from_port, rule.to_port)
            else {
                self.note(format!(
                    "{}: a rule for protocol {} is not modelled and is left out",
                    label(&group.id, &group.origin),
                    rule.protocol
                ));
                continue;
            };
            let base = |map: MapBuilder| {
                let mut map = map.set("protocol", text(&protocol));
                if let Some(ports) = &ports {
                    map.push("ports", port_value(ports));
                }
                map
            };
            for cidr in &rule.cidrs {
                // IPv6 blocks only in an IPv6 cluster's scenario (see `ipv6`).
                let fits = cidr.parse::<Ipv4Network>().is_ok()
                    || (ipv6 && cidr.parse::<Ipv6Network>().is_ok());
                if !fits {
                    continue;
                }
                items.push(item(
                    base(MapBuilder::new()).set("cidr", text(cidr)).build(),
                    vec![],
                ));
            }
            for other in &rule.groups {
                if !known.contains(other) {
                    self.note(format!("{}: a rule referencing {other}, a group outside this scenario, is left out", label(&group.id, &group.origin)));
                    continue;
                }
                let key = if egress {
                    "destinationSecurityGroup"
                } else {
                    "sourceSecurityGroup"
                };
                items.push(item(
                    base(MapBuilder::new()).set(key, text(other)).build(),
                    vec![],
                ));
            }
        }
        items
    }
}
