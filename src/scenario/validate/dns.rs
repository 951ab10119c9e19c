//! DNS: each VPC's Route 53 Resolver (inbound endpoints, forward rules) and the DNS servers
//! declared by address in `dnsServers` (their conditional forwarders).
//!
//! Both forward by domain and allow one rule per domain: with two, which one applies would
//! depend on their order in the file.

use std::collections::HashMap;

use hickory_proto::rr::Name;

use super::{Validator, owned};
use crate::diagnostic::LoadCode;
use crate::scenario::model::*;
use crate::scenario::raw::{RawEndpointIp, RawInboundEndpoint, RawScenario, RawVpc};
use crate::scenario::spans::{join_index, join_key};

impl Validator<'_> {
    pub(super) fn resolver(
        &mut self,
        raw_vpc: &RawVpc,
        vpc: &Vpc,
        vpc_path: &str,
    ) -> (
        Vec<InboundEndpoint>,
        Vec<ForwardRule>,
        Vec<ResolverEndpoint>,
    ) {
        let Some(resolver) = &raw_vpc.resolver else {
            return (Vec::new(), Vec::new(), Vec::new());
        };
        let resolver_path = join_key(vpc_path, "resolver");
        let inbound = self.endpoints(
            &resolver.inbound_endpoints,
            vpc,
            &join_key(&resolver_path, "inboundEndpoints"),
            "inbound",
        );
        let mut rules = Vec::new();
        let mut rule_paths: HashMap<Name, String> = HashMap::new();
        for (i, rule) in resolver.forward_rules.iter().enumerate() {
            let path = join_index(&join_key(&resolver_path, "forwardRules"), i);
            let domain = self
                .required(&rule.domain, &path, "domain")
                .cloned()
                .and_then(|text| self.domain(&text, &join_key(&path, "domain")));
            if rule.target_ips.is_empty() {
                self.problem(
                    LoadCode::MissingField,
                    &path,
                    "missing required field `targetIps` (the DNS servers the rule forwards to)",
                );
            }
            let targets_path = join_key(&path, "targetIps");
            let target_ips = self.ipv4_list(&rule.target_ips, &targets_path);
            if let Some(domain) = &domain
                && let Some(first) = rule_paths.get(domain)
            {
                // Otherwise which of the two applies would depend on their order.
                let message = format!(
                    "a second forward rule for {} in {} (Route 53 Resolver associates one rule per domain name with a VPC; the first is at {first})",
                    domain_text(domain),
                    vpc.id,
                );
                self.problem(LoadCode::DuplicateId, &join_key(&path, "domain"), message);
                continue;
            }
            if let Some(domain) = domain {
                rule_paths.insert(domain.clone(), path.clone());
                rules.push(ForwardRule {
                    id: rule.id.as_ref().map(|id| id.0.clone()),
                    domain,
                    target_ips,
                    outbound_endpoint_written: rule.outbound_endpoint.as_ref().map(|t| t.0.clone()),
                    outbound_endpoint: None,
                });
            }
        }
        let outbound = self.endpoints(
            &resolver.outbound_endpoints,
            vpc,
            &join_key(&resolver_path, "outboundEndpoints"),
            "outbound",
        );
        (inbound, rules, outbound)
    }

    /// Inbound or outbound endpoints as written; subnets and security groups are placed by
    /// [`Validator::resolver_placement`] once the subnets are known.
    fn endpoints(
        &mut self,
        raw: &[RawInboundEndpoint],
        vpc: &Vpc,
        list_path: &str,
        kind: &str,
    ) -> Vec<ResolverEndpoint> {
        let mut endpoints = Vec::new();
        for (i, endpoint) in raw.iter().enumerate() {
            let path = join_index(list_path, i);
            let ips_path = join_key(&path, "ips");
            if endpoint.ips.is_empty() {
                self.problem(
                    LoadCode::MissingField,
                    &path,
                    format!("an {kind} endpoint needs `ips` (Route 53 Resolver uses at least two)"),
                );
            }
            let mut interfaces = Vec::new();
            for (j, entry) in endpoint.ips.iter().enumerate() {
                let ip_path = join_index(&ips_path, j);
                let (ip, ipv6, mapping, subnet_written) = match entry {
                    RawEndpointIp::Ip(text) => (self.ipv4(text, &ip_path), None, false, false),
                    RawEndpointIp::Mapping(mapping) => {
                        let ip = self
                            .required(&mapping.ip, &ip_path, "ip")
                            .cloned()
                            .and_then(|text| {
                                self.ipv4_beside(&text, &join_key(&ip_path, "ip"), Some("ipv6"))
                            });
                        let ipv6 = mapping
                            .ipv6
                            .as_ref()
                            .and_then(|text| self.ipv6(text, &join_key(&ip_path, "ipv6"), "ip"));
                        (ip, ipv6, true, mapping.subnet.is_some())
                    }
                };
                let Some(ip) = ip else { continue };
                if !vpc.cidrs.is_empty() && !vpc.contains(ip) {
                    let at = if mapping {
                        join_key(&ip_path, "ip")
                    } else {
                        ip_path.clone()
                    };
                    let message =
                        format!("{kind} endpoint address {ip} is outside {}'s CIDRs", vpc.id);
                    self.problem(LoadCode::OutsideBlock, &at, message);
                }
                interfaces.push(EndpointInterface {
                    ip,
                    ipv6,
                    subnet: None,
                    mapping,
                    subnet_written,
                });
            }
            endpoints.push(ResolverEndpoint {
                id: owned(&endpoint.id),
                path,
                ips: interfaces.iter().map(|interface| interface.ip).collect(),
                interfaces,
                security_groups: Vec::new(),
                security_groups_written: endpoint.security_groups.is_some(),
            });
        }
        endpoints
    }

    /// Whether the scenario uses a field that only the traced model reads (SPEC 8.6).
    pub(super) fn dns_transport(&mut self, raw: &RawScenario) -> (DnsTransport, bool) {
        if let Some(text) = &raw.dns_transport {
            return match DnsTransport::parse(text) {
                Some(transport) => (transport, true),
                None => {
                    self.problem(
                        LoadCode::BadValue,
                        "dnsTransport",
                        format!("unknown dnsTransport `{text}`: write `assumed` or `traced`"),
                    );
                    (DnsTransport::Assumed, true)
                }
            };
        }
        let resolver_fields = raw
            .vpcs
            .iter()
            .filter_map(|vpc| vpc.resolver.as_ref())
            .any(|r| {
                !r.outbound_endpoints.is_empty()
                    || r.inbound_endpoints
                        .iter()
                        .any(|e| e.security_groups.is_some())
                    || r.forward_rules
                        .iter()
                        .any(|rule| rule.outbound_endpoint.is_some())
            });
        let server_groups = raw.dns_servers.iter().any(|s| s.security_groups.is_some());
        if resolver_fields || server_groups {
            (DnsTransport::Traced, false)
        } else {
            (DnsTransport::Assumed, false)
        }
    }

    /// Places Resolver endpoints and DNS servers in their subnets, resolves their security
    /// groups and each forward rule's outbound endpoint (SPEC 8.1). Runs once subnets and
    /// security groups exist.
    pub(super) fn resolver_placement(&mut self, raw: &RawScenario, scenario: &mut Scenario) {
        let traced = scenario.dns_transport == DnsTransport::Traced;
        for (v, raw_vpc) in raw.vpcs.iter().enumerate() {
            let Some(resolver) = &raw_vpc.resolver else {
                continue;
            };
            let vpc_ix = VpcIx(v);
            let Some(vpc) = scenario.vpcs.get(v).cloned() else {
                continue;
            };
            let resolver_path = join_key(&vpc.path, "resolver");
            for (field, raw_list, outbound) in [
                ("inboundEndpoints", &resolver.inbound_endpoints, false),
                ("outboundEndpoints", &resolver.outbound_endpoints, true),
            ] {
                for (i, raw_endpoint) in raw_list.iter().enumerate() {
                    let path = join_index(&join_key(&resolver_path, field), i);
                    let placed = self.place_endpoint(scenario, vpc_ix, raw_endpoint, &path, traced);
                    let list = match scenario.vpcs.get_mut(v) {
                        Some(vpc) if outbound => &mut vpc.outbound_endpoints,
                        Some(vpc) => &mut vpc.inbound_endpoints,
                        None => continue,
                    };
                    if let (Some(endpoint), Some((subnets, groups))) = (list.get_mut(i), placed) {
                        for (interface, subnet) in endpoint.interfaces.iter_mut().zip(subnets) {
                            interface.subnet = subnet;
                        }
                        endpoint.security_groups = groups;
                    }
                }
            }
            // Each forward rule's outbound endpoint: the one written, else the VPC's only one.
            let only = (vpc.outbound_endpoints.len() == 1).then_some(EndpointRef {
                vpc: vpc_ix,
                index: 0,
            });
            let mut chosen = Vec::new();
            for (i, rule) in vpc.forward_rules.iter().enumerate() {
                let path = join_key(
                    &join_index(&join_key(&resolver_path, "forwardRules"), i),
                    "outboundEndpoint",
                );
                let at = match &rule.outbound_endpoint_written {
                    None => only,
                    Some(id) => self.outbound_ref(scenario, id, &path),
                };
                chosen.push(at);
            }
            if let Some(vpc) = scenario.vpcs.get_mut(v) {
                for (rule, at) in vpc.forward_rules.iter_mut().zip(chosen) {
                    rule.outbound_endpoint = at;
                }
            }
        }
        let mut placed = Vec::new();
        for (i, raw_server) in raw.dns_servers.iter().enumerate() {
            let path = join_index("dnsServers", i);
            let Some(server) = scenario.dns_servers.iter().find(|s| s.path == path) else {
                continue;
            };
            let ip = server.ip;
            let vpc = scenario.vpc_containing(ip);
            let subnet = vpc.and_then(|vpc| scenario.subnet_holding(vpc, ip));
            if traced && let (Some(vpc), None) = (vpc, subnet) {
                let vpc_id = scenario.vpc(vpc).map(|v| v.id.clone()).unwrap_or_default();
                self.problem(LoadCode::OutsideBlock,
                    &join_key(&path, "ip"),
                    format!("DNS server {ip} is in {vpc_id}'s CIDRs but in no subnet of {vpc_id}: add the subnet, or set `dnsTransport: assumed`"),
                );
            }
            let mut groups = Vec::new();
            if let Some(list) = &raw_server.security_groups {
                let sg_path = join_key(&path, "securityGroups");
                if vpc.is_none() && !list.is_empty() {
                    self.problem(LoadCode::Conflict,
                        &sg_path,
                        format!("DNS server {ip} is in no VPC, so it has no security groups (they filter only VPC interfaces)"),
                    );
                } else {
                    for (j, id) in list.iter().enumerate() {
                        if let Some(sg) = self.attached_sg_ref(
                            scenario,
                            id,
                            &join_index(&sg_path, j),
                            vpc,
                            "the DNS server is",
                        ) {
                            groups.push(sg);
                        }
                    }
                }
            }
            placed.push((path, subnet, groups));
        }
        for (path, subnet, groups) in placed {
            if let Some(server) = scenario.dns_servers.iter_mut().find(|s| s.path == path) {
                server.subnet = subnet;
                server.security_groups = groups;
            }
        }
    }

    /// The subnet of each address of one endpoint, and its security groups.
    fn place_endpoint(
        &mut self,
        scenario: &Scenario,
        vpc_ix: VpcIx,
        raw: &RawInboundEndpoint,
        path: &str,
        traced: bool,
    ) -> Option<(Vec<Option<SubnetIx>>, Vec<SgIx>)> {
        let vpc_id = scenario
            .vpc(vpc_ix)
            .map(|v| v.id.clone())
            .unwrap_or_default();
        let mut subnets = Vec::new();
        for (j, entry) in raw.ips.iter().enumerate() {
            let ip_path = join_index(&join_key(path, "ips"), j);
            let (text, written) = match entry {
                RawEndpointIp::Ip(text) => (Some(text), None),
                RawEndpointIp::Mapping(m) => (m.ip.as_ref(), m.subnet.as_ref()),
            };
            let Some(ip) = text.and_then(|t| t.trim().parse::<std::net::Ipv4Addr>().ok()) else {
                continue;
            };
            let subnet = match written {
                Some(id) => {
                    let subnet_path = join_key(&ip_path, "subnet");
                    let subnet = self.subnet_ref(id, &subnet_path);
                    if let Some(s) = subnet.and_then(|ix| scenario.subnet(ix)) {
                        if s.vpc != vpc_ix {
                            self.problem(
                                LoadCode::Conflict,
                                &subnet_path,
                                format!("subnet `{id}` is not in {vpc_id}, the endpoint's VPC"),
                            );
                        } else if !s.cidr.contains(ip) {
                            self.problem(
                                LoadCode::OutsideBlock,
                                &subnet_path,
                                format!(
                                    "endpoint address {ip} is outside subnet `{id}` ({})",
                                    s.cidr
                                ),
                            );
                        }
                    }
                    subnet
                }
                None => scenario.subnet_holding(vpc_ix, ip),
            };
            if traced && subnet.is_none() && written.is_none() {
                self.problem(LoadCode::OutsideBlock,
                    &ip_path,
                    format!("endpoint address {ip} is in no subnet of {vpc_id}: add the subnet, or set `dnsTransport: assumed`"),
                );
            }
            subnets.push(subnet);
        }
        let mut groups = Vec::new();
        if let Some(list) = &raw.security_groups {
            let sg_path = join_key(path, "securityGroups");
            for (j, id) in list.iter().enumerate() {
                if let Some(sg) = self.attached_sg_ref(
                    scenario,
                    id,
                    &join_index(&sg_path, j),
                    Some(vpc_ix),
                    "the endpoint is",
                ) {
                    groups.push(sg);
                }
            }
        }
        Some((subnets, groups))
    }

    /// An `outboundEndpoint` reference: the outbound endpoint of any VPC with that ID.
    fn outbound_ref(&mut self, scenario: &Scenario, id: &str, path: &str) -> Option<EndpointRef> {
        for (v, vpc) in scenario.vpcs.iter().enumerate() {
            if let Some(index) = vpc.outbound_endpoints.iter().position(|e| e.id == id) {
                return Some(EndpointRef {
                    vpc: VpcIx(v),
                    index,
                });
            }
        }
        if self.ids_has(id) {
            self.problem(
                LoadCode::DanglingReference,
                path,
                format!("`{id}` is not a Resolver outbound endpoint"),
            );
        } else {
            self.problem(
                LoadCode::DanglingReference,
                path,
                format!("unknown outbound endpoint `{id}`"),
            );
        }
        None
    }

    pub(super) fn dns_servers(&mut self, raw: &RawScenario) -> Vec<DnsServer> {
        let mut out: Vec<DnsServer> = Vec::new();
        for (i, raw_server) in raw.dns_servers.iter().enumerate() {
            let path = join_index("dnsServers", i);
            let ip_path = join_key(&path, "ip");
            let Some(ip) = self
                .required(&raw_server.ip, &path, "ip")
                .cloned()
                .and_then(|text| self.ipv4(&text, &ip_path))
            else {
                continue;
            };
            if let Some(twin) = out.iter().find(|server| server.ip == ip) {
                self.problem(
                    LoadCode::DuplicateId,
                    &ip_path,
                    format!("duplicate DNS server {ip} (also at {})", twin.path),
                );
                continue;
            }
            let mut forwarders = Vec::new();
            let mut forwarder_paths: HashMap<Name, String> = HashMap::new();
            for (j, raw_forwarder) in raw_server.forward.iter().enumerate() {
                let forwarder_path = join_index(&join_key(&path, "forward"), j);
                let domain = self
                    .required(&raw_forwarder.domain, &forwarder_path, "domain")
                    .cloned()
                    .and_then(|text| self.domain(&text, &join_key(&forwarder_path, "domain")));
                if raw_forwarder.to.is_empty() {
                    self.problem(
                        LoadCode::MissingField,
                        &forwarder_path,
                        "missing required field `to` (IP addresses or AmazonProvidedDNS)",
                    );
                }
                let to_path = join_key(&forwarder_path, "to");
                let to: Vec<ForwardTarget> = raw_forwarder
                    .to
                    .iter()
                    .enumerate()
                    .filter_map(|(k, text)| {
                        if text.eq_ignore_ascii_case("AmazonProvidedDNS") {
                            Some(ForwardTarget::AmazonProvidedDns)
                        } else {
                            self.ipv4(text, &join_index(&to_path, k))
                                .map(ForwardTarget::Ip)
                        }
                    })
                    .collect();
                if let Some(domain) = &domain
                    && let Some(first) = forwarder_paths.get(domain)
                {
                    let message = format!(
                        "a second conditional forwarder for {} (a DNS server has one per domain; the first is at {first})",
                        domain_text(domain)
                    );
                    self.problem(
                        LoadCode::DuplicateId,
                        &join_key(&forwarder_path, "domain"),
                        message,
                    );
                    continue;
                }
                if let Some(domain) = domain {
                    forwarder_paths.insert(domain.clone(), forwarder_path.clone());
                    forwarders.push(Forwarder { domain, to });
                }
            }
            out.push(DnsServer {
                ip,
                path,
                forwarders,
                security_groups: Vec::new(),
                security_groups_written: raw_server.security_groups.is_some(),
                subnet: None,
            });
        }
        out
    }
}
