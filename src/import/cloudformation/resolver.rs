//! Route 53 Resolver: inbound and outbound endpoints, rules and their VPC associations.
//!
//! An endpoint's VPC is the VPC of its subnets (`IpAddresses[].SubnetId`), read before it. An
//! association with a rule that is not in the template (one shared from another account) is
//! noted and left out.

use super::intrinsics::Outcome;
use super::{Reader, Resource};
use crate::import::inventory::{Direction, ResolverEndpointDef, ResolverRuleDef};

impl<'t> Reader<'t> {
    pub(super) fn resolver_endpoint(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let direction = match self.text(r, "Direction")?.map(|d| d.to_ascii_uppercase()) {
            Some(d) if d == "INBOUND" => Direction::Inbound,
            Some(d) if d == "OUTBOUND" => Direction::Outbound,
            _ => {
                self.eval.note(format!(
                    "{}: Direction is not INBOUND or OUTBOUND; the endpoint is left out",
                    r.origin()
                ));
                return Ok(());
            }
        };
        let mut ips = Vec::new();
        let mut subnets = Vec::new();
        for address in self.property(r, "IpAddresses")?.items()? {
            ips.extend(address.get("Ip")?.text()?);
            subnets.extend(address.get("SubnetId")?.text()?);
        }
        let vpc = subnets.iter().find_map(|s| self.subnet_vpc(s));
        self.inventory.resolver_endpoints.push(ResolverEndpointDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            direction,
            vpc,
            ips,
            subnets,
        });
        Ok(())
    }

    pub(super) fn resolver_rule(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let (Some(domain), Some(rule_type)) =
            (self.text(r, "DomainName")?, self.text(r, "RuleType")?)
        else {
            self.eval.note(format!(
                "{}: DomainName or RuleType is unknown; the rule is left out",
                r.origin()
            ));
            return Ok(());
        };
        let mut target_ips = Vec::new();
        for target in self.property(r, "TargetIps")?.items()? {
            target_ips.extend(target.get("Ip")?.text()?);
        }
        self.inventory.resolver_rules.push(ResolverRuleDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            domain,
            rule_type: rule_type.to_ascii_uppercase(),
            target_ips,
            vpcs: Vec::new(),
        });
        Ok(())
    }

    pub(super) fn resolver_rule_association(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let rule = self.text(r, "ResolverRuleId")?;
        let vpc = self.text(r, "VPCId")?;
        let found = self
            .inventory
            .resolver_rules
            .iter_mut()
            .find(|x| Some(&x.id) == rule.as_ref());
        match (found, vpc) {
            (Some(rule), Some(vpc)) => rule.vpcs.push(vpc),
            _ => self.eval.note(format!(
                "{}: Resolver rule {} is not in the template (shared from another account?) or the VPC is unknown; the association is left out",
                r.origin(),
                rule.as_deref().unwrap_or("(unknown)")
            )),
        }
        Ok(())
    }
}
