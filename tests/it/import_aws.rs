//! `eksflow import aws`: a directory (or one file) of AWS CLI output, recognised by content.
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
use import_support::route_table_of;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import/aws");

fn eksflow() -> Command {
    let mut command = Command::cargo_bin("eksflow").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn imported(source: &str) -> Vec<Scenario> {
    import::import(Some(Kind::Aws), source, &Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|built| {
            scenario::load_one("imported.yaml", &built.yaml)
                .unwrap_or_else(|p| panic!("{p:#?}\n{}", built.yaml))
        })
        .collect()
}

#[test]
fn a_complete_collection_becomes_a_scenario_with_the_real_enis_and_resolver() {
    let mut all = imported(&format!("{DIR}/complete"));
    assert_eq!(all.len(), 1);
    let scenario = all.remove(0);
    assert_eq!(scenario.cluster.name, "payments");
    assert_eq!(scenario.cluster.region, "eu-west-1", "from the cluster ARN");
    assert_eq!(scenario.cluster.access, EndpointAccess::PublicAndPrivate);
    // The EKS-owned ENIs are the interfaces described `Amazon EKS payments`.
    let enis: Vec<String> = scenario
        .cluster
        .enis
        .iter()
        .map(|e| e.ip.to_string())
        .collect();
    assert_eq!(enis, ["10.0.1.99", "10.0.2.99"]);
    // The cluster security group EKS made, then the additional one.
    assert_eq!(
        scenario.sg_names(&scenario.cluster.security_groups),
        "sg-0cluster, sg-0extra"
    );
    let vpc = scenario.cluster_vpc().unwrap();
    assert!(
        vpc.enable_dns_support && vpc.enable_dns_hostnames,
        "describe-vpc-attribute, both"
    );
    assert_eq!(vpc.cidrs.len(), 2, "the associated secondary CIDR");
    assert_eq!(
        vpc.inbound_endpoints[0].ips.len(),
        2,
        "list-resolver-endpoint-ip-addresses"
    );
    assert_eq!(
        vpc.forward_rules.len(),
        1,
        "the FORWARD rule associated with the VPC; AWS's RECURSIVE default is not listed"
    );
    assert_eq!(
        scenario.nat_gateways.len(),
        1,
        "the deleted NAT gateway is skipped"
    );
    assert_eq!(
        scenario.nat_gateways[0].public_ip.unwrap().to_string(),
        "198.51.100.20"
    );
    assert_eq!(
        route_table_of(&scenario, "subnet-0pub"),
        "rtb-0main",
        "the main route table"
    );
    let missing = &scenario.imported.as_ref().unwrap().missing;
    assert!(
        missing.iter().any(|m| m.contains("blackhole")),
        "{missing:?}"
    );
    assert!(
        missing.iter().any(|m| m.contains("pcx-0tools")),
        "the peer VPC was not collected: {missing:?}"
    );
    // Nodes resolve the private endpoint and reach it; in public mode they would go through
    // the NAT gateway, whose IP the allowlist does not hold.
    let analysis = eksflow::checked::check(&scenario, None);
    assert!(analysis.flows.iter().all(|f| f.reachable()));
    let public_mode = eksflow::checked::check(&scenario, Some(EndpointAccess::Public));
    assert!(
        public_mode
            .flows
            .iter()
            .all(|f| f.blocked.as_ref().unwrap().reason.code() == "PUBLIC_CIDR_DENY")
    );
}

#[test]
fn files_are_recognised_by_content_not_name() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("aws-renamed");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (i, entry) in std::fs::read_dir(format!("{DIR}/complete"))
        .unwrap()
        .enumerate()
    {
        std::fs::copy(entry.unwrap().path(), dir.join(format!("{i:02}.json"))).unwrap();
    }
    let scenario = imported(dir.to_str().unwrap()).remove(0);
    assert_eq!(scenario.cluster.enis.len(), 2);
    assert_eq!(scenario.subnets.len(), 3);
}

#[test]
fn every_real_cli_output_with_a_cluster_imports_and_checks() {
    for file in [
        "describe-cluster.json",
        "create-cluster.ex1.json",
        "create-cluster.ex2.json",
    ] {
        let output = eksflow()
            .args(["import", "aws"])
            .arg(format!("{DIR}/realworld/{file}"))
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{file}: {}",
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
            "{file}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    // The whole folder: three clusters, the invalid and unrelated files listed, not fatal.
    let all = imported(&format!("{DIR}/realworld"));
    let names: Vec<&str> = all.iter().map(|s| s.cluster.name.as_str()).collect();
    assert_eq!(names, ["prod", "example", "my-eks-cluster"]);
    let missing = &all[0].imported.as_ref().unwrap().missing;
    assert!(
        missing
            .iter()
            .any(|m| m.contains("describe-subnets.ex1.invalid.json: not valid JSON")),
        "{missing:?}"
    );
    assert!(
        missing
            .iter()
            .any(|m| m.contains("no endpoint access flags")),
        "the v1.10 response: {missing:?}"
    );
    let old = &all[0];
    assert_eq!(
        old.cluster.access,
        EndpointAccess::Public,
        "EKS default when the response predates the flags"
    );
}

#[test]
fn notes_about_one_cluster_or_vpc_stay_in_the_scenarios_they_concern() {
    let all = imported(&format!("{DIR}/realworld"));
    let notes = |name: &str| {
        all.iter()
            .find(|s| s.cluster.name == name)
            .unwrap()
            .imported
            .as_ref()
            .unwrap()
            .missing
            .clone()
    };
    // The v1.10 response without endpoint flags is prod's; the other clusters' scenarios
    // (and so their EKS019 findings) do not carry its note.
    let prod = notes("prod");
    assert!(
        prod.iter().any(|m| m.starts_with(
            "eks describe-cluster (create-cluster.ex1.json): no endpoint access flags"
        )),
        "{prod:#?}"
    );
    for name in ["example", "my-eks-cluster"] {
        let missing = notes(name);
        assert!(
            !missing
                .iter()
                .any(|m| m.contains("create-cluster.ex1.json")),
            "{name}: {missing:#?}"
        );
        assert!(
            !missing
                .iter()
                .any(|m| m.contains("no endpoint access flags")),
            "{name}: {missing:#?}"
        );
    }
    let mine = notes("my-eks-cluster");
    assert!(
        mine[0].contains("not valid JSON"),
        "the first note (EKS019's message) is about the source, not another cluster: {mine:#?}"
    );
    // Notes about VPCs none of the clusters use (describe-vpc-attribute not collected, a
    // blackhole route in their route table) are in no scenario; files that could not be
    // read concern every cluster.
    for scenario in &all {
        let missing = &scenario.imported.as_ref().unwrap().missing;
        for vpc in [
            "vpc-0e9801d129EXAMPLE",
            "vpc-06e4ab6c6cEXAMPLE",
            "rtb-09ba434c1bEXAMPLE",
        ] {
            assert!(
                !missing.iter().any(|m| m.contains(vpc)),
                "{}: {vpc}: {missing:#?}",
                scenario.cluster.name
            );
        }
        assert!(
            missing
                .iter()
                .any(|m| m.contains("describe-subnets.ex1.invalid.json: not valid JSON")),
            "{missing:#?}"
        );
    }
    // The same VPC in two describe-vpcs files is one VPC, listed once.
    let output = eksflow()
        .args(["import", "aws"])
        .arg(format!("{DIR}/realworld"))
        .args(["--cluster", "my-eks-cluster"])
        .output()
        .unwrap();
    let yaml = String::from_utf8(output.stdout).unwrap();
    assert_eq!(yaml.matches("vpc-06e4ab6c6cEXAMPLE").count(), 1, "{yaml}");
}

#[test]
fn a_single_file_that_is_not_valid_or_not_recognised_is_an_error() {
    let output = eksflow()
        .args([
            "import",
            "aws",
            "tests/fixtures/import/aws/realworld/describe-security-groups.ex1.invalid.json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with(
            "tests/fixtures/import/aws/realworld/describe-security-groups.ex1.invalid.json: line "
        ),
        "{stderr}"
    );
    assert!(stderr.contains("not JSON"), "{stderr}");

    let output = eksflow()
        .args([
            "import",
            "aws",
            "tests/fixtures/import/aws/realworld/describe-security-groups.ex3-query.json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("not AWS CLI output eksflow reads")
    );

    let output = eksflow()
        .args([
            "import",
            "aws",
            "tests/fixtures/import/aws/realworld/describe-vpcs.ex1.json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "no cluster in it");
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("no EKS cluster")
    );
}

#[test]
fn a_directory_is_detected_as_aws_cli_output() {
    let output = eksflow()
        .args(["import", "tests/fixtures/import/aws/complete"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("name: payments")
    );
}

#[test]
fn the_collect_script_calls_only_read_only_apis() {
    let script = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/collect-aws.sh"
    ))
    .unwrap();
    let calls: Vec<&str> = script
        .lines()
        .filter(|line| !line.starts_with("aws()"))
        .filter_map(|line| {
            line.trim_start()
                .strip_prefix("aws ")
                .or_else(|| line.split("command aws --region \"$region\" ").nth(1))
        })
        .filter_map(|call| call.split_whitespace().nth(1))
        .collect();
    assert!(calls.len() >= 18, "{calls:?}");
    for call in calls {
        assert!(
            ["describe-", "list-", "get-"]
                .iter()
                .any(|prefix| call.starts_with(prefix)),
            "{call} is not read-only"
        );
    }
}

#[test]
fn ipv6_blocks_egress_only_gateways_and_eni_addresses_come_through() {
    // tests/fixtures/import/aws/ipv6: describe-* output of an IPv6 cluster, in the shapes of
    // the AWS CLI reference examples (Ipv6CidrBlockAssociationSet, EgressOnlyInternetGateways,
    // DestinationIpv6CidrBlock, Ipv6Addresses, kubernetesNetworkConfig.ipFamily).
    let mut all = imported(&format!("{DIR}/ipv6"));
    let scenario = all.remove(0);
    assert_eq!(scenario.cluster.ip_family, eksflow::scenario::Family::Ipv6);
    assert!(scenario.cluster.dual_stack);
    let vpc = &scenario.vpcs[0];
    assert_eq!(vpc.ipv6_cidrs[0].to_string(), "2001:db8:1234:1a00::/56");
    assert_eq!(
        vpc.egress_only_internet_gateway.as_deref(),
        Some("eigw-0a1b2c3d4e5f60718")
    );
    assert_eq!(
        import_support::subnet(&scenario, "subnet-0b")
            .ipv6_cidr
            .map(|b| b.to_string())
            .as_deref(),
        Some("2001:db8:1234:1a02::/64")
    );
    let enis: Vec<String> = scenario
        .cluster
        .enis
        .iter()
        .map(|eni| eni.ipv6.map(|a| a.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(enis, ["2001:db8:1234:1a01::a", "2001:db8:1234:1a02::a"]);
    assert!(
        scenario
            .cluster
            .enis
            .iter()
            .all(|eni| !eni.ipv6_placeholder)
    );
    assert_eq!(route_table_of(&scenario, "subnet-0a"), "rtb-0private");
    // In public mode the node in subnet-0b is in the IPv6 allowlist and connects over IPv6;
    // the one in subnet-0a is not, and falls back to IPv4 through the NAT gateway.
    let report = eksflow::checked::check(&scenario, Some(EndpointAccess::Public));
    let family = |subnet: &str| {
        report
            .analysis
            .flows
            .iter()
            .find(|f| {
                f.client.node_group.is_some()
                    && matches!(f.client.location, scenario::ClientLocation::Subnet(ix)
                        if scenario.subnet(ix).is_some_and(|s| s.id == subnet))
            })
            .map(|f| (f.reachable(), f.family()))
    };
    assert_eq!(
        family("subnet-0b"),
        Some((true, Some(eksflow::scenario::Family::Ipv6)))
    );
    assert_eq!(
        family("subnet-0a"),
        Some((true, Some(eksflow::scenario::Family::Ipv4)))
    );
}

// ---- Route 53 Resolver responses (SPEC 8) --------------------------------------------

/// A fresh directory holding the files of each of `dirs` (under the fixtures), later ones
/// replacing earlier ones of the same name.
fn merged(name: &str, dirs: &[&str], files: &[&str]) -> std::path::PathBuf {
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    for dir in dirs {
        for entry in std::fs::read_dir(format!("{DIR}/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                std::fs::copy(&path, out.join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    for file in files {
        std::fs::copy(
            format!("{DIR}/{file}"),
            out.join(file.rsplit('/').next().unwrap()),
        )
        .unwrap();
    }
    out
}

#[test]
fn resolver_responses_bring_endpoint_groups_outbound_addresses_and_the_rule_s_endpoint() {
    let dir = merged("aws-resolver", &["complete", "resolver"], &[]);
    let mut all = imported(dir.to_str().unwrap());
    let scenario = all.remove(0);
    let vpc = scenario.cluster_vpc().unwrap();
    let interfaces = |endpoint: &scenario::ResolverEndpoint| -> Vec<(String, String)> {
        endpoint
            .interfaces
            .iter()
            .map(|i| {
                let subnet = i.subnet.and_then(|s| scenario.subnet(s)).unwrap();
                (i.ip.to_string(), subnet.id.clone())
            })
            .collect()
    };
    let pair = |ip: &str, subnet: &str| (ip.to_owned(), subnet.to_owned());
    // Each address file is named for its endpoint, as scripts/collect-aws.sh names it.
    let inbound = &vpc.inbound_endpoints[0];
    assert_eq!(
        interfaces(inbound),
        [
            pair("10.0.1.53", "subnet-0a"),
            pair("10.0.2.53", "subnet-0b")
        ]
    );
    assert_eq!(scenario.sg_names(&inbound.security_groups), "sg-0extra");
    // The DETACHING address carries no queries.
    let outbound = &vpc.outbound_endpoints[0];
    assert_eq!(outbound.id, "rslvr-out-0aaa");
    assert_eq!(
        interfaces(outbound),
        [
            pair("10.0.1.54", "subnet-0a"),
            pair("10.0.2.54", "subnet-0b")
        ]
    );
    // A group the collection does not hold is left out and said, not guessed.
    assert_eq!(scenario.sg_names(&outbound.security_groups), "sg-0extra");
    let missing = &scenario.imported.as_ref().unwrap().missing;
    assert!(
        missing
            .iter()
            .any(|m| m.contains("rslvr-out-0aaa") && m.contains("sg-0other-account")),
        "{missing:#?}"
    );
    assert_eq!(
        vpc.forward_rules[0].outbound_endpoint_written.as_deref(),
        Some("rslvr-out-0aaa"),
        "ResolverEndpointId"
    );
    assert_eq!(scenario.dns_transport, scenario::DnsTransport::Traced);
}

#[test]
fn the_real_route53resolver_outputs_are_recognised_by_content_and_read() {
    // AWS's own examples (aws/aws-cli, see realworld/PROVENANCE.md): an OUTBOUND endpoint,
    // its two addresses, its rule and the rule's association.
    for file in [
        "get-resolver-endpoint.json",
        "list-resolver-endpoints.json",
        "list-resolver-endpoint-ip-addresses.json",
        "list-resolver-rules.json",
        "get-resolver-rule.json",
        "list-resolver-rule-associations.json",
    ] {
        let text = std::fs::read_to_string(format!("{DIR}/realworld/{file}")).unwrap();
        assert_eq!(
            eksflow::source::recognise(&text),
            eksflow::source::What::Import(Kind::Aws),
            "{file}"
        );
    }
    let dir = merged(
        "aws-resolver-real",
        &[],
        &[
            "realworld/get-resolver-endpoint.json",
            "realworld/list-resolver-endpoint-ip-addresses.json",
            "realworld/list-resolver-rules.json",
            "realworld/list-resolver-rule-associations.json",
        ],
    );
    let inventory = import::read(Kind::Aws, dir.to_str().unwrap()).unwrap();
    let [endpoint] = inventory.resolver_endpoints.as_slice() else {
        panic!("{:#?}", inventory.resolver_endpoints);
    };
    assert_eq!(endpoint.id, "rslvr-out-d5e5920e37example");
    assert_eq!(endpoint.direction, import::inventory::Direction::Outbound);
    assert_eq!(endpoint.vpc.as_deref(), Some("vpc-304bexam"));
    assert_eq!(
        endpoint.security_groups.as_deref(),
        Some(&["sg-05cd7b25d6example".to_owned()][..])
    );
    // The only endpoint without addresses owns the unnamed address list.
    let addresses: Vec<(Option<&str>, Option<&str>)> = endpoint
        .addresses
        .iter()
        .map(|a| (a.subnet.as_deref(), a.ip.as_deref()))
        .collect();
    assert_eq!(
        addresses,
        [
            (Some("subnet-ba47exam"), Some("192.0.2.44")),
            (Some("subnet-12d8exam"), Some("192.0.2.45"))
        ]
    );
    // AWS's RECURSIVE default rule is not listed; the FORWARD rule keeps its endpoint.
    let [rule] = inventory.resolver_rules.as_slice() else {
        panic!("{:#?}", inventory.resolver_rules);
    };
    assert_eq!(
        (rule.domain.as_str(), rule.endpoint.as_deref()),
        ("example.com", Some("rslvr-out-d5e5920e37example"))
    );
    assert_eq!(
        rule.targets,
        [import::inventory::RuleTargetDef {
            ip: "192.0.2.45".into(),
            port: Some(53)
        }]
    );
    assert_eq!(rule.vpcs, ["vpc-304bexam"]);
}

#[test]
fn addresses_whose_endpoint_is_ambiguous_are_left_out_and_said() {
    // list-resolver-endpoints shows an INBOUND and an OUTBOUND endpoint in vpc-304bexam, and
    // the address list (not named for its endpoint) could be either's.
    let dir = merged(
        "aws-resolver-ambiguous",
        &[],
        &[
            "realworld/list-resolver-endpoints.json",
            "realworld/list-resolver-endpoint-ip-addresses.json",
        ],
    );
    let inventory = import::read(Kind::Aws, dir.to_str().unwrap()).unwrap();
    assert!(
        inventory
            .resolver_endpoints
            .iter()
            .all(|e| e.addresses.is_empty()),
        "no owner is guessed"
    );
    let notes: Vec<&str> = inventory
        .missing
        .iter()
        .chain(inventory.scoped_missing.iter().map(|n| &n.text))
        .map(String::as_str)
        .collect();
    assert!(
        notes.iter().any(|n| n.starts_with(
            "list-resolver-endpoint-ip-addresses.json (route53resolver list-resolver-endpoint-ip-addresses): the response does not name its endpoint and they could belong to any of rslvr-in-497098ad59example, rslvr-out-d5e5920e37example"
        )),
        "{notes:#?}"
    );
}

/// describe-cluster's `remoteNetworkConfig` and `kubernetesNetworkConfig.serviceIpv4Cidr`
/// (EKS API, RemoteNetworkConfigResponse) come through, flattened.
#[test]
fn hybrid_describe_cluster_remote_network_config_is_imported() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aws-hybrid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(format!("{DIR}/complete")).unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.file_name().unwrap() == "eks-describe-cluster.json" {
            let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
            json["cluster"]["remoteNetworkConfig"] = serde_json::json!({
                "remoteNodeNetworks": [{"cidrs": ["172.16.0.0/18"]}],
                "remotePodNetworks": [{"cidrs": ["172.16.64.0/18"]}]
            });
            json["cluster"]["kubernetesNetworkConfig"]["serviceIpv4Cidr"] =
                serde_json::json!("172.20.0.0/16");
            text = json.to_string();
        }
        std::fs::write(dir.join(path.file_name().unwrap()), text).unwrap();
    }
    let all = imported(dir.to_str().unwrap());
    let scenario = &all[0];
    let remote = scenario
        .cluster
        .hybrid
        .remote
        .as_ref()
        .expect("remoteNetworkConfig");
    let text = |blocks: &[ipnetwork::Ipv4Network]| -> Vec<String> {
        blocks.iter().map(ToString::to_string).collect()
    };
    assert_eq!(text(&remote.node_networks), ["172.16.0.0/18"]);
    assert_eq!(text(&remote.pod_networks), ["172.16.64.0/18"]);
    assert_eq!(scenario.service_ipv4_cidr().to_string(), "172.20.0.0/16");
}
