//! JSON output (SPEC section 5): stable field names; additions allowed, no renames.

use serde::Serialize;

use crate::analysis::{Analysis, Flow, KubeletFlow};
use crate::checked::Checked;
use crate::fix::{Fix, Fixes};
use crate::path::{Hop, Target};
use crate::rules::Finding;
use crate::scenario::{Client, Scenario};

#[derive(Debug, Serialize)]
pub struct ScenarioJson<'a> {
    scenario: &'a str,
    file: &'a str,
    cluster: &'a str,
    endpoint: String,
    mode: &'static str,
    /// `assumed` or `traced` (SPEC 8.7): always at the top level, so a script can tell
    /// which model answered without reading the scenario.
    #[serde(rename = "dnsTransport")]
    dns_transport: &'static str,
    /// Built one flow at a time while serialising: the views (and their hop sentences) of
    /// 10,000 clients never exist at once.
    flows: Streamed<'a>,
    /// The blocked control plane → kubelet checks (TCP 10250) a fix was searched for, with
    /// their fix (issue 14); absent when there are none or no search ran.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    kubelet: Vec<KubeletJson<'a>>,
    findings: Vec<FindingJson<'a>>,
}

/// A blocked kubelet check: its node, the first ENI's block, and its fix (null: none known).
#[derive(Debug, Serialize)]
struct KubeletJson<'a> {
    node: &'a str,
    reachable: bool,
    reason: Option<&'static str>,
    #[serde(rename = "blockedBy")]
    blocked_by: Option<&'a str>,
    fix: Option<&'a Fix>,
    /// Each ENI's attempt, in ENI order: where it starts, its verdict and its hops.
    paths: Vec<KubeletPathJson<'a>>,
}

/// One ENI's connection to a node's kubelet (TCP 10250).
#[derive(Debug, Serialize)]
struct KubeletPathJson<'a> {
    eni: String,
    reachable: bool,
    reason: Option<&'static str>,
    #[serde(rename = "blockedBy")]
    blocked_by: Option<&'a str>,
    hops: Vec<Hop>,
}

/// A blocked kubelet check as JSON, with its fix (`None` for a check that is reached).
fn kubelet_json<'a>(
    scenario: &Scenario,
    check: &'a KubeletFlow<'a>,
    fix: Option<&'a Fix>,
) -> Option<KubeletJson<'a>> {
    let blocked = super::cells::kubelet_blocked(check)?;
    Some(KubeletJson {
        node: &check.node.name,
        reachable: check.reachable(),
        reason: Some(blocked.reason.code()),
        blocked_by: Some(blocked.blocked_by.as_str()),
        fix,
        paths: (check.paths.iter())
            .map(|path| KubeletPathJson {
                eni: path.eni.to_string(),
                reachable: path.reachable(),
                reason: path.blocked.as_ref().map(|b| b.reason.code()),
                blocked_by: path.blocked.as_ref().map(|b| b.blocked_by.as_str()),
                hops: path.hops(scenario, check.node),
            })
            .collect(),
    })
}

/// `trace --format json`: the flow, and when the client is a node whose control plane →
/// kubelet check is blocked, that check as in `check`'s `kubelet[]`.
#[derive(Debug, Serialize)]
pub struct TraceJson<'a> {
    #[serde(flatten)]
    flow: FlowJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kubelet: Option<KubeletJson<'a>>,
}

/// The view `trace --format json` prints for `flow`.
pub fn trace_view<'a>(
    analysis: &'a Analysis<'a>,
    flow: &'a Flow<'a>,
    fixes: &'a Fixes,
) -> TraceJson<'a> {
    let kubelet = (analysis.kubelet.iter())
        .find(|check| std::ptr::eq(check.node, flow.client))
        .and_then(|check| kubelet_json(analysis.scenario, check, fixes.of_kubelet(check)?));
    TraceJson {
        flow: flow_view_fixed(analysis.scenario, flow, fixes.of(flow)),
        kubelet,
    }
}

/// The flows of one analysis, serialised lazily.
#[derive(Debug)]
struct Streamed<'a> {
    scenario: &'a Scenario,
    flows: &'a [Flow<'a>],
    fixes: Option<&'a Fixes>,
}

impl Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.flows.len()))?;
        for flow in self.flows {
            let fix = self.fixes.and_then(|fixes| fixes.of(flow));
            seq.serialize_element(&flow_view_fixed(self.scenario, flow, fix))?;
        }
        seq.end()
    }
}

#[derive(Debug, Serialize)]
pub struct FlowJson<'a> {
    client: &'a str,
    source: String,
    dns: DnsJson<'a>,
    endpoint: Option<&'static str>,
    /// The family of the target that decides the verdict (SPEC 7.7).
    family: Option<&'static str>,
    reachable: bool,
    reason: Option<&'static str>,
    #[serde(rename = "blockedBy")]
    blocked_by: Option<&'a str>,
    targets: Vec<TargetJson<'a>>,
    expectation: Option<ExpectationJson>,
    /// On a blocked flow whose client must reach the API (SPEC 5): the verified fix, or
    /// null when none is known; absent on every other flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<Option<&'a Fix>>,
    /// Leg 1 of a flow through an HTTPS proxy (SPEC 10.3); absent without `proxy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    proxy: Option<ProxyJson<'a>>,
}

/// The client → proxy connection (SPEC 10.3).
#[derive(Debug, Serialize)]
struct ProxyJson<'a> {
    client: &'a str,
    address: String,
    port: u16,
    reachable: bool,
    reason: Option<&'static str>,
    #[serde(rename = "blockedBy")]
    blocked_by: Option<&'a str>,
    hops: Vec<crate::path::Hop>,
}

#[derive(Debug, Serialize)]
struct DnsJson<'a> {
    server: &'a str,
    #[serde(rename = "serverName")]
    server_name: &'a str,
    #[serde(rename = "answeredBy")]
    answered_by: &'static str,
    addresses: Vec<String>,
    trail: &'a [String],
    /// Every query hop traced (`dnsTransport: traced` only, SPEC 8.7).
    #[serde(skip_serializing_if = "Option::is_none")]
    queries: Option<Vec<QueryJson<'a>>>,
}

#[derive(Debug, Serialize)]
struct QueryJson<'a> {
    from: String,
    to: String,
    /// What the server is: `inbound endpoint rslvr-in`, `dnsServers`, `public resolver`.
    server: &'a str,
    /// What the asker is: `client admin`, `dnsServers`, `outbound endpoint rslvr-out`.
    asker: &'a str,
    protocol: &'static str,
    reachable: bool,
    /// The hop's own code (`SG_INGRESS_DENY`, …); the flow's is `DNS_UNREACHABLE`.
    reason: Option<&'static str>,
    #[serde(rename = "blockedBy")]
    blocked_by: Option<&'a str>,
    hops: &'a [Hop],
    /// TCP 53 on a hop UDP passes (EKS027): null when it passes too, or was not traced.
    #[serde(rename = "tcpBlockedBy")]
    tcp_blocked_by: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct TargetJson<'a> {
    address: String,
    family: &'static str,
    /// The client address the packet leaves with.
    source: String,
    endpoint: &'static str,
    reachable: bool,
    reason: Option<&'static str>,
    #[serde(rename = "blockedBy")]
    blocked_by: Option<&'a str>,
    hops: Vec<Hop>,
}

#[derive(Debug, Serialize)]
struct ExpectationJson {
    answer: Option<&'static str>,
    reachable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family: Option<&'static str>,
    met: bool,
}

/// A finding, as every JSON report prints it (`check`, `compare`, `diff`).
#[derive(Debug, Serialize)]
pub(crate) struct FindingJson<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    path: &'a str,
    line: Option<usize>,
    column: Option<usize>,
}

impl Serialize for Hop {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut hop = serializer.serialize_struct("Hop", 3)?;
        hop.serialize_field("at", &self.at)?;
        hop.serialize_field("detail", &self.detail)?;
        hop.serialize_field("ok", &self.ok)?;
        hop.end()
    }
}

/// The JSON object for one analysed scenario.
pub fn scenario<'a>(checked: &'a Checked<'a>) -> ScenarioJson<'a> {
    scenario_fixed(checked, None)
}

/// [`scenario`] with the fixes searched for its blocked must-reach flows.
pub fn scenario_fixed<'a>(checked: &'a Checked<'a>, fixes: Option<&'a Fixes>) -> ScenarioJson<'a> {
    let analysis = &checked.analysis;
    let scenario = analysis.scenario;
    ScenarioJson {
        scenario: &scenario.name,
        file: &scenario.source.file,
        cluster: &scenario.cluster.name,
        endpoint: endpoint_name(analysis),
        mode: analysis.mode.as_str(),
        dns_transport: scenario.dns_transport.as_str(),
        flows: Streamed {
            scenario,
            flows: &analysis.flows,
            fixes,
        },
        kubelet: fixes
            .map(|fixes| {
                analysis
                    .kubelet
                    .iter()
                    .filter_map(|check| kubelet_json(scenario, check, fixes.of_kubelet(check)?))
                    .collect()
            })
            .unwrap_or_default(),
        findings: checked.findings.iter().map(finding).collect(),
    }
}

/// The endpoint hostname without the trailing root dot, as people write it.
pub fn endpoint_name(analysis: &Analysis<'_>) -> String {
    let name = analysis.scenario.cluster.endpoint.to_ascii();
    name.strip_suffix('.').map(str::to_owned).unwrap_or(name)
}

pub fn flow_view<'a>(scenario: &'a Scenario, flow: &'a Flow<'a>) -> FlowJson<'a> {
    flow_view_fixed(scenario, flow, None)
}

/// [`flow_view`] with the flow's entry in [`Fixes::of`] (`None`: no `fix` field).
pub fn flow_view_fixed<'a>(
    scenario: &'a Scenario,
    flow: &'a Flow<'a>,
    fix: Option<Option<&'a Fix>>,
) -> FlowJson<'a> {
    FlowJson {
        client: &flow.client.name,
        source: flow.source.to_string(),
        dns: DnsJson {
            server: &flow.dns.server,
            server_name: &flow.dns.server_label,
            answered_by: flow.dns.answered_by.as_str(),
            addresses: flow
                .dns
                .addresses()
                .iter()
                .map(|ip| ip.to_string())
                .collect(),
            trail: &flow.dns.trail,
            queries: (scenario.dns_transport == crate::scenario::DnsTransport::Traced).then(|| {
                flow.dns
                    .queries
                    .iter()
                    .map(|query| QueryJson {
                        from: query.from.to_string(),
                        to: query.to.to_string(),
                        server: &query.server,
                        asker: &query.from_label,
                        protocol: "udp",
                        reachable: query.reachable(),
                        reason: query.udp.blocked.as_ref().map(|b| b.reason.code()),
                        blocked_by: query.udp.blocked.as_ref().map(|b| b.blocked_by.as_str()),
                        hops: &query.udp.hops,
                        tcp_blocked_by: query
                            .tcp
                            .as_ref()
                            .and_then(|tcp| tcp.blocked.as_ref())
                            .map(|b| b.blocked_by.as_str()),
                    })
                    .collect()
            }),
        },
        endpoint: flow.endpoint.map(|endpoint| endpoint.as_str()),
        family: flow.family().map(|family| family.as_str()),
        reachable: flow.reachable(),
        reason: flow.blocked.as_ref().map(|blocked| blocked.reason.code()),
        blocked_by: flow
            .blocked
            .as_ref()
            .map(|blocked| blocked.blocked_by.as_str()),
        targets: flow
            .targets
            .iter()
            .map(|t| target(scenario, flow.target_client(), t))
            .collect(),
        expectation: flow.expectation.map(|expectation| ExpectationJson {
            answer: expectation.answer.map(|answer| answer.as_str()),
            reachable: expectation.reachable,
            family: expectation.family.map(|family| family.as_str()),
            met: expectation.met,
        }),
        fix,
        proxy: flow.proxy.as_ref().map(|leg| ProxyJson {
            client: &leg.proxy.name,
            address: leg.address.to_string(),
            port: leg.port,
            reachable: leg.reachable(),
            reason: leg.blocked.as_ref().map(|b| b.reason.code()),
            blocked_by: leg.blocked.as_ref().map(|b| b.blocked_by.as_str()),
            hops: leg.hops(scenario, flow.client),
        }),
    }
}

fn target<'a>(scenario: &Scenario, client: &Client, target: &'a Target<'a>) -> TargetJson<'a> {
    TargetJson {
        address: target.address.to_string(),
        family: target.family().as_str(),
        source: target.source.to_string(),
        endpoint: target.endpoint.as_str(),
        reachable: target.reachable(),
        reason: target.blocked.as_ref().map(|blocked| blocked.reason.code()),
        blocked_by: target
            .blocked
            .as_ref()
            .map(|blocked| blocked.blocked_by.as_str()),
        hops: target.hops(scenario, client),
    }
}

pub(crate) fn finding(finding: &Finding) -> FindingJson<'_> {
    FindingJson {
        code: finding.code.as_str(),
        severity: finding.severity.as_str(),
        message: &finding.message,
        path: &finding.path,
        line: finding.position.map(|p| p.line),
        column: finding.position.map(|p| p.column),
    }
}

/// Pretty JSON text for any of the views above.
/// Writes `value` as pretty JSON and a newline to `out` as it is produced (no string of the
/// whole report is built). `to_string` plus a newline, byte for byte.
pub fn write<T: Serialize, W: std::io::Write>(value: &T, out: W) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// A checked scenario that serialises as its [`scenario`] object: owned, so a
/// [`Sequence`] can make, write and drop one at a time.
#[derive(Debug)]
pub struct Owned<'s>(pub Checked<'s>);

impl Serialize for Owned<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        scenario(&self.0).serialize(serializer)
    }
}

/// [`Owned`] with the fixes of its blocked must-reach flows (`check --format json`).
#[derive(Debug)]
pub struct Fixed<'s>(pub Checked<'s>, pub Fixes);

impl Serialize for Fixed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        scenario_fixed(&self.0, Some(&self.1)).serialize(serializer)
    }
}

/// A sequence serialised from an iterator, one element at a time: each element is made,
/// written and dropped before the next (`check --format json` on many scenarios).
#[derive(Debug)]
pub struct Sequence<I>(std::cell::RefCell<Option<I>>);

impl<I> Sequence<I> {
    pub fn new(items: I) -> Self {
        Sequence(std::cell::RefCell::new(Some(items)))
    }
}

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Sequence<I> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        // Serialised once; a second call (none in eksflow) gets an empty array.
        let items = self.0.borrow_mut().take();
        for item in items.into_iter().flatten() {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

pub fn to_string<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
}
