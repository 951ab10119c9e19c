//! The scenario's own `ignore:` list, and its hygiene.

use super::{Code, Finding, Rule, Severity, docs};
use crate::scenario::Scenario;

pub(super) const EKS017: Rule = Rule {
    code: Code::Eks017,
    name: "unused-ignore",
    severity: Severity::Warning,
    summary: "an `ignore:` entry names an unknown rule or silences nothing",
    why: "An ignore that matches nothing is stale — the problem was fixed, or the code is \
          mistyped — and hides the next real finding of that rule without anyone noticing.",
    example: "ignore:\n  - { code: EKS003, reason: \"public API by design\" }   # but public access is off",
    fix: "Remove the entry, or correct its code.",
    references: &[docs::CLUSTER_ENDPOINT],
};

/// Drops findings the scenario ignores, and reports ignores that matched nothing.
pub(super) fn apply(scenario: &Scenario, findings: &mut Vec<Finding>) {
    let mut unused = Vec::new();
    for ignore in &scenario.ignores {
        let Some(code) = Code::parse(&ignore.code) else {
            unused.push(Finding::new(
                scenario,
                Code::Eks017,
                format!("{}.code", ignore.path),
                format!(
                    "`{}` is not an eksflow rule (see `eksflow rules`)",
                    ignore.code
                ),
            ));
            continue;
        };
        let before = findings.len();
        findings.retain(|finding| finding.code != code);
        if findings.len() == before {
            unused.push(Finding::new(
                scenario,
                Code::Eks017,
                ignore.path.clone(),
                format!(
                    "the ignore for {code} silences nothing: no {code} finding in this scenario"
                ),
            ));
        }
    }
    findings.extend(unused);
}
