//! `lint --format text`: `FILE:LINE:COL: CODE [severity] message`, then a summary.

use std::fmt::Write;

use super::location;
use crate::lint::{FileReport, Totals};
use crate::report::cells::plural;

pub fn render(reports: &[FileReport], totals: Totals, quiet: bool) -> String {
    let mut out = String::new();
    for report in reports {
        for message in report.messages() {
            let _ = writeln!(
                out,
                "{}: {} [{}] {}{}",
                location(&message),
                message.code,
                message.severity,
                if message.path.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", message.path)
                },
                message.message.replace('\n', " ")
            );
        }
    }
    if !quiet {
        let _ = writeln!(out, "{}", summary(totals));
    }
    out
}

/// `Found 3 problems (1 error, 2 warnings) in 11 files; 1 file is invalid.`
pub fn summary(totals: Totals) -> String {
    let problems = totals.errors + totals.warnings + totals.infos;
    let mut line = if problems == 0 {
        format!(
            "No problems in {} {}",
            totals.files,
            plural(totals.files, "file", "files")
        )
    } else {
        format!(
            "Found {problems} {} ({} {}, {} {}, {} info) in {} {}",
            plural(problems, "problem", "problems"),
            totals.errors,
            plural(totals.errors, "error", "errors"),
            totals.warnings,
            plural(totals.warnings, "warning", "warnings"),
            totals.infos,
            totals.files,
            plural(totals.files, "file", "files")
        )
    };
    if totals.invalid_files > 0 {
        line.push_str(&format!(
            "; {} {} invalid",
            totals.invalid_files,
            plural(totals.invalid_files, "file is", "files are")
        ));
    }
    line.push('.');
    line
}
