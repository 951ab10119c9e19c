//! The commands: load inputs, check them, hand the result to a renderer, and print. What
//! exits 0, 1 or 2 is the library's [`eksflow::policy`]; reports go to standard output,
//! diagnostics to standard error.

mod args;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub use args::{Args, Command, Format, GraphFormat, LintFormat, Mode, RulesFormat, TraceFormat};

use eksflow::analysis::Flow;
use eksflow::checked::{self, Checked};
use eksflow::escape;
use eksflow::import::{self, ExtraClients, Kind};
use eksflow::lint::{self, Selection, WalkOptions};
use eksflow::policy::{self, Outcome};
use eksflow::report::{self, Style};
use eksflow::rules::{self, Code, Severity};
use eksflow::scenario::{EndpointAccess, Scenario};
use eksflow::source;

pub fn run(args: Args) -> ExitCode {
    ExitCode::from(run_code(args))
}

/// [`run`], as the exit code's number (the fuzz harness drives the command line with it).
pub fn run_code(args: Args) -> u8 {
    let outcome = match args.command {
        Command::Check {
            files,
            mode,
            format,
            clients,
        } => with_clients(clients.as_deref(), |extra| {
            check(&files, mode, format, extra)
        }),
        Command::Compare {
            file,
            format,
            clients,
        } => with_clients(clients.as_deref(), |extra| compare(&file, format, extra)),
        Command::Trace {
            file,
            client,
            mode,
            format,
            clients,
        } => with_clients(clients.as_deref(), |extra| {
            trace(&file, &client, mode, format, extra)
        }),
        Command::Lint {
            paths,
            exclude,
            no_ignore,
            format,
            select,
            ignore,
            deny,
            quiet,
            clients,
        } => with_clients(clients.as_deref(), |extra| {
            lint(
                &paths,
                &WalkOptions { exclude, no_ignore },
                format,
                Selection { select, ignore },
                deny.is_some(),
                quiet,
                extra,
            )
        }),
        Command::Rules { code, format } => rules(code.as_deref(), format),
        Command::Completions { shell } => completions(shell),
        Command::Serve {
            file,
            client,
            mode,
            listen,
            max_queries,
            clients,
        } => with_clients(clients.as_deref(), |extra| {
            serve(&file, &client, mode, listen, max_queries, extra)
        }),
        Command::Man => man(),
        Command::Import {
            args,
            output,
            cluster,
            clients,
        } => with_clients(clients.as_deref(), |extra| {
            import(&args, output.as_deref(), cluster, extra)
        }),
        Command::Diff {
            before,
            after,
            format,
            clients,
        } => with_clients(clients.as_deref(), |extra| {
            diff(&before, after.as_deref(), format, extra)
        }),
        Command::Resolve {
            file,
            client,
            mode,
            short,
            clients,
        } => with_clients(clients.as_deref(), |extra| {
            resolve(&file, &client, mode, short, extra)
        }),
        Command::Graph {
            file,
            mode,
            format,
            clients,
        } => with_clients(clients.as_deref(), |extra| {
            graph(&file, mode, format, extra)
        }),
        Command::Schema => schema(),
    };
    outcome.exit_code()
}

/// Reads the `--clients` file, if any, before running `command` with it.
fn with_clients(
    file: Option<&str>,
    command: impl FnOnce(Option<&ExtraClients>) -> Outcome,
) -> Outcome {
    match file.map(import::read_clients).transpose() {
        Ok(extra) => command(extra.as_ref()),
        Err(error) => {
            eprintln!("{}", escape::text(&error.to_string()));
            Outcome::Invalid
        }
    }
}

/// Terminal styling for standard output: colour only on a terminal, as `NO_COLOR`
/// (<https://no-color.org>), `CLICOLOR`, `CLICOLOR_FORCE` and `TERM=dumb` say; fitted to
/// the terminal's width when it reports one (`terminal_size` asks the terminal itself).
fn style() -> Style {
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let width = terminal_size::terminal_size_of(&stdout).map(|(width, _)| width.0);
    Style::for_output(
        terminal,
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var("TERM").ok().as_deref(),
        width,
    )
    .with_clicolor(
        anstyle_query::clicolor(),
        anstyle_query::clicolor_force(),
        anstyle_query::no_color(),
    )
}

fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`eksflow check … | head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Loads inputs, printing load problems; returns the scenarios and whether any input failed.
fn load(files: &[&str], clients: Option<&ExtraClients>) -> (Vec<Scenario>, bool) {
    let mut scenarios = Vec::new();
    let mut failed = false;
    let options = source::Options {
        clients,
        skip_unknown: false,
    };
    for file in files {
        for document in source::load(file, options).documents {
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

fn check(
    files: &[String],
    mode: Option<Mode>,
    format: Format,
    clients: Option<&ExtraClients>,
) -> Outcome {
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let (scenarios, load_failed) = load(&files, clients);
    let mode = mode.map(Into::into);
    // One scenario at a time: checked, rendered, written, dropped.
    let failed = std::cell::Cell::new(false);
    let each = scenarios.iter().map(|scenario| {
        let checked = checked::check(scenario, mode);
        failed.set(failed.get() || checked.failed());
        checked
    });
    match format {
        // Always an array (SPEC section 5): a script's shape never depends on how many
        // clusters an input held.
        Format::Json => {
            let views = each.map(|checked| {
                let fixes = eksflow::fix::fixes(&checked);
                report::json::Fixed(checked, fixes)
            });
            write_json(&report::json::Sequence::new(views));
        }
        Format::Table => {
            let style = style();
            print_joined(each.map(|checked| {
                report::table::check_fixed(&checked, &eksflow::fix::fixes(&checked), style)
            }));
        }
        Format::Markdown => print_joined(each.map(|checked| {
            report::markdown::check_fixed(&checked, &eksflow::fix::fixes(&checked))
        })),
    }
    policy::analysed(failed.get(), load_failed)
}

fn compare(file: &str, format: Format, clients: Option<&ExtraClients>) -> Outcome {
    let (scenarios, load_failed) = load(&[file], clients);
    let failed = std::cell::Cell::new(false);
    match format {
        // JSON: one mode at a time, checked, written and dropped. One scenario gives its
        // three modes; a stream of several, one such array each.
        Format::Json => match scenarios.as_slice() {
            [one] => write_json(&report::json::Sequence::new(modes_json(one, &failed))),
            all => write_json(&report::json::Sequence::new(all.iter().map(|scenario| {
                report::json::Sequence::new(modes_json(scenario, &failed))
            }))),
        },
        // A table and Markdown set the three modes side by side.
        Format::Table | Format::Markdown => {
            let style = style();
            print_joined(scenarios.iter().map(|scenario| {
                let modes = checked::compare(scenario);
                failed.set(failed.get() || policy::compare_failed(&modes));
                match format {
                    Format::Table => report::table::compare(&modes, style),
                    _ => report::markdown::compare(&modes),
                }
            }));
        }
    }
    policy::analysed(failed.get(), load_failed)
}

/// The three modes of `scenario` for `compare --format json`, each checked when it is
/// serialised; `failed` records the verdict of the scenario's own mode.
fn modes_json<'s>(
    scenario: &'s Scenario,
    failed: &'s std::cell::Cell<bool>,
) -> impl Iterator<Item = report::json::Fixed<'s>> + 's {
    EndpointAccess::ALL.into_iter().map(move |mode| {
        let checked = checked::check(scenario, Some(mode));
        if policy::fails_compare(&checked) {
            failed.set(true);
        }
        let fixes = eksflow::fix::fixes(&checked);
        report::json::Fixed(checked, fixes)
    })
}

/// Prints each report as it is made, a blank line between two.
fn print_joined(reports: impl Iterator<Item = String>) {
    for (i, text) in reports.enumerate() {
        if i > 0 {
            print("\n");
        }
        print(&text);
    }
}

/// Writes a JSON report to standard output as it is serialised. A closed pipe
/// (`eksflow check … | head`) is not an error worth a word.
fn write_json<T: serde::Serialize>(value: &T) {
    let _ = report::json::write(value, std::io::stdout().lock());
}

/// Finds the client called `name`, or explains which clients there are (with a "did you
/// mean" for a near miss).
fn find_flow<'a, 's>(checked: &'a Checked<'s>, name: &str) -> Result<&'a Flow<'s>, String> {
    let analysis = &checked.analysis;
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
                "{}: no client named `{}` in scenario `{}`{} (clients: {})",
                escape::text(&analysis.scenario.source.file),
                escape::text(name),
                escape::text(&analysis.scenario.name),
                eksflow::suggest::did_you_mean(name, names.iter().copied()),
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    escape::text(&names.join(", ")).into_owned()
                }
            )
        })
}

/// Runs `render` for the client in each scenario of `file` (usually one).
fn per_client(
    file: &str,
    client: &str,
    mode: Option<Mode>,
    clients: Option<&ExtraClients>,
    render: impl Fn(&Checked<'_>, &Flow) -> Result<(String, Outcome), String>,
) -> Outcome {
    let (scenarios, load_failed) = load(&[file], clients);
    if load_failed {
        return Outcome::Invalid;
    }
    let mut outcome = Outcome::Clean;
    for scenario in &scenarios {
        let checked = checked::check(scenario, mode.map(Into::into));
        match find_flow(&checked, client).and_then(|flow| render(&checked, flow)) {
            Ok((text, flow_outcome)) => {
                print(&text);
                outcome = outcome.max(flow_outcome);
            }
            Err(message) => {
                eprintln!("{message}");
                return Outcome::Invalid;
            }
        }
    }
    outcome
}

fn trace(
    file: &str,
    client: &str,
    mode: Option<Mode>,
    format: TraceFormat,
    clients: Option<&ExtraClients>,
) -> Outcome {
    per_client(file, client, mode, clients, |checked, flow| {
        let analysis = &checked.analysis;
        let text = match format {
            TraceFormat::Text => {
                let fixes = eksflow::fix::fixes(checked);
                report::trace::text_with_fixes(analysis, flow, &fixes)
            }
            TraceFormat::Json => {
                let fixes = eksflow::fix::fixes(checked);
                let view = report::json::trace_view(analysis, flow, &fixes);
                format!("{}\n", report::json::to_string(&view))
            }
        };
        Ok((text, policy::trace(flow)))
    })
}

fn resolve(
    file: &str,
    client: &str,
    mode: Option<Mode>,
    short: bool,
    clients: Option<&ExtraClients>,
) -> Outcome {
    per_client(file, client, mode, clients, |checked, flow| {
        let text = report::dig::text(&checked.analysis, flow, short)?;
        Ok((text, policy::resolve(flow)))
    })
}

fn lint(
    paths: &[String],
    walk_options: &WalkOptions,
    format: LintFormat,
    selection: Selection,
    deny_warnings: bool,
    quiet: bool,
    clients: Option<&ExtraClients>,
) -> Outcome {
    if let Some(prefix) = selection.unknown_prefix() {
        eprintln!(
            "error: `{}` matches no rule code (see `eksflow rules`)",
            escape::text(prefix)
        );
        return Outcome::Invalid;
    }
    let walk = lint::walk(paths, walk_options);
    // A path that does not exist is a usage error: said once, with no report beside it.
    if !walk.missing.is_empty() {
        for problem in &walk.missing {
            eprintln!("error: {problem}");
        }
        return Outcome::Invalid;
    }
    let codes = selection.codes();
    let keep = match format {
        LintFormat::Junit => lint::Keep::Junit {
            codes: codes.clone(),
            deny_warnings,
        },
        LintFormat::Markdown => lint::Keep::Markdown,
        LintFormat::Sarif => lint::Keep::Sarif,
        _ => lint::Keep::Messages,
    };
    let linted = lint::run(&walk.inputs, clients, &selection, &keep);
    let (files, totals) = (&linted.files, linted.totals);
    // Load problems are reported once, as EKS000 in the report itself.
    let text = match format {
        LintFormat::Text => report::lint::text::render(files, totals, quiet),
        LintFormat::Json => report::lint::json::render(files),
        LintFormat::Sarif => report::lint::sarif::render(files, &codes),
        LintFormat::Junit => report::lint::junit::render(
            &files
                .iter()
                .filter_map(|file| file.junit.as_ref())
                .collect::<Vec<_>>(),
        ),
        LintFormat::Github => report::lint::github::render(files),
        LintFormat::Markdown => report::lint::markdown::render(files, totals),
    };
    print(&text);
    policy::lint(totals, deny_warnings)
}

fn rules(code: Option<&str>, format: RulesFormat) -> Outcome {
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
                eprintln!(
                    "error: no rule `{}`{} (see `eksflow rules` for the list)",
                    escape::text(text),
                    eksflow::suggest::did_you_mean(text, Code::ALL.iter().map(|c| c.as_str()))
                );
                return Outcome::Invalid;
            }
        },
    }
    Outcome::Clean
}

fn import(
    args: &[String],
    output: Option<&str>,
    cluster: Option<String>,
    extra: Option<&ExtraClients>,
) -> Outcome {
    let (kind, source) = match args {
        [source] => (None, source.as_str()),
        [kind, source] => match Kind::parse(kind) {
            Some(kind) => (Some(kind), source.as_str()),
            None => {
                eprintln!(
                    "error: unknown source kind `{}`{}: expected terraform, eksctl, cloudformation or aws",
                    escape::text(kind),
                    eksflow::suggest::did_you_mean(
                        kind,
                        ["terraform", "eksctl", "cloudformation", "aws"]
                    )
                );
                return Outcome::Invalid;
            }
        },
        _ => {
            eprintln!("error: give the source to import (and optionally its kind first)");
            return Outcome::Invalid;
        }
    };
    let options = import::Options {
        cluster,
        extra: extra.cloned(),
    };
    let built = match import::import(kind, source, &options) {
        Ok(built) => built,
        Err(error) => {
            eprintln!("{}", escape::text(&error.to_string()));
            return Outcome::Invalid;
        }
    };
    match output {
        // A directory — one that exists, or a path ending in `/` — gets one file per
        // cluster; it is created when needed.
        Some(dir)
            if dir.ends_with(['/', std::path::MAIN_SEPARATOR])
                || std::path::Path::new(dir).is_dir() =>
        {
            if let Err(error) = std::fs::create_dir_all(dir) {
                eprintln!(
                    "{}: cannot create the directory: {error}",
                    escape::text(dir)
                );
                return Outcome::Invalid;
            }
            let mut used: Vec<String> = Vec::new();
            for scenario in &built {
                // Clusters of one source may share a name (one per module): number them.
                let base = import::build::sanitize(&scenario.cluster);
                let mut name = base.clone();
                let mut n = 1;
                while used.contains(&name) {
                    n += 1;
                    name = format!("{base}-{n}");
                }
                used.push(name.clone());
                let path = std::path::Path::new(dir).join(format!("{name}.yaml"));
                let shown = escape::text(&path.to_string_lossy()).into_owned();
                if let Err(error) = std::fs::write(&path, &scenario.yaml) {
                    eprintln!("{shown}: cannot write: {error}");
                    return Outcome::Invalid;
                }
                eprintln!("wrote {shown}");
            }
        }
        Some(file) => {
            let text = join_documents(&built);
            if let Err(error) = std::fs::write(file, text) {
                eprintln!("{}: cannot write: {error}", escape::text(file));
                return Outcome::Invalid;
            }
            if built.len() > 1 {
                eprintln!(
                    "wrote {}: {} scenarios (one per cluster) as a YAML stream of documents; for one file per cluster, give a directory (-o DIR/)",
                    escape::text(file),
                    built.len()
                );
            }
        }
        None => print(&join_documents(&built)),
    }
    Outcome::Clean
}

/// Several scenarios as one YAML stream.
fn join_documents(built: &[import::Built]) -> String {
    built
        .iter()
        .map(|scenario| scenario.yaml.clone())
        .collect::<Vec<_>>()
        .join("---\n")
}

fn diff(
    before: &str,
    after: Option<&str>,
    format: Format,
    clients: Option<&ExtraClients>,
) -> Outcome {
    let options = source::Options {
        clients,
        skip_unknown: false,
    };
    let (before_loaded, after_loaded) = match after {
        Some(after) => (
            Some(source::load(before, options)),
            source::load(after, options),
        ),
        None => match source::plan_sides(before, options) {
            Ok(sides) => sides,
            Err(diagnostic) => {
                eprintln!("{diagnostic}");
                return Outcome::Invalid;
            }
        },
    };
    let mut load_failed = false;
    let mut scenarios = |loaded: Option<source::Loaded>| -> Vec<Scenario> {
        let mut out = Vec::new();
        for document in loaded.map(|loaded| loaded.documents).unwrap_or_default() {
            match document {
                Ok(scenario) => out.push(scenario),
                Err(diagnostics) => {
                    load_failed = true;
                    for diagnostic in diagnostics {
                        eprintln!("{diagnostic}");
                    }
                }
            }
        }
        out
    };
    let before_scenarios = scenarios(before_loaded);
    let after_scenarios = scenarios(Some(after_loaded));
    // A side that does not load has no answer to compare: nothing is printed.
    if load_failed {
        return Outcome::Invalid;
    }
    let (before_checked, after_checked) =
        (check_all(&before_scenarios), check_all(&after_scenarios));
    let before_name = source::display_name(before);
    let after_name = source::display_name(after.unwrap_or(before));
    let diff = eksflow::diff::diff(
        eksflow::diff::Side {
            file: &before_name,
            analyses: &before_checked,
        },
        eksflow::diff::Side {
            file: &after_name,
            analyses: &after_checked,
        },
    );
    let text = match format {
        Format::Json => format!("{}\n", report::diff::json::render(&diff)),
        Format::Table => report::diff::table::render(&diff, style()),
        Format::Markdown => report::diff::markdown::render_with_paths(&diff, &after_checked),
    };
    print(&text);
    policy::diff(diff.breaks())
}

/// Every scenario checked in its own mode.
fn check_all(scenarios: &[Scenario]) -> Vec<Checked<'_>> {
    scenarios
        .iter()
        .map(|scenario| checked::check(scenario, None))
        .collect()
}

/// Shell completions from the command definitions (`clap_complete`).
fn completions(shell: clap_complete::Shell) -> Outcome {
    let mut command = <Args as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "eksflow", &mut out);
    print(&String::from_utf8_lossy(&out));
    Outcome::Clean
}

/// The man page from the command definitions (`clap_mangen`).
fn man() -> Outcome {
    // The package version, without the commit `--version` adds: the committed page
    // (docs/eksflow.1) must not change with every commit.
    let command = <Args as clap::CommandFactory>::command().version(env!("CARGO_PKG_VERSION"));
    let mut out = Vec::new();
    match clap_mangen::Man::new(command).render(&mut out) {
        Ok(()) => {
            print(&String::from_utf8_lossy(&out));
            Outcome::Clean
        }
        Err(error) => {
            eprintln!("error: cannot render the man page: {error}");
            Outcome::Invalid
        }
    }
}

/// `serve`: the client's answers on a DNS server until SIGINT or SIGTERM (or `--max-queries`).
fn serve(
    file: &str,
    client: &str,
    mode: Option<Mode>,
    listen: std::net::SocketAddr,
    max_queries: Option<u64>,
    clients: Option<&ExtraClients>,
) -> Outcome {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let (scenarios, load_failed) = load(&[file], clients);
    if load_failed {
        return Outcome::Invalid;
    }
    let [scenario] = scenarios.as_slice() else {
        eprintln!(
            "error: {}: `serve` answers for one scenario; this input holds {}",
            escape::text(file),
            scenarios.len()
        );
        return Outcome::Invalid;
    };
    let checked = checked::check(scenario, mode.map(Into::into));
    let flow = match find_flow(&checked, client) {
        Ok(flow) => flow,
        Err(message) => {
            eprintln!("{message}");
            return Outcome::Invalid;
        }
    };
    let answers = eksflow::serve::Answers::of(scenario.cluster.endpoint.clone(), flow);
    let server = match eksflow::serve::Server::bind(listen) {
        Ok(server) => server,
        Err(error) => {
            let why = if error.kind() == std::io::ErrorKind::AddrInUse {
                "the address is in use (is another DNS server there? pick a port with --listen)"
                    .to_owned()
            } else {
                error.to_string()
            };
            eprintln!("error: cannot listen on {listen}: {why}");
            return Outcome::Invalid;
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    // SIGINT and SIGTERM end the loop at its next poll: a clean shutdown, sockets closed.
    if let Err(error) = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed)) {
        eprintln!("error: cannot handle SIGINT/SIGTERM: {error}");
        return Outcome::Invalid;
    }
    let shown = server.local_addr().map_or(listen, |addr| addr);
    if !shown.ip().is_loopback() {
        // A simulated answer is not for other machines: say so when one could ask.
        eprintln!(
            "warning: listening on {} is not loopback: other hosts can query this simulation",
            shown.ip()
        );
    }
    eprintln!(
        "listening on {shown} (UDP and TCP): {} for client {}; Ctrl-C stops",
        report::json::endpoint_name(&checked.analysis),
        escape::text(client)
    );
    let budget = eksflow::serve::Budget { max_queries };
    match server.run(&answers, budget, &stop) {
        Ok(answered) => {
            let plural = if answered == 1 { "query" } else { "queries" };
            eprintln!("answered {answered} {plural}");
            Outcome::Clean
        }
        Err(error) => {
            eprintln!("error: the DNS server stopped: {error}");
            Outcome::Invalid
        }
    }
}

/// `eksflow graph`: one picture per scenario (a stream of several gets one each, a blank
/// line between two). A picture is not a verdict: exit 0 once every input loaded.
fn graph(
    file: &str,
    mode: Option<Mode>,
    format: GraphFormat,
    clients: Option<&ExtraClients>,
) -> Outcome {
    let (scenarios, load_failed) = load(&[file], clients);
    if load_failed {
        return Outcome::Invalid;
    }
    print_joined(scenarios.iter().map(|scenario| {
        let analysis = eksflow::analysis::analyse(scenario, mode.map(Into::into));
        let topology = report::graph::topology(&analysis);
        match format {
            GraphFormat::Mermaid => report::graph::mermaid::render(&topology),
            GraphFormat::Dot => report::graph::dot::render(&topology),
        }
    }));
    Outcome::Clean
}

/// `eksflow schema`: the JSON Schema of the scenario format.
fn schema() -> Outcome {
    print(&eksflow::scenario::schema::schema_text());
    Outcome::Clean
}
