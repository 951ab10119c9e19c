//! Network-wide checks: overlapping connected CIDRs, and security groups open to the world.

use ipnetwork::Ipv4Network;

use super::{Code, Finding, Rule, Severity, docs};
use crate::scenario::{Attachment, ConnectionKind, Protocol, Scenario, SgPeer};

pub(super) const EKS014: Rule = Rule {
    code: Code::Eks014,
    name: "overlapping-connected-cidrs",
    severity: Severity::Error,
    summary: "a peering connection between VPCs with overlapping CIDRs (AWS rejects it); warning for overlap across other connections",
    why: "\"You cannot create a VPC peering connection between VPCs that have matching or \
          overlapping IPv4 CIDR blocks.\" Across a transit gateway or a VPN, overlapping ranges \
          are accepted but make routes ambiguous: traffic for the overlap stays local and never \
          reaches the other side.",
    example: "vpcs:\n  - { id: vpc-main, cidrs: [10.0.0.0/16] }\n  - { id: vpc-tools, cidrs: [10.0.128.0/17] }\nconnections:\n  - { id: pcx-tools, type: peering, vpcs: [vpc-main, vpc-tools] }",
    fix: "Re-address one side (or add a non-overlapping secondary CIDR and use only it across the \
          connection).",
    references: &[docs::PEERING_INVALID],
};

pub(super) const EKS016: Rule = Rule {
    code: Code::Eks016,
    name: "cluster-security-group-open-to-internet",
    severity: Severity::Warning,
    summary: "a security group on the ENIs allows 443 from 0.0.0.0/0",
    why: "The EKS-owned ENIs serve the private endpoint. A rule admitting 443 from anywhere lets \
          every network that can route to the VPC reach the API server, which private access is \
          usually meant to prevent; EKS's own cluster security group admits only itself.",
    example: "securityGroups:\n  - id: sg-cluster\n    ingress: [{ protocol: tcp, ports: 443, cidr: 0.0.0.0/0 }]",
    fix: "Admit the client ranges or security groups that need the API (VPC CIDRs, VPN ranges, \
          bastion or CI security groups) instead of 0.0.0.0/0.",
    references: &[docs::SEC_GROUP_REQS, docs::SECURITY_GROUPS],
};

pub(super) fn check(scenario: &Scenario, findings: &mut Vec<Finding>) {
    overlapping_connections(scenario, findings);
    open_cluster_groups(scenario, findings);
}

fn cidrs_of(scenario: &Scenario, place: Attachment) -> (&str, &[Ipv4Network]) {
    match place {
        Attachment::Vpc(vpc) => scenario
            .vpc(vpc)
            .map_or(("", &[][..]), |vpc| (vpc.id.as_str(), vpc.cidrs.as_slice())),
        Attachment::Network(network) => scenario
            .network(network)
            .map_or(("", &[][..]), |n| (n.id.as_str(), n.cidrs.as_slice())),
    }
}

fn overlap(a: &[Ipv4Network], b: &[Ipv4Network]) -> Option<(Ipv4Network, Ipv4Network)> {
    a.iter().find_map(|x| {
        b.iter()
            .find(|y| x.contains(y.network()) || y.contains(x.network()))
            .map(|y| (*x, *y))
    })
}

fn overlapping_connections(scenario: &Scenario, findings: &mut Vec<Finding>) {
    for connection in &scenario.connections {
        let (places, severity): (Vec<Attachment>, Severity) = match &connection.kind {
            ConnectionKind::Peering { vpcs } => (
                vpcs.iter().map(|v| Attachment::Vpc(*v)).collect(),
                Severity::Error,
            ),
            ConnectionKind::TransitGateway { attachments, .. } => (
                attachments.iter().map(|a| a.place).collect(),
                Severity::Warning,
            ),
            ConnectionKind::Vpn { vpc, network }
            | ConnectionKind::DirectConnect { vpc, network } => (
                vec![Attachment::Vpc(*vpc), Attachment::Network(*network)],
                Severity::Warning,
            ),
        };
        for (i, a) in places.iter().enumerate() {
            for b in places.iter().skip(i + 1) {
                let (a_id, a_cidrs) = cidrs_of(scenario, *a);
                let (b_id, b_cidrs) = cidrs_of(scenario, *b);
                let Some((x, y)) = overlap(a_cidrs, b_cidrs) else {
                    continue;
                };
                let message = if severity == Severity::Error {
                    format!(
                        "peering connection {} joins {a_id} ({x}) and {b_id} ({y}), whose CIDRs overlap: AWS rejects the peering",
                        connection.id
                    )
                } else {
                    format!(
                        "{} {} connects {a_id} ({x}) and {b_id} ({y}), whose CIDRs overlap: traffic for the overlap stays local",
                        connection.kind.label(),
                        connection.id
                    )
                };
                findings.push(
                    Finding::new(scenario, Code::Eks014, connection.path.clone(), message)
                        .with_severity(severity),
                );
            }
        }
    }
}

fn open_cluster_groups(scenario: &Scenario, findings: &mut Vec<Finding>) {
    for group in scenario
        .cluster
        .security_groups
        .iter()
        .filter_map(|sg| scenario.security_group(*sg))
    {
        for rule in &group.ingress {
            let SgPeer::Cidr(cidr) = rule.peer else {
                continue;
            };
            let admits_443 = rule.protocol == Protocol::All
                || (rule.protocol == Protocol::Tcp && rule.ports.contains(443));
            if cidr.prefix() == 0 && admits_443 {
                findings.push(Finding::new(
                    scenario,
                    Code::Eks016,
                    rule.path.clone(),
                    format!(
                        "security group {} on the EKS ENIs admits {} from {cidr}: anything that can route to the cluster VPC reaches the API server",
                        group.id,
                        if rule.protocol == Protocol::All { "all traffic".to_owned() } else { format!("tcp/{}", rule.ports) }
                    ),
                ));
            }
        }
    }
}
