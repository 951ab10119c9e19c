//! Network ACLs, their entries and subnet associations.
//!
//! A new network ACL denies everything until entries are added; a VPC's default ACL cannot
//! be declared in a template. CloudFormation defaults (AWS CloudFormation Template Reference,
//! `AWS::EC2::NetworkAclEntry`): `Egress` defaults to false (an inbound rule). An entry whose
//! rule number, protocol or action is unknown is noted and left out; a `RuleAction` other
//! than allow or deny is invalid input.

use super::intrinsics::{Outcome, problem};
use super::{Reader, Resource};
use crate::import::inventory::{AclEntryDef, NetworkAclDef};

impl<'t> Reader<'t> {
    pub(super) fn network_acl(&mut self, r: &Resource<'t>) -> Outcome<()> {
        // A new network ACL denies everything until entries are added; `default` is the
        // VPC's own, which a template cannot declare.
        let acl = NetworkAclDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
            ..NetworkAclDef::default()
        };
        self.inventory.network_acls.push(acl);
        Ok(())
    }

    pub(super) fn network_acl_entry(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let acl = self.text(r, "NetworkAclId")?;
        let rule = self.property(r, "RuleNumber")?.integer()?;
        let protocol = self.text(r, "Protocol")?;
        let action = self.property(r, "RuleAction")?;
        let allow = match action.text()? {
            Some(text) if text.eq_ignore_ascii_case("allow") => Some(true),
            Some(text) if text.eq_ignore_ascii_case("deny") => Some(false),
            Some(text) => {
                return Err(problem(
                    &action.path,
                    format!("RuleAction is allow or deny, not `{text}`"),
                ));
            }
            None => None,
        };
        let (Some(rule), Some(protocol), Some(allow)) = (rule, protocol, allow) else {
            self.eval.note(format!(
                "{}: the rule number, protocol or action is unknown; the entry is left out",
                r.origin()
            ));
            return Ok(());
        };
        let ports = self.property(r, "PortRange")?;
        let entry = AclEntryDef {
            rule,
            protocol,
            from_port: ports.get("From")?.integer()?,
            to_port: ports.get("To")?.integer()?,
            cidr: self.text(r, "CidrBlock")?,
            ipv6_cidr: self.text(r, "Ipv6CidrBlock")?,
            allow,
        };
        let egress = self.flag(r, "Egress")?.unwrap_or(false);
        match self
            .inventory
            .network_acls
            .iter_mut()
            .find(|a| Some(&a.id) == acl.as_ref())
        {
            Some(acl) if egress => acl.outbound.push(entry),
            Some(acl) => acl.inbound.push(entry),
            None => self.eval.note(format!(
                "{}: network ACL {} is not in the template; the entry is left out",
                r.origin(),
                acl.as_deref().unwrap_or("(unknown)")
            )),
        }
        Ok(())
    }

    pub(super) fn network_acl_association(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let acl = self.text(r, "NetworkAclId")?;
        let subnet = self.text(r, "SubnetId")?;
        let found = self
            .inventory
            .network_acls
            .iter_mut()
            .find(|a| Some(&a.id) == acl.as_ref());
        match (found, subnet) {
            (Some(acl), Some(subnet)) => acl.subnets.push(subnet),
            _ => self.eval.note(format!(
                "{}: the network ACL or subnet is not in the template; the association is left out",
                r.origin()
            )),
        }
        Ok(())
    }
}
