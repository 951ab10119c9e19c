//! IPv6 and dual-stack clusters (SPEC 7.8): what EKS refuses for an `ipFamily: ipv6`
//! cluster, IPv6 values a cluster ignores, an ENI endpoint open to the IPv6 internet, and a
//! dual-stack client that reaches the API only after its IPv6 attempts fail.

use std::net::IpAddr;

use ipnetwork::IpNetwork;

use super::{Code, Finding, Rule, Severity, docs};
use crate::analysis::Analysis;
use crate::path::VpcNextHop;
use crate::scenario::{Family, Protocol, RouteTarget, Scenario, SgPeer};

pub(super) const EKS021: Rule = Rule {
    code: Code::Eks021,
    name: "ipv6-cluster-without-ipv6-blocks",
    severity: Severity::Error,
    summary: "ipFamily ipv6, but the cluster VPC has no ipv6Cidrs or an ENI subnet has no ipv6Cidr",
    why: "EKS creates an IPv6 cluster only in a VPC and subnets that have both address families: \
          \"the VPC and subnets … must have both IPv4 and IPv6 CIDR blocks\" \
          (KubernetesNetworkConfigRequest). CreateCluster fails otherwise. eksflow gives such \
          an ENI no IPv6 address, so its AAAA answer is missing.",
    example: "cluster:\n  ipFamily: ipv6\nvpcs:\n  - id: vpc-main\n    cidrs: [10.0.0.0/16]   # no ipv6Cidrs",
    fix: "Associate an IPv6 block with the VPC (Amazon-provided, BYOIP or IPAM) and give every \
          cluster subnet a /64 of it (`ipv6Cidrs`, `ipv6Cidr`).",
    references: &[docs::EKS_NETWORK_CONFIG, docs::CNI_IPV6],
};

pub(super) const EKS022: Rule = Rule {
    code: Code::Eks022,
    name: "ipv6-cluster-in-china",
    severity: Severity::Error,
    summary: "ipFamily ipv6 in a China Region (cn-)",
    why: "EKS refuses IPv6 clusters there: \"You can't specify ipv6 for clusters in China \
          Regions\" (KubernetesNetworkConfigRequest).",
    example: "cluster:\n  region: cn-north-1\n  ipFamily: ipv6",
    fix: "Use ipFamily ipv4 in China Regions, or another Region for the IPv6 cluster.",
    references: &[docs::EKS_NETWORK_CONFIG],
};

pub(super) const EKS023: Rule = Rule {
    code: Code::Eks023,
    name: "ipv6-nodes-without-ipv6-subnet",
    severity: Severity::Error,
    summary: "an IPv6 cluster's node group runs in a subnet without ipv6Cidr",
    why: "Nodes of an IPv6 cluster need IPv6 addresses: \"you must specify subnets that are \
          configured to auto-assign IPv6 addresses. Otherwise, you can't deploy your nodes\" \
          (EKS user guide, cni-ipv6). eksflow gives those nodes no IPv6 address.",
    example: "cluster:\n  ipFamily: ipv6\nnodeGroups:\n  - { name: workers, subnets: [subnet-v4-only] }",
    fix: "Give the subnet a /64 of the VPC's IPv6 block (and turn on auto-assign IPv6), or run \
          the node group in subnets that have one.",
    references: &[docs::CNI_IPV6],
};

pub(super) const EKS024: Rule = Rule {
    code: Code::Eks024,
    name: "ipv6-value-ignored",
    severity: Severity::Warning,
    summary: "IPv6 publicEndpointIps on an IPv4-only endpoint, or ENI ipv6 on an ipv4 cluster: ignored",
    why: "Only a dual-stack endpoint (an IPv6 cluster under api.aws, made since October 2024) \
          has AAAA records; \"Before October 2024, IPv6 clusters used this endpoint format also \
          [eks.amazonaws.com]. For those clusters, both the public endpoint and the private \
          endpoint have only IPv4 addresses\" (EKS user guide, cluster-endpoint). eksflow \
          answers no AAAA record for those values, so they say something the cluster does not do.",
    example: "cluster:\n  ipFamily: ipv4\n  enis:\n    - { subnet: subnet-a, ip: 10.0.1.10, ipv6: \"2001:db8:1:1::a\" }",
    fix: "Remove the IPv6 values, or make the cluster IPv6 with a dual-stack endpoint \
          (ipFamily: ipv6, endpoint under api.aws).",
    references: &[docs::CLUSTER_ENDPOINT],
};

pub(super) const EKS025: Rule = Rule {
    code: Code::Eks025,
    name: "private-endpoint-open-over-ipv6",
    severity: Severity::Warning,
    summary: "the private endpoint is reachable from the internet over IPv6 (internet gateway route and a security group open to a public IPv6 block)",
    why: "IPv6 has no NAT: \"IPv6 addresses are globally unique, and are therefore public by \
          default\" (VPC user guide, egress-only internet gateways). An ENI whose subnet routes \
          ::/0 to an internet gateway (not an egress-only one) can be reached from the \
          internet, and a cluster security group admitting 443 from a public IPv6 block lets \
          the internet reach the API server's private endpoint.",
    example: "routeTables:\n  - id: rt-eni\n    routes: [{ destination: \"::/0\", target: igw-main }]\nsecurityGroups:\n  - id: sg-cluster\n    ingress: [{ protocol: tcp, ports: 443, cidr: \"::/0\" }]",
    fix: "Route the ENI subnets' ::/0 to an egress-only internet gateway, and admit only the \
          IPv6 blocks of your own networks in the cluster security groups.",
    references: &[docs::EGRESS_ONLY_IGW, docs::SEC_GROUP_REQS],
};

pub(super) const EKS026: Rule = Rule {
    code: Code::Eks026,
    name: "dual-stack-fallback-to-ipv4",
    severity: Severity::Info,
    summary: "a dual-stack client reaches the API only after its IPv6 attempts fail",
    why: "A dual-stack client tries the IPv6 addresses first and falls back to IPv4 only when \
          they fail: Go's dialer (kubectl, client-go) gives \"the first address family a 300ms \
          head start\", so every new connection pays that delay, or a full connect timeout when \
          packets are dropped silently. It works, but slowly, and it usually means the IPv6 \
          path was forgotten (the nodes' own IPv6 addresses missing from publicAccessCidrs).",
    example: "cluster:\n  ipFamily: ipv6\n  publicAccessCidrs: [198.51.100.40/32]   # the NAT gateway, but not the nodes' IPv6 /64",
    fix: "Open the IPv6 path the finding names (allowlist the subnets' IPv6 blocks, add the \
          IPv6 route or rule), or give the client no IPv6 address if it must use IPv4.",
    references: &[docs::GO_HAPPY_EYEBALLS, docs::CNI_IPV6],
};

pub(super) fn check(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let scenario = analysis.scenario;
    let cluster = &scenario.cluster;
    if cluster.ip_family == Family::Ipv6 {
        ipv6_cluster_requirements(scenario, findings);
        open_over_ipv6(scenario, findings);
    }
    ignored_values(scenario, findings);
    for flow in &analysis.flows {
        if flow.client.ipv6.is_none() || !flow.reachable() || flow.family() != Some(Family::Ipv4) {
            continue;
        }
        let Some(first) = flow.targets.iter().find(|target| target.address.is_ipv6()) else {
            continue;
        };
        let why = first
            .blocked
            .as_ref()
            .map(|blocked| format!("{}: {}", blocked.reason, blocked.blocked_by))
            .unwrap_or_default();
        findings.push(Finding::new(
            scenario,
            Code::Eks026,
            flow.client.path.clone(),
            format!(
                "client {} reaches the API only over IPv4, after its IPv6 attempt to {} fails ({why}); every connection waits for the Happy Eyeballs fallback",
                flow.client.name, first.address
            ),
        ));
    }
}

fn ipv6_cluster_requirements(scenario: &Scenario, findings: &mut Vec<Finding>) {
    let cluster = &scenario.cluster;
    if cluster.region.starts_with("cn-") {
        findings.push(Finding::new(
            scenario,
            Code::Eks022,
            "cluster.ipFamily",
            format!(
                "ipFamily ipv6 in {}: EKS does not create IPv6 clusters in China Regions",
                cluster.region
            ),
        ));
    }
    if let Some(vpc) = scenario.cluster_vpc()
        && vpc.ipv6_cidrs.is_empty()
    {
        findings.push(Finding::new(
            scenario,
            Code::Eks021,
            "cluster.vpc",
            format!(
                "ipFamily ipv6, but the cluster VPC {} has no ipv6Cidrs: EKS needs IPv4 and IPv6 blocks in the VPC and its subnets",
                vpc.id
            ),
        ));
    }
    for (i, eni) in cluster.enis.iter().enumerate() {
        if let Some(subnet) = scenario.subnet(eni.subnet)
            && subnet.ipv6_cidr.is_none()
        {
            findings.push(Finding::new(
                scenario,
                Code::Eks021,
                format!("cluster.enis[{i}].subnet"),
                format!(
                    "ipFamily ipv6, but ENI subnet {} has no ipv6Cidr: the ENI gets no IPv6 address",
                    subnet.id
                ),
            ));
        }
    }
    for client in &scenario.clients {
        if client.node_group.is_none() {
            continue;
        }
        if let crate::scenario::ClientLocation::Subnet(ix) = client.location
            && let Some(subnet) = scenario.subnet(ix)
            && subnet.ipv6_cidr.is_none()
        {
            findings.push(Finding::new(
                scenario,
                Code::Eks023,
                client.path.clone(),
                format!(
                    "node group subnet {} has no ipv6Cidr: nodes of an IPv6 cluster need IPv6 addresses, so they cannot be deployed there",
                    subnet.id
                ),
            ));
        }
    }
}

fn ignored_values(scenario: &Scenario, findings: &mut Vec<Finding>) {
    let cluster = &scenario.cluster;
    if !cluster.dual_stack && !cluster.public_endpoint_ipv6.is_empty() {
        findings.push(Finding::new(
            scenario,
            Code::Eks024,
            "cluster.publicEndpointIps",
            "publicEndpointIps lists IPv6 addresses, but the endpoint is IPv4-only (only an IPv6 cluster under api.aws is dual-stack): no AAAA record answers them",
        ));
    }
    if cluster.ip_family == Family::Ipv4 {
        for (i, eni) in cluster.enis.iter().enumerate() {
            if eni.ipv6.is_some() {
                findings.push(Finding::new(
                    scenario,
                    Code::Eks024,
                    format!("cluster.enis[{i}].ipv6"),
                    "an ENI ipv6 on an ipv4 cluster is ignored: the endpoint answers no AAAA record",
                ));
            }
        }
    }
}

/// An ENI with a global IPv6 address whose subnet routes `::/0` to the internet gateway, with
/// a cluster security group admitting 443 from a public IPv6 block.
fn open_over_ipv6(scenario: &Scenario, findings: &mut Vec<Finding>) {
    let cluster = &scenario.cluster;
    if scenario
        .cluster_vpc()
        .is_none_or(|vpc| vpc.internet_gateway.is_none())
    {
        return;
    }
    let exposed = cluster.enis.iter().any(|eni| {
        let Some(ipv6) = eni.ipv6 else {
            return false;
        };
        let Some(subnet) = scenario.subnet(eni.subnet) else {
            return false;
        };
        let probe = IpAddr::V6(std::net::Ipv6Addr::new(0x2600, 0, 0, 0, 0, 0, 0, 1));
        !crate::dns::is_ula(ipv6)
            && matches!(
                crate::path::lookup_subnet(scenario, subnet, probe).1,
                VpcNextHop::Route(route) if route.target == RouteTarget::InternetGateway
            )
    });
    if !exposed {
        return;
    }
    for group in cluster
        .security_groups
        .iter()
        .filter_map(|sg| scenario.security_group(*sg))
    {
        for rule in &group.ingress {
            let SgPeer::Cidr(IpNetwork::V6(block)) = rule.peer else {
                continue;
            };
            let admits_443 = rule.protocol == Protocol::All
                || (rule.protocol == Protocol::Tcp && rule.ports.contains(443));
            let public = block.prefix() == 0 || crate::dns::is_public_ipv6(block.network());
            if admits_443 && public {
                findings.push(Finding::new(
                    scenario,
                    Code::Eks025,
                    rule.path.clone(),
                    format!(
                        "security group {} admits 443 from the public IPv6 block {block}, and an ENI subnet routes ::/0 to the internet gateway: the private endpoint is reachable from the internet over IPv6",
                        group.id
                    ),
                ));
            }
        }
    }
}
