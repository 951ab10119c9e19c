//! Split-horizon DNS: whether the EKS private hosted zone can answer where it must.

use super::{Code, Finding, Rule, Severity, docs};
use crate::analysis::Analysis;
use crate::dns::{AnsweredBy, Resolver, most_specific_forward_rule, overrides_private_hosted_zone};
use crate::path::EndpointKind;
use crate::scenario::{Attachment, ClientLocation, ConnectionKind, DhcpDnsServer, VpcIx};

pub(super) const EKS006: Rule = Rule {
    code: Code::Eks006,
    name: "private-hosted-zone-needs-vpc-dns",
    severity: Severity::Error,
    summary: "private access on but the cluster VPC has enableDnsSupport or enableDnsHostnames false: the private hosted zone is ignored",
    why: "\"Your VPC must have enableDnsHostnames and enableDnsSupport set to true\" for the EKS \
          private hosted zone to answer. With either off, nodes in the VPC resolve the endpoint \
          through public DNS: in public-and-private mode they leave through the NAT gateway for \
          the public endpoint (and meet the allowlist), and without DNS support nothing resolves \
          at all — nodes never join. enableDnsHostnames is false by default for VPCs created \
          with the API, CloudFormation or Terraform.",
    example: "vpcs:\n  - id: vpc-main\n    cidrs: [10.0.0.0/16]\n    # enableDnsHostnames omitted: false",
    fix: "Set enableDnsSupport and enableDnsHostnames to true on the cluster VPC \
          (`aws ec2 modify-vpc-attribute`, Terraform `enable_dns_hostnames = true`).",
    references: &[docs::CLUSTER_ENDPOINT, docs::NETWORK_REQS],
};

pub(super) const EKS007: Rule = Rule {
    code: Code::Eks007,
    name: "dhcp-dns-bypasses-amazon-provided-dns",
    severity: Severity::Error,
    summary: "private access on but the cluster VPC's DHCP DNS servers never reach AmazonProvidedDNS for the endpoint name",
    why: "Only the cluster VPC's Route 53 Resolver (AmazonProvidedDNS) sees the EKS private \
          hosted zone; \"the DHCP options set for your VPC must include AmazonProvidedDNS in its \
          domain name servers list\". Custom DNS servers (Active Directory, BIND) that resolve \
          eks.amazonaws.com on the internet hand nodes the public endpoint — or, in private mode, \
          answers that depend on public DNS.",
    example: "vpcs:\n  - id: vpc-main\n    dhcpOptions:\n      domainNameServers: [10.0.0.10]   # AD DNS, no forwarder\ndnsServers:\n  - ip: 10.0.0.10",
    fix: "Put AmazonProvidedDNS in the DHCP options, or give the custom DNS servers a \
          conditional forwarder for eks.amazonaws.com (or the cluster's endpoint name) to \
          AmazonProvidedDNS or to the VPC's base + 2 address.",
    references: &[docs::CLUSTER_ENDPOINT, docs::DHCP_OPTIONS],
};

pub(super) const EKS012: Rule = Rule {
    code: Code::Eks012,
    name: "connected-client-resolves-public-endpoint",
    severity: Severity::Warning,
    summary: "public-and-private mode and a client outside the cluster VPC (peered, transit gateway, on-premises) resolves the public endpoint (aws/containers-roadmap#221)",
    why: "The EKS private hosted zone is associated only with the cluster VPC and cannot be \
          associated with another one. A client in a peered or transit-gateway VPC, or on \
          premises, gets the public endpoint even though it has a private path to the ENIs, so \
          its API traffic leaves through the internet and meets the allowlist.",
    example: "connections:\n  - { id: pcx-tools, type: peering, vpcs: [vpc-main, vpc-tools] }\nclients:\n  - { name: argocd, from: subnet-tools, ip: 10.1.1.25 }",
    fix: "Create a Route 53 Resolver inbound endpoint in the cluster VPC and forward the \
          endpoint's domain (eks.amazonaws.com) to it from the client's DNS: a Resolver forward \
          rule associated with the client's VPC, or a conditional forwarder on premises.",
    references: &[docs::ROADMAP_221, docs::CLUSTER_ENDPOINT, docs::RESOLVER],
};

/// Route 53 developer guide, the pages on how Resolver picks among rules; with the
/// private hosted zone considerations they are what EKS018 rests on.
const AUTODEFINED_RULES: &str = "Route 53 developer guide, Domain names that Resolver creates autodefined system rules for: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-forward-vpc-to-network-autodefined-rules.html";
const DOMAIN_NAME_MATCHES: &str = "Route 53 developer guide, How Resolver determines whether the domain name in a query matches any rules: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-forward-vpc-to-network-domain-name-matches.html";

pub(super) const EKS018: Rule = Rule {
    code: Code::Eks018,
    name: "resolver-rule-hides-private-hosted-zone",
    severity: Severity::Warning,
    summary: "a Route 53 Resolver forward rule in the cluster VPC is for the endpoint hostname itself, so it overrides the private hosted zone",
    why: "A VPC's Resolver applies the rule with the most specific domain among its forward \
          rules and the rules it creates for the private hosted zones associated with the VPC. \
          The EKS private hosted zone is for the endpoint hostname, so it \"continue[s] to \
          resolve if you create conditional forwarding rules for less specific domain names \
          such as '.' (dot) or 'com'\": rules for `.`, amazonaws.com or eks.amazonaws.com do \
          not hide it. A forward rule for the hostname itself ties with the zone's rule, and \
          the forward rule wins (\"If you want to override an autodefined rule, you can create \
          a conditional forwarding rule for the same domain name\"): the cluster's own nodes, \
          and clients that reach the cluster VPC's Resolver through an inbound endpoint, get \
          whatever the rule's target DNS servers answer instead of the ENI addresses.",
    example: "vpcs:\n  - id: vpc-main\n    resolver:\n      forwardRules:\n        - { domain: 0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com, targetIps: [192.168.0.2] }",
    fix: "Disassociate the rule from the cluster VPC and keep it on the other VPCs that need it \
          (the private hosted zone answers only inside the cluster VPC). A rule for a broader \
          domain, such as eks.amazonaws.com, leaves the private hosted zone in charge of the \
          endpoint name.",
    references: &[
        AUTODEFINED_RULES,
        DOMAIN_NAME_MATCHES,
        docs::PHZ_CONSIDERATIONS,
        docs::RESOLVER,
    ],
};

pub(super) fn check(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let scenario = analysis.scenario;
    let mode = analysis.mode;
    let Some(vpc) = scenario.cluster_vpc() else {
        return;
    };
    let vpc_ix = scenario.cluster.vpc;
    if mode.private_access() {
        for (flag, on) in [
            ("enableDnsSupport", vpc.enable_dns_support),
            ("enableDnsHostnames", vpc.enable_dns_hostnames),
        ] {
            if !on {
                let field = format!("{}.{flag}", vpc.path);
                let path = if scenario.source.spans.has(&field) {
                    field
                } else {
                    vpc.path.clone()
                };
                findings.push(Finding::new(
                    scenario,
                    Code::Eks006,
                    path,
                    format!(
                        "private access is on, but cluster VPC {} has {flag} false{}: the EKS private hosted zone is ignored",
                        vpc.id,
                        if scenario.source.spans.has(&format!("{}.{flag}", vpc.path)) { "" } else { " (the AWS default)" }
                    ),
                ));
            }
        }
        dhcp_bypass(analysis, vpc_ix, findings);
        // The rule the Resolver applies is the most specific (as in `dns.rs`); only one for
        // the endpoint hostname itself hides the zone. A broader rule is not reported: the
        // zone still answers the endpoint name, and the resolve trail says which rule it beat.
        let endpoint = &scenario.cluster.endpoint;
        if let Some((i, rule)) = most_specific_forward_rule(&vpc.forward_rules, endpoint)
            .filter(|(_, rule)| overrides_private_hosted_zone(rule, endpoint))
        {
            findings.push(Finding::new(
                scenario,
                Code::Eks018,
                format!("{}.resolver.forwardRules[{i}]", vpc.path),
                format!(
                    "{} in {} is for the endpoint hostname itself and overrides the EKS private hosted zone (on a tie the forward rule wins): queries from the cluster VPC go to {}",
                    rule.describe(),
                    vpc.id,
                    rule.target_ips.iter().map(|ip| ip.to_string()).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    if mode.private_access() && mode.public_access() {
        connected_clients_resolving_publicly(analysis, findings);
    }
}

/// EKS007: a query from the cluster VPC, through its DHCP DNS servers, never reaches the
/// cluster VPC's Resolver.
fn dhcp_bypass(analysis: &Analysis<'_>, vpc_ix: VpcIx, findings: &mut Vec<Finding>) {
    let scenario = analysis.scenario;
    let Some(vpc) = scenario.vpc(vpc_ix) else {
        return;
    };
    if vpc.dns_servers.first() == Some(&DhcpDnsServer::AmazonProvidedDns) {
        return;
    }
    let Some(subnet) = scenario
        .cluster
        .enis
        .first()
        .map(|eni| eni.subnet)
        .or_else(|| vpc.subnets.first().copied())
    else {
        return;
    };
    let resolution = Resolver::new(scenario, analysis.mode).resolve(ClientLocation::Subnet(subnet));
    if resolution.reached_cluster_resolver {
        return;
    }
    let servers = vpc
        .dns_servers
        .iter()
        .map(|server| match server {
            DhcpDnsServer::AmazonProvidedDns => "AmazonProvidedDNS".to_owned(),
            DhcpDnsServer::Ip(ip) => ip.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let outcome = match (&resolution.failure, resolution.answered_by) {
        (Some(blocked), _) => format!("resolution fails ({})", blocked.reason),
        (None, AnsweredBy::PublicDns) => "nodes get the answer from public DNS".to_owned(),
        _ => "the private hosted zone is never asked".to_owned(),
    };
    // Nodes ask the first server (resolv.conf order); what to change depends on what it is.
    let (first, fix) = match vpc.dns_servers.first() {
        Some(DhcpDnsServer::Ip(ip)) if scenario.dns_server_at(*ip).is_some() => (
            ip.to_string(),
            format!("add a conditional forwarder for eks.amazonaws.com to AmazonProvidedDNS on {ip}, or list AmazonProvidedDNS first"),
        ),
        Some(DhcpDnsServer::Ip(ip)) => (
            ip.to_string(),
            "hand out AmazonProvidedDNS instead, or a DNS server in the VPC that forwards eks.amazonaws.com to it".to_owned(),
        ),
        _ => ("AmazonProvidedDNS".to_owned(), "list AmazonProvidedDNS first".to_owned()),
    };
    let later = if vpc.dns_servers.contains(&DhcpDnsServer::AmazonProvidedDns) {
        " (AmazonProvidedDNS, later in the list, is asked only when it does not answer)"
    } else {
        ""
    };
    findings.push(Finding::new(
        scenario,
        Code::Eks007,
        format!("{}.dhcpOptions.domainNameServers", vpc.path),
        format!(
            "cluster VPC {} hands out DNS servers [{servers}]; nodes ask {first}, which never passes the endpoint name to AmazonProvidedDNS{later}: {outcome}; {fix}",
            vpc.id
        ),
    ));
}

/// EKS012: a client connected to the cluster VPC privately still resolves the public endpoint.
fn connected_clients_resolving_publicly(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let scenario = analysis.scenario;
    let cluster_vpc = scenario.cluster.vpc;
    for flow in &analysis.flows {
        if flow.endpoint != Some(EndpointKind::Public) || flow.client.node_group.is_some() {
            continue;
        }
        let place = match flow.client.location {
            ClientLocation::Subnet(subnet) => match scenario.subnet(subnet) {
                Some(subnet) if subnet.vpc != cluster_vpc => Attachment::Vpc(subnet.vpc),
                _ => continue,
            },
            ClientLocation::Network(network) => Attachment::Network(network),
            ClientLocation::Internet => continue,
        };
        // Of several connections, name the same one whatever their order in the file.
        let Some(connection) = scenario
            .connections
            .iter()
            .filter(|connection| {
                connection.kind.attaches(place)
                    && connection.kind.attaches(Attachment::Vpc(cluster_vpc))
            })
            .min_by(|a, b| a.id.cmp(&b.id))
        else {
            continue;
        };
        let how = match connection.kind {
            ConnectionKind::Peering { .. } => "peered",
            ConnectionKind::TransitGateway { .. } => "attached to the same transit gateway",
            ConnectionKind::Vpn { .. } => "connected over VPN",
            ConnectionKind::DirectConnect { .. } => "connected over Direct Connect",
        };
        let cluster_vpc_id = scenario
            .cluster_vpc()
            .map(|vpc| vpc.id.as_str())
            .unwrap_or_default();
        findings.push(Finding::new(
            scenario,
            Code::Eks012,
            flow.client.path.clone(),
            format!(
                "client {} is {how} with {cluster_vpc_id} ({}) but resolves the public endpoint: the EKS private hosted zone answers only inside {cluster_vpc_id}; forward eks.amazonaws.com to a Route 53 Resolver inbound endpoint there",
                flow.client.name, connection.id
            ),
        ));
    }
}
