//! Route 53 Resolver: inbound and outbound endpoints, rules and their VPC associations.
//!
//! The properties, from the AWS CloudFormation Template Reference:
//! - `AWS::Route53Resolver::ResolverEndpoint`: `Direction` (`INBOUND` or `OUTBOUND`),
//!   `IpAddresses` (`[{SubnetId, Ip}]`; without `Ip` Resolver picks an address in the subnet
//!   at deploy time) and `SecurityGroupIds` ("The ID of one or more security groups that
//!   control access to this VPC").
//! - `AWS::Route53Resolver::ResolverRule`: `RuleType`, `DomainName`, `TargetIps`
//!   (`[{Ip, Port}]`) and `ResolverEndpointId` ("The ID of the endpoint that the rule is
//!   associated with"). `Ref` of an endpoint or a rule is its ID, as is `Fn::GetAtt
//!   ….ResolverEndpointId` / `….ResolverRuleId` (see `intrinsics`), so a rule names its
//!   outbound endpoint by logical ID.
//! - `AWS::Route53Resolver::ResolverRuleAssociation`: `ResolverRuleId` and `VPCId`.
//!
//! An endpoint's VPC is the VPC of its subnets (`IpAddresses[].SubnetId`), read before it. An
//! association with a rule that is not in the template (one shared from another account) is
//! noted and left out. A literal the service would refuse (`Direction: SIDEWAYS`,
//! `Ip: 10.0.1`) is invalid input, reported with its property path; a value only known at
//! deploy time leaves the resource out, with a note.

use std::net::Ipv4Addr;

use super::intrinsics::{Outcome, problem};
use super::properties::Property;
use super::{Reader, Resource};
use crate::import::inventory::{
    Direction, EndpointAddressDef, ResolverEndpointDef, ResolverRuleDef, RuleTargetDef,
};

impl<'t> Reader<'t> {
    pub(super) fn resolver_endpoint(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let property = self.property(r, "Direction")?;
        let direction = match property.text()?.map(|d| d.to_ascii_uppercase()) {
            Some(d) if d == "INBOUND" => Direction::Inbound,
            Some(d) if d == "OUTBOUND" => Direction::Outbound,
            Some(other) => {
                return Err(problem(
                    &property.path,
                    format!("expected INBOUND or OUTBOUND, found `{other}`"),
                ));
            }
            None => {
                self.eval.note(format!(
                    "{}: Direction is not known; the endpoint is left out",
                    r.origin()
                ));
                return Ok(());
            }
        };
        let mut addresses = Vec::new();
        for address in self.property(r, "IpAddresses")?.items()? {
            addresses.push(EndpointAddressDef {
                subnet: address.get("SubnetId")?.text()?,
                ip: ipv4(&address.get("Ip")?)?,
            });
        }
        let vpc = addresses
            .iter()
            .filter_map(|a| a.subnet.as_deref())
            .find_map(|s| self.subnet_vpc(s));
        let groups = self.property(r, "SecurityGroupIds")?;
        let security_groups = if groups.is_set() {
            Some(groups.texts()?).filter(|g| !g.is_empty())
        } else {
            None
        };
        self.inventory.resolver_endpoints.push(ResolverEndpointDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            direction,
            vpc,
            addresses,
            security_groups,
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
        let mut targets = Vec::new();
        for target in self.property(r, "TargetIps")?.items()? {
            if let Some(ip) = ipv4(&target.get("Ip")?)? {
                let port = target.get("Port")?.integer()?;
                targets.push(RuleTargetDef { ip, port });
            }
        }
        let endpoint = self.text(r, "ResolverEndpointId")?;
        self.inventory.resolver_rules.push(ResolverRuleDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            domain,
            rule_type: rule_type.to_ascii_uppercase(),
            targets,
            endpoint,
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

/// An IPv4 address property (`IpAddresses[0].Ip`, `TargetIps[0].Ip`): `None` when absent
/// or unknown; anything else that is no IPv4 address is a problem at its path.
fn ipv4(property: &Property) -> Outcome<Option<String>> {
    let Some(text) = property.text()? else {
        return Ok(None);
    };
    let text = text.trim().to_owned();
    if text.parse::<Ipv4Addr>().is_err() {
        return Err(problem(
            &property.path,
            format!("expected an IPv4 address, found `{text}`"),
        ));
    }
    Ok(Some(text))
}
