//! The JSON Schema for editors (`eksflow schema`, `docs/scenario.schema.json`): the committed
//! file is what the tool prints, it is a valid 2020-12 schema, every scenario the loader
//! accepts validates against it, and what the loader rejects as a misspelt field or a wrong
//! type the schema rejects too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use eksflow::scenario::schema;
use eksflow::source::{self, What};
use serde::Deserialize;
use serde_json::Value;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario.schema.json");

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema::schema()).unwrap()
}

/// Each YAML document of `text` as JSON (what an editor's YAML language server checks).
fn documents(text: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text)
        .map(|document| Value::deserialize(document).unwrap())
        .filter(|value| !value.is_null())
        .collect()
}

fn errors(validator: &jsonschema::Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

#[test]
fn the_committed_schema_is_what_eksflow_schema_prints() {
    let committed = std::fs::read_to_string(COMMITTED).unwrap();
    let printed = Command::cargo_bin("eksflow")
        .unwrap()
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(printed.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(printed.stdout).unwrap(),
        schema::schema_text()
    );
    assert!(
        committed == schema::schema_text(),
        "docs/scenario.schema.json is stale: run `cargo run -- schema > docs/scenario.schema.json`"
    );
}

#[test]
fn the_schema_is_a_valid_2020_12_schema_of_the_scenario_format() {
    let schema = schema::schema();
    jsonschema::meta::validate(&schema).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let top: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for field in [
        "version",
        "name",
        "cluster",
        "vpcs",
        "clients",
        "dnsServers",
    ] {
        assert!(top.contains(&field), "{field} missing from {top:?}");
    }
    assert_eq!(
        schema["$defs"]["Subnet"]["properties"]["routeTable"]["type"],
        serde_json::json!(["string", "null"])
    );
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_scenario_the_loader_accepts_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    yaml_files(&root.join("scenarios"), &mut files);
    let bundled = files.len();
    yaml_files(&root.join("tests/fixtures"), &mut files);
    let validator = validator();
    let mut checked = 0;
    for (i, file) in files.iter().enumerate() {
        let loaded = source::load(file.to_str().unwrap(), source::Options::default());
        let accepted = loaded.what == What::Scenario
            && !loaded.documents.is_empty()
            && loaded.documents.iter().all(Result::is_ok);
        // Every bundled scenario loads; a fixture may be invalid on purpose.
        assert!(accepted || i >= bundled, "{} does not load", file.display());
        if !accepted {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for document in documents(&text) {
            let problems = errors(&validator, &document);
            assert!(problems.is_empty(), "{}: {problems:#?}", file.display());
            checked += 1;
        }
    }
    assert!(checked > bundled, "only {checked} scenarios validated");
}

fn private_scenario() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/private.yaml");
    std::fs::read_to_string(path).unwrap()
}

/// The loader's verdict on `text`: whether it loads, and its messages.
fn loads(text: &str) -> (bool, String) {
    let loaded = source::load_text("edited.yaml", text, source::Options::default());
    let messages: Vec<String> = loaded
        .documents
        .iter()
        .filter_map(|document| document.as_ref().err())
        .flatten()
        .map(ToString::to_string)
        .collect();
    (messages.is_empty(), messages.join("\n"))
}

#[test]
fn a_misspelt_field_fails_validation_where_the_loader_rejects_it() {
    let text = private_scenario();
    assert!(text.contains("enableDnsHostnames:"));
    let validator = validator();
    assert!(errors(&validator, &documents(&text)[0]).is_empty());

    let misspelt = text.replacen("enableDnsHostnames:", "enableDnsHostname:", 1);
    let (loaded, messages) = loads(&misspelt);
    assert!(
        !loaded && messages.contains("enableDnsHostname"),
        "{messages}"
    );
    let problems = errors(&validator, &documents(&misspelt)[0]);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("enableDnsHostname") && problems[0].contains("/vpcs/0"),
        "{problems:#?}"
    );

    let top_level = format!("{text}\nclient: []\n");
    assert!(!loads(&top_level).0);
    assert!(!errors(&validator, &documents(&top_level)[0]).is_empty());
}

#[test]
fn a_number_where_text_belongs_fails_both_and_an_empty_list_passes_both() {
    let text = private_scenario();
    let validator = validator();
    let numbered = text.replacen("name: ", "name: 2024 #", 1);
    assert!(!loads(&numbered).0);
    assert!(!errors(&validator, &documents(&numbered)[0]).is_empty());

    // `clients:` with nothing under it is no clients, for the loader and the schema alike.
    let start = text.find("\nclients:").unwrap();
    let empty = format!("{}\nclients:\n", &text[..start]);
    let (loaded, messages) = loads(&empty);
    assert!(loaded, "{messages}");
    assert!(errors(&validator, &documents(&empty)[0]).is_empty());
}

/// Every bundled scenario names the schema on its first lines, for the YAML language server
/// (VS Code, Neovim, Helix) and for JetBrains IDEs, with a path that resolves from the file
/// to the committed schema.
#[test]
fn every_bundled_scenario_names_the_schema_for_editors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("# yaml-language-server: $schema=../docs/scenario.schema.json"),
            "{}",
            path.display()
        );
        assert_eq!(
            lines.next(),
            Some("# $schema: ../docs/scenario.schema.json"),
            "{}",
            path.display()
        );
        assert!(dir.join("../docs/scenario.schema.json").is_file());
        seen += 1;
    }
    assert!(seen >= 18, "only {seen} bundled scenarios");
}
