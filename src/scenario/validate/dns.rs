//! DNS: each VPC's Route 53 Resolver (inbound endpoints, forward rules) and the DNS servers
//! declared by address in `dnsServers` (their conditional forwarders).
//!
//! Both forward by domain and allow one rule per domain: with two, which one applies would
//! depend on their order in the file.

use std::collections::HashMap;

use hickory_proto::rr::Name;

use super::{Validator, owned};
use crate::scenario::model::*;
use crate::scenario::raw::{RawScenario, RawVpc};
use crate::scenario::spans::{join_index, join_key};

impl Validator<'_> {
    pub(super) fn resolver(
        &mut self,
        raw_vpc: &RawVpc,
        vpc: &Vpc,
        vpc_path: &str,
    ) -> (Vec<InboundEndpoint>, Vec<ForwardRule>) {
        let Some(resolver) = &raw_vpc.resolver else {
            return (Vec::new(), Vec::new());
        };
        let resolver_path = join_key(vpc_path, "resolver");
        let mut endpoints = Vec::new();
        for (i, endpoint) in resolver.inbound_endpoints.iter().enumerate() {
            let path = join_index(&join_key(&resolver_path, "inboundEndpoints"), i);
            let ips_path = join_key(&path, "ips");
            if endpoint.ips.is_empty() {
                self.problem(
                    &path,
                    "an inbound endpoint needs `ips` (Route 53 Resolver uses at least two)",
                );
            }
            let mut ips = Vec::new();
            for (j, text) in endpoint.ips.iter().enumerate() {
                let ip_path = join_index(&ips_path, j);
                if let Some(ip) = self.ipv4(text, &ip_path) {
                    if !vpc.cidrs.is_empty() && !vpc.contains(ip) {
                        let message = format!(
                            "inbound endpoint address {ip} is outside {}'s CIDRs",
                            vpc.id
                        );
                        self.problem(&ip_path, message);
                    }
                    ips.push(ip);
                }
            }
            endpoints.push(InboundEndpoint {
                id: owned(&endpoint.id),
                ips,
            });
        }
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
                self.problem(&join_key(&path, "domain"), message);
                continue;
            }
            if let Some(domain) = domain {
                rule_paths.insert(domain.clone(), path.clone());
                rules.push(ForwardRule {
                    id: rule.id.as_ref().map(|id| id.0.clone()),
                    domain,
                    target_ips,
                });
            }
        }
        (endpoints, rules)
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
                    self.problem(&join_key(&forwarder_path, "domain"), message);
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
            });
        }
        out
    }
}
