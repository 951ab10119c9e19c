//! Node groups: nodes must reach the API server, the control plane must reach their kubelets,
//! and nodes without internet access need VPC endpoints to pull images.

use std::net::Ipv4Addr;

use super::{Code, Finding, Rule, Severity, docs};
use crate::analysis::Analysis;
use crate::path::{VpcNextHop, lookup_subnet};
use crate::scenario::{
    NodeGroup, RouteTarget, Scenario, Subnet, SubnetIx, VpcEndpoint, VpcEndpointKind,
};

pub(super) const EKS008: Rule = Rule {
    code: Code::Eks008,
    name: "nodes-cannot-reach-api-server",
    severity: Severity::Error,
    summary: "a node group cannot reach the API server (nodes never join)",
    why: "Nodes register with the cluster through the API server endpoint. If a node group's \
          subnet cannot resolve or reach it — a NAT gateway IP missing from the allowlist in \
          public mode, the private hosted zone ignored, a security group or NACL in the way — \
          the nodes boot and never join, and the node group ends in a failed state.",
    example: "cluster:\n  endpointAccess: public\n  publicAccessCidrs: [203.0.113.0/24]   # not the NAT IP\nnodeGroups:\n  - { name: default, subnets: [subnet-a] }",
    fix: "Follow the blocking hop in the message (`eksflow trace` shows the whole path). The \
          usual fixes: add the NAT gateways' public IPs to publicAccessCidrs, or turn on private \
          access with enableDnsHostnames and enableDnsSupport on the cluster VPC.",
    references: &[
        docs::CONFIG_ENDPOINT,
        docs::NETWORK_REQS,
        docs::CLUSTER_ENDPOINT,
    ],
};

pub(super) const EKS009: Rule = Rule {
    code: Code::Eks009,
    name: "control-plane-cannot-reach-kubelet",
    severity: Severity::Error,
    summary: "the control plane cannot reach a node group on TCP 10250 (exec, logs, webhooks fail)",
    why: "The API server connects from the EKS-owned ENIs to each node's kubelet on TCP 10250 \
          for `kubectl exec`, `logs`, `port-forward` and metrics, and to pods behind admission \
          webhooks. Node security groups without an inbound rule from the cluster security \
          group, or NACLs that drop the traffic, break all of these while nodes look healthy.",
    example: "nodeGroups:\n  - name: default\n    subnets: [subnet-a]\n    securityGroups: [sg-nodes]   # no ingress from sg-cluster",
    fix: "Allow inbound TCP 10250 (or all traffic) from the cluster security group on the node \
          security groups — managed node groups get the cluster security group itself when \
          `securityGroups` is omitted — and allow 10250 and the ephemeral replies in the NACLs.",
    references: &[docs::SEC_GROUP_REQS, docs::NACLS],
};

pub(super) const EKS010: Rule = Rule {
    code: Code::Eks010,
    name: "private-nodes-missing-vpc-endpoints",
    severity: Severity::Error,
    summary: "nodes without an internet route and a required VPC endpoint missing (ecr.api, ecr.dkr, s3 gateway; ec2 and sts as warnings) or an interface endpoint without private DNS",
    why: "Nodes without outbound internet access pull images and credentials through VPC \
          endpoints: ECR needs `ecr.api` and `ecr.dkr` interface endpoints plus S3 (image layers \
          live in S3), the VPC CNI and node bootstrap call EC2, and IAM roles for service \
          accounts call STS. An interface endpoint needs private DNS so the service's usual name \
          resolves to it.",
    example: "cluster:\n  endpointAccess: private\nvpcs:\n  - id: vpc-main\n    vpcEndpoints:\n      - { service: ecr.api, subnets: [subnet-a] }   # no ecr.dkr, no s3",
    fix: "Create the missing endpoints in the cluster VPC: interface endpoints for ecr.api, \
          ecr.dkr, ec2 and sts with private DNS on, and an S3 gateway endpoint associated with \
          the node subnets' route tables — or give the node subnets a NAT gateway.",
    references: &[docs::PRIVATE_CLUSTERS],
};

/// Services nodes without internet need, with the severity of a missing one.
const REQUIRED_ENDPOINTS: [(&str, Severity); 5] = [
    ("ecr.api", Severity::Error),
    ("ecr.dkr", Severity::Error),
    ("s3", Severity::Error),
    ("ec2", Severity::Warning),
    ("sts", Severity::Warning),
];

/// An address standing for "the internet" in route lookups (any public address would do).
const SOME_PUBLIC_ADDRESS: Ipv4Addr = Ipv4Addr::new(52, 94, 0, 1);

pub(super) fn check(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let scenario = analysis.scenario;
    for flow in &analysis.flows {
        let Some(group) = flow
            .client
            .node_group
            .and_then(|ix| scenario.node_group(ix))
        else {
            continue;
        };
        if flow.reachable() {
            continue;
        }
        let why = flow
            .blocked
            .as_ref()
            .map(|blocked| format!("{} — {}", blocked.reason, blocked.blocked_by))
            .unwrap_or_default();
        findings.push(Finding::new(
            scenario,
            Code::Eks008,
            flow.client.path.clone(),
            format!(
                "node group {} in {} cannot reach the API server, so its nodes never join: {why}",
                group.name,
                subnet_name(scenario, flow.client)
            ),
        ));
    }
    findings.extend(
        analysis
            .kubelet
            .iter()
            .filter_map(|kubelet| kubelet_finding(scenario, kubelet)),
    );
    if analysis.mode.private_access() {
        vpc_endpoints(scenario, findings);
    }
}

/// The EKS009 finding of one control plane → kubelet check: `None` when the check passes (or
/// its node is no node group's). Shared with `lint --format sarif`, which attaches the
/// check's verified fix to exactly this finding.
pub(super) fn kubelet_finding(
    scenario: &Scenario,
    kubelet: &crate::analysis::KubeletFlow<'_>,
) -> Option<Finding> {
    let group = kubelet
        .node
        .node_group
        .and_then(|ix| scenario.node_group(ix))?;
    if kubelet.reachable() {
        return None;
    }
    let why = kubelet
        .paths
        .first()
        .and_then(|path| path.blocked.as_ref())
        .map(|blocked| format!("{} — {}", blocked.reason, blocked.blocked_by))
        .unwrap_or_else(|| "the cluster has no ENIs".to_owned());
    // A hybrid group has no security groups of its own: the node's address is at fault.
    let path = if group.default_security_groups || group.network.is_some() {
        kubelet.node.path.clone()
    } else {
        format!("{}.securityGroups", group.path)
    };
    Some(Finding::new(
        scenario,
        Code::Eks009,
        path,
        format!(
            "the control plane cannot reach node group {} in {} on TCP 10250 (kubectl exec/logs and webhooks fail): {why}",
            group.name,
            subnet_name(scenario, kubelet.node)
        ),
    ))
}

fn subnet_name<'a>(scenario: &'a Scenario, client: &crate::scenario::Client) -> &'a str {
    match client.location {
        crate::scenario::ClientLocation::Subnet(subnet) => scenario
            .subnet(subnet)
            .map(|s| s.id.as_str())
            .unwrap_or_default(),
        // A hybrid node (SPEC 9.3): its on-premises network.
        crate::scenario::ClientLocation::Network(network) => scenario
            .network(network)
            .map(|n| n.id.as_str())
            .unwrap_or_default(),
        crate::scenario::ClientLocation::Internet => "",
    }
}

/// Whether a subnet reaches the internet: a route for public addresses to an internet
/// gateway, or to a NAT gateway with a public IP whose own subnet has one.
fn has_internet_route(scenario: &Scenario, subnet: &Subnet) -> bool {
    let (_, next) = lookup_subnet(scenario, subnet, SOME_PUBLIC_ADDRESS.into());
    match next {
        VpcNextHop::Route(route) => match route.target {
            RouteTarget::InternetGateway => true,
            RouteTarget::Nat(nat) => scenario.nat_gateway(nat).is_some_and(|nat| {
                nat.public_ip.is_some()
                    && scenario.subnet(nat.subnet).is_some_and(|nat_subnet| {
                        matches!(
                            lookup_subnet(scenario, nat_subnet, SOME_PUBLIC_ADDRESS.into()).1,
                            VpcNextHop::Route(r) if r.target == RouteTarget::InternetGateway
                        )
                    })
            }),
            _ => false,
        },
        _ => false,
    }
}

/// EKS010: node subnets without internet need the ECR, S3, EC2 and STS endpoints.
fn vpc_endpoints(scenario: &Scenario, findings: &mut Vec<Finding>) {
    let isolated: Vec<(&NodeGroup, SubnetIx, &Subnet)> = scenario
        .node_groups
        .iter()
        .flat_map(|group| group.subnets.iter().map(move |ix| (group, *ix)))
        .filter_map(|(group, ix)| scenario.subnet(ix).map(|subnet| (group, ix, subnet)))
        .filter(|(_, _, subnet)| !has_internet_route(scenario, subnet))
        .collect();
    let Some(vpc) = scenario.cluster_vpc() else {
        return;
    };
    if isolated.is_empty() {
        return;
    }
    let endpoints: Vec<&VpcEndpoint> = scenario
        .vpc_endpoints
        .iter()
        .filter(|endpoint| endpoint.vpc == scenario.cluster.vpc)
        .collect();
    let subnets = isolated
        .iter()
        .map(|(group, _, subnet)| format!("{}@{}", group.name, subnet.id))
        .collect::<Vec<_>>()
        .join(", ");
    let list_path = format!("{}.vpcEndpoints", vpc.path);
    let at = if scenario.source.spans.has(&list_path) {
        list_path
    } else {
        vpc.path.clone()
    };
    for (service, severity) in REQUIRED_ENDPOINTS {
        let found: Vec<&&VpcEndpoint> = endpoints.iter().filter(|e| e.service == service).collect();
        if found.is_empty() {
            findings.push(
                Finding::new(
                    scenario,
                    Code::Eks010,
                    at.clone(),
                    format!(
                        "node subnets without an internet route ({subnets}) and no {service} VPC endpoint in {}: {}",
                        vpc.id,
                        consequence(service)
                    ),
                )
                .with_severity(severity),
            );
            continue;
        }
        for endpoint in found {
            // As severe as a missing endpoint of the service: one without private DNS is
            // as good as none.
            if endpoint.kind == VpcEndpointKind::Interface && !endpoint.private_dns {
                findings.push(
                    Finding::new(
                        scenario,
                        Code::Eks010,
                        format!("{}.privateDns", endpoint.path),
                        format!(
                            "the {service} interface endpoint has private DNS off: nodes resolve the service's public name and cannot reach it without internet access"
                        ),
                    )
                    .with_severity(severity),
                );
            }
            if endpoint.kind == VpcEndpointKind::Gateway && !endpoint.route_tables.is_empty() {
                for (group, _, subnet) in &isolated {
                    let table = subnet.route_table;
                    if table.is_none_or(|table| !endpoint.route_tables.contains(&table)) {
                        let table_name = table
                            .and_then(|t| scenario.route_table(t))
                            .map_or("the main route table", |t| t.id.as_str());
                        findings.push(Finding::new(
                            scenario,
                            Code::Eks010,
                            format!("{}.routeTables", endpoint.path),
                            format!(
                                "the {service} gateway endpoint is not associated with {table_name}, the route table of node group {} in {}",
                                group.name, subnet.id
                            ),
                        ));
                    }
                }
            }
        }
    }
}

fn consequence(service: &str) -> &'static str {
    match service {
        "ecr.api" | "ecr.dkr" => "nodes cannot pull images from ECR",
        "s3" => "image layers in S3 cannot be downloaded (ECR stores them there)",
        "ec2" => "the VPC CNI and node bootstrap cannot call EC2",
        "sts" => "IAM roles for service accounts cannot get credentials",
        _ => "the service is unreachable",
    }
}
