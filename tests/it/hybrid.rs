//! EKS Hybrid Nodes (SPEC 9): hybrid node groups in a `networks[]` entry, their node → API
//! flows in every endpoint mode, and the control plane → kubelet check on TCP 10250 from the
//! ENI subnets' route tables.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::common;

use common::load;
use eksflow::analysis::{self, Analysis};
use eksflow::path::EndpointKind;
use eksflow::scenario::{self, ClientLocation, EndpointAccess, Scenario};

const BASE: &str = include_str!("../fixtures/hybrid/private-vpn.yaml");

fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_owned();
    for (from, to) in edits {
        assert!(
            text.contains(from),
            "edit target not in the fixture: {from}"
        );
        text = text.replacen(from, to, 1);
    }
    text
}

fn analysed(text: &str, mode: Option<EndpointAccess>) -> Analysis<'static> {
    let scenario: &'static Scenario = Box::leak(Box::new(load(text)));
    analysis::analyse(scenario, mode)
}

fn flow_reason(analysis: &Analysis<'_>, client: &str) -> Option<&'static str> {
    let flow = analysis
        .flows
        .iter()
        .find(|flow| flow.client.name == client)
        .unwrap_or_else(|| panic!("no client {client}"));
    flow.blocked.as_ref().map(|b| b.reason.code())
}

/// The first ENI's kubelet path to `node`: (reachable, reason, last hop's element).
fn kubelet(analysis: &Analysis<'_>, node: &str) -> (bool, Option<&'static str>, String) {
    let flow = analysis
        .kubelet
        .iter()
        .find(|k| k.node.name == node)
        .unwrap_or_else(|| panic!("no kubelet flow for {node}"));
    let path = &flow.paths[0];
    let hops = path.hops(analysis.scenario, flow.node);
    (
        flow.reachable(),
        path.blocked.as_ref().map(|b| b.reason.code()),
        hops.last().map(|h| h.at.clone()).unwrap_or_default(),
    )
}

fn load_errors(text: &str) -> Vec<String> {
    match scenario::load_one("test.yaml", text) {
        Ok(_) => panic!("loaded"),
        Err(problems) => problems.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn hybrid_node_group_holds_one_network_client_per_address() {
    let scenario = load(BASE);
    let nodes: Vec<_> = scenario
        .clients
        .iter()
        .filter(|c| c.node_group.is_some())
        .collect();
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[0].name, "dc-nodes@10.80.0.2");
    assert_eq!(nodes[1].name, "dc-nodes@10.80.0.3");
    assert!(matches!(nodes[0].location, ClientLocation::Network(_)));
    assert!(nodes[0].security_groups.is_empty());
    assert_eq!(nodes[0].path, "nodeGroups[0].ips[0]");
}

#[test]
fn hybrid_node_address_defaults_to_base_plus_four_of_the_remote_node_block() {
    let text = edited(&[("    ips: [10.80.0.2, 10.80.0.3]\n", "")]);
    let scenario = load(&text);
    let node = scenario
        .clients
        .iter()
        .find(|c| c.node_group.is_some())
        .unwrap();
    assert_eq!(node.ip.to_string(), "10.80.0.4");
    assert_eq!(node.name, "dc-nodes@10.80.0.4");
}

#[test]
fn service_cidr_defaults_to_172_20_when_the_vpc_is_in_ten_slash_eight() {
    let scenario = load(BASE);
    assert_eq!(scenario.service_ipv4_cidr().to_string(), "172.20.0.0/16");
    let other = load(&edited(&[(
        "  remoteNetworkConfig:",
        "  serviceIpv4Cidr: 10.96.0.0/12\n  remoteNetworkConfig:",
    )]));
    assert_eq!(other.service_ipv4_cidr().to_string(), "10.96.0.0/12");
}

#[test]
fn private_mode_hybrid_node_reaches_eni_over_the_vpn() {
    let analysis = analysed(BASE, None);
    let flow = analysis
        .flows
        .iter()
        .find(|f| f.client.name == "dc-nodes@10.80.0.2")
        .unwrap();
    assert_eq!(flow.endpoint, Some(EndpointKind::Private));
    assert!(flow.reachable(), "{:?}", flow.blocked);
}

#[test]
fn private_mode_hybrid_node_needs_cluster_sg_rule_for_remote_node_cidr() {
    let text = edited(&[(
        "          - { protocol: tcp, ports: 443, cidr: 10.80.0.0/16, description: remote nodes }\n",
        "",
    )]);
    let analysis = analysed(&text, None);
    assert_eq!(
        flow_reason(&analysis, "dc-nodes@10.80.0.2"),
        Some("SG_INGRESS_DENY")
    );
}

#[test]
fn public_mode_hybrid_node_leaves_through_internet_egress_and_the_allowlist() {
    let text = edited(&[(
        "  endpointAccess: private\n",
        "  endpointAccess: public\n  publicAccessCidrs: [198.51.100.0/24]\n",
    )]);
    let analysis = analysed(&text, None);
    let flow = analysis
        .flows
        .iter()
        .find(|f| f.client.name == "dc-nodes@10.80.0.2")
        .unwrap();
    assert_eq!(flow.endpoint, Some(EndpointKind::Public));
    assert_eq!(
        flow_reason(&analysis, "dc-nodes@10.80.0.2"),
        Some("PUBLIC_CIDR_DENY")
    );
    let open = analysed(BASE, Some(EndpointAccess::Public));
    assert_eq!(flow_reason(&open, "dc-nodes@10.80.0.2"), None);
}

#[test]
fn control_plane_reaches_hybrid_kubelet_via_the_eni_subnet_route() {
    for mode in EndpointAccess::ALL {
        let analysis = analysed(BASE, Some(mode));
        let (reachable, reason, _) = kubelet(&analysis, "dc-nodes@10.80.0.2");
        assert!(reachable, "{mode}: {reason:?}");
    }
}

#[test]
fn kubelet_blocked_without_an_eni_subnet_route_for_the_remote_node_cidr() {
    let text = edited(&[(
        "          - { destination: 10.80.0.0/16, target: vpn-dc }\n",
        "",
    )]);
    let analysis = analysed(&text, None);
    let (reachable, reason, at) = kubelet(&analysis, "dc-nodes@10.80.0.2");
    assert!(!reachable);
    assert_eq!(reason, Some("NO_ROUTE"));
    assert_eq!(at, "rt-private");
}

#[test]
fn kubelet_blocked_when_the_node_is_outside_remote_node_networks() {
    let text = edited(&[(
        "    remoteNodeNetworks: [10.80.0.0/16]",
        "    remoteNodeNetworks: [10.80.9.0/24]",
    )]);
    let analysis = analysed(&text, None);
    let (_, reason, at) = kubelet(&analysis, "dc-nodes@10.80.0.2");
    assert_eq!(reason, Some("NO_ROUTE"));
    assert_eq!(at, "cluster.remoteNetworkConfig");
}

#[test]
fn kubelet_needs_the_networks_route_back_to_the_eni() {
    let text = edited(&[(
        "      - { destination: 10.60.0.0/16, target: vpn-dc }",
        "      - { destination: 10.60.0.0/24, target: vpn-dc }",
    )]);
    let analysis = analysed(&text, None);
    let (_, reason, at) = kubelet(&analysis, "dc-nodes@10.80.0.2");
    assert_eq!(reason, Some("NO_RETURN_ROUTE"));
    assert_eq!(at, "datacenter (return)");
}

#[test]
fn hybrid_group_with_both_subnets_and_network_is_a_load_error() {
    let text = edited(&[(
        "    network: datacenter\n",
        "    network: datacenter\n    subnets: [subnet-a]\n",
    )]);
    let errors = load_errors(&text);
    assert!(
        errors.iter().any(|e| e.contains("nodeGroups[0].subnets")),
        "{errors:?}"
    );
}

#[test]
fn hybrid_group_takes_no_security_groups_or_public_ip() {
    let text = edited(&[(
        "    network: datacenter\n",
        "    network: datacenter\n    securityGroups: [sg-cluster]\n    publicIp: 54.0.0.1\n",
    )]);
    let errors = load_errors(&text);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("nodeGroups[0].securityGroups")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("nodeGroups[0].publicIp")),
        "{errors:?}"
    );
}

#[test]
fn hybrid_node_address_outside_the_network_is_a_load_error() {
    let text = edited(&[(
        "    ips: [10.80.0.2, 10.80.0.3]",
        "    ips: [10.80.0.2, 10.99.0.3]",
    )]);
    let errors = load_errors(&text);
    assert!(
        errors.iter().any(|e| e.contains("nodeGroups[0].ips[1]")),
        "{errors:?}"
    );
}

#[test]
fn hybrid_fields_survive_a_write_and_reload() {
    let scenario = load(BASE);
    let text = scenario::write::to_yaml(&scenario);
    let again = load(&text);
    assert_eq!(again.node_groups[0].ips, scenario.node_groups[0].ips);
    let remote = again.cluster.hybrid.remote.as_ref().unwrap();
    assert_eq!(remote.node_networks[0].to_string(), "10.80.0.0/16");
    assert_eq!(remote.pod_networks[0].to_string(), "10.85.0.0/16");
}

/// The findings of the fixture edited by `edits`, in its own mode: (code, path) pairs.
fn findings(text: &str, mode: Option<EndpointAccess>) -> Vec<(&'static str, String)> {
    let analysis = analysed(text, mode);
    eksflow::rules::check(&analysis)
        .into_iter()
        .map(|f| (f.code.as_str(), f.path))
        .collect()
}

fn hybrid_codes(found: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    found
        .iter()
        .filter(|(code, _)| ("EKS031".."EKS038").contains(code))
        .cloned()
        .collect()
}

#[test]
fn a_well_planned_hybrid_cluster_has_no_hybrid_findings() {
    assert_eq!(hybrid_codes(&findings(BASE, None)), vec![]);
}

#[test]
fn remote_node_network_outside_rfc1918_is_rejected_by_eks() {
    let text = edited(&[(
        "    remotePodNetworks: [10.85.0.0/16]",
        "    remotePodNetworks: [100.64.0.0/16]",
    )]);
    let found = findings(&text, None);
    assert!(
        found.contains(&(
            "EKS031",
            "cluster.remoteNetworkConfig.remotePodNetworks[0]".to_owned()
        )),
        "{found:?}"
    );
}

#[test]
fn remote_block_larger_than_slash_eight_is_rejected() {
    let text = edited(&[(
        "    remotePodNetworks: [10.85.0.0/16]",
        "    remotePodNetworks: [0.0.0.0/7]",
    )]);
    let found = findings(&text, None);
    assert!(
        found
            .iter()
            .any(|(c, p)| *c == "EKS031" && p.ends_with("remotePodNetworks[0]")),
        "{found:?}"
    );
}

#[test]
fn remote_block_overlapping_the_vpc_or_default_service_cidr_is_rejected() {
    let vpc = edited(&[(
        "    remotePodNetworks: [10.85.0.0/16]",
        "    remotePodNetworks: [10.60.128.0/17]",
    )]);
    assert!(findings(&vpc, None).contains(&(
        "EKS032",
        "cluster.remoteNetworkConfig.remotePodNetworks[0]".to_owned()
    )));
    // The VPC is in 10/8, so the default service CIDR is 172.20.0.0/16.
    let service = edited(&[(
        "    remotePodNetworks: [10.85.0.0/16]",
        "    remotePodNetworks: [172.20.0.0/24]",
    )]);
    assert!(findings(&service, None).contains(&(
        "EKS032",
        "cluster.remoteNetworkConfig.remotePodNetworks[0]".to_owned()
    )));
    let each_other = edited(&[(
        "    remotePodNetworks: [10.85.0.0/16]",
        "    remotePodNetworks: [10.80.4.0/24]",
    )]);
    assert!(findings(&each_other, None).contains(&(
        "EKS032",
        "cluster.remoteNetworkConfig.remotePodNetworks[0]".to_owned()
    )));
}

#[test]
fn hybrid_nodes_on_an_ipv6_cluster_are_rejected() {
    let text = edited(&[(
        "  endpointAccess: private\n",
        "  endpointAccess: private\n  ipFamily: ipv6\n",
    )]);
    // An IPv6 cluster's VPC has no ipv6Cidrs here either (EKS021), which is beside the point.
    let found = findings(&text, None);
    assert!(
        found.contains(&("EKS033", "cluster.remoteNetworkConfig".to_owned())),
        "{found:?}"
    );
}

#[test]
fn hybrid_nodes_with_public_and_private_access_warn() {
    let found = findings(BASE, Some(EndpointAccess::PublicAndPrivate));
    assert!(
        found.contains(&("EKS034", "cluster.endpointAccess".to_owned())),
        "{found:?}"
    );
    assert!(
        !findings(BASE, Some(EndpointAccess::Public))
            .iter()
            .any(|(c, _)| *c == "EKS034")
    );
}

#[test]
fn hybrid_node_outside_remote_node_networks_is_an_error() {
    let text = edited(&[(
        "    ips: [10.80.0.2, 10.80.0.3]",
        "    ips: [10.80.0.2, 10.85.0.3]",
    )]);
    let found = findings(&text, None);
    assert!(
        found.contains(&("EKS035", "nodeGroups[0].ips[1]".to_owned())),
        "{found:?}"
    );
    // Its kubelet is unreachable too (EKS009), from the same address.
    assert!(
        found.contains(&("EKS009", "nodeGroups[0].ips[1]".to_owned())),
        "{found:?}"
    );
}

#[test]
fn hybrid_node_group_without_remote_network_config_is_an_error() {
    let text = edited(&[(
        "  remoteNetworkConfig:\n    remoteNodeNetworks: [10.80.0.0/16]\n    remotePodNetworks: [10.85.0.0/16]\n",
        "",
    )]);
    let found = findings(&text, None);
    assert!(
        found.contains(&("EKS035", "nodeGroups[0].network".to_owned())),
        "{found:?}"
    );
}

#[test]
fn eni_subnet_without_a_route_for_remote_pods_warns() {
    let text = edited(&[(
        "          - { destination: 10.85.0.0/16, target: vpn-dc }\n",
        "",
    )]);
    let found = findings(&text, None);
    assert!(
        found.contains(&("EKS036", "cluster.enis[0].subnet".to_owned())),
        "{found:?}"
    );
    // Both ENIs share rt-private but sit in different subnets: one finding per subnet.
    assert_eq!(found.iter().filter(|(c, _)| *c == "EKS036").count(), 2);
}

#[test]
fn eni_subnet_route_to_a_nat_gateway_does_not_reach_remote_nodes() {
    let text = edited(&[(
        "          - { destination: 10.80.0.0/16, target: vpn-dc }\n",
        "          - { destination: 10.80.0.0/16, target: nat-edge }\n",
    )]);
    let found = findings(&text, None);
    assert!(
        found.contains(&("EKS036", "cluster.enis[0].subnet".to_owned())),
        "{found:?}"
    );
    assert!(found.iter().any(|(c, _)| *c == "EKS009"), "{found:?}");
}

#[test]
fn remote_pods_need_a_cluster_security_group_rule_for_443() {
    let text = edited(&[(
        "          - { protocol: tcp, ports: 443, cidr: 10.85.0.0/16, description: remote pods }\n",
        "",
    )]);
    let found = findings(&text, None);
    assert!(
        found.contains(&(
            "EKS037",
            "cluster.remoteNetworkConfig.remotePodNetworks[0]".to_owned()
        )),
        "{found:?}"
    );
}

#[test]
fn unreachable_hybrid_node_is_eks008_at_its_address() {
    let text = edited(&[(
        "          - { protocol: tcp, ports: 443, cidr: 10.80.0.0/16, description: remote nodes }\n",
        "",
    )]);
    let found = findings(&text, None);
    assert!(
        found.contains(&("EKS008", "nodeGroups[0].ips[0]".to_owned())),
        "{found:?}"
    );
}

#[test]
fn kubelet_reaches_a_hybrid_node_through_a_transit_gateway() {
    let text = edited(&[(
        "  - { id: vpn-dc, type: vpn, vpc: vpc-edge, network: datacenter }",
        "  - { id: vpn-dc, type: transit-gateway, attachments: [vpc-edge, datacenter] }",
    )]);
    let analysis = analysed(&text, None);
    let (reachable, reason, _) = kubelet(&analysis, "dc-nodes@10.80.0.2");
    assert!(reachable, "{reason:?}");
    // A static route sending the node block elsewhere breaks it.
    let diverted = edited(&[
        (
            "  - { id: vpn-dc, type: vpn, vpc: vpc-edge, network: datacenter }",
            "  - { id: vpn-dc, type: transit-gateway, attachments: [vpc-edge, datacenter, vpc-other], routes: [{ destination: 10.80.0.0/16, target: vpc-other }] }",
        ),
        (
            "connections:",
            "  - id: vpc-other\n    cidrs: [10.61.0.0/16]\nconnections:",
        ),
    ]);
    let analysis = analysed(&diverted, None);
    let (_, reason, at) = kubelet(&analysis, "dc-nodes@10.80.0.2");
    assert_eq!(reason, Some("NO_ROUTE"));
    assert_eq!(at, "rt-private");
}

#[test]
fn hybrid_nodes_behind_a_proxy_reach_the_api_through_it() {
    let text = edited(&[
        (
            "    ips: [10.80.0.2, 10.80.0.3]",
            "    ips: [10.80.0.2]\n    proxy: squid\n    proxyPort: 443",
        ),
        (
            "connections:",
            "clients:\n  - { name: squid, from: subnet-a, ip: 10.60.1.8, securityGroups: [sg-cluster] }\nconnections:",
        ),
    ]);
    let analysis = analysed(&text, None);
    let flow = analysis
        .flows
        .iter()
        .find(|f| f.client.name == "dc-nodes@10.80.0.2")
        .unwrap();
    let leg = flow.proxy.as_ref().unwrap();
    assert_eq!(leg.proxy.name, "squid");
    assert_eq!(leg.address.to_string(), "10.60.1.8");
    assert!(flow.reachable(), "{:?}", flow.blocked);
    // The proxy, in the cluster VPC, gets the private hosted zone's answer.
    assert_eq!(
        flow.dns.answered_by,
        eksflow::dns::AnsweredBy::PrivateHostedZone
    );
}
