//! What a change does to API access (`eksflow diff`, SPEC sections 4 and 5).
//!
//! Two sides — before and after — each a list of analyses, one per scenario in document
//! order. Scenarios are paired by position, clients by name (a node group's implicit clients
//! are named `GROUP@SUBNET`). Only what changed is kept: flows whose answer, endpoint or
//! verdict differ, and findings added or removed. The kinds of change and the headline
//! counts are decided here; `report::diff` only formats them.
//!
//! A side may be empty: a Terraform plan with no prior state has no before, so every flow is
//! `added`; a destroyed cluster has no after, so every flow is `removed`.

use crate::analysis::Flow;
use crate::checked::Checked;
use crate::dns::AnsweredBy;
use crate::path::EndpointKind;
use crate::reason::Reason;
use crate::rules::{Code, Finding, Severity};
use crate::scenario::EndpointAccess;

/// One side of a diff: the file it was read from, as the user named it, and its checked
/// scenarios (one per scenario, in document order). For `diff PLAN` both sides name the plan.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a, 's> {
    pub file: &'a str,
    pub analyses: &'a [Checked<'s>],
}

/// What the change does, scenario by scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// The before side's file.
    pub before: String,
    /// The after side's file.
    pub after: String,
    /// One entry per scenario position present on either side, in document order.
    pub scenarios: Vec<ScenarioDiff>,
}

/// The changes to one scenario (the n-th document before against the n-th after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioDiff {
    /// The scenario's name after the change (before it, when the after side has none).
    pub scenario: String,
    /// The cluster's name, from the same side as `scenario`.
    pub cluster: String,
    /// Flows that differ: the after side's clients in document order, then the removed ones
    /// in the before side's order.
    pub changes: Vec<FlowChange>,
    pub findings: FindingChanges,
}

/// Findings that appear or disappear with the change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingChanges {
    /// In the after side only (positions point into the after file).
    pub added: Vec<Finding>,
    /// In the before side only (positions point into the before file).
    pub removed: Vec<Finding>,
}

/// One client whose flow differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowChange {
    pub client: String,
    /// The endpoint mode the flow is analysed in: the after side's, or the before side's for
    /// a removed client. Each side's own mode is in its [`FlowSummary`].
    pub mode: EndpointAccess,
    pub kind: ChangeKind,
    /// `None` for an added client.
    pub before: Option<FlowSummary>,
    /// `None` for a removed client.
    pub after: Option<FlowSummary>,
}

/// How a flow changed (SPEC 5: `broken|fixed|changed|added|removed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Reachable before and not after, or an expectation met before fails after.
    Broken(Cause),
    /// The reverse of broken.
    Fixed(Cause),
    /// Same verdict, but a different answer, endpoint or reason.
    Changed,
    /// A client only the after side has.
    Added,
    /// A client only the before side has.
    Removed,
}

impl ChangeKind {
    /// The stable JSON word.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Broken(_) => "broken",
            ChangeKind::Fixed(_) => "fixed",
            ChangeKind::Changed => "changed",
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
        }
    }

    /// Why a flow is broken or fixed; `None` for the other kinds.
    pub fn cause(self) -> Option<Cause> {
        match self {
            ChangeKind::Broken(cause) | ChangeKind::Fixed(cause) => Some(cause),
            _ => None,
        }
    }
}

/// What decided that a flow is broken or fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// The client lost (or gained) the API server.
    Reachability,
    /// The client's `expect` went from met to failed (or back) while its reachability did
    /// not get worse.
    Expectation,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Reachability => "reachability",
            Cause::Expectation => "expectation",
        }
    }
}

/// A flow as the diff compares it (SPEC 5's FLOW: `answeredBy`, `addresses`, `endpoint`,
/// `reachable`, `reason`), plus the mode and whether the client's `expect` was met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowSummary {
    pub mode: EndpointAccess,
    pub answered_by: AnsweredBy,
    /// The answered addresses, in answer order.
    pub addresses: Vec<std::net::IpAddr>,
    /// `None` when nothing resolved.
    pub endpoint: Option<EndpointKind>,
    pub reachable: bool,
    /// `None` when reachable.
    pub reason: Option<Reason>,
    /// `None` when the client has no `expect`.
    pub expectation_met: Option<bool>,
}

impl FlowSummary {
    pub fn of(mode: EndpointAccess, flow: &Flow<'_>) -> FlowSummary {
        FlowSummary {
            mode,
            answered_by: flow.dns.answered_by,
            addresses: flow.dns.addresses(),
            endpoint: flow.endpoint,
            reachable: flow.reachable(),
            reason: flow.blocked.as_ref().map(|blocked| blocked.reason),
            expectation_met: flow.expectation.map(|expectation| expectation.met),
        }
    }

    /// Whether the answer, the endpoint or the reason differ (the verdict aside).
    fn differs_from(&self, other: &FlowSummary) -> bool {
        self.answered_by != other.answered_by
            || self.addresses != other.addresses
            || self.endpoint != other.endpoint
            || self.reason != other.reason
    }
}

/// The headline of a diff: which clients changed how, and the findings' counts. Renderers
/// turn it into the one-line verdict ("2 flows broken: node-a, node-b lose the API server").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary<'d> {
    /// Broken: reachable before, not after.
    pub lost: Vec<&'d str>,
    /// Broken: an expectation met before fails after.
    pub failing: Vec<&'d str>,
    /// Fixed: reachable after, not before.
    pub reaching: Vec<&'d str>,
    /// Fixed: an expectation that failed before is met after.
    pub meeting: Vec<&'d str>,
    pub changed: Vec<&'d str>,
    pub added: Vec<&'d str>,
    /// The added clients that cannot reach the API server.
    pub added_blocked: Vec<&'d str>,
    pub removed: Vec<&'d str>,
    /// The codes of the error findings that appear, in order, each once.
    pub errors_added: Vec<Code>,
    pub findings_added: usize,
    pub findings_removed: usize,
}

impl Summary<'_> {
    pub fn broken(&self) -> usize {
        self.lost.len() + self.failing.len()
    }

    pub fn fixed(&self) -> usize {
        self.reaching.len() + self.meeting.len()
    }

    /// Nothing changed at all: no flow, no finding.
    pub fn is_empty(&self) -> bool {
        self.broken() == 0
            && self.fixed() == 0
            && self.changed.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.findings_added == 0
            && self.findings_removed == 0
    }
}

impl Diff {
    /// Whether the change breaks something (exit code 1, SPEC 4): a flow reachable before is
    /// not after, an expectation met before fails after, or an error finding appears.
    pub fn breaks(&self) -> bool {
        self.changes()
            .any(|change| matches!(change.kind, ChangeKind::Broken(_)))
            || self.findings_added().any(|f| f.severity == Severity::Error)
    }

    /// Whether nothing changed: no flow and no finding.
    pub fn is_empty(&self) -> bool {
        self.scenarios.iter().all(ScenarioDiff::is_empty)
    }

    /// Every flow change, scenario after scenario.
    pub fn changes(&self) -> impl Iterator<Item = &FlowChange> {
        self.scenarios.iter().flat_map(|s| s.changes.iter())
    }

    fn findings_added(&self) -> impl Iterator<Item = &Finding> {
        self.scenarios.iter().flat_map(|s| s.findings.added.iter())
    }

    /// The headline counts across all scenarios.
    pub fn summary(&self) -> Summary<'_> {
        let mut summary = Summary::default();
        for change in self.changes() {
            let name = change.client.as_str();
            let list = match change.kind {
                ChangeKind::Broken(Cause::Reachability) => &mut summary.lost,
                ChangeKind::Broken(Cause::Expectation) => &mut summary.failing,
                ChangeKind::Fixed(Cause::Reachability) => &mut summary.reaching,
                ChangeKind::Fixed(Cause::Expectation) => &mut summary.meeting,
                ChangeKind::Changed => &mut summary.changed,
                ChangeKind::Added => {
                    if change.after.as_ref().is_some_and(|after| !after.reachable) {
                        summary.added_blocked.push(name);
                    }
                    &mut summary.added
                }
                ChangeKind::Removed => &mut summary.removed,
            };
            list.push(name);
        }
        for finding in self.findings_added() {
            summary.findings_added += 1;
            if finding.severity == Severity::Error && !summary.errors_added.contains(&finding.code)
            {
                summary.errors_added.push(finding.code);
            }
        }
        summary.findings_removed = self
            .scenarios
            .iter()
            .map(|s| s.findings.removed.len())
            .sum();
        summary
    }
}

impl ScenarioDiff {
    /// Whether nothing changed in this scenario.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.findings.added.is_empty()
            && self.findings.removed.is_empty()
    }
}

/// Compares the two sides: scenarios by document order, clients by name.
pub fn diff(before: Side<'_, '_>, after: Side<'_, '_>) -> Diff {
    let count = before.analyses.len().max(after.analyses.len());
    let scenarios = (0..count)
        .map(|i| {
            let before = before.analyses.get(i).map(Snapshot::of);
            let after = after.analyses.get(i).map(Snapshot::of);
            compare(before.as_ref(), after.as_ref())
        })
        .collect();
    Diff {
        before: before.file.to_owned(),
        after: after.file.to_owned(),
        scenarios,
    }
}

/// What the diff needs of one analysed scenario.
#[derive(Debug, Clone)]
struct Snapshot {
    scenario: String,
    cluster: String,
    /// Client name and flow, in document order.
    flows: Vec<(String, FlowSummary)>,
    findings: Vec<Finding>,
}

impl Snapshot {
    fn of(checked: &Checked<'_>) -> Snapshot {
        let analysis = &checked.analysis;
        Snapshot {
            scenario: analysis.scenario.name.clone(),
            cluster: analysis.scenario.cluster.name.clone(),
            flows: analysis
                .flows
                .iter()
                .map(|flow| {
                    (
                        flow.client.name.clone(),
                        FlowSummary::of(analysis.mode, flow),
                    )
                })
                .collect(),
            findings: checked.findings.clone(),
        }
    }
}

fn compare(before: Option<&Snapshot>, after: Option<&Snapshot>) -> ScenarioDiff {
    let named = after.or(before);
    let (scenario, cluster) = named
        .map(|s| (s.scenario.clone(), s.cluster.clone()))
        .unwrap_or_default();
    let no_flows: &[(String, FlowSummary)] = &[];
    let before_flows = before.map_or(no_flows, |s| s.flows.as_slice());
    let after_flows = after.map_or(no_flows, |s| s.flows.as_slice());
    let no_findings: &[Finding] = &[];
    ScenarioDiff {
        scenario,
        cluster,
        changes: flow_changes(before_flows, after_flows),
        findings: finding_changes(
            before.map_or(no_findings, |s| s.findings.as_slice()),
            after.map_or(no_findings, |s| s.findings.as_slice()),
        ),
    }
}

/// Pairs clients by name (the first unpaired client of that name, should a name repeat) and
/// keeps the flows that differ.
fn flow_changes(
    before: &[(String, FlowSummary)],
    after: &[(String, FlowSummary)],
) -> Vec<FlowChange> {
    let mut paired = vec![false; before.len()];
    let mut changes = Vec::new();
    for (name, now) in after {
        let partner = before
            .iter()
            .zip(paired.iter_mut())
            .find(|((other, _), used)| !**used && other == name);
        match partner {
            Some(((_, then), used)) => {
                *used = true;
                if let Some(kind) = classify(then, now) {
                    changes.push(FlowChange {
                        client: name.clone(),
                        mode: now.mode,
                        kind,
                        before: Some(then.clone()),
                        after: Some(now.clone()),
                    });
                }
            }
            None => changes.push(FlowChange {
                client: name.clone(),
                mode: now.mode,
                kind: ChangeKind::Added,
                before: None,
                after: Some(now.clone()),
            }),
        }
    }
    for ((name, then), used) in before.iter().zip(paired) {
        if !used {
            changes.push(FlowChange {
                client: name.clone(),
                mode: then.mode,
                kind: ChangeKind::Removed,
                before: Some(then.clone()),
                after: None,
            });
        }
    }
    changes
}

/// How one client's flow changed, or `None` when the diff has nothing to say about it.
///
/// SPEC section 5: `broken` is reachable before and not after, or an expectation met before
/// and failed after; `fixed` the reverse. Losing the API server is `broken` whatever the
/// expectation says (a lockdown the client's `expect: { reachable: false }` asks for still
/// takes a reviewer's look, and exits 1), and the lost API is the cause a reviewer needs. An
/// expectation that fails while reachability holds is `broken` by the expectation. Only
/// then does a gain count as `fixed`. Any other difference in the answer, the endpoint or
/// the reason is `changed`. A mode change alone, or an `expect` added or removed, is not a
/// change to API access.
pub fn classify(before: &FlowSummary, after: &FlowSummary) -> Option<ChangeKind> {
    let expectation = match (before.expectation_met, after.expectation_met) {
        (Some(true), Some(false)) => Some(ChangeKind::Broken(Cause::Expectation)),
        (Some(false), Some(true)) => Some(ChangeKind::Fixed(Cause::Expectation)),
        _ => None,
    };
    let reachability = match (before.reachable, after.reachable) {
        (true, false) => Some(ChangeKind::Broken(Cause::Reachability)),
        (false, true) => Some(ChangeKind::Fixed(Cause::Reachability)),
        _ => None,
    };
    match (reachability, expectation) {
        (Some(kind @ ChangeKind::Broken(_)), _)
        | (_, Some(kind @ ChangeKind::Broken(_)))
        | (Some(kind), _)
        | (None, Some(kind)) => Some(kind),
        (None, None) if before.differs_from(after) => Some(ChangeKind::Changed),
        (None, None) => None,
    }
}

/// Whether two findings are the same finding on both sides: same code, severity, field path
/// and message. The position is left out on purpose — a line inserted above a finding moves
/// it without changing it. The message stays in: it names the values at fault (the NAT
/// gateway IP missing from the allowlist), so a finding whose subject changes is reported as
/// one removed and one added, which is what a reviewer needs to see.
fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.code == b.code && a.severity == b.severity && a.path == b.path && a.message == b.message
}

/// Findings as multisets: a finding reported twice before and once after is one removed.
fn finding_changes(before: &[Finding], after: &[Finding]) -> FindingChanges {
    let mut paired = vec![false; before.len()];
    let mut changes = FindingChanges::default();
    for finding in after {
        let partner = before
            .iter()
            .zip(paired.iter_mut())
            .find(|(other, used)| !**used && same_finding(other, finding));
        match partner {
            Some((_, used)) => *used = true,
            None => changes.added.push(finding.clone()),
        }
    }
    changes.removed = before
        .iter()
        .zip(paired)
        .filter(|(_, used)| !used)
        .map(|(finding, _)| finding.clone())
        .collect();
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reachable(endpoint: EndpointKind, address: [u8; 4]) -> FlowSummary {
        FlowSummary {
            mode: EndpointAccess::PublicAndPrivate,
            answered_by: match endpoint {
                EndpointKind::Public => AnsweredBy::PublicDns,
                EndpointKind::Private => AnsweredBy::PrivateHostedZone,
            },
            addresses: vec![std::net::Ipv4Addr::from(address).into()],
            endpoint: Some(endpoint),
            reachable: true,
            reason: None,
            expectation_met: None,
        }
    }

    fn public() -> FlowSummary {
        reachable(EndpointKind::Public, [52, 1, 2, 3])
    }

    fn private() -> FlowSummary {
        reachable(EndpointKind::Private, [10, 0, 1, 10])
    }

    fn blocked(mut flow: FlowSummary, reason: Reason) -> FlowSummary {
        flow.reachable = false;
        flow.reason = Some(reason);
        flow
    }

    fn expecting(mut flow: FlowSummary, met: bool) -> FlowSummary {
        flow.expectation_met = Some(met);
        flow
    }

    fn snapshot(flows: &[(&str, FlowSummary)], findings: &[Finding]) -> Snapshot {
        Snapshot {
            scenario: "s".to_owned(),
            cluster: "c".to_owned(),
            flows: flows
                .iter()
                .map(|(name, flow)| ((*name).to_owned(), flow.clone()))
                .collect(),
            findings: findings.to_vec(),
        }
    }

    fn finding(code: Code, severity: Severity, message: &str) -> Finding {
        Finding {
            code,
            severity,
            message: message.to_owned(),
            path: "cluster.publicAccessCidrs".to_owned(),
            position: None,
        }
    }

    fn diff_of(before: Option<Snapshot>, after: Option<Snapshot>) -> Diff {
        Diff {
            before: "before.yaml".to_owned(),
            after: "after.yaml".to_owned(),
            scenarios: vec![compare(before.as_ref(), after.as_ref())],
        }
    }

    fn kinds(diff: &Diff) -> Vec<(&str, ChangeKind)> {
        diff.changes()
            .map(|change| (change.client.as_str(), change.kind))
            .collect()
    }

    #[test]
    fn a_client_that_loses_the_api_is_broken() {
        let kind = classify(&public(), &blocked(public(), Reason::PublicCidrDeny));
        assert_eq!(kind, Some(ChangeKind::Broken(Cause::Reachability)));
    }

    #[test]
    fn a_client_that_regains_the_api_is_fixed() {
        let kind = classify(&blocked(public(), Reason::PublicCidrDeny), &public());
        assert_eq!(kind, Some(ChangeKind::Fixed(Cause::Reachability)));
    }

    #[test]
    fn an_answer_moving_from_public_to_private_but_still_reachable_is_changed() {
        assert_eq!(classify(&public(), &private()), Some(ChangeKind::Changed));
    }

    #[test]
    fn a_different_reason_for_the_same_block_is_changed() {
        let before = blocked(public(), Reason::PublicCidrDeny);
        let after = blocked(public(), Reason::NoRoute);
        assert_eq!(classify(&before, &after), Some(ChangeKind::Changed));
    }

    #[test]
    fn a_flow_that_only_changes_mode_is_not_a_change() {
        let mut after = public();
        after.mode = EndpointAccess::Public;
        assert_eq!(classify(&public(), &after), None);
    }

    #[test]
    fn an_expectation_met_before_and_failed_after_is_broken_though_still_reachable() {
        let kind = classify(&expecting(private(), true), &expecting(public(), false));
        assert_eq!(kind, Some(ChangeKind::Broken(Cause::Expectation)));
    }

    #[test]
    fn a_lockdown_is_broken_even_when_the_expectation_asks_for_it() {
        // `expect: { reachable: false }`: reachable before (failed), blocked after (met).
        // SPEC section 5: reachable before, not after, is `broken`.
        let before = expecting(public(), false);
        let after = expecting(blocked(public(), Reason::PublicCidrDeny), true);
        assert_eq!(
            classify(&before, &after),
            Some(ChangeKind::Broken(Cause::Reachability))
        );
    }

    #[test]
    fn a_node_that_loses_the_api_and_so_fails_its_expectation_is_broken_by_reachability() {
        let before = expecting(public(), true);
        let after = expecting(blocked(public(), Reason::PublicCidrDeny), false);
        assert_eq!(
            classify(&before, &after),
            Some(ChangeKind::Broken(Cause::Reachability))
        );
    }

    #[test]
    fn an_expectation_added_to_an_unchanged_flow_is_not_a_change() {
        assert_eq!(classify(&public(), &expecting(public(), true)), None);
    }

    #[test]
    fn clients_pair_by_name_whatever_their_order() {
        let before = snapshot(&[("a", public()), ("b", private())], &[]);
        let after = snapshot(&[("b", private()), ("a", public())], &[]);
        assert!(diff_of(Some(before), Some(after)).is_empty());
    }

    #[test]
    fn a_client_only_after_is_added_and_only_before_is_removed() {
        let before = snapshot(&[("old", public()), ("kept", public())], &[]);
        let after = snapshot(&[("kept", public()), ("new", private())], &[]);
        let diff = diff_of(Some(before), Some(after));
        assert_eq!(
            kinds(&diff),
            [("new", ChangeKind::Added), ("old", ChangeKind::Removed)]
        );
        assert!(!diff.breaks(), "adding or removing a client breaks nothing");
    }

    #[test]
    fn a_plan_with_no_prior_state_adds_every_flow() {
        let after = snapshot(&[("a", public()), ("b", private())], &[]);
        let diff = diff_of(None, Some(after));
        assert_eq!(
            kinds(&diff),
            [("a", ChangeKind::Added), ("b", ChangeKind::Added)]
        );
        assert_eq!(
            diff.scenarios.first().map(|s| s.cluster.as_str()),
            Some("c")
        );
    }

    #[test]
    fn a_broken_flow_breaks_the_change() {
        let before = snapshot(&[("node-a", public())], &[]);
        let after = snapshot(
            &[("node-a", blocked(public(), Reason::PublicCidrDeny))],
            &[],
        );
        let diff = diff_of(Some(before), Some(after));
        assert!(diff.breaks());
        assert_eq!(diff.summary().lost, ["node-a"]);
    }

    #[test]
    fn an_error_finding_that_appears_breaks_the_change() {
        let error = finding(Code::Eks001, Severity::Error, "41 entries");
        let diff = diff_of(
            Some(snapshot(&[], &[])),
            Some(snapshot(&[], std::slice::from_ref(&error))),
        );
        assert_eq!(
            diff.scenarios.first().map(|s| &s.findings.added),
            Some(&vec![error])
        );
        assert!(diff.breaks());
        assert_eq!(diff.summary().errors_added, [Code::Eks001]);
    }

    #[test]
    fn an_error_finding_present_on_both_sides_does_not_break_the_change() {
        let error = finding(Code::Eks001, Severity::Error, "41 entries");
        let mut moved = error.clone();
        moved.position = Some(crate::scenario::Position { line: 9, column: 3 });
        let diff = diff_of(Some(snapshot(&[], &[error])), Some(snapshot(&[], &[moved])));
        assert!(
            diff.is_empty(),
            "a finding that only moved is the same finding"
        );
        assert!(!diff.breaks());
    }

    #[test]
    fn a_warning_that_appears_does_not_break_the_change() {
        let warning = finding(Code::Eks002, Severity::Warning, "w");
        let diff = diff_of(Some(snapshot(&[], &[])), Some(snapshot(&[], &[warning])));
        assert!(!diff.breaks());
        assert_eq!(diff.summary().findings_added, 1);
    }

    #[test]
    fn a_finding_reported_twice_before_and_once_after_is_one_removed() {
        let warning = finding(Code::Eks002, Severity::Warning, "w");
        let diff = diff_of(
            Some(snapshot(&[], &[warning.clone(), warning.clone()])),
            Some(snapshot(&[], std::slice::from_ref(&warning))),
        );
        assert_eq!(diff.summary().findings_removed, 1);
        assert_eq!(diff.summary().findings_added, 0);
    }

    #[test]
    fn a_scenario_only_before_removes_its_flows_and_findings() {
        let warning = finding(Code::Eks002, Severity::Warning, "w");
        let diff = diff_of(Some(snapshot(&[("a", public())], &[warning])), None);
        assert_eq!(kinds(&diff), [("a", ChangeKind::Removed)]);
        assert_eq!(diff.summary().findings_removed, 1);
        assert!(!diff.breaks());
    }
}
