//! Network ACLs: numbered allow and deny rules per direction, evaluated in rule-number
//! order, so a number is used once per direction and the rules are kept sorted by it.

use super::{Validator, owned};
use crate::diagnostic::LoadCode;
use crate::scenario::model::*;
use crate::scenario::raw::{RawAclRule, RawNetworkAcl};
use crate::scenario::spans::{join_index, join_key};

impl Validator<'_> {
    pub(super) fn network_acl(
        &mut self,
        raw: &RawNetworkAcl,
        vpc_ix: VpcIx,
        path: &str,
    ) -> NetworkAcl {
        let inbound = self.acl_rules(&raw.inbound, &join_key(path, "inbound"));
        let outbound = self.acl_rules(&raw.outbound, &join_key(path, "outbound"));
        NetworkAcl {
            id: owned(&raw.id),
            path: path.to_owned(),
            vpc: vpc_ix,
            inbound,
            outbound,
        }
    }

    fn acl_rules(&mut self, rules: &[RawAclRule], path: &str) -> Vec<AclRule> {
        let mut out: Vec<AclRule> = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let rule_path = join_index(path, i);
            let number = match self.required(&rule.rule, &rule_path, "rule").copied() {
                Some(number @ 1..=32766) => u32::try_from(number).ok(),
                Some(number) => {
                    self.problem(
                        LoadCode::BadValue,
                        &join_key(&rule_path, "rule"),
                        format!("rule number {number} is not in 1-32766"),
                    );
                    None
                }
                None => None,
            };
            if let Some(number) = number
                && let Some(twin) = out.iter().find(|r| r.number == number)
            {
                let message = format!(
                    "duplicate rule number {number} (also at {}); each rule number is used once per direction",
                    twin.path
                );
                self.problem(
                    LoadCode::DuplicateId,
                    &join_key(&rule_path, "rule"),
                    message,
                );
                continue;
            }
            let protocol = self.protocol(&rule.protocol, &rule_path);
            let ports = protocol.and_then(|protocol| self.ports(&rule.ports, protocol, &rule_path));
            let cidr = self
                .required(&rule.cidr, &rule_path, "cidr")
                .cloned()
                .and_then(|text| self.cidr(&text, &join_key(&rule_path, "cidr")));
            let allow = match self
                .required(&rule.action, &rule_path, "action")
                .map(|text| text.0.as_str())
            {
                Some("allow") => Some(true),
                Some("deny") => Some(false),
                Some(other) => {
                    self.problem(
                        LoadCode::BadValue,
                        &join_key(&rule_path, "action"),
                        format!("unknown action `{other}`: expected allow or deny"),
                    );
                    None
                }
                None => None,
            };
            if let (Some(number), Some(protocol), Some(ports), Some(cidr), Some(allow)) =
                (number, protocol, ports, cidr, allow)
            {
                out.push(AclRule {
                    number,
                    protocol,
                    ports,
                    cidr,
                    allow,
                    path: rule_path,
                });
            }
        }
        out.sort_by_key(|rule| rule.number);
        out
    }
}
