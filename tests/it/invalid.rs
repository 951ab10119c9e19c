//! Invalid input: exit code 2 and one line per problem, `FILE:LINE:COLUMN: field.path: what
//! is wrong`, every problem of a file reported (SPEC sections 2 and 6). The fixtures live
//! in tests/fixtures/invalid/; the expected messages are snapshots in tests/it/snapshots/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use assert_cmd::Command;

fn eksflow() -> Command {
    let mut command = Command::cargo_bin("eksflow").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Runs `check` on a fixture; asserts exit 2 and nothing on stdout; returns stderr.
fn rejected(fixture: &str) -> String {
    let path = format!("tests/fixtures/invalid/{fixture}");
    let output = eksflow().args(["check", &path]).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{fixture}: {stderr}");
    assert!(output.stdout.is_empty(), "{fixture}: printed a report");
    for line in stderr.lines() {
        assert!(
            line.starts_with(&format!("{path}:")),
            "{fixture}: line does not name the file: {line}"
        );
    }
    stderr
}

macro_rules! invalid_fixture {
    ($($test:ident => $file:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            insta::assert_snapshot!(rejected($file));
        }
    )*};
}

invalid_fixture! {
    unknown_fields_are_all_reported_with_a_suggestion => "unknown-fields.yaml",
    every_wrong_type_is_reported_with_the_expected_type => "wrong-types.yaml",
    values_that_do_not_parse_are_all_reported => "bad-values.yaml",
    duplicate_ids_point_at_the_first_definition => "duplicate-ids.yaml",
    dangling_references_suggest_a_near_miss => "dangling.yaml",
    addresses_must_sit_in_their_subnet_vpc_or_network => "addresses-outside.yaml",
    only_version_1_is_read => "version-2.yaml",
    missing_required_fields_are_all_reported => "missing-fields.yaml",
    a_yaml_syntax_error_is_reported_once => "syntax-error.yaml",
    empty_file => "empty.yaml",
    a_file_of_comments_is_empty => "comments-only.yaml",
    security_groups_attach_only_in_their_own_vpc => "security-group-other-vpc.yaml",
    strings_where_numbers_belong_are_type_errors => "strings-for-numbers.yaml",
    ipv6_values_stay_in_their_own_fields_and_routes => "ipv6-fields.yaml",
    transit_gateway_routes_and_attachment_subnets_are_checked => "transit-gateway-routes.yaml",
    a_proxy_is_one_hop_to_a_known_client => "proxies.yaml",
    a_hybrid_node_group_is_in_subnets_or_a_network_not_both => "hybrid-node-group.yaml",
    hybrid_node_addresses_are_each_one_node_and_at_least_one => "hybrid-node-addresses.yaml",
    dns_transport_references_groups_and_subnets_it_can_place => "dns-transport.yaml",
}

#[test]
fn a_bad_cidr_in_the_allowlist_names_its_line_and_column() {
    let stderr = rejected("bad-values.yaml");
    assert!(stderr.contains(
        "tests/fixtures/invalid/bad-values.yaml:9:7: cluster.publicAccessCidrs[1]: `300.1.1.1/8` is not a valid CIDR block"
    ));
}

#[test]
fn a_syntax_error_ends_the_file_but_earlier_documents_and_other_files_are_analysed() {
    let output = eksflow()
        .args([
            "check",
            "tests/fixtures/invalid/second-document-broken.yaml",
            "scenarios/private.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "tests/fixtures/invalid/second-document-broken.yaml:21:13: mapping values are not allowed in this context\n"
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scenario"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["first is fine", "private endpoint only"]);
}

#[test]
fn missing_files_and_directories_are_reported_and_the_rest_still_run() {
    let output = eksflow()
        .args([
            "check",
            "no-such-file.yaml",
            "scenarios",
            "scenarios/private.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "no-such-file.yaml: no such file\nscenarios: is a directory: `check` takes files, or a directory of AWS CLI output (`*.json`, see scripts/collect-aws.sh); `lint` walks directories\n"
    );
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("private endpoint only")
    );
}

#[test]
fn non_utf8_and_nul_bytes_are_rejected() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("invalid-bytes");
    std::fs::create_dir_all(&dir).unwrap();
    let latin1 = dir.join("latin1.yaml");
    std::fs::write(&latin1, b"version: 1\nname: caf\xe9\n").unwrap();
    let nul = dir.join("nul.yaml");
    std::fs::write(&nul, b"version: 1\nname: a\0b\n").unwrap();
    let output = eksflow()
        .arg("check")
        .arg(&latin1)
        .arg(&nul)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0]
            .ends_with("latin1.yaml:2:10: not valid UTF-8 (byte 0xE9); save the scenario as UTF-8"),
        "{stderr}"
    );
    assert!(
        lines[1].ends_with("nul.yaml:2:1: NUL byte in the file: a YAML scenario is text"),
        "{stderr}"
    );
}

#[test]
fn a_byte_order_mark_crlf_line_ends_and_tabs_after_values_are_fine() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid/base.yaml"
    ))
    .unwrap();
    let windows = format!(
        "\u{feff}{}",
        text.replace("name: valid base", "name:\tvalid base")
            .replace('\n', "\r\n")
    );
    let output = eksflow()
        .args(["check", "-", "--format", "json"])
        .write_stdin(windows)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json[0]["scenario"], "valid base");
}

#[test]
fn a_cidr_with_host_bits_loads_and_is_left_to_the_rules() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid/base.yaml"
    ))
    .unwrap()
    .replace(
        "  endpointAccess: private\n",
        "  endpointAccess: public\n  publicAccessCidrs: [203.0.113.5/24]\n",
    );
    let output = eksflow()
        .args(["check", "-", "--format", "json"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &json[0]["findings"][0];
    assert_eq!(finding["code"], "EKS002");
    assert_eq!(finding["path"], "cluster.publicAccessCidrs[0]");
    assert_eq!(finding["line"], 8);
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("write 203.0.113.0/24")
    );
}

#[test]
fn a_node_groups_public_ip_must_be_an_address() {
    let stderr = rejected("node-group-public-ip.yaml");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("nodeGroups[0].publicIp"), "{stderr}");
    assert!(stderr.contains("`54.0.0`"), "{stderr}");
}

#[test]
fn a_yaml_merge_key_is_refused_as_such() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid/base.yaml"
    ))
    .unwrap()
    .replacen(
        "      - { id: subnet-a, cidr: 10.0.1.0/24, az: eu-west-1a }\n      - { id: subnet-b, cidr: 10.0.2.0/24, az: eu-west-1b }",
        "      - &a { id: subnet-a, cidr: 10.0.1.0/24, az: eu-west-1a }\n      - { <<: *a, id: subnet-b, cidr: 10.0.2.0/24, az: eu-west-1b }",
        1,
    );
    assert!(text.contains("<<: *a"), "the base fixture changed");
    let output = eksflow()
        .args(["check", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("vpcs[0].subnets[1].<<: YAML merge keys (`<<: *anchor`) are not supported"),
        "{stderr}"
    );
}

/// The load codes of every problem `lint --format json` reports for a fixture (`load`, on
/// EKS000 findings only), each code once, in order.
fn load_codes(fixture: &str) -> Vec<String> {
    let path = format!("tests/fixtures/invalid/{fixture}");
    let output = eksflow()
        .args(["lint", "--format", "json", &path])
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut codes: Vec<String> = Vec::new();
    for finding in findings.as_array().unwrap() {
        let Some(load) = finding.get("load") else {
            assert_ne!(
                finding["code"], "EKS000",
                "{fixture}: EKS000 without `load`"
            );
            continue;
        };
        assert_eq!(finding["code"], "EKS000", "{fixture}: `load` on a finding");
        let load = load.as_str().unwrap().to_owned();
        assert!(
            finding["message"]
                .as_str()
                .unwrap()
                .ends_with(&format!("(load: {load})")),
            "{fixture}: the message does not end with its code: {finding}"
        );
        if !codes.contains(&load) {
            codes.push(load);
        }
    }
    codes.sort();
    codes
}

#[test]
fn every_invalid_fixture_maps_to_its_load_codes() {
    let expected: &[(&str, &[&str])] = &[
        ("addresses-outside.yaml", &["conflict", "outside-block"]),
        (
            "bad-values.yaml",
            &["bad-cidr", "bad-value", "missing-field", "wrong-family"],
        ),
        ("base.yaml", &[]),
        ("comments-only.yaml", &["empty"]),
        ("dangling.yaml", &["dangling-reference"]),
        (
            "dns-transport.yaml",
            &["conflict", "dangling-reference", "outside-block"],
        ),
        ("duplicate-ids.yaml", &["duplicate-id"]),
        ("empty.yaml", &["empty"]),
        ("hybrid-node-addresses.yaml", &["bad-value", "duplicate-id"]),
        ("hybrid-node-group.yaml", &["conflict"]),
        ("ipv6-fields.yaml", &["wrong-family"]),
        ("missing-fields.yaml", &["missing-field"]),
        ("node-group-public-ip.yaml", &["bad-value"]),
        ("proxies.yaml", &["conflict", "dangling-reference"]),
        ("second-document-broken.yaml", &["syntax"]),
        ("security-group-other-vpc.yaml", &["conflict"]),
        ("strings-for-numbers.yaml", &["bad-value", "wrong-type"]),
        ("syntax-error.yaml", &["syntax"]),
        (
            "transit-gateway-routes.yaml",
            &["conflict", "dangling-reference"],
        ),
        ("unknown-fields.yaml", &["unknown-field"]),
        ("version-2.yaml", &["bad-value"]),
        ("wrong-types.yaml", &["wrong-type"]),
    ];
    // The table covers the directory: a new fixture needs its row.
    let mut fixtures: Vec<String> = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid"
    ))
    .unwrap()
    .map(|entry| entry.unwrap().file_name().into_string().unwrap())
    .collect();
    fixtures.sort();
    let listed: Vec<&str> = expected.iter().map(|(file, _)| *file).collect();
    assert_eq!(fixtures, listed);
    for (fixture, codes) in expected {
        assert_eq!(load_codes(fixture), *codes, "{fixture}");
    }
}

#[test]
fn rules_eks000_lists_every_load_code() {
    let output = eksflow().args(["rules", "EKS000"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    let listed: Vec<&str> = text
        .split_once("Load codes")
        .unwrap()
        .1
        .lines()
        .filter_map(|line| line.strip_prefix("- "))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    let all: Vec<&str> = eksflow::diagnostic::LoadCode::ALL
        .iter()
        .map(|code| code.as_str())
        .collect();
    assert_eq!(listed, all);
    for code in eksflow::diagnostic::LoadCode::ALL {
        assert!(!code.summary().is_empty(), "{code}");
    }
}
