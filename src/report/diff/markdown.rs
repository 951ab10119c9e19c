//! `diff --format markdown`: a pull-request comment. The first line is the one-line verdict,
//! then per scenario that changed, a table of the changed flows and the findings added and
//! removed.

use std::fmt::Write;

use super::{addresses, answered_by, endpoint, expectation, headline, mode, pair, verdict};
use crate::analysis::Analysis;
use crate::checked::Checked;
use crate::diff::{ChangeKind, Diff, FlowChange};
use crate::escape;
use crate::rules::{Finding, Severity};

/// The whole diff as a Markdown comment.
pub fn render(diff: &Diff) -> String {
    render_with_paths(diff, &[])
}

/// [`render`], with a Mermaid picture of the path of each changed flow that is blocked
/// after the change, drawn from `after` — the after side's checked scenarios, in document
/// order, as the diff was made from.
pub fn render_with_paths(diff: &Diff, after: &[Checked<'_>]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", escape::text(&headline(&diff.summary())));
    if diff.before == diff.after {
        let _ = writeln!(out, "`{}`: before → after", escape::text(&diff.before));
    } else {
        let _ = writeln!(
            out,
            "`{}` → `{}`",
            escape::text(&diff.before),
            escape::text(&diff.after)
        );
    }
    for (i, scenario) in diff.scenarios.iter().enumerate() {
        if scenario.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n### {} (cluster `{}`)",
            cell(&scenario.scenario),
            escape::text(&scenario.cluster)
        );
        if !scenario.changes.is_empty() {
            let _ = writeln!(
                out,
                "\n| client | change | mode | answered by | addresses | endpoint | verdict | expect |"
            );
            let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
            for change in &scenario.changes {
                row(&mut out, change);
            }
        }
        if let Some(checked) = after.get(i) {
            write_blocked_paths(&mut out, &checked.analysis, &scenario.changes);
        }
        write_findings(&mut out, "Findings added", &scenario.findings.added);
        write_findings(&mut out, "Findings removed", &scenario.findings.removed);
    }
    // The backstop: values are escaped where they are placed.
    escape::lines(&out).into_owned()
}

/// The path of each change whose after-side flow is blocked. The changes with an after side
/// follow the after side's flows in document order (then come the removed ones), so each is
/// paired with the next flow of its name.
fn write_blocked_paths(out: &mut String, analysis: &Analysis<'_>, changes: &[FlowChange]) {
    let mut flows = analysis.flows.iter();
    for change in changes {
        let Some(summary) = &change.after else {
            continue;
        };
        let Some(flow) = flows.find(|flow| flow.client.name == change.client) else {
            return;
        };
        if !summary.reachable {
            crate::report::markdown::write_path(out, analysis, flow, "");
        }
    }
}

fn row(out: &mut String, change: &FlowChange) {
    let (before, after) = (change.before.as_ref(), change.after.as_ref());
    let kind = match change.kind {
        ChangeKind::Broken(_) => "❌ broken",
        ChangeKind::Fixed(_) => "✅ fixed",
        ChangeKind::Changed => "🔄 changed",
        ChangeKind::Added => "➕ added",
        ChangeKind::Removed => "➖ removed",
    };
    let cells = [
        format!("`{}`", change.client),
        kind.to_owned(),
        pair(before, after, mode),
        pair(before, after, answered_by),
        pair(before, after, addresses),
        pair(before, after, endpoint),
        pair(before, after, verdict),
        pair(before, after, expectation),
    ];
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

/// `- **error** `EKS001` `cluster.publicAccessCidrs` (line 12): message`.
fn write_findings(out: &mut String, title: &str, findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n**{title}**\n");
    for finding in findings {
        let severity = match finding.severity {
            Severity::Error => "**error**",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let line = finding
            .position
            .map(|p| format!(" (line {})", p.line))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- {severity} `{}` `{}`{line}: {}",
            finding.code,
            escape::text(&finding.path),
            escape::text(&finding.message.replace('\n', " "))
        );
    }
}

/// Escapes a table cell: pipes would end the cell, newlines the row; control characters
/// from the input are shown ([`escape::text`]).
fn cell(text: &str) -> String {
    escape::text(&text.replace('|', "\\|").replace('\n', " ")).into_owned()
}
