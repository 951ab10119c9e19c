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

/// The words of a blocking sentence, which the tracer tests (tests/it/tracer.rs) leave to
/// the output: a security group reference refused across a transit gateway names the
/// client's group and says why it does not match.
#[test]
fn trace_names_a_security_group_reference_that_does_not_cross_a_transit_gateway() {
    let out = run(&[
        "trace",
        "tests/fixtures/path/sg-reference-across-tgw.yaml",
        "--client",
        "shared",
    ]);
    assert!(
        out.contains("✗ sg-cluster")
            && out.contains(
                "(security group references to sg-shared do not work across this connection)"
            ),
        "{out}"
    );
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

// ---- terminal styling -------------------------------------------------------------------

/// The printable width of a line: ANSI colour sequences take no columns.
fn columns(line: &str) -> usize {
    let mut width = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // `ESC [ … m`
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            width += 1;
        }
    }
    width
}

#[test]
fn a_pipe_gets_plain_unwrapped_tables_even_without_no_color() {
    let output = Command::cargo_bin("eksflow")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .args(["check", "scenarios/public-and-private.yaml"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "colour in a pipe:\n{text}");
    assert!(
        text.lines().any(|line| columns(line) > 120),
        "a pipe gets full lines, not wrapped ones:\n{text}"
    );
}

#[test]
fn a_terminal_table_is_coloured_and_fits_its_width() {
    use eksflow::report::{Style, table};
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/public-and-private.yaml"),
    )
    .unwrap();
    let scenario = eksflow::scenario::load_one("public-and-private.yaml", &text).unwrap();
    let analysis = eksflow::checked::check(&scenario, None);
    for width in [60u16, 100] {
        let terminal = Style::for_output(true, None, Some("xterm-256color"), Some(width));
        let coloured = table::check(&analysis, terminal);
        assert!(coloured.contains("\u{1b}["), "no colour on a terminal");
        for line in coloured.lines() {
            // Only a word wider than the terminal (the endpoint name) may stick out.
            assert!(
                columns(line) <= usize::from(width) || !line.trim().contains(' '),
                "wider than {width}: {line}"
            );
        }
        let no_color = Style::for_output(true, Some("1".as_ref()), None, Some(width));
        assert!(!table::check(&analysis, no_color).contains('\u{1b}'));
    }
}

/// Every lint format, on the same two files (a scenario with failed expectations and an
/// eksctl config with an EKS006 error), so a change to any CI format shows in review.
#[test]
fn every_lint_format() {
    for format in ["text", "json", "sarif", "junit", "github", "markdown"] {
        let out = run(&[
            "lint",
            "scenarios/allowlist-forgets-nat.yaml",
            "tests/fixtures/import/eksctl/38-cluster-subnets-sgs.yaml",
            "--format",
            format,
        ]);
        insta::assert_snapshot!(format!("lint_{format}"), out);
    }
}
