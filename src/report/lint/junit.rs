//! `lint --format junit`: one test suite per file, one test case per client flow and per rule
//! that ran. A flow fails when its expectation is not met (or a node group cannot reach the
//! API server); a rule fails when it found an error (or a warning under `--deny warnings`).

use std::fmt::Write;

use crate::escape;
use crate::lint::FileReport;
use crate::rules::{Code, Severity};

/// Text for XML content: its control characters shown as `\u{…}` ([`escape::lines`]; the
/// report is printed into CI logs), markup escaped, and every character XML 1.0 does not
/// allow even as a reference (U+FFFE, U+FFFF) shown the same way, so the document parses
/// whatever the input held. Line ends are kept.
fn escape(text: &str) -> String {
    let shown = escape::lines(text);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if !xml_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for an XML attribute: as [`escape`], with line ends as references (a parser turns
/// a literal one into a space).
fn attribute(text: &str) -> String {
    escape(text).replace('\n', "&#10;")
}

/// XML 1.0's `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

struct Case {
    name: String,
    failure: Option<(String, String)>,
    error: Option<String>,
    output: Option<String>,
}

/// One file's `<testsuite>`, made while its scenarios are alive, kept after they are gone.
#[derive(Debug, Clone, Default)]
pub struct Suite {
    xml: String,
    tests: usize,
    failures: usize,
    errors: usize,
}

/// The whole report from every file's suite, in file order.
pub fn render(suites: &[&Suite]) -> String {
    let (all_tests, all_failures, all_errors) = suites.iter().fold((0, 0, 0), |(t, f, e), s| {
        (t + s.tests, f + s.failures, e + s.errors)
    });
    let body: String = suites.iter().map(|suite| suite.xml.as_str()).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"eksflow\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"{all_errors}\">\n{body}</testsuites>\n"
    )
}

/// The suite of one file: a case per load problem, per client flow and per rule that ran.
pub fn suite(report: &FileReport<'_>, codes: &[Code], deny_warnings: bool) -> Suite {
    let mut suites = String::new();
    {
        let mut cases = Vec::new();
        for diagnostic in &report.invalid {
            cases.push(Case {
                name: "load scenario".to_owned(),
                failure: None,
                error: Some(format!(
                    "{diagnostic} {}",
                    crate::lint::load_suffix(diagnostic.code)
                )),
                output: None,
            });
        }
        for linted in &report.scenarios {
            let analysis = &linted.analysis;
            let prefix = if report.scenarios.len() > 1 {
                format!("{}: ", analysis.scenario.name)
            } else {
                String::new()
            };
            for flow in &analysis.flows {
                let verdict = match &flow.blocked {
                    None => format!(
                        "{} endpoint, reachable",
                        flow.endpoint.map_or("no", |e| e.as_str())
                    ),
                    Some(blocked) => {
                        format!("blocked: {} — {}", blocked.reason, blocked.blocked_by)
                    }
                };
                let failed_expectation = flow.expectation.is_some_and(|e| !e.met);
                let failed_node = flow.client.node_group.is_some() && !flow.reachable();
                cases.push(Case {
                    name: format!("{prefix}flow {}", flow.client.name),
                    failure: (failed_expectation || failed_node).then(|| {
                        // A node group that cannot reach the API is EKS008; any other
                        // failed expectation is EKS013.
                        let code = if failed_node {
                            Code::Eks008
                        } else {
                            Code::Eks013
                        };
                        (code.as_str().to_owned(), verdict.clone())
                    }),
                    error: None,
                    output: Some(verdict),
                });
            }
            for code in codes {
                let found: Vec<_> = linted.findings.iter().filter(|f| f.code == *code).collect();
                let failing = found.iter().any(|f| {
                    f.severity == Severity::Error
                        || (deny_warnings && f.severity == Severity::Warning)
                });
                let text = found
                    .iter()
                    .map(|f| {
                        let line = f
                            .position
                            .map(|p| format!(":{}:{}", p.line, p.column))
                            .unwrap_or_default();
                        format!(
                            "{}{line}: {} [{}] {}",
                            report.file, f.code, f.severity, f.message
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                cases.push(Case {
                    name: format!("{prefix}rule {code} {}", code.rule().name),
                    failure: failing.then(|| (code.as_str().to_owned(), text.clone())),
                    error: None,
                    output: (!text.is_empty() && !failing).then_some(text),
                });
            }
        }
        let failures = cases.iter().filter(|c| c.failure.is_some()).count();
        let errors = cases.iter().filter(|c| c.error.is_some()).count();
        let tests = cases.len();
        let file = attribute(report.file);
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{file}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\">",
            cases.len()
        );
        for case in cases {
            let _ = write!(
                suites,
                "    <testcase classname=\"{file}\" name=\"{}\"",
                attribute(&case.name)
            );
            if case.failure.is_none() && case.error.is_none() && case.output.is_none() {
                suites.push_str("/>\n");
                continue;
            }
            suites.push_str(">\n");
            if let Some((kind, text)) = &case.failure {
                let message = text.lines().next().unwrap_or_default();
                let _ = writeln!(
                    suites,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    attribute(kind),
                    attribute(message),
                    escape(text)
                );
            }
            if let Some(text) = &case.error {
                let _ = writeln!(
                    suites,
                    "      <error type=\"EKS000\" message=\"{}\"/>",
                    attribute(text)
                );
            }
            if let Some(text) = &case.output {
                let _ = writeln!(suites, "      <system-out>{}</system-out>", escape(text));
            }
            suites.push_str("    </testcase>\n");
        }
        suites.push_str("  </testsuite>\n");
        Suite {
            xml: suites,
            tests,
            failures,
            errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b & \"c\"\u{1}\u{1b}[2J"),
            "a&lt;b &amp; &quot;c&quot;\\u{1}\\u{1b}[2J"
        );
    }

    #[test]
    fn characters_xml_forbids_are_shown_not_written() {
        assert_eq!(escape("a\u{fffe}b\u{ffff}"), "a\\u{fffe}b\\u{ffff}");
        assert_eq!(escape("ok \u{fffd} \u{10000}"), "ok \u{fffd} \u{10000}");
        assert_eq!(attribute("one\ntwo"), "one&#10;two");
    }
}
