//! DNS transport (SPEC 8): each DNS query hop traced on UDP 53 through routes, NACLs and
//! security groups with `dnsTransport: traced`, and nothing changed without it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::common;

use common::{flow_in, load, reason};
use eksflow::dns::AnsweredBy;
use eksflow::scenario::DnsTransport;

/// The bundled office-over-VPN scenario: an office DNS server forwards the endpoint name to
/// a Resolver inbound endpoint in the cluster VPC.
const BASE: &str = r#"version: 1
name: office over VPN with a Resolver inbound endpoint
description: >
  On-premises DNS forwards eks.amazonaws.com to a Route 53 Resolver inbound endpoint, so
  admins get the private endpoint and reach it over the VPN.

cluster:
  name: erp
  region: eu-west-2
  endpointAccess: public-and-private
  publicAccessCidrs: [198.51.100.20/32]
  vpc: vpc-erp
  securityGroups: [sg-cluster]
  enis:
    - { subnet: subnet-a, ip: 10.70.1.10 }
    - { subnet: subnet-b, ip: 10.70.2.10 }

vpcs:
  - id: vpc-erp
    cidrs: [10.70.0.0/16]
    enableDnsSupport: true
    enableDnsHostnames: true
    internetGateway: igw-erp
    subnets:
      - { id: subnet-public, cidr: 10.70.0.0/24, az: eu-west-2a, routeTable: rt-public }
      - { id: subnet-a, cidr: 10.70.1.0/24, az: eu-west-2a, routeTable: rt-private, networkAcl: acl-private }
      - { id: subnet-b, cidr: 10.70.2.0/24, az: eu-west-2b, routeTable: rt-private, networkAcl: acl-private }
    natGateways:
      - { id: nat-erp, subnet: subnet-public, publicIp: 198.51.100.20 }
    routeTables:
      - id: rt-public
        routes:
          - { destination: 0.0.0.0/0, target: igw-erp }
      - id: rt-private
        routes:
          - { destination: 0.0.0.0/0, target: nat-erp }
          - { destination: 172.16.0.0/12, target: vpn-office }
    securityGroups:
      - id: sg-cluster
        ingress:
          - { protocol: all, sourceSecurityGroup: sg-cluster }
          - { protocol: tcp, ports: 443, cidr: 172.16.0.0/12 }
    networkAcls:
      # Stateless: the replies to the office leave on ephemeral ports.
      - id: acl-private
        inbound:
          - { rule: 100, protocol: all, cidr: 10.70.0.0/16, action: allow }
          - { rule: 110, protocol: tcp, ports: 443, cidr: 172.16.0.0/12, action: allow }
          - { rule: 120, protocol: udp, ports: 53, cidr: 172.16.0.0/12, action: allow }
          - { rule: 130, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow }
        outbound:
          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }
    resolver:
      inboundEndpoints:
        - { id: rslvr-in-erp, ips: [10.70.1.53, 10.70.2.53] }

connections:
  - { id: vpn-office, type: vpn, vpc: vpc-erp, network: office }

networks:
  - id: office
    cidrs: [172.16.0.0/12]
    internetEgressIp: 203.0.113.50
    routes:
      - { destination: 10.70.0.0/16, target: vpn-office }
    dnsServers: [172.16.0.2]

dnsServers:
  - ip: 172.16.0.2
    forward:
      - { domain: eks.amazonaws.com, to: [10.70.1.53, 10.70.2.53] }

clients:
  - name: admin
    from: office
    ip: 172.16.8.20
    expect: { answer: private, reachable: true }
  - name: node-a
    from: subnet-a
    ip: 10.70.1.50
    securityGroups: [sg-cluster]
    expect: { answer: private, reachable: true }
"#;

/// The inbound endpoint with security group `sg-rslvr-in`, whose ingress is `rules`.
fn with_endpoint_group(rules: &str) -> String {
    edit(
        BASE,
        &[
            (
                "{ id: rslvr-in-erp, ips: [10.70.1.53, 10.70.2.53] }",
                "{ id: rslvr-in-erp, ips: [10.70.1.53, 10.70.2.53], securityGroups: [sg-rslvr-in] }",
            ),
            (
                "    networkAcls:\n",
                &format!("      - id: sg-rslvr-in\n        ingress: {rules}\n    networkAcls:\n"),
            ),
        ],
    )
}

fn edit(text: &str, edits: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "edit target not found: {from}");
        text = text.replacen(from, to, 1);
    }
    text
}

const UDP_53_FROM_OFFICE: &str = "[{ protocol: udp, ports: 53, cidr: 172.16.0.0/12 }, { protocol: tcp, ports: 53, cidr: 172.16.0.0/12 }]";

#[test]
fn a_scenario_without_the_new_fields_keeps_the_assumed_model() {
    let scenario = load(BASE);
    assert_eq!(scenario.dns_transport, DnsTransport::Assumed);
    let flow = flow_in(BASE, "admin", None);
    assert!(flow.dns.queries.is_empty());
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
}

#[test]
fn a_security_group_on_an_inbound_endpoint_turns_tracing_on() {
    let text = with_endpoint_group(UDP_53_FROM_OFFICE);
    assert_eq!(load(&text).dns_transport, DnsTransport::Traced);
    let flow = flow_in(&text, "admin", None);
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
    assert!(flow.reachable());
    // The office client's hop to its own DNS server is local to the office network; the
    // forwarder's hop to the inbound endpoint crosses the VPN.
    let queries = &flow.dns.queries;
    assert_eq!(queries.len(), 2);
    assert_eq!(queries[1].to.to_string(), "10.70.1.53");
    assert_eq!(queries[1].from_label, "dnsServers");
    assert!(queries.iter().all(|q| q.reachable()));
}

#[test]
fn an_inbound_endpoint_group_without_udp_53_makes_dns_unreachable_naming_the_hop() {
    let text = with_endpoint_group("[{ protocol: tcp, ports: 53, cidr: 172.16.0.0/12 }]");
    let flow = flow_in(&text, "admin", None);
    assert_eq!(reason(&flow), Some("DNS_UNREACHABLE"));
    assert_eq!(flow.dns.answered_by, AnsweredBy::None);
    assert!(flow.targets.is_empty());
    assert_eq!(
        flow.blocked.as_ref().unwrap().blocked_by,
        "DNS query udp/53 from 172.16.0.2 (dnsServers) to 10.70.1.53 (inbound endpoint rslvr-in-erp): sg-rslvr-in allows no udp/53 from 172.16.0.2"
    );
    // Both endpoint addresses were tried, each blocked by its own hop code.
    let blocked: Vec<_> = flow
        .dns
        .queries
        .iter()
        .filter_map(|q| q.udp.blocked.as_ref().map(|b| b.reason.code()))
        .collect();
    assert_eq!(blocked, ["SG_INGRESS_DENY", "SG_INGRESS_DENY"]);
}

#[test]
fn writing_dns_transport_assumed_keeps_the_answers_even_with_the_new_fields() {
    let text = format!(
        "dnsTransport: assumed\n{}",
        with_endpoint_group("[{ protocol: tcp, ports: 53, cidr: 172.16.0.0/12 }]")
    );
    assert_eq!(load(&text).dns_transport, DnsTransport::Assumed);
    let flow = flow_in(&text, "admin", None);
    assert!(flow.reachable());
    assert!(flow.dns.queries.is_empty());
}

#[test]
fn a_forwarder_fails_over_to_its_next_target_when_a_nacl_drops_the_first() {
    // subnet-a's NACL loses its udp/53 rule; subnet-b gets its own NACL that keeps it.
    let text = with_endpoint_group(UDP_53_FROM_OFFICE);
    let text = edit(
        &text,
        &[
            (
                "routeTable: rt-private, networkAcl: acl-private }\n      - { id: subnet-b",
                "routeTable: rt-private, networkAcl: acl-a }\n      - { id: subnet-b",
            ),
            (
                "    resolver:\n",
                "      - id: acl-a\n        inbound:\n          - { rule: 100, protocol: all, cidr: 10.70.0.0/16, action: allow }\n          - { rule: 110, protocol: tcp, ports: 443, cidr: 172.16.0.0/12, action: allow }\n          - { rule: 130, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow }\n        outbound:\n          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }\n    resolver:\n",
            ),
        ],
    );
    let flow = flow_in(&text, "admin", None);
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
    let to_endpoint: Vec<_> = flow
        .dns
        .queries
        .iter()
        .filter(|q| q.from_label == "dnsServers")
        .map(|q| {
            (
                q.to.to_string(),
                q.udp.blocked.as_ref().map(|b| b.reason.code()),
            )
        })
        .collect();
    assert_eq!(
        to_endpoint,
        [
            ("10.70.1.53".to_owned(), Some("NACL_INBOUND_DENY")),
            ("10.70.2.53".to_owned(), None)
        ]
    );
}

#[test]
fn the_own_vpc_resolver_is_never_filtered_even_when_groups_allow_only_tcp_443_out() {
    let text = edit(
        &with_endpoint_group(UDP_53_FROM_OFFICE),
        &[(
            "      - id: sg-cluster\n        ingress:",
            "      - id: sg-cluster\n        egress: [{ protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }]\n        ingress:",
        )],
    );
    let flow = flow_in(&text, "node-a", None);
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
    assert!(flow.dns.queries.is_empty());
}

#[test]
fn a_name_server_that_is_reached_ends_the_search_whatever_it_answers() {
    // The office lists a server the endpoint's group refuses first, then one it allows.
    let text = edit(
        &with_endpoint_group("[{ protocol: udp, ports: 53, cidr: 172.16.0.3/32 }]"),
        &[
            (
                "    dnsServers: [172.16.0.2]",
                "    dnsServers: [172.16.0.2, 172.16.0.3]",
            ),
            (
                "dnsServers:\n  - ip: 172.16.0.2\n",
                "dnsServers:\n  - ip: 172.16.0.3\n    forward:\n      - { domain: eks.amazonaws.com, to: [10.70.2.53] }\n  - ip: 172.16.0.2\n",
            ),
        ],
    );
    let flow = flow_in(&text, "admin", None);
    // The first server is reached (a local query) and ends the search, whatever it answers.
    assert_eq!(reason(&flow), Some("DNS_UNREACHABLE"));
    assert_eq!(flow.dns.server, "172.16.0.2");
}

#[test]
fn a_client_whose_first_name_server_is_unreachable_asks_the_next() {
    // A client in the cluster VPC whose DHCP options list a server the route table cannot
    // reach (no route), then AmazonProvidedDNS.
    let text = edit(
        &with_endpoint_group(UDP_53_FROM_OFFICE),
        &[
            (
                "    enableDnsHostnames: true\n    internetGateway",
                "    enableDnsHostnames: true\n    dhcpOptions: { domainNameServers: [192.168.9.9, AmazonProvidedDNS] }\n    internetGateway",
            ),
            (
                "dnsServers:\n  - ip: 172.16.0.2\n",
                "dnsServers:\n  - ip: 192.168.9.9\n  - ip: 172.16.0.2\n",
            ),
            (
                "    cidrs: [172.16.0.0/12]\n",
                "    cidrs: [172.16.0.0/12, 192.168.0.0/16]\n",
            ),
        ],
    );
    let flow = flow_in(&text, "node-a", None);
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
    assert_eq!(
        flow.dns.queries[0]
            .udp
            .blocked
            .as_ref()
            .unwrap()
            .reason
            .code(),
        "NO_ROUTE"
    );
    assert!(flow.reachable());
}

/// The cluster VPC's Resolver forwards the endpoint name to the office server (the zone is
/// off: `enableDnsHostnames: false`), which resolves it publicly; `resolver` is the
/// Resolver block to use.
fn forwarding_to_the_office(resolver: &str) -> String {
    edit(
        BASE,
        &[
            (
                "    enableDnsHostnames: true\n",
                "    enableDnsHostnames: false\n",
            ),
            (
                "    resolver:\n      inboundEndpoints:\n        - { id: rslvr-in-erp, ips: [10.70.1.53, 10.70.2.53] }\n",
                resolver,
            ),
            (
                "{ domain: eks.amazonaws.com, to: [10.70.1.53, 10.70.2.53] }",
                "{ domain: corp.example, to: [10.70.1.53] }",
            ),
        ],
    )
}

const OUTBOUND: &str = "    resolver:\n      outboundEndpoints:\n        - id: rslvr-out\n          ips: [{ subnet: subnet-a, ip: 10.70.1.54 }, { subnet: subnet-b, ip: 10.70.2.54 }]\n          securityGroups: [sg-cluster]\n      forwardRules:\n        - { domain: eks.amazonaws.com, targetIps: [172.16.0.2], outboundEndpoint: rslvr-out }\n";

#[test]
fn a_forward_rule_without_an_outbound_endpoint_is_unreachable_in_traced_mode() {
    let text = format!(
        "dnsTransport: traced\n{}",
        forwarding_to_the_office(
            "    resolver:\n      forwardRules:\n        - { domain: eks.amazonaws.com, targetIps: [172.16.0.2] }\n"
        )
    );
    let flow = flow_in(&text, "node-a", None);
    assert_eq!(reason(&flow), Some("DNS_UNREACHABLE"));
    assert_eq!(
        flow.blocked.as_ref().unwrap().blocked_by,
        "forward rule for eks.amazonaws.com has no outbound endpoint; Route 53 Resolver forwards only through one"
    );
}

#[test]
fn a_nacl_without_udp_ephemeral_ports_drops_the_reply_to_the_outbound_endpoint() {
    // acl-private lets tcp 1024-65535 in, not udp: the office server's replies are dropped.
    let flow = flow_in(&forwarding_to_the_office(OUTBOUND), "node-a", None);
    assert_eq!(reason(&flow), Some("DNS_UNREACHABLE"));
    let froms: Vec<_> = flow
        .dns
        .queries
        .iter()
        .map(|q| {
            (
                q.from.to_string(),
                q.udp.blocked.as_ref().map(|b| b.reason.code()),
            )
        })
        .collect();
    assert_eq!(
        froms,
        [
            ("10.70.1.54".to_owned(), Some("NACL_INBOUND_DENY")),
            ("10.70.2.54".to_owned(), Some("NACL_INBOUND_DENY"))
        ]
    );
}

#[test]
fn a_forward_rule_leaves_through_its_outbound_endpoint_and_its_groups() {
    let text = edit(
        &forwarding_to_the_office(OUTBOUND),
        &[(
            "          - { rule: 130, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow }\n",
            "          - { rule: 130, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow }\n          - { rule: 140, protocol: udp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow }\n",
        )],
    );
    assert_eq!(load(&text).dns_transport, DnsTransport::Traced);
    let flow = flow_in(&text, "node-a", None);
    assert_eq!(flow.dns.answered_by, AnsweredBy::PublicDns);
    let first = &flow.dns.queries[0];
    assert_eq!(first.from_label, "outbound endpoint rslvr-out");
    assert_eq!(first.from.to_string(), "10.70.1.54");
    assert!(first.reachable(), "{:?}", first.udp.hops);
    assert_eq!(flow.dns.queries.len(), 1);
}

#[test]
fn traced_mode_refuses_an_endpoint_address_in_no_subnet() {
    let text = format!(
        "dnsTransport: traced\n{}",
        edit(
            BASE,
            &[(
                "ips: [10.70.1.53, 10.70.2.53]",
                "ips: [10.70.1.53, 10.70.9.53]"
            )]
        )
    );
    let problems = eksflow::scenario::load_one("t.yaml", &text).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("in no subnet of vpc-erp")),
        "{problems:?}"
    );
    // Assumed, the same file loads.
    let assumed = text.replacen("dnsTransport: traced", "dnsTransport: assumed", 1);
    load(&assumed);
}

#[test]
fn the_writer_keeps_the_transport_fields() {
    let text = format!(
        "dnsTransport: traced\n{}",
        with_endpoint_group(UDP_53_FROM_OFFICE)
    );
    let written = eksflow::scenario::write::to_yaml(&load(&text));
    assert!(written.contains("dnsTransport: traced"), "{written}");
    assert!(
        written.contains("securityGroups: [sg-rslvr-in]"),
        "{written}"
    );
    let again = load(&written);
    assert_eq!(again.dns_transport, DnsTransport::Traced);
}

fn codes(text: &str) -> Vec<&'static str> {
    let scenario = load(text);
    let analysis = eksflow::analysis::analyse(&scenario, None);
    eksflow::rules::check(&analysis)
        .iter()
        .map(|finding| finding.code.as_str())
        .collect()
}

#[test]
fn eks027_udp_53_passes_but_tcp_53_is_blocked() {
    let text = with_endpoint_group("[{ protocol: udp, ports: 53, cidr: 172.16.0.0/12 }]");
    assert!(flow_in(&text, "admin", None).reachable());
    assert!(codes(&text).contains(&"EKS027"));
    // The bundled NACL admits udp/53 only: TCP 53 is blocked there too.
    assert!(codes(&with_endpoint_group(UDP_53_FROM_OFFICE)).contains(&"EKS027"));
    let open = edit(
        &with_endpoint_group(UDP_53_FROM_OFFICE),
        &[(
            "          - { rule: 120, protocol: udp, ports: 53, cidr: 172.16.0.0/12, action: allow }\n",
            "          - { rule: 120, protocol: udp, ports: 53, cidr: 172.16.0.0/12, action: allow }\n          - { rule: 125, protocol: tcp, ports: 53, cidr: 172.16.0.0/12, action: allow }\n",
        )],
    );
    assert!(!codes(&open).contains(&"EKS027"));
}

#[test]
fn eks028_a_forward_rule_without_an_outbound_endpoint_in_traced_mode() {
    let rule = "    resolver:\n      forwardRules:\n        - { domain: eks.amazonaws.com, targetIps: [172.16.0.2] }\n";
    let traced = format!("dnsTransport: traced\n{}", forwarding_to_the_office(rule));
    assert!(codes(&traced).contains(&"EKS028"));
    // Assumed, no new check runs.
    assert!(!codes(&forwarding_to_the_office(rule)).contains(&"EKS028"));
    assert!(!codes(&forwarding_to_the_office(OUTBOUND)).contains(&"EKS028"));
}

#[test]
fn eks029_an_endpoint_with_one_address_or_one_zone() {
    let one = edit(
        &with_endpoint_group(UDP_53_FROM_OFFICE),
        &[("ips: [10.70.1.53, 10.70.2.53]", "ips: [10.70.1.53]")],
    );
    assert!(codes(&one).contains(&"EKS029"));
    let same_zone = edit(
        &with_endpoint_group(UDP_53_FROM_OFFICE),
        &[(
            "ips: [10.70.1.53, 10.70.2.53]",
            "ips: [10.70.1.53, 10.70.1.54]",
        )],
    );
    assert!(codes(&same_zone).contains(&"EKS029"));
    assert!(!codes(&with_endpoint_group(UDP_53_FROM_OFFICE)).contains(&"EKS029"));
}

#[test]
fn eks030_a_forward_rule_targeting_its_own_vpcs_inbound_endpoint() {
    let text = edit(
        &with_endpoint_group(UDP_53_FROM_OFFICE),
        &[(
            "        - { id: rslvr-in-erp, ips: [10.70.1.53, 10.70.2.53], securityGroups: [sg-rslvr-in] }\n",
            "        - { id: rslvr-in-erp, ips: [10.70.1.53, 10.70.2.53], securityGroups: [sg-rslvr-in] }\n      outboundEndpoints:\n        - { id: rslvr-out, ips: [10.70.1.54, 10.70.2.54] }\n      forwardRules:\n        - { domain: corp.example, targetIps: [10.70.1.53] }\n",
        )],
    );
    assert!(codes(&text).contains(&"EKS030"));
}

/// EKS027 points at what to change: the network ACL that drops TCP 53 (met first, at the
/// subnet's edge), else the endpoint's security group — not at the client that asked.
#[test]
fn eks027_points_at_the_acl_or_group_that_blocks_tcp_53() {
    let eks027_path = |text: &str| {
        let scenario = load(text);
        let analysis = eksflow::analysis::analyse(&scenario, None);
        let findings = eksflow::rules::check(&analysis);
        let finding = findings
            .iter()
            .find(|finding| finding.code.as_str() == "EKS027")
            .expect("an EKS027 finding");
        let path = finding.path.clone();
        let id = |path: &str| {
            let acl = scenario.network_acls.iter().find(|acl| acl.path == path);
            let group = scenario.security_groups.iter().find(|g| g.path == path);
            acl.map(|acl| acl.id.clone())
                .or_else(|| group.map(|group| group.id.clone()))
        };
        id(&path)
    };
    let udp_only = with_endpoint_group("[{ protocol: udp, ports: 53, cidr: 172.16.0.0/12 }]");
    assert_eq!(eks027_path(&udp_only).as_deref(), Some("acl-private"));
    let acl_open = edit(
        &udp_only,
        &[(
            "          - { rule: 120, protocol: udp, ports: 53, cidr: 172.16.0.0/12, action: allow }\n",
            "          - { rule: 120, protocol: udp, ports: 53, cidr: 172.16.0.0/12, action: allow }\n          - { rule: 125, protocol: tcp, ports: 53, cidr: 172.16.0.0/12, action: allow }\n",
        )],
    );
    assert_eq!(eks027_path(&acl_open).as_deref(), Some("sg-rslvr-in"));
}

/// SPEC 8.7: `dnsTransport` is at the top level of every scenario's JSON — `assumed` for a
/// scenario without the transport fields (whose answers are as before SPEC 8), `traced` for
/// one whose endpoint has security groups — and `dns.queries[]` only when traced.
#[test]
fn json_names_the_dns_transport_of_every_scenario() {
    let json = |file: &str| -> serde_json::Value {
        let output = assert_cmd::Command::cargo_bin("eksflow")
            .unwrap()
            .args(["check", file, "--format", "json"])
            .output()
            .unwrap();
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let plain = json("scenarios/public-and-private.yaml");
    assert_eq!(plain[0]["dnsTransport"], "assumed");
    assert!(plain[0]["flows"][0]["dns"].get("queries").is_none());
    let traced = json("scenarios/dns-transport-blocked.yaml");
    assert_eq!(traced[0]["dnsTransport"], "traced");
    assert!(traced[0]["flows"][0]["dns"]["queries"].is_array());
}
