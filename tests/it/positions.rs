//! Positions of findings and load problems: the line and column `lint --format json` reports
//! are those of the value at fault, whatever legal YAML spelling the file uses (a tab after a
//! key, CRLF line ends, a byte order mark, flow collections, anchors and aliases), and a file
//! is parsed once, its positions coming from the same parse as its values.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assert_cmd::Command;
use serde_json::Value;

/// A scenario whose one finding (EKS003, the allowlist is the whole internet) is on line 8,
/// after a key followed by a tab on line 7 — the spelling the old second parser stopped at.
const TABBED: &str = "# A tab separates a key from its value on line 7.
version: 1
name: tabs
cluster:
  name: c
  region: eu-west-1
  endpointAccess:\tpublic-and-private
  publicAccessCidrs: [0.0.0.0/0]
  vpc: vpc-a
  securityGroups: [sg-cluster]
  enis:
    - { subnet: subnet-a, ip: 10.0.1.10 }
    - { subnet: subnet-b, ip: 10.0.2.10 }
vpcs:
  - id: vpc-a
    cidrs:\t[10.0.0.0/16]
    enableDnsHostnames: true
    subnets:
      - { id: subnet-a, cidr: 10.0.1.0/24, az: eu-west-1a }
      - { id: subnet-b, cidr: 10.0.2.0/24, az: eu-west-1b }
    securityGroups:
      - id: sg-cluster
        ingress: [{ protocol: all, sourceSecurityGroup: sg-cluster }]
clients:
  - { name: node, from: subnet-a, ip: 10.0.1.50, securityGroups: [sg-cluster] }
";

/// (code, line, column, path) of each message `eksflow lint FILE --format json` prints.
fn lint(name: &str, text: &str) -> Vec<(String, u64, u64, String)> {
    let dir = std::env::temp_dir().join(format!("eksflow-positions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let output = Command::cargo_bin("eksflow")
        .unwrap()
        .args(["lint", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{error}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    json.as_array()
        .unwrap()
        .iter()
        .map(|message| {
            (
                message["code"].as_str().unwrap().to_owned(),
                message["line"].as_u64().unwrap_or(0),
                message["column"].as_u64().unwrap_or(0),
                message["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn finding(code: &str, line: u64, column: u64, path: &str) -> (String, u64, u64, String) {
    (code.to_owned(), line, column, path.to_owned())
}

#[test]
fn a_tab_after_a_key_does_not_move_later_findings() {
    assert_eq!(
        lint("tab.yaml", TABBED),
        [finding("EKS003", 8, 23, "cluster.publicAccessCidrs[0]")]
    );
    // A load problem after the tabs, inside a flow mapping: at the value itself.
    let outside = TABBED.replace("ip: 10.0.1.50", "ip: 10.0.9.50");
    assert_eq!(
        lint("tab-invalid.yaml", &outside),
        [finding("EKS000", 25, 39, "clients[0].ip")]
    );
    // The value after the tab is what is checked: a bad one is reported there.
    let bad = TABBED.replace(":\tpublic-and-private", ":\tpublik");
    assert_eq!(
        lint("tab-bad-value.yaml", &bad),
        [finding("EKS000", 7, 19, "cluster.endpointAccess")]
    );
}

#[test]
fn crlf_line_ends_keep_lines_and_columns() {
    let crlf = TABBED.replace('\n', "\r\n");
    assert_eq!(
        lint("crlf.yaml", &crlf),
        [finding("EKS003", 8, 23, "cluster.publicAccessCidrs[0]")]
    );
    let outside = crlf.replace("ip: 10.0.1.50", "ip: 10.0.9.50");
    assert_eq!(
        lint("crlf-invalid.yaml", &outside),
        [finding("EKS000", 25, 39, "clients[0].ip")]
    );
}

#[test]
fn a_byte_order_mark_keeps_lines_and_columns() {
    let bom = format!("\u{feff}{TABBED}");
    assert_eq!(
        lint("bom.yaml", &bom),
        [finding("EKS003", 8, 23, "cluster.publicAccessCidrs[0]")]
    );
    // On the first line too: the mark is not a column.
    let first = format!(
        "\u{feff}version: 2\n{}",
        TABBED.split_once("version: 1\n").unwrap().1
    );
    assert_eq!(
        lint("bom-first-line.yaml", &first),
        [finding("EKS000", 1, 10, "version")]
    );
}

#[test]
fn flow_collections_spread_over_lines_point_at_the_item() {
    let flow = TABBED.replace(
        "publicAccessCidrs: [0.0.0.0/0]",
        "publicAccessCidrs: [\n      203.0.113.0/24,\n      0.0.0.0/0\n    ]",
    );
    assert_eq!(
        lint("flow.yaml", &flow),
        [
            // The first item is covered by the second.
            finding("EKS015", 9, 7, "cluster.publicAccessCidrs[0]"),
            finding("EKS003", 10, 7, "cluster.publicAccessCidrs[1]"),
        ]
    );
    let nested = TABBED.replace(
        "  - { name: node, from: subnet-a, ip: 10.0.1.50, securityGroups: [sg-cluster] }\n",
        "  - {\n      name: node, from: subnet-a,\n      ip: 10.0.9.50, securityGroups: [sg-cluster] }\n",
    );
    assert_eq!(
        lint("flow-nested.yaml", &nested),
        [finding("EKS000", 27, 11, "clients[0].ip")]
    );
}

#[test]
fn anchors_and_aliases_point_at_the_value_each_path_reads() {
    // The anchored value is wrong: its own field points at the anchor's value, the alias's
    // field at the alias.
    let anchored = TABBED.replace(
        "  - { name: node, from: subnet-a, ip: 10.0.1.50, securityGroups: [sg-cluster] }\n",
        "  - { name: node, from: subnet-a, ip: &bad 10.0.9.50, securityGroups: [sg-cluster] }\n  - { name: other, from: subnet-a, ip: *bad, securityGroups: [sg-cluster] }\n",
    );
    assert_eq!(
        lint("anchors.yaml", &anchored),
        [
            finding("EKS000", 25, 44, "clients[0].ip"),
            finding("EKS000", 26, 40, "clients[1].ip"),
        ]
    );
    // A path through an aliased list finds the item inside the anchored one, where the
    // value is written.
    let list = TABBED.replace(
        "clients:\n",
        "nodeGroups:\n  - { name: ng, subnets: &nets [subnet-a, subnet-q] }\n  - { name: ng2, subnets: *nets }\nclients:\n",
    );
    assert_eq!(
        lint("anchors-list.yaml", &list),
        [
            finding("EKS000", 25, 43, "nodeGroups[0].subnets[1]"),
            finding("EKS000", 25, 43, "nodeGroups[1].subnets[1]"),
        ]
    );
}

#[test]
fn a_file_with_findings_is_parsed_once() {
    use eksflow::scenario::{load_str, spans::parses};

    let before = parses();
    let documents = load_str("tab.yaml", TABBED);
    let scenario = documents[0].as_ref().unwrap();
    let findings = eksflow::rules::check(&eksflow::analysis::analyse(scenario, None));
    assert_eq!(findings.len(), 1);
    let position = findings[0].position.unwrap();
    assert_eq!((position.line, position.column), (8, 23));
    // One parse gave the values and, when the finding asked for it, the position.
    assert_eq!(parses() - before, 1);

    // The same for a file whose problems are found while loading.
    let before = parses();
    let invalid = TABBED.replace("ip: 10.0.1.50", "ip: 10.0.9.50");
    let documents = load_str("tab-invalid.yaml", &invalid);
    let problems = documents[0].as_ref().unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].position.map(|p| (p.line, p.column)),
        Some((25, 39))
    );
    assert_eq!(parses() - before, 1);
}
