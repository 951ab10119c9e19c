//! Network ACLs: inline `ingress`/`egress` entries, `aws_network_acl_rule` resources added to
//! the ACL they name, and subnets (inline `subnet_ids` or `aws_network_acl_association`).
//! `aws_default_network_acl` is the VPC's default ACL, matched to its VPC through
//! `default_network_acl_id`.

use super::attributes::{Seg, k};
use super::{Plan, Resource};
use crate::import::inventory::{AclEntryDef, Inventory, NetworkAclDef};

impl<'a> Plan<'a> {
    fn acl_entry(
        &self,
        resource: &Resource<'a>,
        path: &[Seg],
        rule_key: &'static str,
        action_key: &'static str,
    ) -> AclEntryDef {
        let field = |name: &'static str| {
            let mut p = path.to_vec();
            p.push(Seg::Key(name));
            p
        };
        AclEntryDef {
            rule: self.integer(resource, &field(rule_key)).unwrap_or(0),
            protocol: self
                .text(resource, &field("protocol"))
                .unwrap_or_else(|| "-1".to_owned()),
            from_port: self.integer(resource, &field("from_port")),
            to_port: self.integer(resource, &field("to_port")),
            cidr: self.text(resource, &field("cidr_block")),
            ipv6_cidr: self
                .text(resource, &field("ipv6_cidr_block"))
                .filter(|block| !block.is_empty()),
            allow: self
                .text(resource, &field(action_key))
                .is_some_and(|a| a.eq_ignore_ascii_case("allow")),
        }
    }

    pub(super) fn network_acls(&self, inventory: &mut Inventory) {
        let mut acls: Vec<NetworkAclDef> = Vec::new();
        for (kind, default) in [
            ("aws_network_acl", false),
            ("aws_default_network_acl", true),
        ] {
            for acl in self.of_kind(kind) {
                let vpc = if default {
                    self.vpc_of_default(acl, "default_network_acl_id")
                } else {
                    self.id(acl, &[k("vpc_id")])
                };
                acls.push(NetworkAclDef {
                    id: self.id_of(acl),
                    origin: acl.address.clone(),
                    vpc,
                    default,
                    inbound: (0..self.blocks(acl, "ingress"))
                        .map(|i| {
                            self.acl_entry(acl, &[k("ingress"), Seg::Index(i)], "rule_no", "action")
                        })
                        .collect(),
                    outbound: (0..self.blocks(acl, "egress"))
                        .map(|i| {
                            self.acl_entry(acl, &[k("egress"), Seg::Index(i)], "rule_no", "action")
                        })
                        .collect(),
                    subnets: self.ids(acl, &[k("subnet_ids")]),
                });
            }
        }
        for rule in self.of_kind("aws_network_acl_rule") {
            let Some(acl_id) = self.id(rule, &[k("network_acl_id")]) else {
                continue;
            };
            let entry = self.acl_entry(rule, &[], "rule_number", "rule_action");
            let egress = self.boolean(rule, &[k("egress")]).unwrap_or(false);
            if let Some(acl) = acls.iter_mut().find(|a| a.id == acl_id) {
                if egress {
                    acl.outbound.push(entry)
                } else {
                    acl.inbound.push(entry)
                }
            }
        }
        for association in self.of_kind("aws_network_acl_association") {
            let (Some(acl_id), Some(subnet)) = (
                self.id(association, &[k("network_acl_id")]),
                self.id(association, &[k("subnet_id")]),
            ) else {
                continue;
            };
            if let Some(acl) = acls.iter_mut().find(|a| a.id == acl_id) {
                acl.subnets.push(subnet);
            }
        }
        inventory.network_acls = acls;
    }
}
