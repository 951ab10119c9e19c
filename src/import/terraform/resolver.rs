//! Route 53 Resolver: endpoints (direction, IPs, subnets, and the VPC of those subnets, which
//! is why subnets are read first) and rules with their target IPs and associated VPCs: who
//! else answers DNS queries in a VPC, and where they are forwarded.

use super::Plan;
use super::attributes::{Seg, k};
use crate::import::inventory::{Direction, Inventory, ResolverEndpointDef, ResolverRuleDef};

impl Plan<'_> {
    pub(super) fn resolver(&self, inventory: &mut Inventory) {
        for endpoint in self.of_kind("aws_route53_resolver_endpoint") {
            let mut ips = Vec::new();
            let mut subnets = Vec::new();
            for i in 0..self.blocks(endpoint, "ip_address") {
                if let Some(ip) = self.text(endpoint, &[k("ip_address"), Seg::Index(i), k("ip")]) {
                    ips.push(ip);
                }
                if let Some(subnet) =
                    self.id(endpoint, &[k("ip_address"), Seg::Index(i), k("subnet_id")])
                {
                    subnets.push(subnet);
                }
            }
            let vpc = subnets.iter().find_map(|s| {
                inventory
                    .subnets
                    .iter()
                    .find(|d| &d.id == s)
                    .and_then(|d| d.vpc.clone())
            });
            let direction = match self.text(endpoint, &[k("direction")]).as_deref() {
                Some("OUTBOUND") => Direction::Outbound,
                _ => Direction::Inbound,
            };
            inventory.resolver_endpoints.push(ResolverEndpointDef {
                id: self.id_of(endpoint),
                origin: endpoint.address.clone(),
                direction,
                vpc,
                ips,
                subnets,
            });
        }
        for rule in self.of_kind("aws_route53_resolver_rule") {
            let id = self.id_of(rule);
            let target_ips = (0..self.blocks(rule, "target_ip"))
                .filter_map(|i| self.text(rule, &[k("target_ip"), Seg::Index(i), k("ip")]))
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
                rule_type: self
                    .text(rule, &[k("rule_type")])
                    .unwrap_or_else(|| "FORWARD".to_owned()),
                target_ips,
                vpcs,
            });
        }
    }
}
