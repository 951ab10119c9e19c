//! `lint`: find scenario files, load and analyse them in parallel, and collect the findings
//! (the same rule engine as `check`), selected and ignored as the user asks.

use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::analysis;
use crate::rules::{Code, Finding, Severity};
use crate::scenario::{self, Diagnostic, Position, STDIN, Scenario};

/// Which rules to report.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only codes starting with one of these (`EKS01` selects EKS010–EKS019); all when empty.
    pub select: Vec<String>,
    /// Never codes starting with one of these.
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn allows(&self, code: Code) -> bool {
        let matches = |prefix: &String| {
            code.as_str()
                .to_ascii_uppercase()
                .starts_with(&prefix.trim().to_ascii_uppercase())
        };
        (self.select.is_empty() || self.select.iter().any(matches))
            && !self.ignore.iter().any(matches)
    }

    /// The codes this selection runs, in code order.
    pub fn codes(&self) -> Vec<Code> {
        Code::ALL
            .iter()
            .copied()
            .filter(|code| *code != Code::Eks000 && self.allows(*code))
            .collect()
    }

    /// A prefix that selects no rule at all, if any (a typo the user should hear about).
    pub fn unknown_prefix(&self) -> Option<&str> {
        self.select
            .iter()
            .chain(&self.ignore)
            .find(|prefix| {
                !Code::ALL.iter().any(|code| {
                    code.as_str()
                        .starts_with(&prefix.trim().to_ascii_uppercase())
                })
            })
            .map(String::as_str)
    }
}

/// One scenario of a linted file, with its selected findings.
#[derive(Debug)]
pub struct Linted {
    pub scenario: Scenario,
    pub findings: Vec<Finding>,
}

/// Everything found in one file.
#[derive(Debug)]
pub struct FileReport {
    pub file: String,
    pub scenarios: Vec<Linted>,
    /// Problems that stopped documents from loading (EKS000).
    pub invalid: Vec<Diagnostic>,
}

/// One line of lint output: a finding or a load problem, where it is and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    pub code: Code,
    pub severity: Severity,
    pub message: &'a str,
    pub file: &'a str,
    pub position: Option<Position>,
    pub path: &'a str,
}

impl FileReport {
    /// Every message of the file, load problems first, then findings in file order.
    pub fn messages(&self) -> Vec<Message<'_>> {
        let invalid = self.invalid.iter().map(|diagnostic| Message {
            code: Code::Eks000,
            severity: Severity::Error,
            message: &diagnostic.message,
            file: &self.file,
            position: diagnostic.position,
            path: &diagnostic.path,
        });
        let findings = self.scenarios.iter().flat_map(|linted| {
            linted.findings.iter().map(|finding| Message {
                code: finding.code,
                severity: finding.severity,
                message: &finding.message,
                file: &self.file,
                position: finding.position,
                path: &finding.path,
            })
        });
        invalid.chain(findings).collect()
    }
}

/// Files to lint: files as given, directories walked for `*.yaml` and `*.yml` (hidden entries
/// skipped), in sorted order. Paths that do not exist are problems.
pub fn collect_files(paths: &[String]) -> (Vec<String>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path == STDIN {
            files.push(path.clone());
            continue;
        }
        let fs_path = Path::new(path);
        if fs_path.is_dir() {
            let mut found = Vec::new();
            walk(fs_path, &mut found, &mut problems);
            found.sort();
            files.extend(found);
        } else if fs_path.exists() {
            files.push(path.clone());
        } else {
            problems.push(Diagnostic::file(path, "no such file or directory"));
        }
    }
    (files, problems)
}

fn walk(dir: &Path, found: &mut Vec<String>, problems: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(Diagnostic::file(
                &dir.to_string_lossy(),
                format!("cannot read directory: {error}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, found, problems);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            found.push(path.to_string_lossy().into_owned());
        }
    }
}

/// Lints one file: load every document, analyse each scenario in its own mode, keep the
/// selected findings.
pub fn lint_file(path: &str, selection: &Selection) -> FileReport {
    let file = if path == STDIN {
        "<stdin>".to_owned()
    } else {
        path.to_owned()
    };
    lint_documents(file, scenario::load_file(path), selection)
}

/// [`lint_file`] for text already in memory; `file` names it in messages.
pub fn lint_str(file: &str, text: &str, selection: &Selection) -> FileReport {
    lint_documents(file.to_owned(), scenario::load_str(file, text), selection)
}

fn lint_documents(
    file: String,
    documents: Vec<scenario::Document>,
    selection: &Selection,
) -> FileReport {
    let mut report = FileReport {
        file,
        scenarios: Vec::new(),
        invalid: Vec::new(),
    };
    for document in documents {
        match document {
            Ok(scenario) => {
                let findings = analysis::analyse(&scenario, None)
                    .findings
                    .into_iter()
                    .filter(|finding| selection.allows(finding.code))
                    .collect();
                report.scenarios.push(Linted { scenario, findings });
            }
            Err(diagnostics) => report.invalid.extend(diagnostics),
        }
    }
    report
}

/// Lints `files` on every available core; reports come back in the order of `files`.
pub fn lint_files(files: &[String], selection: &Selection) -> Vec<FileReport> {
    let workers = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(files.len().max(1));
    if workers <= 1 {
        return files
            .iter()
            .map(|file| lint_file(file, selection))
            .collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<FileReport>>> = Mutex::new(files.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(index) else { break };
                    let report = lint_file(file, selection);
                    if let Ok(mut slots) = slots.lock()
                        && let Some(slot) = slots.get_mut(index)
                    {
                        *slot = Some(report);
                    }
                }
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .zip(files)
        .map(|(report, file)| report.unwrap_or_else(|| lint_file(file, selection)))
        .collect()
}

/// The analyses the JUnit and Markdown reports show flows from: every linted scenario
/// analysed again (microseconds a scenario), with its selected findings in place of the full
/// set, so the report and the findings agree.
pub fn analyses(reports: &[FileReport]) -> Vec<Vec<analysis::Analysis<'_>>> {
    reports
        .iter()
        .map(|report| {
            report
                .scenarios
                .iter()
                .map(|linted| {
                    let mut analysis = analysis::analyse(&linted.scenario, None);
                    analysis.findings = linted.findings.clone();
                    analysis
                })
                .collect()
        })
        .collect()
}

/// Counts of a lint run, for the summary line and the exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub invalid_files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn totals(reports: &[FileReport]) -> Totals {
    let mut totals = Totals {
        files: reports.len(),
        ..Totals::default()
    };
    for report in reports {
        if !report.invalid.is_empty() {
            totals.invalid_files += 1;
        }
        for linted in &report.scenarios {
            for finding in &linted.findings {
                match finding.severity {
                    Severity::Error => totals.errors += 1,
                    Severity::Warning => totals.warnings += 1,
                    Severity::Info => totals.infos += 1,
                }
            }
        }
    }
    totals
}
