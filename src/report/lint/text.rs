//! `lint --format text`: `FILE:LINE:COL: CODE [severity] message`, then a summary.

use std::fmt::Write;

use super::location;
use crate::escape;
use crate::lint::{FileResult, Totals};
use crate::report::cells::plural;

pub fn render(reports: &[FileResult], totals: Totals, quiet: bool) -> String {
    let mut out = String::new();
    for report in reports {
        for message in report.messages() {
            let _ = writeln!(
                out,
                "{}: {} [{}] {}{}",
                escape::text(&location(&message)),
                message.code,
                message.severity,
                if message.path.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", escape::text(message.path))
                },
                escape::text(&message.text().replace('\n', " "))
            );
        }
    }
    if !quiet {
        let _ = writeln!(out, "{}", summary(totals));
    }
    out
}

/// `Found 3 problems (1 error, 2 warnings) in 11 files; 1 file is invalid.`, or
/// `1 file is invalid; no problems in the other 10 files.`, then how many files a directory
/// walk skipped: `12 files skipped: not scenarios or infrastructure files.`
pub fn summary(totals: Totals) -> String {
    let line = counts(totals);
    if totals.skipped == 0 {
        return line;
    }
    format!(
        "{line} {} {} skipped: not scenarios or infrastructure files.",
        totals.skipped,
        plural(totals.skipped, "file", "files")
    )
}

fn counts(totals: Totals) -> String {
    let problems = totals.errors + totals.warnings + totals.infos;
    let invalid = format!(
        "{} {} invalid",
        totals.invalid_files,
        plural(totals.invalid_files, "file is", "files are")
    );
    if problems == 0 && totals.invalid_files > 0 {
        // "No problems" above an EKS000 line would contradict it: say what is invalid first.
        let valid = totals.files.saturating_sub(totals.invalid_files);
        return if valid == 0 {
            format!("{invalid}.")
        } else {
            format!(
                "{invalid}; no problems in the other {valid} {}.",
                plural(valid, "file", "files")
            )
        };
    }
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
        line.push_str("; ");
        line.push_str(&invalid);
    }
    line.push('.');
    line
}

#[cfg(test)]
mod tests {
    use super::summary;
    use crate::lint::Totals;

    fn totals(files: usize, invalid_files: usize, errors: usize, warnings: usize) -> Totals {
        Totals {
            files,
            invalid_files,
            errors,
            warnings,
            infos: 0,
            skipped: 0,
        }
    }

    #[test]
    fn the_summary_never_says_no_problems_over_an_invalid_file() {
        assert_eq!(summary(totals(3, 0, 0, 0)), "No problems in 3 files.");
        assert_eq!(summary(totals(1, 1, 0, 0)), "1 file is invalid.");
        assert_eq!(
            summary(totals(4, 1, 0, 0)),
            "1 file is invalid; no problems in the other 3 files."
        );
        assert_eq!(
            summary(totals(11, 2, 1, 2)),
            "Found 3 problems (1 error, 2 warnings, 0 info) in 11 files; 2 files are invalid."
        );
        let skipping = Totals {
            skipped: 12,
            ..totals(2, 0, 0, 0)
        };
        assert_eq!(
            summary(skipping),
            "No problems in 2 files. 12 files skipped: not scenarios or infrastructure files."
        );
    }
}
