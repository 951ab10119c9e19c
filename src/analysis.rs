//! Per-client verdicts: resolve the endpoint name, trace every answered address and compare
//! with the client's `expect`. The scenario-wide rules run on the result
//! ([`crate::rules::check`]); [`crate::checked`] keeps the two together.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use crate::dns::{Resolution, Resolver};
use crate::path::{EndpointKind, KubeletPath, ProxyLeg, Target, Tracer};
use crate::reason::{Blocked, Reason};
use crate::scenario::{Client, EndpointAccess, ExpectedAnswer, Family, Scenario};

/// One client's flow to the API server.
#[derive(Debug, Clone)]
pub struct Flow<'s> {
    pub client: &'s Client,
    /// The client's own address.
    pub source: Ipv4Addr,
    /// Shared by every client that asks from the same place.
    pub dns: Arc<Resolution>,
    /// Which endpoint the answer points at; `None` when nothing resolved.
    pub endpoint: Option<EndpointKind>,
    /// One trace per resolved address of a family the client has, in the order it tries
    /// them: a dual-stack client every IPv6 address first, then every IPv4 one (SPEC 7.4).
    pub targets: Vec<Target<'s>>,
    /// Why the flow fails: the resolution failure, or the first target's block.
    pub blocked: Option<Blocked>,
    pub expectation: Option<ExpectationResult>,
    /// Leg 1 of a flow through an HTTPS proxy (SPEC 10.2): the client → proxy connection.
    /// `dns` and `targets` are then the proxy's own (leg 2).
    pub proxy: Option<ProxyLeg<'s>>,
    /// Leg 2's own verdict on a flow through a proxy: why the proxy's own flow to the API
    /// fails (its resolution failure or its first target's block), whatever leg 1 did;
    /// `None` when leg 2 reaches the API, or without a proxy. `blocked` holds only the first
    /// failing leg, so a report that shows both legs reads leg 2 here.
    pub proxy_onward: Option<Blocked>,
}

impl<'s> Flow<'s> {
    /// A client is reachable when at least one resolved address is (through its proxy, when
    /// it has one: both legs).
    pub fn reachable(&self) -> bool {
        self.proxy.as_ref().is_none_or(ProxyLeg::reachable)
            && self.targets.iter().any(Target::reachable)
    }

    /// The client whose packets the `targets` trace: the proxy for a proxied flow, else the
    /// flow's own client. Render target hops with it.
    pub fn target_client(&self) -> &'s Client {
        self.proxy.as_ref().map_or(self.client, |leg| leg.proxy)
    }

    /// The family of the target that decides the verdict: the first reachable target, else
    /// the first target; `None` with no target (SPEC 7.7).
    pub fn family(&self) -> Option<Family> {
        decisive_family(&self.targets)
    }
}

fn decisive_family(targets: &[Target<'_>]) -> Option<Family> {
    targets
        .iter()
        .find(|target| target.reachable())
        .or_else(|| targets.first())
        .map(Target::family)
}

/// The addresses `client` tries, in order: only families it has; a dual-stack client tries
/// every IPv6 address first (answer order), then every IPv4 one, as kubectl's Go dialer and
/// curl do (Go 1.5 release notes, net: Happy Eyeballs "giving the first address family a
/// 300ms head start"; curl docs, "preferring IPv6 first").
pub fn attempt_order(client: &Client, answered: &[IpAddr]) -> Vec<IpAddr> {
    let v6 = answered.iter().filter(|ip| ip.is_ipv6());
    let v4 = answered.iter().filter(|ip| ip.is_ipv4());
    match client.ipv6 {
        Some(_) => v6.chain(v4).copied().collect(),
        None => v4.copied().collect(),
    }
}

/// A client's `expect`, and whether the flow met it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectationResult {
    pub answer: Option<ExpectedAnswer>,
    pub reachable: Option<bool>,
    pub family: Option<Family>,
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

/// Resolves and traces one client; a client behind a proxy in two legs (SPEC 10.2).
pub fn flow<'s>(resolver: &Resolver<'_>, tracer: &Tracer<'s>, client: &'s Client) -> Flow<'s> {
    let Some(proxy) = client
        .proxy
        .as_ref()
        .and_then(|p| tracer.scenario().client(p.client).map(|c| (c, p.port)))
    else {
        return direct_flow(resolver, tracer, client);
    };
    proxied_flow(resolver, tracer, client, proxy)
}

/// A client behind an HTTPS proxy: the proxy resolves and connects as its own client (leg
/// 2: "The proxy in the VPC performs the DNS resolution", aws/containers-roadmap#22), and
/// the client only needs to reach the proxy (leg 1). The first failing leg gives the reason,
/// its sentence naming the leg.
fn proxied_flow<'s>(
    resolver: &Resolver<'_>,
    tracer: &Tracer<'s>,
    client: &'s Client,
    (proxy, port): (&'s Client, u16),
) -> Flow<'s> {
    let leg = tracer.proxy_leg(client, proxy, port);
    let inner = direct_flow(resolver, tracer, proxy);
    let reachable = leg.reachable() && inner.reachable();
    let blocked = match (&leg.blocked, &inner.blocked) {
        (Some(first), _) => Some(Blocked {
            reason: first.reason,
            blocked_by: format!(
                "to proxy {} ({}:{port}): {}",
                proxy.name, leg.address, first.blocked_by
            ),
        }),
        (None, Some(second)) if !reachable => Some(Blocked {
            reason: second.reason,
            blocked_by: format!("from proxy {}: {}", proxy.name, second.blocked_by),
        }),
        _ => None,
    };
    let expectation = expectation(client, inner.endpoint, reachable, &inner.targets);
    Flow {
        client,
        source: client.ip,
        dns: inner.dns,
        endpoint: inner.endpoint,
        targets: inner.targets,
        blocked,
        expectation,
        proxy: Some(leg),
        proxy_onward: inner.blocked,
    }
}

fn direct_flow<'s>(resolver: &Resolver<'_>, tracer: &Tracer<'s>, client: &'s Client) -> Flow<'s> {
    let dns = resolver.resolve_client(client);
    let targets: Vec<Target<'s>> = attempt_order(client, &dns.addresses())
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
    let expectation = expectation(client, endpoint, reachable, &targets);
    Flow {
        client,
        source: client.ip,
        dns,
        endpoint,
        targets,
        blocked,
        expectation,
        proxy: None,
        proxy_onward: None,
    }
}

/// `client`'s `expect`, compared with the flow's answer, verdict and deciding family.
fn expectation(
    client: &Client,
    endpoint: Option<EndpointKind>,
    reachable: bool,
    targets: &[Target<'_>],
) -> Option<ExpectationResult> {
    client.expect.map(|expect| {
        let answer_met = expect.answer.is_none_or(|answer| match answer {
            ExpectedAnswer::Public => endpoint == Some(EndpointKind::Public),
            ExpectedAnswer::Private => endpoint == Some(EndpointKind::Private),
            ExpectedAnswer::None => endpoint.is_none(),
        });
        let reachable_met = expect.reachable.is_none_or(|want| want == reachable);
        let family_met = expect
            .family
            .is_none_or(|want| decisive_family(targets) == Some(want));
        ExpectationResult {
            answer: expect.answer,
            reachable: expect.reachable,
            family: expect.family,
            met: answer_met && reachable_met && family_met,
        }
    })
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
