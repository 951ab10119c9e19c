//! The EKS-owned ENIs: 2–4 of them, in subnets of at least two AZs, with the cluster security
//! group plus at most four more (EKS user guide, network-reqs: "Amazon EKS creates 2–4 elastic
//! network interfaces in the subnets that you specify", "The subnets must be in at least two
//! different Availability Zones"; CreateCluster: "You can specify up to five security groups").

use std::collections::BTreeSet;

use super::{Code, Finding, Rule, Severity, docs};
use crate::scenario::Scenario;

pub(super) const EKS011: Rule = Rule {
    code: Code::Eks011,
    name: "cluster-network-outside-eks-limits",
    severity: Severity::Error,
    summary: "cluster subnets in fewer than two AZs, fewer than 2 or more than 4 ENIs, or more than 5 security groups on the ENIs",
    why: "EKS places 2 to 4 elastic network interfaces in the cluster subnets, which must span at \
          least two Availability Zones, and attaches the cluster security group plus at most four \
          more. A plan outside these limits is rejected by CreateCluster, or describes ENIs EKS \
          would never create.",
    example: "cluster:\n  enis:\n    - { subnet: subnet-a, ip: 10.0.1.10 }   # one ENI, one AZ",
    fix: "Give the cluster subnets in two or more AZs, model the ENIs EKS creates there, and keep \
          the cluster security group plus at most four additional groups.",
    references: &[docs::NETWORK_REQS, docs::SEC_GROUP_REQS],
};

pub(super) fn check(scenario: &Scenario, findings: &mut Vec<Finding>) {
    let cluster = &scenario.cluster;
    let enis = cluster.enis.len();
    if !(2..=4).contains(&enis) {
        findings.push(Finding::new(
            scenario,
            Code::Eks011,
            "cluster.enis",
            format!(
                "the cluster has {enis} EKS-owned ENI{}; EKS creates 2 to 4, in the cluster subnets",
                if enis == 1 { "" } else { "s" }
            ),
        ));
    }
    let groups = cluster.security_groups.len();
    if groups > 5 {
        findings.push(Finding::new(
            scenario,
            Code::Eks011,
            "cluster.securityGroups",
            format!("{groups} security groups on the EKS ENIs; EKS accepts the cluster security group plus at most 4 more (5 in all)"),
        ));
    }
    if groups == 0 {
        findings.push(Finding::new(
            scenario,
            Code::Eks011,
            "cluster",
            "no security groups on the EKS ENIs: write the cluster security group EKS creates (it allows all traffic from itself) in cluster.securityGroups",
        ));
    }
    let subnets: Vec<_> = cluster
        .enis
        .iter()
        .filter_map(|eni| scenario.subnet(eni.subnet))
        .collect();
    let zones: BTreeSet<&str> = subnets
        .iter()
        .filter_map(|subnet| subnet.az.as_deref())
        .collect();
    let all_zones_known = subnets.iter().all(|subnet| subnet.az.is_some());
    if !subnets.is_empty() && all_zones_known && zones.len() < 2 {
        let zone = zones.iter().next().copied().unwrap_or_default();
        findings.push(Finding::new(
            scenario,
            Code::Eks011,
            "cluster.enis",
            format!("all cluster subnets are in one Availability Zone ({zone}); EKS requires subnets in at least two AZs"),
        ));
    }
}
