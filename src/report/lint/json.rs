//! `lint --format json`: one flat array of findings across all files (as ruff does).

use serde::Serialize;

use crate::lint::FileResult;

#[derive(Debug, Serialize)]
struct MessageJson<'a> {
    code: &'static str,
    /// EKS000 only: what kind of load problem (`dangling-reference`); an addition to SPEC 5.
    #[serde(skip_serializing_if = "Option::is_none")]
    load: Option<&'static str>,
    severity: &'static str,
    message: std::borrow::Cow<'a, str>,
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    path: &'a str,
}

pub fn render(reports: &[FileResult]) -> String {
    let messages: Vec<MessageJson<'_>> = reports
        .iter()
        .flat_map(FileResult::messages)
        .map(|message| MessageJson {
            code: message.code.as_str(),
            load: message.load.map(|load| load.as_str()),
            severity: message.severity.as_str(),
            message: message.text(),
            file: message.file,
            line: message.position.map(|p| p.line),
            column: message.position.map(|p| p.column),
            path: message.path,
        })
        .collect();
    format!("{}\n", crate::report::json::to_string(&messages))
}
