//! Security groups: inline `ingress`/`egress` blocks plus the rules of separate resources
//! (`aws_security_group_rule`, `aws_vpc_security_group_ingress_rule` and `_egress_rule`). A
//! rule for a group not in the plan is noted and left out.
//!
//! "When creating a new Security Group inside a VPC, Terraform will remove [AWS's default
//! allow-all egress] rule" (AWS provider docs), so a group without egress rules denies all
//! outbound traffic; for groups other than `aws_default_security_group` that is noted.

use super::attributes::{Seg, k};
use super::{Plan, Resource};
use crate::import::inventory::{Inventory, SecurityGroupDef, SgRuleDef};

impl<'a> Plan<'a> {
    fn sg_rule(&self, resource: &Resource<'a>, path: &[Seg], group_id: &str) -> SgRuleDef {
        let field = |name: &'static str| {
            let mut p = path.to_vec();
            p.push(Seg::Key(name));
            p
        };
        let mut groups = self.ids(resource, &field("security_groups"));
        groups.extend(self.ids(resource, &field("source_security_group_id")));
        groups.extend(self.ids(resource, &field("referenced_security_group_id")));
        if self.boolean(resource, &field("self")) == Some(true) {
            groups.push(group_id.to_owned());
        }
        let mut cidrs = self.texts(resource, &field("cidr_blocks"));
        cidrs.extend(self.texts(resource, &field("cidr_ipv4")));
        // IPv6 sources and destinations (`ipv6_cidr_blocks`; `cidr_ipv6` on the
        // `aws_vpc_security_group_*_rule` resources): the builder keeps them for IPv6 clusters.
        cidrs.extend(self.texts(resource, &field("ipv6_cidr_blocks")));
        cidrs.extend(self.texts(resource, &field("cidr_ipv6")));
        SgRuleDef {
            protocol: self
                .text(resource, &field("protocol"))
                .or_else(|| self.text(resource, &field("ip_protocol")))
                .unwrap_or_else(|| "-1".to_owned()),
            from_port: self.integer(resource, &field("from_port")),
            to_port: self.integer(resource, &field("to_port")),
            cidrs,
            groups,
        }
    }

    pub(super) fn security_groups(&self, inventory: &mut Inventory) {
        let mut groups: Vec<SecurityGroupDef> = Vec::new();
        for kind in ["aws_security_group", "aws_default_security_group"] {
            for group in self.of_kind(kind) {
                let id = self.id_of(group);
                let ingress = (0..self.blocks(group, "ingress"))
                    .map(|i| self.sg_rule(group, &[k("ingress"), Seg::Index(i)], &id))
                    .collect();
                let egress: Vec<SgRuleDef> = (0..self.blocks(group, "egress"))
                    .map(|i| self.sg_rule(group, &[k("egress"), Seg::Index(i)], &id))
                    .collect();
                groups.push(SecurityGroupDef {
                    id,
                    origin: group.address.clone(),
                    vpc: self.id(group, &[k("vpc_id")]),
                    ingress,
                    // Terraform manages egress explicitly: no rules means none.
                    egress: Some(egress),
                });
            }
        }
        // `aws_security_group_rule` says its direction in `type`; the newer resources in
        // their type name.
        for (kind, fixed_egress) in [
            ("aws_security_group_rule", None),
            ("aws_vpc_security_group_ingress_rule", Some(false)),
            ("aws_vpc_security_group_egress_rule", Some(true)),
        ] {
            for rule in self.of_kind(kind) {
                let Some(group_id) = self.id(rule, &[k("security_group_id")]) else {
                    continue;
                };
                let parsed = self.sg_rule(rule, &[], &group_id);
                let egress = fixed_egress
                    .unwrap_or_else(|| self.text(rule, &[k("type")]).as_deref() == Some("egress"));
                add_rule(
                    &mut groups,
                    &group_id,
                    parsed,
                    egress,
                    &rule.address,
                    &mut inventory.missing,
                );
            }
        }
        for group in &groups {
            if group.egress.as_ref().is_some_and(Vec::is_empty)
                && !group.origin.contains("aws_default_security_group")
            {
                inventory.note_vpc(group.vpc.as_deref(), format!(
                    "{}: no egress rules; Terraform removes AWS's default allow-all egress, so the group allows no outbound traffic",
                    group.origin
                ));
            }
        }
        inventory.security_groups = groups;
    }
}

fn add_rule(
    groups: &mut [SecurityGroupDef],
    group_id: &str,
    rule: SgRuleDef,
    egress: bool,
    address: &str,
    missing: &mut Vec<String>,
) {
    let Some(group) = groups.iter_mut().find(|g| g.id == group_id) else {
        missing.push(format!(
            "{address}: security group {group_id} is not in the plan; the rule is left out"
        ));
        return;
    };
    if egress {
        group.egress.get_or_insert_with(Vec::new).push(rule);
    } else {
        group.ingress.push(rule);
    }
}
