//! The split-horizon resolver rules (SPEC section 3, *Resolution*), one AWS behaviour each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{addresses, edited, flow, flow_in, flow_mode, reason};
use eksflow::dns::AnsweredBy;
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
fn a_resolver_forward_rule_takes_precedence_over_the_private_hosted_zone() {
    let flow = flow(
        &[(
            "inboundEndpoints: [{ id: rslvr-in, ips: [10.0.1.53, 10.0.2.53] }]",
            "inboundEndpoints: [{ id: rslvr-in, ips: [10.0.1.53, 10.0.2.53] }]\n      forwardRules: [{ domain: amazonaws.com, targetIps: [192.168.0.9] }]",
        )],
        "node",
    );
    // 192.168.0.9 is not a declared DNS server: the forward fails instead of using the zone.
    assert_eq!(flow.dns.answered_by, AnsweredBy::None);
    assert_eq!(reason(&flow), Some("DNS_SERVER_UNKNOWN"));
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
    // Office DNS → inbound endpoint → a Resolver rule back to the office DNS.
    let flow = flow(
        &[(
            "inboundEndpoints: [{ id: rslvr-in, ips: [10.0.1.53, 10.0.2.53] }]",
            "inboundEndpoints: [{ id: rslvr-in, ips: [10.0.1.53, 10.0.2.53] }]\n      forwardRules: [{ domain: eks.amazonaws.com, targetIps: [192.168.0.2] }]",
        )],
        "admin",
    );
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
