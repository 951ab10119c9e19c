//! `diff` on a terminal: per scenario, a table of the flows that changed and the findings
//! added and removed; the headline last, as `check` ends with its summary.

use std::fmt::Write;

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::{addresses, answered_by, endpoint, expectation, headline, mode, pair, sides, verdict};
use crate::diff::{ChangeKind, Diff, FlowChange};
use crate::escape;
use crate::report::Style;
use crate::rules::{Finding, Severity};

const HEADER: [&str; 8] = [
    "client",
    "change",
    "mode",
    "answered by",
    "addresses",
    "endpoint",
    "verdict",
    "expect",
];

/// The whole diff as terminal text.
pub fn render(diff: &Diff, style: Style) -> String {
    let mut out = String::new();
    // Every value from the input is escaped where it is placed: the table's own colours
    // are escape sequences, so there is no escaping the finished text.
    let _ = writeln!(out, "{}", escape::text(&sides(diff)));
    for scenario in diff.scenarios.iter().filter(|s| !s.is_empty()) {
        let _ = writeln!(
            out,
            "\n{}  (cluster {})",
            escape::text(&scenario.scenario),
            escape::text(&scenario.cluster)
        );
        if !scenario.changes.is_empty() {
            let mut table = new_table(style);
            for change in &scenario.changes {
                table.add_row(row(change, style));
            }
            let _ = writeln!(out, "{table}");
        }
        write_findings(
            &mut out,
            "findings added",
            &scenario.findings.added,
            &diff.after,
        );
        write_findings(
            &mut out,
            "findings removed",
            &scenario.findings.removed,
            &diff.before,
        );
    }
    let _ = writeln!(out, "\n{}", escape::text(&headline(&diff.summary())));
    out
}

fn new_table(style: Style) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    table.set_header(HEADER.to_vec());
    match style.width {
        Some(width) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    // As `report::table`: styling follows `Style`, not comfy-table's own terminal detection.
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

fn row(change: &FlowChange, style: Style) -> Vec<Cell> {
    let (before, after) = (change.before.as_ref(), change.after.as_ref());
    let kind = Cell::new(change.kind.as_str());
    let kind = match (style.color, change.kind) {
        (true, ChangeKind::Broken(_)) => kind.fg(Color::Red),
        (true, ChangeKind::Fixed(_)) => kind.fg(Color::Green),
        (true, ChangeKind::Changed) => kind.fg(Color::Yellow),
        _ => kind,
    };
    let text = |text: String| Cell::new(escape::text(&text));
    vec![
        text(change.client.clone()),
        kind,
        text(pair(before, after, mode)),
        text(pair(before, after, answered_by)),
        text(pair(before, after, addresses)),
        text(pair(before, after, endpoint)),
        text(pair(before, after, verdict)),
        text(pair(before, after, expectation)),
    ]
}

/// `  error   EKS001 FILE:LINE:COL path: message`, as `check` lists findings.
fn write_findings(out: &mut String, title: &str, findings: &[Finding], file: &str) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}:");
    for finding in findings {
        let location = match finding.position {
            Some(position) => format!("{file}:{}:{}", position.line, position.column),
            None => file.to_owned(),
        };
        let severity = match finding.severity {
            Severity::Error => "error  ",
            Severity::Warning => "warning",
            Severity::Info => "info   ",
        };
        let line = format!(
            "  {severity} {} {location} {}: {}",
            finding.code, finding.path, finding.message
        );
        let _ = writeln!(out, "{}", escape::text(&line));
    }
}
