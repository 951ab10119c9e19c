//! `eksflow diff` renderers: a terminal table, JSON (SPEC 5) and Markdown for a pull-request
//! comment. The kinds of change and the headline counts come from [`crate::diff`]; these
//! files only put them into words.

pub mod json;
pub mod markdown;
pub mod table;

use crate::diff::{Diff, FlowSummary, Summary};
use crate::path::EndpointKind;
use crate::report::cells::plural;

/// At most this many client names in the headline; the rest are counted.
const NAMES_IN_HEADLINE: usize = 5;

/// The one-line verdict: `2 flows broken: node-a, node-b lose the API server`, or
/// `No change to API access`.
pub fn headline(summary: &Summary<'_>) -> String {
    if summary.is_empty() {
        return "No change to API access".to_owned();
    }
    let mut parts = Vec::new();
    if summary.broken() > 0 {
        let mut clauses = Vec::new();
        if !summary.lost.is_empty() {
            clauses.push(format!(
                "{} {} the API server",
                names(&summary.lost),
                plural(summary.lost.len(), "loses", "lose")
            ));
        }
        if !summary.failing.is_empty() {
            clauses.push(format!(
                "{} {}",
                names(&summary.failing),
                plural(
                    summary.failing.len(),
                    "fails its expectation",
                    "fail their expectations"
                )
            ));
        }
        parts.push(counted(summary.broken(), "broken", &clauses));
    }
    if summary.fixed() > 0 {
        let mut clauses = Vec::new();
        if !summary.reaching.is_empty() {
            clauses.push(format!(
                "{} {} the API server",
                names(&summary.reaching),
                plural(summary.reaching.len(), "reaches", "reach")
            ));
        }
        if !summary.meeting.is_empty() {
            clauses.push(format!(
                "{} {}",
                names(&summary.meeting),
                plural(
                    summary.meeting.len(),
                    "meets its expectation",
                    "meet their expectations"
                )
            ));
        }
        parts.push(counted(summary.fixed(), "fixed", &clauses));
    }
    if !summary.changed.is_empty() {
        parts.push(counted(
            summary.changed.len(),
            "changed",
            &[names(&summary.changed)],
        ));
    }
    if !summary.added.is_empty() {
        let mut added = counted(summary.added.len(), "added", &[]);
        if !summary.added_blocked.is_empty() {
            added.push_str(&format!(
                " ({} blocked: {})",
                summary.added_blocked.len(),
                names(&summary.added_blocked)
            ));
        }
        parts.push(added);
    }
    if !summary.removed.is_empty() {
        parts.push(counted(
            summary.removed.len(),
            "removed",
            &[names(&summary.removed)],
        ));
    }
    if summary.findings_added > 0 {
        let mut added = format!(
            "{} {} added",
            summary.findings_added,
            plural(summary.findings_added, "finding", "findings")
        );
        if !summary.errors_added.is_empty() {
            let codes: Vec<&str> = summary.errors_added.iter().map(|c| c.as_str()).collect();
            added.push_str(&format!(
                ", including {} {}",
                plural(codes.len(), "error", "errors"),
                codes.join(", ")
            ));
        }
        parts.push(added);
    }
    if summary.findings_removed > 0 {
        parts.push(format!(
            "{} {} removed",
            summary.findings_removed,
            plural(summary.findings_removed, "finding", "findings")
        ));
    }
    parts.join(" · ")
}

/// `2 flows broken: CLAUSE; CLAUSE`.
fn counted(n: usize, kind: &str, clauses: &[String]) -> String {
    let head = format!("{n} {} {kind}", plural(n, "flow", "flows"));
    if clauses.is_empty() {
        head
    } else {
        format!("{head}: {}", clauses.join("; "))
    }
}

/// `a, b, c`, or `a, b, c, d, e and 3 more`.
fn names(names: &[&str]) -> String {
    let shown: Vec<&str> = names.iter().take(NAMES_IN_HEADLINE).copied().collect();
    let rest = names.len().saturating_sub(NAMES_IN_HEADLINE);
    if rest == 0 {
        shown.join(", ")
    } else {
        format!("{} and {rest} more", shown.join(", "))
    }
}

/// The before and after sides' files, as one phrase.
fn sides(diff: &Diff) -> String {
    if diff.before == diff.after {
        format!("{}: before → after", diff.before)
    } else {
        format!("{} → {}", diff.before, diff.after)
    }
}

/// A cell showing one aspect of the flow on both sides: the value when it is the same (or
/// only one side has the client), `before → after` when it changed.
fn pair(
    before: Option<&FlowSummary>,
    after: Option<&FlowSummary>,
    aspect: impl Fn(&FlowSummary) -> String,
) -> String {
    match (before.map(&aspect), after.map(&aspect)) {
        (Some(then), Some(now)) if then == now => now,
        (Some(then), Some(now)) => format!("{then} → {now}"),
        (Some(only), None) | (None, Some(only)) => only,
        (None, None) => "—".to_owned(),
    }
}

fn mode(flow: &FlowSummary) -> String {
    flow.mode.as_str().to_owned()
}

fn answered_by(flow: &FlowSummary) -> String {
    flow.answered_by.as_str().to_owned()
}

fn addresses(flow: &FlowSummary) -> String {
    if flow.addresses.is_empty() {
        "—".to_owned()
    } else {
        flow.addresses
            .iter()
            .map(|ip| ip.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn endpoint(flow: &FlowSummary) -> String {
    match flow.endpoint {
        Some(EndpointKind::Public) => "public",
        Some(EndpointKind::Private) => "private",
        None => "—",
    }
    .to_owned()
}

fn verdict(flow: &FlowSummary) -> String {
    match (flow.reachable, flow.reason) {
        (true, _) => "reachable".to_owned(),
        (false, Some(reason)) => format!("blocked: {reason}"),
        (false, None) => "blocked".to_owned(),
    }
}

fn expectation(flow: &FlowSummary) -> String {
    match flow.expectation_met {
        None => "—",
        Some(true) => "met",
        Some(false) => "FAILED",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Code;

    #[test]
    fn nothing_changed_says_so() {
        assert_eq!(headline(&Summary::default()), "No change to API access");
    }

    #[test]
    fn broken_flows_name_the_clients_that_lose_the_api() {
        let summary = Summary {
            lost: vec!["node-a", "node-b"],
            ..Summary::default()
        };
        assert_eq!(
            headline(&summary),
            "2 flows broken: node-a, node-b lose the API server"
        );
    }

    #[test]
    fn one_fixed_flow_reads_in_the_singular() {
        let summary = Summary {
            reaching: vec!["admin"],
            ..Summary::default()
        };
        assert_eq!(
            headline(&summary),
            "1 flow fixed: admin reaches the API server"
        );
    }

    #[test]
    fn every_kind_of_change_has_its_clause() {
        let summary = Summary {
            lost: vec!["node-a"],
            failing: vec!["laptop"],
            meeting: vec!["ci"],
            changed: vec!["bastion"],
            added: vec!["new-1", "new-2"],
            added_blocked: vec!["new-2"],
            removed: vec!["old"],
            errors_added: vec![Code::Eks013],
            findings_added: 2,
            findings_removed: 1,
            ..Summary::default()
        };
        assert_eq!(
            headline(&summary),
            "2 flows broken: node-a loses the API server; laptop fails its expectation · \
             1 flow fixed: ci meets its expectation · 1 flow changed: bastion · \
             2 flows added (1 blocked: new-2) · 1 flow removed: old · \
             2 findings added, including error EKS013 · 1 finding removed"
        );
    }

    #[test]
    fn a_long_list_of_clients_is_cut_short() {
        let many = ["a", "b", "c", "d", "e", "f", "g"];
        assert_eq!(names(&many), "a, b, c, d, e and 2 more");
    }
}
