//! Inputs: read a file (or directory), decide what it is, and turn it into scenarios
//! (SPEC section 4). A scenario loads as written; an eksctl `ClusterConfig`, a Terraform plan
//! or state, a CloudFormation template or a directory of AWS CLI output is imported in memory
//! by the same code as `eksflow import`, and its scenarios name the source file (and, for
//! YAML sources, the source line) in every finding.

use std::path::Path;
use std::sync::Arc;

use crate::import::{self, ExtraClients, Kind};
use crate::scenario::spans::{DocumentSpans, FileSpans};
use crate::scenario::{self, Diagnostic, Document, LoadCode, STDIN, SourceMap};

/// What an input is, told from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Scenario,
    Import(Kind),
    /// YAML or JSON that is none of the kinds eksflow reads (a Kubernetes manifest, a
    /// workflow, Helm values): `lint DIR` skips it.
    Unknown,
}

/// Top-level fields of a scenario (SPEC section 2).
const SCENARIO_FIELDS: &[&str] = &[
    "version",
    "name",
    "description",
    "cluster",
    "vpcs",
    "networks",
    "connections",
    "dnsServers",
    "clients",
    "nodeGroups",
    "ignore",
    "imported",
];

/// Tells a scenario from the sources `import` reads, by content, without parsing YAML: the
/// top-level keys of a YAML file are the lines that start a `key:` in column 0 (every kind
/// eksflow reads writes its top level in block style), so recognising a file costs a scan of
/// its lines, and the one parse is the loader's. JSON is parsed (JSON has no such lines),
/// once; a file that starts as a flow mapping but is no JSON is parsed as YAML.
///
/// A scenario has `version`, or `cluster` and another scenario field, among top-level keys
/// that are mostly scenario fields (in some document of the file); Terraform has
/// `format_version` with `planned_values`, `values` or `resource_changes`; CloudFormation
/// `Resources`; eksctl `kind: ClusterConfig`; AWS CLI output is JSON with one of
/// [`import::aws::RECOGNISED_KEYS`] — `cluster`, `Vpcs`, `Subnets`, `RouteTables` or a
/// Route 53 Resolver response's key (`{"cluster": …}` alone is `describe-cluster`, not a
/// scenario). A file whose YAML is broken is still a scenario when it has such keys, so its
/// problems are reported rather than skipped.
pub fn recognise(text: &str) -> What {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if looks_like_json(text) {
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
            let keys: Vec<&str> = json
                .as_object()
                .map(|object| object.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let integer_version = json.get("version").is_some_and(serde_json::Value::is_u64);
            return classify(&keys, false, integer_version);
        }
        // A flow-style YAML document: rare enough to parse.
        return recognise_parsed(text);
    }
    let mut keys: Vec<&str> = Vec::new();
    let (mut eksctl, mut integer_version) = (false, false);
    for line in text.lines() {
        if line == "---" || line.starts_with("--- ") {
            // A new document: judge the one before on its own.
            if classify_yaml(&keys, eksctl, integer_version) != What::Unknown {
                break;
            }
            keys.clear();
            (eksctl, integer_version) = (false, false);
            continue;
        }
        let Some(key) = top_level_key(line) else {
            continue;
        };
        let value = line.split_once(':').map_or("", |(_, value)| value);
        let value = value.split(" #").next().unwrap_or_default().trim();
        match key {
            "kind" if value == "ClusterConfig" => eksctl = true,
            "version" => integer_version = value.trim_matches(['"', '\'']).parse::<u64>().is_ok(),
            _ => {}
        }
        keys.push(key);
    }
    classify_yaml(&keys, eksctl, integer_version)
}

/// [`classify`] for YAML: AWS CLI output is JSON, so a YAML `cluster:` is not it.
fn classify_yaml(keys: &[&str], eksctl: bool, integer_version: bool) -> What {
    match classify(keys, eksctl, integer_version) {
        What::Import(Kind::Aws) => What::Unknown,
        what => what,
    }
}

/// `key` of a line `key: …` or `key:` in column 0 (plain or quoted), not a comment.
fn top_level_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '{' | '[' | '&' | '*' | '!' | '|' | '>')
    {
        return None;
    }
    let (key, _) = line.split_once(':')?;
    let key = key.trim_end().trim_matches(|c| c == '"' || c == '\'');
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then_some(key)
}

/// The kind a document's top-level keys say. `integer_version`: its `version` is a number,
/// as a scenario's is (`version: 1`; a Helm chart's `version: 0.1.0` is not).
fn classify(keys: &[&str], eksctl: bool, integer_version: bool) -> What {
    let has = |key: &str| keys.contains(&key);
    if eksctl {
        return What::Import(Kind::Eksctl);
    }
    if has("format_version") && (has("planned_values") || has("values") || has("resource_changes"))
    {
        return What::Import(Kind::Terraform);
    }
    if has("Resources") {
        return What::Import(Kind::CloudFormation);
    }
    let known = keys
        .iter()
        .filter(|key| SCENARIO_FIELDS.contains(key))
        .count();
    // `version: 1` and another scenario field is a scenario however many fields are
    // misspelt (they are reported); `cluster` alone needs mostly scenario fields beside it.
    if (integer_version && known >= 2) || (has("cluster") && known >= 2 && known * 2 >= keys.len())
    {
        return What::Scenario;
    }
    if import::aws::RECOGNISED_KEYS.iter().any(|key| has(key)) {
        return What::Import(Kind::Aws);
    }
    What::Unknown
}

/// [`recognise`] for a flow-style YAML document, by its parsed top-level keys.
fn recognise_parsed(text: &str) -> What {
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return What::Unknown;
    };
    let keys: Vec<&str> = value
        .as_mapping()
        .map(|mapping| {
            mapping
                .keys()
                .filter_map(serde_yaml::Value::as_str)
                .collect()
        })
        .unwrap_or_default();
    let eksctl = value.get("kind").and_then(serde_yaml::Value::as_str) == Some("ClusterConfig");
    let integer_version = value.get("version").is_some_and(serde_yaml::Value::is_u64);
    classify_yaml(&keys, eksctl, integer_version)
}

fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}

/// How to load inputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Clients (and their networks and DNS servers) merged into imported scenarios
    /// (`--clients FILE`), and appended to a scenario's own.
    pub clients: Option<&'a ExtraClients>,
    /// When an input is not recognised: load it as a scenario anyway, so its problems are
    /// reported (a file named on the command line), or skip it (a file found in a
    /// directory walk).
    pub skip_unknown: bool,
}

/// The scenarios of one input, or why there are none.
#[derive(Debug)]
pub struct Loaded {
    /// The name to print: the path as given, `<stdin>` for `-`.
    pub file: String,
    pub what: What,
    pub documents: Vec<Document>,
}

impl Loaded {
    /// Skipped: not a kind eksflow reads (only with [`Options::skip_unknown`]).
    pub fn skipped(&self) -> bool {
        self.what == What::Unknown && self.documents.is_empty()
    }

    pub fn failed(&self) -> bool {
        self.documents.iter().any(Result::is_err)
    }
}

/// The name a path is printed as.
pub fn display_name(path: &str) -> String {
    if path == STDIN {
        "<stdin>".to_owned()
    } else {
        path.to_owned()
    }
}

/// Loads one input: a file, `-` for standard input, or a directory of AWS CLI output.
pub fn load(path: &str, options: Options<'_>) -> Loaded {
    let file = display_name(path);
    if path != STDIN && Path::new(path).is_dir() {
        if !has_json(Path::new(path)) {
            return Loaded {
                file: file.clone(),
                what: What::Unknown,
                documents: vec![Err(vec![Diagnostic::file(
                    LoadCode::Unrecognised,
                    &file,
                    "is a directory: `check` takes files, or a directory of AWS CLI output (`*.json`, see scripts/collect-aws.sh); `lint` walks directories",
                )])],
            };
        }
        let documents = imported(&file, Kind::Aws, None, options, || {
            import::read(Kind::Aws, path)
        });
        return Loaded {
            file,
            what: What::Import(Kind::Aws),
            documents,
        };
    }
    match scenario::read_source(path) {
        Ok(text) => load_text(&file, &text, options),
        Err(mut diagnostic) => {
            diagnostic.file = file.clone();
            Loaded {
                file,
                what: What::Unknown,
                documents: vec![Err(vec![diagnostic])],
            }
        }
    }
}

/// [`load`] for text already in memory; `file` names it in messages.
pub fn load_text(file: &str, text: &str, options: Options<'_>) -> Loaded {
    let what = recognise(text);
    let documents = match what {
        What::Scenario => with_clients(scenario::load_str(file, text), file, text, options),
        What::Import(kind) => imported(file, kind, Some(text), options, || {
            import::read_str(kind, file, text)
        }),
        What::Unknown if options.skip_unknown => Vec::new(),
        // Nothing but comments and document markers: the scenario loader says it is empty.
        What::Unknown if is_blank(text) => scenario::load_str(file, text),
        What::Unknown => vec![Err(vec![not_recognised(file)])],
    };
    Loaded {
        file: file.to_owned(),
        what,
        documents,
    }
}

/// Whether `dir` holds a `*.json` file (AWS CLI output is one response a file).
fn has_json(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.path().extension().is_some_and(|ext| ext == "json"))
    })
}

/// One line for a file named on the command line that is no kind eksflow reads: what it
/// is not, and the two ways on.
fn not_recognised(file: &str) -> Diagnostic {
    Diagnostic::file(
        LoadCode::Unrecognised,
        file,
        "not a scenario (no `version:` or `cluster:`), nor an eksctl ClusterConfig, Terraform plan or state, CloudFormation template or AWS CLI output: write a scenario (README, \"Your first scenario\") or name the source's kind with `eksflow import KIND FILE`",
    )
}

/// Only blank lines, comments and document markers.
fn is_blank(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#') || line == "---" || line == "..."
    })
}

/// Appends `--clients` to each scenario of a scenario file: its clients, networks and DNS
/// servers go after the file's own, so every path the user wrote keeps its position.
fn with_clients(
    documents: Vec<Document>,
    file: &str,
    text: &str,
    options: Options<'_>,
) -> Vec<Document> {
    let Some(extra) = options.clients else {
        return documents;
    };
    // A file that does not load is reported as it is; the clients change nothing there.
    if documents.iter().any(Result::is_err) {
        return documents;
    }
    let spans = Arc::new(FileSpans::new(Arc::from(text)));
    serde_yaml::Deserializer::from_str(text)
        .filter_map(|document| {
            <serde_yaml::Value as serde::Deserialize>::deserialize(document).ok()
        })
        .filter(|value| !value.is_null())
        .enumerate()
        .map(|(index, mut value)| {
            if let Some(mapping) = value.as_mapping_mut() {
                for (key, items) in [
                    ("clients", &extra.clients),
                    ("networks", &extra.networks),
                    ("dnsServers", &extra.dns_servers),
                ] {
                    if items.is_empty() {
                        continue;
                    }
                    let entry = mapping
                        .entry(serde_yaml::Value::from(key))
                        .or_insert_with(|| serde_yaml::Value::Sequence(Vec::new()));
                    if let Some(list) = entry.as_sequence_mut() {
                        list.extend(items.iter().cloned());
                    }
                }
            }
            let merged = serde_yaml::to_string(&value).map_err(|error| {
                vec![Diagnostic::file(
                    LoadCode::Import,
                    file,
                    format!("--clients: cannot merge: {error}"),
                )]
            })?;
            let mut loaded = scenario::load_one(file, &merged)?;
            let own = DocumentSpans::new(Arc::clone(&spans), index);
            // A merged client's path is not in the user's file: its position falls back to
            // the nearest ancestor there (`clients`).
            loaded.source.origin =
                Some(Arc::new(SourceMap::new(own, |path| Some(path.to_owned()))));
            Ok(loaded)
        })
        .collect()
}

/// Imports a source in memory and loads its scenarios, each naming `file` and mapping its
/// positions back to the source where the importer knows them.
fn imported(
    file: &str,
    kind: Kind,
    text: Option<&str>,
    options: Options<'_>,
    read: impl FnOnce() -> Result<import::Inventory, Diagnostic>,
) -> Vec<Document> {
    // Reported at the file, the path into the source leading the message, as before the
    // importers shared the error type.
    let to_diagnostic = |error: Diagnostic| {
        let message = if error.path.is_empty() {
            error.message
        } else {
            format!("{}: {}", error.path, error.message)
        };
        vec![Diagnostic::file(error.code, file, message)]
    };
    let inventory = match read() {
        Ok(inventory) => inventory,
        Err(error) => return vec![Err(to_diagnostic(error))],
    };
    let import_options = import::Options {
        cluster: None,
        extra: options.clients.cloned(),
    };
    let built = match import::build::build(&inventory, &import_options)
        .map_err(|message| Diagnostic::import(file, "", message))
        .and_then(|built| import::check_loads(file, &built).map(|()| built))
    {
        Ok(built) => built,
        Err(error) => return vec![Err(to_diagnostic(error))],
    };
    let source_spans = text
        .filter(|_| matches!(kind, Kind::Eksctl | Kind::CloudFormation))
        .map(|text| DocumentSpans::new(Arc::new(FileSpans::new(Arc::from(text))), 0));
    let mut documents = Vec::new();
    for scenario in &built {
        for document in scenario::load_str(file, &scenario.yaml) {
            documents.push(document.map(|mut loaded| {
                let origin = match (&source_spans, text) {
                    (Some(spans), Some(text)) => import::origin::source_map(
                        kind,
                        text,
                        &scenario.cluster,
                        &scenario.yaml,
                        spans.clone(),
                    ),
                    _ => SourceMap::unknown(),
                };
                loaded.source.origin = Some(Arc::new(origin));
                loaded.source.file = file.to_owned();
                loaded
            }));
        }
    }
    documents
}

/// The two sides of a Terraform plan (`eksflow diff PLAN`): its `prior_state` (what exists
/// now; `None` for a plan with none, where every flow is new) and its planned values, each
/// imported as `eksflow import` would.
pub fn plan_sides(
    path: &str,
    options: Options<'_>,
) -> Result<(Option<Loaded>, Loaded), Diagnostic> {
    let file = display_name(path);
    let text = scenario::read_source(path).map_err(|mut diagnostic| {
        diagnostic.file = file.clone();
        diagnostic
    })?;
    let plan: serde_json::Value = serde_json::from_str(&text).map_err(|error| {
        Diagnostic::file(
            LoadCode::Unrecognised,
            &file,
            format!(
                "`diff` with one input takes a Terraform plan (`terraform show -json PLAN`), and this is not JSON (line {} column {}: {error}); to compare two inputs, give both: `eksflow diff BEFORE AFTER`",
                error.line(),
                error.column()
            ),
        )
    })?;
    if recognise(&text) != What::Import(Kind::Terraform) || plan.get("planned_values").is_none() {
        return Err(Diagnostic::file(
            LoadCode::Unrecognised,
            &file,
            "`diff` with one input takes a Terraform plan (`terraform show -json PLAN`, with `planned_values`); to compare two inputs, give both: `eksflow diff BEFORE AFTER`",
        ));
    }
    let after = load_text(&file, &text, options);
    let before = match import::read_plan_prior_str(&file, &text) {
        Ok(None) => None,
        // A plan that creates the cluster has a prior state without one: nothing to
        // compare, so every flow of the plan is `added`.
        Ok(Some(inventory)) if inventory.clusters.is_empty() => Some(Vec::new()),
        Ok(Some(mut inventory)) => {
            // Both sides name the plan alike, so an EKS019 note the two share is the same
            // finding on both sides, not one removed and one added.
            inventory.source = format!("terraform plan ({file})");
            Some(imported(&file, Kind::Terraform, None, options, || {
                Ok(inventory)
            }))
        }
        Err(error) => Some(imported(&file, Kind::Terraform, None, options, || {
            Err(error)
        })),
    }
    .map(|documents| Loaded {
        file: file.clone(),
        what: What::Import(Kind::Terraform),
        documents,
    });
    Ok((before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_kind_by_its_top_level_keys() {
        let eksctl = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: x\n";
        assert_eq!(recognise(eksctl), What::Import(Kind::Eksctl));
        let cfn = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n";
        assert_eq!(recognise(cfn), What::Import(Kind::CloudFormation));
        let plan = r#"{"format_version": "1.2", "planned_values": {}}"#;
        assert_eq!(recognise(plan), What::Import(Kind::Terraform));
        assert_eq!(
            recognise(r#"{"cluster": {"name": "x"}}"#),
            What::Import(Kind::Aws)
        );
        assert_eq!(
            recognise("version: 1\nname: x\ncluster:\n  name: x\n"),
            What::Scenario
        );
        assert_eq!(
            recognise("{version: 1, name: x, cluster: {name: x}}"),
            What::Scenario
        );
        // Broken YAML with a scenario's keys is still a scenario, to be reported.
        assert_eq!(recognise("version: 1\ncluster: [\n"), What::Scenario);
        // Route 53 Resolver responses are AWS CLI output, each by its own top-level key.
        for key in [
            "ResolverEndpoints",
            "ResolverEndpoint",
            "IpAddresses",
            "ResolverRules",
            "ResolverRule",
            "ResolverRuleAssociations",
        ] {
            let response = format!(r#"{{"MaxResults": 10, "{key}": []}}"#);
            assert_eq!(recognise(&response), What::Import(Kind::Aws), "{key}");
        }
        // Misspelt fields do not make a scenario something else.
        let misspelt = "version: 1\nname: x\nclsuter: {}\nvpc: []\nclient: []\n";
        assert_eq!(recognise(misspelt), What::Scenario);
    }

    #[test]
    fn manifests_workflows_and_helm_values_are_none_of_ours() {
        let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n";
        assert_eq!(recognise(manifest), What::Unknown);
        assert_eq!(recognise("on: push\njobs: {}\n"), What::Unknown);
        // Helm values with a `cluster:` key and nothing else of a scenario's.
        assert_eq!(
            recognise("replicaCount: 2\ncluster: {name: web}\n"),
            What::Unknown
        );
        // YAML `cluster:` is a scenario's field, never AWS CLI output (which is JSON).
        assert_eq!(recognise("cluster:\n  name: x\n"), What::Unknown);
        // A Helm chart: `version` is the chart's semver.
        let chart = "apiVersion: v2\nname: web\ndescription: x\nversion: 0.1.0\nappVersion: 1.0\n";
        assert_eq!(recognise(chart), What::Unknown);
    }

    #[test]
    fn the_scenario_in_a_later_document_is_found() {
        let stream = "kind: ConfigMap\n---\nversion: 1\nname: x\ncluster: {}\n";
        assert_eq!(recognise(stream), What::Scenario);
    }
}
