//! `lint --format markdown`: a review-ready summary — per file, its findings and flow table.

use std::fmt::Write;

use crate::escape;
use crate::lint::{FileReport, Totals};

pub fn render(reports: &[FileReport<'_>], totals: Totals) -> String {
    let mut out = String::from("# eksflow lint\n\n");
    let _ = writeln!(out, "{}\n", super::text::summary(totals));
    for report in reports {
        if !report.invalid.is_empty() {
            let _ = writeln!(out, "## `{}` — invalid\n", escape::text(report.file));
            for diagnostic in &report.invalid {
                let _ = writeln!(out, "- `{diagnostic}`");
            }
            out.push('\n');
        }
        for checked in &report.scenarios {
            out.push_str(&crate::report::markdown::check(checked));
            out.push('\n');
        }
    }
    // The backstop: values are escaped where they are placed (diagnostics by their Display).
    escape::lines(&out).into_owned()
}
