//! Findings: checks of the scenario as a whole, each with a stable code (SPEC section 5).
//!
//! `check` and `lint` share this one rule engine. Each rule family lives in its own file;
//! [`Code`] is the registry of codes, severities and reference texts.

mod allowlist;
mod cluster;
mod expect;

use std::fmt;

use crate::analysis::Flow;
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

/// A rule's stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// More than 40 `publicAccessCidrs`.
    Eks001,
    /// An allowlist entry EKS rejects: host bits set, reserved range, IPv6 on an IPv4 cluster.
    Eks002,
    /// ENIs, their subnets' AZs or their security groups outside what EKS accepts.
    Eks011,
    /// A client's `expect` is not met.
    Eks013,
}

impl Code {
    pub const ALL: [Code; 4] = [Code::Eks001, Code::Eks002, Code::Eks011, Code::Eks013];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Eks001 => "EKS001",
            Code::Eks002 => "EKS002",
            Code::Eks011 => "EKS011",
            Code::Eks013 => "EKS013",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Code::Eks001 | Code::Eks002 | Code::Eks011 | Code::Eks013 => Severity::Error,
        }
    }

    /// One line: what the rule finds.
    pub fn summary(self) -> &'static str {
        match self {
            Code::Eks001 => "more than 40 publicAccessCidrs (EKS quota, not adjustable)",
            Code::Eks002 => {
                "an allowlist entry EKS rejects: host bits set, reserved range, IPv6 block on an IPv4 cluster"
            }
            Code::Eks011 => {
                "cluster subnets in fewer than two AZs, fewer than 2 or more than 4 ENIs, or more than 5 security groups on the ENIs"
            }
            Code::Eks013 => "a client's expect is not met",
        }
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
}

/// Runs every rule on an analysed scenario, in a stable order (by position, then code).
pub fn check(scenario: &Scenario, flows: &[Flow]) -> Vec<Finding> {
    let mut findings = Vec::new();
    allowlist::check(scenario, &mut findings);
    cluster::check(scenario, &mut findings);
    expect::check(scenario, flows, &mut findings);
    findings.sort_by(|a, b| (a.position, a.code, &a.path).cmp(&(b.position, b.code, &b.path)));
    findings
}
