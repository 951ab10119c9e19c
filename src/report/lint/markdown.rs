//! `lint --format markdown`: a review-ready summary — per file, its findings and flow table.

use std::fmt::Write;

use crate::analysis::Analysis;
use crate::lint::{FileReport, Totals};

pub fn render(reports: &[FileReport], analyses: &[Vec<Analysis<'_>>], totals: Totals) -> String {
    let mut out = String::from("# eksflow lint\n\n");
    let _ = writeln!(out, "{}\n", super::text::summary(totals));
    for (report, file_analyses) in reports.iter().zip(analyses) {
        if !report.invalid.is_empty() {
            let _ = writeln!(out, "## `{}` — invalid\n", report.file);
            for diagnostic in &report.invalid {
                let _ = writeln!(out, "- `{diagnostic}`");
            }
            out.push('\n');
        }
        for analysis in file_analyses {
            out.push_str(&crate::report::markdown::check(analysis));
            out.push('\n');
        }
    }
    out
}
