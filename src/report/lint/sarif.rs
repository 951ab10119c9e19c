//! `lint --format sarif`: SARIF 2.1.0, with a `tool.driver.rules` entry per rule and results
//! whose physical location is the scenario file line, so code scanning annotates the YAML.

use serde_json::{Value, json};

use crate::lint::{FileFix, FileResult};
use crate::rules::{Code, Severity};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a relative URI (forward slashes, no `./`).
fn uri(file: &str) -> String {
    let file = file.replace('\\', "/");
    file.strip_prefix("./").map(str::to_owned).unwrap_or(file)
}

/// A verified fix as a SARIF `fix`: its summary and one insertion or replacement per edit.
fn sarif_fix(file: &str, fix: &FileFix) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|edit| {
            json!({
                "deletedRegion": {
                    "startLine": edit.line,
                    "startColumn": edit.column,
                    "endLine": edit.line,
                    "endColumn": edit.column + edit.delete,
                },
                "insertedContent": { "text": edit.insert },
            })
        })
        .collect();
    json!({
        "description": { "text": format!("{} (verified)", fix.summary) },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri(file) },
            "replacements": replacements,
        }],
    })
}

pub fn render(reports: &[FileResult], codes: &[Code]) -> String {
    let mut rules: Vec<Code> = vec![Code::Eks000];
    rules.extend(codes.iter().copied().filter(|code| *code != Code::Eks000));
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|code| {
            let rule = code.rule();
            json!({
                "id": code.as_str(),
                "name": rule.name,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.why },
                "help": {
                    "text": format!("{}\n\n{}", rule.fix, rule.references.join("\n")),
                    "markdown": format!("{}\n\n{}", rule.fix, rule.references.iter().map(|r| format!("- {r}")).collect::<Vec<_>>().join("\n")),
                },
                "defaultConfiguration": { "level": level(rule.severity) },
                "properties": { "tags": ["eks", "network"] },
            })
        })
        .collect();
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|report| report.messages().into_iter().map(move |m| (report, m)))
        .map(|(report, message)| {
            let rule_index = rules
                .iter()
                .position(|code| *code == message.code)
                .unwrap_or(0);
            let mut region = serde_json::Map::new();
            if let Some(position) = message.position {
                region.insert("startLine".into(), json!(position.line));
                region.insert("startColumn".into(), json!(position.column));
            }
            let mut physical = serde_json::Map::new();
            physical.insert(
                "artifactLocation".into(),
                json!({ "uri": uri(message.file) }),
            );
            if !region.is_empty() {
                physical.insert("region".into(), Value::Object(region));
            }
            let text = if message.path.is_empty() {
                message.text().into_owned()
            } else {
                format!("{}: {}", message.path, message.text())
            };
            let mut result = json!({
                "ruleId": message.code.as_str(),
                "ruleIndex": rule_index,
                "level": level(message.severity),
                "message": { "text": text },
                "locations": [{ "physicalLocation": physical }],
            });
            let fixes: Vec<Value> = report
                .fixes
                .iter()
                .filter(|fix| fix.belongs_to(&message))
                .map(|fix| sarif_fix(message.file, fix))
                .collect();
            if let (false, Value::Object(object)) = (fixes.is_empty(), &mut result) {
                object.insert("fixes".into(), Value::Array(fixes));
            }
            result
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "eksflow",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": descriptors,
                }
            },
            "results": results,
        }],
    });
    format!("{}\n", crate::report::json::to_string(&sarif))
}
