//! Route 53 Resolver: endpoints (direction, one interface per `ip_address` block with its
//! subnet and address, the security groups on them, and the VPC of those subnets, which is
//! why subnets are read first) and rules (type, domain, target addresses, the outbound
//! endpoint they leave through) with the VPCs they are associated with: who else answers
//! DNS queries in a VPC, where they are forwarded, and the path the queries take (SPEC 8).
//!
//! The attributes, from the Terraform AWS provider documentation (registry.terraform.io,
//! hashicorp/aws, resources `route53_resolver_endpoint`, `route53_resolver_rule`,
//! `route53_resolver_rule_association`):
//! - `aws_route53_resolver_endpoint`: `direction` (required, `INBOUND` or `OUTBOUND`),
//!   `ip_address` blocks (required; `subnet_id` required, `ip` optional: without it AWS
//!   picks an address in the subnet at apply, so a plan does not know it), and
//!   `security_group_ids` (required: the groups that control access to the endpoint).
//! - `aws_route53_resolver_rule`: `rule_type` (required, `FORWARD`, `SYSTEM` or
//!   `RECURSIVE`), `domain_name`, `target_ip` blocks (`ip`, `port` defaulting to 53) and
//!   `resolver_endpoint_id` (the outbound endpoint, for `FORWARD` rules).
//! - `aws_route53_resolver_rule_association`: `resolver_rule_id` and `vpc_id`.
//!
//! References unknown at plan time (`security_group_ids = [aws_security_group.dns.id]`,
//! `resolver_endpoint_id = aws_route53_resolver_endpoint.out.id`) resolve through the
//! `configuration` section like every other ID. A value the provider would refuse
//! (`direction = "SIDEWAYS"`, `ip = "10.0.1"`) is invalid input; an unknown direction or
//! rule type leaves the resource out, with a note.

use std::net::Ipv4Addr;

use super::attributes::{Seg, k};
use super::{Plan, Resource};
use crate::import::inventory::{
    Direction, EndpointAddressDef, Inventory, ResolverEndpointDef, ResolverRuleDef, RuleTargetDef,
};

impl<'a> Plan<'a> {
    pub(super) fn resolver(&self, inventory: &mut Inventory) {
        for endpoint in self.of_kind("aws_route53_resolver_endpoint") {
            let addresses: Vec<EndpointAddressDef> = (0..self.blocks(endpoint, "ip_address"))
                .map(|i| EndpointAddressDef {
                    subnet: self.id(endpoint, &[k("ip_address"), Seg::Index(i), k("subnet_id")]),
                    ip: self.ipv4(endpoint, &[k("ip_address"), Seg::Index(i), k("ip")]),
                })
                .collect();
            let vpc = addresses
                .iter()
                .filter_map(|a| a.subnet.as_ref())
                .find_map(|s| {
                    inventory
                        .subnets
                        .iter()
                        .find(|d| &d.id == s)
                        .and_then(|d| d.vpc.clone())
                });
            let direction = match self.text(endpoint, &[k("direction")]) {
                Some(d) if d.eq_ignore_ascii_case("INBOUND") => Direction::Inbound,
                Some(d) if d.eq_ignore_ascii_case("OUTBOUND") => Direction::Outbound,
                Some(other) => {
                    self.invalid(
                        endpoint,
                        &[k("direction")],
                        format!("expected INBOUND or OUTBOUND, found {other:?}"),
                    );
                    continue;
                }
                None => {
                    inventory.note_vpc(
                        vpc.as_deref(),
                        format!(
                            "{}: direction unknown; the Resolver endpoint is left out",
                            endpoint.address
                        ),
                    );
                    continue;
                }
            };
            let groups = self.ids(endpoint, &[k("security_group_ids")]);
            inventory.resolver_endpoints.push(ResolverEndpointDef {
                id: self.id_of(endpoint),
                origin: endpoint.address.clone(),
                direction,
                vpc,
                addresses,
                security_groups: (!groups.is_empty()).then_some(groups),
            });
        }
        for rule in self.of_kind("aws_route53_resolver_rule") {
            let id = self.id_of(rule);
            let Some(rule_type) = self.text(rule, &[k("rule_type")]) else {
                inventory.missing.push(format!(
                    "{}: rule_type unknown; the Resolver rule is left out",
                    rule.address
                ));
                continue;
            };
            let rule_type = rule_type.to_ascii_uppercase();
            if !matches!(rule_type.as_str(), "FORWARD" | "SYSTEM" | "RECURSIVE") {
                self.invalid(
                    rule,
                    &[k("rule_type")],
                    format!("expected FORWARD, SYSTEM or RECURSIVE, found {rule_type:?}"),
                );
                continue;
            }
            let targets = (0..self.blocks(rule, "target_ip"))
                .filter_map(|i| {
                    let ip = self.ipv4(rule, &[k("target_ip"), Seg::Index(i), k("ip")])?;
                    let port = self.integer(rule, &[k("target_ip"), Seg::Index(i), k("port")]);
                    Some(RuleTargetDef { ip, port })
                })
                .collect();
            let vpcs = self
                .of_kind("aws_route53_resolver_rule_association")
                .filter(|a| self.id(a, &[k("resolver_rule_id")]).as_deref() == Some(id.as_str()))
                .filter_map(|a| self.id(a, &[k("vpc_id")]))
                .collect();
            inventory.resolver_rules.push(ResolverRuleDef {
                id,
                origin: rule.address.clone(),
                domain: self.text(rule, &[k("domain_name")]).unwrap_or_default(),
                rule_type,
                targets,
                endpoint: self.id(rule, &[k("resolver_endpoint_id")]),
                vpcs,
            });
        }
    }

    /// An IPv4 address attribute (`ip_address[0].ip`, `target_ip[0].ip`): `None` when
    /// unknown or empty; text that is no IPv4 address is invalid input.
    fn ipv4(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<String> {
        let text = self.text(resource, path).filter(|t| !t.is_empty())?;
        if text.parse::<Ipv4Addr>().is_err() {
            self.invalid(
                resource,
                path,
                format!("expected an IPv4 address, found {text:?}"),
            );
            return None;
        }
        Some(text)
    }
}
