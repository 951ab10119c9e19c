//! The `resolver` of one VPC: Route 53 Resolver inbound endpoints (their addresses, or the
//! base + 53 of their subnets when those are unknown) and the forward rules associated with
//! it. Rules of other types, and endpoints or rules without usable addresses, are noted and
//! left out.

use std::net::Ipv4Addr;

use ipnetwork::Ipv4Network;

use super::Scenario;
use super::labels::label;
use crate::import::inventory::{Direction, VpcDef};
use crate::import::yaml::{MapBuilder, Value, flow, item, text};

impl Scenario<'_> {
    pub(super) fn resolver(&mut self, vpc: &VpcDef) -> MapBuilder {
        let inventory = self.inventory;
        let mut resolver = MapBuilder::new();
        let mut inbound = Vec::new();
        for endpoint in inventory.resolver_endpoints.iter().filter(|e| {
            e.direction == Direction::Inbound && e.vpc.as_deref() == Some(vpc.id.as_str())
        }) {
            let mut ips: Vec<String> = endpoint
                .ips
                .iter()
                .filter(|ip| ip.parse::<Ipv4Addr>().is_ok())
                .cloned()
                .collect();
            if ips.is_empty() {
                for subnet in endpoint
                    .subnets
                    .iter()
                    .filter_map(|s| self.included_subnet(s))
                {
                    if let Some(cidr) = subnet
                        .cidr
                        .as_ref()
                        .and_then(|c| c.parse::<Ipv4Network>().ok())
                    {
                        ips.push(
                            Ipv4Addr::from(u32::from(cidr.network()).saturating_add(53))
                                .to_string(),
                        );
                    }
                }
                if !ips.is_empty() {
                    self.note(format!("{}: inbound endpoint addresses not known; base + 53 of its subnets is assumed", label(&endpoint.id, &endpoint.origin)));
                }
            }
            if ips.is_empty() {
                self.note(format!(
                    "{}: inbound endpoint without known addresses; left out",
                    label(&endpoint.id, &endpoint.origin)
                ));
                continue;
            }
            inbound.push(item(
                MapBuilder::new()
                    .set("id", text(&endpoint.id))
                    .set("ips", flow(&ips))
                    .build(),
                vec![format!("from {}", endpoint.origin)],
            ));
        }
        if !inbound.is_empty() {
            resolver.push("inboundEndpoints", Value::List(inbound));
        }
        let mut rules = Vec::new();
        for rule in inventory
            .resolver_rules
            .iter()
            .filter(|r| r.vpcs.contains(&vpc.id))
        {
            if !rule.rule_type.eq_ignore_ascii_case("FORWARD") {
                self.note(format!(
                    "{}: a {} Resolver rule for {} is not modelled and is left out",
                    label(&rule.id, &rule.origin),
                    rule.rule_type,
                    rule.domain
                ));
                continue;
            }
            let targets: Vec<&String> = rule
                .target_ips
                .iter()
                .filter(|ip| ip.parse::<Ipv4Addr>().is_ok())
                .collect();
            if targets.is_empty() {
                self.note(format!(
                    "{}: forward rule for {} without known target addresses; left out",
                    label(&rule.id, &rule.origin),
                    rule.domain
                ));
                continue;
            }
            rules.push(item(
                MapBuilder::new()
                    .set("id", text(&rule.id))
                    .set("domain", text(&rule.domain))
                    .set("targetIps", flow(&targets))
                    .build(),
                vec![format!("from {}", rule.origin)],
            ));
        }
        if !rules.is_empty() {
            resolver.push("forwardRules", Value::List(rules));
        }
        resolver
    }
}
