//! `eksflow import cloudformation`: what a CloudFormation template becomes. Each test imports
//! a fixture (real templates and small ones of our own, see
//! tests/fixtures/import/cloudformation/PROVENANCE.md), loads the scenario as `check` does and
//! checks one CloudFormation behaviour, in the scenario's content or in its verdicts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::import_support;

use eksflow::analysis::Analysis;
use eksflow::dns::AnsweredBy;
use eksflow::import::Kind;
use eksflow::path::EndpointKind;
use eksflow::scenario::{
    self, Attachment, ConnectionKind, DhcpDnsServer, EndpointAccess, RouteTarget, Scenario, SgPeer,
    SgRule, VpcEndpointKind,
};
use import_support::{
    Fixtures, allowlist, assert_noted, assert_success, check_accepts, eksflow, missing, subnet,
    subnets,
};

const SOURCE: Fixtures = Fixtures {
    kind: Kind::CloudFormation,
    dir: "tests/fixtures/import/cloudformation",
};

/// The real templates (aws/aws-cdk, aws-cloudformation-templates, eksctl; Apache-2.0).
const REAL: &[&str] = &[
    "aws-cdk-eks-cluster-private-endpoint-test.template.json",
    "aws-cloudformation-templates-EKS-template.yaml",
    "eksctl-cluster-example-1.json",
];

/// Our own templates with a cluster.
const OWN: &[&str] = &[
    "private-cluster.yaml",
    "public-restricted-nat.json",
    "public-and-private-connections.yaml",
    "cdk-custom-resource-cluster.json",
    "parameters-without-defaults.yaml",
    "macros.yaml",
];

/// (destination, target) of every route of a table; targets by ID, `igw` for the internet
/// gateway.
fn routes(scenario: &Scenario, table: &str) -> Vec<(String, String)> {
    let table = scenario
        .route_tables
        .iter()
        .find(|t| t.id == table)
        .unwrap_or_else(|| panic!("no route table {table}"));
    table
        .routes
        .iter()
        .map(|route| {
            let target = match route.target {
                RouteTarget::InternetGateway => "igw".to_owned(),
                RouteTarget::EgressOnlyInternetGateway => "eigw".to_owned(),
                RouteTarget::Nat(nat) => scenario.nat_gateway(nat).unwrap().id.clone(),
                RouteTarget::Connection(c) => scenario.connection(c).unwrap().id.clone(),
                RouteTarget::Local => "local".to_owned(),
            };
            (route.destination.to_string(), target)
        })
        .collect()
}

fn route_table_of(scenario: &Scenario, subnet_id: &str) -> Option<String> {
    let table = subnet(scenario, subnet_id).route_table?;
    Some(scenario.route_table(table)?.id.clone())
}

/// A security group rule as text: `tcp 443 from 10.0.0.0/16`, `all from sg-x`.
fn rule_text(scenario: &Scenario, rule: &SgRule, direction: &str) -> String {
    let peer = match rule.peer {
        SgPeer::Cidr(cidr) => cidr.to_string(),
        SgPeer::Group(group) => scenario.security_group(group).unwrap().id.clone(),
    };
    if rule.protocol.has_ports() {
        format!("{} {} {direction} {peer}", rule.protocol, rule.ports)
    } else {
        format!("{} {direction} {peer}", rule.protocol)
    }
}

fn ingress(scenario: &Scenario, group: &str) -> Vec<String> {
    let group = scenario
        .security_groups
        .iter()
        .find(|g| g.id == group)
        .unwrap_or_else(|| panic!("no security group {group}"));
    group
        .ingress
        .iter()
        .map(|rule| rule_text(scenario, rule, "from"))
        .collect()
}

/// `None` when the group keeps AWS's allow-all default.
fn egress(scenario: &Scenario, group: &str) -> Option<Vec<String>> {
    let group = scenario
        .security_groups
        .iter()
        .find(|g| g.id == group)
        .unwrap_or_else(|| panic!("no security group {group}"));
    group.egress.as_ref().map(|rules| {
        rules
            .iter()
            .map(|rule| rule_text(scenario, rule, "to"))
            .collect()
    })
}

fn group_ids(scenario: &Scenario, groups: &[eksflow::scenario::SgIx]) -> Vec<String> {
    groups
        .iter()
        .map(|g| scenario.security_group(*g).unwrap().id.clone())
        .collect()
}

/// (client, answered by, endpoint, reachable, reason) of every node group flow.
type NodeVerdict = (
    String,
    AnsweredBy,
    Option<EndpointKind>,
    bool,
    Option<&'static str>,
);

fn node_verdicts(analysis: &Analysis<'_>) -> Vec<NodeVerdict> {
    analysis
        .flows
        .iter()
        .filter(|flow| flow.client.node_group.is_some())
        .map(|flow| {
            (
                flow.client.name.clone(),
                flow.dns.answered_by,
                flow.endpoint,
                flow.reachable(),
                flow.blocked.as_ref().map(|b| b.reason.code()),
            )
        })
        .collect()
}

// ---- real templates ------------------------------------------------------------------

#[test]
fn every_real_template_imports_into_a_scenario_that_loads() {
    for name in REAL {
        let scenario = SOURCE.scenario(name);
        assert!(
            scenario
                .imported
                .as_ref()
                .is_some_and(|i| i.from.contains(name)),
            "{name}: the scenario says where it came from"
        );
    }
}

#[test]
fn check_analyses_every_imported_template() {
    for name in REAL.iter().chain(OWN) {
        let output = eksflow()
            .args([
                "import",
                "cloudformation",
                &format!("{}/{name}", SOURCE.dir),
            ])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}: import failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        check_accepts(name, output.stdout);
    }
}

#[test]
fn import_detects_a_yaml_template_with_short_form_tags() {
    let output = eksflow()
        .args([
            "import",
            "tests/fixtures/import/cloudformation/aws-cloudformation-templates-EKS-template.yaml",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    let yaml = String::from_utf8(output.stdout).unwrap();
    assert!(yaml.contains("from CloudFormation template"), "{yaml}");
}

#[test]
fn the_cdk_snapshot_is_a_private_endpoint_in_a_vpc_with_dns_on() {
    let scenario = SOURCE.scenario(REAL[0]);
    assert_eq!(scenario.cluster.access, EndpointAccess::Private);
    let vpc = scenario.cluster_vpc().unwrap();
    assert_eq!(vpc.id, "Vpc8378EB38");
    assert!(vpc.enable_dns_support && vpc.enable_dns_hostnames);
    let cidrs: Vec<String> = subnets(&scenario).into_iter().map(|s| s.1).collect();
    assert_eq!(
        cidrs,
        [
            "10.0.0.0/18",
            "10.0.64.0/18",
            "10.0.128.0/18",
            "10.0.192.0/18"
        ]
    );
    // One NAT gateway, in the first public subnet, used by both private tables.
    for table in [
        "VpcPrivateSubnet1RouteTableB2C5B500",
        "VpcPrivateSubnet2RouteTableA678073B",
    ] {
        assert_eq!(
            routes(&scenario, table),
            [(
                "0.0.0.0/0".to_owned(),
                "VpcPublicSubnet1NATGateway4D7517AA".to_owned()
            )]
        );
    }
    assert_eq!(
        routes(&scenario, "VpcPublicSubnet1RouteTable6C95E38E"),
        [("0.0.0.0/0".to_owned(), "igw".to_owned())]
    );
    // The region is nowhere in the template: GetAZs cannot name the zones.
    assert!(scenario.subnets.iter().all(|s| s.az.is_none()));
    assert_noted(&scenario, &["Fn::GetAZs needs the region"]);
    assert_noted(&scenario, &["cluster name is not set", "ClusterEB0386A7"]);
}

#[test]
fn the_sample_template_takes_the_eks_default_endpoint_and_its_launch_template_groups() {
    let scenario = SOURCE.scenario(REAL[1]);
    // No endpoint flags: public only, the EKS default, noted in the scenario.
    assert_eq!(scenario.cluster.access, EndpointAccess::Public);
    assert!(scenario.cluster.public_access_cidrs_default);
    // The parameter defaults give the CIDRs.
    assert_eq!(
        scenario.cluster_vpc().unwrap().cidrs[0].to_string(),
        "10.0.0.0/16"
    );
    assert_eq!(
        subnet(&scenario, "PrivateSubnet3").cidr.to_string(),
        "10.0.6.0/24"
    );
    // Three NAT gateways, each private table to its own.
    for n in 1..=3 {
        assert_eq!(
            routes(&scenario, &format!("PrivateRouteTable{n}")),
            [("0.0.0.0/0".to_owned(), format!("NATGateway{n}"))]
        );
    }
    // `Name: !Sub ${AWS::StackName}-cluster`: the logical ID stands for the name.
    assert_eq!(scenario.cluster.name, "ControlPlane");
    assert_noted(
        &scenario,
        &["AWS::StackName", "Resources.ControlPlane.Properties.Name"],
    );
    // The managed node group's launch template names the control plane group.
    let group = &scenario.node_groups[0];
    assert_eq!(
        group_ids(&scenario, &group.security_groups),
        ["ControlPlaneSecurityGroup"]
    );
    assert!(!group.default_security_groups);
    // The standalone ingress rule, GroupId by Ref and source by GetAtt GroupId.
    assert_eq!(
        ingress(&scenario, "ControlPlaneSecurityGroup"),
        ["all from ControlPlaneSecurityGroup"]
    );
}

#[test]
fn the_eksctl_stack_keeps_its_cluster_name_and_takes_the_region_from_its_zones() {
    let scenario = SOURCE.scenario(REAL[2]);
    assert_eq!(scenario.cluster.name, "wonderful-party-1565212003");
    assert_eq!(scenario.cluster.region, "us-west-2");
    assert_eq!(scenario.cluster.access, EndpointAccess::Public);
    assert_eq!(
        subnet(&scenario, "SubnetPrivateUSWEST2C").cidr.to_string(),
        "192.168.160.0/19"
    );
    // A single NAT gateway shared by the three private tables.
    for zone in ["B", "C", "D"] {
        assert_eq!(
            routes(&scenario, &format!("PrivateRouteTableUSWEST2{zone}")),
            [("0.0.0.0/0".to_owned(), "NATGateway".to_owned())]
        );
    }
    assert_eq!(
        ingress(&scenario, "ClusterSharedNodeSecurityGroup"),
        ["all from ClusterSharedNodeSecurityGroup"]
    );
    assert!(
        !missing(&scenario).iter().any(|n| n.contains("AWS::Region")),
        "the literal zones give the region: {:#?}",
        missing(&scenario)
    );
}

// ---- private endpoint: intrinsics --------------------------------------------------

#[test]
fn cidr_select_and_get_azs_compute_the_subnets_and_their_zones() {
    let scenario = SOURCE.scenario("private-cluster.yaml");
    assert_eq!(
        subnets(&scenario),
        [
            (
                "PrivateSubnetA".into(),
                "10.40.0.0/24".into(),
                "eu-west-1a".into()
            ),
            (
                "PrivateSubnetB".into(),
                "10.40.1.0/24".into(),
                "eu-west-1b".into()
            ),
            (
                "EndpointSubnet".into(),
                "10.40.2.0/24".into(),
                "eu-west-1c".into()
            ),
        ],
        "BastionSubnet's condition is false, so it is not created"
    );
    assert_eq!(scenario.cluster.region, "eu-west-1");
}

#[test]
fn sub_join_and_conditions_evaluate_on_the_parameter_defaults() {
    let scenario = SOURCE.scenario("private-cluster.yaml");
    assert_eq!(scenario.cluster.name, "payments-prod");
    assert_eq!(scenario.node_groups[0].name, "payments-nodes");
    // `EndpointPrivateAccess: !If [IsProd, true, false]` with Stage defaulting to prod.
    assert_eq!(scenario.cluster.access, EndpointAccess::Private);
    // `EnableDnsHostnames: !If [IsProd, true, false]`.
    assert!(scenario.cluster_vpc().unwrap().enable_dns_hostnames);
    // `PublicAccessCidrs: !If [IsProd, !Ref AWS::NoValue, …]`: not set.
    assert!(scenario.cluster.public_access_cidrs_default);
    // `CidrIp: !GetAtt Vpc.CidrBlock`.
    assert_eq!(
        ingress(&scenario, "ApiSecurityGroup"),
        ["tcp 443 from 10.40.0.0/16"]
    );
    // A group without SecurityGroupEgress keeps the allow-all default; one with it does not.
    assert_eq!(egress(&scenario, "ApiSecurityGroup"), None);
    assert_eq!(
        egress(&scenario, "EndpointSecurityGroup"),
        Some(vec!["all to 0.0.0.0/0".to_owned()])
    );
}

#[test]
fn a_managed_node_group_without_launch_template_gets_the_cluster_security_group() {
    let scenario = SOURCE.scenario("private-cluster.yaml");
    let group = &scenario.node_groups[0];
    // RemoteAccess.SourceSecurityGroups only opens SSH: not the nodes' groups.
    assert!(group.default_security_groups);
    assert_eq!(
        group_ids(&scenario, &group.security_groups),
        ["eks-cluster-sg-payments-prod"]
    );
    assert_eq!(
        group_ids(&scenario, &scenario.cluster.security_groups),
        ["eks-cluster-sg-payments-prod", "ApiSecurityGroup"]
    );
}

#[test]
fn a_private_clusters_node_group_reaches_the_private_endpoint() {
    let scenario = SOURCE.scenario("private-cluster.yaml");
    let analysis = eksflow::checked::check(&scenario, None);
    let verdicts = node_verdicts(&analysis);
    assert_eq!(verdicts.len(), 2, "{verdicts:?}");
    for (client, answered_by, endpoint, reachable, reason) in verdicts {
        assert_eq!(answered_by, AnsweredBy::PrivateHostedZone, "{client}");
        assert_eq!(endpoint, Some(EndpointKind::Private), "{client}");
        assert!(reachable, "{client}: {reason:?}");
    }
}

#[test]
fn vpc_endpoints_take_cloudformations_defaults_not_the_consoles() {
    let scenario = SOURCE.scenario("private-cluster.yaml");
    let endpoints: Vec<(String, VpcEndpointKind, bool, usize)> = scenario
        .vpc_endpoints
        .iter()
        .map(|e| {
            (
                e.service.clone(),
                e.kind,
                e.private_dns,
                e.route_tables.len(),
            )
        })
        .collect();
    assert_eq!(
        endpoints,
        [
            ("ecr.api".to_owned(), VpcEndpointKind::Interface, true, 0),
            ("ecr.dkr".to_owned(), VpcEndpointKind::Interface, true, 0),
            // No VpcEndpointType: a Gateway endpoint.
            ("s3".to_owned(), VpcEndpointKind::Gateway, false, 1),
            // No PrivateDnsEnabled: private DNS off.
            ("sts".to_owned(), VpcEndpointKind::Interface, false, 0),
        ]
    );
    let analysis = eksflow::checked::check(&scenario, None);
    assert!(
        analysis
            .findings
            .iter()
            .any(|f| f.code.as_str() == "EKS010" && f.message.contains("sts")),
        "the sts endpoint without private DNS is reported"
    );
}

#[test]
fn resolver_endpoints_rules_and_dhcp_options_land_in_the_vpc() {
    let scenario = SOURCE.scenario("private-cluster.yaml");
    let vpc = scenario.cluster_vpc().unwrap();
    assert_eq!(vpc.dns_servers, [DhcpDnsServer::AmazonProvidedDns]);
    let inbound: Vec<(String, Vec<String>)> = vpc
        .inbound_endpoints
        .iter()
        .map(|e| {
            (
                e.id.clone(),
                e.ips.iter().map(|ip| ip.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(
        inbound,
        [(
            "InboundResolver".to_owned(),
            vec!["10.40.2.53".to_owned(), "10.40.1.53".to_owned()]
        )],
        "the outbound endpoint is not an inbound one"
    );
    let rules: Vec<(String, Vec<String>)> = vpc
        .forward_rules
        .iter()
        .map(|rule| {
            (
                scenario::domain_text(&rule.domain),
                rule.target_ips.iter().map(|ip| ip.to_string()).collect(),
            )
        })
        .collect();
    // TargetIps from `!Select [i, !Ref CorpResolvers]`, a CommaDelimitedList default.
    assert_eq!(
        rules,
        [(
            "corp.example".to_owned(),
            vec!["192.168.10.2".to_owned(), "192.168.10.3".to_owned()]
        )]
    );
}

#[test]
fn resources_of_other_types_are_listed_as_left_out() {
    let yaml = SOURCE.yaml("private-cluster.yaml");
    assert!(
        yaml.contains("#   - ClusterRole (AWS::IAM::Role)"),
        "{yaml}"
    );
    let yaml = SOURCE.yaml("public-restricted-nat.json");
    assert!(yaml.contains("#   - Logs (AWS::Logs::LogGroup)"), "{yaml}");
    assert!(
        !yaml.contains("NodeLaunchTemplate (AWS::EC2::LaunchTemplate)"),
        "a launch template a node group reads is modelled: {yaml}"
    );
    let yaml = SOURCE.yaml("public-and-private-connections.yaml");
    assert!(
        yaml.contains("#   - OfficeGateway (AWS::EC2::CustomerGateway)"),
        "{yaml}"
    );
}

// ---- public endpoint behind a NAT --------------------------------------------------

#[test]
fn a_public_only_cluster_behind_nat_is_refused_by_its_allowlist() {
    let scenario = SOURCE.scenario("public-restricted-nat.json");
    assert_eq!(scenario.cluster.access, EndpointAccess::Public);
    assert_eq!(allowlist(&scenario), ["203.0.113.0/24"]);
    let analysis = eksflow::checked::check(&scenario, None);
    let verdicts = node_verdicts(&analysis);
    assert_eq!(verdicts.len(), 2, "{verdicts:?}");
    for (client, answered_by, endpoint, reachable, reason) in verdicts {
        assert_eq!(answered_by, AnsweredBy::PublicDns, "{client}");
        assert_eq!(endpoint, Some(EndpointKind::Public), "{client}");
        assert!(!reachable, "{client}");
        assert_eq!(reason, Some("PUBLIC_CIDR_DENY"), "{client}");
    }
    // The NAT's Elastic IP is allocated at deploy time: a placeholder, noted.
    assert_noted(&scenario, &["NatGateway", "placeholder"]);
}

#[test]
fn vpc_dns_flags_left_out_take_the_cloudformation_defaults() {
    let scenario = SOURCE.scenario("public-restricted-nat.json");
    let vpc = scenario.cluster_vpc().unwrap();
    assert!(vpc.enable_dns_support, "EnableDnsSupport defaults to true");
    assert!(
        !vpc.enable_dns_hostnames,
        "EnableDnsHostnames defaults to false"
    );
}

#[test]
fn join_and_sub_build_the_cidrs_and_routes_find_their_targets() {
    let scenario = SOURCE.scenario("public-restricted-nat.json");
    assert_eq!(
        scenario.cluster_vpc().unwrap().cidrs[0].to_string(),
        "10.50.0.0/16"
    );
    assert_eq!(
        subnets(&scenario),
        [
            (
                "PublicSubnet".into(),
                "10.50.0.0/24".into(),
                "us-east-2a".into()
            ),
            (
                "PrivateSubnetA".into(),
                "10.50.1.0/24".into(),
                "us-east-2a".into()
            ),
            (
                "PrivateSubnetB".into(),
                "10.50.2.0/24".into(),
                "us-east-2b".into()
            ),
        ]
    );
    assert_eq!(
        scenario.cluster_vpc().unwrap().internet_gateway.as_deref(),
        Some("InternetGateway")
    );
    assert_eq!(
        routes(&scenario, "PublicRouteTable"),
        [("0.0.0.0/0".to_owned(), "igw".to_owned())]
    );
    assert_eq!(
        routes(&scenario, "PrivateRouteTable"),
        [("0.0.0.0/0".to_owned(), "NatGateway".to_owned())]
    );
    assert_eq!(
        route_table_of(&scenario, "PrivateSubnetB").as_deref(),
        Some("PrivateRouteTable")
    );
    assert_noted(
        &scenario,
        &["172.16.0.0/12", "instance i-0123456789abcdef0"],
    );
}

#[test]
fn network_acl_entries_keep_their_numbers_direction_protocol_and_ports() {
    let scenario = SOURCE.scenario("public-restricted-nat.json");
    let acl_ix = subnet(&scenario, "PrivateSubnetA").network_acl.unwrap();
    let acl = scenario.network_acl(acl_ix).unwrap();
    assert_eq!(acl.id, "PrivateNetworkAcl");
    let text = |rules: &[eksflow::scenario::AclRule]| -> Vec<String> {
        rules
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {} {}",
                    r.number,
                    r.protocol,
                    r.ports,
                    r.cidr,
                    if r.allow { "allow" } else { "deny" }
                )
            })
            .collect()
    };
    assert_eq!(
        text(&acl.inbound),
        [
            "90 tcp 22 0.0.0.0/0 deny",
            "100 tcp 1024-65535 0.0.0.0/0 allow",
            "110 all 0-65535 10.50.0.0/16 allow",
        ]
    );
    assert_eq!(
        text(&acl.outbound),
        [
            "100 tcp 443 0.0.0.0/0 allow",
            "110 all 0-65535 10.50.0.0/16 allow",
        ]
    );
    assert!(
        subnet(&scenario, "PublicSubnet").network_acl.is_none(),
        "no association: the default NACL"
    );
}

#[test]
fn standalone_rules_join_their_group_and_an_egress_rule_replaces_the_default() {
    let scenario = SOURCE.scenario("public-restricted-nat.json");
    assert_eq!(
        ingress(&scenario, "NodeSecurityGroup"),
        [
            "all from ClusterSharedIngressSource",
            "tcp 10250 from ControlPlaneSecurityGroup",
        ]
    );
    assert_eq!(
        egress(&scenario, "ControlPlaneSecurityGroup"),
        Some(vec!["tcp 10250 to NodeSecurityGroup".to_owned()])
    );
    assert_eq!(egress(&scenario, "ClusterSharedIngressSource"), None);
    assert!(
        !missing(&scenario)
            .iter()
            .any(|n| n.contains("AWS::AccountId")
                || n.contains("AWS::StackName")
                || n.contains("LatestVersionNumber")),
        "fields the model does not read are not evaluated: {:#?}",
        missing(&scenario)
    );
}

#[test]
fn a_rule_on_the_cluster_security_group_keeps_eks_default_rule_beside_it() {
    let scenario = SOURCE.scenario("public-restricted-nat.json");
    assert_eq!(
        ingress(&scenario, "eks-cluster-sg-restricted"),
        [
            "all from eks-cluster-sg-restricted",
            "tcp 443 from NodeSecurityGroup",
        ]
    );
    assert_eq!(egress(&scenario, "eks-cluster-sg-restricted"), None);
    assert_eq!(
        group_ids(&scenario, &scenario.cluster.security_groups),
        ["eks-cluster-sg-restricted", "ControlPlaneSecurityGroup"]
    );
}

#[test]
fn a_launch_template_named_by_name_gives_the_nodes_their_security_group() {
    let scenario = SOURCE.scenario("public-restricted-nat.json");
    let group = &scenario.node_groups[0];
    assert!(!group.default_security_groups);
    assert_eq!(
        group_ids(&scenario, &group.security_groups),
        ["NodeSecurityGroup"]
    );
    // The standalone rules open the kubelet to the control plane.
    let analysis = eksflow::checked::check(&scenario, None);
    assert!(!analysis.kubelet.is_empty());
    assert!(
        analysis.kubelet.iter().all(|flow| flow.reachable()),
        "the control plane reaches every node subnet on 10250"
    );
}

// ---- public and private endpoint with connections ----------------------------------

#[test]
fn string_flags_turn_on_public_and_private_access() {
    let scenario = SOURCE.scenario("public-and-private-connections.yaml");
    assert_eq!(scenario.cluster.access, EndpointAccess::PublicAndPrivate);
    assert_eq!(allowlist(&scenario), ["198.51.100.0/24"]);
    let vpc = scenario.cluster_vpc().unwrap();
    assert!(vpc.enable_dns_support && vpc.enable_dns_hostnames);
}

#[test]
fn a_secondary_cidr_block_joins_the_vpc_and_its_subnets() {
    let scenario = SOURCE.scenario("public-and-private-connections.yaml");
    let cidrs: Vec<String> = scenario
        .cluster_vpc()
        .unwrap()
        .cidrs
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(cidrs, ["10.60.0.0/16", "100.64.0.0/16"]);
    assert_eq!(
        subnet(&scenario, "PodSubnet").cidr.to_string(),
        "100.64.0.0/24"
    );
}

#[test]
fn peering_transit_gateway_and_vpn_become_connections_that_routes_use() {
    let scenario = SOURCE.scenario("public-and-private-connections.yaml");
    let vpc_id = |ix| scenario.vpc(ix).unwrap().id.clone();
    let mut kinds = Vec::new();
    for connection in &scenario.connections {
        let described = match &connection.kind {
            ConnectionKind::Peering { vpcs } => {
                format!("peering {} {}", vpc_id(vpcs[0]), vpc_id(vpcs[1]))
            }
            ConnectionKind::TransitGateway { attachments, .. } => {
                let names: Vec<String> = attachments
                    .iter()
                    .map(|a| match a.place {
                        Attachment::Vpc(v) => vpc_id(v),
                        Attachment::Network(n) => scenario.network(n).unwrap().id.clone(),
                    })
                    .collect();
                format!("transit-gateway {}", names.join(" "))
            }
            ConnectionKind::Vpn { vpc, network } => {
                let network = scenario.network(*network).unwrap();
                let cidrs: Vec<String> = network.cidrs.iter().map(ToString::to_string).collect();
                format!("vpn {} {}", vpc_id(*vpc), cidrs.join(" "))
            }
            ConnectionKind::DirectConnect { .. } => "direct-connect".to_owned(),
        };
        kinds.push(format!("{}: {described}", connection.id));
    }
    assert_eq!(
        kinds,
        [
            "Peering: peering ClusterVpc ToolsVpc",
            "TransitGateway: transit-gateway ClusterVpc SharedVpc",
            // The office CIDR comes from the VPNConnectionRoute.
            "OfficeVpn: vpn ClusterVpc 192.168.0.0/16",
        ]
    );
    assert_eq!(
        routes(&scenario, "ClusterRouteTable"),
        [
            ("10.70.0.0/16".to_owned(), "Peering".to_owned()),
            ("10.80.0.0/16".to_owned(), "TransitGateway".to_owned()),
            // GatewayId names the VPN gateway: the route goes over its VPN connection.
            ("192.168.0.0/16".to_owned(), "OfficeVpn".to_owned()),
        ]
    );
    assert_eq!(
        routes(&scenario, "ToolsRouteTable"),
        [("10.60.0.0/16".to_owned(), "Peering".to_owned())]
    );
}

#[test]
fn a_transit_gateway_with_one_attachment_in_the_template_is_noted_not_dropped() {
    let template =
        std::fs::read_to_string(SOURCE.path("public-and-private-connections.yaml")).unwrap();
    let shared = "  SharedAttachment:\n    Type: AWS::EC2::TransitGatewayAttachment\n    Properties:\n      TransitGatewayId: !Ref TransitGateway\n      VpcId: !Ref SharedVpc\n      SubnetIds: [!Ref SharedSubnet]\n";
    assert!(template.contains(shared));
    let template = template.replace(shared, "");
    let built = eksflow::import::import_str(
        Some(Kind::CloudFormation),
        "one-attachment.yaml",
        &template,
        &eksflow::import::Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let scenario = scenario::load_one("imported.yaml", &built[0].yaml).unwrap();
    assert!(
        !scenario
            .connections
            .iter()
            .any(|c| matches!(c.kind, ConnectionKind::TransitGateway { .. })),
        "one VPC on a transit gateway connects nothing"
    );
    assert_noted(
        &scenario,
        &[
            "TransitGateway (from AWS::EC2::TransitGatewayVpcAttachment ClusterAttachment)",
            "ClusterVpc is its only attachment in the source",
            "left out",
        ],
    );
}

// ---- the CDK's custom resource, unknowns -------------------------------------------

#[test]
fn the_cdk_custom_resource_is_read_as_a_cluster() {
    let scenario = SOURCE.scenario("cdk-custom-resource-cluster.json");
    assert_eq!(scenario.cluster.name, "cdk-demo");
    assert_eq!(scenario.cluster.access, EndpointAccess::PublicAndPrivate);
    assert_eq!(allowlist(&scenario), ["198.51.100.0/24"]);
    assert_eq!(
        group_ids(&scenario, &scenario.cluster.security_groups),
        [
            "eks-cluster-sg-cdk-demo",
            "ClusterControlPlaneSecurityGroupD274242C"
        ]
    );
    // `ClusterName: !Ref` the custom resource finds the cluster.
    assert_eq!(scenario.node_groups.len(), 1);
    // The subnet whose CIDR is imported from another stack is kept, on a placeholder block.
    assert!(scenario.subnets.iter().any(|s| s.id == "SharedSubnet"));
    assert_noted(&scenario, &["SharedSubnet", "placeholder"]);
    assert_noted(
        &scenario,
        &[
            "Resources.SharedSubnet.Properties.CidrBlock",
            "Fn::ImportValue",
        ],
    );
}

#[test]
fn parameters_without_defaults_are_noted_and_the_builder_fills_in() {
    let scenario = SOURCE.scenario("parameters-without-defaults.yaml");
    assert_eq!(scenario.cluster.name, "Cluster");
    assert_noted(&scenario, &["parameter ClusterSubnets has no Default"]);
    assert_noted(
        &scenario,
        &["parameter ClusterSecurityGroup has no Default"],
    );
    assert_noted(&scenario, &["two subnets", "assumed"]);
    assert!(
        !missing(&scenario)
            .iter()
            .any(|n| n.contains("KubernetesVersion")),
        "the version is not read, so its missing default does not matter"
    );
}

#[test]
fn macros_are_noted_not_expanded() {
    let scenario = SOURCE.scenario("macros.yaml");
    assert_noted(
        &scenario,
        &["Transform AWS::LanguageExtensions", "not expanded"],
    );
    assert_noted(
        &scenario,
        &["Resources.Fn::ForEach::Subnets", "not expanded"],
    );
    assert_eq!(scenario.cluster.name, "x");
}

#[test]
fn a_template_on_standard_input_imports() {
    let scenario = SOURCE.import_stdin("public-restricted-nat.json");
    assert_eq!(scenario.cluster.name, "restricted");
}

// ---- invalid input -----------------------------------------------------------------

#[test]
fn invalid_templates_are_errors_naming_the_file_and_the_path() {
    let cases = [
        ("invalid/no-resources.yaml", "", "no Resources section"),
        (
            "invalid/missing-type.yaml",
            "Resources.PrivateSubnet01",
            "no Type",
        ),
        (
            "invalid/cidr-out-of-range.yaml",
            "Resources.PrivateSubnet01.Properties.CidrBlock",
            "index 5 is past the end",
        ),
        (
            "invalid/ref-to-nothing.yaml",
            "Resources.PrivateSubnet01.Properties.VpcId",
            "`TheVpc` is neither a parameter nor a resource",
        ),
        (
            "invalid/subnet-ids-not-a-list.yaml",
            "Resources.Cluster.Properties.ResourcesVpcConfig.SubnetIds",
            "expected a list",
        ),
        (
            "invalid/syntax-error.yaml",
            "line 5 column 1",
            "invalid YAML",
        ),
        (
            "invalid/trailing-comma.json",
            "line 3 column 39",
            "invalid JSON",
        ),
    ];
    for (name, path, message) in cases {
        let error = SOURCE.error(name);
        assert!(error.file.ends_with(name), "{name}: {error}");
        assert_eq!(error.path, path, "{name}: {error}");
        assert!(error.message.contains(message), "{name}: {error}");
    }
}

#[test]
fn a_template_without_a_cluster_is_an_error() {
    let error = SOURCE.error("network-only.yaml");
    assert!(error.message.contains("no EKS cluster"), "{error}");
}

#[test]
fn the_import_command_reports_an_invalid_template_and_exits_2() {
    let output = eksflow()
        .args([
            "import",
            "cloudformation",
            "tests/fixtures/import/cloudformation/invalid/missing-type.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("missing-type.yaml: Resources.PrivateSubnet01: the resource has no Type"),
        "{stderr}"
    );
}

#[test]
fn the_quick_start_cluster_type_is_read_like_the_native_one() {
    let scenario = SOURCE.scenario("awsqs-cluster.yaml");
    assert_eq!(scenario.cluster.name, "quickstart");
    assert_eq!(scenario.cluster.access, EndpointAccess::PublicAndPrivate);
    assert_eq!(allowlist(&scenario), ["198.51.100.0/24"]);
    let enis: Vec<&str> = scenario
        .cluster
        .enis
        .iter()
        .map(|eni| scenario.subnet(eni.subnet).unwrap().id.as_str())
        .collect();
    assert_eq!(enis, ["PrivateSubnet1", "PrivateSubnet2"]);
    assert!(
        group_ids(&scenario, &scenario.cluster.security_groups)
            .contains(&"ControlPlaneSecurityGroup".to_owned())
    );
    // Read, so not listed as left out; its IpFamily makes the scenario an IPv6 cluster's.
    // The template's VPC has no IPv6 block, which EKS would refuse: EKS021 says so.
    let yaml = SOURCE.yaml("awsqs-cluster.yaml");
    assert!(!yaml.contains("(AWSQS::EKS::Cluster)"), "{yaml}");
    assert_eq!(scenario.cluster.ip_family, eksflow::scenario::Family::Ipv6);
    assert!(import_support::finding_codes(&scenario).contains(&"EKS021"));
    let codes = import_support::finding_codes(&scenario);
    assert!(!codes.contains(&"EKS011"), "{codes:?}");
}

#[test]
fn an_ipv6_template_gets_its_amazon_provided_block_as_a_placeholder_and_keeps_fn_cidr_indexes() {
    let yaml = SOURCE.yaml("ipv6-cluster.yaml");
    let scenario = SOURCE.scenario("ipv6-cluster.yaml");
    assert_eq!(scenario.cluster.ip_family, eksflow::scenario::Family::Ipv6);
    assert!(
        scenario.cluster.dual_stack,
        "endpoint defaults under api.aws: {yaml}"
    );
    let vpc = &scenario.vpcs[0];
    assert_eq!(vpc.ipv6_cidrs[0].to_string(), "2001:db8:100::/56");
    assert_eq!(
        vpc.egress_only_internet_gateway.as_deref(),
        Some("EgressOnlyInternetGateway")
    );
    // `Fn::Select [i, Fn::Cidr [...]]`: the i-th /64 of the placeholder.
    let block = |id: &str| {
        import_support::subnet(&scenario, id)
            .ipv6_cidr
            .map(|b| b.to_string())
            .unwrap_or_default()
    };
    assert_eq!(block("PublicSubnetA"), "2001:db8:100::/64");
    assert_eq!(block("PrivateSubnetA"), "2001:db8:100:2::/64");
    assert_eq!(block("PrivateSubnetB"), "2001:db8:100:3::/64");
    assert_noted(&scenario, &["VPC", "placeholder 2001:db8:100::/56"]);
    assert!(import_support::finding_codes(&scenario).contains(&"EKS019"));
    assert!(
        !yaml.contains("EgressOnlyInternetGateway (AWS::"),
        "read, not left out: {yaml}"
    );
    // The nodes in the private subnets leave over IPv6 through the egress-only gateway.
    let report = eksflow::checked::check(&scenario, None);
    for flow in report
        .analysis
        .flows
        .iter()
        .filter(|f| f.client.node_group.is_some())
    {
        assert!(flow.reachable(), "{}", flow.client.name);
        assert_eq!(flow.family(), Some(eksflow::scenario::Family::Ipv6));
    }
}

/// Centralised egress in CloudFormation (SPEC section 3): an attachment's `SubnetIds` place
/// it, and `AWS::EC2::TransitGatewayRoute` is a static route to the VPC of the attachment.
#[test]
fn transit_gateway_attachment_subnets_and_static_routes_come_through() {
    let template = std::fs::read_to_string(SOURCE.path("public-and-private-connections.yaml"))
        .unwrap()
        .replace(
        "  ClusterToShared:\n",
        "  DefaultToShared:\n    Type: AWS::EC2::TransitGatewayRoute\n    Properties:\n      DestinationCidrBlock: 0.0.0.0/0\n      TransitGatewayAttachmentId: !Ref SharedAttachment\n      TransitGatewayRouteTableId: tgw-rtb-0hub\n\n  ClusterToShared:\n",
    );
    let built = eksflow::import::import_str(
        Some(Kind::CloudFormation),
        "template.yaml",
        &template,
        &eksflow::import::Options::default(),
    )
    .unwrap();
    let yaml = &built[0].yaml;
    let scenario = eksflow::scenario::load_one("template.yaml", yaml).unwrap();
    let tgw = scenario
        .connections
        .iter()
        .find_map(|c| match &c.kind {
            eksflow::scenario::ConnectionKind::TransitGateway {
                attachments,
                routes,
            } => Some((attachments, routes)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no transit gateway: {yaml}"));
    let (attachments, routes) = tgw;
    assert!(attachments.iter().all(|a| !a.subnets.is_empty()), "{yaml}");
    assert_eq!(routes.len(), 1, "{yaml}");
    assert_eq!(routes[0].destination.to_string(), "0.0.0.0/0");
    assert!(
        yaml.contains("# from AWS::EC2::TransitGatewayRoute DefaultToShared"),
        "{yaml}"
    );
}

// ---- Route 53 Resolver and the DNS transport (SPEC 8) ---------------------------------

#[test]
fn resolver_endpoints_keep_subnets_and_groups_and_the_rule_names_its_outbound_endpoint() {
    let scenario = SOURCE.scenario("private-cluster.yaml");
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
    // `IpAddresses[].SubnetId` through `!Ref`; `SecurityGroupIds: [!Ref …]`.
    let inbound = &vpc.inbound_endpoints[0];
    assert_eq!(
        interfaces(inbound),
        [
            pair("10.40.2.53", "EndpointSubnet"),
            pair("10.40.1.53", "PrivateSubnetB")
        ]
    );
    assert_eq!(
        scenario.sg_names(&inbound.security_groups),
        "ResolverSecurityGroup"
    );
    // The outbound endpoint gives no `Ip`: Resolver picks them, placeholders stand in.
    let outbound = &vpc.outbound_endpoints[0];
    assert_eq!(outbound.id, "OutboundResolver");
    assert_eq!(
        interfaces(outbound),
        [
            pair("10.40.2.54", "EndpointSubnet"),
            pair("10.40.1.54", "PrivateSubnetB")
        ]
    );
    assert_noted(
        &scenario,
        &["OutboundResolver", "placeholders 10.40.2.54, 10.40.1.54"],
    );
    // `ResolverEndpointId: !GetAtt OutboundResolver.ResolverEndpointId` is its logical ID.
    let rule = &vpc.forward_rules[0];
    assert_eq!(
        rule.outbound_endpoint_written.as_deref(),
        Some("OutboundResolver")
    );
    let at = rule.outbound_endpoint.unwrap();
    assert_eq!(
        scenario.vpc(at.vpc).unwrap().outbound_endpoints[at.index].id,
        "OutboundResolver"
    );
    assert_eq!(scenario.dns_transport, scenario::DnsTransport::Traced);
}

#[test]
fn a_resolver_direction_or_address_cloudformation_refuses_is_an_error_at_its_property() {
    let template = std::fs::read_to_string(SOURCE.path("private-cluster.yaml")).unwrap();
    for (from, to, path, message) in [
        (
            "      Direction: INBOUND\n",
            "      Direction: SIDEWAYS\n",
            "Resources.InboundResolver.Properties.Direction",
            "expected INBOUND or OUTBOUND, found `SIDEWAYS`",
        ),
        (
            "          Ip: 10.40.2.53\n",
            "          Ip: 10.40.2\n",
            "Resources.InboundResolver.Properties.IpAddresses[0].Ip",
            "expected an IPv4 address, found `10.40.2`",
        ),
        (
            "          Port: \"53\"\n",
            "          Port: fifty-three\n",
            "Resources.CorpForwardRule.Properties.TargetIps[0].Port",
            "expected a whole number, found a string",
        ),
    ] {
        assert!(template.contains(from), "{from}");
        let bad = template.replacen(from, to, 1);
        let error = eksflow::import::import_str(
            Some(Kind::CloudFormation),
            "template.yaml",
            &bad,
            &eksflow::import::Options::default(),
        )
        .err()
        .unwrap_or_else(|| panic!("{to}: imported"));
        assert_eq!(
            (
                error.file.as_str(),
                error.path.as_str(),
                error.message.as_str()
            ),
            ("template.yaml", path, message)
        );
    }
}

#[test]
fn a_finding_on_a_resolver_endpoint_points_at_its_resource_in_the_template() {
    let template = std::fs::read_to_string(SOURCE.path("private-cluster.yaml")).unwrap();
    // One address: EKS029 (Route 53 requires at least two).
    let one = template.replacen(
        "        - SubnetId: !Ref PrivateSubnetB\n          Ip: 10.40.1.53\n",
        "",
        1,
    );
    assert_ne!(one, template);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cfn-resolver-line");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("template.yaml");
    std::fs::write(&path, &one).unwrap();
    let output = eksflow()
        .args(["lint", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    let eks029 = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "EKS029")
        .unwrap_or_else(|| panic!("no EKS029: {findings:#}"));
    // The resource's body starts on the line after `InboundResolver:`.
    let line = one.lines().position(|l| l == "  InboundResolver:").unwrap() + 2;
    assert_eq!(eks029["line"], line, "{eks029:#}");
    assert_eq!(eks029["file"], path.to_str().unwrap());
}

// ---- EKS Hybrid Nodes (RemoteNetworkConfig) ---------------------------------------------

#[test]
fn hybrid_remote_network_config_is_flattened_in_order_with_parameters_resolved() {
    let scenario = SOURCE.scenario("hybrid-nodes.yaml");
    assert_eq!(
        import_support::remote_blocks(&scenario),
        (
            vec![
                "10.80.0.0/16".to_owned(),
                "10.81.0.0/16".to_owned(),
                "10.30.128.0/20".to_owned()
            ],
            // `!Ref PodCidr` takes the parameter's default.
            vec!["10.86.0.0/16".to_owned()]
        )
    );
    assert_eq!(scenario.service_ipv4_cidr().to_string(), "172.21.0.0/16");
    assert!(scenario.networks.is_empty(), "no network is invented");
    assert_noted(
        &scenario,
        &["AWS::EKS::Cluster Cluster", "where the hybrid nodes sit"],
    );
}

/// `eksflow check` on the template itself: the block inside the VPC is EKS032, the pod
/// block without a 443 rule EKS037, each at its own line of the template.
#[test]
fn hybrid_check_on_the_template_points_at_the_blocks_it_reports() {
    let (code, findings) =
        import_support::check_source("tests/fixtures/import/cloudformation/hybrid-nodes.yaml");
    assert_eq!(code, 1, "EKS032 is an error: {findings:?}");
    let remote: Vec<(String, String, Option<u64>)> = findings
        .into_iter()
        .filter(|(code, _, _)| code.starts_with("EKS03"))
        .collect();
    assert_eq!(
        remote,
        [
            (
                "EKS032".to_owned(),
                "cluster.remoteNetworkConfig.remoteNodeNetworks[2]".to_owned(),
                Some(53)
            ),
            (
                "EKS037".to_owned(),
                "cluster.remoteNetworkConfig.remotePodNetworks[0]".to_owned(),
                Some(55)
            ),
        ]
    );
}

#[test]
fn hybrid_cdk_cluster_resource_reads_remote_network_config_under_config() {
    let template = r#"{"Resources": {
      "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
      "A": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "eu-west-1a"}},
      "B": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "eu-west-1b"}},
      "Cluster": {"Type": "Custom::AWSCDK-EKS-Cluster", "Properties": {"Config": {
        "name": "cdk",
        "resourcesVpcConfig": {"subnetIds": [{"Ref": "A"}, {"Ref": "B"}], "endpointPublicAccess": true, "endpointPrivateAccess": true},
        "kubernetesNetworkConfig": {"serviceIpv4Cidr": "172.20.0.0/16"},
        "remoteNetworkConfig": {"remoteNodeNetworks": [{"cidrs": ["10.80.0.0/16"]}]}
      }}}
    }}"#;
    let output = eksflow()
        .args(["import", "cloudformation", "-"])
        .write_stdin(template)
        .output()
        .unwrap();
    assert_success(&output);
    let yaml = String::from_utf8(output.stdout).unwrap();
    let scenario =
        scenario::load_one("cdk.yaml", &yaml).unwrap_or_else(|p| panic!("{p:?}\n{yaml}"));
    assert_eq!(
        import_support::remote_blocks(&scenario),
        (vec!["10.80.0.0/16".to_owned()], vec![])
    );
    assert_eq!(scenario.service_ipv4_cidr().to_string(), "172.20.0.0/16");
}
