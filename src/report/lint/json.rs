//! `lint --format json`: one flat array of findings across all files (as ruff does).

use serde::Serialize;

use crate::lint::FileResult;

#[derive(Debug, Serialize)]
struct MessageJson<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
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
            severity: message.severity.as_str(),
            message: message.message,
            file: message.file,
            line: message.position.map(|p| p.line),
            column: message.position.map(|p| p.column),
            path: message.path,
        })
        .collect();
    format!("{}\n", crate::report::json::to_string(&messages))
}
