//! `lint` end to end: one fixture per rule (tests/fixtures/rules/) and for its other variants,
//! `ignore:` in a scenario, exit codes, selection, `--quiet`, and
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
    let (code, out, _) = lint_with_stderr(args);
    (code, out)
}

/// Exit code, standard output and standard error of `eksflow lint ARGS`.
fn lint_with_stderr(args: &[&str]) -> (i32, String, String) {
    let output = eksflow().arg("lint").args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const RULES: &str = "tests/fixtures/rules";

/// `tests/fixtures/rules/NAME`, as lint prints it.
fn fixture(name: &str) -> String {
    format!("{RULES}/{name}")
}

/// The text a fixture holds.
fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(format!("{}/{RULES}/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// `lint FIXTURE ARGS` in text: exit code and the output lines.
fn lint_lines(name: &str, args: &[&str]) -> (i32, Vec<String>) {
    let file = fixture(name);
    let (code, out) = lint(&[&[file.as_str()], args].concat());
    (code, out.lines().map(str::to_owned).collect())
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

/// The fixtures that show a rule's other variants, or an `ignore:`, each tested on its own
/// below (with its exact output).
const VARIANT_FIXTURES: [&str; 6] = [
    "eks010-errors.yaml",
    "eks010-warnings.yaml",
    "eks011-limits.yaml",
    "eks014-other-connections.yaml",
    "eks017-unknown-code.yaml",
    "ignore-eks003.yaml",
];

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
        (
            "eks020.yaml",
            0,
            [18, 25, 33, 38, 42, 50, 51]
                .into_iter()
                .map(|line| expect("EKS020", "warning", line))
                .collect(),
        ),
        ("eks021.yaml", 1, vec![expect("EKS021", "error", 15)]),
        ("eks022.yaml", 1, vec![expect("EKS022", "error", 7)]),
        ("eks023.yaml", 1, vec![expect("EKS023", "error", 38)]),
        (
            "eks024.yaml",
            0,
            vec![
                expect("EKS024", "warning", 10),
                expect("EKS024", "warning", 14),
                expect("EKS024", "warning", 15),
            ],
        ),
        ("eks025.yaml", 0, vec![expect("EKS025", "warning", 38)]),
        (
            "eks026.yaml",
            0,
            vec![expect("EKS026", "info", 39), expect("EKS026", "info", 42)],
        ),
        ("eks027.yaml", 0, vec![expect("EKS027", "warning", 49)]),
        ("eks028.yaml", 1, vec![expect("EKS028", "error", 68)]),
        ("eks029.yaml", 0, vec![expect("EKS029", "warning", 61)]),
        ("eks030.yaml", 0, vec![expect("EKS030", "warning", 70)]),
        (
            "eks031.yaml",
            1,
            vec![
                expect("EKS031", "error", 15),
                expect("EKS037", "warning", 15),
            ],
        ),
        (
            "eks032.yaml",
            1,
            vec![
                expect("EKS032", "error", 15),
                expect("EKS037", "warning", 15),
            ],
        ),
        (
            "eks033.yaml",
            1,
            vec![
                expect("EKS021", "error", 9),
                expect("EKS021", "error", 12),
                expect("EKS021", "error", 13),
                expect("EKS033", "error", 15),
            ],
        ),
        (
            "eks034.yaml",
            0,
            vec![
                expect("EKS003", "warning", 7),
                expect("EKS034", "warning", 7),
            ],
        ),
        (
            "eks035.yaml",
            1,
            vec![expect("EKS009", "error", 53), expect("EKS035", "error", 53)],
        ),
        (
            "eks036.yaml",
            0,
            vec![
                expect("EKS036", "warning", 11),
                expect("EKS036", "warning", 12),
            ],
        ),
        ("eks037.yaml", 0, vec![expect("EKS037", "warning", 15)]),
    ];
    let mut fixtures: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rules"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    fixtures.sort();
    let mut known: Vec<String> = cases
        .iter()
        .map(|(fixture, _, _)| *fixture)
        .chain(["clean.yaml"])
        .chain(VARIANT_FIXTURES)
        .map(str::to_owned)
        .collect();
    known.sort();
    assert_eq!(
        fixtures, known,
        "a fixture has no case here or in VARIANT_FIXTURES (or a case no fixture)"
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
    assert!(out.ends_with("in 45 files; 1 file is invalid.\n"), "{out}");
    // The same run twice prints the same thing (workers finish in any order).
    assert_eq!(lint(&["tests/fixtures/rules"]).1, out);
}

/// EKS020 points at the very field written with host bits, in VPCs, subnets, route tables,
/// security groups, network ACLs and networks, and says which block is read.
#[test]
fn host_bits_are_reported_at_each_cidr_field() {
    let (code, out) = lint(&[&fixture("eks020.yaml"), "--format", "json"]);
    assert_eq!(
        code, 0,
        "a warning: AWS stores the block, it does not reject it"
    );
    let json: Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(&str, &str)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    let paths: Vec<&str> = found.iter().map(|(path, _)| *path).collect();
    assert_eq!(
        paths,
        [
            "vpcs[0].cidrs[1]",
            "vpcs[0].subnets[2].cidr",
            "vpcs[0].routeTables[1].routes[1].destination",
            "vpcs[0].securityGroups[0].ingress[1].cidr",
            "vpcs[0].networkAcls[0].inbound[0].cidr",
            "networks[0].cidrs[0]",
            "networks[0].routes[0].destination",
        ]
    );
    assert_eq!(
        found[1].1,
        "subnet subnet-b CIDR `10.0.2.77/24` has host bits set: AWS stores it as 10.0.2.0/24 and eksflow reads it the same way; write 10.0.2.0/24"
    );
    assert_eq!(
        found[3].1,
        "security group sg-cluster ingress rule CIDR `192.168.1.20/24` has host bits set: AWS stores it as 192.168.1.0/24 and eksflow reads it the same way, so it covers all of 192.168.1.0/24; write 192.168.1.0/24, or 192.168.1.20/32 if only 192.168.1.20 was meant"
    );
    assert!(
        found[4]
            .1
            .starts_with("network ACL acl-a inbound rule 90 CIDR `192.168.7.9/24`")
    );
    assert!(
        found[5].1.contains("eksflow reads it as 192.168.0.0/16") && !found[5].1.contains("AWS")
    );
    // A warning: it fails the run only under --deny warnings.
    assert_eq!(
        lint(&[&fixture("eks020.yaml"), "--quiet", "--deny", "warnings"]).0,
        1
    );
}

/// `publicAccessCidrs: []` loads and is EKS001 (1 to 40 entries); the analysis takes the
/// list as written, so the laptop's public flow is refused and its expectation fails.
#[test]
fn an_empty_allowlist_is_eks001() {
    let text = fixture_text("clean.yaml").replace(
        "  publicAccessCidrs: [203.0.113.0/24]\n",
        "  publicAccessCidrs: []\n",
    );
    assert!(text.contains("publicAccessCidrs: []"));
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join(format!("empty-allowlist-{}.yaml", std::process::id()));
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();

    let (code, out) = lint(&[file, "--format", "json"]);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(&str, &str, u64, &str)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("EKS001", "error", 8, "cluster.publicAccessCidrs"),
            ("EKS013", "error", 37, "clients[0].expect"),
        ]
    );
    assert_eq!(
        json[0]["message"],
        "publicAccessCidrs is empty: EKS takes 1 to 40 blocks; leave the field out for the default 0.0.0.0/0"
    );
    assert!(
        json[1]["message"]
            .as_str()
            .unwrap()
            .contains("PUBLIC_CIDR_DENY"),
        "{}",
        json[1]["message"]
    );
    std::fs::remove_file(file).unwrap();
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
fn quiet_drops_the_summary_line_and_nothing_else() {
    let eks002 = fixture("eks002.yaml");
    let finding = "tests/fixtures/rules/eks002.yaml:10:7: EKS002 [error] cluster.publicAccessCidrs[1]: 198.51.100.20/24 has host bits set; EKS rejects it: write 198.51.100.0/24\n";
    assert_eq!(
        lint(&[&eks002]),
        (
            1,
            format!("{finding}Found 1 problem (1 error, 0 warnings, 0 info) in 1 file.\n")
        )
    );
    assert_eq!(lint(&[&eks002, "--quiet"]), (1, finding.to_owned()));
    assert_eq!(lint(&[&eks002, "-q"]), (1, finding.to_owned()));

    // A clean file: the summary was all there was.
    let clean = fixture("clean.yaml");
    assert_eq!(lint(&[&clean]), (0, "No problems in 1 file.\n".to_owned()));
    assert_eq!(lint(&[&clean, "--quiet"]), (0, String::new()));

    // An invalid file keeps its EKS000 line, its problem on standard error and exit 2.
    let eks000 = fixture("eks000.yaml");
    let (code, out, err) = lint_with_stderr(&[&eks000]);
    let (quiet_code, quiet_out, quiet_err) = lint_with_stderr(&[&eks000, "--quiet"]);
    assert_eq!((quiet_code, &quiet_err), (2, &err));
    assert_eq!(code, 2);
    assert_eq!(
        quiet_out,
        "tests/fixtures/rules/eks000.yaml:14:31: EKS000 [error] cluster.enis[1].ip: `10.0.2.300` is not an IPv4 address (load: bad-value)\n"
    );
    let summary = out.strip_prefix(&quiet_out).unwrap();
    assert!(summary == "1 file is invalid.\n", "{summary}");

    // A directory: the same lines in the same order, less the last; the same exit code.
    let (code, out) = lint(&[RULES]);
    let (quiet_code, quiet_out) = lint(&[RULES, "--quiet"]);
    assert_eq!(quiet_code, code);
    let summary = out.strip_prefix(&quiet_out).unwrap();
    assert!(
        summary.starts_with("Found ")
            && summary.ends_with(" in 45 files; 1 file is invalid.\n")
            && summary.lines().count() == 1,
        "{summary}"
    );

    // The machine formats have no summary line, so --quiet leaves them as they are.
    for format in ["json", "github", "sarif"] {
        assert_eq!(
            lint(&[&eks002, "--format", format, "--quiet"]),
            lint(&[&eks002, "--format", format]),
            "{format}"
        );
    }
}

#[test]
fn an_ignore_with_a_reason_silences_its_rule_in_that_scenario() {
    // ignore-eks003.yaml is eks003.yaml plus the ignore entry.
    let without_ignore = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| {
                !line.starts_with('#')
                    && !line.starts_with("name:")
                    && *line != "ignore:"
                    && !line.contains("{ code: EKS003, reason: ")
            })
            .map(str::to_owned)
            .collect()
    };
    let ignoring = fixture_text("ignore-eks003.yaml");
    assert!(ignoring.contains(
        "ignore:\n  - { code: EKS003, reason: \"the public endpoint is open on purpose\" }\n"
    ));
    assert_eq!(
        without_ignore(&ignoring),
        without_ignore(&fixture_text("eks003.yaml"))
    );

    assert_eq!(
        lint_lines("eks003.yaml", &[]),
        (
            0,
            vec![
                "tests/fixtures/rules/eks003.yaml:7:19: EKS003 [warning] cluster.endpointAccess: the public endpoint accepts the whole internet: publicAccessCidrs is 0.0.0.0/0 (the default when publicAccessCidrs is not set)".to_owned(),
                "Found 1 problem (0 errors, 1 warning, 0 info) in 1 file.".to_owned(),
            ]
        )
    );
    let nothing = (0, vec!["No problems in 1 file.".to_owned()]);
    assert_eq!(lint_lines("ignore-eks003.yaml", &[]), nothing);
    // Gone, not demoted: --deny warnings fails the one and passes the other...
    assert_eq!(lint_lines("eks003.yaml", &["--deny", "warnings"]).0, 1);
    assert_eq!(
        lint_lines("ignore-eks003.yaml", &["--deny", "warnings"]),
        nothing
    );
    // ...--select cannot bring it back, and no format reports it.
    assert_eq!(
        lint_lines("ignore-eks003.yaml", &["--select", "EKS003"]),
        nothing
    );
    assert_eq!(
        lint(&[&fixture("ignore-eks003.yaml"), "--format", "json"]),
        (0, "[]\n".to_owned())
    );
    assert_eq!(
        lint(&[&fixture("ignore-eks003.yaml"), "--format", "github"]),
        (0, String::new())
    );
    // `check` runs the same rules and honours the same ignore.
    let check_findings = |name: &str| -> Vec<String> {
        let output = eksflow()
            .args(["check", &fixture(name), "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{name}");
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        json[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(check_findings("eks003.yaml"), ["EKS003"]);
    assert!(check_findings("ignore-eks003.yaml").is_empty());
}

#[test]
fn an_ignore_without_a_reason_is_invalid_input() {
    let text = fixture_text("ignore-eks003.yaml")
        .replace(", reason: \"the public endpoint is open on purpose\"", "");
    assert!(text.contains("\nignore:\n  - { code: EKS003 }\n"));
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ignore-without-reason-{}.yaml", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let file = path.to_str().unwrap();
    let (code, out, err) = lint_with_stderr(&[file]);
    let (json_code, json, _) = lint_with_stderr(&[file, "--format", "json"]);
    std::fs::remove_file(&path).unwrap();

    assert_eq!(code, 2);
    // Printed once: as the report's EKS000 line, not again on standard error.
    assert_eq!(err, "");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        lines[0],
        format!(
            "{file}:35:5: EKS000 [error] ignore[0]: missing required field `reason` (load: missing-field)"
        )
    );
    assert_eq!(lines[1], "1 file is invalid.", "{out}");
    // No finding of the scenario is reported: it did not load.
    assert!(!out.contains("EKS003"), "{out}");
    assert_eq!(json_code, 2);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{
            "code": "EKS000",
            "load": "missing-field",
            "severity": "error",
            "message": "missing required field `reason` (load: missing-field)",
            "file": file,
            "line": 35,
            "column": 5,
            "path": "ignore[0]"
        }])
    );

    // The same from standard input, and from `check`.
    let output = eksflow()
        .args(["lint", "-"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "<stdin>:35:5: EKS000 [error] ignore[0]: missing required field `reason` (load: missing-field)\n1 file is invalid.\n"
    );
    assert!(output.stderr.is_empty());
    let output = eksflow()
        .args(["check", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "<stdin>:35:5: ignore[0]: missing required field `reason`\n"
    );
}

#[test]
fn an_ignore_that_silences_nothing_stays_and_is_reported_as_eks017() {
    // The allowlist is restricted, so the ignored EKS003 never fires.
    assert_eq!(
        lint_lines("eks017.yaml", &[]),
        (
            0,
            vec![
                "tests/fixtures/rules/eks017.yaml:35:5: EKS017 [warning] ignore[0]: the ignore for EKS003 silences nothing: no EKS003 finding in this scenario".to_owned(),
                "Found 1 problem (0 errors, 1 warning, 0 info) in 1 file.".to_owned(),
            ]
        )
    );
    assert_eq!(lint_lines("eks017.yaml", &["--deny", "warnings"]).0, 1);
    // A code that is no rule is reported at the code itself.
    assert_eq!(
        lint_lines("eks017-unknown-code.yaml", &[]),
        (
            0,
            vec![
                "tests/fixtures/rules/eks017-unknown-code.yaml:35:13: EKS017 [warning] ignore[0].code: `EKS099` is not an eksflow rule (see `eksflow rules`)".to_owned(),
                "Found 1 problem (0 errors, 1 warning, 0 info) in 1 file.".to_owned(),
            ]
        )
    );
}

#[test]
fn eks010_missing_ec2_and_sts_are_warnings_missing_ecr_dkr_and_private_dns_off_are_errors() {
    let isolated = "node subnets without an internet route (default@subnet-a, default@subnet-b)";
    assert_eq!(
        lint_lines("eks010-warnings.yaml", &[]),
        (
            0,
            vec![
                format!(
                    "tests/fixtures/rules/eks010-warnings.yaml:35:7: EKS010 [warning] vpcs[0].vpcEndpoints: {isolated} and no ec2 VPC endpoint in vpc-main: the VPC CNI and node bootstrap cannot call EC2"
                ),
                format!(
                    "tests/fixtures/rules/eks010-warnings.yaml:35:7: EKS010 [warning] vpcs[0].vpcEndpoints: {isolated} and no sts VPC endpoint in vpc-main: IAM roles for service accounts cannot get credentials"
                ),
                "Found 2 problems (0 errors, 2 warnings, 0 info) in 1 file.".to_owned(),
            ]
        )
    );
    assert_eq!(
        lint_lines("eks010-warnings.yaml", &["--deny", "warnings"]).0,
        1
    );
    assert_eq!(
        lint_lines("eks010-errors.yaml", &[]),
        (
            1,
            vec![
                format!("tests/fixtures/rules/eks010-errors.yaml:35:7: EKS010 [error] vpcs[0].vpcEndpoints: {isolated} and no ecr.dkr VPC endpoint in vpc-main: nodes cannot pull images from ECR"),
                "tests/fixtures/rules/eks010-errors.yaml:36:21: EKS010 [error] vpcs[0].vpcEndpoints[0].privateDns: the ecr.api interface endpoint has private DNS off: nodes resolve the service's public name and cannot reach it without internet access".to_owned(),
                "Found 2 problems (2 errors, 0 warnings, 0 info) in 1 file.".to_owned(),
            ]
        )
    );
    assert!(
        fixture_text("eks010-errors.yaml")
            .contains("      - service: ecr.api\n        privateDns: false\n")
    );
}

#[test]
fn eks010_an_sts_endpoint_without_private_dns_is_a_warning_like_a_missing_one() {
    let text = fixture_text("eks010-warnings.yaml").replace(
        "      - { service: s3, routeTables: [rt-private] }\n",
        "      - { service: s3, routeTables: [rt-private] }\n      - { service: sts, privateDns: false, subnets: [subnet-a, subnet-b] }\n",
    );
    assert!(text.contains("service: sts, privateDns: false"));
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sts-private-dns-off-{}.yaml", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let file = path.to_str().unwrap();
    let (code, out, _) = lint_with_stderr(&[file]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("EKS010 [warning] vpcs[0].vpcEndpoints[3].privateDns: the sts interface endpoint has private DNS off"),
        "{out}"
    );
}

#[test]
fn eks011_more_than_4_enis_more_than_5_security_groups_and_one_zone() {
    assert_eq!(
        lint_lines("eks011-limits.yaml", &[]),
        (
            1,
            vec![
                "tests/fixtures/rules/eks011-limits.yaml:12:19: EKS011 [error] cluster.securityGroups: 6 security groups on the EKS ENIs; EKS accepts the cluster security group plus at most 4 more (5 in all)".to_owned(),
                "tests/fixtures/rules/eks011-limits.yaml:14:5: EKS011 [error] cluster.enis: the cluster has 5 EKS-owned ENIs; EKS creates 2 to 4, in the cluster subnets".to_owned(),
                "tests/fixtures/rules/eks011-limits.yaml:14:5: EKS011 [error] cluster.enis: all cluster subnets are in one Availability Zone (eu-west-1a); EKS requires subnets in at least two AZs".to_owned(),
                "Found 3 problems (3 errors, 0 warnings, 0 info) in 1 file.".to_owned(),
            ]
        )
    );
}

#[test]
fn eks014_overlap_is_an_error_across_a_peering_and_a_warning_across_a_transit_gateway_or_vpn() {
    assert_eq!(
        lint_lines("eks014.yaml", &[]),
        (
            1,
            vec![
                "tests/fixtures/rules/eks014.yaml:42:5: EKS014 [error] connections[0]: peering connection pcx-tools joins vpc-main (10.0.0.0/16) and vpc-tools (10.0.128.0/17), whose CIDRs overlap: AWS rejects the peering".to_owned(),
                "Found 1 problem (1 error, 0 warnings, 0 info) in 1 file.".to_owned(),
            ]
        )
    );
    assert_eq!(
        lint_lines("eks014-other-connections.yaml", &[]),
        (
            0,
            vec![
                "tests/fixtures/rules/eks014-other-connections.yaml:45:5: EKS014 [warning] connections[0]: transit gateway tgw-hub connects vpc-main (10.0.0.0/16) and vpc-tools (10.0.128.0/17), whose CIDRs overlap: traffic for the overlap stays local".to_owned(),
                "tests/fixtures/rules/eks014-other-connections.yaml:46:5: EKS014 [warning] connections[1]: VPN connection vpn-office connects vpc-main (10.0.0.0/16) and office (10.0.64.0/18), whose CIDRs overlap: traffic for the overlap stays local".to_owned(),
                "Found 2 problems (0 errors, 2 warnings, 0 info) in 1 file.".to_owned(),
            ]
        )
    );
    assert_eq!(
        lint_lines("eks014-other-connections.yaml", &["--deny", "warnings"]).0,
        1
    );
}

#[test]
fn select_and_ignore_set_the_exit_code_with_and_without_deny_warnings() {
    let exit = |name: &str, args: &[&str]| lint_lines(name, args).0;
    // An error finding fails the run until it is not selected or is ignored, by code or prefix.
    assert_eq!(exit("eks014.yaml", &[]), 1);
    assert_eq!(exit("eks014.yaml", &["--select", "EKS014"]), 1);
    assert_eq!(exit("eks014.yaml", &["--select", "EKS01"]), 1);
    assert_eq!(
        lint_lines("eks014.yaml", &["--select", "EKS003"]),
        (0, vec!["No problems in 1 file.".to_owned()])
    );
    assert_eq!(
        lint_lines("eks014.yaml", &["--ignore", "EKS014"]),
        (0, vec!["No problems in 1 file.".to_owned()])
    );
    assert_eq!(exit("eks014.yaml", &["--ignore", "eks01"]), 0);
    assert_eq!(
        exit("eks014.yaml", &["--select", "EKS01", "--ignore", "EKS014"]),
        0
    );
    // Only the selected findings count: the ecr.dkr error goes with EKS010 and leaves nothing.
    assert_eq!(exit("eks010-errors.yaml", &["--ignore", "EKS010"]), 0);
    // Warnings fail only under --deny warnings, and only those selected.
    assert_eq!(exit("eks014-other-connections.yaml", &[]), 0);
    assert_eq!(
        exit("eks014-other-connections.yaml", &["--deny", "warnings"]),
        1
    );
    assert_eq!(
        exit(
            "eks014-other-connections.yaml",
            &["--deny", "warnings", "--ignore", "EKS014"]
        ),
        0
    );
    assert_eq!(
        exit(
            "eks014-other-connections.yaml",
            &["--deny", "warnings", "--select", "EKS003,EKS011"]
        ),
        0
    );
    assert_eq!(
        exit(
            "eks014-other-connections.yaml",
            &["--deny", "warnings", "--select", "EKS014"]
        ),
        1
    );
    // An invalid file exits 2 whatever is selected or ignored.
    assert_eq!(exit("eks000.yaml", &["--ignore", "EKS000"]), 2);
    assert_eq!(exit("eks000.yaml", &["--select", "EKS003"]), 2);
    // A prefix naming no rule is a usage error, in --ignore as in --select.
    let (code, out, err) = lint_with_stderr(&[&fixture("clean.yaml"), "--ignore", "EKX"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: `EKX` matches no rule code (see `eksflow rules`)\n"
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
            ("centralised-egress-allowlist-forgets-nat.yaml", "EKS008"),
            ("centralised-egress-allowlist-forgets-nat.yaml", "EKS008"),
            ("centralised-egress-allowlist-forgets-nat.yaml", "EKS013"),
            ("custom-dhcp-dns.yaml", "EKS003"),
            ("custom-dhcp-dns.yaml", "EKS007"),
            ("dns-hostnames-off.yaml", "EKS006"),
            ("dual-stack.yaml", "EKS026"),
            ("hybrid-direct-connect.yaml", "EKS036"),
            ("hybrid-direct-connect.yaml", "EKS036"),
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
