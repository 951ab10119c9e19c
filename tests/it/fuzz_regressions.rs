//! Fuzzing, replayed on stable Rust: every input kept in tests/fixtures/fuzz/<target>/ (the
//! inputs that found bugs, minimised, and the DNS seeds) and the seed corpora (bundled
//! scenarios and test fixtures) go through the fuzz targets' own code, fuzz/src/lib.rs,
//! included here, so an input replays exactly as the fuzzer ran it. That code panics when
//! eksflow breaks a promise (a panic inside eksflow, a JSON report that is not JSON, an import
//! that does not load...); the tests below also pin down what each input comes to.
//! docs/fuzzing.md says how to run the fuzzers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "../../fuzz/src/lib.rs"]
mod harness;

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use eksflow::import::{self, Kind, Options};

const KEPT: &str = "tests/fixtures/fuzz";

fn read(path: impl AsRef<Path>) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The files of a folder (relative to the crate root) whose name ends with one of `ends`,
/// sorted; none of them hidden.
fn files(folder: &str, ends: &[&str]) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            path.is_file() && !name.starts_with('.') && ends.iter().any(|end| name.ends_with(end))
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no files in {folder}");
    found
}

fn kept(target: &str, name: &str) -> Vec<u8> {
    read(format!("{KEPT}/{target}/{name}"))
}

// ---- every kept input has a test --------------------------------------------------------

/// The kept inputs and the tests that pin their outcome; a new file needs a line here.
const KEPT_INPUTS: &[(&str, &str)] = &[
    ("command_line", "check-json-vpn-office.bin"),
    ("command_line", "diff-plan-json.bin"),
    ("command_line", "diff-two-scenarios-json.bin"),
    ("command_line", "lint-sarif-scenario-and-eksctl.bin"),
    ("command_line", "trace-with-clients-private.bin"),
    ("diff", "allowlist-drops-nat.yaml"),
    ("dns_wire", "answer-custom-name.bin"),
    ("dns_wire", "answer-servfail.bin"),
    ("dns_wire", "answer-two-enis.bin"),
    ("dns_wire", "wire-response.bin"),
    ("import_aws", "allowlist-prefix-33.json"),
    ("import_clients", "key-longer-than-1024.yaml"),
    ("import_clients", "office-and-laptop.yaml"),
    ("import_clients", "unknown-subnet.yaml"),
    ("import_aws", "endpoint-not-a-hostname.json"),
    ("import_cloudformation", "del-in-a-comment.yaml"),
    ("import_cloudformation", "secondary-cidr-leading-zero.yaml"),
    ("import_eksctl", "region-not-a-dns-label.yaml"),
    ("import_terraform", "secondary-cidr-not-a-cidr.json"),
    ("scenario", "region-not-a-dns-label.yaml"),
    ("scenario", "undefined-alias-after-mapping-key.yaml"),
    ("scenario", "undefined-alias-in-second-document.yaml"),
];

#[test]
fn every_kept_input_is_listed_and_replays_without_breaking_a_promise() {
    let mut found = Vec::new();
    for target in [
        "scenario",
        "import_terraform",
        "import_eksctl",
        "import_cloudformation",
        "import_aws",
        "import_clients",
        "dns_wire",
        "command_line",
        "diff",
    ] {
        for path in files(&format!("{KEPT}/{target}"), &[""]) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let data = std::fs::read(&path).unwrap();
            match target {
                "scenario" => {
                    harness::scenario(&data);
                }
                "import_clients" => {
                    let _ = harness::import_clients(&data);
                }
                "dns_wire" => {
                    harness::dns_decode(&data);
                    harness::dns_answer(&data);
                }
                "command_line" => {
                    harness::command_line(&data);
                }
                "diff" => {
                    harness::diff(&data);
                }
                _ => {
                    let kind = Kind::parse(target.trim_start_matches("import_")).unwrap();
                    let _ = harness::import(kind, &data);
                }
            }
            found.push((target, name));
        }
    }
    found.sort();
    let mut listed: Vec<(&str, String)> = KEPT_INPUTS
        .iter()
        .map(|(target, name)| (*target, (*name).to_owned()))
        .collect();
    listed.sort();
    assert_eq!(found, listed, "tests/fixtures/fuzz and KEPT_INPUTS differ");
}

#[test]
fn the_command_line_seeds_exit_as_the_commands_do() {
    let code = |name: &str| harness::command_line(&kept("command_line", name));
    // A clean bundled scenario; an allowlist finding (EKS013 errors) and an eksctl EKS006;
    // a diff that breaks the nodes; a plan whose nodes are blocked (errors added); a trace
    // with a merged client that has no expectation.
    assert_eq!(code("check-json-vpn-office.bin"), 0);
    assert_eq!(code("lint-sarif-scenario-and-eksctl.bin"), 1);
    assert_eq!(code("diff-two-scenarios-json.bin"), 1);
    assert_eq!(code("diff-plan-json.bin"), 1);
    assert_eq!(code("trace-with-clients-private.bin"), 0);
}

#[test]
fn the_diff_seed_breaks() {
    assert_eq!(
        harness::diff(&kept("diff", "allowlist-drops-nat.yaml")),
        Some(true)
    );
}

// ---- bugs the fuzzers found -------------------------------------------------------------

#[test]
fn an_alias_to_an_undefined_anchor_after_a_mapping_key_is_a_problem_not_a_panic() {
    // Found by the scenario target: serde_yaml 0.9 panicked ("unexpected end of mapping").
    // Minimised by libFuzzer to six bytes.
    assert_eq!(
        harness::scenario(&kept("scenario", "undefined-alias-after-mapping-key.yaml")),
        harness::ScenarioOutcome {
            loaded: 0,
            problems: vec!["fuzz.yaml:1:5: unknown anchor".to_owned()],
            flows: 0,
        }
    );
    // The documents before the broken one still load, as before a syntax error.
    assert_eq!(
        harness::scenario(&kept("scenario", "undefined-alias-in-second-document.yaml")),
        harness::ScenarioOutcome {
            loaded: 1,
            problems: vec!["fuzz.yaml:42:5: unknown anchor".to_owned()],
            flows: 3,
        }
    );
    // An undefined alias elsewhere was already an error, and still is, once.
    assert_eq!(
        harness::scenario(b"version: *v\n").problems,
        vec!["fuzz.yaml:1:10: unknown anchor".to_owned()]
    );
}

const REGION_PROBLEM: &str = "cluster.region: `eu|west-1` cannot be part of the endpoint hostname <id>.gr7.eu|west-1.eks.amazonaws.com (a region is a DNS label such as eu-west-1); set cluster.endpoint to give the hostname";

#[test]
fn a_region_that_cannot_be_a_dns_label_is_a_problem_not_a_silent_failure() {
    // Found by import_eksctl: the derived endpoint hostname could not be built, the cluster
    // was dropped without a problem, and `check` exited 2 printing nothing.
    let outcome = harness::scenario(&kept("scenario", "region-not-a-dns-label.yaml"));
    assert_eq!(
        outcome,
        harness::ScenarioOutcome {
            loaded: 0,
            problems: vec![format!("fuzz.yaml:8:11: {REGION_PROBLEM}")],
            flows: 0,
        }
    );
}

#[test]
fn an_eksctl_region_that_cannot_be_a_dns_label_fails_the_import_with_the_reason() {
    let error = harness::import(
        Kind::Eksctl,
        &kept("import_eksctl", "region-not-a-dns-label.yaml"),
    )
    .unwrap_err();
    assert_eq!(
        error,
        format!(
            "cluster.yaml: the source does not make a scenario eksflow can load: cluster `c`: {REGION_PROBLEM}"
        )
    );
}

/// Each import whose source holds a value eksflow refuses: before the fix the import
/// succeeded and wrote a scenario that did not load; now it fails, naming the value.
#[test]
fn an_import_whose_scenario_would_not_load_fails_naming_the_value() {
    let cases: &[(Kind, &str, &str)] = &[
        (
            Kind::Aws,
            "endpoint-not-a-hostname.json",
            "cluster `c`: cluster.endpoint: `A;B.gr7.eu-west-1.eks.amazonaws.com` is not a DNS domain name: Malformed label: A;B",
        ),
        (
            Kind::Aws,
            "allowlist-prefix-33.json",
            "cluster `c`: cluster.publicAccessCidrs[0]: `203.0.113.0/33` is not a valid CIDR block: prefix length `33` is not in 0-32",
        ),
        (
            Kind::CloudFormation,
            "secondary-cidr-leading-zero.yaml",
            "cluster `c`: vpcs[0].cidrs[1]: `050.64.0.0/16` is not a valid CIDR block: `050.64.0.0` is not an IP address: leading zeros are ambiguous (some tools read them as octal); write `50.64.0.0`",
        ),
        (
            Kind::Terraform,
            "secondary-cidr-not-a-cidr.json",
            "cluster `core`: vpcs[0].cidrs[1]: `100.64.0.aws_s3_bucket.data0/16` is not a valid CIDR block: `100.64.0.aws_s3_bucket.data0` is not an IP address",
        ),
    ];
    for (kind, name, problem) in cases {
        let target = format!("import_{}", kind.as_str());
        let error = harness::import(*kind, &kept(&target, name)).unwrap_err();
        let file = harness::import_file(*kind);
        assert!(
            error.starts_with(&format!(
                "{file}: the source does not make a scenario eksflow can load: "
            )),
            "{name}: {error}"
        );
        // One problem, one line: each problem of the import follows the colon.
        assert!(
            error.ends_with(&format!(": {problem}")) || error.contains(&format!(": {problem} ")),
            "{name}: {error}"
        );
    }
}

#[test]
fn characters_yaml_cannot_hold_never_reach_an_imported_scenario_raw() {
    // Found by import_cloudformation: a DEL in a resource type went as it was into the
    // comment listing the resources left out, and YAML refuses control characters.
    let data = kept("import_cloudformation", "del-in-a-comment.yaml");
    assert_eq!(
        harness::import(Kind::CloudFormation, &data),
        Ok(vec!["c".to_owned()])
    );
    let text = String::from_utf8(data).unwrap();
    let built = import::import_str(
        Some(Kind::CloudFormation),
        "t.yaml",
        &text,
        &Options::default(),
    )
    .unwrap();
    let yaml = &built[0].yaml;
    assert!(!yaml.contains('\u{7f}'), "{yaml}");
    assert!(
        yaml.contains("#   - Odd (AWS::EC2::Odd\u{fffd}Thing)"),
        "{yaml}"
    );
    // The character, as it was, does stop a scenario from loading.
    let raw = yaml.replace('\u{fffd}', "\u{7f}");
    assert!(eksflow::scenario::load_one("raw.yaml", &raw).is_err());
}

#[test]
fn clients_files_merge_into_an_import_or_fail_it_naming_the_client() {
    assert_eq!(
        harness::import_clients(&kept("import_clients", "office-and-laptop.yaml")),
        Ok(3)
    );
    assert_eq!(
        harness::import_clients(&kept("import_clients", "unknown-subnet.yaml")),
        Err("cluster.yaml: the source does not make a scenario eksflow can load: cluster `payments`: clients[0].from: `subnet-nowhere` is not defined: no subnet or network has this id".to_owned())
    );
    // The 1,100-character key reaches the imported scenario intact (an explicit `? key`) and
    // is refused there as what it is, an unknown field of the client.
    let long_key =
        harness::import_clients(&kept("import_clients", "key-longer-than-1024.yaml")).unwrap_err();
    assert!(
        long_key.contains("clients[0].kkkkkkkk") && long_key.contains("unknown field"),
        "{long_key}"
    );
    let not_a_mapping = harness::import_clients(b"clients: [laptop]").unwrap_err();
    assert_eq!(
        not_a_mapping,
        "clients.yaml: clients[0]: a client is a mapping (name, from, ip, ...)"
    );
}

// ---- the DNS seeds ----------------------------------------------------------------------

#[test]
fn answers_resolve_builds_survive_the_wire_unchanged() {
    assert_eq!(
        harness::dns_answer(&kept("dns_wire", "answer-two-enis.bin")),
        Some(vec![
            Ipv4Addr::new(10, 0, 1, 10),
            Ipv4Addr::new(10, 0, 2, 10)
        ])
    );
    assert_eq!(
        harness::dns_answer(&kept("dns_wire", "answer-servfail.bin")),
        Some(vec![])
    );
    assert_eq!(
        harness::dns_answer(&kept("dns_wire", "answer-custom-name.bin")),
        Some(vec![Ipv4Addr::new(3, 0, 0, 10)])
    );
    // A name the scenario validator refuses is no answer.
    assert_eq!(harness::dns_answer(b"\0\0bad..name"), None);
    assert_eq!(harness::dns_answer(b"\0"), None);
}

#[test]
fn a_wire_response_decodes_into_the_dig_sections() {
    let printed = harness::dns_decode(&kept("dns_wire", "wire-response.bin")).unwrap();
    assert!(
        printed.contains(";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 0"),
        "{printed}"
    );
    assert!(
        printed.contains(";; flags: qr rd ra; QUERY: 1, ANSWER: 2"),
        "{printed}"
    );
    assert!(printed.contains(";api.example.com.\t\tIN\tA"), "{printed}");
    assert!(
        printed.contains(
            "api.example.com.\t60\tIN\tA\t3.0.0.10\napi.example.com.\t60\tIN\tA\t3.0.0.11\n"
        ),
        "{printed}"
    );
    assert!(printed.ends_with("3.0.0.10\n3.0.0.11\n"), "{printed}");
    // Truncated, it is not a message.
    let wire = kept("dns_wire", "wire-response.bin");
    assert_eq!(harness::dns_decode(&wire[..20]), None);
}

// ---- the seed corpora -------------------------------------------------------------------

#[test]
fn every_bundled_scenario_loads_and_renders_in_every_format() {
    for path in files("scenarios", &[".yaml"]) {
        let outcome = harness::scenario(&std::fs::read(&path).unwrap());
        assert!(
            outcome.problems.is_empty(),
            "{}: {outcome:?}",
            path.display()
        );
        assert_eq!(outcome.loaded, 1, "{}", path.display());
        assert!(outcome.flows > 0, "{}: no flows", path.display());
    }
}

#[test]
fn every_fuzz_seed_loads_and_renders_in_every_format() {
    let seeds = files("tests/fixtures/fuzz-seeds", &[".yaml"]);
    assert!(!seeds.is_empty());
    for path in seeds {
        let outcome = harness::scenario(&std::fs::read(&path).unwrap());
        assert!(
            outcome.problems.is_empty(),
            "{}: {outcome:?}",
            path.display()
        );
        assert!(outcome.flows > 0, "{}: no flows", path.display());
    }
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/fuzz-seeds/every-section.yaml"
    ))
    .unwrap();
    for field in [
        "dnsTransport: traced",
        "outboundEndpoints:",
        "outboundEndpoint:",
        "remoteNetworkConfig:",
        "proxy:",
        "proxyPort:",
    ] {
        assert!(text.contains(field), "the seed writes {field}");
    }
}

/// Every field name of the scenario schema is in the dictionaries of the targets that read
/// scenarios, so a fuzzer can write the newer sections (SPEC 7–10) too.
#[test]
fn the_scenario_dictionaries_hold_every_schema_field() {
    fn names(value: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(properties)) = map.get("properties") {
                    out.extend(properties.keys().cloned());
                }
                map.values().for_each(|v| names(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| names(v, out)),
            _ => {}
        }
    }
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/scenario.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut fields = std::collections::BTreeSet::new();
    names(&schema, &mut fields);
    assert!(fields.contains("dnsTransport") && fields.contains("proxyPort"));
    for dict in ["scenario", "diff", "command_line", "import_clients"] {
        let text = std::fs::read_to_string(format!(
            "{}/fuzz/dicts/{dict}.dict",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let missing: Vec<&String> = fields
            .iter()
            .filter(|field| !text.contains(&format!("\"{field}\"")))
            .collect();
        assert!(
            missing.is_empty(),
            "fuzz/dicts/{dict}.dict lacks {missing:?}"
        );
    }
}

#[test]
fn every_rule_fixture_but_eks000_loads() {
    for path in files("tests/fixtures/rules", &[".yaml"]) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let outcome = harness::scenario(&std::fs::read(&path).unwrap());
        if name == "eks000.yaml" {
            assert_eq!(outcome.loaded, 0, "{name}");
            assert!(!outcome.problems.is_empty(), "{name}");
        } else {
            assert!(outcome.problems.is_empty(), "{name}: {outcome:?}");
            assert!(outcome.loaded >= 1, "{name}");
        }
    }
}

#[test]
fn every_invalid_fixture_is_refused_with_problems_in_the_file() {
    for path in files("tests/fixtures/invalid", &[".yaml"]) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let outcome = harness::scenario(&std::fs::read(&path).unwrap());
        if name == "base.yaml" {
            // The valid scenario the others break.
            assert!(outcome.problems.is_empty(), "{name}: {outcome:?}");
            continue;
        }
        assert!(!outcome.problems.is_empty(), "{name}: no problem");
        for problem in &outcome.problems {
            assert!(problem.starts_with("fuzz.yaml"), "{name}: {problem}");
        }
    }
}

#[test]
fn every_import_fixture_imports_or_fails_as_its_test_says() {
    let folders: &[(Kind, &str, &[&str])] = &[
        (
            Kind::Terraform,
            "tests/fixtures/import/terraform",
            &[".json"],
        ),
        (Kind::Eksctl, "tests/fixtures/import/eksctl", &[".yaml"]),
        (
            Kind::CloudFormation,
            "tests/fixtures/import/cloudformation",
            &[".yaml", ".json"],
        ),
        (
            Kind::CloudFormation,
            "tests/fixtures/import/cloudformation/invalid",
            &[".yaml", ".json"],
        ),
    ];
    for (kind, folder, ends) in folders {
        for path in files(folder, ends) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let outcome = harness::import(*kind, &std::fs::read(&path).unwrap());
            let refused = folder.ends_with("invalid")
                || name.starts_with("invalid-")
                || name == "network-only.yaml";
            match outcome {
                Ok(clusters) => {
                    assert!(!refused, "{folder}/{name} imported");
                    assert!(!clusters.is_empty(), "{folder}/{name}");
                }
                Err(error) => assert!(refused, "{folder}/{name}: {error}"),
            }
        }
    }
}

#[test]
fn aws_cli_responses_merged_into_one_object_import_like_their_directory() {
    // How fuzz/seed.sh seeds import_aws: every response of a directory as one JSON object.
    let mut merged = serde_json::Map::new();
    for path in files("tests/fixtures/import/aws/complete", &[".json"]) {
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap())
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        merged.extend(json.as_object().unwrap().clone());
    }
    let data = serde_json::to_vec(&merged).unwrap();
    let clusters = harness::import(Kind::Aws, &data).unwrap();
    let directory = import::import(
        Some(Kind::Aws),
        &format!(
            "{}/tests/fixtures/import/aws/complete",
            env!("CARGO_MANIFEST_DIR")
        ),
        &Options::default(),
    )
    .unwrap();
    let names: Vec<String> = directory.iter().map(|b| b.cluster.clone()).collect();
    assert_eq!(clusters, names);
}
