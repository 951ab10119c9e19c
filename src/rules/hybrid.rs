//! EKS Hybrid Nodes (SPEC 9.2, 9.4): what the EKS API refuses in `remoteNetworkConfig`, and
//! the routing and security group requirements of on-premises nodes and pods.
//!
//! The API's rules for both lists: "Each block must be within an IPv4 RFC-1918 network range.
//! Minimum allowed size is /32, maximum allowed size is /8. Publicly-routable addresses aren't
//! supported"; "Each block cannot overlap with the range of the VPC CIDR blocks for your EKS
//! resources, or the block of the Kubernetes service IP range" (EKS API,
//! RemoteNetworkConfigRequest). "VPC CIDR blocks" is read as the cluster VPC's `cidrs`
//! (SPEC 9.2, choice).

use std::net::{IpAddr, Ipv4Addr};

use ipnetwork::Ipv4Network;

use super::{Code, Finding, Rule, Severity, docs};
use crate::analysis::Analysis;
use crate::path::{HTTPS, RemoteRoute, route_to_remote, sg_ingress_allows};
use crate::scenario::{EndpointAccess, Family, NetworkIx, Scenario};

pub(super) const EKS031: Rule = Rule {
    code: Code::Eks031,
    name: "remote-network-not-rfc1918",
    severity: Severity::Error,
    summary: "a remoteNodeNetworks/remotePodNetworks block outside RFC 1918, or larger than /8",
    why: "EKS rejects the cluster configuration: \"Each block must be within an IPv4 RFC-1918 \
          network range. Minimum allowed size is /32, maximum allowed size is /8. \
          Publicly-routable addresses aren't supported\" (RemoteNetworkConfigRequest).",
    example: "cluster:\n  remoteNetworkConfig:\n    remoteNodeNetworks: [100.64.0.0/16]",
    fix: "Use blocks inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, no larger than /8; \
          renumber the on-premises nodes or pods if they use public addresses.",
    references: &[docs::REMOTE_NETWORK_CONFIG, docs::HYBRID_NETWORKING],
};

pub(super) const EKS032: Rule = Rule {
    code: Code::Eks032,
    name: "remote-network-overlap",
    severity: Severity::Error,
    summary: "a remote block overlaps a cluster VPC CIDR, the service CIDR, or another remote block",
    why: "\"Each block cannot overlap with the range of the VPC CIDR blocks for your EKS \
          resources, or the block of the Kubernetes service IP range\" \
          (RemoteNetworkConfigRequest), and remote node and pod CIDRs must \"Not overlap with \
          each other\" (hybrid-nodes-networking): EKS could not tell where to route an address \
          in both.",
    example: "cluster:\n  serviceIpv4Cidr: 172.20.0.0/16\n  remoteNetworkConfig:\n    remoteNodeNetworks: [172.20.0.0/16]",
    fix: "Pick non-overlapping blocks. When `serviceIpv4Cidr` is not written, eksflow assumes \
          EKS's default (172.20.0.0/16 when a cluster VPC CIDR is in 10.0.0.0/8, else \
          10.100.0.0/16): write it if yours differs.",
    references: &[docs::REMOTE_NETWORK_CONFIG, docs::HYBRID_NETWORKING],
};

pub(super) const EKS033: Rule = Rule {
    code: Code::Eks033,
    name: "hybrid-nodes-on-ipv6-cluster",
    severity: Severity::Error,
    summary: "remoteNetworkConfig or a hybrid node group on an ipFamily: ipv6 cluster",
    why: "\"you cannot use hybrid nodes with clusters configured with the IPv6 IP address \
          family\" (EKS user guide, network-reqs).",
    example: "cluster:\n  ipFamily: ipv6\n  remoteNetworkConfig:\n    remoteNodeNetworks: [10.80.0.0/16]",
    fix: "Run hybrid nodes with an ipv4 cluster (the family cannot be changed after creation: \
          create a new cluster).",
    references: &[docs::NETWORK_REQS, docs::HYBRID_NETWORKING],
};

pub(super) const EKS034: Rule = Rule {
    code: Code::Eks034,
    name: "hybrid-nodes-public-and-private",
    severity: Severity::Warning,
    summary: "hybrid node groups with endpointAccess: public-and-private",
    why: "\"it is not recommended to have both Public and Private cluster endpoint access \
          enabled. Because your hybrid nodes are running outside of your VPC, they will resolve \
          the cluster endpoint to the public IP addresses\" (cluster-endpoint); the cluster \
          creation page is stricter: \"Your cluster cannot use 'Public and Private'\" \
          (hybrid-nodes-cluster-create). The flows show where the nodes actually connect.",
    example: "cluster:\n  endpointAccess: public-and-private\nnodeGroups:\n  - { name: dc-nodes, network: datacenter }",
    fix: "Choose public or private endpoint access; with private, the nodes need the VPN or \
          Direct Connect path to the ENIs.",
    references: &[docs::CLUSTER_ENDPOINT, docs::HYBRID_CLUSTER_CREATE],
};

pub(super) const EKS035: Rule = Rule {
    code: Code::Eks035,
    name: "hybrid-node-outside-remote-node-networks",
    severity: Severity::Error,
    summary: "a hybrid node address outside remoteNodeNetworks, or a hybrid node group without remoteNetworkConfig",
    why: "The remote node blocks \"define the expected IP address range of the hybrid nodes that \
          join the cluster\" (RemoteNetworkConfigRequest), and EKS routes only them through the \
          cluster VPC: \"You configure the EKS cluster with these remote node CIDRs so EKS knows \
          to route all traffic destined for the hybrid nodes IPs through your cluster's VPC\" \
          (hybrid-nodes-concepts-networking). A node elsewhere gets no kubelet traffic.",
    example: "cluster:\n  remoteNetworkConfig: { remoteNodeNetworks: [10.80.0.0/24] }\nnodeGroups:\n  - { name: dc-nodes, network: datacenter, ips: [10.80.9.2] }",
    fix: "Add the nodes' block to `cluster.remoteNetworkConfig.remoteNodeNetworks`.",
    references: &[
        docs::REMOTE_NETWORK_CONFIG,
        docs::HYBRID_CONCEPTS_NETWORKING,
    ],
};

pub(super) const EKS036: Rule = Rule {
    code: Code::Eks036,
    name: "eni-subnet-no-route-to-remote-network",
    severity: Severity::Warning,
    summary: "an ENI subnet's route table has no route for a remote node or pod block via a connection to its network",
    why: "The control plane reaches kubelets (logs, exec, port-forward) and webhooks on hybrid \
          nodes from its ENIs, so the route tables of the ENI subnets \"must be configured with \
          the routes for your hybrid nodes … This is true for the subnets where the EKS control \
          plane ENIs are attached\" (hybrid-nodes-concepts-networking). An ENI that cannot route \
          there fails the requests EKS sends through it.",
    example: "routeTables:\n  - id: rt-private\n    routes: [{ destination: 0.0.0.0/0, target: nat-a }]   # no 10.80.0.0/16",
    fix: "Add a route for the remote block to the VPN, Direct Connect or transit gateway \
          attachment in every ENI subnet's route table.",
    references: &[docs::HYBRID_CONCEPTS_NETWORKING, docs::HYBRID_TRAFFIC_FLOWS],
};

pub(super) const EKS037: Rule = Rule {
    code: Code::Eks037,
    name: "cluster-sg-no-remote-pod-ingress",
    severity: Severity::Warning,
    summary: "remotePodNetworks set but no cluster security group allows TCP 443 from it",
    why: "Pods on hybrid nodes whose CNI does not NAT their traffic reach the API server from \
          their own addresses; the cluster security group needs \"Inbound 443, Remote Pod \
          CIDR(s)\" (hybrid-nodes-networking, Cluster security group configuration).",
    example: "cluster:\n  remoteNetworkConfig: { remoteNodeNetworks: [10.80.0.0/16], remotePodNetworks: [10.85.0.0/16] }",
    fix: "Add an inbound TCP 443 rule for the remote pod block to a cluster security group.",
    references: &[docs::HYBRID_NETWORKING],
};

/// The three RFC 1918 blocks.
const RFC1918: [(Ipv4Addr, u8); 3] = [
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
];

fn in_rfc1918(block: Ipv4Network) -> bool {
    RFC1918.iter().any(|(base, prefix)| {
        Ipv4Network::new(*base, *prefix)
            .is_ok_and(|range| block.prefix() >= *prefix && range.contains(block.network()))
    })
}

fn overlap(a: Ipv4Network, b: Ipv4Network) -> bool {
    a.contains(b.network()) || b.contains(a.network())
}

pub(super) fn check(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let scenario = analysis.scenario;
    let cluster = &scenario.cluster;
    let hybrid_groups: Vec<_> = scenario
        .node_groups
        .iter()
        .filter(|group| group.network.is_some())
        .collect();
    let remote = cluster.hybrid.remote.as_ref();
    if remote.is_none() && hybrid_groups.is_empty() {
        return;
    }
    if cluster.ip_family == Family::Ipv6 {
        let path = match (remote, hybrid_groups.first()) {
            (Some(_), _) | (None, None) => "cluster.remoteNetworkConfig".to_owned(),
            (None, Some(group)) => format!("{}.network", group.path),
        };
        findings.push(Finding::new(
            scenario,
            Code::Eks033,
            path,
            "hybrid nodes need an ipv4 cluster; this cluster has ipFamily: ipv6",
        ));
    }
    if analysis.mode == EndpointAccess::PublicAndPrivate
        && let Some(group) = hybrid_groups.first()
    {
        findings.push(Finding::new(
            scenario,
            Code::Eks034,
            "cluster.endpointAccess",
            format!(
                "hybrid node group {} with public-and-private endpoint access: nodes outside the VPC resolve the endpoint to its public addresses unless their DNS forwards it to a Resolver inbound endpoint",
                group.name
            ),
        ));
    }
    for group in &hybrid_groups {
        if remote.is_none() {
            findings.push(Finding::new(
                scenario,
                Code::Eks035,
                format!("{}.network", group.path),
                format!(
                    "hybrid node group {} but the cluster has no remoteNetworkConfig: EKS routes no traffic to its nodes",
                    group.name
                ),
            ));
            continue;
        }
        for client in group.clients.iter().filter_map(|ix| scenario.client(*ix)) {
            if !cluster.hybrid.is_remote_node(client.ip) {
                findings.push(Finding::new(
                    scenario,
                    Code::Eks035,
                    client.path.clone(),
                    format!(
                        "hybrid node {} of node group {} is in no cluster.remoteNetworkConfig.remoteNodeNetworks block",
                        client.ip, group.name
                    ),
                ));
            }
        }
    }
    let Some(remote) = remote else {
        return;
    };
    let blocks: Vec<(String, Ipv4Network)> = remote
        .node_networks
        .iter()
        .enumerate()
        .map(|(i, block)| {
            (
                format!("cluster.remoteNetworkConfig.remoteNodeNetworks[{i}]"),
                *block,
            )
        })
        .chain(remote.pod_networks.iter().enumerate().map(|(i, block)| {
            (
                format!("cluster.remoteNetworkConfig.remotePodNetworks[{i}]"),
                *block,
            )
        }))
        .collect();
    validation(scenario, &blocks, findings);
    routes(scenario, &blocks, findings);
    pod_ingress(scenario, remote.pod_networks.as_slice(), findings);
}

/// EKS031 and EKS032: what the EKS API refuses.
fn validation(scenario: &Scenario, blocks: &[(String, Ipv4Network)], findings: &mut Vec<Finding>) {
    let service = scenario.service_ipv4_cidr();
    let vpc_cidrs = scenario
        .cluster_vpc()
        .map(|vpc| vpc.cidrs.as_slice())
        .unwrap_or_default();
    for (i, (path, block)) in blocks.iter().enumerate() {
        if !in_rfc1918(*block) || block.prefix() < 8 {
            findings.push(Finding::new(
                scenario,
                Code::Eks031,
                path.clone(),
                format!("{block} is not inside an RFC 1918 range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) at /8 or smaller; EKS rejects it"),
            ));
        }
        let against_vpc = vpc_cidrs.iter().find(|cidr| overlap(**cidr, *block));
        let against_earlier = blocks
            .iter()
            .take(i)
            .find(|(_, other)| overlap(*other, *block));
        let clash = if let Some(cidr) = against_vpc {
            Some(format!("the cluster VPC CIDR {cidr}"))
        } else if overlap(service, *block) {
            let note = if scenario.cluster.hybrid.service_ipv4_cidr.is_none() {
                " (EKS's default, as eksflow assumes it; write cluster.serviceIpv4Cidr if yours differs)"
            } else {
                ""
            };
            Some(format!("the Kubernetes service CIDR {service}{note}"))
        } else {
            against_earlier.map(|(other_path, other)| format!("{other} ({other_path})"))
        };
        if let Some(clash) = clash {
            findings.push(Finding::new(
                scenario,
                Code::Eks032,
                path.clone(),
                format!("{block} overlaps {clash}; EKS rejects overlapping remote blocks"),
            ));
        }
    }
}

/// The network whose CIDRs hold `block`, if one does.
fn network_of(scenario: &Scenario, block: Ipv4Network) -> Option<NetworkIx> {
    scenario
        .networks
        .iter()
        .position(|network| network.contains(block.network()))
        .map(NetworkIx)
}

/// EKS036: each ENI subnet must route each remote block to a connection into its network.
fn routes(scenario: &Scenario, blocks: &[(String, Ipv4Network)], findings: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    for (i, eni) in scenario.cluster.enis.iter().enumerate() {
        if seen.contains(&eni.subnet) {
            continue;
        }
        seen.push(eni.subnet);
        let Some(subnet) = scenario.subnet(eni.subnet) else {
            continue;
        };
        for (path, block) in blocks {
            // A block no network holds has no on-premises place to reach (choice: not judged).
            let Some(network) = network_of(scenario, *block) else {
                continue;
            };
            let network_id = scenario
                .network(network)
                .map(|n| n.id.as_str())
                .unwrap_or_default();
            if let RemoteRoute::Misses { found, .. } =
                route_to_remote(scenario, subnet, network, IpAddr::V4(block.network()))
            {
                findings.push(Finding::new(
                    scenario,
                    Code::Eks036,
                    format!("cluster.enis[{i}].subnet"),
                    format!(
                        "ENI subnet {} has no route for {block} ({path}) via a connection to network {network_id} ({found}): kubelet, logs, exec or webhooks fail from the ENIs there",
                        subnet.id
                    ),
                ));
            }
        }
    }
}

/// EKS037: a cluster security group must allow TCP 443 from each remote pod block (checked
/// at the block's first address).
fn pod_ingress(scenario: &Scenario, pods: &[Ipv4Network], findings: &mut Vec<Finding>) {
    let groups = &scenario.cluster.security_groups;
    for (i, block) in pods.iter().enumerate() {
        if sg_ingress_allows(scenario, groups, HTTPS, IpAddr::V4(block.network()), &[]).is_none() {
            findings.push(Finding::new(
                scenario,
                Code::Eks037,
                format!("cluster.remoteNetworkConfig.remotePodNetworks[{i}]"),
                format!(
                    "no cluster security group ({}) allows tcp/443 from the remote pod block {block}",
                    scenario.sg_names(groups)
                ),
            ));
        }
    }
}
