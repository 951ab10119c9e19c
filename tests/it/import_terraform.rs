//! `eksflow import terraform`: real plans from shared/realworld and hand-made fixtures
//! (tests/fixtures/import/terraform/generate.py) covering modules, references unknown at plan
//! time, state with real IDs, and the three endpoint modes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::import_support;

use assert_cmd::Command;
use eksflow::import::{self, Kind, Options};
use eksflow::scenario::{self, EndpointAccess, Scenario};
use import_support::{assert_success, route_table_of};

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
    let analysis = eksflow::checked::check(&scenario, None);
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
    // The lone transit gateway attachment cannot be a connection (one VPC on a transit
    // gateway connects nothing), and it is said, not dropped.
    let missing = &scenario.imported.as_ref().unwrap().missing;
    assert!(
        missing.iter().any(|m| m.starts_with(
            "tgw-0hub (from aws_ec2_transit_gateway_vpc_attachment.main): vpc-0main is its only attachment in the source"
        ) && m.contains("left out")),
        "{missing:#?}"
    );
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
    let analysis = eksflow::checked::check(&scenario, None);
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
    assert_eq!(
        route_table_of(&scenario, "aws_subnet.public"),
        "aws_route_table.public",
        "the main route table association"
    );
    let analysis = eksflow::checked::check(&scenario, None);
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

#[test]
fn a_transit_gateway_with_two_vpc_attachments_becomes_a_connection_routes_use() {
    let clients = import::read_clients_str(
        "clients.yaml",
        "clients:\n  - { name: tools, from: aws_subnet.shared, ip: 10.50.1.20, securityGroups: [aws_security_group.tools], expect: { answer: private, reachable: true } }\n",
    )
    .unwrap();
    let options = Options {
        cluster: None,
        extra: Some(clients),
    };
    let (yaml, scenario) = imported("transit-gateway-plan.json", &options).remove(0);
    // Every ID is unknown at plan time: the attachments name the transit gateway and the
    // VPCs through references, so the scenario uses their addresses.
    assert_eq!(scenario.connections.len(), 1, "{yaml}");
    let connection = &scenario.connections[0];
    assert_eq!(connection.id, "aws_ec2_transit_gateway.hub");
    let scenario::ConnectionKind::TransitGateway { attachments, .. } = &connection.kind else {
        panic!("not a transit gateway: {:?}", connection.kind);
    };
    let attached: Vec<String> = attachments
        .iter()
        .map(|a| match a.place {
            scenario::Attachment::Vpc(v) => scenario.vpc(v).unwrap().id.clone(),
            scenario::Attachment::Network(n) => scenario.network(n).unwrap().id.clone(),
        })
        .collect();
    assert_eq!(attached, ["aws_vpc.cluster", "aws_vpc.shared"]);
    assert!(
        yaml.contains("# from aws_ec2_transit_gateway_vpc_attachment.cluster, aws_ec2_transit_gateway_vpc_attachment.shared"),
        "{yaml}"
    );
    // aws_ec2_transit_gateway is read through its attachments, not listed as left out.
    assert!(!yaml.contains("(aws_ec2_transit_gateway)"), "{yaml}");
    // Both VPCs route to the other through it, and a client in the shared VPC reaches the
    // private endpoint over it.
    for (table, destination) in [
        ("aws_route_table.cluster", "10.50.0.0/16"),
        ("aws_route_table.shared", "10.40.0.0/16"),
    ] {
        let table = scenario
            .route_tables
            .iter()
            .find(|t| t.id == table)
            .unwrap();
        assert_eq!(table.routes.len(), 1);
        assert_eq!(table.routes[0].destination.to_string(), destination);
        assert!(matches!(
            table.routes[0].target,
            scenario::RouteTarget::Connection(_)
        ));
    }
    let analysis = eksflow::checked::check(&scenario, None);
    let flow = &analysis.flows[0];
    assert_eq!(flow.client.name, "tools");
    assert!(flow.reachable(), "{:?}", flow.blocked);
    assert!(flow.expectation.unwrap().met);
}

#[test]
fn a_transit_gateway_attachment_without_a_known_gateway_is_noted() {
    let state = r#"{"format_version": "1.0", "values": {"root_module": {"resources": [
        {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
         "values": {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}},
        {"address": "aws_ec2_transit_gateway_vpc_attachment.x", "mode": "managed",
         "type": "aws_ec2_transit_gateway_vpc_attachment", "name": "x",
         "values": {"id": "tgw-attach-1", "vpc_id": "vpc-1"}},
        {"address": "aws_eks_cluster.c", "mode": "managed", "type": "aws_eks_cluster", "name": "c",
         "values": {"name": "c", "vpc_config": [{"vpc_id": "vpc-1"}]}}
    ]}}}"#;
    let built = import::import_str(
        Some(Kind::Terraform),
        "state.json",
        state,
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let scenario = scenario::load_one("imported.yaml", &built[0].yaml).unwrap();
    let missing = &scenario.imported.as_ref().unwrap().missing;
    assert!(
        missing.iter().any(|m| m
            == "aws_ec2_transit_gateway_vpc_attachment.x: the transit gateway is not known; the attachment is left out"),
        "{missing:#?}"
    );
}

/// `state.json` with the value at `pointer` (in the `values` of the resource at `address`)
/// replaced, and the JSON path of that value.
fn state_with(address: &str, pointer: &str, value: serde_json::Value) -> (String, String) {
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/state.json")).unwrap())
            .unwrap();
    let resources = state["values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap();
    let index = resources
        .iter()
        .position(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("no {address}"));
    *resources[index]["values"].pointer_mut(pointer).unwrap() = value;
    let path = format!(
        "values.root_module.resources[{index}].values{}",
        pointer
            .split('/')
            .skip(1)
            .map(|part| match part.parse::<usize>() {
                Ok(i) => format!("[{i}]"),
                Err(_) => format!(".{part}"),
            })
            .collect::<String>()
    );
    (state.to_string(), path)
}

#[test]
fn a_value_of_the_wrong_type_is_invalid_input_naming_the_file_and_json_path() {
    use serde_json::json;
    let cases = [
        // Clusters.
        (
            "aws_eks_cluster.core",
            "/vpc_config",
            json!("oops"),
            "expected a list (of blocks), found a string (\"oops\")",
        ),
        (
            "aws_eks_cluster.core",
            "/vpc_config/0",
            json!(["x"]),
            "expected an object (a block), found a list",
        ),
        (
            "aws_eks_cluster.core",
            "/vpc_config/0/endpoint_private_access",
            json!("yes"),
            "expected true or false, found a string (\"yes\")",
        ),
        (
            "aws_eks_cluster.core",
            "/vpc_config/0/subnet_ids",
            json!(7),
            "expected a list of strings, found a number (7)",
        ),
        (
            "aws_eks_cluster.core",
            "/vpc_config/0/subnet_ids/1",
            json!(false),
            "expected a string, found a boolean (false)",
        ),
        (
            "aws_eks_cluster.core",
            "/name",
            json!({"a": 1}),
            "expected a string, found an object",
        ),
        // VPCs.
        (
            "aws_vpc.main",
            "/cidr_block",
            json!(12),
            "expected a string, found a number (12)",
        ),
        (
            "aws_vpc.main",
            "/enable_dns_hostnames",
            json!(1),
            "expected true or false, found a number (1)",
        ),
        (
            "aws_vpc.main",
            "/id",
            json!(5),
            "expected a string, found a number (5)",
        ),
        (
            "aws_vpc_ipv4_cidr_block_association.secondary",
            "/cidr_block",
            json!(["100.64.0.0/16"]),
            "expected a string, found a list",
        ),
        // Subnets.
        (
            "aws_subnet.a",
            "/cidr_block",
            json!(12),
            "expected a string, found a number (12)",
        ),
        (
            "aws_subnet.b",
            "/availability_zone",
            json!(true),
            "expected a string, found a boolean (true)",
        ),
        (
            "aws_subnet.b",
            "/vpc_id",
            json!(3),
            "expected a string, found a number (3)",
        ),
        // Routes and route tables.
        (
            "aws_default_route_table.main",
            "/route",
            json!("10.30.0.0/16"),
            "expected a list of blocks, found a string (\"10.30.0.0/16\")",
        ),
        (
            "aws_default_route_table.main",
            "/route/0/cidr_block",
            json!(10),
            "expected a string, found a number (10)",
        ),
        (
            "aws_default_route_table.main",
            "/route/1/gateway_id",
            json!(["vgw-0office"]),
            "expected a string, found a list",
        ),
        (
            "aws_route_table_association.tools",
            "/route_table_id",
            json!(1),
            "expected a string, found a number (1)",
        ),
        // Security groups and NACLs.
        (
            "aws_security_group.cluster",
            "/ingress/0/from_port",
            json!("all"),
            "expected a whole number, found a string (\"all\")",
        ),
        (
            "aws_network_acl_rule.strict_in",
            "/rule_number",
            json!(1.5),
            "expected a whole number, found a number (1.5)",
        ),
    ];
    for (address, pointer, value, expected) in cases {
        let (state, path) = state_with(address, pointer, value);
        let error = import::import_str(
            Some(Kind::Terraform),
            "state.json",
            &state,
            &Options::default(),
        )
        .err()
        .unwrap_or_else(|| panic!("{address}{pointer}: imported"));
        assert_eq!(error.file, "state.json");
        assert_eq!(error.path, path, "{address}{pointer}: {error}");
        assert_eq!(
            error.message,
            format!("{expected} (in {address})"),
            "{address}{pointer}"
        );
    }
}

#[test]
fn the_command_exits_2_on_a_wrong_type_and_null_or_unknown_values_stay_unknown() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-wrong-type");
    std::fs::create_dir_all(&dir).unwrap();
    let (state, path) = state_with("aws_subnet.a", "/cidr_block", serde_json::json!(12));
    let file = dir.join("state.json");
    std::fs::write(&file, state).unwrap();
    let output = eksflow()
        .args(["import", "terraform"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.trim_end(),
        format!(
            "{}: {path}: expected a string, found a number (12) (in aws_subnet.a)",
            file.display()
        )
    );
    assert!(output.stdout.is_empty());

    // Null is unknown, as before: the subnet is kept on a placeholder block, and said so.
    let (state, _) = state_with("aws_subnet.pods", "/cidr_block", serde_json::Value::Null);
    let built = import::import_str(
        Some(Kind::Terraform),
        "state.json",
        &state,
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        built[0]
            .yaml
            .contains("aws_subnet.pods): CIDR not in the source; placeholder"),
        "{}",
        built[0].yaml
    );

    // In a plan, a value `after_unknown` marks is a placeholder whatever stands there.
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/public-plan.json")).unwrap())
            .unwrap();
    for resource in plan["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
    {
        if resource["address"] == "aws_subnet.public" {
            resource["values"]["cidr_block"] = serde_json::json!(0);
        }
    }
    for change in plan["resource_changes"].as_array_mut().unwrap() {
        if change["address"] == "aws_subnet.public" {
            change["change"]["after_unknown"]["cidr_block"] = serde_json::json!(true);
        }
    }
    let built = import::import_str(
        Some(Kind::Terraform),
        "plan.json",
        &plan.to_string(),
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(built.len(), 1);
}

#[test]
fn output_ending_in_a_slash_is_a_directory_created_as_needed_and_a_file_holds_a_stream() {
    const THREE: &str =
        "tests/fixtures/import/terraform/realworld/checkov-plan_nested_child_modules.tfplan.json";
    let base = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-output");
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    let names = |dir: &std::path::Path| {
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        files
    };

    // `-o DIR/` that does not exist (nor its parent): created, one file per cluster.
    let dir = base.join("new").join("scenarios");
    let output = eksflow()
        .args(["import", "terraform", THREE, "-o"])
        .arg(format!("{}/", dir.display()))
        .output()
        .unwrap();
    assert_success(&output);
    assert!(output.stdout.is_empty());
    assert_eq!(names(&dir), ["test-2.yaml", "test-3.yaml", "test.yaml"]);
    for file in names(&dir) {
        let text = std::fs::read_to_string(dir.join(&file)).unwrap();
        assert_eq!(scenario::load_str(&file, &text).len(), 1, "{file}");
    }

    // One cluster into `-o DIR/`: one file, named after the cluster.
    let single = base.join("single");
    let output = eksflow()
        .args([
            "import",
            "terraform",
            "tests/fixtures/import/terraform/state.json",
            "-o",
        ])
        .arg(format!("{}/", single.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(names(&single), ["core.yaml"]);

    // `-o FILE` with several clusters: one file holding a YAML stream, and it says so.
    let file = base.join("all.yaml");
    let output = eksflow()
        .args(["import", "terraform", THREE, "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(file.is_file());
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(scenario::load_str("all.yaml", &text).len(), 3);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("3 scenarios (one per cluster) as a YAML stream")
            && stderr.contains("-o DIR/"),
        "{stderr}"
    );
    // With one cluster, nothing to say.
    let output = eksflow()
        .args([
            "import",
            "terraform",
            "tests/fixtures/import/terraform/state.json",
            "-o",
        ])
        .arg(base.join("core.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty());

    // The help of -o says all of it.
    let help = eksflow().args(["import", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("a path ending in `/`, created if needed — gets one file per cluster")
            && help.contains("YAML stream of one document per cluster"),
        "{help}"
    );
}

// ---- gaps found on real public files ---------------------------------------------------

/// A fixture's JSON, changed by `edit`, imported from memory; one scenario, loaded.
fn edited(file: &str, edit: impl FnOnce(&mut serde_json::Value)) -> (String, Scenario) {
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/{file}")).unwrap()).unwrap();
    edit(&mut json);
    let built = import::import_str(
        Some(Kind::Terraform),
        "edited.json",
        &json.to_string(),
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(built.len(), 1);
    let yaml = built.into_iter().next().unwrap().yaml;
    let scenario = scenario::load_one("edited.json", &yaml)
        .unwrap_or_else(|problems| panic!("{problems:#?}\n{yaml}"));
    (yaml, scenario)
}

#[test]
fn a_plan_without_configuration_finds_the_cluster_vpc_through_subnet_tags_and_cidrs() {
    // The real TerraGoat-style plan, saved without its `configuration` block: every
    // `vpc_id` and the cluster's `subnet_ids` are unknown at plan time.
    let (yaml, scenario) = edited("realworld/checkov-runner-plan.tfplan.json", |json| {
        json.as_object_mut().unwrap().remove("configuration");
    });
    let vpc = scenario.cluster_vpc().unwrap();
    assert_eq!(vpc.id, "aws_vpc.eks_vpc");
    assert_eq!(vpc.cidrs[0].to_string(), "10.10.0.0/16");
    assert!(
        vpc.enable_dns_hostnames,
        "the real VPC's flag, not a default"
    );
    assert_eq!(
        subnet_ids(&scenario),
        ["aws_subnet.eks_subnet1", "aws_subnet.eks_subnet2"]
    );
    let enis: Vec<&str> = scenario
        .cluster
        .enis
        .iter()
        .map(|eni| scenario.subnet(eni.subnet).unwrap().id.as_str())
        .collect();
    assert_eq!(enis, ["aws_subnet.eks_subnet1", "aws_subnet.eks_subnet2"]);
    // The other VPC's security groups are not guessed into the cluster VPC.
    assert!(
        !scenario
            .security_groups
            .iter()
            .any(|g| g.id == "aws_security_group.web-node"),
        "{yaml}"
    );
    assert!(
        yaml.contains("aws_security_group.web-node: its VPC is not known"),
        "{yaml}"
    );
    let codes = import_support::finding_codes(&scenario);
    assert!(!codes.contains(&"EKS006"), "{codes:?}");
    import_support::assert_noted(
        &scenario,
        &[
            "kubernetes.io/cluster/123456789123-acme-corp-eks",
            "assumed",
        ],
    );
    import_support::assert_noted(&scenario, &["aws_subnet.eks_subnet1", "vpc_id unknown"]);
}

#[test]
fn a_resource_missing_from_planned_values_is_read_from_its_change() {
    let (_, scenario) = edited("public-plan.json", |json| {
        json["planned_values"]["root_module"]["resources"]
            .as_array_mut()
            .unwrap()
            .retain(|r| {
                r["address"] != "aws_subnet.public" && r["address"] != "aws_nat_gateway.nat"
            });
    });
    assert!(subnet_ids(&scenario).contains(&"aws_subnet.public"));
    assert_eq!(scenario.nat_gateways.len(), 1);
    let public = import_support::subnet(&scenario, "aws_subnet.public");
    let (_, reference) = one("public-plan.json");
    assert_eq!(
        public.cidr,
        import_support::subnet(&reference, "aws_subnet.public").cidr
    );
}

#[test]
fn an_ipv6_cluster_with_a_generated_vpc_block_gets_labelled_placeholders() {
    // As the terraform-aws-eks module's IPv6 example plans it: `ip_family = "ipv6"`, the VPC
    // with `assign_generated_ipv6_cidr_block = true` (its block unknown until apply), each
    // subnet's `ipv6_cidr_block = cidrsubnet(…)` unknown too, an egress-only gateway.
    let (yaml, scenario) = edited("public-plan.json", |json| {
        let resources = json["planned_values"]["root_module"]["resources"]
            .as_array_mut()
            .unwrap();
        let mut vpc_id = serde_json::Value::Null;
        for resource in resources.iter_mut() {
            match resource["type"].as_str().unwrap() {
                "aws_eks_cluster" => {
                    resource["values"]["kubernetes_network_config"] =
                        serde_json::json!([{ "ip_family": "ipv6" }]);
                }
                "aws_vpc" => {
                    resource["values"]["assign_generated_ipv6_cidr_block"] = true.into();
                    vpc_id = resource["address"].clone();
                }
                _ => {}
            }
        }
        resources.push(serde_json::json!({
            "address": "aws_egress_only_internet_gateway.this",
            "mode": "managed",
            "type": "aws_egress_only_internet_gateway",
            "name": "this",
            "values": { "vpc_id": vpc_id }
        }));
        let changes = json["resource_changes"].as_array_mut().unwrap();
        for change in changes.iter_mut() {
            if change["type"] == "aws_subnet" {
                change["change"]["after_unknown"]["ipv6_cidr_block"] = true.into();
            }
        }
    });
    assert_eq!(
        scenario.cluster.ip_family,
        eksflow::scenario::Family::Ipv6,
        "{yaml}"
    );
    assert!(scenario.cluster.dual_stack);
    let vpc = &scenario.vpcs[0];
    assert_eq!(vpc.ipv6_cidrs[0].to_string(), "2001:db8:100::/56", "{yaml}");
    assert_eq!(
        vpc.egress_only_internet_gateway.as_deref(),
        Some("aws_egress_only_internet_gateway.this")
    );
    assert!(yaml.contains("# placeholder: the IPv6 block is not in the source"));
    for subnet in &scenario.subnets {
        let block = subnet
            .ipv6_cidr
            .unwrap_or_else(|| panic!("{} has no /64\n{yaml}", subnet.id));
        assert_eq!(block.prefix(), 64);
        assert!(vpc.ipv6_cidrs[0].contains(block.network()));
    }
    import_support::assert_noted(
        &scenario,
        &["placeholder 2001:db8:100::/56", "allocated at creation"],
    );
    assert!(!yaml.contains("does not simulate IPv6"), "{yaml}");
    assert!(import_support::finding_codes(&scenario).contains(&"EKS019"));
}

#[test]
fn the_prior_state_of_a_plan_is_read_as_state_for_diff() {
    let plan = std::fs::read_to_string(format!("{DIR}/public-plan.json")).unwrap();
    // No prior_state: no prior side.
    assert!(
        import::read_plan_prior_str("plan.json", &plan)
            .unwrap()
            .is_none()
    );
    let (planned, prior) = import::import_plan_sides("plan.json", &plan, &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(planned.len(), 1);
    assert!(prior.is_none());

    // A prior state with the cluster: the state fixture, as a plan's prior_state.
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/state.json")).unwrap())
            .unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&plan).unwrap();
    json["prior_state"] = state.clone();
    let text = json.to_string();
    let inventory = import::read_plan_prior_str("plan.json", &text)
        .unwrap_or_else(|e| panic!("{e}"))
        .expect("a prior_state");
    assert!(
        inventory.source.contains("prior state"),
        "{}",
        inventory.source
    );
    let direct = import::read_str(Kind::Terraform, "state.json", &state.to_string()).unwrap();
    let names = |i: &import::Inventory| -> Vec<String> {
        i.clusters.iter().map(|c| c.name.clone()).collect()
    };
    assert_eq!(
        names(&inventory),
        names(&direct),
        "the same reader as state files"
    );
    assert_eq!(inventory.subnets.len(), direct.subnets.len());
    let (planned, prior) = import::import_plan_sides("plan.json", &text, &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let prior = prior.expect("a prior side");
    assert_eq!(prior.len(), direct.clusters.len());
    for built in prior.iter().chain(&planned) {
        scenario::load_one("side.yaml", &built.yaml)
            .unwrap_or_else(|problems| panic!("{problems:#?}\n{}", built.yaml));
    }

    // A prior state without the cluster (the real plan's: data sources only): an empty side.
    let real = std::fs::read_to_string(format!("{DIR}/realworld/checkov-runner-plan.tfplan.json"))
        .unwrap();
    let (_, prior) = import::import_plan_sides("real.json", &real, &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(prior.map(|p| p.len()), Some(0));
}

#[test]
fn an_applied_ipv6_cluster_comes_through_dual_stack_with_its_real_blocks() {
    // ipv6-state.json: the terraform-aws-eks module's IPv6 example once applied, its VPC's
    // Amazon-provided /56 and the subnets' /64s known.
    let all = imported("ipv6-state.json", &Options::default());
    let (yaml, scenario) = all.first().unwrap();
    assert_eq!(scenario.cluster.ip_family, eksflow::scenario::Family::Ipv6);
    assert!(scenario.cluster.dual_stack, "the endpoint is under api.aws");
    assert_eq!(
        import_support::allowlist(scenario),
        ["0.0.0.0/0", "::/0"],
        "{yaml}"
    );
    let vpc = &scenario.vpcs[0];
    assert_eq!(vpc.ipv6_cidrs[0].to_string(), "2600:1f18:4a2:9c00::/56");
    assert_eq!(
        vpc.egress_only_internet_gateway.as_deref(),
        Some("eigw-0ex6")
    );
    assert_eq!(
        import_support::subnet(scenario, "subnet-0pri1")
            .ipv6_cidr
            .map(|b| b.to_string())
            .as_deref(),
        Some("2600:1f18:4a2:9c04::/64")
    );
    assert!(
        !yaml.contains("placeholder 2001:db8"),
        "real blocks: {yaml}"
    );
    // Private subnets route ::/0 to the egress-only gateway, IPv4 to the NAT gateway.
    let private = scenario
        .route_table(
            import_support::subnet(scenario, "subnet-0pri0")
                .route_table
                .unwrap(),
        )
        .unwrap();
    let routes: Vec<(String, String)> = private
        .routes
        .iter()
        .map(|r| (r.destination.to_string(), format!("{:?}", r.target)))
        .collect();
    assert_eq!(routes.len(), 2, "{routes:?}");
    assert!(
        routes
            .iter()
            .any(|(d, t)| d == "::/0" && t.contains("EgressOnly")),
        "{routes:?}"
    );
    // The node security group's `ipv6_cidr_blocks = ["::/0"]` egress came through.
    assert!(yaml.contains("cidr: \"::/0\""), "{yaml}");
    // Nodes reach the public dual-stack endpoint over IPv6 with their own addresses.
    let report = eksflow::checked::check(scenario, Some(EndpointAccess::Public));
    let nodes: Vec<_> = report
        .analysis
        .flows
        .iter()
        .filter(|f| f.client.node_group.is_some())
        .collect();
    assert_eq!(nodes.len(), 3);
    for flow in nodes {
        assert!(flow.reachable(), "{}", flow.client.name);
        assert_eq!(flow.family(), Some(eksflow::scenario::Family::Ipv6));
    }
}

/// Centralised egress in Terraform (SPEC section 3): the attachments' `subnet_ids` place them
/// in their subnets, and `aws_ec2_transit_gateway_route` becomes a static route to the VPC of
/// the attachment it names.
#[test]
fn transit_gateway_attachment_subnets_and_static_routes_come_through() {
    let text = std::fs::read_to_string(format!("{DIR}/transit-gateway-plan.json")).unwrap();
    let mut plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    let resources = plan["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap();
    for resource in resources.iter_mut() {
        if resource["address"] == "aws_ec2_transit_gateway_vpc_attachment.shared" {
            resource["values"]["id"] = serde_json::json!("tgw-attach-shared");
        }
    }
    resources.push(serde_json::json!({
        "address": "aws_ec2_transit_gateway_route.default",
        "mode": "managed",
        "type": "aws_ec2_transit_gateway_route",
        "name": "default",
        "values": {
            "destination_cidr_block": "0.0.0.0/0",
            "transit_gateway_attachment_id": "tgw-attach-shared",
            "blackhole": false
        }
    }));
    let built = import::import_str(
        Some(Kind::Terraform),
        "plan.json",
        &plan.to_string(),
        &Options::default(),
    )
    .unwrap();
    let yaml = &built[0].yaml;
    let scenario = scenario::load_one("plan.json", yaml).unwrap();
    let scenario::ConnectionKind::TransitGateway {
        attachments,
        routes,
    } = &scenario.connections[0].kind
    else {
        panic!("not a transit gateway");
    };
    let subnets = |i: usize| -> Vec<String> {
        attachments[i]
            .subnets
            .iter()
            .map(|s| scenario.subnet(*s).unwrap().id.clone())
            .collect()
    };
    assert_eq!(
        subnets(0),
        ["aws_subnet.cluster_a", "aws_subnet.cluster_b"],
        "{yaml}"
    );
    assert_eq!(subnets(1), ["aws_subnet.shared"], "{yaml}");
    assert_eq!(routes.len(), 1, "{yaml}");
    assert_eq!(routes[0].destination.to_string(), "0.0.0.0/0");
    let scenario::Attachment::Vpc(target) = routes[0].target else {
        panic!("the route leads to a network");
    };
    assert_eq!(scenario.vpc(target).unwrap().id, "aws_vpc.shared");
    assert!(
        yaml.contains("# from aws_ec2_transit_gateway_route.default"),
        "{yaml}"
    );
}

// ---- Route 53 Resolver endpoints and the DNS transport (SPEC 8) ----------------------

/// The ID of the subnet at `ix`.
fn subnet_id(scenario: &Scenario, ix: Option<scenario::SubnetIx>) -> &str {
    ix.and_then(|ix| scenario.subnet(ix))
        .map_or("(none)", |s| s.id.as_str())
}

#[test]
fn a_plan_s_resolver_endpoints_keep_each_address_s_subnet_their_groups_and_the_rule_s_endpoint() {
    let (yaml, scenario) = one("resolver-plan.json");
    let vpc = scenario.vpc(scenario.cluster.vpc).unwrap();
    // Inbound: the address the plan sets, and a placeholder for the one Resolver picks at
    // apply, each in the subnet its `ip_address` block names (found through references).
    let inbound = &vpc.inbound_endpoints[0];
    assert_eq!(inbound.id, "aws_route53_resolver_endpoint.inbound");
    let interfaces: Vec<(String, &str)> = inbound
        .interfaces
        .iter()
        .map(|i| (i.ip.to_string(), subnet_id(&scenario, i.subnet)))
        .collect();
    assert_eq!(
        interfaces,
        [
            ("10.60.1.53".to_owned(), "aws_subnet.a"),
            ("10.60.2.53".to_owned(), "aws_subnet.b")
        ]
    );
    assert_eq!(
        scenario.sg_names(&inbound.security_groups),
        "aws_security_group.resolver_in"
    );
    // Outbound: both addresses unknown at plan time, placeholders at base + 54.
    let outbound = &vpc.outbound_endpoints[0];
    assert_eq!(
        outbound
            .ips
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["10.60.1.54", "10.60.2.54"]
    );
    assert_eq!(
        scenario.sg_names(&outbound.security_groups),
        "aws_security_group.resolver_out"
    );
    // The forward rule leaves through the endpoint its `resolver_endpoint_id` names.
    let rule = &vpc.forward_rules[0];
    assert_eq!(scenario::domain_text(&rule.domain), "corp.example");
    assert_eq!(
        rule.outbound_endpoint_written.as_deref(),
        Some("aws_route53_resolver_endpoint.outbound")
    );
    assert_eq!(
        vpc.forward_rules.len(),
        1,
        "the SYSTEM rule is not a forward rule"
    );
    // Groups on the endpoints make the DNS transport traced (SPEC 8.6); the import writes
    // no `dnsTransport` of its own.
    assert_eq!(scenario.dns_transport, scenario::DnsTransport::Traced);
    assert!(!scenario.dns_transport_written);
    // Every placeholder is said, next to it and in `imported.missing` (EKS019).
    assert_eq!(
        yaml.matches("# placeholder: Resolver picks the address at creation")
            .count(),
        3
    );
    let missing = &scenario.imported.as_ref().unwrap().missing;
    assert!(
        missing.iter().any(|m| m.starts_with(
            "aws_route53_resolver_endpoint.inbound: inbound endpoint addresses not known"
        ) && m.contains("10.60.2.53")),
        "{missing:#?}"
    );
    assert!(
        missing
            .iter()
            .any(|m| m.contains("aws_route53_resolver_rule.local") && m.contains("SYSTEM")),
        "{missing:#?}"
    );
    // Nothing says the office forwards to the inbound endpoint, so nothing does.
    assert!(scenario.networks.iter().all(|n| n.dns_servers.is_empty()));
}

/// The office of resolver-plan.json forwards to the inbound endpoint: the one fact no AWS
/// source holds, written into the imported scenario as a user would.
fn office_forwards_to_the_inbound_endpoint(yaml: &str, transport: Option<&str>) -> Vec<u8> {
    let mut document: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    let networks = document["networks"].as_sequence_mut().unwrap();
    assert_eq!(networks.len(), 1, "the office behind the VPN");
    networks[0]["dnsServers"] = serde_yaml::from_str("[10.60.1.53, 10.60.2.53]").unwrap();
    if let Some(transport) = transport {
        document["dnsTransport"] = transport.into();
    }
    serde_yaml::to_string(&document).unwrap().into_bytes()
}

#[test]
fn an_inbound_endpoint_whose_group_drops_udp_53_from_the_office_leaves_the_office_dns_unreachable()
{
    let output = eksflow()
        .args([
            "import",
            "terraform",
            &format!("{DIR}/resolver-plan.json"),
            "--clients",
            &format!("{DIR}/resolver-clients.yaml"),
        ])
        .output()
        .unwrap();
    assert_success(&output);
    let yaml = String::from_utf8(output.stdout).unwrap();
    // Exit 1: a flow fails its expectation; 0: every flow meets it.
    let check = |scenario: Vec<u8>, code: i32| -> serde_json::Value {
        let output = eksflow()
            .args(["check", "-", "--format", "json"])
            .write_stdin(scenario)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        json[0].clone()
    };
    let report = check(office_forwards_to_the_inbound_endpoint(&yaml, None), 1);
    assert_eq!(report["dnsTransport"], "traced");
    let flow = &report["flows"][0];
    assert_eq!(flow["client"], "office-laptop");
    assert_eq!(flow["reachable"], false);
    assert_eq!(flow["reason"], "DNS_UNREACHABLE");
    assert_eq!(
        flow["blockedBy"],
        "DNS query udp/53 from 172.16.5.20 (client office-laptop) to 10.60.1.53 (inbound endpoint aws_route53_resolver_endpoint.inbound): aws_security_group.resolver_in allows no udp/53 from 172.16.5.20"
    );
    // Both endpoint addresses were tried (resolver(5) failover), and each hop's own code is
    // the group's.
    let queries = flow["dns"]["queries"].as_array().unwrap();
    let tried: Vec<(&str, &str, &str)> = queries
        .iter()
        .map(|q| {
            (
                q["to"].as_str().unwrap(),
                q["protocol"].as_str().unwrap(),
                q["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tried,
        [
            ("10.60.1.53", "udp", "SG_INGRESS_DENY"),
            ("10.60.2.53", "udp", "SG_INGRESS_DENY")
        ]
    );
    // The same import with the transport assumed: the query is taken to arrive, and the
    // office reaches the private endpoint. The group is what blocks it.
    let assumed = check(
        office_forwards_to_the_inbound_endpoint(&yaml, Some("assumed")),
        0,
    );
    let flow = &assumed["flows"][0];
    assert_eq!(flow["reason"], serde_json::Value::Null, "{flow:#}");
    assert_eq!(flow["reachable"], true);
}

/// A `--clients` network with the id of the network the import generates for the VPN gives
/// it `dnsServers`: the office forwards to the inbound endpoint with no hand edit, and the
/// endpoint's group, which drops UDP 53 from the office, leaves it DNS_UNREACHABLE.
#[test]
fn a_clients_network_with_the_generated_networks_id_gives_it_dns_servers() {
    let plan = format!("{DIR}/resolver-plan.json");
    let clients = format!("{DIR}/resolver-office-dns.yaml");
    let output = eksflow()
        .args(["import", "terraform", &plan, "--clients", &clients])
        .output()
        .unwrap();
    assert_success(&output);
    let yaml = String::from_utf8(output.stdout).unwrap();
    let document: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
    let networks = document["networks"].as_sequence().unwrap();
    assert_eq!(
        networks.len(),
        1,
        "merged into the generated network, not added: {yaml}"
    );
    assert_eq!(networks[0]["id"], "onprem-aws-vpn-connection-office");
    assert_eq!(
        networks[0]["dnsServers"],
        serde_yaml::from_str::<serde_yaml::Value>("[10.60.1.53, 10.60.2.53]").unwrap()
    );
    assert_eq!(
        networks[0]["routes"][0]["target"], "aws_vpn_connection.office",
        "the generated network keeps what the import wrote"
    );
    // `check` of the plan itself, with the same file.
    let output = eksflow()
        .args(["check", &plan, "--clients", &clients, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "the laptop's expectation fails: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let report = &json[0];
    assert_eq!(report["dnsTransport"], "traced");
    let flow = &report["flows"][0];
    assert_eq!(flow["client"], "office-laptop");
    assert_eq!(flow["dns"]["server"], "10.60.1.53");
    assert_eq!(flow["reachable"], false);
    assert_eq!(flow["reason"], "DNS_UNREACHABLE");
    let queries: Vec<(&str, &str, &str, bool)> = flow["dns"]["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["from"].as_str().unwrap(),
                q["to"].as_str().unwrap(),
                q["reason"].as_str().unwrap(),
                q["reachable"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        queries,
        [
            ("172.16.5.20", "10.60.1.53", "SG_INGRESS_DENY", false),
            ("172.16.5.20", "10.60.2.53", "SG_INGRESS_DENY", false)
        ]
    );
}

#[test]
fn a_clients_network_with_a_generated_id_may_add_only_dns_servers() {
    let plan = format!("{DIR}/resolver-plan.json");
    let dir = std::env::temp_dir().join(format!("eksflow-clients-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, networks, said) in [
        (
            "cidrs.yaml",
            "  - { id: onprem-aws-vpn-connection-office, cidrs: [172.16.0.0/16], dnsServers: [10.60.1.53] }\n",
            "--clients: networks: `onprem-aws-vpn-connection-office` is a network the import generates (the far side of a connection): a --clients entry with its id may add only `dnsServers`, not `cidrs`",
        ),
        (
            "twice.yaml",
            "  - { id: onprem-aws-vpn-connection-office, dnsServers: [10.60.1.53] }\n  - { id: onprem-aws-vpn-connection-office, dnsServers: [10.60.2.53] }\n",
            "--clients: networks: `onprem-aws-vpn-connection-office` is given twice",
        ),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, format!("networks:\n{networks}")).unwrap();
        let output = eksflow()
            .args(["import", "terraform", &plan, "--clients"])
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(said), "{name}: {stderr}");
        assert!(output.stdout.is_empty(), "{name}: no scenario printed");
    }
    // A network of another id is added beside the generated one, as before.
    let file = dir.join("other.yaml");
    std::fs::write(
        &file,
        "networks:\n  - { id: branch, cidrs: [172.20.0.0/16], dnsServers: [8.8.8.8] }\n",
    )
    .unwrap();
    let output = eksflow()
        .args(["import", "terraform", &plan, "--clients"])
        .arg(&file)
        .output()
        .unwrap();
    assert_success(&output);
    let document: serde_yaml::Value = serde_yaml::from_slice(&output.stdout).unwrap();
    let ids: Vec<&str> = document["networks"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["onprem-aws-vpn-connection-office", "branch"]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn resolver_values_the_provider_refuses_are_errors_naming_the_file_and_field() {
    use serde_json::json;
    let plan: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DIR}/resolver-plan.json")).unwrap(),
    )
    .unwrap();
    let resources = plan["planned_values"]["root_module"]["resources"]
        .as_array()
        .unwrap();
    let at = |address: &str| {
        resources
            .iter()
            .position(|r| r["address"] == address)
            .unwrap()
    };
    let cases = [
        (
            "aws_route53_resolver_endpoint.inbound",
            "/direction",
            json!("SIDEWAYS"),
            "direction",
            "expected INBOUND or OUTBOUND, found \"SIDEWAYS\"",
        ),
        (
            "aws_route53_resolver_endpoint.inbound",
            "/ip_address/0/ip",
            json!("10.60.1"),
            "ip_address[0].ip",
            "expected an IPv4 address, found \"10.60.1\"",
        ),
        (
            "aws_route53_resolver_rule.corp",
            "/rule_type",
            json!("FORWARDED"),
            "rule_type",
            "expected FORWARD, SYSTEM or RECURSIVE, found \"FORWARDED\"",
        ),
        (
            "aws_route53_resolver_endpoint.outbound",
            "/direction",
            json!(7),
            "direction",
            "expected a string, found a number (7)",
        ),
    ];
    for (address, pointer, value, field, expected) in cases {
        let mut bad = plan.clone();
        let index = at(address);
        *bad["planned_values"]["root_module"]["resources"][index]["values"]
            .pointer_mut(pointer)
            .unwrap() = value;
        let error = import::import_str(
            Some(Kind::Terraform),
            "resolver-plan.json",
            &bad.to_string(),
            &Options::default(),
        )
        .err()
        .unwrap_or_else(|| panic!("{address}{pointer}: imported"));
        assert_eq!(error.file, "resolver-plan.json");
        assert_eq!(
            error.path,
            format!("planned_values.root_module.resources[{index}].values.{field}")
        );
        assert_eq!(error.message, format!("{expected} (in {address})"));
        assert!(!error.to_string().contains('\n'), "one line: {error}");
    }
}

// ---- EKS Hybrid Nodes (remote_network_config) -------------------------------------------

#[test]
fn hybrid_state_remote_network_config_and_service_cidr_are_imported() {
    let (_, scenario) = one("hybrid-state.json");
    assert_eq!(
        import_support::remote_blocks(&scenario),
        (
            vec!["172.16.0.0/18".to_owned()],
            vec!["172.16.64.0/18".to_owned()]
        )
    );
    assert_eq!(
        scenario
            .cluster
            .hybrid
            .service_ipv4_cidr
            .map(|c| c.to_string()),
        Some("172.20.0.0/16".to_owned())
    );
    assert!(scenario.networks.is_empty(), "no network is invented");
    import_support::assert_noted(
        &scenario,
        &["aws_eks_cluster.example", "where the hybrid nodes sit"],
    );
    // sg-0remote admits the node block on 443, not the pod block: EKS037, and nothing the
    // missing network would have to decide (EKS036).
    let codes = import_support::finding_codes(&scenario);
    assert!(codes.contains(&"EKS037"), "{codes:?}");
    assert!(!codes.contains(&"EKS036"), "{codes:?}");
}

/// A plan whose `planned_values` lack the blocks (as when they come from variables) reads
/// them from the configuration's constants; an IPv6 cluster's empty `service_ipv4_cidr` is
/// not written.
#[test]
fn hybrid_plan_reads_remote_blocks_from_the_configuration() {
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v",
             "values": {"cidr_block": "10.0.0.0/16"}},
            {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
             "values": {"cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a"}},
            {"address": "aws_eks_cluster.c", "mode": "managed", "type": "aws_eks_cluster", "name": "c",
             "values": {"name": "c", "kubernetes_network_config": [{"service_ipv4_cidr": ""}],
                        "vpc_config": [{"endpoint_private_access": true, "endpoint_public_access": false}]}}
        ]}},
        "configuration": {"root_module": {"resources": [
            {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
             "expressions": {"vpc_id": {"references": ["aws_vpc.v.id", "aws_vpc.v"]}}},
            {"address": "aws_eks_cluster.c", "mode": "managed", "type": "aws_eks_cluster", "name": "c",
             "expressions": {
                "vpc_config": [{"subnet_ids": {"references": ["aws_subnet.a.id", "aws_subnet.a"]}}],
                "remote_network_config": [{
                    "remote_node_networks": [{"cidrs": {"constant_value": ["10.80.0.0/16"]}}],
                    "remote_pod_networks": [{"cidrs": {"constant_value": ["10.85.0.0/16"]}}]
                }]
             }}
        ]}}
    });
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hybrid-plan-{}.json", std::process::id()));
    std::fs::write(&path, plan.to_string()).unwrap();
    let built = import::import(
        Some(Kind::Terraform),
        path.to_str().unwrap(),
        &Options::default(),
    )
    .unwrap();
    let scenario = scenario::load_one("plan.yaml", &built[0].yaml)
        .unwrap_or_else(|p| panic!("{p:?}\n{}", built[0].yaml));
    assert_eq!(
        import_support::remote_blocks(&scenario),
        (
            vec!["10.80.0.0/16".to_owned()],
            vec!["10.85.0.0/16".to_owned()]
        )
    );
    assert_eq!(scenario.cluster.hybrid.service_ipv4_cidr, None);
}

#[test]
fn hybrid_remote_network_config_of_the_wrong_type_names_its_json_path() {
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/state.json")).unwrap())
            .unwrap();
    let resources = state["values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap();
    let index = resources
        .iter()
        .position(|r| r["address"] == "aws_eks_cluster.core")
        .unwrap();
    resources[index]["values"]["remote_network_config"] =
        serde_json::json!([{"remote_node_networks": "oops"}]);
    let output = eksflow()
        .args(["import", "terraform", "-"])
        .write_stdin(state.to_string())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "values.root_module.resources[{index}].values.remote_network_config[0].remote_node_networks: expected a list of blocks"
        )),
        "{stderr}"
    );
}

/// `eksflow check` on the state file itself: analysed (exit 0: warnings only), the pod
/// block's missing 443 rule reported. Terraform JSON has no lines to point at.
#[test]
fn hybrid_check_on_the_state_file() {
    let (code, findings) =
        import_support::check_source("tests/fixtures/import/terraform/hybrid-state.json");
    assert_eq!(code, 0, "{findings:?}");
    assert!(
        findings.contains(&(
            "EKS037".to_owned(),
            "cluster.remoteNetworkConfig.remotePodNetworks[0]".to_owned(),
            None
        )),
        "{findings:?}"
    );
}
