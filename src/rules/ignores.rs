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

pub(super) const EKS019: Rule = Rule {
    code: Code::Eks019,
    name: "import-incomplete",
    severity: Severity::Warning,
    summary: "the scenario was imported from a source that did not show everything; the import assumed values (listed in `imported.missing`)",
    why: "A Terraform plan does not know IDs and addresses created at apply time, an eksctl \
          config leaves the VPC to eksctl, and AWS CLI output may lack a call. The import fills \
          the gaps with AWS defaults and placeholders so the scenario can be analysed, but \
          verdicts that depend on an assumed value (a NAT gateway's placeholder IP against the \
          allowlist) are only as good as the assumption.",
    example: "imported:\n  from: terraform plan (plan.json)\n  missing:\n    - \"module.vpc.aws_nat_gateway.this[0]: public IP unknown (allocated at apply); placeholder 192.0.2.101 is assumed\"",
    fix: "Replace the assumed values with real ones (or import again from state or AWS CLI \
          output after apply), then remove the entries from `imported.missing`.",
    references: &[docs::CLUSTER_ENDPOINT],
};

/// EKS019: an imported scenario that lists what its source lacked.
pub(super) fn imported(scenario: &Scenario, findings: &mut Vec<Finding>) {
    let Some(imported) = &scenario.imported else {
        return;
    };
    let Some(first) = imported.missing.first() else {
        return;
    };
    let more = imported.missing.len() - 1;
    let rest = if more > 0 {
        format!(" (and {more} more in imported.missing)")
    } else {
        String::new()
    };
    findings.push(Finding::new(
        scenario,
        Code::Eks019,
        "imported.missing",
        format!(
            "imported from {} with assumptions: {first}{rest}",
            imported.from
        ),
    ));
}

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
