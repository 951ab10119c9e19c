//! The commands: load files, run the analysis, hand the result to a renderer, and decide
//! the exit code. Reports go to standard output, diagnostics to standard error.

mod args;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub use args::{Args, Command, Deny, Format, LintFormat, Mode, RulesFormat, TraceFormat};

use crate::analysis::{self, Analysis};
use crate::lint::{self as linter, Selection};
use crate::report::{self, Style};
use crate::rules::{self, Code, Severity};
use crate::scenario::{self, Scenario};

/// Exit codes (SPEC section 6).
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_INVALID: u8 = 2;

pub fn run(args: Args) -> ExitCode {
    let code = match args.command {
        Command::Check {
            files,
            mode,
            format,
        } => check(&files, mode, format),
        Command::Compare { file, format } => compare(&file, format),
        Command::Trace {
            file,
            client,
            mode,
            format,
        } => trace(&file, &client, mode, format),
        Command::Lint {
            paths,
            format,
            select,
            ignore,
            deny,
            quiet,
        } => lint(
            &paths,
            format,
            Selection { select, ignore },
            deny.is_some(),
            quiet,
        ),
        Command::Rules { code, format } => rules(code.as_deref(), format),
        Command::Import {
            args,
            output,
            cluster,
            clients,
        } => import(&args, output.as_deref(), cluster, clients.as_deref()),
        Command::Resolve {
            file,
            client,
            mode,
            short,
        } => resolve(&file, &client, mode, short),
    };
    ExitCode::from(code)
}

/// Terminal styling for standard output: colour only on a terminal without `NO_COLOR`
/// (<https://no-color.org>), wrapping to the terminal's width.
fn style() -> Style {
    let terminal = std::io::stdout().is_terminal();
    Style::for_output(
        terminal,
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var("TERM").ok().as_deref(),
        terminal
            .then(|| comfy_table::Table::new().width())
            .flatten(),
    )
}

fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`eksflow check … | head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Loads files, printing load problems; returns the scenarios and whether any file failed.
fn load(files: &[String]) -> (Vec<Scenario>, bool) {
    let mut scenarios = Vec::new();
    let mut failed = false;
    for file in files {
        for document in scenario::load_file(file) {
            match document {
                Ok(scenario) => scenarios.push(scenario),
                Err(diagnostics) => {
                    failed = true;
                    for diagnostic in diagnostics {
                        eprintln!("{diagnostic}");
                    }
                }
            }
        }
    }
    (scenarios, failed)
}

fn check(files: &[String], mode: Option<Mode>, format: Format) -> u8 {
    let (scenarios, load_failed) = load(files);
    let analyses: Vec<Analysis<'_>> = scenarios
        .iter()
        .map(|scenario| analysis::analyse(scenario, mode.map(Into::into)))
        .collect();
    let many = files.len() > 1 || scenarios.len() > 1;
    match format {
        Format::Json => {
            let views: Vec<_> = analyses.iter().map(report::json::scenario).collect();
            let text = match views.as_slice() {
                [one] if !many => report::json::to_string(one),
                _ => report::json::to_string(&views),
            };
            print(&format!("{text}\n"));
        }
        Format::Table => {
            let style = style();
            let text: Vec<String> = analyses
                .iter()
                .map(|a| report::table::check(a, style))
                .collect();
            print(&text.join("\n"));
        }
        Format::Markdown => {
            let text: Vec<String> = analyses.iter().map(report::markdown::check).collect();
            print(&text.join("\n"));
        }
    }
    if load_failed {
        EXIT_INVALID
    } else if analyses.iter().any(Analysis::failed) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn compare(file: &str, format: Format) -> u8 {
    let (scenarios, load_failed) = load(std::slice::from_ref(&file.to_owned()));
    let all: Vec<[Analysis<'_>; 3]> = scenarios.iter().map(analysis::compare).collect();
    match format {
        Format::Json => {
            let views: Vec<Vec<_>> = all
                .iter()
                .map(|modes| modes.iter().map(report::json::scenario).collect())
                .collect();
            let text = match views.as_slice() {
                [one] => report::json::to_string(one),
                _ => report::json::to_string(&views),
            };
            print(&format!("{text}\n"));
        }
        Format::Table => {
            let style = style();
            let text: Vec<String> = all
                .iter()
                .map(|modes| report::table::compare(modes, style))
                .collect();
            print(&text.join("\n"));
        }
        Format::Markdown => {
            let text: Vec<String> = all
                .iter()
                .map(|modes| report::markdown::compare(modes))
                .collect();
            print(&text.join("\n"));
        }
    }
    // The exit code is `check`'s: the column of the scenario's own mode decides (its
    // expectations are written for that mode); the other two columns are "what if".
    let own_mode_failed = all.iter().any(|modes| {
        modes
            .iter()
            .any(|a| a.mode == a.scenario.cluster.access && a.failed())
    });
    if load_failed {
        EXIT_INVALID
    } else if own_mode_failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Finds the client called `name`, or explains which clients there are.
fn find_flow<'a, 's>(
    analysis: &'a Analysis<'s>,
    name: &str,
) -> Result<&'a analysis::Flow<'s>, String> {
    analysis
        .flows
        .iter()
        .find(|flow| flow.client.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = analysis
                .flows
                .iter()
                .map(|flow| flow.client.name.as_str())
                .collect();
            format!(
                "{}: no client named `{name}` in scenario `{}` (clients: {})",
                analysis.scenario.source.file,
                analysis.scenario.name,
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            )
        })
}

/// Runs `render` for the client in each scenario of `file` (usually one).
fn per_client(
    file: &str,
    client: &str,
    mode: Option<Mode>,
    render: impl Fn(&Analysis<'_>, &analysis::Flow) -> Result<(String, u8), String>,
) -> u8 {
    let (scenarios, load_failed) = load(std::slice::from_ref(&file.to_owned()));
    if load_failed {
        return EXIT_INVALID;
    }
    let mut code = EXIT_OK;
    for scenario in &scenarios {
        let analysis = analysis::analyse(scenario, mode.map(Into::into));
        match find_flow(&analysis, client).and_then(|flow| render(&analysis, flow)) {
            Ok((text, flow_code)) => {
                print(&text);
                code = code.max(flow_code);
            }
            Err(message) => {
                eprintln!("{message}");
                return EXIT_INVALID;
            }
        }
    }
    code
}

fn trace(file: &str, client: &str, mode: Option<Mode>, format: TraceFormat) -> u8 {
    per_client(file, client, mode, |analysis, flow| {
        let text = match format {
            TraceFormat::Text => report::trace::text(analysis, flow),
            TraceFormat::Json => format!(
                "{}\n",
                report::json::to_string(&report::json::flow_view(analysis.scenario, flow))
            ),
        };
        let code = if flow.expectation.is_some_and(|e| !e.met) {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        };
        Ok((text, code))
    })
}

fn resolve(file: &str, client: &str, mode: Option<Mode>, short: bool) -> u8 {
    per_client(file, client, mode, |analysis, flow| {
        let text = report::dig::text(analysis, flow, short)?;
        let code = if flow.dns.failure.is_some() {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        };
        Ok((text, code))
    })
}

fn lint(
    paths: &[String],
    format: LintFormat,
    selection: Selection,
    deny_warnings: bool,
    quiet: bool,
) -> u8 {
    if let Some(prefix) = selection.unknown_prefix() {
        eprintln!("error: `{prefix}` matches no rule code (see `eksflow rules`)");
        return EXIT_INVALID;
    }
    let (files, missing) = linter::collect_files(paths);
    for problem in &missing {
        eprintln!("{problem}");
    }
    let reports = linter::lint_files(&files, &selection);
    for report in &reports {
        for diagnostic in &report.invalid {
            eprintln!("{diagnostic}");
        }
    }
    let totals = linter::totals(&reports);
    let codes = selection.codes();
    let text = match format {
        LintFormat::Text => report::lint::text::render(&reports, totals, quiet),
        LintFormat::Json => report::lint::json::render(&reports),
        LintFormat::Sarif => report::lint::sarif::render(&reports, &codes),
        LintFormat::Junit => report::lint::junit::render(
            &reports,
            &linter::analyses(&reports),
            &codes,
            deny_warnings,
        ),
        LintFormat::Github => report::lint::github::render(&reports),
        LintFormat::Markdown => {
            report::lint::markdown::render(&reports, &linter::analyses(&reports), totals)
        }
    };
    print(&text);
    let failed = totals.errors > 0 || (deny_warnings && totals.warnings > 0);
    if !missing.is_empty() || totals.invalid_files > 0 {
        EXIT_INVALID
    } else if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn rules(code: Option<&str>, format: RulesFormat) -> u8 {
    match (code, format) {
        (None, RulesFormat::Markdown) => print(&rules::catalogue_markdown()),
        (None, RulesFormat::Text) => {
            let mut out = String::new();
            for code in Code::ALL {
                let rule = code.rule();
                let severity = match rule.severity {
                    Severity::Error => "error  ",
                    Severity::Warning => "warning",
                    Severity::Info => "info   ",
                };
                out.push_str(&format!("{code}  {severity}  {}\n", rule.summary));
            }
            print(&out);
        }
        (Some(text), _) => match Code::parse(text) {
            Some(code) => print(&rules::explain(code)),
            None => {
                eprintln!("error: no rule `{text}` (see `eksflow rules` for the list)");
                return EXIT_INVALID;
            }
        },
    }
    EXIT_OK
}

fn import(
    args: &[String],
    output: Option<&str>,
    cluster: Option<String>,
    clients: Option<&str>,
) -> u8 {
    use crate::import::{self as importer, Kind};
    let (kind, source) = match args {
        [source] => (None, source.as_str()),
        [kind, source] => match Kind::parse(kind) {
            Some(kind) => (Some(kind), source.as_str()),
            None => {
                eprintln!(
                    "error: unknown source kind `{kind}`: expected terraform, eksctl, cloudformation or aws"
                );
                return EXIT_INVALID;
            }
        },
        _ => {
            eprintln!("error: give the source to import (and optionally its kind first)");
            return EXIT_INVALID;
        }
    };
    let extra = match clients.map(importer::read_clients).transpose() {
        Ok(extra) => extra,
        Err(error) => {
            eprintln!("{error}");
            return EXIT_INVALID;
        }
    };
    let options = importer::Options { cluster, extra };
    let built = match importer::import(kind, source, &options) {
        Ok(built) => built,
        Err(error) => {
            eprintln!("{error}");
            return EXIT_INVALID;
        }
    };
    // An import must load as a scenario; a failure here is a bug in the importer.
    let mut code = EXIT_OK;
    for scenario in &built {
        for document in scenario::load_str(&format!("<import of {source}>"), &scenario.yaml) {
            if let Err(problems) = document {
                for problem in problems {
                    eprintln!("{problem}");
                }
                code = EXIT_INVALID;
            }
        }
    }
    match output {
        // A directory — one that exists, or a path ending in `/` — gets one file per
        // cluster; it is created when needed.
        Some(dir)
            if dir.ends_with(['/', std::path::MAIN_SEPARATOR])
                || std::path::Path::new(dir).is_dir() =>
        {
            if let Err(error) = std::fs::create_dir_all(dir) {
                eprintln!("{dir}: cannot create the directory: {error}");
                return EXIT_INVALID;
            }
            let mut used: Vec<String> = Vec::new();
            for scenario in &built {
                // Clusters of one source may share a name (one per module): number them.
                let base = crate::import::build::sanitize(&scenario.cluster);
                let mut name = base.clone();
                let mut n = 1;
                while used.contains(&name) {
                    n += 1;
                    name = format!("{base}-{n}");
                }
                used.push(name.clone());
                let path = std::path::Path::new(dir).join(format!("{name}.yaml"));
                if let Err(error) = std::fs::write(&path, &scenario.yaml) {
                    eprintln!("{}: cannot write: {error}", path.display());
                    return EXIT_INVALID;
                }
                eprintln!("wrote {}", path.display());
            }
        }
        Some(file) => {
            let text = join_documents(&built);
            if let Err(error) = std::fs::write(file, text) {
                eprintln!("{file}: cannot write: {error}");
                return EXIT_INVALID;
            }
            if built.len() > 1 {
                eprintln!(
                    "wrote {file}: {} scenarios (one per cluster) as a YAML stream of documents; for one file per cluster, give a directory (-o DIR/)",
                    built.len()
                );
            }
        }
        None => print(&join_documents(&built)),
    }
    code
}

/// Several scenarios as one YAML stream.
fn join_documents(built: &[crate::import::Built]) -> String {
    built
        .iter()
        .map(|scenario| scenario.yaml.clone())
        .collect::<Vec<_>>()
        .join("---\n")
}
