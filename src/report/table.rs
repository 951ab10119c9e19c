//! The terminal flow table (`check`, `compare`).

use std::fmt::Write;

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::Style;
use super::cells;
use crate::analysis::{Analysis, Flow};
use crate::checked::Checked;
use crate::rules::{Finding, Severity};

fn new_table(style: Style, header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    table.set_header(header.to_vec());
    match style.width {
        Some(width) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    // Styling is decided by the caller, not by comfy-table's own terminal detection, so the
    // output is the same for the same `Style` everywhere (and snapshot tests are stable).
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

fn verdict_cell(flow: &Flow, style: Style) -> Cell {
    let cell = Cell::new(cells::verdict(flow));
    match (style.color, flow.reachable()) {
        (false, _) => cell,
        (true, true) => cell.fg(Color::Green),
        (true, false) => cell.fg(Color::Red),
    }
}

fn expectation_cell(flow: &Flow, style: Style) -> Cell {
    let text = cells::expectation(flow);
    let cell = Cell::new(text);
    match (style.color, text) {
        (true, "FAILED") => cell.fg(Color::Red),
        (true, "met") => cell.fg(Color::Green),
        _ => cell,
    }
}

/// `check`'s report for one scenario: heading, flow table, blocked flows, findings, summary.
pub fn check(checked: &Checked<'_>, style: Style) -> String {
    let analysis = &checked.analysis;
    let scenario = analysis.scenario;
    let mut out = String::new();
    let _ = writeln!(out, "{}  ({})", scenario.name, scenario.source.file);
    let _ = writeln!(out, "{}", cells::heading(analysis));
    if analysis.flows.is_empty() {
        let _ = writeln!(out, "\nno clients: add `clients:` to see flows");
    } else {
        let mut table = new_table(
            style,
            &[
                "client",
                "source",
                "DNS server",
                "answered by",
                "addresses",
                "endpoint",
                "verdict",
                "expect",
            ],
        );
        for flow in &analysis.flows {
            table.add_row(vec![
                Cell::new(&flow.client.name),
                Cell::new(flow.source),
                Cell::new(cells::dns_server(flow)),
                Cell::new(flow.dns.answered_by.as_str()),
                Cell::new(cells::addresses(flow)),
                Cell::new(cells::endpoint(flow)),
                verdict_cell(flow, style),
                expectation_cell(flow, style),
            ]);
        }
        let _ = writeln!(out, "{table}");
    }
    let blocked: Vec<&Flow> = analysis
        .flows
        .iter()
        .filter(|flow| flow.blocked.is_some())
        .collect();
    if !blocked.is_empty() {
        let _ = writeln!(out, "\nblocked:");
        for flow in blocked {
            if let Some(blocked) = &flow.blocked {
                let _ = writeln!(
                    out,
                    "  {}: {} — {}",
                    flow.client.name, blocked.reason, blocked.blocked_by
                );
            }
        }
    }
    write_findings(&mut out, &checked.findings, &scenario.source.file);
    let _ = writeln!(out, "\n{}", cells::summary(checked));
    out
}

/// Findings as `severity CODE FILE:LINE:COL path: message` lines.
pub fn write_findings(out: &mut String, findings: &[Finding], file: &str) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nfindings:");
    for finding in findings {
        let location = match finding.position {
            Some(position) => format!("{file}:{}:{}", position.line, position.column),
            None => file.to_owned(),
        };
        let _ = writeln!(
            out,
            "  {} {} {location} {}: {}",
            severity_word(finding.severity),
            finding.code,
            finding.path,
            finding.message
        );
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error  ",
        Severity::Warning => "warning",
        Severity::Info => "info   ",
    }
}

/// `compare`: clients × the three modes, then the findings and summary of the scenario's
/// own mode, which decide the exit code.
pub fn compare(modes: &[Checked<'_>], style: Style) -> String {
    let mut out = String::new();
    let analyses: Vec<&Analysis<'_>> = modes.iter().map(|checked| &checked.analysis).collect();
    let Some(first) = analyses.first().copied() else {
        return out;
    };
    let scenario = first.scenario;
    let _ = writeln!(out, "{}  ({})", scenario.name, scenario.source.file);
    let _ = writeln!(
        out,
        "cluster {} ({}) · scenario mode {} · endpoint {}",
        scenario.cluster.name,
        scenario.cluster.region,
        scenario.cluster.access,
        super::json::endpoint_name(first)
    );
    let mut header = vec!["client".to_owned()];
    header.extend(analyses.iter().map(|analysis| {
        if analysis.mode == scenario.cluster.access {
            format!("{} (scenario)", analysis.mode)
        } else {
            analysis.mode.to_string()
        }
    }));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = new_table(style, &header);
    for (i, client) in scenario.clients.iter().enumerate() {
        let mut row = vec![Cell::new(&client.name)];
        for analysis in &analyses {
            if let Some(flow) = analysis.flows.get(i) {
                let text = format!("{} · {}", cells::endpoint(flow), cells::verdict(flow));
                let cell = Cell::new(text);
                row.push(match (style.color, flow.reachable()) {
                    (false, _) => cell,
                    (true, true) => cell.fg(Color::Green),
                    (true, false) => cell.fg(Color::Red),
                });
            }
        }
        table.add_row(row);
    }
    let _ = writeln!(out, "{table}");
    if let Some(own) = own_mode(modes) {
        write_findings(&mut out, &own.findings, &scenario.source.file);
        let _ = writeln!(
            out,
            "\n{} (scenario): {}",
            own.analysis.mode,
            cells::summary(own)
        );
    }
    out
}

/// The column of the scenario's own mode, whose verdict is `compare`'s exit code.
pub(crate) fn own_mode<'a, 's>(modes: &'a [Checked<'s>]) -> Option<&'a Checked<'s>> {
    modes
        .iter()
        .find(|checked| checked.analysis.mode == checked.analysis.scenario.cluster.access)
}
