//! `lint`: find the inputs under the given paths, load and check each scenario once, in
//! parallel, and collect the findings (the same rule engine as `check`), selected and
//! ignored as the user asks.
//!
//! The walk is ripgrep's (the `ignore` crate): `.gitignore`, `.ignore` and hidden files are
//! honoured, symbolic links are not followed, paths stay `OsStr`. Every YAML or JSON file
//! found is recognised by content ([`crate::source`]); one that is no kind eksflow reads is
//! skipped and counted, unless it was named on the command line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::checked::{self, Checked};
use crate::import::{ExtraClients, Kind};
use crate::rules::{Code, Finding, Severity};
use crate::scenario::{Diagnostic, LoadCode, Position, STDIN, Scenario};
use crate::source::{self, Loaded, What};

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

/// How to walk directories.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Globs (gitignore syntax) of paths never to lint (`--exclude`).
    pub exclude: Vec<String>,
    /// Lint what `.gitignore`, `.ignore` and git's excludes would hide (`--no-ignore`).
    pub no_ignore: bool,
}

/// One input to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// Named on the command line: linted even when it is no kind eksflow recognises.
    pub named: bool,
}

/// What the walk found: inputs in a stable order, and paths that do not exist.
#[derive(Debug, Default)]
pub struct Walk {
    pub inputs: Vec<Input>,
    pub missing: Vec<Diagnostic>,
}

/// Files to lint: files as given, directories walked for `*.yaml`, `*.yml` and `*.json`,
/// each directory's files in sorted order. A path that does not exist is a usage error.
pub fn walk(paths: &[String], options: &WalkOptions) -> Walk {
    let mut found = Walk::default();
    for path in paths {
        let fs_path = Path::new(path);
        if path == STDIN
            || (!fs_path.is_dir() && fs_path.symlink_metadata().is_ok())
            // A directory reached through a link out of the working directory is not
            // walked: loading it as a named input refuses it with the reason.
            || linked_outside(fs_path).is_some()
        {
            found.inputs.push(Input {
                path: PathBuf::from(path),
                named: true,
            });
        } else if fs_path.is_dir() {
            walk_dir(fs_path, options, &mut found);
        } else {
            found.missing.push(Diagnostic::file(
                LoadCode::Usage,
                &crate::escape::text(path),
                "no such file or directory",
            ));
        }
    }
    found
}

/// Where `path` really is, when a symbolic link on the way to it (the path itself or a
/// directory it is written under) leads out of the working directory: `lint` lints a tree,
/// and a link committed into that tree must not read a file from elsewhere on the machine
/// (`~/.git-credentials`, a runner's token) and quote it into a public CI log. A path
/// written with no link in it is read wherever it is: the user named it.
fn linked_outside(path: &Path) -> Option<PathBuf> {
    let through_link = path.ancestors().any(|ancestor| {
        !ancestor.as_os_str().is_empty()
            && ancestor
                .symlink_metadata()
                .is_ok_and(|metadata| metadata.file_type().is_symlink())
    });
    if !through_link {
        return None;
    }
    let root = std::env::current_dir()
        .and_then(|dir| dir.canonicalize())
        .ok()?;
    // A broken link is reported by the read itself (no such file).
    let target = path.canonicalize().ok()?;
    (!target.starts_with(&root)).then_some(target)
}

fn walk_dir(root: &Path, options: &WalkOptions, found: &mut Walk) {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(true)
        .follow_links(false)
        .git_ignore(!options.no_ignore)
        .git_global(!options.no_ignore)
        .git_exclude(!options.no_ignore)
        .ignore(!options.no_ignore)
        .parents(!options.no_ignore)
        // `.gitignore` counts outside a git repository too: a checkout without `.git`
        // (a CI cache, an unpacked archive) is linted as the repository would be.
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b));
    if !options.exclude.is_empty() {
        let mut overrides = ignore::overrides::OverrideBuilder::new(root);
        for glob in &options.exclude {
            // An override glob selects; `!` makes it exclude, as `rg --glob '!…'` does.
            if let Err(error) = overrides.add(&format!("!{glob}")) {
                found.missing.push(Diagnostic::file(
                    LoadCode::Usage,
                    &crate::escape::text(glob),
                    format!("--exclude: not a glob: {error}"),
                ));
            }
        }
        match overrides.build() {
            Ok(overrides) => {
                builder.overrides(overrides);
            }
            Err(error) => found.missing.push(Diagnostic::file(
                LoadCode::Usage,
                "--exclude",
                format!("not a glob: {error}"),
            )),
        }
    }
    for entry in builder.build().flatten() {
        let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
        let path = entry.path();
        let wanted = path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json");
        if is_file && wanted {
            found.inputs.push(Input {
                path: path.to_path_buf(),
                named: false,
            });
        }
    }
}

/// What a lint run keeps of each file besides its messages: the fragment its report format
/// builds from the file's flows, made while the file's scenarios are alive.
#[derive(Debug, Clone)]
pub enum Keep {
    /// Messages only (`text`, `json`, `sarif`, `github`).
    Messages,
    /// The file's JUnit suite, with these rules as cases.
    Junit {
        codes: Vec<Code>,
        deny_warnings: bool,
    },
    /// The file's Markdown section (findings and flow tables).
    Markdown,
    /// Messages, and the verified fixes of blocked must-reach flows and kubelet checks as text
    /// edits (`sarif`).
    Sarif,
}

/// A verified fix ([`crate::fix`]) as edits of the scenario file's text, with the message it
/// belongs to: the EKS013 message of a blocked must-reach flow (at `path`, the client's
/// `expect`), or the EKS009 message of a blocked control plane → kubelet check (its `path`
/// and its exact wording, since a node group's checks in several subnets share one path).
#[derive(Debug, Clone)]
pub struct FileFix {
    pub code: Code,
    pub path: String,
    /// The message's wording, when its code and path alone do not tell it apart.
    pub message: Option<String>,
    pub summary: String,
    pub edits: Vec<crate::fix::TextEdit>,
}

impl FileFix {
    /// Whether this fix belongs to `message`.
    pub fn belongs_to(&self, message: &Message<'_>) -> bool {
        self.code == message.code
            && self.path == message.path
            && self
                .message
                .as_deref()
                .is_none_or(|text| text == message.message)
    }
}

/// One linted file once its scenarios are gone: what the report needs of it.
#[derive(Debug)]
pub struct FileResult {
    pub file: String,
    messages: Vec<OwnedMessage>,
    invalid: bool,
    counts: Counts,
    pub junit: Option<crate::report::lint::junit::Suite>,
    pub markdown: Option<String>,
    /// With [`Keep::Sarif`]: fixes that map to locations in the file.
    pub fixes: Vec<FileFix>,
}

impl FileResult {
    /// Every message of the file, load problems first, then findings in file order.
    pub fn messages(&self) -> Vec<Message<'_>> {
        self.messages
            .iter()
            .map(|message| Message {
                code: message.code,
                load: message.load,
                severity: message.severity,
                message: &message.message,
                file: &self.file,
                position: message.position,
                path: &message.path,
            })
            .collect()
    }
}

#[derive(Debug)]
struct OwnedMessage {
    code: Code,
    load: Option<LoadCode>,
    severity: Severity,
    message: String,
    position: Option<Position>,
    path: String,
}

#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// A whole lint run: each file's result in a stable order, and the totals.
#[derive(Debug, Default)]
pub struct Linted {
    pub files: Vec<FileResult>,
    pub totals: Totals,
}

/// Lints every input on every core: each worker loads a file, checks each scenario once,
/// keeps what the report needs and drops the scenarios before the next file, so memory
/// grows with the report, not with the inputs. Results come back in the order of `inputs`.
/// AWS CLI output found in a walk is read per directory, as `eksflow import aws DIR` would:
/// a directory holding a `describe-cluster` response is one input (after the files); AWS
/// CLI files in a directory without one are skipped (there is no cluster to analyse).
pub fn run(
    inputs: &[Input],
    clients: Option<&ExtraClients>,
    selection: &Selection,
    keep: &Keep,
) -> Linted {
    let found: Vec<Found> = inputs
        .par_iter()
        .map(|input| match load_input(input, clients) {
            Found::Loaded(loaded) => Found::Linted(Box::new(lint_loaded(&loaded, selection, keep))),
            other => other,
        })
        .collect();
    let cluster_dirs: BTreeSet<PathBuf> = found
        .iter()
        .filter_map(|found| match found {
            Found::AwsFile {
                dir,
                has_cluster: true,
            } => Some(dir.clone()),
            _ => None,
        })
        .collect();
    let mut linted = Linted::default();
    for found in found {
        match found {
            Found::Linted(result) => linted.files.push(*result),
            Found::AwsFile { dir, .. } if cluster_dirs.contains(&dir) => {}
            Found::AwsFile { .. } | Found::Skipped => linted.totals.skipped += 1,
            Found::Loaded(_) => {}
        }
    }
    let dirs: Vec<PathBuf> = cluster_dirs.into_iter().collect();
    let from_dirs: Vec<FileResult> = dirs
        .par_iter()
        .map(|dir| {
            let loaded = source::load(
                &dir.to_string_lossy(),
                source::Options {
                    clients,
                    skip_unknown: true,
                },
            );
            lint_loaded(&loaded, selection, keep)
        })
        .collect();
    linted.files.extend(from_dirs);
    linted.totals.files = linted.files.len();
    for file in &linted.files {
        linted.totals.invalid_files += usize::from(file.invalid);
        linted.totals.errors += file.counts.errors;
        linted.totals.warnings += file.counts.warnings;
        linted.totals.infos += file.counts.infos;
    }
    linted
}

/// Lints text in memory as one named file (standard input, the fuzz harness, tests).
pub fn run_text(file: &str, text: &str, selection: &Selection, keep: &Keep) -> Linted {
    let loaded = source::load_text(
        file,
        text,
        source::Options {
            clients: None,
            skip_unknown: false,
        },
    );
    let result = lint_loaded(&loaded, selection, keep);
    let mut totals = Totals {
        files: 1,
        invalid_files: usize::from(result.invalid),
        ..Totals::default()
    };
    totals.errors = result.counts.errors;
    totals.warnings = result.counts.warnings;
    totals.infos = result.counts.infos;
    Linted {
        files: vec![result],
        totals,
    }
}

/// Checks one loaded file and keeps what the report needs.
fn lint_loaded(loaded: &Loaded, selection: &Selection, keep: &Keep) -> FileResult {
    let report = file_report(loaded, selection);
    let messages = report
        .messages()
        .into_iter()
        .map(|message| OwnedMessage {
            code: message.code,
            load: message.load,
            severity: message.severity,
            message: message.message.to_owned(),
            position: message.position,
            path: message.path.to_owned(),
        })
        .collect();
    let mut counts = Counts::default();
    for finding in report
        .scenarios
        .iter()
        .flat_map(|checked| &checked.findings)
    {
        match finding.severity {
            Severity::Error => counts.errors += 1,
            Severity::Warning => counts.warnings += 1,
            Severity::Info => counts.infos += 1,
        }
    }
    FileResult {
        file: loaded.file.clone(),
        messages,
        invalid: !report.invalid.is_empty(),
        counts,
        junit: match keep {
            Keep::Junit {
                codes,
                deny_warnings,
            } => Some(crate::report::lint::junit::suite(
                &report,
                codes,
                *deny_warnings,
            )),
            _ => None,
        },
        markdown: matches!(keep, Keep::Markdown)
            .then(|| crate::report::lint::markdown::file(&report)),
        fixes: match keep {
            Keep::Sarif => file_fixes(&loaded.file, &report),
            _ => Vec::new(),
        },
    }
}

/// The fixes of a file's blocked must-reach flows and kubelet checks that map to locations
/// in it (SARIF `fixes`): the file is read again only when a fix was found.
fn file_fixes(file: &str, report: &FileReport<'_>) -> Vec<FileFix> {
    let mut text: Option<Option<String>> = None;
    let mut out = Vec::new();
    for checked in &report.scenarios {
        let fixes = crate::fix::fixes(checked);
        if fixes.found() == 0 {
            continue;
        }
        // (code, path, wording when needed, fix) of each message a fix belongs to.
        let mut owners: Vec<(Code, String, Option<String>, &crate::fix::Fix)> = Vec::new();
        for flow in &checked.flows {
            if let Some(Some(fix)) = fixes.of(flow) {
                owners.push((
                    Code::Eks013,
                    format!("{}.expect", flow.client.path),
                    None,
                    fix,
                ));
            }
        }
        for check in &checked.kubelet {
            let Some(Some(fix)) = fixes.of_kubelet(check) else {
                continue;
            };
            if let Some(finding) = crate::rules::kubelet_finding(checked.scenario, check) {
                owners.push((finding.code, finding.path, Some(finding.message), fix));
            }
        }
        for (code, path, message, fix) in owners {
            let source = text.get_or_insert_with(|| std::fs::read_to_string(file).ok());
            let Some(source) = source.as_deref() else {
                return out;
            };
            if let Some(edits) = crate::fix::text_edits(checked.scenario, fix, source) {
                out.push(FileFix {
                    code,
                    path,
                    message,
                    summary: fix.summary.clone(),
                    edits,
                });
            }
        }
    }
    out
}

/// What one input came to.
enum Found {
    Loaded(Box<Loaded>),
    Linted(Box<FileResult>),
    /// AWS CLI output found in a walk: read with its directory when the directory holds a
    /// cluster (`has_cluster` on the `describe-cluster` response), else skipped.
    AwsFile {
        dir: PathBuf,
        has_cluster: bool,
    },
    /// No kind eksflow reads.
    Skipped,
}

fn load_input(input: &Input, clients: Option<&ExtraClients>) -> Found {
    let name = source::display_name(&input.path.to_string_lossy());
    let options = source::Options {
        clients,
        skip_unknown: !input.named,
    };
    // Walked entries are never links (the walk does not follow them, and keeps only
    // regular files); a named one must stay inside the working directory.
    let refused = if input.named && input.path != Path::new(STDIN) {
        linked_outside(&input.path).map(|_| {
            Diagnostic::file(
                LoadCode::Unreadable,
                &name,
                "is reached through a symbolic link that leads out of the working directory: \
                 `lint` does not follow links out of the tree it lints (name the target itself)",
            )
        })
    } else {
        None
    };
    let read = match refused {
        Some(diagnostic) => Err(diagnostic),
        None => crate::scenario::read_path(&input.path),
    };
    let text = match read {
        Ok(text) => text,
        Err(mut diagnostic) if input.named => {
            diagnostic.file = name.clone();
            return Found::Loaded(Box::new(Loaded {
                file: name,
                what: What::Unknown,
                documents: vec![Err(vec![diagnostic])],
            }));
        }
        // A walked file that cannot be read as text (binary, unreadable, too large) is not
        // one of ours either.
        Err(_) => return Found::Skipped,
    };
    if !input.named && source::recognise(&text) == What::Import(Kind::Aws) {
        let has_cluster = serde_json::from_str::<serde_json::Value>(&text)
            .is_ok_and(|json| json.get("cluster").is_some());
        return match input.path.parent() {
            Some(dir) => Found::AwsFile {
                dir: dir.to_path_buf(),
                has_cluster,
            },
            None => Found::Skipped,
        };
    }
    let loaded = source::load_text(&name, &text, options);
    if loaded.skipped() {
        return Found::Skipped;
    }
    Found::Loaded(Box::new(loaded))
}

/// One linted file: its checked scenarios (findings already selected) and load problems.
#[derive(Debug)]
pub struct FileReport<'s> {
    pub file: &'s str,
    pub scenarios: Vec<Checked<'s>>,
    /// Problems that stopped documents from loading (EKS000).
    pub invalid: Vec<&'s Diagnostic>,
}

/// One file's scenarios, each checked once with the selected findings, and its problems.
pub fn file_report<'s>(loaded: &'s Loaded, selection: &Selection) -> FileReport<'s> {
    let mut report = FileReport {
        file: &loaded.file,
        scenarios: Vec::new(),
        invalid: Vec::new(),
    };
    for document in &loaded.documents {
        match document {
            Ok(scenario) => report.scenarios.push(check_one(scenario, selection)),
            Err(diagnostics) => report.invalid.extend(diagnostics),
        }
    }
    report
}

fn check_one<'s>(scenario: &'s Scenario, selection: &Selection) -> Checked<'s> {
    let mut checked = checked::check(scenario, None);
    checked
        .findings
        .retain(|finding: &Finding| selection.allows(finding.code));
    checked
}

/// One line of lint output: a finding or a load problem, where it is and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    pub code: Code,
    /// What kind of load problem an EKS000 message is; `None` for findings.
    pub load: Option<LoadCode>,
    pub severity: Severity,
    /// The problem or finding as worded; [`Message::text`] adds the load code.
    pub message: &'a str,
    pub file: &'a str,
    pub position: Option<Position>,
    pub path: &'a str,
}

impl FileReport<'_> {
    /// Every message of the file, load problems first, then findings in file order.
    pub fn messages(&self) -> Vec<Message<'_>> {
        let invalid = self.invalid.iter().map(|diagnostic| Message {
            code: Code::Eks000,
            load: Some(diagnostic.code),
            severity: Severity::Error,
            message: &diagnostic.message,
            file: self.file,
            position: diagnostic.position,
            path: &diagnostic.path,
        });
        let findings = self.scenarios.iter().flat_map(|checked| {
            checked.findings.iter().map(|finding| Message {
                code: finding.code,
                load: None,
                severity: finding.severity,
                message: &finding.message,
                file: self.file,
                position: finding.position,
                path: &finding.path,
            })
        });
        invalid.chain(findings).collect()
    }
}

impl<'a> Message<'a> {
    /// The message as printed: a load problem ends with its code, `(load: dangling-reference)`,
    /// as a flow's verdict ends with its reason code.
    pub fn text(&self) -> std::borrow::Cow<'a, str> {
        match self.load {
            Some(load) => format!("{} {}", self.message, load_suffix(load)).into(),
            None => self.message.into(),
        }
    }
}

/// The tail of an EKS000 message naming its load code.
pub fn load_suffix(load: LoadCode) -> String {
    format!("(load: {load})")
}

/// Counts of a lint run, for the summary line and the exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub invalid_files: usize,
    /// Files found in directories that are no kind eksflow reads.
    pub skipped: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}
