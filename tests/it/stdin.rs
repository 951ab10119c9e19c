//! `-` reads the scenario from standard input in every command that takes one, so an import
//! pipes straight into it: `eksflow import … | eksflow lint -` (and `compare -`,
//! `trace - --client NAME`, `resolve - --client NAME`, `check -`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::import_support;

use import_support::{assert_success, eksflow};

/// What `eksflow import` writes for the Terraform state fixture with its clients (argocd in
/// the peered VPC, admin over the VPN).
fn imported() -> Vec<u8> {
    let output = eksflow()
        .args([
            "import",
            "terraform",
            "tests/fixtures/import/terraform/state.json",
            "--clients",
            "tests/fixtures/import/terraform/clients.yaml",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    output.stdout
}

/// Runs eksflow with `stdin` on standard input: (exit code, standard output as JSON).
fn run_json(args: &[&str], stdin: Vec<u8>) -> (i32, serde_json::Value) {
    let output = eksflow().args(args).write_stdin(stdin).output().unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{args:?}: not JSON ({error}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), json)
}

#[test]
fn check_reads_an_import_from_standard_input() {
    let (_, json) = run_json(&["check", "-", "--format", "json"], imported());
    assert_eq!(json[0]["file"], "<stdin>");
    assert_eq!(json[0]["flows"][0]["client"], "argocd");
    assert_eq!(json[0]["flows"][0]["reachable"], true);
}

#[test]
fn lint_reads_a_scenario_from_standard_input() {
    let (code, findings) = run_json(&["lint", "-", "--format", "json"], imported());
    // The state has no ECR or S3 endpoints for its private nodes: EKS010 errors, exit 1.
    assert_eq!(code, 1);
    let findings = findings.as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|f| f["file"] == "<stdin>"),
        "{findings:#?}"
    );
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"EKS010"), "{codes:?}");
    // The import's assumptions come through as EKS019, at imported.missing.
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "EKS019" && f["path"] == "imported.missing"),
        "{findings:#?}"
    );

    // Text output names standard input the same way.
    let output = eksflow()
        .args(["lint", "-"])
        .write_stdin(imported())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.lines()
            .filter(|l| l.contains(" EKS0"))
            .all(|l| l.starts_with("<stdin>:")),
        "{text}"
    );
}

#[test]
fn compare_reads_a_scenario_from_standard_input() {
    let (code, modes) = run_json(&["compare", "-", "--format", "json"], imported());
    assert!(code == 0 || code == 1, "{code}");
    let modes = modes.as_array().unwrap();
    let names: Vec<&str> = modes.iter().map(|m| m["mode"].as_str().unwrap()).collect();
    assert_eq!(names, ["public", "public-and-private", "private"]);
    for mode in modes {
        assert_eq!(mode["file"], "<stdin>");
        assert_eq!(mode["cluster"], "core");
    }
    // In the scenario's own mode (private) argocd reaches the endpoint over the peering.
    let argocd = modes[2]["flows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["client"] == "argocd")
        .unwrap();
    assert_eq!(argocd["reachable"], true);
}

#[test]
fn trace_reads_a_scenario_from_standard_input() {
    let (code, trace) = run_json(
        &["trace", "-", "--client", "argocd", "--format", "json"],
        imported(),
    );
    assert_eq!(code, 0);
    assert_eq!(trace["client"], "argocd");
    assert_eq!(trace["endpoint"], "private");
    assert_eq!(trace["reachable"], true);
    let addresses: Vec<&str> = trace["dns"]["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(addresses, ["10.20.1.10", "10.20.2.10"]);

    // The text trace says where the scenario came from.
    let output = eksflow()
        .args(["trace", "-", "--client", "admin"])
        .write_stdin(imported())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("(<stdin>)"), "{text}");
    assert!(text.starts_with("client admin (192.168.7.7"), "{text}");

    // A client the scenario on standard input does not have is a usage error.
    let output = eksflow()
        .args(["trace", "-", "--client", "nobody"])
        .write_stdin(imported())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn resolve_reads_a_scenario_from_standard_input() {
    let output = eksflow()
        .args(["resolve", "-", "--client", "argocd", "--short"])
        .write_stdin(imported())
        .output()
        .unwrap();
    assert_success(&output);
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "10.20.1.10\n10.20.2.10\n"
    );
}

#[test]
fn invalid_yaml_on_standard_input_is_reported_as_stdin() {
    for args in [
        &["lint", "-"][..],
        &["compare", "-"],
        &["trace", "-", "--client", "argocd"],
    ] {
        let output = eksflow()
            .args(args)
            .write_stdin("version: 1\nname: [unclosed\n")
            .output()
            .unwrap();
        let code = output.status.code().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(code == 1 || code == 2, "{args:?}: exit {code}: {all}");
        assert!(all.contains("<stdin>"), "{args:?}: {all}");
    }
}
