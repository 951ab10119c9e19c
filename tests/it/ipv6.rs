//! IPv6 and dual-stack clusters (SPEC section 7), one AWS behaviour each, on the bundled
//! `scenarios/dual-stack.yaml` and small edits of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::common;

use common::{addresses, flow_in, load, reason};
use eksflow::dns::AnsweredBy;
use eksflow::path::EndpointKind;
use eksflow::scenario::{EndpointAccess, Family};

const DUAL_STACK: &str = include_str!("../../scenarios/dual-stack.yaml");

/// The bundled scenario with each `(from, to)` replaced once.
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = DUAL_STACK.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "no `{from}` in dual-stack.yaml");
        text = text.replacen(from, to, 1);
    }
    text
}

fn load_problems(text: &str) -> Vec<String> {
    match eksflow::scenario::load_one("test.yaml", text) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn a_dual_stack_endpoint_answers_a_records_then_aaaa_records() {
    let flow = flow_in(DUAL_STACK, "laptop", None);
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    assert_eq!(addresses(&flow), ["3.248.0.10", "2a05:d018:10::10"]);
    assert!(flow.scenario.cluster.dual_stack);
    assert!(
        flow.scenario
            .cluster
            .endpoint
            .to_ascii()
            .ends_with(".gr7.eu-west-1.api.aws.")
    );
}

#[test]
fn the_private_hosted_zone_answers_the_eni_ipv6_addresses_as_aaaa() {
    let flow = flow_in(DUAL_STACK, "node-b", Some(EndpointAccess::PublicAndPrivate));
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
    assert_eq!(
        addresses(&flow),
        [
            "10.40.1.10",
            "10.40.2.10",
            "2001:db8:1234:1a01::a",
            "2001:db8:1234:1a02::a"
        ]
    );
    assert_eq!(flow.endpoint, Some(EndpointKind::Private));
    assert_eq!(flow.family(), Some(Family::Ipv6));
}

#[test]
fn an_ipv6_cluster_under_eks_amazonaws_com_has_an_ipv4_only_endpoint() {
    let text = edited(&[(
        "  ipFamily: ipv6\n",
        "  ipFamily: ipv6\n  endpoint: 0F9E8D7C6B5A49382716AB0C1D2E3F40.gr7.eu-west-1.eks.amazonaws.com\n",
    )]);
    let flow = flow_in(&text, "node-b", None);
    assert!(!flow.scenario.cluster.dual_stack);
    assert_eq!(addresses(&flow), ["3.248.0.10"]);
    assert_eq!(flow.family(), Some(Family::Ipv4));
}

#[test]
fn a_dual_stack_client_tries_every_ipv6_address_first_and_an_ipv4_client_only_ipv4() {
    let node = flow_in(DUAL_STACK, "node-a", Some(EndpointAccess::PublicAndPrivate));
    let order: Vec<String> = node.targets.iter().map(|t| t.address.to_string()).collect();
    assert_eq!(
        order,
        [
            "2001:db8:1234:1a01::a",
            "2001:db8:1234:1a02::a",
            "10.40.1.10",
            "10.40.2.10"
        ]
    );
    let laptop = flow_in(DUAL_STACK, "laptop", None);
    assert_eq!(laptop.targets.len(), 1);
    assert_eq!(laptop.targets[0].family(), Family::Ipv4);
}

#[test]
fn ipv6_leaves_through_the_egress_only_gateway_with_the_nodes_own_address() {
    let flow = flow_in(DUAL_STACK, "node-b", None);
    assert!(flow.reachable());
    assert_eq!(flow.family(), Some(Family::Ipv6));
    let first = &flow.targets[0];
    assert_eq!(first.source.to_string(), "2001:db8:1234:1a02::50");
    assert!(first.reachable());
    let hops = flow.hops(0);
    assert!(hops.iter().any(|hop| hop.at == "eigw-orders" && hop.ok));
}

#[test]
fn a_node_whose_ipv6_block_is_not_allowlisted_falls_back_to_ipv4_through_nat() {
    let flow = flow_in(DUAL_STACK, "node-a", None);
    assert!(flow.reachable());
    assert_eq!(flow.family(), Some(Family::Ipv4));
    let first = flow.targets[0].blocked.as_ref().unwrap();
    assert_eq!(first.reason.code(), "PUBLIC_CIDR_DENY");
    assert!(flow.expectation.unwrap().met);
}

#[test]
fn the_default_allowlist_of_a_dual_stack_endpoint_adds_ipv6_everywhere() {
    let text = edited(&[(
        "  publicAccessCidrs: [198.51.100.40/32, \"2001:db8:1234:1a02::/64\"]\n",
        "",
    )]);
    let scenario = load(&text);
    let cidrs: Vec<String> = scenario
        .cluster
        .public_access_cidrs
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(cidrs, ["0.0.0.0/0", "::/0"]);
    let flow = flow_in(&text, "node-a", None);
    assert_eq!(flow.family(), Some(Family::Ipv6));
}

#[test]
fn an_ipv4_route_to_an_egress_only_gateway_and_an_ipv6_route_to_nat_do_not_load() {
    let eigw = load_problems(&edited(&[(
        "{ destination: 0.0.0.0/0, target: nat-orders }",
        "{ destination: 0.0.0.0/0, target: eigw-orders }",
    )]));
    assert!(
        eigw.iter().any(|p| p.contains("carries IPv6 only")),
        "{eigw:?}"
    );
    let nat = load_problems(&edited(&[(
        "{ destination: \"::/0\", target: eigw-orders }",
        "{ destination: \"::/0\", target: nat-orders }",
    )]));
    assert!(nat.iter().any(|p| p.contains("64:ff9b::/96")), "{nat:?}");
    let nat64 = load_problems(&edited(&[(
        "{ destination: \"::/0\", target: eigw-orders }",
        "{ destination: \"::/0\", target: eigw-orders }\n          - { destination: \"64:ff9b::/96\", target: nat-orders }",
    )]));
    assert!(nat64.is_empty(), "{nat64:?}");
}

#[test]
fn an_ipv6_value_in_an_ipv4_field_names_the_ipv6_field() {
    let problems = load_problems(&edited(&[(
        "ip: 10.40.1.50",
        "ip: \"2001:db8:1234:1a01::51\"",
    )]));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("write IPv6 addresses in `ipv6`")),
        "{problems:?}"
    );
    let outside = load_problems(&edited(&[(
        "ipv6: \"2001:db8:1234:1a01::50\"",
        "ipv6: \"2001:db8:1234:1a02::50\"",
    )]));
    assert!(
        outside
            .iter()
            .any(|p| p.contains("outside subnet `subnet-a`'s ipv6Cidr"))
    );
}

#[test]
fn a_written_nacl_without_ipv6_rules_drops_ipv6_and_the_client_falls_back() {
    let text = edited(&[
        (
            "ipv6Cidr: \"2001:db8:1234:1a02::/64\", az: eu-west-1b, routeTable: rt-private }",
            "ipv6Cidr: \"2001:db8:1234:1a02::/64\", az: eu-west-1b, routeTable: rt-private, networkAcl: acl-v4 }",
        ),
        (
            "    securityGroups:\n      - id: sg-cluster",
            "    networkAcls:\n      - id: acl-v4\n        inbound: [{ rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }]\n        outbound: [{ rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }]\n    securityGroups:\n      - id: sg-cluster",
        ),
    ]);
    let flow = flow_in(&text, "node-b", None);
    assert!(flow.reachable());
    assert_eq!(flow.family(), Some(Family::Ipv4));
    assert_eq!(
        flow.targets[0].blocked.as_ref().unwrap().reason.code(),
        "NACL_OUTBOUND_DENY"
    );
}

#[test]
fn the_internet_reaches_an_eni_ipv6_address_only_with_an_internet_gateway_return_route() {
    let open = |route: &str| {
        edited(&[
            ("  endpointAccess: public\n", "  endpointAccess: private\n"),
            ("{ destination: \"::/0\", target: eigw-orders }", route),
            (
                "          - { protocol: all, sourceSecurityGroup: sg-cluster }",
                "          - { protocol: all, sourceSecurityGroup: sg-cluster }\n          - { protocol: tcp, ports: 443, cidr: \"::/0\" }",
            ),
            (
                "    ip: 192.0.2.77\n",
                "    ip: 192.0.2.77\n    ipv6: \"2001:db8:99::7\"\n",
            ),
        ])
    };
    let via_eigw = flow_in(
        &open("{ destination: \"::/0\", target: eigw-orders }"),
        "laptop",
        None,
    );
    assert_eq!(reason(&via_eigw), Some("NO_RETURN_ROUTE"));
    let via_igw = flow_in(
        &open("{ destination: \"::/0\", target: igw-orders }"),
        "laptop",
        None,
    );
    assert!(via_igw.reachable());
    assert_eq!(via_igw.family(), Some(Family::Ipv6));
    let checked = eksflow::checked::check(via_igw.scenario, None);
    assert!(checked.findings.iter().any(|f| f.code.as_str() == "EKS025"));
}

#[test]
fn an_eni_without_ipv6_gets_its_subnet_prefix_plus_its_ipv4_host_number() {
    let text = edited(&[(
        "{ subnet: subnet-a, ip: 10.40.1.10, ipv6: \"2001:db8:1234:1a01::a\" }",
        "{ subnet: subnet-a, ip: 10.40.1.10 }",
    )]);
    let scenario = load(&text);
    let eni = &scenario.cluster.enis[0];
    assert_eq!(eni.ipv6.unwrap().to_string(), "2001:db8:1234:1a01::a");
    assert!(eni.ipv6_placeholder);
}

#[test]
fn an_ipv4_scenario_gains_only_the_family_and_source_fields() {
    let flow = flow_in(include_str!("../../scenarios/public.yaml"), "node-a", None);
    assert_eq!(flow.family(), Some(Family::Ipv4));
    assert!(
        flow.targets
            .iter()
            .all(|t| t.address.is_ipv4() && t.source.is_ipv4())
    );
}
