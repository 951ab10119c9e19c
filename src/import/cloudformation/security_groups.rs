//! Security groups and their rules, inline (`SecurityGroupIngress`, `SecurityGroupEgress`) or
//! standalone (`AWS::EC2::SecurityGroupIngress`, `AWS::EC2::SecurityGroupEgress`).
//!
//! CloudFormation defaults (AWS CloudFormation Template Reference, `AWS::EC2::SecurityGroup`):
//! "if you do not add egress rules, we add egress rules that allow all outbound IPv4 and IPv6
//! traffic" — a group without `SecurityGroupEgress` keeps `egress: None`. A standalone
//! `AWS::EC2::SecurityGroupEgress` then replaces that default rule: CloudFormation strips "the
//! default outbound rule when another rule gets added" (aws/aws-cdk#998, #3355).
//!
//! A rule may name the cluster security group EKS creates (`Fn::GetAtt
//! Cluster.ClusterSecurityGroupId`); that group is then added as EKS creates it: "Inbound:
//! All, from itself; Outbound: All, 0.0.0.0/0" (EKS user guide, sec-group-reqs). Rules for a
//! prefix list or a group name are noted and left out.

use super::intrinsics::{Outcome, cluster_security_group_id};
use super::properties::Property;
use super::{Reader, Resource};
use crate::import::inventory::{SecurityGroupDef, SgRuleDef};

/// The fields of a security group rule, inline or standalone.
const SG_RULE_KEYS: [&str; 10] = [
    "IpProtocol",
    "FromPort",
    "ToPort",
    "CidrIp",
    "CidrIpv6",
    "SourceSecurityGroupId",
    "SourceSecurityGroupName",
    "SourcePrefixListId",
    "DestinationSecurityGroupId",
    "DestinationPrefixListId",
];

impl<'t> Reader<'t> {
    pub(super) fn security_group(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let vpc = self.text(r, "VpcId")?;
        let ingress = self.inline_rules(r, "SecurityGroupIngress", false)?;
        let egress = self.inline_rules(r, "SecurityGroupEgress", true)?;
        self.inventory.security_groups.push(SecurityGroupDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc,
            ingress,
            // No egress rules written: AWS adds the allow-all default.
            egress: Some(egress).filter(|rules| !rules.is_empty()),
        });
        Ok(())
    }

    fn inline_rules(
        &mut self,
        r: &Resource<'t>,
        key: &str,
        egress: bool,
    ) -> Outcome<Vec<SgRuleDef>> {
        let mut rules = Vec::new();
        for rule in self.property(r, key)?.items()? {
            rules.extend(self.sg_rule(&rule, &r.origin(), egress)?);
        }
        Ok(rules)
    }

    /// One rule; `None` when it cannot be read (its protocol unknown).
    fn sg_rule(
        &mut self,
        rule: &Property,
        origin: &str,
        egress: bool,
    ) -> Outcome<Option<SgRuleDef>> {
        let Some(protocol) = rule.get("IpProtocol")?.text()? else {
            self.eval.note(format!(
                "{origin}: the rule at {} has no known IpProtocol; left out",
                rule.path
            ));
            return Ok(None);
        };
        let (group_key, unmodelled): (&str, &[&str]) = if egress {
            ("DestinationSecurityGroupId", &["DestinationPrefixListId"])
        } else {
            (
                "SourceSecurityGroupId",
                &["SourcePrefixListId", "SourceSecurityGroupName"],
            )
        };
        for key in unmodelled {
            if let Some(peer) = rule.get(key)?.text()? {
                self.eval.note(format!(
                    "{origin}: a rule for {key} {peer} is not modelled; left out"
                ));
            }
        }
        Ok(Some(SgRuleDef {
            protocol,
            from_port: rule.get("FromPort")?.integer()?,
            to_port: rule.get("ToPort")?.integer()?,
            // `CidrIpv6` too: the builder keeps IPv6 blocks for IPv6 clusters.
            cidrs: rule
                .get("CidrIp")?
                .text()?
                .into_iter()
                .chain(rule.get("CidrIpv6")?.text()?)
                .collect(),
            groups: rule.get(group_key)?.text()?.into_iter().collect(),
        }))
    }

    pub(super) fn standalone_sg_rule(&mut self, r: &Resource<'t>, egress: bool) -> Outcome<()> {
        let Some(group_id) = self.text(r, "GroupId")? else {
            self.eval.note(format!(
                "{}: the security group is unknown (no GroupId, or a default-VPC GroupName); the rule is left out",
                r.origin()
            ));
            return Ok(());
        };
        let fields = self.properties_subset(r, &SG_RULE_KEYS)?;
        let Some(rule) = self.sg_rule(&fields, &r.origin(), egress)? else {
            return Ok(());
        };
        let Some(group) = self.security_group_mut(&group_id) else {
            self.eval.note(format!(
                "{}: security group {group_id} is not in the template; the rule is left out",
                r.origin()
            ));
            return Ok(());
        };
        if egress {
            // Replaces the allow-all default when the group had no egress rules.
            group.egress.get_or_insert_with(Vec::new).push(rule);
        } else {
            group.ingress.push(rule);
        }
        Ok(())
    }

    /// A security group of the template, or the cluster security group EKS creates when a
    /// rule names it (`Fn::GetAtt Cluster.ClusterSecurityGroupId`).
    fn security_group_mut(&mut self, id: &str) -> Option<&mut SecurityGroupDef> {
        if !self.inventory.security_groups.iter().any(|g| g.id == id) {
            self.add_cluster_security_group(id)?;
        }
        self.inventory
            .security_groups
            .iter_mut()
            .find(|g| g.id == id)
    }

    /// The cluster security group as EKS creates it: "Inbound: All, from itself; Outbound:
    /// All, 0.0.0.0/0" (EKS user guide, sec-group-reqs).
    fn add_cluster_security_group(&mut self, id: &str) -> Option<()> {
        let cluster = self
            .inventory
            .clusters
            .iter()
            .position(|c| cluster_security_group_id(&c.name) == id)?;
        let vpc = self
            .inventory
            .clusters
            .get(cluster)
            .and_then(|c| c.subnets.iter().find_map(|s| self.subnet_vpc(s)));
        let cluster = self.inventory.clusters.get_mut(cluster)?;
        cluster.cluster_security_group = Some(id.to_owned());
        let origin = format!(
            "{} (the cluster security group EKS creates)",
            cluster.origin
        );
        self.inventory.security_groups.push(SecurityGroupDef {
            id: id.to_owned(),
            origin,
            vpc,
            ingress: vec![SgRuleDef {
                protocol: "-1".to_owned(),
                groups: vec![id.to_owned()],
                ..SgRuleDef::default()
            }],
            egress: None,
        });
        Some(())
    }
}
