//! `lint` end to end: one fixture per rule (tests/fixtures/rules/), exit codes, selection, and
//! the CI formats checked against their specifications (SARIF 2.1.0 schema, XML, workflow
//! command shape).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use assert_cmd::Command;
use serde_json::Value;

fn eksflow() -> Command {
    let mut command = Command::cargo_bin("eksflow").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn lint(args: &[&str]) -> (i32, String) {
    let output = eksflow().arg("lint").args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

/// (code, severity, line) of one message.
type Found = (String, String, u64);

/// (code, severity, line) of every message for one fixture.
fn findings(fixture: &str) -> (i32, Vec<Found>) {
    let (code, out) = lint(&[
        &format!("tests/fixtures/rules/{fixture}"),
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&out).unwrap();
    let found = json
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["file"], format!("tests/fixtures/rules/{fixture}"));
            assert!(f["message"].as_str().is_some_and(|m| !m.is_empty()));
            assert!(f["path"].is_string() && f["column"].is_u64());
            (
                f["code"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (code, found)
}

fn expect(code: &str, severity: &str, line: u64) -> Found {
    (code.to_owned(), severity.to_owned(), line)
}

#[test]
fn the_clean_fixture_has_no_findings() {
    assert_eq!(findings("clean.yaml"), (0, vec![]));
}

#[test]
fn every_rule_has_a_fixture_that_triggers_it_at_the_right_line() {
    let cases: Vec<(&str, i32, Vec<Found>)> = vec![
        ("eks000.yaml", 2, vec![expect("EKS000", "error", 14)]),
        ("eks001.yaml", 1, vec![expect("EKS001", "error", 8)]),
        ("eks002.yaml", 1, vec![expect("EKS002", "error", 10)]),
        ("eks003.yaml", 0, vec![expect("EKS003", "warning", 7)]),
        ("eks004.yaml", 0, vec![expect("EKS004", "warning", 10)]),
        ("eks005.yaml", 0, vec![expect("EKS005", "warning", 8)]),
        ("eks006.yaml", 1, vec![expect("EKS006", "error", 16)]),
        ("eks007.yaml", 1, vec![expect("EKS007", "error", 21)]),
        (
            "eks008.yaml",
            1,
            vec![expect("EKS008", "error", 39), expect("EKS008", "error", 39)],
        ),
        (
            "eks009.yaml",
            1,
            vec![expect("EKS009", "error", 38), expect("EKS009", "error", 38)],
        ),
        (
            "eks010.yaml",
            1,
            vec![expect("EKS010", "error", 34), expect("EKS010", "error", 34)],
        ),
        (
            "eks011.yaml",
            1,
            vec![expect("EKS011", "error", 13), expect("EKS011", "error", 13)],
        ),
        ("eks012.yaml", 0, vec![expect("EKS012", "warning", 46)]),
        ("eks013.yaml", 1, vec![expect("EKS013", "error", 37)]),
        ("eks014.yaml", 1, vec![expect("EKS014", "error", 42)]),
        ("eks015.yaml", 0, vec![expect("EKS015", "info", 10)]),
        ("eks016.yaml", 0, vec![expect("EKS016", "warning", 34)]),
        ("eks017.yaml", 0, vec![expect("EKS017", "warning", 35)]),
        ("eks018.yaml", 0, vec![expect("EKS018", "warning", 35)]),
        ("eks019.yaml", 0, vec![expect("EKS019", "warning", 41)]),
    ];
    let fixtures = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rules"))
        .unwrap()
        .count();
    assert_eq!(
        fixtures,
        cases.len() + 1,
        "a fixture has no case here (or a rule no fixture)"
    );
    let codes: Vec<&str> = eksflow::rules::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    for code in &codes {
        assert!(
            cases
                .iter()
                .any(|(_, _, found)| found.iter().any(|(c, _, _)| c == code)),
            "{code} has no fixture"
        );
    }
    for (fixture, exit, expected) in cases {
        assert_eq!(findings(fixture), (exit, expected), "{fixture}");
    }
}

#[test]
fn warnings_fail_the_run_only_under_deny_warnings() {
    assert_eq!(lint(&["tests/fixtures/rules/eks003.yaml", "--quiet"]).0, 0);
    assert_eq!(
        lint(&[
            "tests/fixtures/rules/eks003.yaml",
            "--quiet",
            "--deny",
            "warnings"
        ])
        .0,
        1
    );
    // Info findings never fail.
    assert_eq!(
        lint(&[
            "tests/fixtures/rules/eks015.yaml",
            "--quiet",
            "--deny",
            "warnings"
        ])
        .0,
        0
    );
}

#[test]
fn select_and_ignore_take_codes_and_prefixes() {
    let (code, out) = lint(&[
        "tests/fixtures/rules",
        "--select",
        "EKS01",
        "--ignore",
        "EKS013,eks014",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2, "eks000.yaml is still invalid");
    let json: Value = serde_json::from_str(&out).unwrap();
    let mut codes: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "EKS000", "EKS010", "EKS011", "EKS012", "EKS015", "EKS016", "EKS017", "EKS018",
            "EKS019"
        ]
    );
    let (code, _) = lint(&["scenarios", "--select", "EKX"]);
    assert_eq!(code, 2, "a prefix matching no rule is a usage error");
}

#[test]
fn directories_are_walked_in_a_stable_order_and_an_invalid_file_does_not_stop_the_rest() {
    let (code, out) = lint(&["tests/fixtures/rules"]);
    assert_eq!(code, 2);
    let files: Vec<&str> = out
        .lines()
        .filter_map(|line| line.split(':').next())
        .filter(|f| f.ends_with(".yaml"))
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    assert!(files.contains(&"tests/fixtures/rules/eks000.yaml"));
    assert!(files.contains(&"tests/fixtures/rules/eks018.yaml"));
    assert!(out.ends_with("in 21 files; 1 file is invalid.\n"), "{out}");
    // The same run twice prints the same thing (workers finish in any order).
    assert_eq!(lint(&["tests/fixtures/rules"]).1, out);
}

#[test]
fn text_lines_have_the_documented_shape() {
    let (_, out) = lint(&["tests/fixtures/rules/eks002.yaml"]);
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        "tests/fixtures/rules/eks002.yaml:10:7: EKS002 [error] cluster.publicAccessCidrs[1]: 198.51.100.20/24 has host bits set; EKS rejects it: write 198.51.100.0/24"
    );
    assert_eq!(
        out.lines().last().unwrap(),
        "Found 1 problem (1 error, 0 warnings, 0 info) in 1 file."
    );
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/sarif/sarif-schema-2.1.0.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let (code, out) = lint(&["tests/fixtures/rules", "--format", "sarif"]);
    assert_eq!(code, 2);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), eksflow::rules::Code::ALL.len());
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "EKS002")
        .unwrap();
    assert_eq!(result["level"], "error");
    assert_eq!(
        rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "EKS002"
    );
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "tests/fixtures/rules/eks002.yaml"
    );
    assert_eq!(location["region"]["startLine"], 10);
    assert_eq!(location["region"]["startColumn"], 7);
    let note = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "EKS015")
        .unwrap();
    assert_eq!(note["level"], "note");
}

#[test]
fn junit_output_is_xml_with_a_suite_per_file_and_cases_per_flow_and_rule() {
    let (code, out) = lint(&[
        "tests/fixtures/rules/clean.yaml",
        "tests/fixtures/rules/eks013.yaml",
        "tests/fixtures/rules/eks000.yaml",
        "--format",
        "junit",
    ]);
    assert_eq!(code, 2);
    let document = roxmltree::Document::parse(&out).unwrap();
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 3);
    assert_eq!(
        suites[0].attribute("name"),
        Some("tests/fixtures/rules/clean.yaml")
    );
    let cases: Vec<_> = suites[0]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let rules = eksflow::rules::Code::ALL.len() - 1; // every rule but EKS000 runs
    // laptop plus the node group's two subnets are flows.
    assert_eq!(cases.len(), 3 + rules);
    assert_eq!(suites[0].attribute("failures"), Some("0"));
    assert!(
        cases
            .iter()
            .any(|c| c.attribute("name") == Some("flow laptop"))
    );
    assert!(
        cases
            .iter()
            .any(|c| c.attribute("name") == Some("rule EKS003 public-endpoint-open-to-internet"))
    );

    let failures: Vec<_> = suites[1]
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    let failed_cases: Vec<_> = failures
        .iter()
        .filter_map(|f| f.parent())
        .filter_map(|c| c.attribute("name"))
        .collect();
    assert_eq!(
        failed_cases,
        ["flow laptop", "rule EKS013 expectation-not-met"]
    );
    assert_eq!(suites[1].attribute("failures"), Some("2"));
    assert_eq!(suites[2].attribute("errors"), Some("1"));
    assert_eq!(root.attribute("failures"), Some("2"));
}

#[test]
fn github_output_is_workflow_commands() {
    let (_, out) = lint(&[
        "tests/fixtures/rules/eks002.yaml",
        "tests/fixtures/rules/eks003.yaml",
        "tests/fixtures/rules/eks015.yaml",
        "--format",
        "github",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("::error file=tests/fixtures/rules/eks002.yaml,line=10,col=7,title=EKS002::cluster.publicAccessCidrs[1]%3A ") || lines[0].starts_with("::error file=tests/fixtures/rules/eks002.yaml,line=10,col=7,title=EKS002::cluster.publicAccessCidrs[1]: "), "{}", lines[0]);
    assert!(
        lines[1].starts_with(
            "::warning file=tests/fixtures/rules/eks003.yaml,line=7,col=19,title=EKS003::"
        ),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(
            "::notice file=tests/fixtures/rules/eks015.yaml,line=10,col=7,title=EKS015::"
        ),
        "{}",
        lines[2]
    );
    for line in lines {
        let (command, message) = line
            .split_once("::")
            .and_then(|(_, rest)| rest.split_once("::"))
            .unwrap();
        assert!(command.split_once(' ').is_some_and(|(level, props)| {
            ["error", "warning", "notice"].contains(&level)
                && props.split(',').all(|p| p.contains('='))
        }));
        assert!(!message.is_empty() && !message.contains('\n'));
    }
}

#[test]
fn markdown_output_has_findings_and_flow_tables_per_file() {
    let (code, out) = lint(&["tests/fixtures/rules/eks012.yaml", "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(
            "# eksflow lint\n\nFound 1 problem (0 errors, 1 warning, 0 info) in 1 file.\n"
        ),
        "{out}"
    );
    assert!(out.contains("| `argocd` | 10.1.1.25 |"), "{out}");
    assert!(out.contains("| warning | EKS012 |"), "{out}");
}

#[test]
fn the_bundled_scenarios_lint_with_exactly_the_findings_they_demonstrate() {
    let (code, out) = lint(&["scenarios", "--format", "json"]);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(&str, &str)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().trim_start_matches("scenarios/"),
                f["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("allowlist-forgets-nat.yaml", "EKS013"),
            ("allowlist-forgets-nat.yaml", "EKS013"),
            ("custom-dhcp-dns.yaml", "EKS003"),
            ("custom-dhcp-dns.yaml", "EKS007"),
            ("dns-hostnames-off.yaml", "EKS006"),
            ("peered-vpc.yaml", "EKS012"),
            ("public-and-private.yaml", "EKS003"),
            ("vpn-office-public-dns.yaml", "EKS012"),
        ]
    );
}

#[test]
fn rules_lists_every_rule_and_explains_one() {
    let output = eksflow().arg("rules").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.lines().count(), eksflow::rules::Code::ALL.len());
    let output = eksflow().args(["rules", "eks010"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    for section in [
        "Why it matters",
        "Example",
        "How to fix it",
        "References",
        "private-clusters.html",
    ] {
        assert!(text.contains(section), "{section}: {text}");
    }
    assert_eq!(
        eksflow()
            .args(["rules", "EKS999"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn docs_rules_md_is_generated_from_the_rule_texts() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md")).unwrap();
    assert!(
        committed == eksflow::rules::catalogue_markdown(),
        "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
}
