//! Shared fixtures for the model tests: one scenario with every kind of place a client can
//! sit, which each test bends with a textual edit to pin down one AWS behaviour.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use eksflow::analysis::{self, Flow};
use eksflow::path::{Denial, Step};
use eksflow::scenario::{self, Attachment, EndpointAccess, Scenario, SgIx};

pub const BASE: &str = r#"
version: 1
name: model test base
cluster:
  name: test
  region: eu-west-1
  endpointAccess: public-and-private
  publicAccessCidrs: [198.51.100.20/32, 203.0.113.0/24]
  publicEndpointIps: [3.0.0.10, 3.0.0.11]
  vpc: vpc-main
  securityGroups: [sg-cluster]
  enis:
    - { subnet: subnet-a, ip: 10.0.1.10 }
    - { subnet: subnet-b, ip: 10.0.2.10 }
vpcs:
  - id: vpc-main
    cidrs: [10.0.0.0/16]
    enableDnsSupport: true
    enableDnsHostnames: true
    dhcpOptions:
      domainNameServers: [AmazonProvidedDNS]
    internetGateway: igw-main
    subnets:
      - { id: subnet-pub, cidr: 10.0.0.0/24, az: eu-west-1a, routeTable: rt-public }
      - { id: subnet-a, cidr: 10.0.1.0/24, az: eu-west-1a, routeTable: rt-private }
      - { id: subnet-b, cidr: 10.0.2.0/24, az: eu-west-1b, routeTable: rt-private }
      - { id: subnet-nodes, cidr: 10.0.16.0/20, az: eu-west-1a, routeTable: rt-private }
    natGateways:
      - { id: nat-a, subnet: subnet-pub, publicIp: 198.51.100.20 }
    routeTables:
      - id: rt-public
        routes:
          - { destination: 0.0.0.0/0, target: igw-main }
      - id: rt-private
        routes:
          - { destination: 0.0.0.0/0, target: nat-a }
          - { destination: 10.1.0.0/16, target: pcx-tools }
          - { destination: 10.2.0.0/16, target: tgw-hub }
          - { destination: 192.168.0.0/16, target: vpn-office }
    securityGroups:
      - id: sg-cluster
        ingress:
          - { protocol: all, sourceSecurityGroup: sg-cluster }
          - { protocol: tcp, ports: 443, cidr: 192.168.0.0/16 }
          - { protocol: tcp, ports: 443, cidr: 10.2.0.0/16 }
          - { protocol: tcp, ports: 443, sourceSecurityGroup: sg-tools }
      - id: sg-node
    resolver:
      inboundEndpoints: [{ id: rslvr-in, ips: [10.0.1.53, 10.0.2.53] }]
  - id: vpc-tools
    cidrs: [10.1.0.0/16]
    enableDnsSupport: true
    enableDnsHostnames: true
    internetGateway: igw-tools
    subnets:
      - { id: subnet-tools-pub, cidr: 10.1.0.0/24, az: eu-west-1a, routeTable: rt-tools-public }
      - { id: subnet-tools, cidr: 10.1.1.0/24, az: eu-west-1a, routeTable: rt-tools }
    natGateways:
      - { id: nat-tools, subnet: subnet-tools-pub, publicIp: 198.51.100.60 }
    routeTables:
      - id: rt-tools-public
        routes:
          - { destination: 0.0.0.0/0, target: igw-tools }
      - id: rt-tools
        routes:
          - { destination: 10.0.0.0/16, target: pcx-tools }
          - { destination: 0.0.0.0/0, target: nat-tools }
    securityGroups:
      - id: sg-tools
  - id: vpc-shared
    cidrs: [10.2.0.0/16]
    enableDnsSupport: true
    enableDnsHostnames: true
    subnets:
      - { id: subnet-shared, cidr: 10.2.1.0/24, az: eu-west-1a, routeTable: rt-shared }
    routeTables:
      - id: rt-shared
        routes:
          - { destination: 10.0.0.0/16, target: tgw-hub }
    securityGroups:
      - id: sg-shared
connections:
  - { id: pcx-tools, type: peering, vpcs: [vpc-main, vpc-tools] }
  - { id: tgw-hub, type: transit-gateway, attachments: [vpc-main, vpc-shared] }
  - { id: vpn-office, type: vpn, vpc: vpc-main, network: office }
networks:
  - id: office
    cidrs: [192.168.0.0/16]
    internetEgressIp: 203.0.113.50
    routes:
      - { destination: 10.0.0.0/16, target: vpn-office }
    dnsServers: [192.168.0.2]
dnsServers:
  - ip: 192.168.0.2
    forward:
      - { domain: eks.amazonaws.com, to: [10.0.1.53, 10.0.2.53] }
clients:
  - { name: node, from: subnet-nodes, ip: 10.0.16.20, securityGroups: [sg-cluster] }
  - { name: bastion, from: subnet-pub, ip: 10.0.0.40, publicIp: 54.0.0.40, securityGroups: [sg-node] }
  - { name: tools, from: subnet-tools, ip: 10.1.1.25, securityGroups: [sg-tools] }
  - { name: shared, from: subnet-shared, ip: 10.2.1.30, securityGroups: [sg-shared] }
  - { name: admin, from: office, ip: 192.168.1.20 }
  - { name: laptop, from: internet, ip: 203.0.113.99 }
"#;

/// The base scenario with each `(from, to)` text edit applied; every edit must apply.
pub fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_owned();
    for (from, to) in edits {
        assert!(
            text.contains(from),
            "edit target not in the base scenario: {from}"
        );
        text = text.replacen(from, to, 1);
    }
    text
}

pub fn load(text: &str) -> Scenario {
    match scenario::load_one("test.yaml", text) {
        Ok(scenario) => scenario,
        Err(problems) => panic!(
            "scenario does not load:\n{}",
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// One client's flow, with the scenario it borrows from and its hops in words.
pub struct Traced {
    pub scenario: &'static Scenario,
    pub flow: Flow<'static>,
}

impl std::ops::Deref for Traced {
    type Target = Flow<'static>;
    fn deref(&self) -> &Flow<'static> {
        &self.flow
    }
}

impl Traced {
    /// The hops of target `i`, in words.
    pub fn hops(&self, i: usize) -> Vec<eksflow::path::Hop> {
        self.flow.targets[i].hops(self.scenario, self.flow.client)
    }

    /// The steps of target `i`, as data.
    pub fn steps(&self, i: usize) -> &[Step<'static>] {
        &self.flow.targets[i].steps
    }

    /// The step that blocked target `i` (its last): the element it names, by ID, and the
    /// failed check as data where the walk records one.
    pub fn block(&self, i: usize) -> (&str, Option<&Denial<'static>>) {
        assert!(
            self.flow.targets[i].blocked.is_some(),
            "target {i} is not blocked"
        );
        match self.steps(i).last() {
            Some(Step::Blocked { at, denial, .. }) => (at.as_str(), denial.as_ref()),
            other => panic!("target {i} does not end in a blocked step: {other:?}"),
        }
    }

    /// The element that blocked the flow: the blocked step of its first target, whose
    /// verdict is the flow's (SPEC 5).
    pub fn blocked_at(&self) -> &str {
        assert_eq!(self.flow.blocked, self.flow.targets[0].blocked);
        self.block(0).0
    }

    /// The check that blocked the flow, as data.
    pub fn denial(&self) -> &Denial<'static> {
        assert_eq!(self.flow.blocked, self.flow.targets[0].blocked);
        self.block(0)
            .1
            .unwrap_or_else(|| panic!("no denial recorded at {}", self.block(0).0))
    }

    /// The IDs of security groups `groups`.
    pub fn sg_ids(&self, groups: &[SgIx]) -> Vec<&str> {
        groups
            .iter()
            .map(|&sg| self.scenario.security_group(sg).unwrap().id.as_str())
            .collect()
    }

    /// The ID of the VPC or network `place`.
    pub fn place_id(&self, place: Attachment) -> &str {
        match place {
            Attachment::Vpc(vpc) => &self.scenario.vpc(vpc).unwrap().id,
            Attachment::Network(network) => &self.scenario.network(network).unwrap().id,
        }
    }
}

/// The flow of `client` in the scenario `text`, under `mode` (or the scenario's own). The
/// scenario is leaked: a test process is short-lived and this keeps the flow borrowable.
pub fn flow_in(text: &str, client: &str, mode: Option<EndpointAccess>) -> Traced {
    let scenario: &'static Scenario = Box::leak(Box::new(load(text)));
    let analysis = analysis::analyse(scenario, mode);
    let flow = analysis
        .flows
        .into_iter()
        .find(|flow| flow.client.name == client)
        .unwrap_or_else(|| panic!("no client {client}"));
    Traced { scenario, flow }
}

pub fn flow(edits: &[(&str, &str)], client: &str) -> Traced {
    flow_in(&edited(edits), client, None)
}

pub fn flow_mode(edits: &[(&str, &str)], client: &str, mode: EndpointAccess) -> Traced {
    flow_in(&edited(edits), client, Some(mode))
}

pub fn addresses(flow: &Flow) -> Vec<String> {
    flow.dns
        .addresses()
        .iter()
        .map(|ip| ip.to_string())
        .collect()
}

pub fn reason(flow: &Flow) -> Option<&'static str> {
    flow.blocked.as_ref().map(|blocked| blocked.reason.code())
}
