//! DNS transport (SPEC 8.8): the findings about a query's own path, with
//! `dnsTransport: traced` only (the assumed model runs no new check, SPEC 8.6).

use std::collections::HashSet;

use super::{Code, Finding, Rule, Severity, docs};
use crate::analysis::Analysis;
use crate::path::DnsHop;
use crate::scenario::{DnsTransport, Protocol, ResolverEndpoint, Scenario, domain_text};

pub(super) const EKS027: Rule = Rule {
    code: Code::Eks027,
    name: "dns-tcp-53-blocked",
    severity: Severity::Warning,
    summary: "a traced DNS query hop passes UDP 53 but TCP 53 is blocked",
    why: "The endpoint's answer fits in UDP, so the verdict uses UDP 53 only; but larger answers \
          fall back to TCP, RFC 7766 requires TCP of every DNS implementation, and Route 53 \
          requires both on its endpoints: \"Inbound rules must allow TCP and UDP access on port \
          53\". A path that drops TCP 53 fails the first truncated answer.",
    example: "securityGroups:\n  - id: sg-rslvr-in\n    ingress: [{ protocol: udp, ports: 53, cidr: 172.16.0.0/12 }]",
    fix: "Allow TCP 53 wherever UDP 53 is allowed on the hop: the security groups, network ACLs \
          (and the ephemeral ports back) on both sides.",
    references: &[docs::RESOLVER_INBOUND_VALUES, docs::RFC_7766],
};

pub(super) const EKS028: Rule = Rule {
    code: Code::Eks028,
    name: "forward-rule-without-outbound-endpoint",
    severity: Severity::Error,
    summary: "a forward rule has no outbound endpoint (none given, and its VPC has not exactly one)",
    why: "Route 53 Resolver forwards a rule's queries only through an outbound endpoint: a rule \
          \"specifies which Resolver endpoint the queries pass through\" (CreateResolverRule). \
          With none, the forwarded query goes nowhere and resolution fails with \
          DNS_UNREACHABLE.",
    example: "dnsTransport: traced\nvpcs:\n  - id: vpc-main\n    resolver:\n      forwardRules: [{ domain: corp.example, targetIps: [192.168.0.2] }]",
    fix: "Add an outbound endpoint to the VPC (`resolver.outboundEndpoints`) or name one with \
          `outboundEndpoint:` on the rule.",
    references: &[docs::RESOLVER_CHOOSE_VPC, docs::CREATE_RESOLVER_RULE],
};

pub(super) const EKS029: Rule = Rule {
    code: Code::Eks029,
    name: "resolver-endpoint-single-az",
    severity: Severity::Warning,
    summary: "a Resolver endpoint with fewer than two addresses, or all in one Availability Zone",
    why: "\"Even though the minimum is 1, Route 53 requires that you create at least two\" \
          (AWS::Route53Resolver::ResolverEndpoint IpAddresses), and \"Create inbound endpoints \
          with IP addresses in at least two Availability Zones\" (Best practices for VPC \
          Resolver): one zone's outage otherwise takes DNS with it.",
    example: "resolver:\n  inboundEndpoints:\n    - id: rslvr-in\n      ips: [{ subnet: subnet-a, ip: 10.0.1.53 }]",
    fix: "Give the endpoint a second address in a subnet of another Availability Zone.",
    references: &[docs::RESOLVER_BEST_PRACTICES, docs::RESOLVER_CHOOSE_VPC],
};

pub(super) const EKS030: Rule = Rule {
    code: Code::Eks030,
    name: "forward-rule-targets-own-inbound-endpoint",
    severity: Severity::Warning,
    summary: "a VPC's forward rule targets that VPC's own inbound endpoint",
    why: "A query the rule forwards arrives at the inbound endpoint, where the same VPC's Resolver \
          applies the same rule again: a loop. AWS advises \"ensuring that the same VPC is not \
          associated with both a Resolver rule and its inbound endpoint\" (Best practices for \
          VPC Resolver).",
    example: "resolver:\n  inboundEndpoints: [{ id: rslvr-in, ips: [10.0.1.53, 10.0.2.53] }]\n  forwardRules: [{ domain: corp.example, targetIps: [10.0.1.53] }]",
    fix: "Target the DNS servers on your network instead, or move the rule to the VPCs that need \
          it, not the one holding the inbound endpoint.",
    references: &[docs::RESOLVER_BEST_PRACTICES],
};

pub(super) fn check(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let scenario = analysis.scenario;
    if scenario.dns_transport != DnsTransport::Traced {
        return;
    }
    tcp_blocked(analysis, findings);
    for vpc in &scenario.vpcs {
        for endpoint in vpc.inbound_endpoints.iter().chain(&vpc.outbound_endpoints) {
            single_az(scenario, endpoint, findings);
        }
        for (i, rule) in vpc.forward_rules.iter().enumerate() {
            let path = format!("{}.resolver.forwardRules[{i}]", vpc.path);
            if rule.outbound_endpoint.is_none() {
                let message = format!(
                    "the forward rule for {} in {} has no outbound endpoint (none named, and {} has {} outbound endpoints), so Route 53 Resolver cannot forward its queries",
                    domain_text(&rule.domain),
                    vpc.id,
                    vpc.id,
                    vpc.outbound_endpoints.len()
                );
                findings.push(Finding::new(scenario, Code::Eks028, path.clone(), message));
            }
            if let Some((endpoint, ip)) = vpc.inbound_endpoints.iter().find_map(|endpoint| {
                rule.target_ips
                    .iter()
                    .find(|ip| endpoint.ips.contains(ip))
                    .map(|ip| (endpoint, ip))
            }) {
                let message = format!(
                    "the forward rule for {} in {} targets {ip}, an address of {}'s own inbound endpoint {}: the query comes back to the same rule",
                    domain_text(&rule.domain),
                    vpc.id,
                    vpc.id,
                    endpoint.id
                );
                findings.push(Finding::new(scenario, Code::Eks030, path, message));
            }
        }
    }
}

/// EKS027: once per hop (asker and server address), the first client whose resolution sent it.
fn tcp_blocked(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let scenario = analysis.scenario;
    let mut seen = HashSet::new();
    for flow in &analysis.flows {
        for query in &flow.dns.queries {
            let Some(blocked) = query.tcp.as_ref().and_then(|tcp| tcp.blocked.as_ref()) else {
                continue;
            };
            if !seen.insert((query.from, query.to)) {
                continue;
            }
            let message = format!(
                "{} passes, but tcp/53 is blocked: {}",
                query.describe(Protocol::Udp),
                blocked.blocked_by
            );
            let path = query
                .tcp
                .as_ref()
                .and_then(|tcp| blocking_element(scenario, tcp))
                .unwrap_or_else(|| flow.client.path.clone());
            findings.push(Finding::new(scenario, Code::Eks027, path, message));
        }
    }
}

/// The path of the security group or network ACL whose check stopped `hop` — the line to
/// change — when the failing hop names one.
fn blocking_element(scenario: &Scenario, hop: &DnsHop) -> Option<String> {
    let failed = hop.hops.iter().rev().find(|hop| !hop.ok)?;
    // The hop names its element first: `acl-private (subnet-a inbound)`, or `sg-a, sg-b`
    // when several groups were checked together (the first is as good a place).
    let id = failed
        .at
        .split(|c: char| c == ',' || c.is_whitespace())
        .next()?;
    let group = scenario.security_groups.iter().find(|group| group.id == id);
    let acl = scenario.network_acls.iter().find(|acl| acl.id == id);
    group
        .map(|group| group.path.clone())
        .or_else(|| acl.map(|acl| acl.path.clone()))
}

/// EKS029 for one endpoint.
fn single_az(scenario: &Scenario, endpoint: &ResolverEndpoint, findings: &mut Vec<Finding>) {
    let zones: HashSet<&str> = endpoint
        .interfaces
        .iter()
        .filter_map(|interface| interface.subnet.and_then(|s| scenario.subnet(s)))
        .filter_map(|subnet| subnet.az.as_deref())
        .collect();
    let message = if endpoint.ips.len() < 2 {
        format!(
            "Resolver endpoint {} has {} address{}; Route 53 requires at least two, in two Availability Zones",
            endpoint.id,
            endpoint.ips.len(),
            if endpoint.ips.len() == 1 { "" } else { "es" }
        )
    } else if zones.len() == 1 {
        format!(
            "every address of Resolver endpoint {} is in {}: one Availability Zone's outage takes its DNS with it",
            endpoint.id,
            zones.iter().next().copied().unwrap_or_default()
        )
    } else {
        return;
    };
    findings.push(Finding::new(
        scenario,
        Code::Eks029,
        endpoint.path.clone(),
        message,
    ));
}
