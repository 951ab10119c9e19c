//! The `nodeGroups` section: the cluster's node groups, each with its subnets in the cluster
//! VPC and its security groups, and a placeholder public IP when its subnets auto-assign one
//! (the address is picked at launch). A group is left out, with a note, when none of its
//! subnets are known; groups and subnets not in the source are noted, never guessed.

use std::collections::HashSet;

use super::Scenario;
use super::placeholders::placeholder_node_ip;
use crate::import::yaml::{Item, MapBuilder, flow, item, text};

impl Scenario<'_> {
    pub(super) fn node_groups(&mut self) -> Vec<Item> {
        let inventory = self.inventory;
        let cluster = self.cluster;
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        for group in &inventory.node_groups {
            if group.cluster.as_ref().is_some_and(|c| c != &cluster.name)
                || (group.cluster.is_none() && inventory.clusters.len() > 1)
            {
                continue;
            }
            if !seen.insert(group.name.clone()) {
                continue;
            }
            let subnets: Vec<&String> = group
                .subnets
                .iter()
                .filter(|id| {
                    self.included_subnet(id)
                        .is_some_and(|s| s.vpc.as_deref() == Some(self.cluster_vpc.as_str()))
                })
                .collect();
            if subnets.is_empty() {
                self.note(format!("{} ({}): none of its subnets are known in the cluster VPC; the node group is left out", group.name, group.origin));
                continue;
            }
            if subnets.len() < group.subnets.len() {
                self.note(format!(
                    "{} ({}): some subnets are not known; only {} of {} kept",
                    group.name,
                    group.origin,
                    subnets.len(),
                    group.subnets.len()
                ));
            }
            let mut map = MapBuilder::new()
                .set("name", text(&group.name))
                .set("subnets", flow(&subnets));
            if let Some(groups) = &group.security_groups {
                let (known, unknown): (Vec<&String>, Vec<&String>) =
                    groups.iter().partition(|id| {
                        inventory.security_groups.iter().any(|g| &g.id == *id)
                            || **id == self.cluster_sg
                    });
                if !unknown.is_empty() {
                    let ids: Vec<&str> = unknown.iter().map(|id| id.as_str()).collect();
                    self.note(format!(
                        "{} ({}): security groups not in the source are left out: {}",
                        group.name,
                        group.origin,
                        ids.join(", ")
                    ));
                }
                // A list emptied only because its groups are unknown would leave the nodes with
                // no rules at all; the cluster security group is the closer guess.
                if !known.is_empty() || unknown.is_empty() {
                    map.push("securityGroups", flow(&known));
                }
            }
            // EKS: nodes in a public subnet need a subnet that auto-assigns public IPv4
            // addresses (EKS user guide, network-reqs, "Subnet requirements for nodes").
            let auto_public = subnets.iter().any(|id| {
                self.included_subnet(id)
                    .is_some_and(|s| s.map_public_ip_on_launch == Some(true))
            });
            if auto_public {
                let ip = placeholder_node_ip(self.node_public_ips);
                self.node_public_ips += 1;
                map.push_noted(
                    "publicIp",
                    text(&ip),
                    Some("placeholder: assigned at launch (MapPublicIpOnLaunch)".to_owned()),
                );
                self.note(format!("{} ({}): its subnets auto-assign public IPs, which no allowlist can name in advance; placeholder {ip} is assumed", group.name, group.origin));
            }
            items.push(item(map.build(), vec![format!("from {}", group.origin)]));
        }
        items
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::inventory;
    use super::super::{Options, build};
    use crate::import::inventory::*;

    fn with_node_groups(map_public_ip: Option<bool>, groups: Option<Vec<String>>) -> Inventory {
        let mut inventory = inventory();
        for subnet in &mut inventory.subnets {
            if subnet.id == "subnet-pub" {
                subnet.map_public_ip_on_launch = map_public_ip;
            }
        }
        inventory.node_groups = vec![NodeGroupDef {
            name: "edge".into(),
            origin: "aws_eks_node_group.edge".into(),
            subnets: vec!["subnet-pub".into()],
            security_groups: groups,
            ..NodeGroupDef::default()
        }];
        inventory
    }

    fn built_scenario(inventory: &Inventory) -> crate::scenario::Scenario {
        let built = build(inventory, &Options::default()).unwrap();
        let yaml = &built[0].yaml;
        crate::scenario::load_one("built.yaml", yaml).unwrap_or_else(|p| panic!("{p:?}\n{yaml}"))
    }

    #[test]
    fn nodes_in_a_subnet_that_maps_public_ips_get_a_placeholder_public_ip() {
        let scenario = built_scenario(&with_node_groups(Some(true), None));
        let group = &scenario.node_groups[0];
        assert_eq!(
            group.public_ip,
            Some(std::net::Ipv4Addr::new(203, 0, 113, 101))
        );
        let missing = &scenario.imported.as_ref().unwrap().missing;
        assert!(
            missing
                .iter()
                .any(|m| m.contains("edge") && m.contains("203.0.113.101")),
            "{missing:?}"
        );
        for off in [Some(false), None] {
            let scenario = built_scenario(&with_node_groups(off, None));
            assert_eq!(scenario.node_groups[0].public_ip, None, "{off:?}");
        }
    }

    #[test]
    fn node_security_groups_not_in_the_source_are_noted_and_never_leave_an_empty_list() {
        let scenario = built_scenario(&with_node_groups(None, Some(vec!["sg-elsewhere".into()])));
        let group = &scenario.node_groups[0];
        assert!(
            group.default_security_groups,
            "falls back to the cluster security group"
        );
        let missing = &scenario.imported.as_ref().unwrap().missing;
        assert!(
            missing.iter().any(|m| m.contains("sg-elsewhere")),
            "{missing:?}"
        );
    }
}
