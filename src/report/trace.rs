//! `trace`: the hop-by-hop path of one client to every resolved address.

use std::fmt::Write;

use crate::analysis::{Analysis, Flow};
use crate::escape;
use crate::scenario::ClientLocation;

pub fn text(analysis: &Analysis<'_>, flow: &Flow<'_>) -> String {
    text_fixed(analysis, flow, None)
}

/// [`text_fixed`] with the flow's entry in `fixes`, then — when the client is a node whose
/// control plane → kubelet check (TCP 10250, EKS009) is blocked and was searched for a fix —
/// that check from each ENI, hop by hop, its verdict and its `fix:` line (issue 14).
pub fn text_with_fixes(
    analysis: &Analysis<'_>,
    flow: &Flow<'_>,
    fixes: &crate::fix::Fixes,
) -> String {
    let mut out = text_fixed(analysis, flow, fixes.of(flow));
    let searched = analysis
        .kubelet
        .iter()
        .find(|check| std::ptr::eq(check.node, flow.client))
        .and_then(|check| fixes.of_kubelet(check).map(|fix| (check, fix)));
    if let Some((check, fix)) = searched {
        write_kubelet(&mut out, analysis, check, fix);
    }
    out
}

/// A blocked kubelet check in `trace`'s words: `→ 10.80.0.2:10250 from ENI 10.60.1.10
/// (subnet subnet-a): blocked: NO_ROUTE` with its hops for each ENI, then `kubelet verdict:`
/// (the first ENI's block, as EKS009 names it) and the `fix:` line.
fn write_kubelet(
    out: &mut String,
    analysis: &Analysis<'_>,
    check: &crate::analysis::KubeletFlow<'_>,
    fix: Option<&crate::fix::Fix>,
) {
    let scenario = analysis.scenario;
    let _ = writeln!(
        out,
        "\ncontrol plane → kubelet of {} (tcp/{})",
        escape::text(&check.node.name),
        crate::path::KUBELET
    );
    if check.paths.is_empty() {
        let _ = writeln!(out, "  blocked by: the cluster has no ENIs");
    }
    for (eni, path) in scenario.cluster.enis.iter().zip(&check.paths) {
        let verdict = match &path.blocked {
            None => "reachable".to_owned(),
            Some(blocked) => format!("blocked: {}", blocked.reason),
        };
        let subnet = scenario
            .subnet(eni.subnet)
            .map(|s| format!(" (subnet {})", escape::text(&s.id)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n→ {} from ENI {}{subnet}: {verdict}",
            std::net::SocketAddr::new(path.node, crate::path::KUBELET),
            path.eni
        );
        write_hops(out, &path.hops(scenario, check.node), path.blocked.as_ref());
    }
    let verdict = match super::cells::kubelet_blocked(check) {
        Some(blocked) => format!("blocked: {}", blocked.reason),
        None if check.reachable() => "reachable".to_owned(),
        None => "blocked".to_owned(),
    };
    let _ = writeln!(out, "\nkubelet verdict: {verdict}");
    let _ = writeln!(out, "{}", escape::text(&crate::fix::line(fix)));
    // The backstop, as for the flow above.
    *out = escape::lines(out).into_owned();
}

/// [`text`] with the flow's entry in [`crate::fix::Fixes::of`] after the verdict.
pub fn text_fixed(
    analysis: &Analysis<'_>,
    flow: &Flow<'_>,
    fix: Option<Option<&crate::fix::Fix>>,
) -> String {
    let scenario = analysis.scenario;
    let mut out = String::new();
    let place = match flow.client.location {
        ClientLocation::Internet => "the internet".to_owned(),
        ClientLocation::Subnet(subnet) => scenario
            .subnet(subnet)
            .map(|s| format!("subnet {}", s.id))
            .unwrap_or_default(),
        ClientLocation::Network(network) => scenario
            .network(network)
            .map(|n| format!("network {}", n.id))
            .unwrap_or_default(),
    };
    let _ = writeln!(
        out,
        "client {} ({}, {}) → {}:443",
        escape::text(&flow.client.name),
        flow.source,
        escape::text(&place),
        escape::text(&super::json::endpoint_name(analysis))
    );
    let _ = writeln!(
        out,
        "mode {} · scenario {} ({})",
        analysis.mode,
        escape::text(&scenario.name),
        escape::text(&scenario.source.file)
    );
    let legs = super::cells::proxy_legs(flow);
    if let (Some(leg), Some(legs)) = (&flow.proxy, &legs) {
        let _ = writeln!(
            out,
            "\n→ proxy {} {} (leg 1, client → proxy): {}",
            escape::text(&legs.proxy),
            legs.address,
            legs.leg1
        );
        write_hops(
            &mut out,
            &leg.hops(scenario, flow.client),
            leg.blocked.as_ref(),
        );
    }
    // Through a proxy, the proxy resolves the name (SPEC 10.2) and leg 2 starts here.
    let resolver = match &legs {
        Some(legs) => format!(
            "\nleg 2, proxy {} → API: {}\nDNS (the proxy's)",
            escape::text(&legs.proxy),
            legs.leg2
        ),
        None => "\nDNS".to_owned(),
    };
    let _ = writeln!(
        out,
        "{resolver}: asked {} → answered by {}",
        escape::text(&super::cells::dns_server(flow)),
        flow.dns.answered_by.as_str()
    );
    for step in &flow.dns.trail {
        let _ = writeln!(out, "  · {}", escape::text(&step.to_string()));
    }
    for query in &flow.dns.queries {
        let verdict = match &query.udp.blocked {
            None => "arrives".to_owned(),
            Some(blocked) => format!("blocked: {}", blocked.reason),
        };
        let _ = writeln!(
            out,
            "  ↳ {}: {verdict}",
            escape::text(&query.describe(crate::scenario::Protocol::Udp))
        );
        for hop in &query.udp.hops {
            let mark = if hop.ok { "✓" } else { "✗" };
            let _ = writeln!(
                out,
                "      {mark} {}  {}",
                escape::text(&hop.at),
                escape::text(&hop.detail)
            );
        }
        if let Some(blocked) = query.tcp.as_ref().and_then(|tcp| tcp.blocked.as_ref()) {
            let _ = writeln!(
                out,
                "      ! tcp/53 blocked (EKS027): {}",
                escape::text(&blocked.blocked_by)
            );
        }
    }
    if let Some(failure) = &flow.dns.failure {
        let _ = writeln!(
            out,
            "  ✗ {}: {}",
            failure.reason,
            escape::text(&failure.blocked_by)
        );
    }
    for target in &flow.targets {
        let verdict = match &target.blocked {
            None => "reachable".to_owned(),
            Some(blocked) => format!("blocked: {}", blocked.reason),
        };
        let _ = writeln!(
            out,
            "\n→ {}:443 ({} endpoint): {verdict}",
            target.address,
            target.endpoint.as_str()
        );
        write_hops(
            &mut out,
            &target.hops(scenario, flow.target_client()),
            target.blocked.as_ref(),
        );
    }
    let verdict = if flow.reachable() {
        "reachable".to_owned()
    } else {
        super::cells::verdict(flow)
    };
    let _ = writeln!(out, "\nverdict: {verdict}");
    if let Some(legs) = &legs {
        let _ = writeln!(out, "{}", escape::text(&legs.line()));
    }
    if let Some(fix) = fix {
        let _ = writeln!(out, "{}", escape::text(&crate::fix::line(fix)));
    }
    if let Some(expectation) = flow.expectation {
        let _ = writeln!(
            out,
            "expect: {}",
            if expectation.met { "met" } else { "FAILED" }
        );
    }
    // The backstop: values are escaped where they are placed.
    escape::lines(&out).into_owned()
}

/// A path's hops as `✓ element  detail` lines, the details aligned, then the block's
/// sentence when the last hop does not already say it.
fn write_hops(
    out: &mut String,
    hops: &[crate::path::Hop],
    blocked: Option<&crate::reason::Blocked>,
) {
    // Labels are measured as printed, escaped, so the details line up.
    let labels: Vec<_> = hops.iter().map(|hop| escape::text(&hop.at)).collect();
    let width = labels
        .iter()
        .map(|at| at.chars().count())
        .max()
        .unwrap_or(0);
    for (hop, at) in hops.iter().zip(&labels) {
        let mark = if hop.ok { "✓" } else { "✗" };
        // Padded by hand: a `{:<width$}` width above u16::MAX panics in `format!`, and
        // a label is as long as the scenario's IDs make it.
        let pad = width.saturating_sub(at.chars().count());
        let _ = writeln!(
            out,
            "  {mark} {at}{}  {}",
            " ".repeat(pad),
            escape::text(&hop.detail)
        );
    }
    if let Some(blocked) = blocked
        && hops
            .last()
            .is_none_or(|hop| hop.detail != blocked.blocked_by)
    {
        let _ = writeln!(out, "  blocked by: {}", escape::text(&blocked.blocked_by));
    }
}
