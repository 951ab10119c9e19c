//! Every command reads the files users already have (SPEC section 4): eksctl configs,
//! Terraform plans and state, CloudFormation templates and AWS CLI output, imported in memory;
//! `lint DIR` skips what is none of them and walks as ripgrep does; `diff` compares two inputs
//! or a plan's two sides; messages say what to fix, once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

const EKSCTL_38: &str = "tests/fixtures/import/eksctl/38-cluster-subnets-sgs.yaml";
const PLAN: &str = "tests/fixtures/import/terraform/public-plan.json";
const STATE: &str = "tests/fixtures/import/terraform/state.json";
const CFN_YAML: &str =
    "tests/fixtures/import/cloudformation/aws-cloudformation-templates-EKS-template.yaml";
const AWS_DIR: &str = "tests/fixtures/import/aws/complete";

fn eksflow() -> Command {
    let mut command = Command::cargo_bin("eksflow").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.env("NO_COLOR", "1");
    command
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let output = eksflow().args(args).output().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}\n{}", run.stdout, run.stderr))
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("inputs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

// ---------------------------------------------------------------------------------------
// Direct inputs

#[test]
fn check_reads_an_eksctl_config_and_points_findings_at_its_lines() {
    let run = run(&["check", EKSCTL_38, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = json_of(&run);
    let scenario = &json[0];
    assert_eq!(scenario["file"], EKSCTL_38);
    assert_eq!(scenario["cluster"], "cluster-38");
    assert_eq!(scenario["mode"], "public-and-private");
    // EKS006 is about the VPC the config describes under `vpc:` (line 14 of the file), not
    // about a line of the YAML eksflow generated in memory.
    let eks006 = scenario["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "EKS006")
        .unwrap();
    assert_eq!(eks006["line"], 14);
    let source_line = read(EKSCTL_38).lines().nth(13).unwrap().to_owned();
    assert!(
        source_line.starts_with("  controlPlaneSubnetIDs"),
        "{source_line}"
    );
}

#[test]
fn an_eksctl_allowlist_finding_points_at_public_access_cidrs() {
    let dir = scratch("eksctl-allowlist");
    let cidrs: Vec<String> = (0..41).map(|i| format!("\"198.51.{i}.0/24\"")).collect();
    let config = read(EKSCTL_38).replace(
        "publicAccessCIDRs: [\"1.1.1.1/32\"]",
        &format!("publicAccessCIDRs: [{}]", cidrs.join(", ")),
    );
    let path = dir.join("cluster.yaml");
    std::fs::write(&path, &config).unwrap();
    let run = run(&["lint", path.to_str().unwrap(), "--format", "json"]);
    let findings = json_of(&run);
    let eks001 = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "EKS001")
        .unwrap_or_else(|| panic!("no EKS001: {findings}"));
    let line = config
        .lines()
        .position(|line| line.contains("publicAccessCIDRs"))
        .unwrap()
        + 1;
    assert_eq!(eks001["line"], line);
    assert_eq!(eks001["file"], path.to_str().unwrap());
}

#[test]
fn check_reads_a_terraform_plan_state_cloudformation_and_aws_cli_output() {
    for (input, cluster) in [
        (PLAN, "web"),
        (STATE, "core"),
        (CFN_YAML, "ControlPlane"),
        (AWS_DIR, "payments"),
    ] {
        let run = run(&["check", input, "--format", "json"]);
        assert!(run.code == 0 || run.code == 1, "{input}: {}", run.stderr);
        let json = json_of(&run);
        assert_eq!(json[0]["file"], input, "{input}");
        let clusters: Vec<&str> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["cluster"].as_str().unwrap())
            .collect();
        assert!(clusters.contains(&cluster), "{input}: {clusters:?}");
    }
}

#[test]
fn a_cloudformation_yaml_finding_points_into_the_cluster_resource() {
    let run = run(&["check", CFN_YAML, "--format", "json"]);
    let json = json_of(&run);
    let eks003 = json[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "EKS003")
        .unwrap();
    let line = eks003["line"].as_u64().unwrap() as usize;
    let template = read(CFN_YAML);
    let lines: Vec<&str> = template.lines().collect();
    let resource = lines
        .iter()
        .position(|l| l.trim_start().starts_with("ControlPlane:"))
        .unwrap();
    assert!(
        line > resource,
        "line {line} is before the ControlPlane resource"
    );
    assert!(
        lines[line - 1].contains("ResourcesVpcConfig"),
        "{}",
        lines[line - 1]
    );
}

#[test]
fn every_command_reads_an_imported_input_with_clients_merged() {
    let clients = "tests/fixtures/import/terraform/clients.yaml";
    let check = run(&["check", STATE, "--clients", clients, "--format", "json"]);
    let json = json_of(&check);
    let flows: Vec<&str> = json[0]["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["client"].as_str().unwrap())
        .collect();
    assert!(
        flows.contains(&"argocd") && flows.contains(&"admin"),
        "{flows:?}"
    );
    let trace = run(&["trace", STATE, "--clients", clients, "--client", "argocd"]);
    assert!(trace.code == 0 || trace.code == 1, "{}", trace.stderr);
    assert!(
        trace.stdout.contains("10.30.1.25"),
        "the merged client's address: {}",
        trace.stdout
    );
    let resolve = run(&[
        "resolve",
        STATE,
        "--clients",
        clients,
        "--client",
        "argocd",
        "--short",
    ]);
    assert_eq!(resolve.code, 0, "{}", resolve.stderr);
    assert!(!resolve.stdout.trim().is_empty());
    let compare = run(&["compare", STATE, "--clients", clients, "--format", "json"]);
    let modes = json_of(&compare);
    assert_eq!(modes.as_array().unwrap().len(), 3);
    for mode in modes.as_array().unwrap() {
        assert!(
            mode["flows"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["client"] == "admin"),
            "{mode}"
        );
    }
    let lint = run(&["lint", STATE, "--clients", clients, "--format", "json"]);
    assert!(lint.code == 0 || lint.code == 1, "{}", lint.stderr);
}

#[test]
fn a_scenario_takes_clients_too_and_keeps_its_own_positions() {
    let dir = scratch("scenario-clients");
    let clients = dir.join("clients.yaml");
    std::fs::write(
        &clients,
        "clients:\n  - { name: visitor, from: internet, ip: 198.51.100.99, expect: { reachable: true } }\n",
    )
    .unwrap();
    let run = run(&[
        "check",
        "scenarios/allowlist-forgets-nat.yaml",
        "--clients",
        clients.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let json = json_of(&run);
    let names: Vec<&str> = json[0]["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["client"].as_str().unwrap())
        .collect();
    assert_eq!(names.last(), Some(&"visitor"));
    // The scenario's own findings keep the lines of the file the user wrote.
    let eks013: Vec<&Value> = json[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "EKS013")
        .collect();
    let node_a = eks013
        .iter()
        .find(|f| f["path"] == "clients[0].expect")
        .unwrap();
    assert_eq!(node_a["line"], 64, "{eks013:?}");
    // A merged client is not in the file: its finding points at the `clients:` key.
    let visitor = eks013
        .iter()
        .find(|f| f["path"] == "clients[3].expect")
        .unwrap();
    assert_eq!(visitor["line"], 59, "{eks013:?}");
}

#[test]
fn a_file_named_on_the_command_line_that_is_no_known_kind_is_one_eks000_with_a_hint() {
    let dir = scratch("unknown");
    let manifest = dir.join("configmap.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    )
    .unwrap();
    let path = manifest.to_str().unwrap();
    let check = run(&["check", path]);
    assert_eq!(check.code, 2);
    assert_eq!(check.stderr.lines().count(), 1, "{}", check.stderr);
    assert!(
        check.stderr.contains("eksflow import KIND FILE"),
        "{}",
        check.stderr
    );
    let lint = run(&["lint", path]);
    assert_eq!(lint.code, 2);
    assert!(
        lint.stdout
            .starts_with(&format!("{path}: EKS000 [error] not a scenario"))
    );
    assert!(lint.stderr.is_empty(), "printed once: {}", lint.stderr);
}

// ---------------------------------------------------------------------------------------
// lint DIR: recognise, skip, walk as ripgrep does

/// A small repository: a scenario, an eksctl config, a Kubernetes manifest, a workflow, Helm
/// values, a git-ignored build folder, a hidden folder, and a symlink out of the tree.
fn repository(name: &str) -> PathBuf {
    // Each test gets its own tree: tests of one binary run in parallel in one process.
    let dir = scratch(&format!("repo-{name}"));
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("scenarios/public.yaml", &read("scenarios/public.yaml"));
    write("clusters/eksctl.yaml", &read(EKSCTL_38));
    write(
        "k8s/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
    );
    write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
    write(
        "charts/web/values.yaml",
        "replicaCount: 2\ncluster: {name: web}\n",
    );
    write("package.json", "{\"name\": \"web\"}\n");
    write("target/tmp/generated.yaml", &read("scenarios/public.yaml"));
    write(".gitignore", "target/\n");
    dir
}

#[test]
fn lint_dir_lints_what_it_recognises_and_counts_what_it_skips() {
    let dir = repository("skips");
    let run = run(&["lint", dir.to_str().unwrap()]);
    assert!(
        run.code == 0 || run.code == 1,
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(!run.stdout.contains("EKS000"), "{}", run.stdout);
    // The scenario and the eksctl config are linted; the manifest, Helm values and
    // package.json are skipped; the hidden workflow and the git-ignored target/ unseen.
    assert!(
        run.stdout.contains("clusters/eksctl.yaml"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("generated.yaml"), "{}", run.stdout);
    let summary = run.stdout.lines().last().unwrap();
    assert!(summary.contains("in 2 files"), "{summary}");
    assert!(
        summary.ends_with("3 files skipped: not scenarios or infrastructure files."),
        "{summary}"
    );
}

#[test]
fn lint_exclude_and_no_ignore_change_what_is_walked() {
    let dir = repository("exclude");
    let root = dir.to_str().unwrap();
    let excluded = run(&["lint", root, "--exclude", "clusters/**", "--format", "json"]);
    let files: Vec<String> = json_of(&excluded)
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_owned())
        .collect();
    assert!(files.iter().all(|f| !f.contains("clusters/")), "{files:?}");
    let all = run(&["lint", root, "--no-ignore"]);
    assert!(all.stdout.contains("in 3 files"), "{}", all.stdout);
}

#[cfg(unix)]
#[test]
fn lint_never_follows_a_symlink_out_of_the_tree() {
    let dir = repository("symlinks");
    let outside = scratch("outside");
    // A target with findings: followed, it would print lines naming the links.
    std::fs::write(outside.join("secret.yaml"), read(EKSCTL_38)).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("linked-dir")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.yaml"), dir.join("linked.yaml")).unwrap();
    let run = run(&["lint", dir.to_str().unwrap()]);
    assert!(!run.stdout.contains("linked"), "{}", run.stdout);
    assert!(!run.stdout.contains("secret"), "{}", run.stdout);
    // The same two files as without the links: the scenario and the eksctl config.
    let summary = run.stdout.lines().last().unwrap();
    assert!(summary.contains("in 2 files"), "{summary}");
}

#[test]
fn lint_of_a_missing_path_is_a_usage_error_without_a_summary() {
    let run = run(&["lint", "no/such/dir/"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: no/such/dir/: no such file or directory\n"
    );
}

// ---------------------------------------------------------------------------------------
// Messages

#[test]
fn a_misspelt_client_name_gets_a_suggestion() {
    let run = run(&[
        "trace",
        "scenarios/vpn-office-resolver-inbound.yaml",
        "--client",
        "admn",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `admin`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_misspelt_import_kind_gets_a_suggestion() {
    let run = run(&["import", "eksctrl", EKSCTL_38]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `eksctl`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn compare_prints_the_findings_that_explain_its_exit_code() {
    let run = run(&["compare", "scenarios/allowlist-forgets-nat.yaml"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("EKS013"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "public (scenario): 3 clients: 1 reachable, 2 blocked · 2 expectations failed"
        ),
        "{}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------------------
// diff

const BASE: &str = "tests/fixtures/diff/public.yaml";
const DROPS_NAT: &str = "tests/fixtures/diff/public-allowlist-drops-nat.yaml";

#[test]
fn diff_exits_1_when_the_change_breaks_a_flow_and_0_when_it_fixes_one() {
    let broken = run(&["diff", BASE, DROPS_NAT, "--format", "markdown"]);
    assert_eq!(broken.code, 1, "{}", broken.stderr);
    assert!(
        broken
            .stdout
            .starts_with("3 flows broken: node-a, node-b, workers@subnet-a lose the API server"),
        "{}",
        broken.stdout
    );
    let fixed = run(&["diff", DROPS_NAT, BASE, "--format", "json"]);
    assert_eq!(fixed.code, 0);
    let json = json_of(&fixed);
    assert_eq!(json["before"], DROPS_NAT);
    assert_eq!(json["after"], BASE);
    let kinds: Vec<&str> = json["scenarios"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["fixed", "fixed", "fixed"]);
    let same = run(&["diff", BASE, BASE]);
    assert_eq!(same.code, 0);
    assert!(
        same.stdout.contains("No change to API access"),
        "{}",
        same.stdout
    );
}

#[test]
fn diff_of_an_input_that_does_not_load_is_invalid() {
    let run = run(&["diff", BASE, "no-such-file.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("no-such-file.yaml"), "{}", run.stderr);
}

#[test]
fn diff_compares_two_kinds_of_input() {
    // The plan against the scenario eksflow imports from it: nothing changes.
    let dir = scratch("diff-kinds");
    let imported = eksflow().args(["import", PLAN]).output().unwrap();
    let scenario = dir.join("web.yaml");
    std::fs::write(&scenario, imported.stdout).unwrap();
    let run = run(&["diff", scenario.to_str().unwrap(), PLAN, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(json_of(&run)["scenarios"][0]["changes"], json!([]));
}

/// A plan of the state `state.json`: its prior state is the state, and the plan opens the
/// private cluster's public endpoint to one office range and turns private access off.
fn plan_opening_the_private_cluster(dir: &Path) -> String {
    let state: Value = serde_json::from_str(&read(STATE)).unwrap();
    let mut planned = state["values"].clone();
    for resource in planned["root_module"]["resources"].as_array_mut().unwrap() {
        if resource["type"] == "aws_eks_cluster" {
            let config = &mut resource["values"]["vpc_config"][0];
            config["endpoint_private_access"] = json!(false);
            config["endpoint_public_access"] = json!(true);
            config["public_access_cidrs"] = json!(["203.0.113.0/24"]);
        }
    }
    let plan = json!({
        "format_version": "1.2",
        "planned_values": planned,
        "resource_changes": [],
        "prior_state": state,
    });
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn diff_plan_compares_the_prior_state_with_the_planned_values() {
    let dir = scratch("diff-plan");
    let plan = plan_opening_the_private_cluster(&dir);
    let clients = "tests/fixtures/import/terraform/clients.yaml";
    let run = run(&["diff", &plan, "--clients", clients, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = json_of(&run);
    assert_eq!(json["before"], plan);
    assert_eq!(json["after"], plan);
    let changes = json["scenarios"][0]["changes"].as_array().unwrap();
    let argocd = changes.iter().find(|c| c["client"] == "argocd").unwrap();
    assert_eq!(argocd["change"], "broken");
    assert_eq!(argocd["before"]["endpoint"], "private");
    assert_eq!(argocd["before"]["reachable"], true);
    assert_eq!(argocd["after"]["endpoint"], "public");
    assert_eq!(argocd["after"]["reachable"], false);
    // The note both sides share is not reported as removed and added again.
    let removed = json["scenarios"][0]["findings"]["removed"]
        .as_array()
        .unwrap();
    assert!(removed.iter().all(|f| f["code"] != "EKS019"), "{removed:?}");
}

#[test]
fn diff_plan_without_prior_state_adds_every_flow() {
    let run = run(&["diff", PLAN, "--format", "json"]);
    // Every flow is new, and so are the plan's EKS008 errors (its nodes are blocked): an
    // error finding that appears breaks the change (SPEC section 4).
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = json_of(&run);
    let changes = json["scenarios"][0]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert!(
        changes
            .iter()
            .all(|c| c["change"] == "added" && c["before"].is_null())
    );
}

#[test]
fn diff_with_one_input_that_is_not_a_plan_says_how_to_use_it() {
    let run = run(&["diff", BASE]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("eksflow diff BEFORE AFTER"),
        "{}",
        run.stderr
    );
}

/// Every real public file with a cluster (copies of `../shared/realworld`, provenance in each
/// folder's PROVENANCE.md) goes straight through `check`: analysed, whatever the verdicts.
#[test]
fn every_real_file_with_a_cluster_passes_straight_through_check() {
    let real = [
        "tests/fixtures/import/eksctl/02-custom-vpc-cidr-no-nodes.yaml",
        "tests/fixtures/import/eksctl/37-outposts-fully-private.yaml",
        "tests/fixtures/import/eksctl/38-cluster-subnets-sgs.yaml",
        "tests/fixtures/import/eksctl/49-control-plane-on-private-subnets.yaml",
        "tests/fixtures/import/eksctl/cmdutils-cluster-with-vpc-private-access.yaml",
        "tests/fixtures/import/eksctl/cmdutils-cluster-without-vpc-private-access.yaml",
        "tests/fixtures/import/cloudformation/aws-cdk-eks-cluster-private-endpoint-test.template.json",
        "tests/fixtures/import/cloudformation/aws-cloudformation-templates-EKS-template.yaml",
        "tests/fixtures/import/cloudformation/eksctl-cluster-example-1.json",
        "tests/fixtures/import/terraform/realworld/checkov-plan_data_resource_partial_values.tfplan.json",
        "tests/fixtures/import/terraform/realworld/checkov-plan_nested_child_modules.tfplan.json",
        "tests/fixtures/import/terraform/realworld/checkov-plan_root_module_resources_no_values.tfplan.json",
        "tests/fixtures/import/terraform/realworld/checkov-runner-plan.tfplan.json",
        "tests/fixtures/import/aws/realworld",
    ];
    for file in real {
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(file).exists(),
            "{file} is missing"
        );
        let run = run(&["check", file, "--format", "json"]);
        assert!(
            run.code == 0 || run.code == 1,
            "{file}: exit {}: {}",
            run.code,
            run.stderr
        );
        assert!(run.stderr.is_empty(), "{file}: {}", run.stderr);
        let json = json_of(&run);
        assert!(!json.as_array().unwrap().is_empty(), "{file}: no scenario");
        for scenario in json.as_array().unwrap() {
            assert_eq!(scenario["file"], file);
        }
    }
}

#[test]
fn clicolor_force_colours_a_pipe_and_no_color_wins() {
    let forced = eksflow()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(["check", "scenarios/public.yaml"])
        .output()
        .unwrap();
    assert!(forced.stdout.windows(2).any(|w| w == b"\x1b["), "no colour");
    let plain = eksflow()
        .env("CLICOLOR_FORCE", "1")
        .args(["check", "scenarios/public.yaml"])
        .output()
        .unwrap();
    assert!(!plain.stdout.contains(&0x1b), "NO_COLOR=1 must win");
}

#[cfg(unix)]
#[test]
fn lint_reads_a_file_whose_name_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("non-utf8");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
    std::fs::write(dir.join(name), read("scenarios/allowlist-forgets-nat.yaml")).unwrap();
    let run = run(&["lint", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings = json_of(&run);
    // Read by its own name (not a lossy copy that names no file), shown lossily.
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "EKS013"
                && f["file"].as_str().unwrap().ends_with("caf\u{fffd}.yaml")),
        "{findings}"
    );
}
