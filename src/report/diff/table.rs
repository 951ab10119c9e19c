//! `diff` on a terminal: per scenario, a table of the flows that changed and the findings
//! added and removed; the headline last, as `check` ends with its summary.

use std::fmt::Write;

use super::{addresses, answered_by, endpoint, expectation, headline, mode, pair, sides, verdict};
use crate::diff::{ChangeKind, Diff, FlowChange};
use crate::report::Style;
use crate::report::layout::{Cell, Grid, prose};
use crate::report::table::write_findings_under;
use crate::report::wrap::Tone;

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

/// The whole diff as terminal text, fitted to the terminal as `check`'s table is.
pub fn render(diff: &Diff, style: Style) -> String {
    let mut out = String::new();
    prose(&mut out, &sides(diff), style, 2);
    for scenario in diff.scenarios.iter().filter(|s| !s.is_empty()) {
        out.push('\n');
        let title = format!("{}  (cluster {})", scenario.scenario, scenario.cluster);
        prose(&mut out, &title, style, 2);
        if !scenario.changes.is_empty() {
            let grid = Grid {
                header: HEADER.iter().map(|h| (*h).to_owned()).collect(),
                rows: scenario.changes.iter().map(row).collect(),
            };
            let _ = writeln!(out, "{}", grid.render(style));
        }
        write_findings_under(
            &mut out,
            "findings added",
            &scenario.findings.added,
            &diff.after,
            style,
        );
        write_findings_under(
            &mut out,
            "findings removed",
            &scenario.findings.removed,
            &diff.before,
            style,
        );
    }
    out.push('\n');
    prose(&mut out, &headline(&diff.summary()), style, 2);
    out
}

fn row(change: &FlowChange) -> Vec<Cell> {
    let (before, after) = (change.before.as_ref(), change.after.as_ref());
    let tone = match change.kind {
        ChangeKind::Broken(_) => Tone::Bad,
        ChangeKind::Fixed(_) => Tone::Good,
        _ => Tone::Plain,
    };
    vec![
        Cell::plain(&change.client),
        Cell::toned(change.kind.as_str(), tone),
        Cell::plain(pair(before, after, mode)),
        Cell::plain(pair(before, after, answered_by)),
        Cell::plain(pair(before, after, addresses)),
        Cell::plain(pair(before, after, endpoint)),
        Cell::plain(pair(before, after, verdict)),
        Cell::plain(pair(before, after, expectation)),
    ]
}
