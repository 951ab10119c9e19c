//! `lint --format markdown`: a review-ready summary — per file, its findings and flow table.

use std::fmt::Write;

use crate::escape;
use crate::lint::{FileReport, FileResult, Totals};

/// The report: a heading, the summary, then every file's section in file order.
pub fn render(files: &[FileResult], totals: Totals) -> String {
    let mut out = String::from("# eksflow lint\n\n");
    let _ = writeln!(out, "{}\n", super::text::summary(totals));
    for file in files {
        out.push_str(file.markdown.as_deref().unwrap_or_default());
    }
    out
}

/// One file's section, made while its scenarios are alive: its load problems, then each
/// scenario's `check` Markdown.
pub fn file(report: &FileReport<'_>) -> String {
    let mut out = String::new();
    if !report.invalid.is_empty() {
        let _ = writeln!(out, "## `{}` — invalid\n", escape::text(report.file));
        for diagnostic in &report.invalid {
            let _ = writeln!(
                out,
                "- `{diagnostic}` {}",
                crate::lint::load_suffix(diagnostic.code)
            );
        }
        out.push('\n');
    }
    for checked in &report.scenarios {
        out.push_str(&crate::report::markdown::check(checked));
        out.push('\n');
    }
    // The backstop: values are escaped where they are placed (diagnostics by their Display).
    escape::lines(&out).into_owned()
}
