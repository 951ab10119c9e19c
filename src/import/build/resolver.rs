//! The `resolver` of one VPC (SPEC 8.1): its Route 53 Resolver inbound and outbound
//! endpoints, each address with the subnet it sits in and the endpoint's security groups,
//! and the forward rules associated with the VPC with the outbound endpoint each leaves
//! through.
//!
//! - An address AWS picks at creation (a plan, a template without `Ip`) gets a placeholder
//!   in its subnet — base + 53 for an inbound endpoint, base + 54 for an outbound one, the
//!   next free address when taken — written next to it and listed in `imported.missing`.
//! - An address the scenario cannot place (its subnet is not in the scenario, or does not
//!   hold it) is left out and noted: in `traced` mode an address in no subnet is a load
//!   error (SPEC 8.1), and an endpoint interface is always in a subnet.
//! - Security groups are written as the source names them, less those the scenario does
//!   not define in the endpoint's VPC (noted; SPEC 8.1 requires them to be that VPC's).
//!   Unknown groups are never replaced by a guess: with none left the list is not written,
//!   so the endpoint filters nothing, and the note says so.
//! - A forward rule's `outboundEndpoint` is the endpoint the source names when the scenario
//!   has it; one it does not have (a rule shared from another account) is noted and left
//!   unwritten, which SPEC 8.1 resolves to the VPC's only outbound endpoint or to none
//!   (EKS028) — never to a guessed one.
//! - Nothing here says who forwards to an inbound endpoint: on-premises DNS servers (a
//!   network's `dnsServers`) come only from `--clients`.
//!
//! Writing `securityGroups`, `outboundEndpoints` or `outboundEndpoint` makes the scenario's
//! `dnsTransport` `traced` by SPEC 8.6's default; the import does not write `dnsTransport`
//! itself. Rules of other types, and endpoints or rules without usable addresses, are noted
//! and left out.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use ipnetwork::Ipv4Network;

use super::Scenario;
use super::labels::label;
use crate::import::inventory::{Direction, ResolverEndpointDef, SubnetDef, VpcDef};
use crate::import::yaml::{Item, MapBuilder, Value, flow, item, text};

impl Scenario<'_> {
    pub(super) fn resolver(&mut self, vpc: &VpcDef) -> MapBuilder {
        let mut resolver = MapBuilder::new();
        // Addresses the source gives any endpoint: a placeholder never takes one.
        let mut taken: HashSet<Ipv4Addr> = self
            .inventory
            .resolver_endpoints
            .iter()
            .flat_map(|e| &e.addresses)
            .filter_map(|a| a.ip.as_deref()?.parse().ok())
            .collect();
        for (direction, key) in [
            (Direction::Inbound, "inboundEndpoints"),
            (Direction::Outbound, "outboundEndpoints"),
        ] {
            let endpoints = self.endpoints(vpc, direction, &mut taken);
            if !endpoints.is_empty() {
                resolver.push(key, Value::List(endpoints));
            }
        }
        let rules = self.forward_rules(vpc);
        if !rules.is_empty() {
            resolver.push("forwardRules", Value::List(rules));
        }
        resolver
    }

    /// The VPC's endpoints of one direction.
    fn endpoints(
        &mut self,
        vpc: &VpcDef,
        direction: Direction,
        taken: &mut HashSet<Ipv4Addr>,
    ) -> Vec<Item> {
        let inventory = self.inventory;
        let kind = match direction {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        };
        let mut items = Vec::new();
        for endpoint in inventory
            .resolver_endpoints
            .iter()
            .filter(|e| e.direction == direction && e.vpc.as_deref() == Some(vpc.id.as_str()))
        {
            let name = label(&endpoint.id, &endpoint.origin);
            let (addresses, placeholders) = self.endpoint_addresses(endpoint, vpc, kind, taken);
            if addresses.is_empty() {
                self.note(format!(
                    "{name}: {kind} endpoint without known addresses; left out"
                ));
                continue;
            }
            if !placeholders.is_empty() {
                self.note(format!(
                    "{name}: {kind} endpoint addresses not known (Resolver picks them in their subnets at creation); placeholders {} are assumed — put the real addresses in, or import state after apply",
                    placeholders.join(", ")
                ));
            }
            let mut map = MapBuilder::new()
                .set("id", text(&endpoint.id))
                .set("ips", Value::List(addresses));
            if let Some(groups) = self.endpoint_groups(endpoint, vpc, &name) {
                map.push("securityGroups", flow(&groups));
            }
            items.push(item(map.build(), vec![format!("from {}", endpoint.origin)]));
        }
        items
    }

    /// One `{subnet, ip}` item per address the scenario can place, and the placeholders
    /// among them.
    fn endpoint_addresses(
        &mut self,
        endpoint: &ResolverEndpointDef,
        vpc: &VpcDef,
        kind: &str,
        taken: &mut HashSet<Ipv4Addr>,
    ) -> (Vec<Item>, Vec<String>) {
        let name = label(&endpoint.id, &endpoint.origin);
        let subnets: Vec<(SubnetDef, Ipv4Network)> = self
            .subnets
            .iter()
            .filter(|s| s.vpc.as_deref() == Some(vpc.id.as_str()))
            .filter_map(|s| Some((s.clone(), s.cidr.as_ref()?.parse().ok()?)))
            .collect();
        let mut items = Vec::new();
        let mut placeholders = Vec::new();
        for address in &endpoint.addresses {
            let written = address.subnet.as_deref();
            let (subnet, ip, placeholder) = match address.ip.as_deref() {
                Some(ip_text) => {
                    let Ok(ip) = ip_text.parse::<Ipv4Addr>() else {
                        self.note(format!(
                            "{name}: address {ip_text} is not an IPv4 address; left out"
                        ));
                        continue;
                    };
                    let holder = subnets.iter().find(|(_, cidr)| cidr.contains(ip));
                    match (holder, written) {
                        (Some((s, _)), Some(w))
                            if s.id != w && self.included_subnet(w).is_some() =>
                        {
                            self.note(format!(
                                "{name}: address {ip} is not in its subnet {w}; left out"
                            ));
                            continue;
                        }
                        (Some((s, _)), _) => (s.id.clone(), ip, false),
                        (None, _) => {
                            let subnet = written.map_or(String::new(), |w| format!(" ({w})"));
                            self.note(format!(
                                "{name}: address {ip}{subnet} is in no subnet of {} in the scenario; left out",
                                vpc.id
                            ));
                            continue;
                        }
                    }
                }
                None => {
                    let Some((s, cidr)) =
                        written.and_then(|w| subnets.iter().find(|(s, _)| s.id == w))
                    else {
                        self.note(format!(
                            "{name}: an address whose subnet {} is not in the scenario is left out",
                            written.unwrap_or("(unknown)")
                        ));
                        continue;
                    };
                    let preferred = if kind == "inbound" { 53 } else { 54 };
                    let Some(ip) = placeholder_ip(*cidr, preferred, taken) else {
                        self.note(format!(
                            "{name}: subnet {} has no free address for a placeholder; the address is left out",
                            s.id
                        ));
                        continue;
                    };
                    (s.id.clone(), ip, true)
                }
            };
            taken.insert(ip);
            let above = if placeholder {
                placeholders.push(ip.to_string());
                vec!["placeholder: Resolver picks the address at creation".to_owned()]
            } else {
                Vec::new()
            };
            items.push(item(
                MapBuilder::new()
                    .set("subnet", text(&subnet))
                    .set("ip", text(&ip.to_string()))
                    .build(),
                above,
            ));
        }
        (items, placeholders)
    }

    /// The endpoint's security groups the scenario defines in its VPC; `None` when the
    /// source names none, or none of them is in the scenario (noted either way).
    fn endpoint_groups(
        &mut self,
        endpoint: &ResolverEndpointDef,
        vpc: &VpcDef,
        name: &str,
    ) -> Option<Vec<String>> {
        let Some(groups) = &endpoint.security_groups else {
            self.note(format!(
                "{name}: the endpoint's security groups are not in the source; `securityGroups` is not written, so a traced DNS query meets no group there"
            ));
            return None;
        };
        let inventory = self.inventory;
        let is_cluster_vpc = vpc.id == self.cluster_vpc;
        let (known, unknown): (Vec<&String>, Vec<&String>) = groups.iter().partition(|id| {
            (is_cluster_vpc && **id == self.cluster_sg)
                || inventory.security_groups.iter().any(|g| {
                    &g.id == *id
                        && (g.vpc.as_deref() == Some(vpc.id.as_str())
                            || (is_cluster_vpc && self.unplaced_group_in_cluster_vpc(g)))
                })
        });
        if !unknown.is_empty() {
            let ids: Vec<&str> = unknown.iter().map(|id| id.as_str()).collect();
            let consequence = if known.is_empty() {
                "; `securityGroups` is not written, so a traced DNS query meets no group there"
            } else {
                ""
            };
            self.note(format!(
                "{name}: security groups not in the source (or not in {}) are left out: {}{consequence}",
                vpc.id,
                ids.join(", ")
            ));
        }
        (!known.is_empty()).then(|| known.into_iter().cloned().collect())
    }

    /// The forward rules associated with the VPC.
    fn forward_rules(&mut self, vpc: &VpcDef) -> Vec<Item> {
        let inventory = self.inventory;
        let mut rules = Vec::new();
        for rule in inventory
            .resolver_rules
            .iter()
            .filter(|r| r.vpcs.contains(&vpc.id))
        {
            let name = label(&rule.id, &rule.origin);
            if !rule.rule_type.eq_ignore_ascii_case("FORWARD") {
                self.note(format!(
                    "{name}: a {} Resolver rule for {} is not modelled and is left out",
                    rule.rule_type, rule.domain
                ));
                continue;
            }
            let mut targets: Vec<&str> = Vec::new();
            for target in &rule.targets {
                if target.ip.parse::<Ipv4Addr>().is_err() {
                    continue;
                }
                if let Some(port) = target.port.filter(|p| *p != 53) {
                    self.note(format!(
                        "{name}: target {} listens on port {port}; the scenario traces DNS on port 53 only (SPEC 8.2)",
                        target.ip
                    ));
                }
                targets.push(&target.ip);
            }
            if targets.is_empty() {
                self.note(format!(
                    "{name}: forward rule for {} without known target addresses; left out",
                    rule.domain
                ));
                continue;
            }
            let mut map = MapBuilder::new()
                .set("id", text(&rule.id))
                .set("domain", text(&rule.domain))
                .set("targetIps", flow(&targets));
            if let Some(endpoint) = &rule.endpoint {
                if self.outbound_endpoint_written(endpoint) {
                    map.push("outboundEndpoint", text(endpoint));
                } else {
                    self.note(format!(
                        "{name}: its outbound endpoint {endpoint} is not in the scenario (in another account, or without known addresses); `outboundEndpoint` is not written, so the VPC's only outbound endpoint stands in, or none (EKS028) (SPEC 8.1)"
                    ));
                }
            }
            rules.push(item(map.build(), vec![format!("from {}", rule.origin)]));
        }
        rules
    }

    /// Whether the outbound endpoint `id` is written in this scenario: in an included VPC,
    /// with at least one address the scenario can place.
    fn outbound_endpoint_written(&self, id: &str) -> bool {
        self.inventory.resolver_endpoints.iter().any(|e| {
            e.id == id
                && e.direction == Direction::Outbound
                && e.vpc.as_deref().is_some_and(|v| self.included_vpc(v))
                && e.addresses.iter().any(|a| {
                    let subnet = a.subnet.as_deref().and_then(|s| self.included_subnet(s));
                    match a.ip.as_deref().and_then(|ip| ip.parse::<Ipv4Addr>().ok()) {
                        Some(ip) => self.subnets.iter().any(|s| {
                            s.vpc == e.vpc
                                && s.cidr
                                    .as_ref()
                                    .and_then(|c| c.parse::<Ipv4Network>().ok())
                                    .is_some_and(|c| c.contains(ip))
                        }),
                        None => subnet.is_some(),
                    }
                })
        })
    }
}

/// A placeholder address for an endpoint interface in `subnet`: base + `preferred`, or the
/// next free one, among the addresses AWS lets an interface have (not the first four nor
/// the last of the subnet, which AWS reserves: VPC user guide, "Subnet CIDR blocks").
fn placeholder_ip(
    subnet: Ipv4Network,
    preferred: u32,
    taken: &HashSet<Ipv4Addr>,
) -> Option<Ipv4Addr> {
    let size = subnet.size();
    let usable = size.checked_sub(5)?;
    if usable == 0 {
        return None;
    }
    let base = u32::from(subnet.network());
    (0..usable)
        .map(|i| 4 + (preferred.saturating_sub(4).wrapping_add(i)) % usable)
        .map(|offset| Ipv4Addr::from(base.wrapping_add(offset)))
        .find(|ip| !taken.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::super::tests::inventory;
    use super::super::{Options, build};
    use super::*;
    use crate::import::inventory::*;

    fn with_endpoints(
        endpoints: Vec<ResolverEndpointDef>,
        rules: Vec<ResolverRuleDef>,
    ) -> Inventory {
        let mut inventory = inventory();
        inventory.security_groups.push(SecurityGroupDef {
            id: "sg-dns".into(),
            origin: "aws_security_group.dns".into(),
            vpc: Some("vpc-1".into()),
            ..SecurityGroupDef::default()
        });
        inventory.resolver_endpoints = endpoints;
        inventory.resolver_rules = rules;
        inventory
    }

    fn endpoint(
        id: &str,
        direction: Direction,
        addresses: &[(&str, Option<&str>)],
    ) -> ResolverEndpointDef {
        ResolverEndpointDef {
            id: id.into(),
            origin: format!("aws_route53_resolver_endpoint.{id}"),
            direction,
            vpc: Some("vpc-1".into()),
            addresses: addresses
                .iter()
                .map(|(subnet, ip)| EndpointAddressDef {
                    subnet: Some((*subnet).into()),
                    ip: ip.map(Into::into),
                })
                .collect(),
            security_groups: Some(vec!["sg-dns".into()]),
        }
    }

    fn loaded(inventory: &Inventory) -> crate::scenario::Scenario {
        let built = build(inventory, &Options::default()).unwrap();
        let yaml = &built[0].yaml;
        crate::scenario::load_one("built.yaml", yaml).unwrap_or_else(|p| panic!("{p:?}\n{yaml}"))
    }

    fn ips(endpoint: &crate::scenario::ResolverEndpoint) -> Vec<String> {
        endpoint.ips.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn endpoint_interfaces_keep_their_subnets_and_security_groups_and_make_the_scenario_traced() {
        let inventory = with_endpoints(
            vec![endpoint(
                "rslvr-in",
                Direction::Inbound,
                &[
                    ("subnet-a", Some("10.0.0.53")),
                    ("subnet-b", Some("10.0.1.53")),
                ],
            )],
            vec![],
        );
        let scenario = loaded(&inventory);
        let vpc = scenario.cluster_vpc().unwrap();
        let endpoint = &vpc.inbound_endpoints[0];
        assert_eq!(ips(endpoint), ["10.0.0.53", "10.0.1.53"]);
        let subnets: Vec<&str> = endpoint
            .interfaces
            .iter()
            .map(|i| scenario.subnet(i.subnet.unwrap()).unwrap().id.as_str())
            .collect();
        assert_eq!(subnets, ["subnet-a", "subnet-b"]);
        assert_eq!(scenario.sg_names(&endpoint.security_groups), "sg-dns");
        // SPEC 8.6: an inbound endpoint's security groups make the DNS transport traced.
        assert_eq!(
            scenario.dns_transport,
            crate::scenario::DnsTransport::Traced
        );
    }

    #[test]
    fn addresses_resolver_picks_at_creation_get_labelled_placeholders_in_their_subnets() {
        let inventory = with_endpoints(
            vec![
                endpoint(
                    "rslvr-in",
                    Direction::Inbound,
                    &[("subnet-a", None), ("subnet-b", None)],
                ),
                endpoint(
                    "rslvr-out",
                    Direction::Outbound,
                    &[("subnet-a", None), ("subnet-b", None)],
                ),
            ],
            vec![],
        );
        let built = build(&inventory, &Options::default()).unwrap();
        assert!(
            built[0]
                .yaml
                .contains("# placeholder: Resolver picks the address at creation"),
            "{}",
            built[0].yaml
        );
        let scenario = loaded(&inventory);
        let vpc = scenario.cluster_vpc().unwrap();
        assert_eq!(ips(&vpc.inbound_endpoints[0]), ["10.0.0.53", "10.0.1.53"]);
        assert_eq!(ips(&vpc.outbound_endpoints[0]), ["10.0.0.54", "10.0.1.54"]);
        let missing = &scenario.imported.as_ref().unwrap().missing;
        assert!(
            missing
                .iter()
                .any(|m| m.contains("rslvr-out") && m.contains("placeholders 10.0.0.54, 10.0.1.54")),
            "{missing:?}"
        );
    }

    #[test]
    fn a_placeholder_never_takes_an_address_the_source_gives_and_stays_inside_a_small_subnet() {
        let taken: HashSet<Ipv4Addr> = [Ipv4Addr::new(10, 0, 0, 53)].into_iter().collect();
        let subnet: Ipv4Network = "10.0.0.0/24".parse().unwrap();
        assert_eq!(
            placeholder_ip(subnet, 53, &taken),
            Some(Ipv4Addr::new(10, 0, 0, 54))
        );
        // A /28 has 16 addresses, 11 of them usable: base + 53 wraps inside it.
        let small: Ipv4Network = "10.0.0.16/28".parse().unwrap();
        let ip = placeholder_ip(small, 53, &HashSet::new()).unwrap();
        assert!(small.contains(ip) && u32::from(ip) - u32::from(small.network()) >= 4);
        assert_eq!(
            placeholder_ip("10.0.0.0/30".parse().unwrap(), 53, &HashSet::new()),
            None
        );
    }

    #[test]
    fn security_groups_outside_the_endpoint_vpc_are_left_out_and_never_leave_an_empty_list() {
        let mut own = endpoint(
            "rslvr-in",
            Direction::Inbound,
            &[("subnet-a", Some("10.0.0.53"))],
        );
        own.security_groups = Some(vec!["sg-elsewhere".into()]);
        let scenario = loaded(&with_endpoints(vec![own], vec![]));
        let endpoint = &scenario.cluster_vpc().unwrap().inbound_endpoints[0];
        assert!(endpoint.security_groups.is_empty() && !endpoint.security_groups_written);
        let missing = &scenario.imported.as_ref().unwrap().missing;
        assert!(
            missing.iter().any(|m| m.contains("sg-elsewhere")),
            "{missing:?}"
        );
    }

    #[test]
    fn an_address_in_no_subnet_of_the_scenario_is_left_out_so_traced_mode_still_loads() {
        let inventory = with_endpoints(
            vec![endpoint(
                "rslvr-in",
                Direction::Inbound,
                &[
                    ("subnet-a", Some("10.0.0.53")),
                    ("subnet-gone", Some("10.0.9.53")),
                ],
            )],
            vec![],
        );
        let scenario = loaded(&inventory);
        assert_eq!(
            ips(&scenario.cluster_vpc().unwrap().inbound_endpoints[0]),
            ["10.0.0.53"]
        );
        let missing = &scenario.imported.as_ref().unwrap().missing;
        assert!(
            missing.iter().any(|m| m.contains("10.0.9.53")),
            "{missing:?}"
        );
    }

    #[test]
    fn a_forward_rule_names_the_outbound_endpoint_its_queries_pass_through() {
        let rule = |endpoint: &str| ResolverRuleDef {
            id: "rslvr-rr-corp".into(),
            origin: "aws_route53_resolver_rule.corp".into(),
            domain: "corp.example".into(),
            rule_type: "FORWARD".into(),
            targets: vec![RuleTargetDef {
                ip: "192.168.0.2".into(),
                port: Some(5353),
            }],
            endpoint: Some(endpoint.into()),
            vpcs: vec!["vpc-1".into()],
        };
        let out = endpoint(
            "rslvr-out",
            Direction::Outbound,
            &[("subnet-a", Some("10.0.0.54"))],
        );
        let scenario = loaded(&with_endpoints(vec![out.clone()], vec![rule("rslvr-out")]));
        let vpc = scenario.cluster_vpc().unwrap();
        let at = vpc.forward_rules[0].outbound_endpoint.unwrap();
        assert_eq!(
            scenario.vpc(at.vpc).unwrap().outbound_endpoints[at.index].id,
            "rslvr-out"
        );
        let missing = &scenario.imported.as_ref().unwrap().missing;
        assert!(
            missing.iter().any(|m| m.contains("port 5353")),
            "{missing:?}"
        );
        // A rule shared from another account names an endpoint the source does not hold:
        // noted, and not replaced by the VPC's own endpoint.
        let scenario = loaded(&with_endpoints(vec![out], vec![rule("rslvr-out-shared")]));
        let vpc = scenario.cluster_vpc().unwrap();
        assert!(vpc.forward_rules[0].outbound_endpoint_written.is_none());
        let missing = &scenario.imported.as_ref().unwrap().missing;
        assert!(
            missing.iter().any(|m| m.contains("rslvr-out-shared")),
            "{missing:?}"
        );
    }
}
