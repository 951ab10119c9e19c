//! Inputs whose cost grows with a product of their parts, not their size: each file is small
//! (well under the 16 MiB cap), but without a bound a client × address, target × client or
//! document × report product, or an importer's amplification, ran the binary out of memory.
//! Each case runs the real binary under 10 seconds of wall time and 1 GiB of address space
//! (README, "Limits") and must end in a clear exit 2 naming the file, the place and the
//! limit — or, for the bounded DNS work, in an ordinary analysis.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

const WALL_BUDGET: Duration = Duration::from_secs(10);
const MEMORY_BUDGET_KIB: u64 = 1024 * 1024;

use crate::budget;
use budget::Run;

/// Runs `eksflow ARGS` under this file's wall and memory budgets.
fn run(args: &[&str]) -> Run {
    budget::run_within(args, WALL_BUDGET, MEMORY_BUDGET_KIB)
}

/// Writes `contents` to a fresh file under the target directory's scratch space.
fn scratch(name: &str, contents: &[u8]) -> String {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(contents)
        .unwrap();
    path.to_string_lossy().into_owned()
}

/// `eksflow ARGS` must refuse its input: exit 2, nothing on stdout, and one line on stderr
/// that starts with `at` (the file, and line and column where known) and contains
/// `expected`.
fn refused(args: &[&str], at: &str, expected: &str) -> String {
    let run = run(args);
    assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
    assert!(
        matches!(run.stdout.trim(), "" | "[]"),
        "{args:?}: printed a report"
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(at),
        "expected it to start with {at:?}: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(expected),
        "expected {expected:?} in:\n{}",
        run.stderr
    );
    run.stderr
}

/// The scenario the big inputs grow from: a private cluster in 10.0.0.0/16, its ENI subnet
/// widened to a /17 so that thousands of ENIs and clients fit, and no clients yet. `cluster`
/// is inserted into the cluster mapping (after `endpointAccess`).
fn scenario(cluster: &str, enis: usize) -> String {
    let mut text = format!(
        "version: 1\nname: bounds\ncluster:\n  name: c\n  region: eu-west-1\n  endpointAccess: private\n{cluster}  vpc: vpc-a\n  securityGroups: [sg-cluster]\n  enis:\n"
    );
    for i in 0..enis {
        let ip = 10 + i;
        writeln!(
            text,
            "    - {{ subnet: subnet-a, ip: 10.0.{}.{} }}",
            ip / 250,
            ip % 250 + 4
        )
        .unwrap();
    }
    text.push_str(
        "vpcs:\n  - id: vpc-a\n    cidrs: [10.0.0.0/16]\n    enableDnsHostnames: true\n    subnets:\n      - { id: subnet-a, cidr: 10.0.0.0/17, az: eu-west-1a }\n      - { id: subnet-b, cidr: 10.0.128.0/24, az: eu-west-1b }\n    securityGroups:\n      - id: sg-cluster\n        ingress: [{ protocol: all, sourceSecurityGroup: sg-cluster }]\n",
    );
    text
}

/// `count` clients in subnet-a (from 10.0.64.4 on, clear of the ENIs).
fn subnet_clients(count: usize) -> String {
    let mut text = String::from("clients:\n");
    for i in 0..count {
        writeln!(
            text,
            "  - {{ name: c{i}, from: subnet-a, ip: 10.0.{}.{}, securityGroups: [sg-cluster] }}",
            64 + i / 250,
            i % 250 + 4
        )
        .unwrap();
    }
    text
}

#[test]
fn ten_thousand_enis_for_a_hundred_clients_are_refused_at_the_answer_limit() {
    let text = format!("{}{}", scenario("", 10_000), subnet_clients(101));
    let path = scratch("enis.yaml", text.as_bytes());
    refused(
        &["check", &path, "--format", "json"],
        &format!("{path}:"),
        "cluster.enis: 10000 addresses: the endpoint answers with a handful (EKS creates 2 to 4 ENIs); eksflow reads at most 8",
    );
    // Five to eight ENIs still load: EKS011 (a finding, exit 1) says EKS creates 2 to 4.
    let text = format!("{}{}", scenario("", 8), subnet_clients(3));
    let path = scratch("eight-enis.yaml", text.as_bytes());
    let run = run(&["check", &path, "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json[0]["flows"][0]["targets"].as_array().unwrap().len(), 8);
    assert!(
        json[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "EKS011"),
        "{:#}",
        json[0]["findings"]
    );
}

#[test]
fn ten_thousand_public_endpoint_ips_for_a_thousand_clients_are_refused() {
    let mut ips = String::new();
    for i in 0..10_000 {
        write!(
            ips,
            "{}3.{}.{}.1",
            if i > 0 { ", " } else { "" },
            i / 250,
            i % 250
        )
        .unwrap();
    }
    let mut text = scenario(&format!("  publicEndpointIps: [{ips}]\n"), 2)
        .replace("endpointAccess: private", "endpointAccess: public");
    text.push_str("clients:\n");
    for i in 0..1_000 {
        writeln!(
            text,
            "  - {{ name: i{i}, from: internet, ip: 198.51.{}.{} }}",
            101 + i / 250,
            i % 250 + 1
        )
        .unwrap();
    }
    let path = scratch("public-ips.yaml", text.as_bytes());
    refused(
        &["compare", &path, "--format", "json"],
        &format!("{path}:7:"),
        "cluster.publicEndpointIps: 10000 addresses",
    );
}

/// A network of `clients` clients whose DNS server forwards the endpoint's domain to
/// `targets` addresses that are no DNS server.
fn forwarder(targets: usize, clients: usize) -> String {
    let to: Vec<String> = (0..targets)
        .map(|i| format!("172.16.{}.{}", i / 250, i % 250 + 1))
        .collect();
    let mut text = scenario("", 2);
    text.push_str(
        "networks:\n  - { id: office, cidrs: [192.168.0.0/16], dnsServers: [192.168.255.2] }\n",
    );
    writeln!(
        text,
        "dnsServers:\n  - ip: 192.168.255.2\n    forward:\n      - {{ domain: eks.amazonaws.com, to: [{}] }}",
        to.join(", ")
    )
    .unwrap();
    text.push_str("clients:\n");
    for i in 0..clients {
        writeln!(
            text,
            "  - {{ name: o{i}, from: office, ip: 192.168.{}.{} }}",
            i / 250,
            i % 250 + 1
        )
        .unwrap();
    }
    text
}

#[test]
fn a_forwarder_to_ten_thousand_targets_is_refused_at_the_query_budget() {
    let path = scratch("forward-10000.yaml", forwarder(10_000, 1_000).as_bytes());
    refused(
        &["check", &path, "--format", "json"],
        &format!("{path}:"),
        "dnsServers[0].forward[0].to: 10000 forwarding targets: one resolution asks at most 64 servers, so eksflow reads at most 64 per forwarder",
    );
}

#[test]
fn forwarding_targets_that_are_no_server_count_against_the_query_budget() {
    // 64 targets, none a DNS server: each is tried once and counted, so a thousand clients
    // each keep a trail of about 66 lines, not one per target per hop.
    let path = scratch("forward-64.yaml", forwarder(64, 1_000).as_bytes());
    let run = run(&["check", &path, "--format", "json"]);
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let flows = json[0]["flows"].as_array().unwrap();
    assert_eq!(flows.len(), 1_000);
    let flow = &flows[999];
    assert_eq!(flow["reason"], "DNS_SERVER_UNKNOWN", "{flow:#}");
    let trail = flow["dns"]["trail"].as_array().unwrap();
    // The first line, the forwarder's, one per target tried (63, the server counting as the
    // first query) and one for the target left.
    assert_eq!(trail.len(), 66, "{trail:#?}");
    assert_eq!(
        trail[65],
        "1 more forwarding target not asked, 64 servers already tried"
    );
}

#[test]
fn a_resolver_rule_with_more_than_six_targets_is_refused_at_the_route_53_quota() {
    let mut text = scenario("", 2);
    let targets: Vec<String> = (1..=7).map(|i| format!("192.168.0.{i}")).collect();
    text = text.replace(
        "    securityGroups:\n      - id: sg-cluster",
        &format!(
            "    resolver:\n      forwardRules: [{{ domain: eks.amazonaws.com, targetIps: [{}] }}]\n    securityGroups:\n      - id: sg-cluster",
            targets.join(", ")
        ),
    );
    text.push_str(&subnet_clients(1));
    let path = scratch("rule-7.yaml", text.as_bytes());
    refused(
        &["check", &path],
        &format!("{path}:"),
        "vpcs[0].resolver.forwardRules[0].targetIps: 7 target IPs: Route 53 Resolver allows at most 6 per rule",
    );
}

#[test]
fn ten_thousand_documents_are_refused_at_the_thousand_and_first() {
    let one = format!("{}{}", scenario("", 2), subnet_clients(1));
    let lines = one.lines().count() + 1;
    let text = vec![one; 10_000].join("---\n");
    let path = scratch("documents.yaml", text.as_bytes());
    // Document 1,001 starts after 1,000 documents and their `---` lines. The thousand
    // before it are compared and printed, as for any file with one invalid document.
    let run = run(&["compare", &path, "--format", "json"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "{path}:{}:1: more than 1000 scenario documents in one file: eksflow reads at most 1000; split the file",
            1_000 * lines
        )
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1_000);
}

#[test]
fn client_address_pairs_are_capped_per_file() {
    // One document: 5,001 clients × 8 ENIs = 40,008 flows to trace.
    let text = format!("{}{}", scenario("", 8), subnet_clients(5_001));
    let path = scratch("pairs-one.yaml", text.as_bytes());
    refused(
        &["compare", &path, "--format", "json"],
        &format!("{path}:"),
        "clients: 5001 clients × 8 endpoint addresses = 40008 flows to trace: eksflow traces at most 40000 per file (10000 clients × the 4 ENIs EKS creates); split the scenario or the file",
    );
    // Two documents within the limit each, over it together: the second is refused and
    // says what the first used.
    let first = format!("{}{}", scenario("", 2), subnet_clients(1_000));
    let second = format!("{}{}", scenario("", 8), subnet_clients(4_900));
    let path = scratch("pairs-two.yaml", format!("{first}---\n{second}").as_bytes());
    let run = run(&["check", &path, "--format", "json"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "clients: 4900 clients × 8 endpoint addresses = 39200 flows to trace, 2000 more in the file's earlier documents: eksflow traces at most 40000 per file"
        ),
        "{}",
        run.stderr
    );
}

/// A CloudFormation template whose cluster name is `expression`, with a 100 KB parameter.
fn template(expression: &str) -> String {
    format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Big: {{ Type: String, Default: {} }}\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {{ CidrBlock: 10.0.0.0/16 }}\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: {expression}\n      ResourcesVpcConfig: {{ SubnetIds: [] }}\n",
        "x".repeat(100_000)
    )
}

#[test]
fn intrinsic_functions_that_repeat_a_large_value_are_refused_at_the_output_budget() {
    let expected = "intrinsic functions produce more than 16 MiB for this template";
    let sub = template(&format!("!Sub \"{}\"", "${Big}".repeat(10_000)));
    let path = scratch("sub.yaml", sub.as_bytes());
    refused(
        &["import", &path],
        &format!("{path}: Resources.Cluster.Properties.Name: "),
        expected,
    );
    let join = template(&format!(
        "!Join [\"\", [{}]]",
        vec!["!Ref Big"; 10_000].join(", ")
    ));
    let path = scratch("join.yaml", join.as_bytes());
    refused(
        &["check", &path],
        &format!("{path}: Resources.Cluster.Properties.Name"),
        expected,
    );
    // A large delimiter is charged before the join is built.
    let delimiter = template(&format!(
        "{{ \"Fn::Join\": [!Ref Big, [{}]] }}",
        vec!["a"; 10_000].join(", ")
    ));
    let path = scratch("join-delimiter.yaml", delimiter.as_bytes());
    refused(&["import", &path], &format!("{path}: "), expected);
}

#[test]
fn an_aws_cli_directory_is_capped_in_total() {
    // Three files of 12 MiB each, under the 16 MiB per file, 36 MiB together. Their content
    // is no response eksflow reads, so what costs is only the reading.
    let directory = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("aws-total");
    std::fs::create_dir_all(&directory).unwrap();
    let padding = format!("{{\"Padding\": \"{}\"}}", "x".repeat(12 * 1024 * 1024));
    for name in ["a.json", "b.json", "c.json"] {
        std::fs::write(directory.join(name), &padding).unwrap();
    }
    let path = directory.to_string_lossy().into_owned();
    refused(
        &["import", &path],
        &format!("{path}/c.json: "),
        "the directory's JSON files add up to more than 32 MiB, the most eksflow reads from one AWS CLI output directory (each file is at most 16 MiB)",
    );
}

/// A Terraform state of one VPC with `subnets` subnets, all associated with one route table
/// and one network ACL, and a cluster in two of them.
fn terraform_state(subnets: usize) -> String {
    let mut resources = String::from(
        r#"{"type":"aws_vpc","address":"aws_vpc.main","values":{"id":"vpc-1","cidr_block":"10.0.0.0/8","enable_dns_support":true,"enable_dns_hostnames":true}},{"type":"aws_route_table","address":"aws_route_table.rt","values":{"id":"rtb-1","vpc_id":"vpc-1","route":[]}},{"type":"aws_network_acl","address":"aws_network_acl.acl","values":{"id":"acl-1","vpc_id":"vpc-1","subnet_ids":["#,
    );
    for i in 0..subnets {
        write!(resources, "{}\"subnet-{i}\"", if i > 0 { "," } else { "" }).unwrap();
    }
    resources.push_str(r#"],"ingress":[],"egress":[]}}"#);
    for i in 0..subnets {
        write!(
            resources,
            r#",{{"type":"aws_subnet","address":"aws_subnet.s[{i}]","values":{{"id":"subnet-{i}","vpc_id":"vpc-1","cidr_block":"10.{}.{}.{}/28"}}}},{{"type":"aws_route_table_association","address":"aws_route_table_association.a[{i}]","values":{{"id":"rtbassoc-{i}","subnet_id":"subnet-{i}","route_table_id":"rtb-1"}}}}"#,
            i / 4096,
            (i / 16) % 256,
            (i % 16) * 16
        )
        .unwrap();
    }
    resources.push_str(
        r#",{"type":"aws_eks_cluster","address":"aws_eks_cluster.c","values":{"id":"c","name":"c","endpoint":"https://ABCDEF0123456789ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com","vpc_config":[{"subnet_ids":["subnet-0","subnet-1"],"endpoint_private_access":true,"endpoint_public_access":false,"vpc_id":"vpc-1","security_group_ids":[],"public_access_cidrs":["0.0.0.0/0"]}]}}"#,
    );
    format!(
        r#"{{"format_version":"1.0","terraform_version":"1.5.0","values":{{"root_module":{{"resources":[{resources}]}}}}}}"#
    )
}

#[test]
fn a_terraform_state_of_thirty_thousand_subnets_in_one_route_table_imports_in_linear_time() {
    // Each subnet's route table and network ACL were found by scanning every table's and
    // ACL's subnet list: `check` of 50,000 subnets in one table took 5.6 s in release,
    // 3.2 times 25,000; now 1.7 s. In a debug build 30,000 import in about 3 s.
    let path = scratch("terraform-30000.json", terraform_state(30_000).as_bytes());
    let run = run(&["import", &path]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout.matches("routeTable: rtb-1").count(), 30_000);
    assert_eq!(run.stdout.matches("networkAcl: acl-1").count(), 30_000);
}
