//! `lint --format github`: GitHub Actions workflow commands, so findings annotate the YAML in
//! pull requests: `::error file=…,line=…,col=…,title=CODE::message`.

use std::fmt::Write;

use crate::escape;
use crate::lint::FileResult;
use crate::rules::Severity;

/// Escapes a workflow command's message (`%`, CR, LF), after showing its other control
/// characters ([`escape::lines`]): the runner prints a message into the job's log, where
/// an escape sequence would act on the reader's terminal. A line end stays `%0A`, which
/// the runner decodes inside the one annotation.
fn escape_data(text: &str) -> String {
    escape::lines(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(reports: &[FileResult]) -> String {
    let mut out = String::new();
    for report in reports {
        for message in report.messages() {
            let level = match message.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut properties = vec![format!("file={}", escape_property(message.file))];
            if let Some(position) = message.position {
                properties.push(format!("line={}", position.line));
                properties.push(format!("col={}", position.column));
            }
            properties.push(format!("title={}", message.code));
            let text = if message.path.is_empty() {
                message.text().into_owned()
            } else {
                format!("{}: {}", message.path, message.text())
            };
            let _ = writeln!(
                out,
                "::{level} {}::{}",
                properties.join(","),
                escape_data(&text)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_workflow_commands_reserve() {
        assert_eq!(escape_data("100% done\nnext"), "100%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_data("x\u{1b}[2J"), "x\\u{1b}[2J");
    }
}
