//! Per-client verdicts: resolve the endpoint name, trace every answered address and compare
//! with the client's `expect`. The scenario-wide rules run on the result
//! ([`crate::rules::check`]); [`crate::checked`] keeps the two together.

use std::net::Ipv4Addr;

use crate::dns::{Resolution, Resolver};
use crate::path::{EndpointKind, KubeletPath, Target, Tracer};
use crate::reason::{Blocked, Reason};
use crate::scenario::{Client, EndpointAccess, ExpectedAnswer, Scenario};

/// One client's flow to the API server.
#[derive(Debug, Clone)]
pub struct Flow<'s> {
    pub client: &'s Client,
    /// The client's own address.
    pub source: Ipv4Addr,
    pub dns: Resolution,
    /// Which endpoint the answer points at; `None` when nothing resolved.
    pub endpoint: Option<EndpointKind>,
    /// One trace per resolved address, in answer order.
    pub targets: Vec<Target<'s>>,
    /// Why the flow fails: the resolution failure, or the first target's block.
    pub blocked: Option<Blocked>,
    pub expectation: Option<ExpectationResult>,
}

impl Flow<'_> {
    /// A client is reachable when at least one resolved address is.
    pub fn reachable(&self) -> bool {
        self.targets.iter().any(Target::reachable)
    }
}

/// A client's `expect`, and whether the flow met it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectationResult {
    pub answer: Option<ExpectedAnswer>,
    pub reachable: Option<bool>,
    pub met: bool,
}

/// The control plane's connections to one node group subnet's kubelets, one per EKS ENI.
#[derive(Debug, Clone)]
pub struct KubeletFlow<'s> {
    /// The node group's implicit client in that subnet.
    pub node: &'s Client,
    pub paths: Vec<KubeletPath<'s>>,
}

impl KubeletFlow<'_> {
    /// The control plane reaches the kubelet when any of its ENIs does.
    pub fn reachable(&self) -> bool {
        self.paths.iter().any(KubeletPath::reachable)
    }
}

/// The analysis of one scenario under one endpoint access mode.
#[derive(Debug, Clone)]
pub struct Analysis<'s> {
    pub scenario: &'s Scenario,
    pub mode: EndpointAccess,
    pub flows: Vec<Flow<'s>>,
    /// Control plane → kubelet, for every node group subnet.
    pub kubelet: Vec<KubeletFlow<'s>>,
}

impl Analysis<'_> {
    /// Whether any client's expectation failed.
    pub fn expectation_failed(&self) -> bool {
        self.flows
            .iter()
            .any(|flow| flow.expectation.is_some_and(|e| !e.met))
    }
}

/// Analyses `scenario` in its own mode, or in `mode` when given (`check --mode`).
pub fn analyse(scenario: &Scenario, mode: Option<EndpointAccess>) -> Analysis<'_> {
    let mode = mode.unwrap_or(scenario.cluster.access);
    let resolver = Resolver::new(scenario, mode);
    let tracer = Tracer::new(scenario, mode);
    let flows: Vec<Flow> = scenario
        .clients
        .iter()
        .map(|client| flow(&resolver, &tracer, client))
        .collect();
    let kubelet: Vec<KubeletFlow<'_>> = scenario
        .clients
        .iter()
        .filter(|client| client.node_group.is_some())
        .map(|node| KubeletFlow {
            node,
            paths: scenario
                .cluster
                .enis
                .iter()
                .map(|eni| tracer.kubelet(eni, node))
                .collect(),
        })
        .collect();
    Analysis {
        scenario,
        mode,
        flows,
        kubelet,
    }
}

/// Resolves and traces one client.
pub fn flow<'s>(resolver: &Resolver<'_>, tracer: &Tracer<'s>, client: &'s Client) -> Flow<'s> {
    let dns = resolver.resolve(client.location);
    let targets: Vec<Target<'s>> = dns
        .addresses()
        .into_iter()
        .map(|address| tracer.trace(client, address))
        .collect();
    let endpoint = targets.first().map(|target| target.endpoint);
    let reachable = targets.iter().any(Target::reachable);
    let blocked = if reachable {
        None
    } else {
        dns.failure
            .clone()
            .or_else(|| targets.first().and_then(|target| target.blocked.clone()))
            .or_else(|| Some(no_addresses(&dns)))
    };
    let expectation = client.expect.map(|expect| {
        let answer_met = expect.answer.is_none_or(|answer| match answer {
            ExpectedAnswer::Public => endpoint == Some(EndpointKind::Public),
            ExpectedAnswer::Private => endpoint == Some(EndpointKind::Private),
            ExpectedAnswer::None => endpoint.is_none(),
        });
        let reachable_met = expect.reachable.is_none_or(|want| want == reachable);
        ExpectationResult {
            answer: expect.answer,
            reachable: expect.reachable,
            met: answer_met && reachable_met,
        }
    });
    Flow {
        client,
        source: client.ip,
        dns,
        endpoint,
        targets,
        blocked,
        expectation,
    }
}

/// An answer without addresses (no ENIs, or an empty `publicEndpointIps`): the flow fails
/// before any packet is sent, and still needs a reason (SPEC 5: `reason` is null only when
/// the flow is reachable).
fn no_addresses(dns: &Resolution) -> Blocked {
    let source = match dns.answered_by {
        crate::dns::AnsweredBy::PrivateHostedZone => "the EKS private hosted zone",
        _ => "public DNS",
    };
    Blocked {
        reason: Reason::DnsNoAddresses,
        blocked_by: format!(
            "{source} answered the endpoint name with no addresses (cluster.enis or cluster.publicEndpointIps is empty), so there is nothing to connect to"
        ),
    }
}
