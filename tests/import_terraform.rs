//! `eksflow import terraform`: real plans from shared/realworld and hand-made fixtures
//! (tests/fixtures/import/terraform/generate.py) covering modules, references unknown at plan
//! time, state with real IDs, and the three endpoint modes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assert_cmd::Command;
use eksflow::analysis;
use eksflow::import::{self, Kind, Options};
use eksflow::scenario::{self, EndpointAccess, Scenario};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/import/terraform"
);

fn eksflow() -> Command {
    let mut command = Command::cargo_bin("eksflow").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Imports a fixture and loads every scenario it yields.
fn imported(file: &str, options: &Options) -> Vec<(String, Scenario)> {
    let path = format!("{DIR}/{file}");
    import::import(Some(Kind::Terraform), &path, options)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|built| {
            let scenario = scenario::load_one("imported.yaml", &built.yaml)
                .unwrap_or_else(|problems| panic!("{problems:#?}\n{}", built.yaml));
            (built.yaml, scenario)
        })
        .collect()
}

fn one(file: &str) -> (String, Scenario) {
    let mut all = imported(file, &Options::default());
    assert_eq!(all.len(), 1);
    all.remove(0)
}

fn subnet_ids(scenario: &Scenario) -> Vec<&str> {
    scenario.subnets.iter().map(|s| s.id.as_str()).collect()
}

#[test]
fn every_real_plan_with_a_cluster_imports_into_a_scenario_check_accepts() {
    let dir = format!("{DIR}/realworld");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let output = eksflow()
            .args(["import", "terraform"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let check = eksflow()
            .args(["check", "-"])
            .write_stdin(output.stdout)
            .output()
            .unwrap();
        let code = check.status.code().unwrap();
        assert!(
            code == 0 || code == 1,
            "{}: check exit {code}: {}",
            path.display(),
            String::from_utf8_lossy(&check.stderr)
        );
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn a_plan_of_child_modules_resolves_unknown_ids_through_references() {
    let (yaml, scenario) = one("modules-plan.json");
    // IDs unknown at plan time become resource addresses, module prefix included.
    assert_eq!(
        scenario.cluster_vpc().unwrap().id,
        "module.vpc.aws_vpc.this[0]"
    );
    assert_eq!(
        subnet_ids(&scenario),
        [
            "module.vpc.aws_subnet.private[0]",
            "module.vpc.aws_subnet.private[1]",
            "module.vpc.aws_subnet.public[0]",
            "module.vpc.aws_subnet.public[1]"
        ]
    );
    // The cluster's subnets come from `var.subnet_ids` = `module.vpc.private_subnets`.
    let eni_subnets: Vec<&str> = scenario
        .cluster
        .enis
        .iter()
        .map(|e| scenario.subnet(e.subnet).unwrap().id.as_str())
        .collect();
    assert_eq!(
        eni_subnets,
        [
            "module.vpc.aws_subnet.private[0]",
            "module.vpc.aws_subnet.private[1]"
        ]
    );
    // `element(aws_subnet.private[*].id, count.index)`-style associations pick their own index.
    let private_1 = scenario
        .subnets
        .iter()
        .find(|s| s.id.ends_with("private[1]"))
        .unwrap();
    assert_eq!(
        scenario
            .route_table(private_1.route_table.unwrap())
            .unwrap()
            .id,
        "module.vpc.aws_route_table.private[0]"
    );
    let public_1 = scenario
        .subnets
        .iter()
        .find(|s| s.id.ends_with("public[1]"))
        .unwrap();
    assert_eq!(
        scenario
            .route_table(public_1.route_table.unwrap())
            .unwrap()
            .id,
        "module.vpc.aws_route_table.public[0]"
    );
    assert_eq!(scenario.cluster.access, EndpointAccess::PublicAndPrivate);
    assert_eq!(scenario.cluster.public_access_cidrs.len(), 1);
    assert_eq!(scenario.cluster.region, "eu-west-1");
    // The node group of the nested eks_managed_node_group module came through.
    assert_eq!(scenario.node_groups.len(), 1);
    assert_eq!(scenario.node_groups[0].subnets.len(), 2);
    // Unknown Elastic IP: a placeholder, said so in the scenario.
    assert!(
        yaml.contains("publicIp: 192.0.2.101  # placeholder"),
        "{yaml}"
    );
    let missing = &scenario.imported.as_ref().unwrap().missing;
    assert!(
        missing
            .iter()
            .any(|m| m.contains("aws_nat_gateway.this[0]") && m.contains("placeholder")),
        "{missing:?}"
    );
    assert!(
        yaml.contains("#   - module.eks.aws_iam_role.this[0] (aws_iam_role)"),
        "unsupported resources are listed"
    );
    // In public-and-private mode the nodes use the private hosted zone.
    let analysis = analysis::analyse(&scenario, None);
    assert!(analysis.flows.iter().all(|f| f.reachable()));
}

#[test]
fn a_state_file_keeps_real_ids_and_brings_connections_nacls_and_resolver_rules() {
    let (_, scenario) = one("state.json");
    assert_eq!(scenario.cluster.access, EndpointAccess::Private);
    assert!(
        scenario.cluster.public_access_cidrs_default,
        "the list is not written when public access is off"
    );
    assert_eq!(
        scenario.cluster.endpoint.to_ascii(),
        "0123456789ABCDEF0123456789ABCDEF.gr7.eu-central-1.eks.amazonaws.com."
    );
    let ids: Vec<&str> = scenario.vpcs.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        ids,
        ["vpc-0main", "vpc-0tools"],
        "the peered VPC is included"
    );
    let main = scenario.vpc(scenario.cluster.vpc).unwrap();
    assert_eq!(main.cidrs.len(), 2, "the secondary CIDR association");
    assert_eq!(main.forward_rules[0].domain.to_ascii(), "corp.example.");
    assert_eq!(main.inbound_endpoints[0].ips.len(), 2);
    let kinds: Vec<&str> = scenario
        .connections
        .iter()
        .map(|c| c.kind.label())
        .collect();
    assert_eq!(kinds, ["peering connection", "VPN connection"]);
    assert_eq!(scenario.networks[0].cidrs[0].to_string(), "192.168.0.0/16");
    // aws_network_acl_rule resources and an association reach the strict NACL.
    let b = scenario
        .subnets
        .iter()
        .find(|s| s.id == "subnet-0b")
        .unwrap();
    let acl = scenario.network_acl(b.network_acl.unwrap()).unwrap();
    assert_eq!(
        (acl.id.as_str(), acl.inbound.len(), acl.outbound.len()),
        ("acl-0strict", 1, 1)
    );
    // The cluster security group from state, with the ingress rule resources added.
    let cluster_sg = scenario
        .security_group(scenario.cluster.security_groups[0])
        .unwrap();
    assert_eq!(cluster_sg.id, "sg-0cluster");
    assert_eq!(cluster_sg.ingress.len(), 3);
    assert_eq!(scenario.vpc_endpoints[0].service, "ecr.api");
}

#[test]
fn merged_clients_reach_the_private_endpoint_over_the_peering_and_the_vpn() {
    let extra = import::read_clients(&format!("{DIR}/clients.yaml")).unwrap();
    let options = Options {
        cluster: None,
        extra: Some(extra),
    };
    let mut all = imported("state.json", &options);
    let (_, scenario) = all.remove(0);
    let analysis = analysis::analyse(&scenario, None);
    for name in ["argocd", "admin"] {
        let flow = analysis
            .flows
            .iter()
            .find(|f| f.client.name == name)
            .unwrap();
        assert!(flow.reachable(), "{name}: {:?}", flow.blocked);
        assert!(flow.expectation.unwrap().met);
    }
}

#[test]
fn a_public_plan_whose_nat_ip_is_unknown_fails_the_nodes_against_the_allowlist() {
    let (_, scenario) = one("public-plan.json");
    assert_eq!(scenario.cluster.access, EndpointAccess::Public);
    assert_eq!(
        scenario.cluster.region, "us-east-2",
        "the provider's region variable"
    );
    let public = scenario
        .subnets
        .iter()
        .find(|s| s.id == "aws_subnet.public")
        .unwrap();
    assert_eq!(
        scenario
            .route_table(public.route_table.unwrap())
            .unwrap()
            .id,
        "aws_route_table.public",
        "the main route table association"
    );
    let analysis = analysis::analyse(&scenario, None);
    let codes: Vec<&str> = analysis.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["EKS008", "EKS008", "EKS019"]);
    assert!(
        analysis
            .flows
            .iter()
            .all(|f| f.blocked.as_ref().unwrap().reason.code() == "PUBLIC_CIDR_DENY")
    );
}

#[test]
fn import_pipes_into_check_on_standard_input() {
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
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let check = eksflow()
        .args(["check", "-", "--format", "json"])
        .write_stdin(output.stdout)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(json["file"], "<stdin>");
    assert_eq!(json["flows"][0]["client"], "argocd");
    assert_eq!(json["flows"][0]["reachable"], true);
}

#[test]
fn several_clusters_become_a_yaml_stream_or_numbered_files() {
    let output = eksflow().args(["import", "tests/fixtures/import/terraform/realworld/checkov-plan_nested_child_modules.tfplan.json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        scenario::load_str("stream.yaml", &text).len(),
        3,
        "three documents"
    );

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-dir");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let output = eksflow()
        .args(["import", "terraform", "tests/fixtures/import/terraform/realworld/checkov-plan_nested_child_modules.tfplan.json", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["test-2.yaml", "test-3.yaml", "test.yaml"]);
}

#[test]
fn cluster_picks_one_cluster_and_names_the_others_when_missing() {
    let options = Options {
        cluster: Some("web".into()),
        extra: None,
    };
    assert_eq!(imported("public-plan.json", &options).len(), 1);
    let output = eksflow()
        .args([
            "import",
            "terraform",
            "tests/fixtures/import/terraform/public-plan.json",
            "--cluster",
            "nope",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("no cluster named `nope`") && stderr.contains("clusters: web"),
        "{stderr}"
    );
}

#[test]
fn bad_input_names_the_file_and_where() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\n  \"format_version\": \"1.2\",\n  oops\n}").unwrap();
    let output = eksflow()
        .args(["import", "terraform"])
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("broken.json: line 3 column 3: not JSON"),
        "{stderr}"
    );

    let not_plan = dir.join("not-plan.json");
    std::fs::write(&not_plan, "{\"format_version\": \"1.2\"}").unwrap();
    let output = eksflow()
        .args(["import", "terraform"])
        .arg(&not_plan)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("not `terraform show -json` output")
    );

    let output = eksflow()
        .args(["import", "nonsense", "x.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
