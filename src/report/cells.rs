//! The words in a flow table's cells, shared by the table and Markdown renderers.

use crate::analysis::{Analysis, Flow};
use crate::checked::Checked;
use crate::path::EndpointKind;
use crate::rules::Severity;

pub fn dns_server(flow: &Flow) -> String {
    if flow.dns.server == "public-dns" {
        "public DNS".to_owned()
    } else if flow.dns.server_label == "custom DNS server"
        || flow.dns.server_label == flow.dns.server
    {
        flow.dns.server.clone()
    } else {
        format!("{} ({})", flow.dns.server, flow.dns.server_label)
    }
}

pub fn addresses(flow: &Flow) -> String {
    let addresses = flow.dns.addresses();
    if addresses.is_empty() {
        "—".to_owned()
    } else {
        addresses
            .iter()
            .map(|ip| ip.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub fn endpoint(flow: &Flow) -> &'static str {
    match flow.endpoint {
        Some(EndpointKind::Public) => "public",
        Some(EndpointKind::Private) => "private",
        None => "—",
    }
}

pub fn verdict(flow: &Flow) -> String {
    match &flow.blocked {
        None if flow.reachable() => "reachable".to_owned(),
        None => "blocked".to_owned(),
        Some(blocked) => format!("blocked: {}", blocked.reason),
    }
}

pub fn expectation(flow: &Flow) -> &'static str {
    match flow.expectation {
        None => "—",
        Some(result) if result.met => "met",
        Some(_) => "FAILED",
    }
}

/// `4 clients: 3 reachable, 1 blocked · 1 expectation failed · 1 error, 2 warnings`
pub fn summary(checked: &Checked<'_>) -> String {
    let analysis = &checked.analysis;
    let total = analysis.flows.len();
    let reachable = analysis
        .flows
        .iter()
        .filter(|flow| flow.reachable())
        .count();
    let failed = analysis
        .flows
        .iter()
        .filter(|flow| flow.expectation.is_some_and(|e| !e.met))
        .count();
    let count = |severity| {
        checked
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    let mut parts = vec![format!(
        "{total} {}: {reachable} reachable, {} blocked",
        plural(total, "client", "clients"),
        total - reachable
    )];
    if failed > 0 {
        parts.push(format!(
            "{failed} {} failed",
            plural(failed, "expectation", "expectations")
        ));
    }
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    parts.push(format!(
        "{errors} {}, {warnings} {}{}",
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
        if infos > 0 {
            format!(", {infos} info")
        } else {
            String::new()
        }
    ));
    parts.join(" · ")
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The scenario's heading line: `cluster prod · mode private · endpoint …`.
pub fn heading(analysis: &Analysis<'_>) -> String {
    let cluster = &analysis.scenario.cluster;
    let overridden = if analysis.mode == cluster.access {
        String::new()
    } else {
        format!(" (overrides {})", cluster.access)
    };
    format!(
        "cluster {} ({}) · mode {}{overridden} · endpoint {}",
        cluster.name,
        cluster.region,
        analysis.mode,
        super::json::endpoint_name(analysis)
    )
}

/// The two legs of a flow through an HTTPS proxy (SPEC 10.2), in words: who the proxy is,
/// where the client connects, and each leg's verdict as the analysis gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyLegs {
    /// The proxy client's name.
    pub proxy: String,
    /// `54.180.1.9:3128` (`[2001:db8::8]:3128` for IPv6).
    pub address: String,
    /// Leg 1, client → proxy port: `reachable` or `blocked: CODE`.
    pub leg1: String,
    pub leg1_reachable: bool,
    /// Leg 2, the proxy's own flow to the API: `reachable` or `blocked: CODE`.
    pub leg2: String,
    pub leg2_reachable: bool,
}

impl ProxyLegs {
    /// `via proxy squid 54.180.1.9:3128 — leg 1 client→proxy: reachable; leg 2 proxy→API:
    /// blocked: SG_INGRESS_DENY`
    pub fn line(&self) -> String {
        format!(
            "via proxy {} {} — leg 1 client→proxy: {}; leg 2 proxy→API: {}",
            self.proxy, self.address, self.leg1, self.leg2
        )
    }
}

/// The legs of `flow`, when it goes through a proxy.
pub fn proxy_legs(flow: &Flow) -> Option<ProxyLegs> {
    let leg = flow.proxy.as_ref()?;
    let verdict = |blocked: Option<&crate::reason::Blocked>| match blocked {
        None => "reachable".to_owned(),
        Some(blocked) => format!("blocked: {}", blocked.reason),
    };
    Some(ProxyLegs {
        proxy: leg.proxy.name.clone(),
        address: std::net::SocketAddr::new(leg.address, leg.port).to_string(),
        leg1: verdict(leg.blocked.as_ref()),
        leg1_reachable: leg.blocked.is_none(),
        leg2: verdict(flow.proxy_onward.as_ref()),
        leg2_reachable: flow.proxy_onward.is_none(),
    })
}

/// The block a report names for a kubelet check the control plane cannot make: the first
/// ENI's, as EKS009 does; `None` when the check passes (or the cluster has no ENIs).
pub fn kubelet_blocked<'a>(
    check: &'a crate::analysis::KubeletFlow<'_>,
) -> Option<&'a crate::reason::Blocked> {
    if check.reachable() {
        return None;
    }
    check.paths.first().and_then(|path| path.blocked.as_ref())
}
