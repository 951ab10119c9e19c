//! Findings: checks of the scenario as a whole, each with a stable code (SPEC section 5).
//!
//! `check` and `lint` share this one rule engine. Each rule family lives in its own file
//! with the reference text of its rules ([`Rule`]); [`Code`] is the registry. `eksflow rules`
//! and `docs/rules.md` are generated from the same texts.

mod allowlist;
mod cidrs;
mod cluster;
mod dns;
mod expect;
mod hybrid;
mod ignores;
mod invalid;
mod ipv6;
mod network;
mod nodes;
mod transport;

use std::fmt;

use crate::analysis::Analysis;
use crate::diagnostic::LoadCode;
use crate::scenario::{Position, Scenario};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's reference text, in the sections `eksflow rules CODE` prints.
#[derive(Debug)]
pub struct Rule {
    pub code: Code,
    /// A short kebab-case name (`nat-ip-not-in-allowlist`), for SARIF and humans.
    pub name: &'static str,
    /// The usual severity; a rule may raise or lower it for one finding.
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    pub why: &'static str,
    /// A scenario fragment that triggers the rule.
    pub example: &'static str,
    pub fix: &'static str,
    /// The AWS documentation the rule rests on.
    pub references: &'static [&'static str],
}

macro_rules! codes {
    ($($variant:ident => $text:literal, $family:ident::$rule:ident;)*) => {
        /// A rule's stable code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }

            /// The rule's reference text.
            pub fn rule(self) -> &'static Rule {
                match self {
                    $(Code::$variant => &$family::$rule,)*
                }
            }
        }
    };
}

codes! {
    Eks000 => "EKS000", invalid::EKS000;
    Eks001 => "EKS001", allowlist::EKS001;
    Eks002 => "EKS002", allowlist::EKS002;
    Eks003 => "EKS003", allowlist::EKS003;
    Eks004 => "EKS004", allowlist::EKS004;
    Eks005 => "EKS005", allowlist::EKS005;
    Eks006 => "EKS006", dns::EKS006;
    Eks007 => "EKS007", dns::EKS007;
    Eks008 => "EKS008", nodes::EKS008;
    Eks009 => "EKS009", nodes::EKS009;
    Eks010 => "EKS010", nodes::EKS010;
    Eks011 => "EKS011", cluster::EKS011;
    Eks012 => "EKS012", dns::EKS012;
    Eks013 => "EKS013", expect::EKS013;
    Eks014 => "EKS014", network::EKS014;
    Eks015 => "EKS015", allowlist::EKS015;
    Eks016 => "EKS016", network::EKS016;
    Eks017 => "EKS017", ignores::EKS017;
    Eks018 => "EKS018", dns::EKS018;
    Eks019 => "EKS019", ignores::EKS019;
    Eks020 => "EKS020", cidrs::EKS020;
    Eks021 => "EKS021", ipv6::EKS021;
    Eks022 => "EKS022", ipv6::EKS022;
    Eks023 => "EKS023", ipv6::EKS023;
    Eks024 => "EKS024", ipv6::EKS024;
    Eks025 => "EKS025", ipv6::EKS025;
    Eks026 => "EKS026", ipv6::EKS026;
    Eks027 => "EKS027", transport::EKS027;
    Eks028 => "EKS028", transport::EKS028;
    Eks029 => "EKS029", transport::EKS029;
    Eks030 => "EKS030", transport::EKS030;
    Eks031 => "EKS031", hybrid::EKS031;
    Eks032 => "EKS032", hybrid::EKS032;
    Eks033 => "EKS033", hybrid::EKS033;
    Eks034 => "EKS034", hybrid::EKS034;
    Eks035 => "EKS035", hybrid::EKS035;
    Eks036 => "EKS036", hybrid::EKS036;
    Eks037 => "EKS037", hybrid::EKS037;
}

impl Code {
    pub fn severity(self) -> Severity {
        self.rule().severity
    }

    /// One line: what the rule finds.
    pub fn summary(self) -> &'static str {
        self.rule().summary
    }

    /// `EKS003` (any case) → the code.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, pointing at the YAML node at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The field path (`cluster.publicAccessCidrs[3]`).
    pub path: String,
    pub position: Option<Position>,
}

impl Finding {
    fn new(
        scenario: &Scenario,
        code: Code,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let path = path.into();
        Finding {
            code,
            severity: code.severity(),
            message: message.into(),
            position: scenario.source.position(&path),
            path,
        }
    }

    /// The same finding with another severity.
    fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// Runs every rule on an analysed scenario, drops what the scenario's `ignore:` silences, and
/// returns the findings in a stable order (by position, then code).
pub fn check(analysis: &Analysis<'_>) -> Vec<Finding> {
    let scenario = analysis.scenario;
    let mut findings = Vec::new();
    allowlist::check(scenario, analysis.mode, &mut findings);
    cluster::check(scenario, &mut findings);
    dns::check(analysis, &mut findings);
    nodes::check(analysis, &mut findings);
    network::check(scenario, &mut findings);
    cidrs::check(scenario, &mut findings);
    ipv6::check(analysis, &mut findings);
    transport::check(analysis, &mut findings);
    hybrid::check(analysis, &mut findings);
    expect::check(scenario, &analysis.flows, &mut findings);
    ignores::imported(scenario, &mut findings);
    ignores::apply(scenario, &mut findings);
    findings.sort_by(|a, b| (a.position, a.code, &a.path).cmp(&(b.position, b.code, &b.path)));
    findings
}

/// The EKS009 finding a blocked control plane → kubelet check (TCP 10250) raises, worded and
/// placed as [`check`] reports it; `None` when the check passes. `lint --format sarif` uses it
/// to attach the check's verified fix to that finding.
pub fn kubelet_finding(
    scenario: &Scenario,
    kubelet: &crate::analysis::KubeletFlow<'_>,
) -> Option<Finding> {
    nodes::kubelet_finding(scenario, kubelet)
}

/// The reference text of a rule, as `eksflow rules CODE` prints it.
pub fn explain(code: Code) -> String {
    let rule = code.rule();
    let mut out = format!(
        "{} ({}) — {}\nseverity: {}\n\nWhy it matters\n{}\n\nExample\n{}\n\nHow to fix it\n{}\n\nReferences\n",
        code,
        rule.name,
        rule.summary,
        rule.severity,
        rule.why.trim(),
        indent(rule.example.trim()),
        rule.fix.trim()
    );
    for reference in rule.references {
        out.push_str(&format!("- {reference}\n"));
    }
    if code == Code::Eks000 {
        out.push_str("\nLoad codes (the message ends with one, `(load: CODE)`; JSON: `load`)\n");
        let width = LoadCode::ALL
            .iter()
            .map(|load| load.as_str().len())
            .max()
            .unwrap_or(0);
        for load in LoadCode::ALL {
            out.push_str(&format!("- {:width$}  {}\n", load.as_str(), load.summary()));
        }
    }
    out
}

/// The rules catalogue as Markdown: `docs/rules.md`.
pub fn catalogue_markdown() -> String {
    let mut out = String::from(
        "# eksflow rules\n\n<!-- Generated by `eksflow rules --format markdown`; a test fails when it drifts. -->\n\n\
         | code | name | severity | finds |\n|---|---|---|---|\n",
    );
    for code in Code::ALL {
        let rule = code.rule();
        out.push_str(&format!(
            "| [{code}](#{}) | `{}` | {} | {} |\n",
            code.as_str().to_ascii_lowercase(),
            rule.name,
            rule.severity,
            rule.summary
        ));
    }
    for code in Code::ALL {
        let rule = code.rule();
        out.push_str(&format!(
            "\n## {code}\n\n`{}` · {} · {}\n\n**Why it matters.** {}\n\n**Example.**\n\n```yaml\n{}\n```\n\n**How to fix it.** {}\n\n**References.**\n\n",
            rule.name,
            rule.severity,
            rule.summary,
            rule.why.trim(),
            rule.example.trim(),
            rule.fix.trim()
        ));
        for reference in rule.references {
            out.push_str(&format!("- {reference}\n"));
        }
        if *code == Code::Eks000 {
            out.push_str(
                "\n**Load codes.** The message ends with one, `(load: CODE)`; JSON output carries it as `load`.\n\n| load code | problem |\n|---|---|\n",
            );
            for load in LoadCode::ALL {
                out.push_str(&format!("| `{}` | {} |\n", load.as_str(), load.summary()));
            }
        }
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// AWS documentation the rules cite.
pub(crate) mod docs {
    pub const CLUSTER_ENDPOINT: &str = "EKS user guide, Cluster API server endpoint: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html";
    pub const CONFIG_ENDPOINT: &str = "EKS user guide, Configure endpoint access: https://docs.aws.amazon.com/eks/latest/userguide/config-cluster-endpoint.html";
    pub const NETWORK_REQS: &str = "EKS user guide, VPC and subnet requirements: https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html";
    pub const SEC_GROUP_REQS: &str = "EKS user guide, Security group requirements: https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html";
    pub const PRIVATE_CLUSTERS: &str = "EKS user guide, Private cluster requirements: https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html";
    pub const QUOTAS: &str = "EKS user guide, Service quotas: https://docs.aws.amazon.com/eks/latest/userguide/service-quotas.html";
    pub const ROADMAP_221: &str = "aws/containers-roadmap#221, DNS resolution for EKS private endpoints: https://github.com/aws/containers-roadmap/issues/221";
    pub const RESOLVER_INBOUND_VALUES: &str = "Route 53 developer guide, Values that you specify when you create or edit inbound endpoints (\"Inbound rules must allow TCP and UDP access on port 53\"): https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-inbound-queries-values.html";
    pub const RESOLVER_CHOOSE_VPC: &str = "Route 53 developer guide, Considerations when creating inbound and outbound endpoints (\"two or more IP addresses in different Availability Zones\"; \"Each rule specifies the outbound endpoint that DNS queries are forwarded from\"): https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-choose-vpc.html";
    pub const RESOLVER_BEST_PRACTICES: &str = "Route 53 developer guide, Best practices for VPC Resolver: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/best-practices-resolver.html";
    pub const CREATE_RESOLVER_RULE: &str = "Route 53 API reference, CreateResolverRule (ResolverEndpointId): https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_CreateResolverRule.html";
    pub const RFC_7766: &str = "RFC 7766, DNS Transport over TCP - Implementation Requirements: https://www.rfc-editor.org/rfc/rfc7766";
    pub const RESOLVER: &str = "Route 53 developer guide, Resolver: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver.html";
    pub const PHZ_CONSIDERATIONS: &str = "Route 53 developer guide, Private hosted zone considerations: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html";
    pub const DHCP_OPTIONS: &str = "VPC user guide, DHCP option sets: https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html";
    pub const PEERING_INVALID: &str = "VPC peering guide, Unsupported VPC peering configurations: https://docs.aws.amazon.com/vpc/latest/peering/invalid-peering-configurations.html";
    pub const SECURITY_GROUPS: &str = "VPC user guide, Security group rules: https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html";
    pub const NACLS: &str = "VPC user guide, Network ACLs: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html";
    pub const EC2_CREATE_VPC: &str = "EC2 API reference, CreateVpc (CidrBlock: \"We modify the specified CIDR block to its canonical form\"): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html";
    pub const EC2_CREATE_SUBNET: &str = "EC2 API reference, CreateSubnet (CidrBlock, canonical form): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html";
    pub const EC2_CREATE_ROUTE: &str = "EC2 API reference, CreateRoute (DestinationCidrBlock, canonical form): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html";
    pub const EC2_CREATE_NACL_ENTRY: &str = "EC2 API reference, CreateNetworkAclEntry (CidrBlock, canonical form): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html";
    pub const CNI_IPV6: &str = "EKS user guide, Learn about IPv6 addresses to clusters, pods, and services: https://docs.aws.amazon.com/eks/latest/userguide/cni-ipv6.html";
    pub const EKS_NETWORK_CONFIG: &str = "EKS API reference, KubernetesNetworkConfigRequest (ipFamily): https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html";
    pub const EGRESS_ONLY_IGW: &str = "VPC user guide, Enable outbound IPv6 traffic using an egress-only internet gateway: https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html";
    pub const GO_HAPPY_EYEBALLS: &str = "Go 1.5 release notes, net (Dialer DualStack: Happy Eyeballs, \"giving the first address family a 300ms head start\"): https://go.dev/doc/go1.5#net";
    pub const REMOTE_NETWORK_CONFIG: &str = "EKS API reference, RemoteNetworkConfigRequest (remoteNodeNetworks, remotePodNetworks): https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteNetworkConfigRequest.html";
    pub const HYBRID_NETWORKING: &str = "EKS user guide, Prepare networking for hybrid nodes: https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html";
    pub const HYBRID_CONCEPTS_NETWORKING: &str = "EKS user guide, Networking concepts for hybrid nodes: https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-concepts-networking.html";
    pub const HYBRID_TRAFFIC_FLOWS: &str = "EKS user guide, Network traffic flows for hybrid nodes: https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-concepts-traffic-flows.html";
    pub const HYBRID_CLUSTER_CREATE: &str = "EKS user guide, Create an Amazon EKS cluster with hybrid nodes: https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-cluster-create.html";
    pub const EC2_IP_RANGE: &str = "EC2 API reference, IpRange (CidrIp: \"AWS canonicalizes IPv4 and IPv6 CIDRs\", used by AuthorizeSecurityGroupIngress and Egress): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_rules_know_their_code() {
        let codes: HashSet<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let names: HashSet<_> = Code::ALL.iter().map(|c| c.rule().name).collect();
        assert_eq!(codes.len(), Code::ALL.len());
        assert_eq!(names.len(), Code::ALL.len());
        for code in Code::ALL {
            assert_eq!(
                code.rule().code,
                *code,
                "{code} points at another rule's text"
            );
            assert!(!code.rule().references.is_empty(), "{code} cites nothing");
            assert_eq!(Code::parse(&code.as_str().to_lowercase()), Some(*code));
        }
    }
}
