//! `diff`: fixture pairs under tests/fixtures/diff/ for each kind of change — each file there
//! is `public.yaml` with one change — asserted on the diff model, snapshotted as table and
//! Markdown, and checked field by field as JSON.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use eksflow::checked::Checked;
use eksflow::diff::{self, Cause, ChangeKind, Diff, Side};
use eksflow::dns::AnsweredBy;
use eksflow::path::EndpointKind;
use eksflow::reason::Reason;
use eksflow::report::{self, Style};
use eksflow::rules::Code;
use eksflow::scenario::{self, EndpointAccess, Scenario};
use serde_json::{Value, json};

const BASE: &str = "tests/fixtures/diff/public.yaml";
const DROPS_NAT: &str = "tests/fixtures/diff/public-allowlist-drops-nat.yaml";
const PRIVATE_ON: &str = "tests/fixtures/diff/public-and-private.yaml";
const PLUS_BASTION: &str = "tests/fixtures/diff/public-plus-bastion.yaml";
const TOO_MANY_CIDRS: &str = "tests/fixtures/diff/public-41-cidrs.yaml";

fn load(path: &str) -> Vec<Scenario> {
    scenario::load_file(path)
        .into_iter()
        .map(|document| document.unwrap_or_else(|e| panic!("{path}: {e:?}")))
        .collect()
}

fn analyse(scenarios: &[Scenario]) -> Vec<Checked<'_>> {
    scenarios
        .iter()
        .map(|s| eksflow::checked::check(s, None))
        .collect()
}

fn diff_files(before: &str, after: &str) -> Diff {
    let (then, now) = (load(before), load(after));
    diff::diff(
        Side {
            file: before,
            analyses: &analyse(&then),
        },
        Side {
            file: after,
            analyses: &analyse(&now),
        },
    )
}

fn kinds(diff: &Diff) -> Vec<(&str, ChangeKind)> {
    diff.changes()
        .map(|change| (change.client.as_str(), change.kind))
        .collect()
}

fn added_codes(diff: &Diff) -> Vec<Code> {
    diff.scenarios
        .iter()
        .flat_map(|s| &s.findings.added)
        .map(|f| f.code)
        .collect()
}

fn removed_codes(diff: &Diff) -> Vec<Code> {
    diff.scenarios
        .iter()
        .flat_map(|s| &s.findings.removed)
        .map(|f| f.code)
        .collect()
}

fn json_of(diff: &Diff) -> Value {
    serde_json::from_str(&report::diff::json::render(diff)).unwrap()
}

fn markdown(diff: &Diff) -> String {
    report::diff::markdown::render(diff)
}

fn table(diff: &Diff) -> String {
    report::diff::table::render(diff, Style::default())
}

const BROKEN: ChangeKind = ChangeKind::Broken(Cause::Reachability);
const FIXED: ChangeKind = ChangeKind::Fixed(Cause::Reachability);

#[test]
fn dropping_the_nat_ip_from_the_allowlist_breaks_the_nodes_behind_it() {
    let diff = diff_files(BASE, DROPS_NAT);
    assert_eq!(
        kinds(&diff),
        [
            ("node-a", BROKEN),
            ("node-b", BROKEN),
            ("workers@subnet-a", BROKEN),
        ],
        "the office reaches the API as before, so it is not listed"
    );
    let node_a = diff.changes().next().unwrap();
    assert_eq!(node_a.mode, EndpointAccess::Public);
    let (before, after) = (
        node_a.before.as_ref().unwrap(),
        node_a.after.as_ref().unwrap(),
    );
    assert!(before.reachable && before.reason.is_none());
    assert!(!after.reachable);
    assert_eq!(after.reason, Some(Reason::PublicCidrDeny));
    assert_eq!(before.expectation_met, Some(true));
    assert_eq!(after.expectation_met, Some(false));
    assert_eq!(
        added_codes(&diff),
        [Code::Eks008, Code::Eks013, Code::Eks013]
    );
    assert!(removed_codes(&diff).is_empty());
    assert!(diff.breaks());
    let summary = diff.summary();
    assert_eq!(summary.lost, ["node-a", "node-b", "workers@subnet-a"]);
    assert_eq!(summary.errors_added, [Code::Eks008, Code::Eks013]);
}

#[test]
fn putting_the_nat_ip_back_fixes_them_and_removes_the_findings() {
    let diff = diff_files(DROPS_NAT, BASE);
    assert_eq!(
        kinds(&diff),
        [
            ("node-a", FIXED),
            ("node-b", FIXED),
            ("workers@subnet-a", FIXED),
        ]
    );
    assert!(added_codes(&diff).is_empty());
    assert_eq!(
        removed_codes(&diff),
        [Code::Eks008, Code::Eks013, Code::Eks013]
    );
    assert!(!diff.breaks());
}

#[test]
fn turning_on_private_access_moves_the_nodes_answer_to_the_enis_and_breaks_nothing() {
    let diff = diff_files(BASE, PRIVATE_ON);
    assert_eq!(
        kinds(&diff),
        [
            ("node-a", ChangeKind::Changed),
            ("node-b", ChangeKind::Changed),
            ("workers@subnet-a", ChangeKind::Changed),
        ],
        "the office still gets the public endpoint from public DNS"
    );
    let node_a = diff.changes().next().unwrap();
    assert_eq!(node_a.mode, EndpointAccess::PublicAndPrivate);
    let (before, after) = (
        node_a.before.as_ref().unwrap(),
        node_a.after.as_ref().unwrap(),
    );
    assert_eq!(before.mode, EndpointAccess::Public);
    assert_eq!(
        (before.answered_by, before.endpoint),
        (AnsweredBy::PublicDns, Some(EndpointKind::Public))
    );
    assert_eq!(
        (after.answered_by, after.endpoint),
        (AnsweredBy::PrivateHostedZone, Some(EndpointKind::Private))
    );
    assert_eq!(
        after.addresses,
        [
            "10.10.1.10".parse::<std::net::Ipv4Addr>().unwrap(),
            "10.10.2.10".parse().unwrap()
        ]
    );
    assert!(before.reachable && after.reachable);
    assert!(!diff.breaks());
}

#[test]
fn a_new_client_is_added_and_dropping_it_again_removes_it() {
    let added = diff_files(BASE, PLUS_BASTION);
    assert_eq!(kinds(&added), [("bastion", ChangeKind::Added)]);
    let bastion = added.changes().next().unwrap();
    assert!(bastion.before.is_none());
    assert_eq!(
        bastion.after.as_ref().and_then(|after| after.reason),
        Some(Reason::PublicCidrDeny)
    );
    assert_eq!(added.summary().added_blocked, ["bastion"]);
    assert!(
        !added.breaks(),
        "a new client that was never reachable breaks nothing"
    );

    let removed = diff_files(PLUS_BASTION, BASE);
    assert_eq!(kinds(&removed), [("bastion", ChangeKind::Removed)]);
    let bastion = removed.changes().next().unwrap();
    assert!(bastion.after.is_none() && bastion.before.is_some());
    assert!(!removed.breaks());
}

#[test]
fn a_forty_first_allowlist_entry_adds_an_error_finding_and_breaks_with_no_flow_changed() {
    let diff = diff_files(BASE, TOO_MANY_CIDRS);
    assert!(kinds(&diff).is_empty());
    assert_eq!(added_codes(&diff), [Code::Eks001]);
    assert!(diff.breaks());
}

#[test]
fn the_same_input_on_both_sides_is_no_change() {
    let diff = diff_files(BASE, BASE);
    assert!(diff.is_empty());
    assert!(!diff.breaks());
    assert_eq!(
        markdown(&diff).lines().next(),
        Some("No change to API access")
    );
}

#[test]
fn a_plan_with_no_prior_state_adds_every_flow() {
    let now = load(BASE);
    let diff = diff::diff(
        Side {
            file: "plan.json",
            analyses: &[],
        },
        Side {
            file: "plan.json",
            analyses: &analyse(&now),
        },
    );
    assert_eq!(
        kinds(&diff),
        [
            ("node-a", ChangeKind::Added),
            ("node-b", ChangeKind::Added),
            ("office-dev", ChangeKind::Added),
            ("workers@subnet-a", ChangeKind::Added),
        ]
    );
    assert_eq!(diff.scenarios[0].cluster, "web");
    assert!(!diff.breaks());
}

#[test]
fn scenarios_pair_by_document_order() {
    let text = |path: &str| std::fs::read_to_string(path).unwrap();
    let before = format!("{}---\n{}", text(BASE), text(BASE));
    let after = format!("{}---\n{}", text(BASE), text(DROPS_NAT));
    let parse = |file: &str, text: &str| -> Vec<Scenario> {
        scenario::load_str(file, text)
            .into_iter()
            .map(Result::unwrap)
            .collect()
    };
    let (then, now) = (parse("before.yaml", &before), parse("after.yaml", &after));
    let diff = diff::diff(
        Side {
            file: "before.yaml",
            analyses: &analyse(&then),
        },
        Side {
            file: "after.yaml",
            analyses: &analyse(&now),
        },
    );
    assert_eq!(diff.scenarios.len(), 2);
    assert!(diff.scenarios[0].is_empty());
    assert_eq!(diff.scenarios[1].changes.len(), 3);
    assert!(diff.breaks());
}

#[test]
fn json_has_the_spec_shape_for_a_broken_flow() {
    let diff = diff_files(BASE, DROPS_NAT);
    let json = json_of(&diff);
    assert_eq!(json["before"], BASE);
    assert_eq!(json["after"], DROPS_NAT);
    assert_eq!(json["breaks"], true);
    let scenario = &json["scenarios"][0];
    assert_eq!(scenario["scenario"], "web cluster");
    assert_eq!(scenario["cluster"], "web");
    assert_eq!(scenario["changes"].as_array().unwrap().len(), 3);
    assert_eq!(
        scenario["changes"][0],
        json!({
            "client": "node-a",
            "mode": "public",
            "change": "broken",
            "cause": "reachability",
            "before": {
                "answeredBy": "public-dns",
                "addresses": ["192.0.2.10", "192.0.2.11"],
                "endpoint": "public",
                "reachable": true,
                "reason": null,
                "mode": "public",
                "expectationMet": true,
            },
            "after": {
                "answeredBy": "public-dns",
                "addresses": ["192.0.2.10", "192.0.2.11"],
                "endpoint": "public",
                "reachable": false,
                "reason": "PUBLIC_CIDR_DENY",
                "mode": "public",
                "expectationMet": false,
            },
        })
    );
    assert_eq!(scenario["findings"]["removed"], json!([]));
}

#[test]
fn json_findings_are_the_objects_check_prints() {
    // Every finding of the after side is new here, so `added` must equal `check`'s list.
    let diff = diff_files(BASE, DROPS_NAT);
    let now = load(DROPS_NAT);
    let after = eksflow::checked::check(&now[0], None);
    let check: Value =
        serde_json::from_str(&report::json::to_string(&report::json::scenario(&after))).unwrap();
    assert_eq!(
        json_of(&diff)["scenarios"][0]["findings"]["added"],
        check["findings"]
    );
    assert_eq!(check["findings"].as_array().unwrap().len(), 3);
}

#[test]
fn json_added_and_removed_flows_have_a_null_side() {
    let added = json_of(&diff_files(BASE, PLUS_BASTION));
    let change = &added["scenarios"][0]["changes"][0];
    assert_eq!(change["change"], "added");
    assert_eq!(change["cause"], Value::Null);
    assert_eq!(change["before"], Value::Null);
    assert_eq!(change["after"]["reason"], "PUBLIC_CIDR_DENY");
    assert_eq!(added["breaks"], false);

    let removed = json_of(&diff_files(PLUS_BASTION, BASE));
    let change = &removed["scenarios"][0]["changes"][0];
    assert_eq!(change["change"], "removed");
    assert_eq!(change["mode"], "public");
    assert_eq!(change["after"], Value::Null);
}

#[test]
fn json_for_no_change_keeps_every_scenario_with_empty_lists() {
    let json = json_of(&diff_files(BASE, BASE));
    assert_eq!(json["breaks"], false);
    assert_eq!(
        json["scenarios"],
        json!([{
            "scenario": "web cluster",
            "cluster": "web",
            "changes": [],
            "findings": { "added": [], "removed": [] },
        }])
    );
}

#[test]
fn markdown_opens_with_the_verdict_line() {
    let first = |diff: &Diff| markdown(diff).lines().next().unwrap().to_owned();
    assert_eq!(
        first(&diff_files(BASE, DROPS_NAT)),
        "3 flows broken: node-a, node-b, workers@subnet-a lose the API server · \
         3 findings added, including errors EKS008, EKS013"
    );
    assert_eq!(
        first(&diff_files(DROPS_NAT, BASE)),
        "3 flows fixed: node-a, node-b, workers@subnet-a reach the API server · \
         3 findings removed"
    );
}

#[test]
fn table_broken() {
    insta::assert_snapshot!(table(&diff_files(BASE, DROPS_NAT)));
}

#[test]
fn table_added_client() {
    insta::assert_snapshot!(table(&diff_files(BASE, PLUS_BASTION)));
}

#[test]
fn table_no_change() {
    insta::assert_snapshot!(table(&diff_files(BASE, BASE)));
}

#[test]
fn markdown_broken() {
    insta::assert_snapshot!(markdown(&diff_files(BASE, DROPS_NAT)));
}

#[test]
fn markdown_fixed() {
    insta::assert_snapshot!(markdown(&diff_files(DROPS_NAT, BASE)));
}

#[test]
fn markdown_changed() {
    insta::assert_snapshot!(markdown(&diff_files(BASE, PRIVATE_ON)));
}

#[test]
fn markdown_removed_client() {
    insta::assert_snapshot!(markdown(&diff_files(PLUS_BASTION, BASE)));
}

#[test]
fn markdown_error_finding_added() {
    insta::assert_snapshot!(markdown(&diff_files(BASE, TOO_MANY_CIDRS)));
}
