//! Snapshots of the human-facing output: flow tables, Markdown, JSON, compare, trace and
//! resolve, for reviewers to diff. Run without a terminal and with NO_COLOR, so no styling
//! and no wrapping.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;

fn run(args: &[&str]) -> String {
    let output = Command::cargo_bin("eksflow")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.code().is_some_and(|code| code <= 1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn check_table_public_and_private() {
    insta::assert_snapshot!(run(&["check", "scenarios/public-and-private.yaml"]));
}

#[test]
fn check_table_with_failed_expectations_and_findings() {
    insta::assert_snapshot!(run(&["check", "scenarios/allowlist-forgets-nat.yaml"]));
}

#[test]
fn check_markdown_vpn_office() {
    insta::assert_snapshot!(run(&[
        "check",
        "scenarios/vpn-office-public-dns.yaml",
        "--format",
        "markdown"
    ]));
}

#[test]
fn check_json_private() {
    insta::assert_snapshot!(run(&[
        "check",
        "scenarios/private.yaml",
        "--format",
        "json"
    ]));
}

#[test]
fn compare_table_peered_vpc() {
    insta::assert_snapshot!(run(&["compare", "scenarios/peered-vpc.yaml"]));
}

#[test]
fn compare_markdown_dns_hostnames_off() {
    insta::assert_snapshot!(run(&[
        "compare",
        "scenarios/dns-hostnames-off.yaml",
        "--format",
        "markdown"
    ]));
}

#[test]
fn trace_office_over_vpn() {
    insta::assert_snapshot!(run(&[
        "trace",
        "scenarios/vpn-office-resolver-inbound.yaml",
        "--client",
        "admin"
    ]));
}

#[test]
fn trace_nat_gateway_refused_by_the_allowlist() {
    insta::assert_snapshot!(run(&[
        "trace",
        "scenarios/dns-hostnames-off.yaml",
        "--client",
        "node-a"
    ]));
}

#[test]
fn resolve_office_over_vpn() {
    insta::assert_snapshot!(run(&[
        "resolve",
        "scenarios/vpn-office-resolver-inbound.yaml",
        "--client",
        "admin"
    ]));
}
