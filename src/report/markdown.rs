//! Markdown reports for reviewers (`check --format markdown`, `compare --format markdown`).

use std::fmt::Write;

use super::cells;
use crate::analysis::Analysis;
use crate::checked::Checked;
use crate::escape;

/// Escapes a table cell: pipes would end the cell, newlines the row, and control
/// characters from the input are shown ([`escape::text`]), not sent to a terminal.
fn cell(text: &str) -> String {
    escape::text(&text.replace('|', "\\|").replace('\n', " ")).into_owned()
}

fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(
        out,
        "| {} |",
        cells
            .iter()
            .map(|c| cell(c))
            .collect::<Vec<_>>()
            .join(" | ")
    );
}

fn header(out: &mut String, names: &[&str]) {
    row(
        out,
        &names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>(),
    );
    let _ = writeln!(out, "|{}", "---|".repeat(names.len()));
}

pub fn check(checked: &Checked<'_>) -> String {
    check_fixed(checked, &crate::fix::Fixes::none())
}

/// [`check`] with each blocked must-reach flow's fix under it.
pub fn check_fixed(checked: &Checked<'_>, fixes: &crate::fix::Fixes) -> String {
    let analysis = &checked.analysis;
    let scenario = analysis.scenario;
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", cell(&scenario.name));
    let _ = writeln!(
        out,
        "`{}` — {}\n",
        escape::text(&scenario.source.file),
        escape::text(&cells::heading(analysis))
    );
    if let Some(description) = &scenario.description {
        // The one value whose line ends are kept: a description is Markdown prose.
        let _ = writeln!(out, "{}\n", escape::lines(description.trim()));
    }
    header(
        &mut out,
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
        let verdict = if flow.reachable() {
            "✅ reachable".to_owned()
        } else {
            format!("❌ {}", cells::verdict(flow))
        };
        row(
            &mut out,
            &[
                format!("`{}`", flow.client.name),
                flow.source.to_string(),
                cells::dns_server(flow),
                flow.dns.answered_by.as_str().to_owned(),
                cells::addresses(flow),
                cells::endpoint(flow).to_owned(),
                verdict,
                cells::expectation(flow).to_owned(),
            ],
        );
    }
    write_proxy_legs(&mut out, &analysis.flows);
    let blocked: Vec<_> = analysis
        .flows
        .iter()
        .filter_map(|f| f.blocked.as_ref().map(|b| (f, b)))
        .collect();
    if !blocked.is_empty() {
        let _ = writeln!(out, "\n**Blocked flows**\n");
        for (flow, blocked) in blocked {
            let _ = writeln!(
                out,
                "- `{}` — `{}`: {}",
                escape::text(&flow.client.name),
                blocked.reason,
                escape::text(&blocked.blocked_by)
            );
            if let Some(fix) = fixes.of(flow) {
                let _ = writeln!(out, "  - {}", escape::text(&crate::fix::line(fix)));
            }
        }
        write_paths(&mut out, analysis, "");
    }
    let searched: Vec<_> = analysis
        .kubelet
        .iter()
        .filter_map(|check| fixes.of_kubelet(check).map(|fix| (check, fix)))
        .collect();
    if !searched.is_empty() {
        let _ = writeln!(out, "\n**Control plane → kubelet (TCP 10250) blocked**\n");
        for (check, fix) in searched {
            match cells::kubelet_blocked(check) {
                Some(blocked) => {
                    let _ = writeln!(
                        out,
                        "- `{}` — `{}`: {}",
                        escape::text(&check.node.name),
                        blocked.reason,
                        escape::text(&blocked.blocked_by)
                    );
                }
                None => {
                    let _ = writeln!(out, "- `{}` — blocked", escape::text(&check.node.name));
                }
            }
            let _ = writeln!(out, "  - {}", escape::text(&crate::fix::line(fix)));
        }
    }
    write_findings(&mut out, &checked.findings);
    let _ = writeln!(out, "\n_{}_", cells::summary(checked));
    // Values are escaped where they are placed (a newline in one would start a line of
    // its own); this pass is the backstop for any placed without.
    escape::lines(&out).into_owned()
}

pub fn compare(modes: &[Checked<'_>]) -> String {
    let mut out = String::new();
    let analyses: Vec<&Analysis<'_>> = modes.iter().map(|checked| &checked.analysis).collect();
    let Some(first) = analyses.first().copied() else {
        return out;
    };
    let scenario = first.scenario;
    let _ = writeln!(out, "## {} — all endpoint modes\n", cell(&scenario.name));
    let _ = writeln!(
        out,
        "`{}` — scenario mode `{}`\n",
        escape::text(&scenario.source.file),
        scenario.cluster.access
    );
    let mut names = vec!["client".to_owned()];
    names.extend(analyses.iter().map(|a| a.mode.to_string()));
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    header(&mut out, &names);
    for (i, client) in scenario.clients.iter().enumerate() {
        let mut cells_row = vec![format!("`{}`", client.name)];
        for analysis in &analyses {
            if let Some(flow) = analysis.flows.get(i) {
                let mark = if flow.reachable() { "✅" } else { "❌" };
                cells_row.push(format!(
                    "{mark} {} · {}",
                    cells::endpoint(flow),
                    cells::verdict(flow)
                ));
            }
        }
        row(&mut out, &cells_row);
    }
    for analysis in &analyses {
        let mode = format!(" in mode {}", analysis.mode);
        write_paths(&mut out, analysis, &mode);
    }
    if let Some(own) = super::table::own_mode(modes) {
        write_findings(&mut out, &own.findings);
        let _ = writeln!(
            out,
            "\n_{} (scenario): {}_",
            own.analysis.mode,
            cells::summary(own)
        );
    }
    escape::lines(&out).into_owned()
}

/// A Mermaid picture of each blocked flow's path (DNS, answer, hops, the hop that stopped
/// it), under the client's name and `suffix`. Nothing for a scenario whose flows all reach
/// the API server.
pub(crate) fn write_paths(out: &mut String, analysis: &Analysis<'_>, suffix: &str) {
    for flow in analysis.flows.iter().filter(|flow| !flow.reachable()) {
        write_path(out, analysis, flow, suffix);
    }
}

/// One flow's picture, under a **Path of `client`** line.
pub(crate) fn write_path(
    out: &mut String,
    analysis: &Analysis<'_>,
    flow: &crate::analysis::Flow<'_>,
    suffix: &str,
) {
    // Through a proxy the picture is the leg that blocks: leg 1 (the client's connection to
    // the proxy) when it does, else leg 2 (the proxy's own path).
    let caption = cells::proxy_legs(flow)
        .map(|legs| {
            if legs.leg1_reachable {
                format!(
                    "_The picture is leg 2, proxy `{}`'s own path; leg 1 (client→proxy {}): {}._\n\n",
                    escape::text(&legs.proxy),
                    legs.address,
                    legs.leg1
                )
            } else {
                format!(
                    "_The picture is leg 1, the client's connection to proxy `{}` at {}; leg 2 (proxy→API): {}._\n\n",
                    escape::text(&legs.proxy),
                    legs.address,
                    legs.leg2
                )
            }
        })
        .unwrap_or_default();
    let _ = write!(
        out,
        "\n**Path of `{}`{}**\n\n{caption}{}",
        escape::text(&flow.client.name),
        escape::text(suffix),
        super::graph::mermaid::flow_block(analysis, flow)
    );
}

/// Each flow through an HTTPS proxy with both legs' verdicts (SPEC 10.2), under a
/// **Through a proxy** heading; nothing without a proxied flow.
fn write_proxy_legs(out: &mut String, flows: &[crate::analysis::Flow<'_>]) {
    let legs: Vec<_> = flows
        .iter()
        .filter_map(|flow| cells::proxy_legs(flow).map(|legs| (flow, legs)))
        .collect();
    if legs.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n**Through a proxy**\n");
    let mark = |reachable: bool| if reachable { "✅" } else { "❌" };
    for (flow, legs) in legs {
        let _ = writeln!(
            out,
            "- `{}` via proxy `{}` {} — leg 1 client→proxy: {} {}; leg 2 proxy→API: {} {}",
            escape::text(&flow.client.name),
            escape::text(&legs.proxy),
            legs.address,
            mark(legs.leg1_reachable),
            legs.leg1,
            mark(legs.leg2_reachable),
            legs.leg2
        );
    }
}

/// The findings table, under a **Findings** heading.
fn write_findings(out: &mut String, findings: &[crate::rules::Finding]) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n**Findings**\n");
    header(out, &["severity", "code", "where", "message"]);
    for finding in findings {
        let location = match finding.position {
            Some(p) => format!("`{}` line {}", finding.path, p.line),
            None => format!("`{}`", finding.path),
        };
        row(
            out,
            &[
                finding.severity.as_str().to_owned(),
                finding.code.as_str().to_owned(),
                location,
                finding.message.clone(),
            ],
        );
    }
}
