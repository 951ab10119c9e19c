//! `diff --format json` (SPEC 5):
//! `{ "before": FILE, "after": FILE, "scenarios": [ { "scenario", "cluster", "changes": [ {
//! "client", "mode", "change", "before": FLOW|null, "after": FLOW|null } ], "findings": {
//! "added": [FINDING], "removed": [FINDING] } } ] }`.
//!
//! Additions (allowed by SPEC 5): `breaks` at the top (the exit-code verdict), `cause` on a
//! broken or fixed change (`reachability` or `expectation`), and `mode` and `expectationMet`
//! in each FLOW.

use serde::Serialize;

use crate::diff::{Diff, FlowChange, FlowSummary, ScenarioDiff};
use crate::report::json::{FindingJson, finding};

#[derive(Debug, Serialize)]
pub struct DiffJson<'a> {
    before: &'a str,
    after: &'a str,
    breaks: bool,
    scenarios: Vec<ScenarioJson<'a>>,
}

#[derive(Debug, Serialize)]
struct ScenarioJson<'a> {
    scenario: &'a str,
    cluster: &'a str,
    changes: Vec<ChangeJson<'a>>,
    findings: FindingsJson<'a>,
}

#[derive(Debug, Serialize)]
struct ChangeJson<'a> {
    client: &'a str,
    mode: &'static str,
    change: &'static str,
    cause: Option<&'static str>,
    before: Option<FlowJson>,
    after: Option<FlowJson>,
}

#[derive(Debug, Serialize)]
struct FlowJson {
    #[serde(rename = "answeredBy")]
    answered_by: &'static str,
    addresses: Vec<String>,
    endpoint: Option<&'static str>,
    reachable: bool,
    reason: Option<&'static str>,
    mode: &'static str,
    #[serde(rename = "expectationMet")]
    expectation_met: Option<bool>,
}

#[derive(Debug, Serialize)]
struct FindingsJson<'a> {
    added: Vec<FindingJson<'a>>,
    removed: Vec<FindingJson<'a>>,
}

/// The JSON view of a diff.
pub fn view(diff: &Diff) -> DiffJson<'_> {
    DiffJson {
        before: &diff.before,
        after: &diff.after,
        breaks: diff.breaks(),
        scenarios: diff.scenarios.iter().map(scenario).collect(),
    }
}

/// Pretty JSON text of a diff.
pub fn render(diff: &Diff) -> String {
    crate::report::json::to_string(&view(diff))
}

fn scenario(scenario: &ScenarioDiff) -> ScenarioJson<'_> {
    ScenarioJson {
        scenario: &scenario.scenario,
        cluster: &scenario.cluster,
        changes: scenario.changes.iter().map(change).collect(),
        findings: FindingsJson {
            added: scenario.findings.added.iter().map(finding).collect(),
            removed: scenario.findings.removed.iter().map(finding).collect(),
        },
    }
}

fn change(change: &FlowChange) -> ChangeJson<'_> {
    ChangeJson {
        client: &change.client,
        mode: change.mode.as_str(),
        change: change.kind.as_str(),
        cause: change.kind.cause().map(|cause| cause.as_str()),
        before: change.before.as_ref().map(flow),
        after: change.after.as_ref().map(flow),
    }
}

fn flow(flow: &FlowSummary) -> FlowJson {
    FlowJson {
        answered_by: flow.answered_by.as_str(),
        addresses: flow.addresses.iter().map(|ip| ip.to_string()).collect(),
        endpoint: flow.endpoint.map(|endpoint| endpoint.as_str()),
        reachable: flow.reachable,
        reason: flow.reason.map(|reason| reason.code()),
        mode: flow.mode.as_str(),
        expectation_met: flow.expectation_met,
    }
}
