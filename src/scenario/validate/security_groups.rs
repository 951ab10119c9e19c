//! Security groups: their ingress and egress rules, each with a protocol, ports and one
//! peer (a CIDR block or another security group).

use super::{Validator, owned};
use crate::diagnostic::LoadCode;
use crate::scenario::model::*;
use crate::scenario::raw::{RawSecurityGroup, RawSgRule};
use crate::scenario::spans::{join_index, join_key};

impl Validator<'_> {
    pub(super) fn security_group(
        &mut self,
        raw: &RawSecurityGroup,
        vpc_ix: VpcIx,
        path: &str,
    ) -> SecurityGroup {
        let ingress = self.sg_rules(&raw.ingress, &join_key(path, "ingress"), false);
        let egress = raw
            .egress
            .as_ref()
            .map(|rules| self.sg_rules(rules, &join_key(path, "egress"), true));
        SecurityGroup {
            id: owned(&raw.id),
            path: path.to_owned(),
            vpc: vpc_ix,
            ingress,
            egress,
        }
    }

    fn sg_rules(&mut self, rules: &[RawSgRule], path: &str, egress: bool) -> Vec<SgRule> {
        let mut out = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let rule_path = join_index(path, i);
            let protocol = self.protocol(&rule.protocol, &rule_path);
            let ports = protocol.and_then(|protocol| self.ports(&rule.ports, protocol, &rule_path));
            let group = match (
                &rule.source_security_group,
                &rule.destination_security_group,
            ) {
                (Some(source), None) => Some(("sourceSecurityGroup", source)),
                (None, Some(destination)) => Some(("destinationSecurityGroup", destination)),
                (None, None) => None,
                (Some(_), Some(_)) => {
                    self.problem(LoadCode::Conflict, &rule_path, "a rule names one peer security group: `sourceSecurityGroup` or `destinationSecurityGroup`, not both");
                    None
                }
            };
            if let Some(("destinationSecurityGroup", _)) = group
                && !egress
            {
                self.key_problem(
                    LoadCode::Conflict,
                    &join_key(&rule_path, "destinationSecurityGroup"),
                    "an ingress rule names its peer with `sourceSecurityGroup`",
                );
            }
            let peer = match (&rule.cidr, group) {
                (Some(cidr), None) => self
                    .cidr(cidr, &join_key(&rule_path, "cidr"))
                    .map(SgPeer::Cidr),
                (None, Some((field, id))) => self
                    .sg_ref(id, &join_key(&rule_path, field))
                    .map(SgPeer::Group),
                (Some(_), Some(_)) => {
                    self.problem(LoadCode::Conflict, &rule_path, "a rule has either `cidr` or a peer security group, not both (write two rules)");
                    None
                }
                (None, None) => {
                    let peer = if egress {
                        "destinationSecurityGroup"
                    } else {
                        "sourceSecurityGroup"
                    };
                    self.problem(
                        LoadCode::MissingField,
                        &rule_path,
                        format!("missing the rule's peer: `cidr` or `{peer}`"),
                    );
                    None
                }
            };
            if let (Some(protocol), Some(ports), Some(peer)) = (protocol, ports, peer) {
                out.push(SgRule {
                    protocol,
                    ports,
                    peer,
                    path: rule_path,
                });
            }
        }
        out
    }
}
