//! What the fuzz targets run, shared with `tests/it/fuzz_regressions.rs` (which includes this
//! file with `#[path]`), so an input kept from a fuzzing run replays through exactly the code
//! path that found it.
//!
//! A function here panics only when eksflow breaks a promise: a panic inside eksflow, or an
//! output that contradicts itself (a JSON report that is not JSON, an import that does not
//! load, a DNS answer that does not survive the wire). Everything else comes back as a value
//! the regression tests assert on.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::net::Ipv4Addr;

use eksflow::checked;
use eksflow::import::{self, Kind, Options};
use eksflow::lint::{self, Selection};
use eksflow::report::{self, Style};
use eksflow::scenario::{self, Scenario};
use eksflow::source::{self, What};
use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{Name, RData, Record, rdata::A};

/// The file name scenario inputs are loaded under.
pub const SCENARIO_FILE: &str = "fuzz.yaml";

/// What a scenario input came to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScenarioOutcome {
    /// Documents that loaded as scenarios.
    pub loaded: usize,
    /// Load problems, as `check` prints them (`file:line:col: path: message`).
    pub problems: Vec<String>,
    /// Client flows analysed, each scenario in its own mode.
    pub flows: usize,
}

/// Scenario bytes → load → validate → analyse in the scenario's own mode and in all three
/// (`compare`) → every `check`, `compare`, `trace` and `resolve` format; then `lint` of the
/// same text in every lint format. Bytes that are not UTF-8 are read lossily (`check` refuses
/// them before loading; the loader must survive the replacement characters anyway).
pub fn scenario(data: &[u8]) -> ScenarioOutcome {
    let text = String::from_utf8_lossy(data);
    let mut outcome = ScenarioOutcome::default();
    for document in scenario::load_str(SCENARIO_FILE, &text) {
        match document {
            Ok(scenario) => {
                outcome.loaded += 1;
                outcome.flows += reports(&scenario);
            }
            Err(problems) => {
                // `check` would exit 2 without a word.
                assert!(!problems.is_empty(), "a document failed without a problem");
                outcome
                    .problems
                    .extend(problems.iter().map(ToString::to_string));
            }
        }
    }
    if source::recognise(&text) == What::Scenario {
        let loaded = source::load_text(SCENARIO_FILE, &text, source::Options::default());
        let report = lint::file_report(&loaded, &Selection::default());
        assert_eq!(
            report.scenarios.len(),
            outcome.loaded,
            "lint and check load different scenarios"
        );
    }
    lint_reports(&text);
    outcome
}

/// Every `check`, `compare`, `trace` and `resolve` report of one scenario; the number of
/// flows in its own mode.
fn reports(scenario: &Scenario) -> usize {
    let styles = [
        Style::default(),
        Style {
            color: true,
            width: Some(60),
        },
    ];
    let checked = checked::check(scenario, None);
    let own = &checked.analysis;
    for style in styles {
        let _ = report::table::check(&checked, style);
    }
    let _ = report::markdown::check(&checked);
    json(&report::json::to_string(&[report::json::scenario(
        &checked,
    )]));
    for flow in &own.flows {
        let _ = report::trace::text(own, flow);
        json(&report::json::to_string(&report::json::flow_view(
            scenario, flow,
        )));
        for short in [false, true] {
            if let Err(error) = report::dig::text(own, flow, short) {
                panic!("`resolve` fails for a loaded scenario: {error}");
            }
        }
    }

    let modes = checked::compare(scenario);
    for style in styles {
        let _ = report::table::compare(&modes, style);
    }
    let _ = report::markdown::compare(&modes);
    let views: Vec<_> = modes.iter().map(report::json::scenario).collect();
    json(&report::json::to_string(&views));
    own.flows.len()
}

/// Every `lint` format of `text` linted as one file, as `lint` renders them.
fn lint_reports(text: &str) {
    let selection = Selection::default();
    let codes = selection.codes();
    let linted = lint::run_text(SCENARIO_FILE, text, &selection, &lint::Keep::Messages);
    let (files, totals) = (&linted.files, linted.totals);
    for quiet in [false, true] {
        let _ = report::lint::text::render(files, totals, quiet);
    }
    json(&report::lint::json::render(files));
    json(&report::lint::sarif::render(files, &codes));
    for deny_warnings in [false, true] {
        let keep = lint::Keep::Junit {
            codes: codes.clone(),
            deny_warnings,
        };
        let junit = lint::run_text(SCENARIO_FILE, text, &selection, &keep);
        let suites: Vec<_> = junit
            .files
            .iter()
            .filter_map(|f| f.junit.as_ref())
            .collect();
        let xml = report::lint::junit::render(&suites);
        if let Err(error) = roxmltree::Document::parse(&xml) {
            panic!("`lint --format junit` is not well-formed XML ({error}):\n{xml}");
        }
    }
    let github = report::lint::github::render(files);
    let messages: usize = files.iter().map(|file| file.messages().len()).sum();
    assert_eq!(
        github.lines().count(),
        messages,
        "`lint --format github` must be one workflow command per message:\n{github}"
    );
    for line in github.lines() {
        assert!(line.starts_with("::"), "not a workflow command: {line:?}");
    }
    let markdown = lint::run_text(SCENARIO_FILE, text, &selection, &lint::Keep::Markdown);
    let _ = report::lint::markdown::render(&markdown.files, markdown.totals);
}

/// A JSON report must be JSON.
fn json(text: &str) {
    if let Err(error) = serde_json::from_str::<serde_json::Value>(text) {
        panic!("a JSON report is not JSON ({error}):\n{text}");
    }
}

/// The file name an import input is read under.
pub fn import_file(kind: Kind) -> &'static str {
    match kind {
        Kind::Terraform => "plan.json",
        Kind::Eksctl => "cluster.yaml",
        Kind::CloudFormation => "template.yaml",
        Kind::Aws => "aws.json",
    }
}

/// `eksflow import KIND` of bytes: the clusters imported (each scenario loaded and analysed),
/// or the import error as printed. Kind detection runs too.
///
/// Two promises are checked. An import that succeeds wrote scenarios that load (the import
/// checks its output, `import::check_loads`). And the importer writes well-formed scenarios:
/// when what it built does not load, every problem is about a value at a field (one the
/// source got wrong), never YAML that does not parse or a document without a field path.
pub fn import(kind: Kind, data: &[u8]) -> Result<Vec<String>, String> {
    let text = String::from_utf8_lossy(data);
    let file = import_file(kind);
    let _ = import::detect_str(file, &text);
    let options = Options::default();
    let result = import::import_str(Some(kind), file, &text, &options);

    // What the importer built, before the check that turns a scenario that does not load
    // into an error.
    let built = import::read_str(kind, file, &text)
        .ok()
        .and_then(|inventory| import::build::build(&inventory, &options).ok())
        .unwrap_or_default();
    let mut all_load = true;
    for scenario in &built {
        let documents = scenario::load_str(&format!("<import of {file}>"), &scenario.yaml);
        assert_eq!(
            documents.len(),
            1,
            "an import wrote other than one document:\n{}",
            scenario.yaml
        );
        for document in documents {
            match document {
                Ok(loaded) => {
                    let _ = checked::check(&loaded, None);
                }
                Err(problems) => {
                    all_load = false;
                    assert!(!problems.is_empty(), "a document failed without a problem");
                    for problem in &problems {
                        assert!(
                            !problem.path.is_empty(),
                            "an importer wrote a scenario that is not well-formed: {problem}\n---- scenario ----\n{}",
                            scenario.yaml
                        );
                    }
                }
            }
        }
    }

    match result {
        Ok(imported) => {
            assert!(
                all_load,
                "an import succeeded with a scenario that does not load"
            );
            let clusters: Vec<String> = built.iter().map(|s| s.cluster.clone()).collect();
            let names: Vec<String> = imported.iter().map(|s| s.cluster.clone()).collect();
            assert_eq!(names, clusters, "import_str and read + build differ");
            Ok(names)
        }
        Err(error) => {
            assert!(
                built.is_empty() || !all_load,
                "the import failed although its scenarios load: {error}"
            );
            Err(error.to_string())
        }
    }
}

/// The eksctl config the `--clients` target merges clients into (a real one, with nodes in
/// private subnets behind NAT gateways).
pub const CLIENTS_BASE: &str =
    include_str!("../../tests/fixtures/import/eksctl/managed-ha-nat.yaml");

/// `eksflow import eksctl managed-ha-nat.yaml --clients FILE` with bytes as the clients file:
/// the clients merged, or the error as printed. The clients are user-written scenario
/// fragments, copied through the import's YAML writer: as for [`import`], an import that
/// succeeds loads, and what was built is always well-formed YAML whose problems sit at fields.
pub fn import_clients(data: &[u8]) -> Result<usize, String> {
    let text = String::from_utf8_lossy(data);
    let extra = import::read_clients_str("clients.yaml", &text).map_err(|e| e.to_string())?;
    let inventory = import::read_str(Kind::Eksctl, "cluster.yaml", CLIENTS_BASE)
        .expect("the base config imports");
    let options = Options {
        cluster: None,
        extra: Some(extra.clone()),
    };
    let built = import::build::build(&inventory, &options).expect("the base config builds");
    let mut problems = Vec::new();
    for scenario in &built {
        for document in scenario::load_str("<import>", &scenario.yaml) {
            match document {
                Ok(loaded) => {
                    let _ = checked::check(&loaded, None);
                }
                Err(found) => {
                    assert!(!found.is_empty(), "a document failed without a problem");
                    for problem in &found {
                        assert!(
                            !problem.path.is_empty(),
                            "the import wrote a scenario that is not well-formed: {problem}\n---- scenario ----\n{}",
                            scenario.yaml
                        );
                    }
                    problems.extend(found);
                }
            }
        }
    }
    match import::check_loads("cluster.yaml", &built) {
        Ok(()) => {
            assert!(
                problems.is_empty(),
                "check_loads passed a scenario that does not load"
            );
            Ok(extra.clients.len())
        }
        Err(error) => {
            assert!(
                !problems.is_empty(),
                "check_loads failed a scenario that loads"
            );
            Err(error.to_string())
        }
    }
}

/// Arbitrary bytes as a DNS message: when they decode, what eksflow's dig renderer prints of
/// it (header, question and answer sections, then the `+short` lines). eksflow itself only
/// ever decodes the wire form of answers it built (`resolve`), never bytes from outside;
/// this checks that the renderer copes with whatever the decoder can produce.
pub fn dns_decode(data: &[u8]) -> Option<String> {
    let message = Message::from_vec(data).ok()?;
    let mut out = report::dig::sections(&message);
    out.push_str(&report::dig::short_answers(&message));
    if let Ok((again, _)) = report::dig::round_trip(&message) {
        let _ = report::dig::sections(&again);
    }
    Some(out)
}

/// Bytes as the answer `resolve` builds: byte 0 bit 0 is SERVFAIL, byte 1 the number of A
/// records (up to 15), then 8 bytes a record (address, TTL), then the name, read as the
/// scenario validator reads `cluster.endpoint`. The answer must come back from the wire
/// unchanged. The addresses answered, when the name is one eksflow accepts.
pub fn dns_answer(data: &[u8]) -> Option<Vec<Ipv4Addr>> {
    let (&flags, rest) = data.split_first()?;
    let (&count, rest) = rest.split_first()?;
    let count = usize::from(count % 16);
    let failed = flags & 1 == 1;
    let records_len = count * 8;
    if rest.len() < records_len {
        return None;
    }
    let (record_bytes, name_bytes) = rest.split_at(records_len);
    let text = String::from_utf8_lossy(name_bytes);
    // As `Validator::domain` (src/scenario/validate.rs) reads a domain name.
    let mut name = Name::from_ascii(text.trim()).ok()?;
    name.set_fqdn(true);
    let answers: Vec<(Ipv4Addr, u32)> = record_bytes
        .chunks_exact(8)
        .map(|chunk| {
            let ip = Ipv4Addr::new(chunk[0], chunk[1], chunk[2], chunk[3]);
            let ttl = u32::from_be_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
            (ip, ttl)
        })
        .collect();
    let records = answers
        .iter()
        .map(|&(ip, ttl)| Record::from_rdata(name.clone(), ttl, RData::A(A(ip))));
    let built = report::dig::answer(name.clone(), records, failed);
    let (decoded, size) = match report::dig::round_trip(&built) {
        Ok(round_trip) => round_trip,
        Err(error) => panic!("the answer for `{name}` does not survive the wire: {error}"),
    };
    assert!(size >= 12, "a DNS message has a 12-byte header");
    assert_eq!(decoded.queries.len(), 1);
    assert_eq!(decoded.queries[0].name(), &name, "question name changed");
    let expected_code = if failed {
        ResponseCode::ServFail
    } else {
        ResponseCode::NoError
    };
    assert_eq!(decoded.metadata.response_code, expected_code);
    let back: Vec<(Ipv4Addr, u32)> = decoded
        .answers
        .iter()
        .map(|record| match &record.data {
            RData::A(a) => {
                assert_eq!(record.name, name, "answer name changed");
                (a.0, record.ttl)
            }
            other => panic!("an A record came back as {other:?}"),
        })
        .collect();
    assert_eq!(back, answers, "answers changed on the wire");
    let short: Vec<String> = answers.iter().map(|(ip, _)| ip.to_string()).collect();
    let printed = report::dig::short_answers(&decoded);
    assert_eq!(printed.lines().collect::<Vec<_>>(), short);
    let _ = report::dig::sections(&decoded);
    Some(answers.into_iter().map(|(ip, _)| ip).collect())
}

/// The command line itself, as the binary runs it (`src/cli`, included from the binary's
/// source so the fuzzer drives exactly the code `eksflow` runs).
#[path = "../../src/cli/mod.rs"]
#[allow(dead_code, unreachable_pub)]
mod cli;

/// Where `cli` writes the input files: one directory per process, emptied for every input.
fn cli_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("eksflow-fuzz-cli-{}", std::process::id()))
}

/// Splits a `cli` input: one selector byte, then up to three files separated by
/// `CLI_SEPARATOR` (the dictionary holds it, so the fuzzer finds it).
pub const CLI_SEPARATOR: &[u8] = b"\n---8<---\n";

/// The whole command line on files in a temporary directory: the first byte picks the
/// command (`check`, `compare`, `trace`, `resolve`, `lint DIR`, `diff A B`, `diff PLAN`,
/// `import`), the second its format and flags; the rest is up to three files, named by the
/// third byte's bits `.yaml` or `.json`, the third used as `--clients` when asked. Every
/// command runs through `cli::run` exactly as parsed from arguments; the promise is that it
/// returns an exit code (0, 1 or 2) without a panic, a hang or unbounded memory.
pub fn command_line(data: &[u8]) -> u8 {
    let [command, flags, names, rest @ ..] = data else {
        return 2;
    };
    let dir = cli_dir();
    let _ = std::fs::remove_dir_all(&dir);
    if std::fs::create_dir_all(dir.join("tree")).is_err() {
        return 2;
    }
    let mut files = Vec::new();
    for (i, part) in split(rest, CLI_SEPARATOR).into_iter().take(3).enumerate() {
        let extension = if names & (1 << i) == 0 {
            "yaml"
        } else {
            "json"
        };
        let path = dir.join("tree").join(format!("input-{i}.{extension}"));
        if std::fs::write(&path, part).is_err() {
            return 2;
        }
        files.push(path.to_string_lossy().into_owned());
    }
    let file = |i: usize| files.get(i).cloned().unwrap_or_else(|| "-".to_owned());
    let formats = ["table", "json", "markdown"];
    let format = formats[usize::from(*flags) % formats.len()].to_owned();
    let mut args: Vec<String> = vec!["eksflow".to_owned()];
    match command % 8 {
        0 => args.extend(["check".into(), file(0), "--format".into(), format]),
        1 => args.extend(["compare".into(), file(0), "--format".into(), format]),
        2 => args.extend(["trace".into(), file(0), "--client".into(), "admin".into()]),
        3 => args.extend(["resolve".into(), file(0), "--client".into(), "admin".into()]),
        4 => {
            let lint_formats = ["text", "json", "sarif", "junit", "github", "markdown"];
            let lint_format = lint_formats[usize::from(*flags) % lint_formats.len()];
            args.extend([
                "lint".into(),
                dir.join("tree").to_string_lossy().into_owned(),
                "--format".into(),
                lint_format.into(),
            ]);
        }
        5 => args.extend(["diff".into(), file(0), file(1), "--format".into(), format]),
        6 => args.extend(["diff".into(), file(0), "--format".into(), format]),
        _ => args.extend(["import".into(), file(0)]),
    }
    if flags & 0x80 != 0 && files.len() == 3 && command % 8 != 7 {
        args.extend(["--clients".into(), file(2)]);
    }
    if flags & 0x40 != 0 && matches!(command % 8, 0 | 2 | 3) {
        args.extend(["--mode".into(), "private".into()]);
    }
    let parsed = match <cli::Args as clap::Parser>::try_parse_from(&args) {
        Ok(parsed) => parsed,
        Err(_) => return 2,
    };
    let code = cli::run_code(parsed);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(code <= 2, "exit code {code} for {args:?}");
    code
}

fn split<'a>(data: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(separator.len()).position(|w| w == separator) {
        parts.push(&rest[..at]);
        rest = &rest[at + separator.len()..];
    }
    parts.push(rest);
    parts
}

/// `diff` of two inputs (split at `CLI_SEPARATOR`), in memory: both sides loaded as
/// `eksflow diff` loads them, diffed, and rendered in every format. Returns whether the
/// change breaks something, after checking that the JSON report is JSON and agrees.
pub fn diff(data: &[u8]) -> Option<bool> {
    let parts = split(data, CLI_SEPARATOR);
    let [before, after] = parts.as_slice() else {
        return None;
    };
    let options = source::Options::default();
    let load = |name: &str, bytes: &[u8]| {
        source::load_text(name, &String::from_utf8_lossy(bytes), options)
    };
    let (before, after) = (load("before.yaml", before), load("after.yaml", after));
    if before.failed() || after.failed() {
        return None;
    }
    let scenarios = |loaded: source::Loaded| -> Vec<Scenario> {
        loaded
            .documents
            .into_iter()
            .filter_map(Result::ok)
            .collect()
    };
    let (before, after) = (scenarios(before), scenarios(after));
    let (before_checked, after_checked) = (check_all(&before), check_all(&after));
    let diff = eksflow::diff::diff(
        eksflow::diff::Side {
            file: "before.yaml",
            analyses: &before_checked,
        },
        eksflow::diff::Side {
            file: "after.yaml",
            analyses: &after_checked,
        },
    );
    let text = report::diff::json::render(&diff);
    let value: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("`diff --format json` is not JSON ({error}):\n{text}"));
    assert_eq!(value["breaks"], diff.breaks(), "JSON and model disagree");
    for style in [
        Style::default(),
        Style {
            color: true,
            width: Some(60),
        },
    ] {
        let _ = report::diff::table::render(&diff, style);
    }
    let _ = report::diff::markdown::render(&diff);
    Some(diff.breaks())
}

fn check_all(all: &[Scenario]) -> Vec<checked::Checked<'_>> {
    all.iter()
        .map(|scenario| checked::check(scenario, None))
        .collect()
}
