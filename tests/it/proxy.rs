//! Clients behind an HTTPS proxy (SPEC 10): the proxy resolves the endpoint and connects as
//! its own client; the client only needs to reach the proxy.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::common;

use common::{flow_in, load};
use eksflow::dns::AnsweredBy;
use eksflow::path::EndpointKind;
use eksflow::scenario::{self, EndpointAccess};

const BASE: &str = include_str!("../fixtures/proxy/squid.yaml");

fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_owned();
    for (from, to) in edits {
        assert!(
            text.contains(from),
            "edit target not in the fixture: {from}"
        );
        text = text.replacen(from, to, 1);
    }
    text
}

fn load_errors(text: &str) -> Vec<String> {
    match scenario::load_one("test.yaml", text) {
        Ok(_) => panic!("loaded"),
        Err(problems) => problems.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn the_proxy_in_the_vpc_performs_the_dns_resolution() {
    let flow = flow_in(BASE, "laptop", None);
    // The proxy asks the cluster VPC's Resolver, which answers from the private hosted zone;
    // the laptop on the internet would have asked public DNS.
    assert_eq!(flow.dns.answered_by, AnsweredBy::PrivateHostedZone);
    assert_eq!(flow.endpoint, Some(EndpointKind::Private));
    assert_eq!(flow.source.to_string(), "198.51.100.7");
}

#[test]
fn an_internet_client_reaches_a_private_endpoint_through_the_proxy() {
    let flow = flow_in(BASE, "laptop", None);
    assert!(flow.reachable(), "{:?}", flow.blocked);
    let leg = flow.proxy.as_ref().unwrap();
    assert_eq!(leg.proxy.name, "squid");
    assert_eq!(leg.address.to_string(), "54.180.1.9");
    assert_eq!(leg.port, 3128);
    let direct = flow_in(BASE, "laptop-direct", None);
    assert_eq!(
        direct.blocked.as_ref().unwrap().reason.code(),
        "PRIVATE_ADDRESS_FROM_INTERNET"
    );
}

#[test]
fn a_client_in_the_proxy_vpc_connects_to_its_private_address() {
    let flow = flow_in(BASE, "worker", None);
    let leg = flow.proxy.as_ref().unwrap();
    assert_eq!(leg.address.to_string(), "10.0.0.8");
    assert!(flow.reachable(), "{:?}", flow.blocked);
}

#[test]
fn proxy_security_group_blocks_leg_one_and_the_reason_names_the_leg() {
    let text = edited(&[(
        "          - { protocol: tcp, ports: 3128, cidr: 198.51.100.0/24 }\n",
        "",
    )]);
    let flow = flow_in(&text, "laptop", None);
    let blocked = flow.blocked.as_ref().unwrap();
    assert_eq!(blocked.reason.code(), "SG_INGRESS_DENY");
    assert!(
        blocked
            .blocked_by
            .starts_with("to proxy squid (54.180.1.9:3128): "),
        "{}",
        blocked.blocked_by
    );
    assert!(!flow.proxy.as_ref().unwrap().reachable());
}

#[test]
fn proxy_port_is_checked_on_the_proxy_security_group() {
    let text = edited(&[("proxy: squid }", "proxy: squid, proxyPort: 8080 }")]);
    let flow = flow_in(&text, "laptop", None);
    assert_eq!(
        flow.blocked.as_ref().unwrap().reason.code(),
        "SG_INGRESS_DENY"
    );
    assert_eq!(flow.proxy.as_ref().unwrap().port, 8080);
}

#[test]
fn the_eni_security_groups_see_the_proxy_not_the_client() {
    let text = edited(&[(
        "          - { protocol: tcp, ports: 443, sourceSecurityGroup: sg-squid }\n",
        "",
    )]);
    let flow = flow_in(&text, "laptop", None);
    let blocked = flow.blocked.as_ref().unwrap();
    assert_eq!(blocked.reason.code(), "SG_INGRESS_DENY");
    assert!(
        blocked.blocked_by.starts_with("from proxy squid: "),
        "{}",
        blocked.blocked_by
    );
    assert!(flow.proxy.as_ref().unwrap().reachable());
}

#[test]
fn public_access_cidrs_see_the_proxys_address() {
    let text = edited(&[(
        "  endpointAccess: private\n",
        "  endpointAccess: public\n  publicAccessCidrs: [54.180.1.9/32]\n",
    )]);
    let proxied = flow_in(&text, "laptop", None);
    assert!(proxied.reachable(), "{:?}", proxied.blocked);
    let direct = flow_in(&text, "laptop-direct", Some(EndpointAccess::Public));
    assert_eq!(
        direct.blocked.as_ref().unwrap().reason.code(),
        "PUBLIC_CIDR_DENY"
    );
}

#[test]
fn proxy_reply_needs_a_route_back_to_the_internet_gateway() {
    let text = edited(&[(
        "      - { id: subnet-pub, cidr: 10.0.0.0/24, az: eu-west-1a, routeTable: rt-public }",
        "      - { id: subnet-pub, cidr: 10.0.0.0/24, az: eu-west-1a, routeTable: rt-private }",
    )]);
    let flow = flow_in(&text, "laptop", None);
    assert_eq!(
        flow.blocked.as_ref().unwrap().reason.code(),
        "NO_RETURN_ROUTE"
    );
}

#[test]
fn a_client_cannot_be_its_own_proxy() {
    let text = edited(&[("proxy: squid }", "proxy: laptop }")]);
    assert!(
        load_errors(&text)
            .iter()
            .any(|e| e.contains("clients[1].proxy"))
    );
}

#[test]
fn a_proxy_behind_a_proxy_is_refused() {
    let text = edited(&[(
        "securityGroups: [sg-squid] }",
        "securityGroups: [sg-squid], proxy: laptop-direct }",
    )]);
    let errors = load_errors(&text);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("itself connects through a proxy")),
        "{errors:?}"
    );
}

#[test]
fn an_unknown_or_ambiguous_proxy_is_refused() {
    let unknown = edited(&[("proxy: squid }", "proxy: nobody }")]);
    assert!(
        load_errors(&unknown)
            .iter()
            .any(|e| e.contains("no client named"))
    );
    let ambiguous = edited(&[
        ("proxy: squid }", "proxy: 54.180.1.9 }"),
        (
            "  - { name: laptop-direct, from: internet, ip: 198.51.100.8 }",
            "  - { name: laptop-direct, from: internet, ip: 198.51.100.8 }\n  - { name: twin, from: internet, ip: 54.180.1.9 }",
        ),
    ]);
    assert!(
        load_errors(&ambiguous)
            .iter()
            .any(|e| e.contains("several clients"))
    );
}

#[test]
fn json_flow_has_the_proxy_leg_only_when_proxied() {
    let scenario = Box::leak(Box::new(load(BASE)));
    let analysis = eksflow::analysis::analyse(scenario, None);
    let views: Vec<serde_json::Value> = analysis
        .flows
        .iter()
        .map(|f| serde_json::to_value(eksflow::report::json::flow_view(scenario, f)).unwrap())
        .collect();
    let laptop = views.iter().find(|v| v["client"] == "laptop").unwrap();
    assert_eq!(laptop["proxy"]["client"], "squid");
    assert_eq!(laptop["proxy"]["address"], "54.180.1.9");
    assert_eq!(laptop["proxy"]["port"], 3128);
    assert_eq!(laptop["proxy"]["reachable"], true);
    assert!(
        laptop["proxy"]["hops"]
            .as_array()
            .is_some_and(|h| !h.is_empty())
    );
    assert_eq!(laptop["source"], "198.51.100.7");
    let direct = views
        .iter()
        .find(|v| v["client"] == "laptop-direct")
        .unwrap();
    assert!(direct.get("proxy").is_none());
}

#[test]
fn proxy_fields_survive_a_write_and_reload() {
    let scenario = load(BASE);
    let again = load(&scenario::write::to_yaml(&scenario));
    let worker = again.clients.iter().find(|c| c.name == "worker").unwrap();
    let proxy = worker.proxy.as_ref().unwrap();
    assert_eq!(again.clients[proxy.client.0].name, "squid");
    assert!(proxy.port_written);
}

// ---- both legs in the human reports (issue 13) --------------------------------------------

/// The laptop's leg 1 blocked: sg-squid no longer admits the internet on the proxy port.
fn leg_one_blocked() -> String {
    edited(&[(
        "          - { protocol: tcp, ports: 3128, cidr: 198.51.100.0/24 }\n",
        "",
    )])
}

/// The laptop's leg 2 blocked: the ENI security group no longer admits the proxy.
fn leg_two_blocked() -> String {
    edited(&[(
        "          - { protocol: tcp, ports: 443, sourceSecurityGroup: sg-squid }\n",
        "",
    )])
}

fn table(text: &str, style: eksflow::report::Style) -> String {
    let scenario = load(text);
    let checked = eksflow::checked::check(&scenario, None);
    let fixes = eksflow::fix::fixes(&checked);
    eksflow::report::table::check_fixed(&checked, &fixes, style)
}

fn markdown(text: &str) -> String {
    let scenario = load(text);
    let checked = eksflow::checked::check(&scenario, None);
    let fixes = eksflow::fix::fixes(&checked);
    eksflow::report::markdown::check_fixed(&checked, &fixes)
}

fn trace(text: &str, client: &str) -> String {
    let scenario = load(text);
    let analysis = eksflow::analysis::analyse(&scenario, None);
    let flow = analysis
        .flows
        .iter()
        .find(|f| f.client.name == client)
        .unwrap();
    eksflow::report::trace::text(&analysis, flow)
}

#[test]
fn leg_two_keeps_its_own_verdict_when_leg_one_blocks() {
    let text = leg_one_blocked();
    let flow = flow_in(&text, "laptop", None);
    assert!(!flow.proxy.as_ref().unwrap().reachable());
    assert_eq!(flow.proxy_onward, None, "the proxy itself reaches the API");
    let text = leg_two_blocked();
    let flow = flow_in(&text, "laptop", None);
    assert!(flow.proxy.as_ref().unwrap().reachable());
    let onward = flow.proxy_onward.as_ref().unwrap();
    assert_eq!(onward.reason.code(), "SG_INGRESS_DENY");
    assert_eq!(
        flow.blocked.as_ref().unwrap().reason,
        onward.reason,
        "leg 2 gives the flow's reason when leg 1 passes"
    );
    let direct = flow_in(&text, "laptop-direct", None);
    assert!(direct.proxy.is_none() && direct.proxy_onward.is_none());
}

#[test]
fn table_leg_one_blocked() {
    insta::assert_snapshot!(table(&leg_one_blocked(), eksflow::report::Style::default()));
}

#[test]
fn table_leg_two_blocked() {
    insta::assert_snapshot!(table(&leg_two_blocked(), eksflow::report::Style::default()));
}

#[test]
fn markdown_leg_one_blocked() {
    insta::assert_snapshot!(markdown(&leg_one_blocked()));
}

#[test]
fn markdown_leg_two_blocked() {
    insta::assert_snapshot!(markdown(&leg_two_blocked()));
}

#[test]
fn trace_leg_one_blocked() {
    insta::assert_snapshot!(trace(&leg_one_blocked(), "laptop"));
}

#[test]
fn trace_leg_two_blocked() {
    insta::assert_snapshot!(trace(&leg_two_blocked(), "laptop"));
}

#[test]
fn the_legs_line_wraps_to_the_terminal_after_its_dash() {
    let style = eksflow::report::Style {
        color: false,
        width: Some(72),
    };
    let text = table(&leg_one_blocked(), style);
    assert!(
        text.lines().all(|line| line.chars().count() <= 72),
        "{text}"
    );
    let section: Vec<&str> = text
        .lines()
        .skip_while(|line| *line != "through a proxy:")
        .take_while(|line| !line.is_empty())
        .collect();
    assert!(
        section
            .iter()
            .any(|line| line.starts_with("  laptop via proxy squid 54.180.1.9:3128 —")),
        "{section:#?}"
    );
    assert_eq!(section.len(), 5, "each line wraps once at 72: {section:#?}");
    for continuation in [section[2], section[4]] {
        assert!(
            continuation.starts_with("    ") && !continuation.starts_with("     "),
            "continuation lines are indented by 4: {section:#?}"
        );
    }
}

/// When leg 1 blocks, the Markdown picture is leg 1: the client's hops to the proxy port,
/// ending at the check that stopped them, not the proxy's own (reachable) path.
#[test]
fn the_picture_of_a_leg_one_block_ends_at_the_blocking_check() {
    let text = markdown(&leg_one_blocked());
    let picture = text
        .split("**Path of `laptop`")
        .nth(1)
        .and_then(|rest| rest.split("~~~mermaid").nth(1))
        .and_then(|rest| rest.split("~~~").next())
        .expect("a picture of the laptop's path");
    assert!(
        picture.contains("⛔ sg-squid · SG_INGRESS_DENY"),
        "{picture}"
    );
    assert!(picture.contains("proxy squid<br/>54.180.1.9:3128<br/>not reached"));
    assert!(!picture.contains("private endpoint"), "{picture}");
}
