//! Clients' `expect:` assertions, checked after the analysis.

use super::{Code, Finding, Rule, Severity, docs};
use crate::analysis::Flow;
use crate::scenario::Scenario;

pub(super) const EKS013: Rule = Rule {
    code: Code::Eks013,
    name: "expectation-not-met",
    severity: Severity::Error,
    summary: "a client's expect is not met",
    why: "`expect:` states what must hold for a client (which endpoint it resolves, whether it \
          reaches the API server). When the analysis disagrees, the planned network does not do \
          what its authors require: CI should fail before the change is applied.",
    example: "clients:\n  - name: node-a\n    from: subnet-a\n    ip: 10.0.1.50\n    expect: { answer: private, reachable: true }",
    fix: "Read the flow's `blockedBy` (or `eksflow trace FILE --client NAME`) and fix the element \
          it names, or correct the expectation if the requirement changed.",
    references: &[docs::CLUSTER_ENDPOINT],
};

pub(super) fn check(scenario: &Scenario, flows: &[Flow<'_>], findings: &mut Vec<Finding>) {
    for (client, flow) in scenario.clients.iter().zip(flows) {
        let Some(result) = flow.expectation else {
            continue;
        };
        if result.met {
            continue;
        }
        let mut wanted = Vec::new();
        let mut got = Vec::new();
        if let Some(answer) = result.answer {
            wanted.push(format!("answer {}", answer.as_str()));
            got.push(format!(
                "answer {}",
                flow.endpoint.map_or("none", |endpoint| endpoint.as_str())
            ));
        }
        if let Some(reachable) = result.reachable {
            wanted.push(reachable_word(reachable).to_owned());
            let mut actual = reachable_word(flow.reachable()).to_owned();
            if let Some(blocked) = &flow.blocked {
                actual.push_str(&format!(" ({})", blocked.reason));
            }
            got.push(actual);
        }
        if let Some(family) = result.family {
            wanted.push(format!("family {family}"));
            got.push(format!(
                "family {}",
                flow.family().map_or("none", |family| family.as_str())
            ));
        }
        findings.push(Finding::new(
            scenario,
            Code::Eks013,
            format!("{}.expect", client.path),
            format!(
                "client {} expects {}, got {}",
                client.name,
                wanted.join(", "),
                got.join(", ")
            ),
        ));
    }
}

fn reachable_word(reachable: bool) -> &'static str {
    if reachable {
        "reachable"
    } else {
        "unreachable"
    }
}
