//! Properties of the model on generated scenarios (issue 5): invariants that must hold for
//! every scenario, checked with proptest on scenarios built by `tests/it/common/generate.rs`.
//!
//! - the allowlist is monotone: adding a CIDR never makes a reachable flow unreachable,
//!   removing one never makes an unreachable flow reachable;
//! - in private mode no internet client is reachable;
//! - only a query that reached the cluster VPC's Resolver gets the private hosted zone's
//!   answer;
//! - `compare`'s column for a mode is `check --mode` for that mode;
//! - output is deterministic and independent of the order of the lists in the file;
//! - writing a loaded scenario back ([`eksflow::scenario::write::to_yaml`]) and loading it
//!   again gives the same model, for generated scenarios and for every importer fixture;
//! - (SPEC 5) a flow has a `reason` exactly when it is not reachable;
//! - (SPEC 8.6) in `assumed` mode, writing or removing the DNS transport fields changes no
//!   verdict;
//! - (SPEC 8.3) in `traced` mode, removing a security group rule never makes a DNS query
//!   hop reachable, nor a flow whose resolution stays the same, nor a kubelet check.
//!
//! Each property runs `CASES` generated scenarios (override with `PROPTEST_CASES`); a
//! failure is shrunk to a small scenario, printed as YAML, and its seed kept in
//! `tests/it/properties.proptest-regressions`. Beside the properties: a check that the
//! generator reaches every outcome they are about (so none holds vacuously), the importer
//! fixtures and bundled scenarios through the writer, and the bugs the properties found,
//! pinned as plain tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "common/generate.rs"]
mod generate;

use std::collections::BTreeMap;

use eksflow::analysis::Analysis;
use eksflow::checked::Checked;
use eksflow::dns::AnsweredBy;
use eksflow::import::{self, Kind, Options};
use eksflow::path::EndpointKind;
use eksflow::report::{self, Style};
use eksflow::scenario::{self, ClientLocation, EndpointAccess, Scenario, Source, write};
use generate::{Choices, Doc};
use proptest::prelude::*;

/// Generated scenarios per property in the default `cargo test`: the whole file runs in
/// under 10 s in a debug build on 2 cores. A longer search: `PROPTEST_CASES=2048 cargo test
/// --release --test it properties::` (README, "How this is tested").
const CASES: u32 = 96;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|cases| cases.parse().ok())
            .unwrap_or(CASES),
        // Named outright: proptest's default looks for the crate's `main.rs` beside this
        // file and would keep seeds in a `tests/proptest-regressions/` tree instead.
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "tests/it/properties.proptest-regressions",
            ),
        )),
        ..ProptestConfig::default()
    }
}

/// The numbers a generated scenario is built from.
fn entropy() -> impl Strategy<Value = Vec<u32>> {
    proptest::collection::vec(any::<u32>(), 64..1024)
}

fn doc() -> impl Strategy<Value = Doc> {
    entropy().prop_map(|data| generate::scenario(&mut Choices::new(data)))
}

/// Loads generated text; a generated scenario that does not load is a bug in the generator
/// or in the loader, never a pass.
fn load(text: &str) -> Scenario {
    match scenario::load_one("generated.yaml", text) {
        Ok(scenario) => scenario,
        Err(problems) => panic!(
            "a generated scenario does not load:\n{}\n---\n{text}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// The scenario's own mode, then each mode as `--mode` sets it.
fn every_mode() -> [Option<EndpointAccess>; 4] {
    [
        None,
        Some(EndpointAccess::Public),
        Some(EndpointAccess::PublicAndPrivate),
        Some(EndpointAccess::Private),
    ]
}

/// Per client (by name): whether the flow is reachable, and which addresses are.
fn reachability(analysis: &Analysis<'_>) -> BTreeMap<String, (bool, Vec<(String, bool)>)> {
    analysis
        .flows
        .iter()
        .map(|flow| {
            let targets = flow
                .targets
                .iter()
                .map(|t| (t.address.to_string(), t.reachable()))
                .collect();
            (flow.client.name.clone(), (flow.reachable(), targets))
        })
        .collect()
}

/// The JSON report in a form that does not depend on where things are in the file: flows
/// sorted by client, findings without their path and position, sorted.
fn canonical(analysis: &Checked<'_>) -> serde_json::Value {
    let mut value = serde_json::to_value(report::json::scenario(analysis)).unwrap();
    let object = value.as_object_mut().unwrap();
    object.remove("file");
    let flows = object["flows"].as_array_mut().unwrap();
    flows.sort_by_key(|flow| flow["client"].as_str().unwrap().to_owned());
    let findings = object["findings"].as_array_mut().unwrap();
    for finding in findings.iter_mut() {
        let finding = finding.as_object_mut().unwrap();
        for key in ["path", "line", "column"] {
            finding.remove(key);
        }
    }
    findings.sort_by_key(ToString::to_string);
    value
}

/// The verdicts: [`canonical`] without the sentences that may name the first matching
/// security group rule or allowlist entry, or list the allowlist, in file order (`blockedBy`,
/// hop details, finding messages). The DNS trail stays.
fn verdicts(analysis: &Checked<'_>) -> serde_json::Value {
    let mut value = canonical(analysis);
    let object = value.as_object_mut().unwrap();
    for flow in object["flows"].as_array_mut().unwrap() {
        let flow = flow.as_object_mut().unwrap();
        flow.remove("blockedBy");
        for target in flow["targets"].as_array_mut().unwrap() {
            strip_sentences(target);
        }
        // Leg 1 through a proxy, and the DNS queries of a traced scenario, name rules too.
        if let Some(leg) = flow.get_mut("proxy") {
            strip_sentences(leg);
        }
        if let Some(queries) = flow["dns"]
            .get_mut("queries")
            .and_then(|q| q.as_array_mut())
        {
            for query in queries {
                strip_sentences(query);
                query.as_object_mut().unwrap().remove("tcpBlockedBy");
            }
        }
    }
    for finding in object["findings"].as_array_mut().unwrap() {
        finding.as_object_mut().unwrap().remove("message");
    }
    object["findings"]
        .as_array_mut()
        .unwrap()
        .sort_by_key(ToString::to_string);
    value
}

/// Per flow: the answer, endpoint, verdict and reason, and each target's; per kubelet
/// check, its verdict. No sentence, no finding.
fn flow_verdicts(checked: &Checked<'_>) -> serde_json::Value {
    let flows: Vec<serde_json::Value> = checked
        .flows
        .iter()
        .map(|flow| {
            serde_json::json!({
                "client": flow.client.name,
                "answeredBy": flow.dns.answered_by.as_str(),
                "addresses": flow.dns.addresses(),
                "endpoint": flow.endpoint.map(|e| e.as_str()),
                "reachable": flow.reachable(),
                "reason": flow.blocked.as_ref().map(|b| b.reason.code()),
                "targets": flow.targets.iter().map(|t| (t.address, t.reachable(),
                    t.blocked.as_ref().map(|b| b.reason.code()))).collect::<Vec<_>>(),
            })
        })
        .collect();
    let kubelet: Vec<(String, bool)> = checked
        .kubelet
        .iter()
        .map(|k| (k.node.name.clone(), k.reachable()))
        .collect();
    serde_json::json!({ "flows": flows, "kubelet": kubelet })
}

/// A DNS query hop: who asks whom, from which address to which.
fn query_key(query: &eksflow::dns::DnsQuery) -> (String, String, String, String) {
    (
        query.from.to_string(),
        query.to.to_string(),
        query.from_label.clone(),
        query.server.clone(),
    )
}

/// A path's `blockedBy` and hop details removed: the sentences that name a matching rule.
fn strip_sentences(path: &mut serde_json::Value) {
    let path = path.as_object_mut().unwrap();
    path.remove("blockedBy");
    for hop in path["hops"].as_array_mut().unwrap() {
        hop.as_object_mut().unwrap().remove("detail");
    }
}

// ---- the allowlist ----------------------------------------------------------------------

/// Blocks to add to an allowlist: every source a generated scenario can present, and some.
const EXTRA_CIDRS: [&str; 12] = [
    "0.0.0.0/0",
    "198.51.100.20/32",
    "198.51.100.21/32",
    "198.51.100.22/32",
    "203.0.113.50/32",
    "203.0.113.51/32",
    "54.0.0.0/8",
    "203.0.113.100/30",
    "8.8.0.0/16",
    "10.0.0.0/8",
    "198.51.100.0/25",
    "2001:db8::/32",
];

proptest! {
    #![proptest_config(config())]

    /// Adding a CIDR to `publicAccessCidrs` never turns a reachable flow (or address)
    /// unreachable; removing one never turns an unreachable one reachable. In every mode.
    #[test]
    fn allowlist_is_monotone(doc in doc(), pick in entropy()) {
        let mut choices = Choices::new(pick);
        let base = load(&doc.to_yaml());
        let allowlist = doc.allowlist();

        let mut wider = doc.clone();
        let mut cidrs = allowlist.clone();
        let at = choices.below(cidrs.len() + 1);
        cidrs.insert(at, choices.pick(&EXTRA_CIDRS).to_string());
        wider.cluster.public_access_cidrs = Some(cidrs);
        let wider = load(&wider.to_yaml());

        let mut narrower = doc.clone();
        let mut cidrs = allowlist;
        cidrs.remove(choices.below(cidrs.len()));
        narrower.cluster.public_access_cidrs = Some(cidrs);
        let narrower = load(&narrower.to_yaml());

        for mode in EndpointAccess::ALL {
            let before = reachability(&eksflow::checked::check(&base, Some(mode)));
            let after_add = reachability(&eksflow::checked::check(&wider, Some(mode)));
            let after_remove = reachability(&eksflow::checked::check(&narrower, Some(mode)));
            for (client, (reachable, targets)) in &before {
                let (added, added_targets) = &after_add[client];
                prop_assert!(!reachable || *added, "{mode}: adding a CIDR made {client} unreachable");
                let (removed, removed_targets) = &after_remove[client];
                prop_assert!(*reachable || !*removed, "{mode}: removing a CIDR made {client} reachable");
                for (i, (address, ok)) in targets.iter().enumerate() {
                    prop_assert_eq!(&added_targets[i].0, address);
                    prop_assert!(!ok || added_targets[i].1, "{mode}: adding a CIDR blocked {client} → {address}");
                    prop_assert!(*ok || !removed_targets[i].1, "{mode}: removing a CIDR opened {client} → {address}");
                }
            }
        }
    }

    /// In private mode nothing on the internet reaches the API server: public DNS hands out
    /// the private ENI addresses, and those are not routable from the internet (a client
    /// behind a proxy is judged by the proxy, which makes the connection). And every
    /// answer, whoever gives it, is the private endpoint.
    #[test]
    fn private_mode_is_closed_to_the_internet(doc in doc()) {
        let scenario = load(&doc.to_yaml());
        let analysis = eksflow::checked::check(&scenario, Some(EndpointAccess::Private));
        for flow in &analysis.flows {
            // Through a proxy the proxy connects (SPEC 10.2): an internet client behind a
            // proxy in a VPC is the aws/containers-roadmap#22 workaround, and does reach.
            if flow.target_client().location == ClientLocation::Internet {
                prop_assert!(!flow.reachable(), "internet client {} reaches a private-mode endpoint", flow.target_client().name);
            }
            for target in &flow.targets {
                prop_assert_eq!(target.endpoint, EndpointKind::Private, "{} resolved a public address in private mode", flow.client.name);
            }
        }
    }

    /// The private hosted zone is associated with the cluster VPC only: its answer goes only
    /// to a query that reached the cluster VPC's Resolver (directly, through an inbound
    /// endpoint or by forwarding), with private access on and both DNS flags of the cluster
    /// VPC true. Internet clients never see it (through a proxy, the proxy asks).
    #[test]
    fn private_hosted_zone_answers_only_through_the_cluster_resolver(doc in doc()) {
        let scenario = load(&doc.to_yaml());
        let cluster_vpc = scenario.cluster_vpc().unwrap();
        for mode in EndpointAccess::ALL {
            let analysis = eksflow::checked::check(&scenario, Some(mode));
            for flow in &analysis.flows {
                if flow.dns.answered_by != AnsweredBy::PrivateHostedZone {
                    continue;
                }
                let name = &flow.client.name;
                // Through a proxy, the proxy resolves (SPEC 10.2).
                let asker = flow.target_client();
                prop_assert!(flow.dns.reached_cluster_resolver, "{mode}: {name} got the private hosted zone without reaching the cluster VPC's Resolver");
                prop_assert!(mode.private_access(), "{mode}: {name} got the private hosted zone with private access off");
                prop_assert!(cluster_vpc.enable_dns_support && cluster_vpc.enable_dns_hostnames, "{mode}: {name} got the private hosted zone though a cluster VPC DNS flag is off");
                prop_assert!(asker.location != ClientLocation::Internet, "{mode}: internet client {name} got the private hosted zone");
                prop_assert_eq!(flow.dns.addresses(), scenario.eni_ips());
            }
        }
    }

    /// `compare` shows, for each mode, what `check --mode` shows: the same JSON object, and
    /// in the tables the same endpoint and verdict for every client.
    #[test]
    fn compare_column_equals_check_in_that_mode(doc in doc()) {
        let scenario = load(&doc.to_yaml());
        let all = eksflow::checked::compare(&scenario);
        let compare_table = table_rows(&report::table::compare(&all, Style::default()));
        for (i, mode) in EndpointAccess::ALL.into_iter().enumerate() {
            let check = eksflow::checked::check(&scenario, Some(mode));
            prop_assert_eq!(all[i].mode, mode);
            prop_assert_eq!(
                report::json::to_string(&report::json::scenario(&all[i])),
                report::json::to_string(&report::json::scenario(&check))
            );
            let check_table = table_rows(&report::table::check(&check, Style::default()));
            prop_assert_eq!(compare_table.len(), check_table.len());
            for (client, row) in &check_table {
                // check: client, source, DNS server, answered by, addresses, endpoint, verdict, expect
                let expected = format!("{} · {}", row[5], row[6]);
                prop_assert_eq!(&compare_table[client][1 + i], &expected, "{}: {}", mode, client);
            }
        }
    }

    /// The same file gives the same output every time; reordering the lists of the file
    /// (clients, VPCs, subnets, route tables and routes, security groups, network ACLs and
    /// their rules, connections, networks, DNS servers, ...) changes nothing but where
    /// findings point. Reordering security group rules and the allowlist keeps every verdict
    /// and DNS trail, though a sentence may then name another of several matching rules.
    /// (Node groups keep their order: findings list their nodes in file order.)
    #[test]
    fn output_is_independent_of_list_order(doc in doc(), order in entropy()) {
        let text = doc.to_yaml();
        let scenario = load(&text);
        let again = load(&text);
        let mut choices = Choices::new(order);
        let mut shuffled = doc.clone();
        generate::shuffle(&mut shuffled, &mut choices, false);
        let shuffled = load(&shuffled.to_yaml());
        let mut reruled = doc.clone();
        generate::shuffle(&mut reruled, &mut choices, true);
        let reruled = load(&reruled.to_yaml());
        for mode in every_mode() {
            let analysis = eksflow::checked::check(&scenario, mode);
            let repeat = eksflow::checked::check(&again, mode);
            prop_assert_eq!(
                report::json::to_string(&report::json::scenario(&analysis)),
                report::json::to_string(&report::json::scenario(&repeat))
            );
            prop_assert_eq!(report::table::check(&analysis, Style::default()), report::table::check(&repeat, Style::default()));
            prop_assert_eq!(report::markdown::check(&analysis), report::markdown::check(&repeat));

            let other = eksflow::checked::check(&shuffled, mode);
            same(&canonical(&analysis), &canonical(&other), &format!("lists reordered, mode {mode:?}"))?;
            let other = eksflow::checked::check(&reruled, mode);
            same(&verdicts(&analysis), &verdicts(&other), &format!("rules reordered, mode {mode:?}"))?;
        }
    }

    /// A loaded scenario written back with `scenario::write::to_yaml` loads to the same model
    /// (see `src/scenario/write.rs` for what "the same" means), and writing that again gives
    /// the same text.
    #[test]
    fn written_scenarios_load_to_the_same_model(doc in doc()) {
        let text = doc.to_yaml();
        let loaded = load(&text);
        round_trip(&loaded, &text)?;
    }

    /// SPEC 8.6: in `assumed` mode the DNS transport fields (endpoint and server security
    /// groups, `{subnet, ip}` addresses, outbound endpoints, rules' `outboundEndpoint`) are
    /// validated, not traced: writing or removing them changes no answer, reason or verdict
    /// of any flow or kubelet check, in any mode.
    #[test]
    fn assumed_dns_transport_fields_change_no_verdict(doc in doc()) {
        let mut with = doc.clone();
        with.dns_transport = Some("assumed".to_owned());
        let with = load(&with.to_yaml());
        let without = load(&generate::without_dns_transport(&doc).to_yaml());
        for mode in EndpointAccess::ALL {
            let a = eksflow::checked::check(&with, Some(mode));
            let b = eksflow::checked::check(&without, Some(mode));
            same(&flow_verdicts(&a), &flow_verdicts(&b), &format!("assumed, mode {mode}"))?;
        }
    }

    /// SPEC 8.3: in `traced` mode a security group rule only ever lets a query (or a
    /// connection) through: removing one never makes a blocked DNS query hop reachable, nor
    /// a blocked flow whose resolution it leaves as it was (a client whose first server
    /// stops answering may fail over to another, whose answer is another question).
    #[test]
    fn traced_removing_a_security_group_rule_opens_nothing(doc in doc(), pick in entropy()) {
        let mut traced = doc.clone();
        traced.dns_transport = Some("traced".to_owned());
        generate::make_traceable(&mut traced);
        let mut narrower = traced.clone();
        if !generate::remove_sg_rule(&mut narrower, &mut Choices::new(pick)) {
            return Ok(());
        }
        let before = load(&traced.to_yaml());
        let after = load(&narrower.to_yaml());
        for mode in EndpointAccess::ALL {
            let b = eksflow::analysis::analyse(&before, Some(mode));
            let a = eksflow::analysis::analyse(&after, Some(mode));
            for (was, now) in b.flows.iter().zip(&a.flows) {
                let name = &was.client.name;
                let blocked: BTreeMap<_, bool> = was.dns.queries.iter()
                    .map(|q| (query_key(q), q.reachable()))
                    .collect();
                for query in &now.dns.queries {
                    if blocked.get(&query_key(query)) == Some(&false) {
                        prop_assert!(!query.reachable(), "{mode}: {name}: removing a rule opened the DNS query {:?}", query_key(query));
                    }
                }
                if was.dns.addresses() == now.dns.addresses() && !was.reachable() {
                    prop_assert!(!now.reachable(), "{mode}: removing a rule made {name} reachable");
                }
            }
            for (was, now) in b.kubelet.iter().zip(&a.kubelet) {
                prop_assert!(was.reachable() || !now.reachable(), "{mode}: removing a rule opened the kubelet of {}", was.node.name);
            }
        }
    }

    /// SPEC 5: `reason` is null when the flow is reachable, and a code when it is not.
    #[test]
    fn a_flow_has_a_reason_exactly_when_it_is_blocked(doc in doc()) {
        let scenario = load(&doc.to_yaml());
        for mode in EndpointAccess::ALL {
            for flow in &eksflow::checked::check(&scenario, Some(mode)).flows {
                prop_assert_eq!(flow.blocked.is_none(), flow.reachable(), "{}: {}", mode, flow.client.name);
                for target in &flow.targets {
                    prop_assert_eq!(target.blocked.is_none(), target.reachable());
                }
            }
        }
    }
}

/// Order independence needs one entry per key wherever the model picks "the most specific"
/// entry: two of a kind would leave the choice to their order in the file. Each such pair is
/// a load error, as two routes for one destination in a VPC route table already were.
#[test]
fn entries_that_would_tie_are_load_errors() {
    let base = r#"
version: 1
name: ties
cluster:
  name: c
  region: eu-west-1
  vpc: vpc-a
  securityGroups: [sg]
  enis: [{ subnet: s1, ip: 10.0.1.10 }, { subnet: s1, ip: 10.0.1.11 }]
vpcs:
  - id: vpc-a
    cidrs: [10.0.0.0/16]
    internetGateway: igw
    subnets: [{ id: s1, cidr: 10.0.1.0/24, routeTable: rt }]
    natGateways: [{ id: nat, subnet: s1, publicIp: 198.51.100.1 }]
    securityGroups: [{ id: sg }]
    routeTables:
      - id: rt
        routes:
          - { destination: 0.0.0.0/0, target: igw }
          - { destination: 192.0.0.0/8, target: nat }
    resolver:
      forwardRules:
        - { domain: eks.amazonaws.com, targetIps: [8.8.8.8] }
connections:
  - { id: vpn, type: vpn, vpc: vpc-a, network: office }
networks:
  - id: office
    cidrs: [192.168.0.0/24]
    routes: [{ destination: 10.0.0.0/16, target: vpn }]
    dnsServers: [192.168.0.2]
dnsServers:
  - ip: 192.168.0.2
    forward: [{ domain: eks.amazonaws.com, to: [8.8.8.8] }]
clients:
  - { name: n, from: s1, ip: 10.0.1.50 }
"#;
    assert!(scenario::load_one("ties.yaml", base).is_ok());
    let cases = [
        (
            "          - { destination: 192.0.0.0/8, target: nat }\n",
            "          - { destination: 192.0.0.0/8, target: nat }\n          - { destination: 192.0.0.1/8, target: igw }\n",
            "a second route for 192.0.0.1/8",
        ),
        (
            "        - { domain: eks.amazonaws.com, targetIps: [8.8.8.8] }\n",
            "        - { domain: eks.amazonaws.com, targetIps: [8.8.8.8] }\n        - { domain: EKS.amazonaws.com., targetIps: [1.1.1.1] }\n",
            "a second forward rule for EKS.amazonaws.com in vpc-a",
        ),
        (
            "    routes: [{ destination: 10.0.0.0/16, target: vpn }]",
            "    routes: [{ destination: 10.0.0.0/16, target: vpn }, { destination: 10.0.9.9/16, target: vpn }]",
            "a second route for 10.0.9.9/16",
        ),
        (
            "    forward: [{ domain: eks.amazonaws.com, to: [8.8.8.8] }]",
            "    forward: [{ domain: eks.amazonaws.com, to: [8.8.8.8] }, { domain: eks.amazonaws.com, to: [1.1.1.1] }]",
            "a second conditional forwarder for eks.amazonaws.com",
        ),
    ];
    for (from, to, message) in cases {
        assert!(base.contains(from), "{from}");
        let text = base.replacen(from, to, 1);
        let problems = scenario::load_one("ties.yaml", &text).expect_err(message);
        assert!(
            problems.iter().any(|p| p.message.contains(message)),
            "{message}: {problems:#?}"
        );
    }
}

/// Every text YAML would misread, as a scenario name, a description and an ID, survives the
/// writer (the generated scenarios use them only now and then).
#[test]
fn awkward_texts_survive_the_writer() {
    for text in generate::AWKWARD {
        let mut doc = generate::scenario(&mut Choices::new(splitmix(7, 1024)));
        doc.name = text.to_owned();
        doc.description = Some(format!("{text}\n{text}"));
        let old_id = doc.vpcs[0].subnets[0].id.clone();
        let new_id = format!("{}x", text.trim());
        let yaml = doc.to_yaml().replace(
            &format!(" {old_id}\n"),
            &format!(" {}\n", eksflow::import::yaml::quote(&new_id)),
        );
        let loaded = load(&yaml);
        assert_eq!(loaded.name, text);
        assert!(loaded.subnets.iter().any(|subnet| subnet.id == new_id));
        if let Err(error) = round_trip(&loaded, &yaml) {
            panic!("{text:?}: {error}");
        }
    }
}

// ---- what the properties found, pinned -------------------------------------------------

/// A small scenario for the pinned cases: an office over a VPN and a transit gateway, both
/// into the cluster VPC, whose DNS resolves publicly.
const PINNED: &str = r#"
version: 1
name: pinned
cluster:
  name: c
  region: eu-west-1
  endpointAccess: public-and-private
  vpc: vpc-a
  securityGroups: [sg]
  enis: [{ subnet: s1, ip: 10.0.1.10 }, { subnet: s1, ip: 10.0.1.11 }]
vpcs:
  - id: vpc-a
    cidrs: [10.0.0.0/16]
    enableDnsHostnames: true
    subnets: [{ id: s1, cidr: 10.0.1.0/24 }]
    securityGroups: [{ id: sg, ingress: [{ protocol: all, cidr: 0.0.0.0/0 }] }]
    resolver:
      forwardRules:
        - { domain: ".", targetIps: [192.168.0.2] }
        - { domain: 415D7A009211B3C089E0AEAA6B1F9AF1.gr7.eu-west-1.eks.amazonaws.com, targetIps: [8.8.8.8] }
connections:
  - { id: vpn-z, type: vpn, vpc: vpc-a, network: office }
  - { id: tgw-a, type: transit-gateway, attachments: [vpc-a, office] }
networks:
  - id: office
    cidrs: [192.168.0.0/24]
    internetEgressIp: 203.0.113.50
clients:
  - { name: admin, from: office, ip: 192.168.0.20 }
  - { name: node, from: s1, ip: 10.0.1.50 }
"#;

fn finding_message(analysis: &Checked<'_>, code: &str) -> String {
    analysis
        .findings
        .iter()
        .find(|finding| finding.code.as_str() == code)
        .map(|finding| finding.message.clone())
        .unwrap_or_else(|| panic!("no {code}: {:#?}", analysis.findings))
}

/// EKS018 named the first rule in file order that covers the endpoint, while the Resolver
/// applies the most specific one: with `.` listed first it said the queries go to the wrong
/// server.
#[test]
fn eks018_names_the_resolver_rule_that_applies() {
    let scenario = load(PINNED);
    let analysis = eksflow::checked::check(&scenario, None);
    let message = finding_message(&analysis, "EKS018");
    assert!(
        message.contains("eu-west-1.eks.amazonaws.com") && message.ends_with("go to 8.8.8.8"),
        "{message}"
    );
    let node = analysis
        .flows
        .iter()
        .find(|f| f.client.name == "node")
        .unwrap();
    assert!(
        node.dns
            .trail
            .iter()
            .any(|line| line.contains("forwards to 8.8.8.8"))
    );
}

/// EKS012 named the first connection in file order joining the client to the cluster VPC;
/// with two, reordering `connections:` changed the finding.
#[test]
fn eks012_names_the_same_connection_whatever_their_order() {
    let swapped = PINNED.replace(
        "  - { id: vpn-z, type: vpn, vpc: vpc-a, network: office }\n  - { id: tgw-a, type: transit-gateway, attachments: [vpc-a, office] }\n",
        "  - { id: tgw-a, type: transit-gateway, attachments: [vpc-a, office] }\n  - { id: vpn-z, type: vpn, vpc: vpc-a, network: office }\n",
    );
    assert_ne!(swapped, PINNED);
    let messages: Vec<String> = [PINNED, swapped.as_str()]
        .iter()
        .map(|text| finding_message(&eksflow::checked::check(&load(text), None), "EKS012"))
        .collect();
    assert_eq!(messages[0], messages[1]);
    assert!(messages[0].contains("(tgw-a)"), "{}", messages[0]);
}

/// An answer without addresses (no ENIs in private mode, or `publicEndpointIps: []`) left the
/// flow blocked with no reason, against SPEC 5.
#[test]
fn an_answer_without_addresses_is_blocked_with_a_reason() {
    let no_enis = PINNED.replace(
        "  enis: [{ subnet: s1, ip: 10.0.1.10 }, { subnet: s1, ip: 10.0.1.11 }]\n",
        "",
    );
    let no_public_ips = PINNED.replace("  vpc: vpc-a\n", "  vpc: vpc-a\n  publicEndpointIps: []\n");
    for (text, mode) in [
        (no_enis, EndpointAccess::Private),
        (no_public_ips, EndpointAccess::Public),
    ] {
        let scenario = load(&text);
        for flow in &eksflow::checked::check(&scenario, Some(mode)).flows {
            assert!(flow.dns.addresses().is_empty(), "{}", flow.client.name);
            assert!(!flow.reachable());
            let blocked = flow.blocked.as_ref().expect("a reason");
            assert_eq!(blocked.reason.code(), "DNS_NO_ADDRESSES");
        }
    }
}

/// Fails with the first lines where two JSON values differ.
fn same(
    left: &serde_json::Value,
    right: &serde_json::Value,
    what: &str,
) -> Result<(), TestCaseError> {
    if left == right {
        return Ok(());
    }
    let left = serde_json::to_string_pretty(left).unwrap();
    let right = serde_json::to_string_pretty(right).unwrap();
    let differences: Vec<String> = left
        .lines()
        .zip(right.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .take(6)
        .map(|(i, (a, b))| format!("line {i}:\n  - {}\n  + {}", a.trim(), b.trim()))
        .collect();
    Err(TestCaseError::fail(format!(
        "{what}: the reports differ\n{}",
        differences.join("\n")
    )))
}

/// Rows of a comfy-table flow table by their first cell (the header row left out).
fn table_rows(table: &str) -> BTreeMap<String, Vec<String>> {
    table
        .lines()
        .filter(|line| line.starts_with('│'))
        .skip(1)
        .map(|line| {
            let cells: Vec<String> = line
                .trim_matches('│')
                .split('┆')
                .map(|cell| cell.trim().to_owned())
                .collect();
            (cells[0].clone(), cells)
        })
        .collect()
}

// ---- round trip -------------------------------------------------------------------------

/// The model without where it came from: `source` (file name, positions) cleared, and with
/// `acl_rule_paths` false the field paths of network ACL rules left out (the writer puts the
/// rules in rule-number order, so their places in the list may change).
fn normal_form(scenario: &Scenario, acl_rule_paths: bool) -> String {
    let mut scenario = scenario.clone();
    scenario.source = Source::default();
    let text = format!("{scenario:#?}");
    if acl_rule_paths {
        return text;
    }
    text.lines()
        .filter(|line| {
            let line = line.trim_start();
            !(line.starts_with("path: ")
                && line.contains(".networkAcls[")
                && (line.contains("].inbound[") || line.contains("].outbound[")))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn round_trip(loaded: &Scenario, original: &str) -> Result<(), TestCaseError> {
    let written = write::to_yaml(loaded);
    let reloaded = match scenario::load_one("written.yaml", &written) {
        Ok(scenario) => scenario,
        Err(problems) => {
            return Err(TestCaseError::fail(format!(
                "the written scenario does not load:\n{}\n--- written:\n{written}\n--- original:\n{original}",
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            )));
        }
    };
    prop_assert_eq!(
        normal_form(loaded, false),
        normal_form(&reloaded, false),
        "written:\n{}",
        written
    );
    // Canonical: writing the reloaded model gives the same text, which loads to the same
    // model, field paths included.
    let rewritten = write::to_yaml(&reloaded);
    prop_assert_eq!(&written, &rewritten);
    let again = scenario::load_one("written.yaml", &rewritten).unwrap();
    prop_assert_eq!(normal_form(&reloaded, true), normal_form(&again, true));
    // And the analysis agrees.
    for mode in every_mode() {
        prop_assert_eq!(
            canonical(&eksflow::checked::check(loaded, mode)),
            canonical(&eksflow::checked::check(&reloaded, mode))
        );
    }
    Ok(())
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

/// Every scenario an importer writes from the fixtures round-trips through the writer.
#[test]
fn imported_scenarios_load_to_the_same_model_when_written_back() {
    let mut sources: Vec<(Kind, String, Options)> = Vec::new();
    let files = |dir: &str, extensions: &[&str]| -> Vec<String> {
        let mut found: Vec<String> = std::fs::read_dir(format!("{FIXTURES}/{dir}"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| {
                path.is_file()
                    && path
                        .extension()
                        .is_some_and(|e| extensions.iter().any(|x| e == *x))
            })
            .map(|path| path.display().to_string())
            .collect();
        found.sort();
        found
    };
    for file in files("terraform", &["json"])
        .into_iter()
        .chain(files("terraform/realworld", &["json"]))
    {
        sources.push((Kind::Terraform, file, Options::default()));
    }
    let extra = import::read_clients(&format!("{FIXTURES}/terraform/clients.yaml")).unwrap();
    sources.push((
        Kind::Terraform,
        format!("{FIXTURES}/terraform/state.json"),
        Options {
            cluster: None,
            extra: Some(extra),
        },
    ));
    for file in files("eksctl", &["yaml"]) {
        sources.push((Kind::Eksctl, file, Options::default()));
    }
    for file in files("cloudformation", &["yaml", "json"]) {
        sources.push((Kind::CloudFormation, file, Options::default()));
    }
    for dir in ["aws/complete", "aws/realworld"] {
        sources.push((Kind::Aws, format!("{FIXTURES}/{dir}"), Options::default()));
    }

    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for (kind, source, options) in &sources {
        // Fixtures of broken sources fail to import; they have their own tests.
        let Ok(built) = import::import(Some(*kind), source, options) else {
            continue;
        };
        for built in built {
            let loaded = scenario::load_one(source, &built.yaml).unwrap_or_else(|problems| {
                panic!("{source}: the import does not load: {problems:#?}")
            });
            if let Err(error) = round_trip(&loaded, &built.yaml) {
                panic!("{source}: {error}");
            }
            *per_kind.entry(kind.as_str()).or_default() += 1;
        }
    }
    for kind in ["terraform", "eksctl", "cloudformation", "aws"] {
        assert!(
            per_kind.get(kind).copied().unwrap_or(0) >= 2,
            "too few {kind} imports round-tripped: {per_kind:?}"
        );
    }
}

/// The bundled scenarios round-trip too (comments and descriptions aside).
#[test]
fn bundled_scenarios_load_to_the_same_model_when_written_back() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for document in scenario::load_str(&path.display().to_string(), &text) {
            let loaded = document.unwrap();
            if let Err(error) = round_trip(&loaded, &text) {
                panic!("{}: {error}", path.display());
            }
            count += 1;
        }
    }
    assert!(count >= 10, "only {count} bundled scenarios");
}

/// Found by `written_scenarios_load_to_the_same_model` once the generator wrote SPEC 8
/// fields: an endpoint whose `ips` mix strings and `{subnet, ip}` mappings was written back
/// all as mappings.
#[test]
fn endpoint_addresses_keep_their_own_form_when_written_back() {
    let text = r#"
version: 1
name: mixed endpoint addresses
cluster:
  name: c1
  region: eu-west-1
  vpc: vpc-0
  enis:
    - { subnet: subnet-a, ip: 10.0.0.10 }
    - { subnet: subnet-b, ip: 10.0.1.10 }
vpcs:
  - id: vpc-0
    cidrs: [10.0.0.0/16]
    subnets:
      - { id: subnet-a, cidr: 10.0.0.0/24, az: eu-west-1a }
      - { id: subnet-b, cidr: 10.0.1.0/24, az: eu-west-1b }
    resolver:
      inboundEndpoints:
        - id: rslvr-in
          ips: [10.0.0.53, { subnet: subnet-b, ip: 10.0.1.53 }]
clients:
  - { name: admin, from: subnet-a, ip: 10.0.0.100 }
"#;
    let loaded = load(text);
    round_trip(&loaded, text).unwrap();
    let written = write::to_yaml(&loaded);
    assert!(written.contains("- 10.0.0.53\n"), "{written}");
    assert!(written.contains("subnet: subnet-b"), "{written}");
}

/// SplitMix64: deterministic entropy for the generator outside proptest.
fn splitmix(seed: u64, n: usize) -> Vec<u32> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as u32
        })
        .collect()
}

/// The generator reaches every outcome the properties are about, so none of them holds
/// only because its premise never occurs: every reason code, every kind of answer, the
/// private hosted zone reached through forwarding, reachable and blocked flows to both
/// endpoints from subnets, networks and the internet, allowlist refusals, traced DNS
/// queries that arrive and that are blocked, proxied flows blocked on either leg, and
/// hybrid kubelets reached and not.
#[test]
fn generated_scenarios_reach_every_outcome() {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut note = |key: String| *seen.entry(key).or_default() += 1;
    for seed in 0..300 {
        let doc = generate::scenario(&mut Choices::new(splitmix(seed, 1024)));
        let scenario = load(&doc.to_yaml());
        for mode in EndpointAccess::ALL {
            for flow in &eksflow::checked::check(&scenario, Some(mode)).flows {
                note(format!("answer {}", flow.dns.answered_by.as_str()));
                if let Some(blocked) = &flow.blocked {
                    note(format!("reason {}", blocked.reason.code()));
                }
                let place = match flow.client.location {
                    ClientLocation::Subnet(_) => "subnet",
                    ClientLocation::Network(_) => "network",
                    ClientLocation::Internet => "internet",
                };
                for target in &flow.targets {
                    let verdict = if target.reachable() {
                        "reachable"
                    } else {
                        "blocked"
                    };
                    note(format!("{place} {} {verdict}", target.endpoint.as_str()));
                }
                if let Some(leg) = &flow.proxy {
                    let leg1 = if leg.reachable() { "passes" } else { "blocked" };
                    let leg2 = if flow.proxy_onward.is_none() {
                        "passes"
                    } else {
                        "blocked"
                    };
                    note(format!("proxy leg 1 {leg1}, leg 2 {leg2}"));
                }
                for query in &flow.dns.queries {
                    note(format!(
                        "traced query {}",
                        if query.reachable() {
                            "arrives"
                        } else {
                            "blocked"
                        }
                    ));
                }
                if flow.dns.answered_by == AnsweredBy::PrivateHostedZone
                    && !matches!(flow.client.location, ClientLocation::Subnet(s)
                        if scenario.subnet(s).is_some_and(|s| s.vpc == scenario.cluster.vpc))
                {
                    note("private hosted zone from outside the cluster VPC".to_owned());
                }
            }
            for check in &eksflow::checked::check(&scenario, Some(mode)).kubelet {
                if matches!(check.node.location, ClientLocation::Network(_)) {
                    let verdict = if check.reachable() {
                        "reachable"
                    } else {
                        "blocked"
                    };
                    note(format!("hybrid kubelet {verdict}"));
                }
            }
        }
    }
    // Traced scenarios (SPEC 8) block queries too, so every reason code occurs.
    let mut expected: Vec<String> = eksflow::reason::Reason::ALL
        .iter()
        .map(|reason| format!("reason {}", reason.code()))
        .collect();
    expected.extend(
        [
            "traced query arrives",
            "traced query blocked",
            "proxy leg 1 passes, leg 2 passes",
            "proxy leg 1 blocked, leg 2 passes",
            "proxy leg 1 passes, leg 2 blocked",
            "hybrid kubelet reachable",
            "hybrid kubelet blocked",
        ]
        .map(String::from),
    );
    expected.extend(
        [
            "answer none",
            "answer public-dns",
            "answer private-hosted-zone",
        ]
        .map(String::from),
    );
    for place in ["subnet", "network"] {
        for endpoint in ["public", "private"] {
            for verdict in ["reachable", "blocked"] {
                expected.push(format!("{place} {endpoint} {verdict}"));
            }
        }
    }
    expected.extend(
        [
            "internet public reachable",
            "internet public blocked",
            "internet private blocked",
            "private hosted zone from outside the cluster VPC",
        ]
        .map(String::from),
    );
    let missing: Vec<&String> = expected
        .iter()
        .filter(|key| !seen.contains_key(*key))
        .collect();
    assert!(
        missing.is_empty(),
        "the generator never produced: {missing:?}\nseen: {seen:#?}"
    );
}
