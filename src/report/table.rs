//! The terminal flow table (`check`, `compare`).

use std::fmt::Write;

use super::Style;
use super::cells;
use super::layout::{Cell, Grid, prose};
use super::wrap::Tone;
use crate::analysis::{Analysis, Flow};
use crate::checked::Checked;
use crate::rules::{Finding, Severity};

fn verdict_tone(flow: &Flow) -> Tone {
    if flow.reachable() {
        Tone::Good
    } else {
        Tone::Bad
    }
}

fn expectation_cell(flow: &Flow) -> Cell {
    let text = cells::expectation(flow);
    let tone = match text {
        "FAILED" => Tone::Bad,
        "met" => Tone::Good,
        _ => Tone::Plain,
    };
    Cell::toned(text, tone)
}

/// `check`'s report for one scenario: heading, flow table, blocked flows, findings, summary.
pub fn check(checked: &Checked<'_>, style: Style) -> String {
    check_fixed(checked, &crate::fix::Fixes::none(), style)
}

/// [`check`] with each blocked must-reach flow's fix under it.
pub fn check_fixed(checked: &Checked<'_>, fixes: &crate::fix::Fixes, style: Style) -> String {
    let analysis = &checked.analysis;
    let scenario = analysis.scenario;
    let mut out = String::new();
    let title = format!("{}  ({})", scenario.name, scenario.source.file);
    prose(&mut out, &title, style, 2);
    prose(&mut out, &cells::heading(analysis), style, 2);
    if analysis.flows.is_empty() {
        out.push('\n');
        prose(
            &mut out,
            "no clients: add `clients:` to see flows",
            style,
            2,
        );
    } else {
        let header = [
            "client",
            "source",
            "DNS server",
            "answered by",
            "addresses",
            "endpoint",
            "verdict",
            "expect",
        ];
        let rows = analysis
            .flows
            .iter()
            .map(|flow| {
                vec![
                    Cell::plain(&flow.client.name),
                    Cell::plain(flow.source.to_string()),
                    Cell::plain(cells::dns_server(flow)),
                    Cell::plain(flow.dns.answered_by.as_str()),
                    Cell::plain(cells::addresses(flow)),
                    Cell::plain(cells::endpoint(flow)),
                    Cell::toned(cells::verdict(flow), verdict_tone(flow)),
                    expectation_cell(flow),
                ]
            })
            .collect();
        let grid = Grid {
            header: header.iter().map(|&text| text.to_owned()).collect(),
            rows,
        };
        let _ = writeln!(out, "{}", grid.render(style));
    }
    write_proxy_legs(&mut out, &analysis.flows, style);
    let blocked: Vec<&Flow> = analysis
        .flows
        .iter()
        .filter(|flow| flow.blocked.is_some())
        .collect();
    if !blocked.is_empty() {
        let _ = writeln!(out, "\nblocked:");
        for flow in blocked {
            if let Some(blocked) = &flow.blocked {
                let line = format!(
                    "  {}: {} — {}",
                    flow.client.name, blocked.reason, blocked.blocked_by
                );
                prose(&mut out, &line, style, 4);
                if let Some(fix) = fixes.of(flow) {
                    let line = format!("    {}", crate::fix::line(fix));
                    prose(&mut out, &line, style, 6);
                }
            }
        }
    }
    write_kubelet_fixes(&mut out, analysis, fixes, style);
    write_findings(&mut out, &checked.findings, &scenario.source.file, style);
    out.push('\n');
    prose(&mut out, &cells::summary(checked), style, 2);
    out
}

/// The blocked control plane → kubelet checks a fix was searched for, each with its block
/// and its `fix:` line (issue 14). Nothing when no search ran.
fn write_kubelet_fixes(
    out: &mut String,
    analysis: &Analysis<'_>,
    fixes: &crate::fix::Fixes,
    style: Style,
) {
    let searched: Vec<_> = analysis
        .kubelet
        .iter()
        .filter_map(|check| fixes.of_kubelet(check).map(|fix| (check, fix)))
        .collect();
    if searched.is_empty() {
        return;
    }
    let _ = writeln!(out, "\ncontrol plane → kubelet (tcp/10250) blocked:");
    for (check, fix) in searched {
        let line = match cells::kubelet_blocked(check) {
            Some(blocked) => format!(
                "  {}: {} — {}",
                check.node.name, blocked.reason, blocked.blocked_by
            ),
            None => format!("  {}: blocked", check.node.name),
        };
        prose(out, &line, style, 4);
        let line = format!("    {}", crate::fix::line(fix));
        prose(out, &line, style, 6);
    }
}

/// Each flow through an HTTPS proxy with both legs' verdicts (SPEC 10.2), so the reader
/// sees which leg blocks: `laptop via proxy squid 54.180.1.9:3128 — leg 1 client→proxy:
/// reachable; leg 2 proxy→API: blocked: SG_INGRESS_DENY`. Nothing without a proxied flow.
fn write_proxy_legs(out: &mut String, flows: &[Flow<'_>], style: Style) {
    let legs: Vec<(&Flow, cells::ProxyLegs)> = flows
        .iter()
        .filter_map(|flow| cells::proxy_legs(flow).map(|legs| (flow, legs)))
        .collect();
    if legs.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nthrough a proxy:");
    for (flow, legs) in legs {
        let line = format!("  {} {}", flow.client.name, legs.line());
        prose(out, &line, style, 4);
    }
}

/// Findings as `severity CODE FILE:LINE:COL path: message` lines, wrapped at spaces to the
/// style's width.
pub fn write_findings(out: &mut String, findings: &[Finding], file: &str, style: Style) {
    write_findings_under(out, "findings", findings, file, style);
}

/// [`write_findings`] under another heading (`diff`: "findings added").
pub(crate) fn write_findings_under(
    out: &mut String,
    title: &str,
    findings: &[Finding],
    file: &str,
    style: Style,
) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}:");
    for finding in findings {
        let location = match finding.position {
            Some(position) => format!("{file}:{}:{}", position.line, position.column),
            None => file.to_owned(),
        };
        let line = format!(
            "  {} {} {location} {}: {}",
            severity_word(finding.severity),
            finding.code,
            finding.path,
            finding.message
        );
        prose(out, &line, style, 4);
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
    let title = format!("{}  ({})", scenario.name, scenario.source.file);
    prose(&mut out, &title, style, 2);
    let heading = format!(
        "cluster {} ({}) · scenario mode {} · endpoint {}",
        scenario.cluster.name,
        scenario.cluster.region,
        scenario.cluster.access,
        super::json::endpoint_name(first)
    );
    prose(&mut out, &heading, style, 2);
    let mut header = vec!["client".to_owned()];
    header.extend(analyses.iter().map(|analysis| {
        if analysis.mode == scenario.cluster.access {
            format!("{} (scenario)", analysis.mode)
        } else {
            analysis.mode.to_string()
        }
    }));
    let rows = scenario
        .clients
        .iter()
        .enumerate()
        .map(|(i, client)| {
            let mut row = vec![Cell::plain(&client.name)];
            row.extend(analyses.iter().filter_map(|analysis| {
                let flow = analysis.flows.get(i)?;
                let text = format!("{} · {}", cells::endpoint(flow), cells::verdict(flow));
                Some(Cell::toned(text, verdict_tone(flow)))
            }));
            row
        })
        .collect();
    let _ = writeln!(out, "{}", Grid { header, rows }.render(style));
    if let Some(own) = own_mode(modes) {
        write_findings(&mut out, &own.findings, &scenario.source.file, style);
        out.push('\n');
        let summary = format!("{} (scenario): {}", own.analysis.mode, cells::summary(own));
        prose(&mut out, &summary, style, 2);
    }
    out
}

/// The column of the scenario's own mode, whose verdict is `compare`'s exit code.
pub(crate) fn own_mode<'a, 's>(modes: &'a [Checked<'s>]) -> Option<&'a Checked<'s>> {
    modes
        .iter()
        .find(|checked| checked.analysis.mode == checked.analysis.scenario.cluster.access)
}
