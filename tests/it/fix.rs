//! `fix` (issue 14): for a blocked must-reach flow, the smallest verified set of catalogue
//! edits; `null` when none is known; no field on other flows.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use eksflow::checked;
use eksflow::fix::{self, Edit, Fix};
use serde_json::json;

const OFFICE: &str = include_str!("../../scenarios/office-vpn-private.yaml");
const ALLOWLIST: &str = include_str!("../../scenarios/allowlist-forgets-nat.yaml");

fn edited(text: &str, edits: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "the base scenario holds {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}

/// The fix entry of `client`: `None` when the flow has no `fix` field.
fn fix_of(text: &str, client: &str) -> Option<Option<Fix>> {
    let scenario = eksflow::scenario::load_one("test.yaml", text).expect("valid scenario");
    let checked = checked::check(&scenario, None);
    let fixes = fix::fixes(&checked);
    let flow = checked
        .flows
        .iter()
        .find(|flow| flow.client.name == client)
        .expect("the client's flow");
    fixes.of(flow).map(|fix| fix.cloned())
}

fn found(text: &str, client: &str) -> Fix {
    let fix = fix_of(text, client)
        .expect("a blocked must-reach flow has a fix field")
        .expect("a fix is known");
    assert!(fix.verified);
    fix
}

fn edit(path: &str, op: &'static str, value: serde_json::Value) -> Edit {
    Edit {
        path: path.to_owned(),
        op,
        value,
    }
}

#[test]
fn allowlist_fix_adds_the_nat_gateways_public_ip_as_a_host_route() {
    let fix = found(ALLOWLIST, "node-a");
    assert_eq!(
        fix.edits,
        [edit(
            "cluster.publicAccessCidrs",
            "add",
            json!("198.51.100.55/32")
        )]
    );
    assert_eq!(
        fix.summary,
        "add 198.51.100.55/32 to cluster.publicAccessCidrs"
    );
    assert_eq!(found(ALLOWLIST, "node-b"), fix, "one edit fixes both nodes");
    assert_eq!(
        fix_of(ALLOWLIST, "office-dev"),
        None,
        "reachable: no fix field"
    );
}

#[test]
fn sg_ingress_fix_admits_the_clients_address_on_the_eni_security_group() {
    let text = edited(
        OFFICE,
        &[(
            "- { protocol: tcp, ports: 443, cidr: 192.168.0.0/16, description: office }",
            "",
        )],
    );
    let fix = found(&text, "admin");
    assert_eq!(
        fix.edits,
        [edit(
            "vpcs[0].securityGroups[0].ingress",
            "add",
            json!({ "protocol": "tcp", "ports": 443, "cidr": "192.168.10.20/32" })
        )]
    );
}

#[test]
fn return_route_fix_routes_the_clients_cidr_back_over_the_vpn() {
    let text = edited(
        OFFICE,
        &[("- { destination: 192.168.0.0/16, target: vpn-office }", "")],
    );
    let fix = found(&text, "admin");
    assert_eq!(
        fix.edits,
        [edit(
            "vpcs[0].routeTables[1].routes",
            "add",
            json!({ "destination": "192.168.0.0/16", "target": "vpn-office" })
        )]
    );
    assert_eq!(
        fix.summary,
        "add route 192.168.0.0/16 via vpn-office to rt-private"
    );
}

#[test]
fn nacl_fix_adds_a_rule_pair_under_the_lowest_rule() {
    let text = edited(
        OFFICE,
        &[
            (
                "routeTable: rt-private }\n      - { id: subnet-b, cidr: 10.40.2.0/24, az: eu-west-1b, routeTable: rt-private }",
                "routeTable: rt-private, networkAcl: acl-eks }\n      - { id: subnet-b, cidr: 10.40.2.0/24, az: eu-west-1b, routeTable: rt-private, networkAcl: acl-eks }",
            ),
            (
                "    resolver:\n",
                "    networkAcls:\n      - id: acl-eks\n        inbound: [{ rule: 100, protocol: all, cidr: 10.40.0.0/16, action: allow }]\n        outbound: [{ rule: 100, protocol: all, cidr: 10.40.0.0/16, action: allow }]\n    resolver:\n",
            ),
        ],
    );
    let fix = found(&text, "admin");
    assert_eq!(
        fix.edits,
        [
            edit(
                "vpcs[0].networkAcls[0].inbound",
                "add",
                json!({ "rule": 99, "protocol": "tcp", "ports": 443, "cidr": "192.168.10.20/32", "action": "allow" })
            ),
            edit(
                "vpcs[0].networkAcls[0].outbound",
                "add",
                json!({ "rule": 99, "protocol": "tcp", "ports": "1024-65535", "cidr": "192.168.10.20/32", "action": "allow" })
            ),
        ]
    );
}

#[test]
fn dns_hostnames_fix_turns_the_flag_on_so_the_private_zone_answers() {
    let text = edited(
        OFFICE,
        &[
            (
                "endpointAccess: private",
                "endpointAccess: public-and-private",
            ),
            ("enableDnsHostnames: true", "enableDnsHostnames: false"),
        ],
    );
    let fix = found(&text, "admin");
    assert_eq!(
        fix.edits,
        [edit("vpcs[0].enableDnsHostnames", "replace", json!(true))]
    );
}

#[test]
fn forwarder_fix_sends_the_endpoint_name_to_the_inbound_endpoint() {
    let text = edited(
        OFFICE,
        &[
            (
                "endpointAccess: private",
                "endpointAccess: public-and-private",
            ),
            (
                "    forward:\n      - { domain: eks.amazonaws.com, to: [10.40.1.53, 10.40.2.53] }\n",
                "",
            ),
        ],
    );
    let fix = found(&text, "admin");
    assert_eq!(fix.edits.len(), 1);
    assert_eq!(fix.edits[0].path, "dnsServers[0].forward");
    assert_eq!(
        fix.edits[0].value["to"],
        json!(["10.40.1.53", "10.40.2.53"])
    );
}

#[test]
fn an_internet_client_of_a_private_endpoint_has_no_known_fix() {
    let text = edited(
        OFFICE,
        &[(
            "expect: { answer: private, reachable: false }",
            "expect: { reachable: true }",
        )],
    );
    assert_eq!(fix_of(&text, "laptop"), Some(None), "null, never a guess");
}

#[test]
fn a_client_expected_unreachable_gets_no_fix_field() {
    assert_eq!(fix_of(OFFICE, "laptop"), None);
}

/// Applies text edits (1-based line and character column) to `text`, last first.
fn apply_text(text: &str, edits: &[fix::TextEdit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut edits = edits.to_vec();
    edits.sort_by_key(|edit| std::cmp::Reverse((edit.line, edit.column)));
    for edit in edits {
        let line = &mut lines[edit.line - 1];
        let chars: Vec<char> = line.chars().collect();
        let before: String = chars[..edit.column - 1].iter().collect();
        let after: String = chars[edit.column - 1 + edit.delete..].iter().collect();
        *line = format!("{before}{}{after}", edit.insert);
    }
    lines.join("\n") + "\n"
}

/// The fix's text edits applied to the file, and the client's flow analysed again.
fn reachable_after_text_edits(text: &str, client: &str) -> bool {
    let scenario = eksflow::scenario::load_one("test.yaml", text).unwrap();
    let checked = checked::check(&scenario, None);
    let fixes = fix::fixes(&checked);
    let flow = checked
        .flows
        .iter()
        .find(|f| f.client.name == client)
        .unwrap();
    let fix = fixes.of(flow).flatten().expect("a fix");
    let edits = fix::text_edits(&scenario, fix, text).expect("the edits map to the file");
    let patched = apply_text(text, &edits);
    let scenario = eksflow::scenario::load_one("patched.yaml", &patched)
        .unwrap_or_else(|e| panic!("the patched file loads: {e:?}\n{patched}"));
    let checked = checked::check(&scenario, None);
    checked
        .flows
        .iter()
        .find(|f| f.client.name == client)
        .unwrap()
        .reachable()
}

#[test]
fn text_edits_into_a_flow_list_make_the_file_reachable() {
    assert!(reachable_after_text_edits(ALLOWLIST, "node-a"));
}

#[test]
fn text_edits_into_a_block_list_make_the_file_reachable() {
    let text = edited(
        OFFICE,
        &[("- { destination: 192.168.0.0/16, target: vpn-office }", "")],
    );
    assert!(reachable_after_text_edits(&text, "admin"));
}

#[test]
fn text_edits_turn_a_written_flag_on() {
    let text = edited(
        OFFICE,
        &[
            (
                "endpointAccess: private",
                "endpointAccess: public-and-private",
            ),
            ("enableDnsHostnames: true", "enableDnsHostnames: false"),
        ],
    );
    assert!(reachable_after_text_edits(&text, "admin"));
}

#[test]
fn sarif_carries_the_fix_on_the_failed_expectation() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_eksflow"))
        .args([
            "lint",
            "--format",
            "sarif",
            "scenarios/allowlist-forgets-nat.yaml",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let fixed: Vec<_> = results
        .iter()
        .filter(|r| r.get("fixes").is_some())
        .collect();
    assert_eq!(fixed.len(), 2, "node-a and node-b");
    assert_eq!(fixed[0]["ruleId"], "EKS013");
    let fix = &fixed[0]["fixes"][0];
    assert_eq!(
        fix["description"]["text"],
        "add 198.51.100.55/32 to cluster.publicAccessCidrs (verified)"
    );
    let replacement = &fix["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "198.51.100.55/32, ");
    assert_eq!(replacement["deletedRegion"]["startLine"], 23);
    assert_eq!(replacement["deletedRegion"]["startColumn"], 23);
}

#[test]
fn the_search_stops_at_its_bound_and_prints_null_past_it() {
    // Twenty office clients, each needing its own /32 ingress rule: one full re-analysis
    // each, so only the first `MAX_VERIFICATIONS` get a fix.
    let mut text = edited(
        OFFICE,
        &[(
            "- { protocol: tcp, ports: 443, cidr: 192.168.0.0/16, description: office }",
            "",
        )],
    );
    for n in 0..20 {
        text.push_str(&format!(
            "  - {{ name: ops-{n}, from: office, ip: 192.168.30.{}, expect: {{ reachable: true }} }}\n",
            n + 1
        ));
    }
    let scenario = eksflow::scenario::load_one("test.yaml", &text).unwrap();
    let checked = checked::check(&scenario, None);
    let fixes = fix::fixes(&checked);
    let entries: Vec<_> = checked
        .flows
        .iter()
        .filter(|flow| flow.client.name.starts_with("ops-"))
        .map(|flow| fixes.of(flow).expect("a fix field"))
        .collect();
    let found = entries.iter().filter(|fix| fix.is_some()).count();
    // admin is searched first and uses one of the re-analyses.
    assert_eq!(found, fix::MAX_VERIFICATIONS - 1);
    assert!(
        entries.iter().skip(found).all(Option::is_none),
        "null past the bound"
    );
}

// ---- the control plane → hybrid node kubelet check (SPEC 9.3, issue 14) --------------------

const HYBRID: &str = include_str!("../fixtures/hybrid/private-vpn.yaml");

/// The fixture (tests/fixtures/hybrid/kubelet-route-missing.yaml), `HYBRID` with two edits:
/// ENI subnet subnet-a gets a route table of its own that forgets the remote node block, and
/// subnet-b's NACL admits the nodes on 443 only, so the kubelet replies (to ephemeral ports)
/// are dropped there: no ENI reaches the kubelet, while the nodes still reach the API
/// server through subnet-b.
const KUBELET_BLOCKED_FILE: &str = "tests/fixtures/hybrid/kubelet-route-missing.yaml";

fn kubelet_route_missing_in_one_eni_subnet() -> String {
    include_str!("../fixtures/hybrid/kubelet-route-missing.yaml").to_owned()
}

#[test]
fn the_kubelet_fixture_is_the_hybrid_fixture_with_its_two_edits() {
    let body = |text: &str| -> String {
        text.lines()
            .skip_while(|line| line.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let expected = edited(
        HYBRID,
        &[
            (
                "      - { id: subnet-a, cidr: 10.60.1.0/24, az: eu-west-1a, routeTable: rt-private }",
                "      - { id: subnet-a, cidr: 10.60.1.0/24, az: eu-west-1a, routeTable: rt-eni-a }",
            ),
            (
                "      - { id: subnet-b, cidr: 10.60.2.0/24, az: eu-west-1b, routeTable: rt-private }",
                "      - { id: subnet-b, cidr: 10.60.2.0/24, az: eu-west-1b, routeTable: rt-private, networkAcl: acl-b }",
            ),
            (
                "    securityGroups:\n      - id: sg-cluster",
                "      - id: rt-eni-a\n        routes:\n          - { destination: 0.0.0.0/0, target: nat-edge }\n          - { destination: 10.85.0.0/16, target: vpn-dc }\n    networkAcls:\n      - id: acl-b\n        inbound:\n          - { rule: 100, protocol: tcp, ports: 443, cidr: 10.80.0.0/16, action: allow }\n          - { rule: 110, protocol: all, cidr: 10.60.0.0/16, action: allow }\n        outbound:\n          - { rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }\n    securityGroups:\n      - id: sg-cluster",
            ),
        ],
    );
    assert_eq!(
        body(&kubelet_route_missing_in_one_eni_subnet()),
        body(&expected)
    );
}

fn kubelet_fix(text: &str, node: &str) -> Option<Option<Fix>> {
    let scenario = eksflow::scenario::load_one("test.yaml", text).expect("valid scenario");
    let checked = checked::check(&scenario, None);
    let fixes = fix::fixes(&checked);
    let check = checked
        .kubelet
        .iter()
        .find(|check| check.node.name == node)
        .expect("the node's kubelet check");
    fixes.of_kubelet(check).map(|fix| fix.cloned())
}

#[test]
fn blocked_kubelet_gets_a_verified_route_in_the_eni_subnet_route_table() {
    let text = kubelet_route_missing_in_one_eni_subnet();
    let scenario = eksflow::scenario::load_one("test.yaml", &text).unwrap();
    let checked = checked::check(&scenario, None);
    let check = checked
        .kubelet
        .iter()
        .find(|check| check.node.name == "dc-nodes@10.80.0.2")
        .unwrap();
    let reasons: Vec<_> = check
        .paths
        .iter()
        .map(|path| path.blocked.as_ref().map(|b| b.reason.code()))
        .collect();
    assert_eq!(reasons, [Some("NO_ROUTE"), Some("NACL_INBOUND_DENY")]);
    assert!(
        checked
            .flows
            .iter()
            .filter(|flow| flow.client.node_group.is_some())
            .all(|flow| flow.reachable()),
        "the nodes still reach the API server"
    );
    let fix = kubelet_fix(&text, "dc-nodes@10.80.0.2")
        .expect("a blocked kubelet check gets a fix entry")
        .expect("a fix is known");
    assert!(fix.verified);
    assert_eq!(
        fix.edits,
        [edit(
            "vpcs[0].routeTables[2].routes",
            "add",
            json!({ "destination": "10.80.0.0/16", "target": "vpn-dc" })
        )]
    );
    assert_eq!(fix.summary, "add route 10.80.0.0/16 via vpn-dc to rt-eni-a");
    assert_eq!(
        kubelet_fix(&text, "dc-nodes@10.80.0.3"),
        Some(Some(fix)),
        "the same edit serves the group's other node"
    );
    assert_eq!(
        kubelet_fix(HYBRID, "dc-nodes@10.80.0.2"),
        None,
        "a reachable kubelet gets no fix entry"
    );
}

#[test]
fn the_kubelet_route_fix_really_makes_the_kubelet_reachable() {
    let text = kubelet_route_missing_in_one_eni_subnet();
    let patched = edited(
        &text,
        &[(
            "          - { destination: 10.85.0.0/16, target: vpn-dc }\n    networkAcls:",
            "          - { destination: 10.85.0.0/16, target: vpn-dc }\n          - { destination: 10.80.0.0/16, target: vpn-dc }\n    networkAcls:",
        )],
    );
    let scenario = eksflow::scenario::load_one("patched.yaml", &patched).unwrap();
    let checked = checked::check(&scenario, None);
    assert!(checked.kubelet.iter().all(|check| check.reachable()));
}

#[test]
fn the_kubelet_fix_is_shown_in_table_markdown_and_json() {
    let text = kubelet_route_missing_in_one_eni_subnet();
    let scenario = eksflow::scenario::load_one("test.yaml", &text).unwrap();
    let checked = checked::check(&scenario, None);
    let fixes = fix::fixes(&checked);
    let line = "fix: add route 10.80.0.0/16 via vpn-dc to rt-eni-a — verified";
    let table =
        eksflow::report::table::check_fixed(&checked, &fixes, eksflow::report::Style::default());
    let section: Vec<&str> = table
        .lines()
        .skip_while(|l| *l != "control plane → kubelet (tcp/10250) blocked:")
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(section.len(), 5, "{table}");
    assert!(
        section[1].starts_with("  dc-nodes@10.80.0.2: NO_ROUTE — route table rt-eni-a"),
        "{table}"
    );
    assert_eq!(section[2], format!("    {line}"));
    let markdown = eksflow::report::markdown::check_fixed(&checked, &fixes);
    assert!(
        markdown.contains("**Control plane → kubelet (TCP 10250) blocked**"),
        "{markdown}"
    );
    assert!(markdown.contains(&format!("  - {line}\n")), "{markdown}");
    let json = serde_json::to_value(eksflow::report::json::scenario_fixed(
        &checked,
        Some(&fixes),
    ))
    .unwrap();
    let kubelet = json["kubelet"].as_array().unwrap();
    assert_eq!(kubelet.len(), 2);
    assert_eq!(kubelet[0]["node"], "dc-nodes@10.80.0.2");
    assert_eq!(kubelet[0]["reachable"], false);
    assert_eq!(kubelet[0]["reason"], "NO_ROUTE");
    assert_eq!(kubelet[0]["fix"]["verified"], true);
    assert_eq!(
        kubelet[0]["fix"]["edits"][0],
        json!({ "path": "vpcs[0].routeTables[2].routes", "op": "add",
                "value": { "destination": "10.80.0.0/16", "target": "vpn-dc" } })
    );
    let plain = serde_json::to_value(eksflow::report::json::scenario(&checked)).unwrap();
    assert!(
        plain.get("kubelet").is_none(),
        "no search, no kubelet field"
    );
}

#[test]
fn a_kubelet_no_catalogue_edit_reaches_prints_no_fix() {
    // The node is outside remoteNodeNetworks: EKS routes nothing to it through the VPC, and
    // that block is the cluster's configuration, not a network edit.
    let text = edited(
        HYBRID,
        &[(
            "    remoteNodeNetworks: [10.80.0.0/16]",
            "    remoteNodeNetworks: [10.80.9.0/24]",
        )],
    );
    assert_eq!(kubelet_fix(&text, "dc-nodes@10.80.0.2"), Some(None));
    let scenario = eksflow::scenario::load_one("test.yaml", &text).unwrap();
    let checked = checked::check(&scenario, None);
    let fixes = fix::fixes(&checked);
    let table =
        eksflow::report::table::check_fixed(&checked, &fixes, eksflow::report::Style::default());
    assert!(table.contains("    fix: none known\n"), "{table}");
    assert!(!table.contains("— verified"), "{table}");
    let json = serde_json::to_value(eksflow::report::json::scenario_fixed(
        &checked,
        Some(&fixes),
    ))
    .unwrap();
    assert!(json["kubelet"][0]["fix"].is_null());
}

fn eksflow(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_eksflow"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn trace_shows_a_nodes_blocked_kubelet_check_and_its_verified_fix() {
    let output = eksflow(&[
        "trace",
        KUBELET_BLOCKED_FILE,
        "--client",
        "dc-nodes@10.80.0.2",
    ]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "the node's own flow is reachable: {text}"
    );
    insta::assert_snapshot!("trace_kubelet_blocked", text);
}

#[test]
fn trace_of_a_node_whose_kubelet_is_reached_has_no_kubelet_section() {
    let output = eksflow(&[
        "trace",
        "tests/fixtures/hybrid/private-vpn.yaml",
        "--client",
        "dc-nodes@10.80.0.2",
    ]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("\nverdict: reachable\n"), "{text}");
    assert!(!text.contains("control plane → kubelet"), "{text}");
}

#[test]
fn sarif_carries_the_kubelet_fix_on_the_eks009_finding() {
    let output = eksflow(&["lint", "--format", "sarif", KUBELET_BLOCKED_FILE]);
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let rules: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["EKS036", "EKS009", "EKS009"]);
    assert!(
        results[0].get("fixes").is_none(),
        "the fix belongs to the blocked check (EKS009), not the route warning"
    );
    let text = kubelet_route_missing_in_one_eni_subnet();
    for (result, node) in results[1..].iter().zip(["10.80.0.2", "10.80.0.3"]) {
        assert!(
            result["message"]["text"].as_str().unwrap().contains(node),
            "{result}"
        );
        let fixes = result["fixes"].as_array().expect("EKS009 carries a fix");
        assert_eq!(fixes.len(), 1, "one fix per check: {result}");
        let fix = &fixes[0];
        assert_eq!(
            fix["description"]["text"],
            "add route 10.80.0.0/16 via vpn-dc to rt-eni-a (verified)"
        );
        let change = &fix["artifactChanges"][0];
        assert_eq!(change["artifactLocation"]["uri"], KUBELET_BLOCKED_FILE);
        let replacements = change["replacements"].as_array().unwrap();
        assert_eq!(replacements.len(), 1);
        let region = &replacements[0]["deletedRegion"];
        // rt-eni-a's `routes:` block list: a new first item on its first item's line.
        assert_eq!(region["startLine"], 41);
        assert_eq!(region["startColumn"], 11);
        assert_eq!(region["endColumn"], 11, "an insertion deletes nothing");
        assert_eq!(
            text.lines().nth(40).unwrap(),
            "          - { destination: 0.0.0.0/0, target: nat-edge }"
        );
        assert_eq!(
            replacements[0]["insertedContent"]["text"],
            "- { destination: 10.80.0.0/16, target: vpn-dc }\n          "
        );
        // Applied to the file, the replacement makes every kubelet check pass.
        let edit = fix::TextEdit {
            line: 41,
            column: 11,
            delete: 0,
            insert: replacements[0]["insertedContent"]["text"]
                .as_str()
                .unwrap()
                .to_owned(),
        };
        let patched = apply_text(&text, &[edit]);
        let scenario = eksflow::scenario::load_one("patched.yaml", &patched).unwrap();
        let checked = checked::check(&scenario, None);
        assert!(checked.kubelet.iter().all(|check| check.reachable()));
        assert!(
            checked.findings.iter().all(|f| f.code.as_str() != "EKS009"),
            "{:?}",
            checked.findings
        );
    }
}

// ---- through an HTTPS proxy (SPEC 10.2) -----------------------------------------------------

const SQUID: &str = include_str!("../fixtures/proxy/squid.yaml");

#[test]
fn a_blocked_leg_one_gets_an_ingress_rule_on_the_proxys_group_for_its_port() {
    let text = edited(
        SQUID,
        &[
            (
                "          - { protocol: tcp, ports: 3128, cidr: 198.51.100.0/24 }\n",
                "",
            ),
            (
                "proxy: squid }",
                "proxy: squid, expect: { reachable: true } }",
            ),
        ],
    );
    let fix = found(&text, "laptop");
    assert_eq!(
        fix.edits,
        [edit(
            "vpcs[0].securityGroups[1].ingress",
            "add",
            json!({ "protocol": "tcp", "ports": 3128, "cidr": "198.51.100.7/32" })
        )]
    );
    assert_eq!(
        fix.summary,
        "add ingress tcp 3128 from 198.51.100.7/32 to sg-squid"
    );
}

#[test]
fn a_blocked_leg_two_gets_the_proxys_own_fix() {
    let text = edited(
        SQUID,
        &[
            (
                "          - { protocol: tcp, ports: 443, sourceSecurityGroup: sg-squid }\n",
                "",
            ),
            (
                "proxy: 10.0.0.8, proxyPort: 3128 }",
                "proxy: 10.0.0.8, proxyPort: 3128, expect: { reachable: true } }",
            ),
        ],
    );
    let fix = found(&text, "worker");
    assert_eq!(
        fix.edits,
        [edit(
            "vpcs[0].securityGroups[0].ingress",
            "add",
            json!({ "protocol": "tcp", "ports": 443, "sourceSecurityGroup": "sg-squid" })
        )],
        "the ENI security group admits the proxy, not the worker"
    );
}

// ---- a blocked DNS query hop, a missing route outside the ENI subnets (issue 14 audit) -----
//
// The fixtures in tests/fixtures/fix/ were written by this project (see PROVENANCE.md there):
// each blocked scenario comes with the hand-fixed version an engineer would write.

const DNS_HOP_BLOCKED: &str = include_str!("../fixtures/fix/dns-hop-blocked.yaml");
const DNS_HOP_FIXED: &str = include_str!("../fixtures/fix/dns-hop-fixed.yaml");
const NAT_RETURN: &str = include_str!("../fixtures/fix/return-route-nat-subnet.yaml");
const NAT_RETURN_FIXED: &str = include_str!("../fixtures/fix/return-route-nat-subnet-fixed.yaml");

/// The `fix` field of `client`'s flow in `check --format json`'s scenario object.
fn json_fix(text: &str, client: &str) -> serde_json::Value {
    let scenario = eksflow::scenario::load_one("test.yaml", text).unwrap();
    let checked = checked::check(&scenario, None);
    let fixes = fix::fixes(&checked);
    let json = serde_json::to_value(eksflow::report::json::scenario_fixed(
        &checked,
        Some(&fixes),
    ))
    .unwrap();
    let flows = json["flows"].as_array().unwrap();
    let flow = flows.iter().find(|f| f["client"] == client).unwrap();
    flow.get("fix").cloned().expect("a fix field")
}

/// Every flow of `text` reachable, every expectation met.
fn all_reachable_and_met(text: &str) -> bool {
    let scenario = eksflow::scenario::load_one("fixed.yaml", text).unwrap();
    let checked = checked::check(&scenario, None);
    checked
        .flows
        .iter()
        .all(|f| f.reachable() && f.expectation.is_none_or(|e| e.met))
}

#[test]
fn a_blocked_dns_query_hop_gets_a_udp_53_ingress_rule_on_the_inbound_endpoints_group() {
    let scenario = eksflow::scenario::load_one("test.yaml", DNS_HOP_BLOCKED).unwrap();
    let checked = checked::check(&scenario, None);
    let admin = checked
        .flows
        .iter()
        .find(|f| f.client.name == "admin")
        .unwrap();
    assert_eq!(
        admin.blocked.as_ref().unwrap().reason.code(),
        "DNS_UNREACHABLE"
    );
    assert_eq!(
        json_fix(DNS_HOP_BLOCKED, "admin"),
        json!({
            "summary": "add ingress udp 53 from 172.16.0.2/32 to sg-rslvr-in",
            "edits": [ { "path": "vpcs[0].securityGroups[1].ingress", "op": "add",
                         "value": { "protocol": "udp", "ports": 53, "cidr": "172.16.0.2/32" } } ],
            "verified": true
        }),
        "UDP only: TCP 53 is not needed for the flow (it stays an EKS027 warning)"
    );
    assert!(reachable_after_text_edits(DNS_HOP_BLOCKED, "admin"));
    assert!(
        !all_reachable_and_met(DNS_HOP_BLOCKED) && all_reachable_and_met(DNS_HOP_FIXED),
        "the hand-fixed file holds the same rule and every flow reaches the API"
    );
}

#[test]
fn a_dns_hop_blocked_by_a_nacl_gets_a_udp_rule_pair_on_the_subnet_that_blocks() {
    let text = edited(
        DNS_HOP_FIXED,
        &[(
            "          - { rule: 120, protocol: udp, ports: 53, cidr: 172.16.0.0/12, action: allow }\n",
            "",
        )],
    );
    let fix = found(&text, "admin");
    assert_eq!(
        fix.edits,
        [
            edit(
                "vpcs[0].networkAcls[0].inbound",
                "add",
                json!({ "rule": 99, "protocol": "udp", "ports": 53, "cidr": "172.16.0.2/32", "action": "allow" })
            ),
            edit(
                "vpcs[0].networkAcls[0].outbound",
                "add",
                json!({ "rule": 99, "protocol": "udp", "ports": "1024-65535", "cidr": "172.16.0.2/32", "action": "allow" })
            ),
        ]
    );
    assert!(reachable_after_text_edits(&text, "admin"));
}

#[test]
fn a_dns_hop_with_no_route_gets_a_route_over_the_connection_the_query_uses() {
    let text = edited(
        DNS_HOP_FIXED,
        &[(
            "    routes:\n      - { destination: 10.70.0.0/16, target: vpn-office }\n",
            "    routes: []\n",
        )],
    );
    let fix = found(&text, "admin");
    assert_eq!(
        fix.summary,
        "add route 10.70.0.0/16 via vpn-office to network office"
    );
    assert!(reachable_after_text_edits(&text, "admin"));
}

#[test]
fn a_dns_hop_fix_that_would_break_another_expectation_is_never_proposed() {
    // A contractor in the same office is expected not to reach the API, and today does not:
    // every fix of the office's DNS query reaches the API for both, so none is harmless.
    let text = format!(
        "{DNS_HOP_BLOCKED}  - name: contractor\n    from: office\n    ip: 172.16.9.30\n    expect: {{ reachable: false }}\n"
    );
    let scenario = eksflow::scenario::load_one("test.yaml", &text).unwrap();
    let checked = checked::check(&scenario, None);
    let contractor = checked
        .flows
        .iter()
        .find(|f| f.client.name == "contractor")
        .unwrap();
    assert!(contractor.expectation.unwrap().met, "met before any fix");
    assert_eq!(
        fix_of(&text, "admin"),
        Some(None),
        "no fix known, never a harmful one"
    );
    assert!(json_fix(&text, "admin").is_null());
    assert!(
        fix_of(DNS_HOP_BLOCKED, "admin").unwrap().is_some(),
        "without the contractor the same search finds a fix"
    );
}

#[test]
fn a_missing_return_route_in_the_nat_gateways_subnet_gets_a_route_over_the_transit_gateway() {
    assert_eq!(
        json_fix(NAT_RETURN, "etl-job"),
        json!({
            "summary": "add route 10.30.1.0/24 via tgw-egress to rt-egress-public",
            "edits": [ { "path": "vpcs[2].routeTables[0].routes", "op": "add",
                         "value": { "destination": "10.30.1.0/24", "target": "tgw-egress" } } ],
            "verified": true
        })
    );
    assert!(reachable_after_text_edits(NAT_RETURN, "etl-job"));
    assert!(!all_reachable_and_met(NAT_RETURN) && all_reachable_and_met(NAT_RETURN_FIXED));
}

#[test]
fn an_attachment_subnet_with_no_internet_route_gets_one_to_the_egress_nat_gateway() {
    let text = edited(
        NAT_RETURN_FIXED,
        &[(
            "      - id: rt-egress-tgw\n        routes:\n          - { destination: 0.0.0.0/0, target: nat-egress }\n",
            "      - id: rt-egress-tgw\n        routes: []\n",
        )],
    );
    let fix = found(&text, "node-a");
    assert_eq!(
        fix.edits,
        [edit(
            "vpcs[2].routeTables[1].routes",
            "add",
            json!({ "destination": "0.0.0.0/0", "target": "nat-egress" })
        )]
    );
    assert_eq!(found(&text, "etl-job"), fix, "one edit serves both spokes");
    assert!(reachable_after_text_edits(&text, "node-a"));
}

#[test]
fn a_dns_servers_egress_block_gets_a_udp_53_egress_rule_then_the_endpoints_ingress() {
    // The office asks a DNS server in subnet-a whose group sends only tcp/443: its forwarded
    // query to the inbound endpoint is refused at its own egress, and once that is open, at
    // the endpoint's group (which admits only the office).
    let text = edited(
        DNS_HOP_FIXED,
        &[
            (
                "      - id: sg-rslvr-in\n",
                "      - id: sg-dns\n        ingress:\n          - { protocol: udp, ports: 53, cidr: 172.16.0.0/12 }\n        egress:\n          - { protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }\n      - id: sg-rslvr-in\n",
            ),
            (
                "    dnsServers: [172.16.0.2]",
                "    dnsServers: [10.70.1.60]",
            ),
            (
                "  - ip: 172.16.0.2\n    forward:",
                "  - ip: 10.70.1.60\n    securityGroups: [sg-dns]\n    forward:",
            ),
        ],
    );
    let fix = found(&text, "admin");
    assert_eq!(
        fix.summary,
        "add egress udp 53 to 10.70.1.53/32 to sg-dns; add ingress udp 53 from security group sg-dns to sg-rslvr-in"
    );
    assert_eq!(
        fix.edits,
        [
            edit(
                "vpcs[0].securityGroups[1].egress",
                "add",
                json!({ "protocol": "udp", "ports": 53, "cidr": "10.70.1.53/32" })
            ),
            edit(
                "vpcs[0].securityGroups[2].ingress",
                "add",
                json!({ "protocol": "udp", "ports": 53, "sourceSecurityGroup": "sg-dns" })
            ),
        ]
    );
    assert!(reachable_after_text_edits(&text, "admin"));
}

/// Network ACLs are stateless ("responses to allowed inbound traffic are subject to the rules
/// for outbound traffic", VPC guide, vpc-network-acls): a node whose reply the control-plane
/// subnet's ACL drops gets a rule pair — 443 the way the request enters, the ephemeral ports
/// the way the reply leaves — numbered under the lowest rules, and verified.
#[test]
fn a_nacl_dropping_the_reply_gets_a_verified_rule_pair() {
    let text = edited(
        include_str!("../../scenarios/nacl-return-traffic.yaml"),
        &[(
            "expect: { answer: private, reachable: false }   # NACL_OUTBOUND_DENY (the reply)",
            "expect: { answer: private, reachable: true }",
        )],
    );
    let fix = found(&text, "node-1");
    assert_eq!(
        fix.summary,
        "allow tcp 443 inbound from 10.120.16.20/32 (rule 99) and tcp 1024-65535 outbound to \
         10.120.16.20/32 (rule 99) in acl-control-plane"
    );
    let paths: Vec<&str> = fix.edits.iter().map(|edit| edit.path.as_str()).collect();
    assert_eq!(paths.len(), 2);
    assert!(paths[0].ends_with(".inbound") && paths[1].ends_with(".outbound"));
    assert_eq!(fix.edits[1].value["ports"], "1024-65535");
    assert_eq!(fix.edits[0].value["protocol"], "tcp");
}

/// A blocked kubelet check in JSON carries each ENI's attempt (SPEC 9.3: reached when any
/// ENI reaches it), so a script sees which ENI subnet lacks the route, not only the first.
#[test]
fn a_blocked_kubelet_check_lists_each_enis_attempt_with_its_hops() {
    let output = assert_cmd::Command::cargo_bin("eksflow")
        .unwrap()
        .args([
            "check",
            "tests/fixtures/hybrid/kubelet-route-missing.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let check = &json[0]["kubelet"][0];
    let paths = check["paths"].as_array().unwrap();
    assert_eq!(paths.len(), 2, "{check:#}");
    assert_eq!(paths[0]["eni"], "10.60.1.10");
    assert_eq!(paths[0]["reason"], "NO_ROUTE");
    let last = paths[0]["hops"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["at"], "rt-eni-a");
    assert_eq!(last["ok"], false);
    assert_eq!(paths[1]["eni"], "10.60.2.10");
    assert_eq!(paths[1]["reachable"], false);
    assert_eq!(check["reason"], paths[0]["reason"]);
}

/// `trace --format json` of a node whose kubelet check is blocked carries that check, its
/// per-ENI attempts and its verified fix beside the node's own flow.
#[test]
fn trace_json_of_a_node_carries_its_blocked_kubelet_check() {
    let output = assert_cmd::Command::cargo_bin("eksflow")
        .unwrap()
        .args([
            "trace",
            "tests/fixtures/hybrid/kubelet-route-missing.yaml",
            "--client",
            "dc-nodes@10.80.0.2",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["client"], "dc-nodes@10.80.0.2");
    let kubelet = &json["kubelet"];
    assert_eq!(kubelet["reachable"], false);
    assert_eq!(
        kubelet["fix"]["summary"],
        "add route 10.80.0.0/16 via vpn-dc to rt-eni-a"
    );
    assert_eq!(kubelet["fix"]["verified"], true);
    assert_eq!(kubelet["paths"].as_array().map(Vec::len), Some(2));
}
