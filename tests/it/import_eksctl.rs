//! `eksflow import eksctl`: what an eksctl ClusterConfig becomes. Each test imports a fixture
//! (real eksctl configs and small ones of our own, see tests/fixtures/import/eksctl/
//! PROVENANCE.md), loads the scenario and checks one eksctl behaviour, in the scenario's
//! content or in `check`'s verdicts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::import_support;

use eksflow::analysis::Analysis;
use eksflow::import::Kind;
use eksflow::path::EndpointKind;
use eksflow::scenario::{EndpointAccess, Protocol, RouteTarget, Scenario, SgPeer, VpcEndpointKind};
use import_support::{
    Fixtures, allowlist, assert_noted, assert_success, check_accepts, check_source, eksflow,
    finding_codes, missing, remote_blocks, subnet, subnets,
};

const SOURCE: Fixtures = Fixtures {
    kind: Kind::Eksctl,
    dir: "tests/fixtures/import/eksctl",
};

/// The real eksctl configs (eksctl-io/eksctl, Apache-2.0).
const REAL: &[&str] = &[
    "02-custom-vpc-cidr-no-nodes.yaml",
    "37-outposts-fully-private.yaml",
    "38-cluster-subnets-sgs.yaml",
    "43-hybrid-nodes.yaml",
    "49-control-plane-on-private-subnets.yaml",
    "cmdutils-cluster-with-vpc-private-access.yaml",
    "cmdutils-cluster-without-vpc-private-access.yaml",
];

/// Where a subnet's 0.0.0.0/0 goes: `igw`, a NAT gateway's ID, or `None`.
fn default_route(scenario: &Scenario, subnet_id: &str) -> Option<String> {
    let table = scenario.route_table(subnet(scenario, subnet_id).route_table?)?;
    let route = table
        .routes
        .iter()
        .find(|r| r.destination.to_string() == "0.0.0.0/0")?;
    Some(match route.target {
        RouteTarget::InternetGateway => "igw".to_owned(),
        RouteTarget::Nat(nat) => scenario.nat_gateway(nat).unwrap().id.clone(),
        other => format!("{other:?}"),
    })
}

/// (NAT gateway, the subnet it sits in).
fn nat_gateways(scenario: &Scenario) -> Vec<(String, String)> {
    scenario
        .nat_gateways
        .iter()
        .map(|nat| {
            (
                nat.id.clone(),
                scenario.subnet(nat.subnet).unwrap().id.clone(),
            )
        })
        .collect()
}

fn node_group_subnets(scenario: &Scenario, name: &str) -> Vec<String> {
    let group = scenario
        .node_groups
        .iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no node group {name}"));
    group
        .subnets
        .iter()
        .map(|ix| scenario.subnet(*ix).unwrap().id.clone())
        .collect()
}

fn eni_subnets(scenario: &Scenario) -> Vec<String> {
    scenario
        .cluster
        .enis
        .iter()
        .map(|eni| scenario.subnet(eni.subnet).unwrap().id.clone())
        .collect()
}

/// (client, reachable, endpoint) of every node group flow, in the scenario's own mode.
fn node_verdicts(analysis: &Analysis<'_>) -> Vec<(String, bool, Option<EndpointKind>)> {
    analysis
        .flows
        .iter()
        .filter(|flow| flow.client.node_group.is_some())
        .map(|flow| (flow.client.name.clone(), flow.reachable(), flow.endpoint))
        .collect()
}

fn blocked_reasons(analysis: &Analysis<'_>) -> Vec<&'static str> {
    analysis
        .flows
        .iter()
        .filter_map(|flow| flow.blocked.as_ref().map(|b| b.reason.code()))
        .collect()
}

// ---- real files ----------------------------------------------------------------------

#[test]
fn every_real_eksctl_config_imports_into_a_scenario_that_loads() {
    for name in REAL {
        let scenario = SOURCE.scenario(name);
        assert!(
            scenario.imported.is_some(),
            "{name}: the import says it is one"
        );
    }
}

#[test]
fn check_analyses_every_imported_real_config() {
    for name in REAL {
        check_accepts(name, SOURCE.yaml(name));
    }
}

// ---- cluster -------------------------------------------------------------------------

#[test]
fn metadata_names_the_cluster_and_its_region() {
    let scenario = SOURCE.scenario("49-control-plane-on-private-subnets.yaml");
    assert_eq!(scenario.cluster.name, "cluster-49");
    assert_eq!(scenario.cluster.region, "us-west-2");
    let yaml = SOURCE.yaml("49-control-plane-on-private-subnets.yaml");
    assert!(
        yaml.contains("eksctl metadata.name=cluster-49"),
        "comments say where the cluster came from:\n{yaml}"
    );
}

#[test]
fn absent_cluster_endpoints_take_eksctls_default_public_only_and_say_so() {
    let scenario = SOURCE.scenario("managed-single-nat.yaml");
    assert_eq!(scenario.cluster.access, EndpointAccess::Public);
    assert_noted(&scenario, &["publicAccess", "default (true)"]);
    assert_noted(&scenario, &["privateAccess", "default (false)"]);
}

#[test]
fn only_the_unset_endpoint_flag_takes_its_default() {
    // privateAccess: true alone: publicAccess stays eksctl's default, true.
    let scenario = SOURCE.scenario("cmdutils-cluster-without-vpc-private-access.yaml");
    assert_eq!(scenario.cluster.access, EndpointAccess::PublicAndPrivate);
    assert_noted(&scenario, &["publicAccess", "default (true)"]);
    assert!(
        !missing(&scenario)
            .iter()
            .any(|note| note.contains("privateAccess")),
        "privateAccess is set: {:#?}",
        missing(&scenario)
    );
}

#[test]
fn public_and_private_endpoints_and_their_allowlist_are_read() {
    let scenario = SOURCE.scenario("managed-ha-nat.yaml");
    assert_eq!(scenario.cluster.access, EndpointAccess::PublicAndPrivate);
    assert_eq!(allowlist(&scenario), ["198.51.100.0/24"]);
    assert!(!scenario.cluster.public_access_cidrs_default);
}

#[test]
fn a_private_only_endpoint_is_read() {
    let scenario = SOURCE.scenario("private-endpoint.yaml");
    assert_eq!(scenario.cluster.access, EndpointAccess::Private);
    let real = SOURCE.scenario("02-custom-vpc-cidr-no-nodes.yaml");
    assert_eq!(real.cluster.access, EndpointAccess::Private);
}

#[test]
fn by_default_the_control_plane_uses_public_and_private_subnets() {
    let scenario = SOURCE.scenario("managed-single-nat.yaml");
    let enis = eni_subnets(&scenario);
    assert_eq!(enis.len(), 4, "EKS takes at most four: {enis:?}");
    assert!(
        enis.iter().any(|s| s.starts_with("subnet-public-")),
        "{enis:?}"
    );
    assert!(
        enis.iter().any(|s| s.starts_with("subnet-private-")),
        "{enis:?}"
    );
}

#[test]
fn control_plane_on_private_subnets_keeps_the_enis_out_of_public_subnets() {
    let scenario = SOURCE.scenario("49-control-plane-on-private-subnets.yaml");
    assert_eq!(
        eni_subnets(&scenario),
        ["subnet-private-us-west-2a", "subnet-private-us-west-2b"]
    );
}

#[test]
fn control_plane_subnet_ids_decide_where_the_enis_go() {
    let scenario = SOURCE.scenario("control-plane-subnet-ids.yaml");
    assert_eq!(eni_subnets(&scenario), ["subnet-cp-a", "subnet-cp-b"]);
}

#[test]
fn control_plane_security_groups_the_config_only_names_are_noted_not_invented() {
    let scenario = SOURCE.scenario("control-plane-subnet-ids.yaml");
    assert_eq!(
        scenario.cluster.security_groups.len(),
        1,
        "only the cluster security group EKS creates"
    );
    assert_noted(&scenario, &["sg-0cp", "not in the source"]);
}

// ---- the VPC eksctl creates ----------------------------------------------------------

#[test]
fn an_eksctl_created_vpc_has_dns_on_and_splits_192_168_into_19s_public_first() {
    let scenario = SOURCE.scenario("managed-single-nat.yaml");
    let vpc = scenario.cluster_vpc().unwrap();
    assert_eq!(vpc.cidrs[0].to_string(), "192.168.0.0/16");
    assert!(vpc.enable_dns_support && vpc.enable_dns_hostnames);
    let expected = [
        ("subnet-public-eu-west-1a", "192.168.0.0/19", "eu-west-1a"),
        ("subnet-public-eu-west-1b", "192.168.32.0/19", "eu-west-1b"),
        ("subnet-public-eu-west-1c", "192.168.64.0/19", "eu-west-1c"),
        ("subnet-private-eu-west-1a", "192.168.96.0/19", "eu-west-1a"),
        (
            "subnet-private-eu-west-1b",
            "192.168.128.0/19",
            "eu-west-1b",
        ),
        (
            "subnet-private-eu-west-1c",
            "192.168.160.0/19",
            "eu-west-1c",
        ),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(subnets(&scenario), expected);
    assert_noted(
        &scenario,
        &["availabilityZones", "eu-west-1a, eu-west-1b, eu-west-1c"],
    );
}

#[test]
fn a_custom_vpc_cidr_is_split_the_same_way() {
    let scenario = SOURCE.scenario("02-custom-vpc-cidr-no-nodes.yaml");
    let cidrs: Vec<String> = subnets(&scenario).into_iter().map(|s| s.1).collect();
    assert_eq!(
        cidrs,
        [
            "10.10.0.0/19",
            "10.10.32.0/19",
            "10.10.64.0/19",
            "10.10.96.0/19",
            "10.10.128.0/19",
            "10.10.160.0/19"
        ]
    );
}

#[test]
fn with_two_zones_the_private_blocks_follow_the_two_public_ones() {
    let scenario = SOURCE.scenario("49-control-plane-on-private-subnets.yaml");
    assert_eq!(
        subnet(&scenario, "subnet-private-us-west-2a")
            .cidr
            .to_string(),
        "192.168.64.0/19"
    );
    assert_eq!(
        subnet(&scenario, "subnet-private-us-west-2b")
            .cidr
            .to_string(),
        "192.168.96.0/19"
    );
}

#[test]
fn us_east_1_gets_two_zones_by_default() {
    let scenario = SOURCE.scenario("private-endpoint.yaml");
    let zones: Vec<String> = subnets(&scenario).into_iter().map(|s| s.2).collect();
    assert_eq!(
        zones,
        ["us-east-1a", "us-east-1b", "us-east-1a", "us-east-1b"]
    );
}

#[test]
fn public_subnets_route_to_the_internet_gateway() {
    let scenario = SOURCE.scenario("managed-single-nat.yaml");
    assert!(scenario.cluster_vpc().unwrap().internet_gateway.is_some());
    for zone in ["a", "b", "c"] {
        assert_eq!(
            default_route(&scenario, &format!("subnet-public-eu-west-1{zone}")).as_deref(),
            Some("igw")
        );
    }
}

#[test]
fn single_nat_is_one_gateway_in_the_first_public_subnet_that_every_private_table_uses() {
    let scenario = SOURCE.scenario("managed-single-nat.yaml");
    assert_eq!(
        nat_gateways(&scenario),
        [("nat-shop".to_owned(), "subnet-public-eu-west-1a".to_owned())]
    );
    assert!(
        scenario.nat_gateways[0].public_ip.is_some(),
        "a public NAT gateway"
    );
    assert_noted(&scenario, &["nat-shop", "placeholder"]);
    for zone in ["a", "b", "c"] {
        assert_eq!(
            default_route(&scenario, &format!("subnet-private-eu-west-1{zone}")).as_deref(),
            Some("nat-shop")
        );
    }
}

#[test]
fn highly_available_nat_gives_each_zone_its_own_gateway() {
    let scenario = SOURCE.scenario("managed-ha-nat.yaml");
    assert_eq!(
        nat_gateways(&scenario),
        [
            (
                "nat-us-west-2a".to_owned(),
                "subnet-public-us-west-2a".to_owned()
            ),
            (
                "nat-us-west-2b".to_owned(),
                "subnet-public-us-west-2b".to_owned()
            ),
            (
                "nat-us-west-2c".to_owned(),
                "subnet-public-us-west-2c".to_owned()
            ),
        ]
    );
    for zone in ["a", "b", "c"] {
        assert_eq!(
            default_route(&scenario, &format!("subnet-private-us-west-2{zone}")),
            Some(format!("nat-us-west-2{zone}"))
        );
    }
    assert_eq!(
        subnet(&scenario, "subnet-public-us-west-2a")
            .cidr
            .to_string(),
        "10.20.0.0/19",
        "vpc.cidr is the VPC's"
    );
}

#[test]
fn nat_disable_leaves_private_subnets_without_a_way_out() {
    let scenario = SOURCE.scenario("managed-nat-disable.yaml");
    assert!(scenario.nat_gateways.is_empty());
    assert_eq!(
        default_route(&scenario, "subnet-private-eu-central-1a"),
        None
    );
    let analysis = eksflow::checked::check(&scenario, None);
    let verdicts = node_verdicts(&analysis);
    assert_eq!(verdicts.len(), 3);
    assert!(
        verdicts.iter().all(|(_, reachable, _)| !reachable),
        "{verdicts:?}"
    );
    assert!(blocked_reasons(&analysis).iter().all(|r| *r == "NO_ROUTE"));
}

// ---- node groups ---------------------------------------------------------------------

#[test]
fn private_networking_nodes_reach_the_public_endpoint_through_their_nat() {
    let scenario = SOURCE.scenario("managed-single-nat.yaml");
    assert_eq!(
        node_group_subnets(&scenario, "backend"),
        [
            "subnet-private-eu-west-1a",
            "subnet-private-eu-west-1b",
            "subnet-private-eu-west-1c"
        ]
    );
    let analysis = eksflow::checked::check(&scenario, None);
    let backend: Vec<_> = node_verdicts(&analysis)
        .into_iter()
        .filter(|(name, _, _)| name.starts_with("backend@"))
        .collect();
    assert_eq!(backend.len(), 3);
    for (name, reachable, endpoint) in backend {
        assert!(
            reachable,
            "{name}: through the NAT, allowed by the default 0.0.0.0/0"
        );
        assert_eq!(endpoint, Some(EndpointKind::Public), "{name}");
    }
}

#[test]
fn in_public_and_private_mode_nodes_take_the_private_path_past_the_allowlist() {
    // The allowlist (198.51.100.0/24) does not hold the NAT gateways' addresses, but the
    // VPC eksctl creates has both DNS flags on, so nodes resolve the EKS-owned ENIs.
    let scenario = SOURCE.scenario("managed-ha-nat.yaml");
    let analysis = eksflow::checked::check(&scenario, None);
    let verdicts = node_verdicts(&analysis);
    assert_eq!(verdicts.len(), 3);
    for (name, reachable, endpoint) in verdicts {
        assert!(reachable, "{name}");
        assert_eq!(endpoint, Some(EndpointKind::Private), "{name}");
    }
    // In public mode the same nodes hit the allowlist.
    let public = eksflow::checked::check(&scenario, Some(EndpointAccess::Public));
    assert!(
        blocked_reasons(&public)
            .iter()
            .all(|r| *r == "PUBLIC_CIDR_DENY")
            && !blocked_reasons(&public).is_empty()
    );
}

#[test]
fn node_groups_without_private_networking_run_in_the_public_subnets() {
    let scenario = SOURCE.scenario("managed-single-nat.yaml");
    assert_eq!(
        node_group_subnets(&scenario, "edge"),
        [
            "subnet-public-eu-west-1a",
            "subnet-public-eu-west-1b",
            "subnet-public-eu-west-1c"
        ]
    );
    let existing = SOURCE.scenario("existing-vpc.yaml");
    assert_eq!(
        node_group_subnets(&existing, "web"),
        ["subnet-pub-a", "subnet-pub-b"]
    );
    assert_eq!(
        node_group_subnets(&existing, "workers"),
        ["subnet-app-a", "subnet-app-b"]
    );
}

#[test]
fn node_group_subnets_can_be_named_by_zone_or_by_subnet_name() {
    let by_zone = SOURCE.scenario("private-endpoint.yaml");
    assert_eq!(
        node_group_subnets(&by_zone, "zone-b"),
        ["subnet-private-us-east-1b"]
    );
    let by_name = SOURCE.scenario("existing-vpc.yaml");
    assert_eq!(node_group_subnets(&by_name, "pinned"), ["subnet-app-b"]);
}

#[test]
fn attached_node_security_groups_are_noted_and_the_nodes_keep_the_cluster_group() {
    let scenario = SOURCE.scenario("existing-vpc.yaml");
    let pinned = scenario
        .node_groups
        .iter()
        .find(|g| g.name == "pinned")
        .unwrap();
    assert!(pinned.default_security_groups);
    assert_noted(&scenario, &["pinned", "sg-0extra"]);
}

#[test]
fn an_empty_node_group_list_means_no_node_groups() {
    let scenario = SOURCE.scenario("02-custom-vpc-cidr-no-nodes.yaml");
    assert!(scenario.node_groups.is_empty());
}

#[test]
fn a_node_group_with_no_subnets_of_its_kind_is_left_out_and_noted() {
    // Only private subnets are given, and ng-1 is not privateNetworking.
    let scenario = SOURCE.scenario("cmdutils-cluster-with-vpc-private-access.yaml");
    assert!(scenario.node_groups.is_empty());
    assert_noted(&scenario, &["ng-1", "public subnets", "left out"]);
}

// ---- fully-private clusters ----------------------------------------------------------

#[test]
fn a_fully_private_cluster_has_no_internet_gateway_nat_or_public_subnet() {
    let scenario = SOURCE.scenario("fully-private.yaml");
    assert_eq!(scenario.cluster.access, EndpointAccess::Private);
    assert!(scenario.cluster_vpc().unwrap().internet_gateway.is_none());
    assert!(scenario.nat_gateways.is_empty());
    let ids: Vec<String> = subnets(&scenario).into_iter().map(|s| s.0).collect();
    assert_eq!(
        ids,
        [
            "subnet-private-ap-southeast-2a",
            "subnet-private-ap-southeast-2b",
            "subnet-private-ap-southeast-2c"
        ]
    );
    // The private blocks of eksctl's layout, even with no public subnets.
    assert_eq!(
        subnet(&scenario, "subnet-private-ap-southeast-2a")
            .cidr
            .to_string(),
        "192.168.96.0/19"
    );
}

#[test]
fn a_fully_private_cluster_gets_eksctls_vpc_endpoints() {
    let scenario = SOURCE.scenario("fully-private.yaml");
    let services: Vec<&str> = scenario
        .vpc_endpoints
        .iter()
        .map(|e| e.service.as_str())
        .collect();
    assert_eq!(
        services,
        [
            "ec2",
            "ecr.api",
            "ecr.dkr",
            "s3",
            "sts",
            "autoscaling",
            "logs"
        ],
        "the required ones, additionalEndpointServices, and logs for CloudWatch logging"
    );
    for endpoint in &scenario.vpc_endpoints {
        if endpoint.service == "s3" {
            assert_eq!(endpoint.kind, VpcEndpointKind::Gateway);
            assert_eq!(endpoint.route_tables.len(), 3, "every private route table");
        } else {
            assert_eq!(
                endpoint.kind,
                VpcEndpointKind::Interface,
                "{}",
                endpoint.service
            );
            assert!(endpoint.private_dns, "{}", endpoint.service);
            assert_eq!(endpoint.subnets.len(), 3, "{}", endpoint.service);
        }
    }
}

#[test]
fn a_fully_private_clusters_nodes_reach_the_private_endpoint() {
    for name in ["fully-private.yaml", "37-outposts-fully-private.yaml"] {
        let scenario = SOURCE.scenario(name);
        let analysis = eksflow::checked::check(&scenario, None);
        let verdicts = node_verdicts(&analysis);
        assert_eq!(verdicts.len(), 3, "{name}");
        for (client, reachable, endpoint) in verdicts {
            assert!(reachable, "{name}: {client}");
            assert_eq!(endpoint, Some(EndpointKind::Private), "{name}: {client}");
        }
        assert!(
            !analysis.failed(),
            "{name}: no error findings (the VPC endpoints are there): {:#?}",
            analysis.findings
        );
    }
}

#[test]
fn an_outposts_control_plane_gets_the_outposts_endpoints_and_is_listed_as_unsupported() {
    let scenario = SOURCE.scenario("37-outposts-fully-private.yaml");
    for service in ["ssm", "ssmmessages", "ec2messages", "secretsmanager"] {
        assert!(
            scenario.vpc_endpoints.iter().any(|e| e.service == service),
            "no {service} endpoint"
        );
    }
    assert!(
        SOURCE
            .yaml("37-outposts-fully-private.yaml")
            .contains("#   - outpost (eksctl)")
    );
}

// ---- an existing VPC -----------------------------------------------------------------

#[test]
fn an_existing_vpc_keeps_its_ids_cidrs_and_zones() {
    let scenario = SOURCE.scenario("existing-vpc.yaml");
    let vpc = scenario.cluster_vpc().unwrap();
    assert_eq!(vpc.id, "vpc-0a1b2c3d");
    assert_eq!(vpc.cidrs[0].to_string(), "10.40.0.0/16");
    let expected: Vec<(String, String, String)> = [
        ("subnet-pub-a", "10.40.0.0/24", "eu-north-1a"),
        ("subnet-pub-b", "10.40.1.0/24", "eu-north-1b"),
        ("subnet-app-a", "10.40.10.0/24", "eu-north-1a"),
        ("subnet-app-b", "10.40.11.0/24", "eu-north-1b"),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(subnets(&scenario), expected);
    assert_eq!(scenario.cluster.access, EndpointAccess::PublicAndPrivate);
}

#[test]
fn an_existing_vpcs_unseen_routing_is_a_labelled_placeholder_not_local_only_routes() {
    let scenario = SOURCE.scenario("existing-vpc.yaml");
    // What eksctl expects of an existing VPC, every element a placeholder.
    assert_eq!(
        default_route(&scenario, "subnet-pub-a").as_deref(),
        Some("igw")
    );
    assert_eq!(
        default_route(&scenario, "subnet-app-a").as_deref(),
        Some("nat-prod-placeholder")
    );
    assert_eq!(
        nat_gateways(&scenario),
        [("nat-prod-placeholder".to_owned(), "subnet-pub-a".to_owned())]
    );
    assert_eq!(
        scenario.cluster_vpc().unwrap().internet_gateway.as_deref(),
        Some("igw-prod-placeholder")
    );
    assert!(
        !scenario.cluster_vpc().unwrap().enable_dns_hostnames,
        "the AWS default"
    );
    assert_noted(&scenario, &["vpc-0a1b2c3d", "routing", "placeholders"]);
    assert_noted(&scenario, &["vpc-0a1b2c3d", "DNS attributes"]);
    assert_noted(
        &scenario,
        &["nat-prod-placeholder", "placeholder 192.0.2.101"],
    );
    let analysis = eksflow::checked::check(&scenario, None);
    // No node group is reported as unable to join for want of a route no one has seen.
    assert!(
        !blocked_reasons(&analysis).contains(&"NO_ROUTE"),
        "{:?}",
        blocked_reasons(&analysis)
    );
    // The nodes in public subnets reach the endpoint; those behind the placeholder NAT
    // gateway are checked against the allowlist with its placeholder IP, which EKS019 names.
    let verdicts = node_verdicts(&analysis);
    assert!(
        verdicts
            .iter()
            .any(|(name, reachable, _)| name.starts_with("web") && *reachable),
        "{verdicts:?}"
    );
    assert!(
        analysis
            .findings
            .iter()
            .any(|f| f.code == eksflow::rules::Code::Eks019)
    );
}

#[test]
fn a_subnet_keyed_by_zone_takes_the_key_as_its_zone_even_outside_the_region() {
    let scenario = SOURCE.scenario("cmdutils-cluster-with-vpc-private-access.yaml");
    assert_eq!(
        subnet(&scenario, "subnet-12345").az.as_deref(),
        Some("us-west-1a")
    );
    assert_noted(
        &scenario,
        &["us-west-1a", "not in the cluster's region eu-north-1"],
    );
}

#[test]
fn control_plane_subnet_ids_without_a_vpc_are_noted_not_invented() {
    let scenario = SOURCE.scenario("38-cluster-subnets-sgs.yaml");
    assert_noted(&scenario, &["vpc.id is not set"]);
    // Known only by ID: kept on placeholder blocks, and the ENIs go there.
    assert_noted(
        &scenario,
        &["subnet-1234", "CIDR not in the source", "placeholder"],
    );
    assert_noted(
        &scenario,
        &["subnet-5678", "CIDR not in the source", "placeholder"],
    );
    assert_eq!(eni_subnets(&scenario), ["subnet-1234", "subnet-5678"]);
    assert_eq!(scenario.cluster.access, EndpointAccess::PublicAndPrivate);
    assert_eq!(allowlist(&scenario), ["1.1.1.1/32"]);
}

// ---- what is left out, and invalid input ---------------------------------------------

#[test]
fn unmodelled_eksctl_sections_are_listed_as_left_out() {
    let existing = SOURCE.yaml("existing-vpc.yaml");
    assert!(existing.contains("#   - iam (eksctl)"), "{existing}");
    assert!(existing.contains("#   - addons (eksctl)"), "{existing}");
    let private = SOURCE.yaml("fully-private.yaml");
    assert!(private.contains("#   - cloudWatch (eksctl)"), "{private}");
    let ipv6 = SOURCE.yaml("02-custom-vpc-cidr-no-nodes.yaml");
    assert!(
        ipv6.contains("#   - vpc.autoAllocateIPv6 (eksctl)"),
        "{ipv6}"
    );
}

#[test]
fn an_invalid_subnet_shape_is_an_error_naming_the_yaml_path() {
    let error = SOURCE.error("invalid-subnets-list.yaml");
    assert!(error.file.ends_with("invalid-subnets-list.yaml"), "{error}");
    assert_eq!(error.path, "vpc.subnets.private");
    assert!(error.message.contains("mapping"), "{error}");
}

#[test]
fn a_document_that_is_not_a_cluster_config_is_rejected() {
    let error = SOURCE.error("invalid-kind.yaml");
    assert_eq!(error.path, "kind");
    assert!(error.message.contains("NodeGroup"), "{error}");
}

#[test]
fn a_value_of_the_wrong_type_is_an_error_at_its_path() {
    let config = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: t, region: eu-west-1}\nmanagedNodeGroups:\n  - name: ng\n    privateNetworking: \"yes\"\n";
    let stderr = SOURCE.refused_stdin(config);
    assert!(
        stderr.contains("managedNodeGroups[0].privateNetworking")
            && stderr.contains("true or false"),
        "{stderr}"
    );
}

#[test]
fn a_missing_cluster_name_is_an_error() {
    let config =
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {region: eu-west-1}\n";
    let stderr = SOURCE.refused_stdin(config);
    assert!(stderr.contains("metadata.name"), "{stderr}");
}

#[test]
fn a_vpc_cidr_eksctl_rejects_is_an_error() {
    let config = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: t, region: eu-west-1}\nvpc: {cidr: 10.0.0.0/8}\n";
    let stderr = SOURCE.refused_stdin(config);
    assert!(
        stderr.contains("vpc.cidr") && stderr.contains("/16 to /24"),
        "{stderr}"
    );
}

#[test]
fn broken_yaml_is_an_error_with_its_line() {
    let stderr = SOURCE.refused_stdin("kind: ClusterConfig\nmetadata: [\n");
    assert!(stderr.contains("line "), "{stderr}");
}

// ---- the command line ----------------------------------------------------------------

#[test]
fn the_cli_reads_a_config_from_standard_input() {
    let scenario = SOURCE.import_stdin("managed-ha-nat.yaml");
    assert_eq!(scenario.cluster.name, "payments");
}

#[test]
fn the_cli_tells_an_eksctl_config_without_being_told_its_kind() {
    let output = eksflow()
        .args(["import", &SOURCE.path("fully-private.yaml")])
        .output()
        .unwrap();
    assert_success(&output);
    let yaml = String::from_utf8(output.stdout).unwrap();
    assert!(yaml.contains("from eksctl ClusterConfig"), "{yaml}");
}

#[test]
fn a_section_that_is_not_a_mapping_is_an_error_at_its_path() {
    let config = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: t, region: eu-west-1}\nvpc: [10.0.0.0/16]\n";
    let stderr = SOURCE.refused_stdin(config);
    assert!(
        stderr.contains("-: vpc: expected a mapping; found a list"),
        "{stderr}"
    );
}

#[test]
fn nodes_in_eksctls_public_subnets_get_a_launch_time_public_ip() {
    let scenario = SOURCE.scenario("managed-single-nat.yaml");
    let edge = scenario
        .node_groups
        .iter()
        .find(|group| group.name == "edge")
        .expect("edge node group");
    assert_eq!(
        edge.public_ip.map(|ip| ip.to_string()).as_deref(),
        Some("203.0.113.101")
    );
    let backend = scenario
        .node_groups
        .iter()
        .find(|group| group.name == "backend")
        .expect("backend node group");
    assert_eq!(
        backend.public_ip, None,
        "private subnets assign no public IP"
    );
    assert_noted(
        &scenario,
        &["edge", "auto-assign public IPs", "203.0.113.101"],
    );
    // The default allowlist (0.0.0.0/0) admits them through the internet gateway.
    let analysis = eksflow::checked::check(&scenario, None);
    let verdicts = node_verdicts(&analysis);
    assert!(!verdicts.is_empty());
    for (name, reachable, endpoint) in verdicts {
        assert!(reachable, "{name}");
        assert_eq!(endpoint, Some(EndpointKind::Public), "{name}");
    }
}

// ---- gaps found on real public files ---------------------------------------------------

#[test]
fn subnets_given_by_id_only_are_kept_on_placeholder_blocks_with_their_node_groups() {
    let scenario = SOURCE.scenario("subnet-ids-only.yaml");
    let ids: Vec<String> = subnets(&scenario)
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    assert_eq!(
        ids,
        [
            "subnet-0153e560b3129a696",
            "subnet-018fa0176ba320e45",
            "subnet-0a1b2c3d4e5f60001",
            "subnet-0a1b2c3d4e5f60002",
            "subnet-0ff156e0c4a6d300c",
        ]
    );
    // Placeholder blocks inside the VPC, none overlapping another.
    let vpc = scenario.cluster_vpc().unwrap().cidrs[0];
    let blocks: Vec<_> = scenario.subnets.iter().map(|s| s.cidr).collect();
    for (i, block) in blocks.iter().enumerate() {
        assert!(vpc.contains(block.network()), "{block} outside {vpc}");
        for other in blocks.iter().skip(i + 1) {
            assert!(!block.contains(other.network()) && !other.contains(block.network()));
        }
    }
    assert_noted(
        &scenario,
        &[
            "subnet-0153e560b3129a696",
            "CIDR not in the source",
            "placeholder",
        ],
    );
    // Node groups keep their subnets, the one named only by ID included.
    assert_eq!(
        node_group_subnets(&scenario, "workers"),
        ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    );
    assert_eq!(
        node_group_subnets(&scenario, "pinned"),
        ["subnet-0ff156e0c4a6d300c"]
    );
    assert_eq!(
        default_route(&scenario, "subnet-0ff156e0c4a6d300c").as_deref(),
        Some("nat-by-id-placeholder")
    );
    // The ENIs go in the cluster's own subnets: no false EKS011, and the assumptions show.
    assert_eq!(scenario.cluster.enis.len(), 4);
    let codes = finding_codes(&scenario);
    assert!(!codes.contains(&"EKS011"), "{codes:?}");
    assert!(!codes.contains(&"EKS008"), "{codes:?}");
    assert!(codes.contains(&"EKS019"), "{codes:?}");
}

#[test]
fn a_control_plane_on_outposts_is_private_only_even_without_private_cluster() {
    let scenario = SOURCE.scenario("outposts-control-plane.yaml");
    assert_eq!(scenario.cluster.access, EndpointAccess::Private);
    assert!(
        !missing(&scenario)
            .iter()
            .any(|m| m.contains("clusterEndpoints.publicAccess is not set")),
        "eksctl's regional default does not apply on Outposts"
    );
    // The ENIs stay in the private subnets, as eksctl places an Outposts control plane.
    for id in eni_subnets(&scenario) {
        assert!(id.contains("private"), "{id}");
    }
}

#[test]
fn ip_family_ipv6_builds_eksctls_ipv6_vpc_with_placeholder_blocks() {
    let yaml = SOURCE.yaml("ipv6.yaml");
    let scenario = SOURCE.scenario("ipv6.yaml");
    assert_eq!(scenario.cluster.ip_family, eksflow::scenario::Family::Ipv6);
    // No endpoint in the config: the dual-stack name under api.aws (SPEC 7.2).
    assert!(scenario.cluster.dual_stack, "{yaml}");
    assert!(
        scenario
            .cluster
            .endpoint
            .to_ascii()
            .ends_with(".us-west-2.api.aws."),
        "{}",
        scenario.cluster.endpoint
    );
    let vpc = &scenario.vpcs[0];
    assert_eq!(
        vpc.ipv6_cidrs
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["2001:db8:100::/56"]
    );
    assert_eq!(
        vpc.egress_only_internet_gateway.as_deref(),
        Some("eigw-ipv6-cluster")
    );
    // vpc_ipv6.go: subnet j gets the j-th /64, public subnets first, then private.
    let blocks: Vec<(String, String)> = scenario
        .subnets
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                s.ipv6_cidr.map(|b| b.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        blocks[0],
        (
            "subnet-public-us-west-2a".to_owned(),
            "2001:db8:100::/64".to_owned()
        )
    );
    assert_eq!(
        blocks[3],
        (
            "subnet-private-us-west-2a".to_owned(),
            "2001:db8:100:3::/64".to_owned()
        )
    );
    assert_noted(
        &scenario,
        &["vpc-ipv6-cluster", "placeholder 2001:db8:100::/56"],
    );
    assert_noted(&scenario, &["endpoint not in the source", "api.aws"]);
    let codes = finding_codes(&scenario);
    assert!(codes.contains(&"EKS019"), "{codes:?}");
    assert!(
        !codes.contains(&"EKS021"),
        "the VPC and ENI subnets have IPv6: {codes:?}"
    );
    assert!(
        !yaml.contains("kubernetesNetworkConfig (eksctl)"),
        "read, not listed as left out"
    );
    // The managed node group's nodes are dual-stack (SPEC 7.4) and reach the public
    // dual-stack endpoint over IPv6 through the egress-only gateway: no allowlist.
    let report = eksflow::checked::check(&scenario, None);
    let nodes: Vec<_> = report
        .analysis
        .flows
        .iter()
        .filter(|f| f.client.node_group.is_some())
        .collect();
    assert!(!nodes.is_empty());
    for flow in nodes {
        assert!(flow.client.ipv6.is_some(), "{}", flow.client.name);
        assert!(flow.reachable(), "{}", flow.client.name);
        assert_eq!(
            flow.family(),
            Some(eksflow::scenario::Family::Ipv6),
            "{}",
            flow.client.name
        );
    }
}

// ---- EKS Hybrid Nodes (remoteNetworkConfig) -------------------------------------------

/// eksctl `examples/43-hybrid-nodes.yaml`: one remote node block, SSM credentials, no
/// gateway. The block is written, the service block is left to the default (eksctl's
/// 192.168.0.0/16 VPC: 10.100.0.0/16), and where the nodes sit is a note, not a network.
#[test]
fn hybrid_eksctl_example_imports_its_remote_node_block_and_notes_where_the_nodes_are() {
    let scenario = SOURCE.scenario("43-hybrid-nodes.yaml");
    assert_eq!(
        remote_blocks(&scenario),
        (vec!["10.80.146.0/24".to_owned()], vec![])
    );
    assert_eq!(scenario.cluster.hybrid.service_ipv4_cidr, None);
    assert_eq!(scenario.service_ipv4_cidr().to_string(), "10.100.0.0/16");
    assert!(scenario.networks.is_empty(), "no network is invented");
    assert!(
        scenario.node_groups.iter().all(|g| g.network.is_none()),
        "no hybrid node group is invented"
    );
    assert_noted(
        &scenario,
        &["remoteNetworkConfig", "where the hybrid nodes sit"],
    );
    // eksctl's ControlPlaneSecurityGroup admits the remote block on 443.
    let group = scenario
        .security_groups
        .iter()
        .find(|g| g.id == "sg-controlplane-hybrid-2")
        .expect("eksctl's control plane security group");
    let rules: Vec<(Protocol, String, SgPeer)> = group
        .ingress
        .iter()
        .map(|r| (r.protocol, r.ports.to_string(), r.peer))
        .collect();
    assert_eq!(
        rules,
        [(
            Protocol::Tcp,
            "443".to_owned(),
            SgPeer::Cidr("10.80.146.0/24".parse().unwrap())
        )]
    );
    assert!(
        scenario
            .cluster
            .security_groups
            .iter()
            .any(|&g| scenario.security_group(g).unwrap().id == "sg-controlplane-hybrid-2")
    );
    let yaml = SOURCE.yaml("43-hybrid-nodes.yaml");
    assert!(
        yaml.contains("#   - remoteNetworkConfig.iam (eksctl)"),
        "{yaml}"
    );
}

#[test]
fn hybrid_eksctl_service_cidr_pod_blocks_and_gateway_are_read() {
    let scenario = SOURCE.scenario("hybrid-nodes-gateway.yaml");
    assert_eq!(
        remote_blocks(&scenario),
        (
            vec!["10.80.146.0/24".to_owned(), "10.80.147.0/24".to_owned()],
            vec!["10.86.30.0/23".to_owned()]
        )
    );
    assert_eq!(scenario.service_ipv4_cidr().to_string(), "172.30.0.0/16");
    assert!(scenario.cluster.hybrid.service_ipv4_cidr.is_some());
    // The TGW is attached by eksctl, but what is behind it is unknown: no connection, no
    // route to it, and a note.
    assert!(scenario.connections.is_empty());
    assert_noted(
        &scenario,
        &["vpcGatewayID", "tgw-0a1b2c3d4e5f60718", "left out"],
    );
    // Every remote block, pods included, is admitted on 443: no EKS037.
    let codes = finding_codes(&scenario);
    assert!(!codes.contains(&"EKS037"), "{codes:?}");
    assert!(codes.contains(&"EKS019"), "{codes:?}");
}

#[test]
fn hybrid_eksctl_remote_network_entries_must_be_mappings() {
    let error = SOURCE.refused_stdin(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: x, region: eu-west-1}\nremoteNetworkConfig:\n  remoteNodeNetworks: [10.80.0.0/16]\n",
    );
    assert!(
        error.contains("remoteNetworkConfig.remoteNodeNetworks[0]"),
        "{error}"
    );
}

/// `eksflow check` on the eksctl files themselves: the findings on remote blocks point at
/// the config's own lines.
#[test]
fn hybrid_eksctl_check_on_the_config_file() {
    let (code, findings) = check_source("tests/fixtures/import/eksctl/43-hybrid-nodes.yaml");
    assert_eq!(code, 0, "{findings:?}");
    let codes: Vec<&str> = findings.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(codes, ["EKS003", "EKS019"]);

    let (code, findings) = check_source("tests/fixtures/import/eksctl/hybrid-nodes-gateway.yaml");
    assert_eq!(code, 0, "{findings:?}");
    let codes: Vec<&str> = findings.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(codes, ["EKS019"]);
}

#[test]
fn hybrid_eksctl_findings_on_remote_blocks_point_at_the_entry_in_the_config() {
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hybrid-overlap-{}.yaml", std::process::id()));
    std::fs::write(
        &file,
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: bad\n  region: eu-west-1\nvpc:\n  cidr: 10.20.0.0/16\nremoteNetworkConfig:\n  remoteNodeNetworks:\n    - cidrs: [10.80.0.0/24]\n    - cidrs: [10.81.0.0/24, 10.20.5.0/24]\n",
    )
    .unwrap();
    let (code, findings) = check_source(file.to_str().unwrap());
    assert_eq!(code, 1, "EKS032 is an error");
    assert!(
        findings.contains(&(
            "EKS032".to_owned(),
            "cluster.remoteNetworkConfig.remoteNodeNetworks[2]".to_owned(),
            Some(11)
        )),
        "{findings:?}"
    );
}
