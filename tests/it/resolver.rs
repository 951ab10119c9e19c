//! The split-horizon resolver rules (SPEC section 3, *Resolution*), one AWS behaviour each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::common;

use common::{addresses, edited, flow, flow_in, flow_mode, load, reason};
use eksflow::dns::AnsweredBy;
use eksflow::rules::Severity;
use eksflow::scenario::EndpointAccess;

const ENIS: [&str; 2] = ["10.0.1.10", "10.0.2.10"];
const PUBLIC: [&str; 2] = ["3.0.0.10", "3.0.0.11"];

#[test]
fn in_vpc_client_gets_the_private_hosted_zone_answer_when_private_access_is_on() {
    let flow = flow(&[], "node");
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
    assert_eq!(addresses(&flow), ENIS);
    assert_eq!(flow.dns.server, "10.0.0.2");
    assert_eq!(flow.dns.server_label, "AmazonProvidedDNS, vpc-main");
}

#[test]
fn public_mode_has_no_private_hosted_zone_so_in_vpc_clients_get_the_public_endpoint() {
    let flow = flow_mode(&[], "node", EndpointAccess::Public);
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), PUBLIC);
}

#[test]
fn enable_dns_hostnames_false_makes_the_resolver_ignore_the_private_hosted_zone() {
    let flow = flow(
        &[(
            "enableDnsHostnames: true\n    dhcpOptions",
            "enableDnsHostnames: false\n    dhcpOptions",
        )],
        "node",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), PUBLIC);
    assert!(
        flow.dns
            .trail
            .iter()
            .any(|step| step.contains("enableDnsHostnames false"))
    );
}

#[test]
fn enable_dns_hostnames_defaults_to_false() {
    let flow = flow(
        &[("enableDnsHostnames: true\n    dhcpOptions", "dhcpOptions")],
        "node",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
}

#[test]
fn enable_dns_support_false_means_the_vpc_resolver_does_not_answer() {
    let flow = flow(
        &[(
            "enableDnsSupport: true\n    enableDnsHostnames: true\n    dhcpOptions",
            "enableDnsSupport: false\n    enableDnsHostnames: true\n    dhcpOptions",
        )],
        "node",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::None);
    assert!(addresses(&flow).is_empty());
    assert_eq!(reason(&flow), Some("DNS_SUPPORT_DISABLED"));
    assert!(flow.endpoint.is_none());
    assert!(!flow.reachable());
    assert!(
        flow.blocked
            .as_ref()
            .unwrap()
            .blocked_by
            .contains("vpc-main")
    );
}

#[test]
fn private_mode_public_dns_returns_eni_ips() {
    let flow = flow_mode(&[], "laptop", EndpointAccess::Private);
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), ENIS);
    assert_eq!(flow.dns.server, "public-dns");
}

#[test]
fn public_dns_returns_the_public_endpoint_when_public_access_is_on() {
    let flow = flow(&[], "laptop");
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), PUBLIC);
}

#[test]
fn placeholder_public_addresses_are_used_and_labelled_when_none_are_given() {
    let flow = flow(
        &[("  publicEndpointIps: [3.0.0.10, 3.0.0.11]\n", "")],
        "laptop",
    );
    assert_eq!(addresses(&flow), ["192.0.2.10", "192.0.2.11"]);
    assert!(
        flow.dns
            .trail
            .iter()
            .any(|step| step.contains("placeholders"))
    );
}

#[test]
fn a_peered_vpc_resolver_does_not_see_the_private_hosted_zone() {
    // aws/containers-roadmap#221: the zone is associated only with the cluster VPC.
    let flow = flow(&[], "tools");
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), PUBLIC);
    assert_eq!(flow.dns.server, "10.1.0.2");
}

#[test]
fn a_resolver_inbound_endpoint_resolves_as_the_cluster_vpc() {
    let flow = flow(&[], "admin");
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
    assert_eq!(addresses(&flow), ENIS);
    assert_eq!(flow.dns.server, "192.168.0.2");
    assert!(flow.dns.trail.iter().any(|step| step.contains("rslvr-in")));
}

#[test]
fn without_a_forwarder_on_premises_dns_resolves_the_public_endpoint() {
    let flow = flow(
        &[(
            "    forward:\n      - { domain: eks.amazonaws.com, to: [10.0.1.53, 10.0.2.53] }\n",
            "",
        )],
        "admin",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), PUBLIC);
}

#[test]
fn a_forward_rule_for_another_domain_does_not_apply() {
    let flow = flow(
        &[(
            "inboundEndpoints: [{ id: rslvr-in, ips: [10.0.1.53, 10.0.2.53] }]",
            "inboundEndpoints: [{ id: rslvr-in, ips: [10.0.1.53, 10.0.2.53] }]\n      forwardRules: [{ domain: corp.example, targetIps: [192.168.0.2] }]",
        )],
        "node",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
}

#[test]
fn the_longest_conditional_forwarder_domain_wins() {
    let flow = flow(
        &[(
            "      - { domain: eks.amazonaws.com, to: [10.0.1.53, 10.0.2.53] }",
            "      - { domain: amazonaws.com, to: [8.8.8.8] }\n      - { domain: eu-west-1.eks.amazonaws.com, to: [10.0.1.53] }\n      - { domain: com, to: [192.168.0.77] }",
        )],
        "admin",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
}

#[test]
fn the_root_domain_forwarder_matches_every_name() {
    let flow = flow(
        &[(
            "{ domain: eks.amazonaws.com, to: [10.0.1.53, 10.0.2.53] }",
            "{ domain: ., to: [10.0.1.53] }",
        )],
        "admin",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
}

#[test]
fn a_forwarder_to_amazon_provided_dns_uses_the_resolver_of_the_servers_vpc() {
    // A DNS server inside the cluster VPC, used by the cluster VPC's DHCP options.
    let flow = flow(
        &[
            (
                "domainNameServers: [AmazonProvidedDNS]",
                "domainNameServers: [10.0.0.10]",
            ),
            (
                "dnsServers:\n  - ip: 192.168.0.2",
                "dnsServers:\n  - ip: 10.0.0.10\n    forward: [{ domain: eks.amazonaws.com, to: [AmazonProvidedDNS] }]\n  - ip: 192.168.0.2",
            ),
        ],
        "node",
    );
    assert_eq!(flow.dns.server, "10.0.0.10");
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
}

#[test]
fn a_custom_dhcp_dns_server_without_forwarder_bypasses_the_private_hosted_zone() {
    let flow = flow(
        &[
            (
                "domainNameServers: [AmazonProvidedDNS]",
                "domainNameServers: [10.0.0.10]",
            ),
            (
                "dnsServers:\n  - ip: 192.168.0.2",
                "dnsServers:\n  - ip: 10.0.0.10\n  - ip: 192.168.0.2",
            ),
        ],
        "node",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), PUBLIC);
}

#[test]
fn the_vpc_base_plus_two_and_link_local_addresses_are_amazon_provided_dns_inside_the_vpc() {
    for server in ["10.0.0.2", "169.254.169.253"] {
        let flow = flow(
            &[(
                "domainNameServers: [AmazonProvidedDNS]",
                &format!("domainNameServers: [{server}]"),
            )],
            "node",
        );
        assert_eq!(flow.dns.server, server);
        assert_eq!(
            flow.dns.answered_by,
            AnsweredBy::PrivateHostedZone,
            "{server}"
        );
    }
}

#[test]
fn forwarding_to_another_vpcs_base_plus_two_is_not_supported() {
    let flow = flow(
        &[(
            "{ domain: eks.amazonaws.com, to: [10.0.1.53, 10.0.2.53] }",
            "{ domain: eks.amazonaws.com, to: [10.0.0.2] }",
        )],
        "admin",
    );
    assert_eq!(reason(&flow), Some("DNS_SERVER_UNKNOWN"));
    assert!(
        flow.blocked
            .as_ref()
            .unwrap()
            .blocked_by
            .contains("inbound endpoint")
    );
}

#[test]
fn an_undeclared_private_dns_server_is_unknown() {
    let flow = flow(
        &[("dnsServers: [192.168.0.2]", "dnsServers: [192.168.0.3]")],
        "admin",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::None);
    assert_eq!(reason(&flow), Some("DNS_SERVER_UNKNOWN"));
}

#[test]
fn an_undeclared_public_dns_server_is_a_public_recursive_resolver() {
    let flow = flow(
        &[(
            "domainNameServers: [AmazonProvidedDNS]",
            "domainNameServers: [8.8.8.8]",
        )],
        "node",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), PUBLIC);
}

#[test]
fn a_forwarding_loop_is_a_resolution_failure() {
    // Office DNS → inbound endpoint → a Resolver rule back to the office DNS. The rule is for
    // the endpoint hostname: a broader one would lose to the private hosted zone.
    let flow = flow_with_rules(&[(&endpoint_hostname(), "192.168.0.2")], "admin", None);
    assert_eq!(flow.dns.answered_by, AnsweredBy::None);
    assert_eq!(reason(&flow), Some("DNS_FORWARD_LOOP"));
    assert!(flow.blocked.as_ref().unwrap().blocked_by.contains("loops"));
}

#[test]
fn forwarding_deeper_than_eight_hops_is_a_resolution_failure() {
    // A chain of ten distinct servers 192.168.0.2 → .10 → .11 → … → .19 → inbound endpoint.
    let mut servers = String::from(
        "dnsServers:\n  - ip: 192.168.0.2\n    forward: [{ domain: ., to: [192.168.0.10] }]\n",
    );
    for i in 10..19 {
        servers.push_str(&format!(
            "  - ip: 192.168.0.{i}\n    forward: [{{ domain: ., to: [192.168.0.{}] }}]\n",
            i + 1
        ));
    }
    servers.push_str("  - ip: 192.168.0.19\n    forward: [{ domain: ., to: [10.0.1.53] }]\n");
    let base = edited(&[]);
    let start = base.find("dnsServers:\n  - ip").unwrap();
    let end = base.find("clients:").unwrap();
    let text = format!("{}{}{}", &base[..start], servers, &base[end..]);
    let deep = flow_in(&text, "admin", None);
    assert_eq!(reason(&deep), Some("DNS_FORWARD_LOOP"));
    assert!(
        deep.blocked
            .as_ref()
            .unwrap()
            .blocked_by
            .contains("more than 8")
    );

    // Eight forwards are fine.
    let mut servers = String::from(
        "dnsServers:\n  - ip: 192.168.0.2\n    forward: [{ domain: ., to: [192.168.0.10] }]\n",
    );
    for i in 10..16 {
        servers.push_str(&format!(
            "  - ip: 192.168.0.{i}\n    forward: [{{ domain: ., to: [192.168.0.{}] }}]\n",
            i + 1
        ));
    }
    servers.push_str("  - ip: 192.168.0.16\n    forward: [{ domain: ., to: [10.0.1.53] }]\n");
    let text = format!("{}{}{}", &base[..start], servers, &base[end..]);
    let shallow = flow_in(&text, "admin", None);
    assert_eq!(shallow.dns.answered_by, AnsweredBy::PrivateHostedZone);
}

#[test]
fn a_forwarder_falls_back_to_its_next_target() {
    let flow = flow(
        &[(
            "{ domain: eks.amazonaws.com, to: [10.0.1.53, 10.0.2.53] }",
            "{ domain: eks.amazonaws.com, to: [192.168.0.99, 10.0.2.53] }",
        )],
        "admin",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
    assert!(
        flow.dns
            .trail
            .iter()
            .any(|step| step.contains("192.168.0.99"))
    );
}

#[test]
fn answers_are_a_records_for_the_endpoint_name() {
    let flow = flow(&[], "node");
    assert_eq!(flow.dns.records.len(), 2);
    for record in &flow.dns.records {
        assert_eq!(record.record_type(), hickory_proto::rr::RecordType::A);
        assert!(
            record
                .name
                .to_ascii()
                .ends_with(".gr7.eu-west-1.eks.amazonaws.com.")
        );
        assert_eq!(record.ttl, eksflow::dns::ENDPOINT_TTL);
    }
}

#[test]
fn a_network_without_dns_servers_uses_a_public_resolver() {
    let flow = flow(&[("    dnsServers: [192.168.0.2]\n", "")], "admin");
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
}

// ---- the most specific Resolver rule wins (SPEC 3, issue 12) ----------------------------
//
// Route 53 Resolver applies the matching rule with the most specific domain, among a VPC's
// forward rules and the rules it creates for the private hosted zones associated with it
// (Route 53 developer guide, "How Resolver determines whether the domain name in a query
// matches any rules"). The EKS private hosted zone's rule is for the endpoint hostname, so
// it "continue[s] to resolve if you create conditional forwarding rules for less specific
// domain names such as '.' (dot) or 'com'", and a forward rule "for the same domain name"
// overrides it ("Domain names that Resolver creates autodefined system rules for").

const CLUSTER_VPC_RESOLVER: &str =
    "inboundEndpoints: [{ id: rslvr-in, ips: [10.0.1.53, 10.0.2.53] }]";

/// The base scenario's endpoint hostname (derived from the cluster name and region), as
/// people write a domain: no trailing dot.
fn endpoint_hostname() -> String {
    let hostname = load(&edited(&[])).cluster.endpoint.to_ascii();
    hostname.trim_end_matches('.').to_owned()
}

/// The edit giving the cluster VPC these Resolver forward rules (`domain → target`).
fn cluster_vpc_rules(rules: &[(&str, &str)]) -> [(&'static str, String); 1] {
    let rules = rules
        .iter()
        .map(|(domain, target)| format!("{{ domain: \"{domain}\", targetIps: [{target}] }}"))
        .collect::<Vec<_>>()
        .join(", ");
    [(
        CLUSTER_VPC_RESOLVER,
        format!("{CLUSTER_VPC_RESOLVER}\n      forwardRules: [{rules}]"),
    )]
}

fn flow_with_rules(
    rules: &[(&str, &str)],
    client: &str,
    mode: Option<EndpointAccess>,
) -> common::Traced {
    let [(from, to)] = cluster_vpc_rules(rules);
    flow_in(&edited(&[(from, &to)]), client, mode)
}

/// A node in the cluster VPC, whose VPC has one forward rule for `domain` to 8.8.8.8 (a
/// public resolver: forwarded, the node would get the public endpoint).
fn node_with_a_rule_for(domain: &str) -> common::Traced {
    flow_with_rules(&[(domain, "8.8.8.8")], "node", None)
}

/// The private hosted zone answered, and the trail says which forward rule it beat.
fn assert_the_private_hosted_zone_answers(flow: &common::Traced, domain: &str) {
    assert_eq!(
        flow.dns.answered_by,
        AnsweredBy::PrivateHostedZone,
        "{domain}"
    );
    assert_eq!(addresses(flow), ENIS, "{domain}");
    assert!(flow.blocked.is_none(), "{domain}: {:?}", flow.blocked);
    assert!(
        flow.dns.trail.iter().any(|step| step.contains(&format!(
            "is more specific than the Resolver forward rule for {domain},"
        ))),
        "{domain}: {:#?}",
        flow.dns.trail
    );
}

#[test]
fn a_forward_rule_for_dot_does_not_hide_the_eks_private_hosted_zone() {
    assert_the_private_hosted_zone_answers(&node_with_a_rule_for("."), ".");
}

#[test]
fn a_forward_rule_for_com_does_not_hide_the_eks_private_hosted_zone() {
    assert_the_private_hosted_zone_answers(&node_with_a_rule_for("com"), "com");
}

#[test]
fn a_forward_rule_for_amazonaws_com_does_not_hide_the_eks_private_hosted_zone() {
    let domain = "amazonaws.com";
    assert_the_private_hosted_zone_answers(&node_with_a_rule_for(domain), domain);
}

#[test]
fn a_forward_rule_for_eks_amazonaws_com_does_not_hide_the_eks_private_hosted_zone() {
    let domain = "eks.amazonaws.com";
    assert_the_private_hosted_zone_answers(&node_with_a_rule_for(domain), domain);
}

#[test]
fn a_forward_rule_for_the_regional_eks_domain_does_not_hide_the_eks_private_hosted_zone() {
    let domain = "eu-west-1.eks.amazonaws.com";
    assert_the_private_hosted_zone_answers(&node_with_a_rule_for(domain), domain);
}

#[test]
fn a_forward_rule_for_the_gr7_regional_suffix_does_not_hide_the_eks_private_hosted_zone() {
    // One label short of the hostname is still less specific than the zone.
    let domain = "gr7.eu-west-1.eks.amazonaws.com";
    assert_the_private_hosted_zone_answers(&node_with_a_rule_for(domain), domain);
}

#[test]
fn a_forward_rule_for_the_endpoint_hostname_wins_the_tie_with_the_private_hosted_zone() {
    let flow = node_with_a_rule_for(&endpoint_hostname());
    // Forwarded to 8.8.8.8, which answers from public DNS: the public endpoint.
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), PUBLIC);
    assert!(flow.dns.failure.is_none());
    assert!(flow.dns.reached_cluster_resolver);
    assert!(
        flow.dns
            .trail
            .iter()
            .any(|step| step.contains("overrides the EKS private hosted zone: forwards to 8.8.8.8")),
        "{:#?}",
        flow.dns.trail
    );
}

#[test]
fn the_tie_is_decided_on_the_name_not_on_its_case_or_trailing_dot() {
    let spelt = format!("{}.", endpoint_hostname().to_ascii_lowercase());
    let flow = node_with_a_rule_for(&spelt);
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), PUBLIC);
}

#[test]
fn a_rule_for_the_endpoint_hostname_beside_a_broader_one_wins_whatever_the_file_order() {
    let hostname = endpoint_hostname();
    for rules in [
        [(".", "192.168.0.9"), (hostname.as_str(), "8.8.8.8")],
        [(hostname.as_str(), "8.8.8.8"), (".", "192.168.0.9")],
    ] {
        let flow = flow_with_rules(&rules, "node", None);
        assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns, "{rules:?}");
        assert_eq!(addresses(&flow), PUBLIC, "{rules:?}");
    }
}

#[test]
fn a_forward_rule_for_the_endpoint_hostname_applies_to_queries_arriving_at_the_inbound_endpoint() {
    // The office forwards eks.amazonaws.com to the cluster VPC's inbound endpoint; the rules
    // associated with that VPC then apply to the query.
    let flow = flow_with_rules(&[(&endpoint_hostname(), "8.8.8.8")], "admin", None);
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), PUBLIC);
    assert!(flow.dns.reached_cluster_resolver);
}

#[test]
fn a_broad_forward_rule_does_not_hide_the_zone_from_queries_arriving_at_the_inbound_endpoint() {
    let flow = flow_with_rules(&[(".", "192.168.0.9")], "admin", None);
    assert_the_private_hosted_zone_answers(&flow, ".");
}

#[test]
fn without_the_private_hosted_zone_a_broad_forward_rule_forwards() {
    // No zone to be more specific: in public mode, or with enableDnsHostnames false, the rule
    // for `.` applies. 192.168.0.9 is not a declared DNS server, so the forward fails.
    let public_mode = flow_with_rules(
        &[(".", "192.168.0.9")],
        "node",
        Some(EndpointAccess::Public),
    );
    let [(from, to)] = cluster_vpc_rules(&[(".", "192.168.0.9")]);
    let hostnames_off = flow(
        &[
            (from, &to),
            (
                "enableDnsHostnames: true\n    dhcpOptions",
                "enableDnsHostnames: false\n    dhcpOptions",
            ),
        ],
        "node",
    );
    for flow in [public_mode, hostnames_off] {
        assert_eq!(flow.dns.answered_by, AnsweredBy::None);
        assert_eq!(reason(&flow), Some("DNS_SERVER_UNKNOWN"));
        assert!(flow.dns.trail.iter().any(|step| {
            step.contains("the Resolver forward rule for . matches, forwards to 192.168.0.9")
        }));
    }
}

#[test]
fn a_peered_vpc_forwarding_eks_amazonaws_com_to_the_inbound_endpoint_gets_the_private_hosted_zone()
{
    // The fix EKS012 suggests: the zone is not associated with vpc-tools, so its Resolver
    // applies its own rule and the cluster VPC's Resolver answers from the zone.
    let flow = flow(
        &[(
            "    securityGroups:\n      - id: sg-tools\n",
            "    securityGroups:\n      - id: sg-tools\n    resolver:\n      forwardRules: [{ domain: eks.amazonaws.com, targetIps: [10.0.1.53] }]\n",
        )],
        "tools",
    );
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
    assert_eq!(addresses(&flow), ENIS);
    assert_eq!(flow.dns.server, "10.1.0.2");
}

// ---- EKS018: a rule that really hides the private hosted zone ---------------------------

/// The EKS018 findings for the base scenario with these cluster VPC rules, under `mode`.
fn eks018(rules: &[(&str, &str)], mode: Option<EndpointAccess>) -> Vec<eksflow::rules::Finding> {
    let [(from, to)] = cluster_vpc_rules(rules);
    let scenario = load(&edited(&[(from, &to)]));
    eksflow::checked::check(&scenario, mode)
        .findings
        .into_iter()
        .filter(|finding| finding.code.as_str() == "EKS018")
        .collect()
}

#[test]
fn eks018_fires_for_a_forward_rule_for_the_endpoint_hostname() {
    let found = eks018(&[(&endpoint_hostname(), "8.8.8.8")], None);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].path, "vpcs[0].resolver.forwardRules[0]");
    assert!(found[0].position.is_some());
    assert!(
        found[0].message.ends_with("go to 8.8.8.8"),
        "{}",
        found[0].message
    );
}

#[test]
fn eks018_does_not_fire_for_a_rule_for_a_broader_domain() {
    for domain in [
        ".",
        "com",
        "amazonaws.com",
        "eks.amazonaws.com",
        "eu-west-1.eks.amazonaws.com",
        "gr7.eu-west-1.eks.amazonaws.com",
        "corp.example",
    ] {
        let found = eks018(&[(domain, "8.8.8.8")], None);
        assert!(found.is_empty(), "{domain}: {found:#?}");
    }
}

#[test]
fn eks018_names_the_rule_for_the_endpoint_hostname_among_broader_ones() {
    let hostname = endpoint_hostname();
    let found = eks018(
        &[
            (".", "192.168.0.9"),
            ("eks.amazonaws.com", "192.168.0.9"),
            (&hostname, "8.8.8.8"),
        ],
        None,
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path, "vpcs[0].resolver.forwardRules[2]");
}

#[test]
fn eks018_does_not_fire_when_private_access_is_off() {
    // Public mode has no private hosted zone to hide.
    let found = eks018(
        &[(&endpoint_hostname(), "8.8.8.8")],
        Some(EndpointAccess::Public),
    );
    assert!(found.is_empty(), "{found:#?}");
}
