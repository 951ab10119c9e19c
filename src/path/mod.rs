//! The packet path from a client to one endpoint address (SPEC section 3, *Path*).
//!
//! TCP from the client's IP to port 443, checked in the order a packet meets each element:
//! client security group egress → client subnet NACL outbound → route lookup (and NAT /
//! internet gateway / connection) → for a public address, `publicAccessCidrs`; for a private
//! one, ENI subnet NACL inbound → ENI security groups → ENI subnet NACL outbound (return) →
//! return route from the ENI subnet → client subnet NACL inbound (return). The first check
//! that fails gives the [`Reason`](crate::reason::Reason).
//!
//! This file holds the public types and the [`Tracer`]'s entry points. The walks, each file
//! citing the AWS behaviour it encodes beyond the SPEC:
//! - `public`: to a public endpoint address, leaving for the internet through
//!   `internet_egress` (internet gateway, NAT gateway, a network's egress IP);
//! - `private`: to an EKS-owned ENI address, reaching the cluster VPC through
//!   `route_to_cluster` (local route, peering, transit gateway, VPN, Direct Connect);
//! - `transit`: how a transit gateway routes (static and propagated routes) and the
//!   attachment subnet where its traffic enters a VPC, which centralised egress relies on;
//! - `kubelet`: the control plane → node kubelet connection (TCP 10250);
//! - `hybrid`: the same to an on-premises hybrid node, over the ENI subnets' routes;
//! - `proxy`: a client's connection to its HTTPS proxy (leg 1 of a proxied flow).
//!
//! What they share: `crossing` (where a connection lands, and the routing loop a crossing
//! closes), `filter_checks` (security group egress and NACL checks recorded in the
//! walk), `filters` (rule evaluation), `routes` (route lookup), `steps` (what each hop met,
//! put into words) and `walk` (the steps so far, and how a failed check ends them).

mod crossing;
mod dns_hop;
mod filter_checks;
mod filters;
mod hybrid;
mod internet_egress;
mod kubelet;
mod private;
mod proxy;
mod public;
mod route_to_cluster;
mod routes;
mod steps;
mod transit;
mod walk;

use std::net::IpAddr;

pub use dns_hop::{DnsHop, DnsServerSide};
pub use filters::{
    AclVerdict, Direction, SgMatch, evaluate_acl, sg_egress_allows, sg_ingress_allows,
};
pub use hybrid::{RemoteRoute, network_returns, route_to_remote};
pub use proxy::ProxyLeg;
pub use routes::{VpcNextHop, lookup_network, lookup_subnet};
pub use steps::{Context, Denial, Leg, SourceOrigin, Step};
pub use transit::TransitHop;

use crate::reason::Blocked;
use crate::scenario::{
    Client, ClientLocation, ConnIx, EndpointAccess, Eni, Family, PortRange, Protocol, Scenario,
    Subnet, SubnetIx, VpcIx,
};
use walk::Walk;

/// The Kubernetes API server's port.
pub const HTTPS: u16 = 443;

/// The kubelet's port, which the control plane connects to for `kubectl exec` and `logs`,
/// and which admission webhooks behind the nodes need.
pub const KUBELET: u16 = 10250;

/// Which endpoint an address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointKind {
    /// The public endpoint (an AWS-managed load balancer address).
    Public,
    /// An EKS-owned ENI in the cluster VPC.
    Private,
}

impl EndpointKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointKind::Public => "public",
            EndpointKind::Private => "private",
        }
    }
}

/// One element the packet met, and whether it let the packet through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The scenario element, by ID (`sg-cluster`, `rt-private`, `publicAccessCidrs`).
    pub at: String,
    pub detail: String,
    pub ok: bool,
}

/// The path to one resolved address.
#[derive(Debug, Clone)]
pub struct Target<'s> {
    pub address: IpAddr,
    /// The client's own address of `address`'s family, which the packet leaves with.
    pub source: IpAddr,
    pub endpoint: EndpointKind,
    /// Each check the packet met, in order; the last one failed when `blocked` is set.
    pub steps: Vec<Step<'s>>,
    /// `None` when the packet arrives (and the reply returns).
    pub blocked: Option<Blocked>,
}

impl Target<'_> {
    pub fn reachable(&self) -> bool {
        self.blocked.is_none()
    }

    pub fn family(&self) -> Family {
        Family::of(self.address)
    }

    /// The steps in words, for `client`'s flow in `scenario`.
    pub fn hops(&self, scenario: &Scenario, client: &Client) -> Vec<Hop> {
        let cx = Context {
            scenario,
            client,
            address: self.address,
            source: self.source,
        };
        self.steps.iter().map(|step| step.hop(cx)).collect()
    }
}

/// The control plane's connection to a node's kubelet (TCP 10250) from one EKS-owned ENI.
#[derive(Debug, Clone)]
pub struct KubeletPath<'s> {
    /// The ENI address the connection starts from (its IPv6 one on an IPv6 cluster).
    pub eni: IpAddr,
    /// The node address it goes to.
    pub node: IpAddr,
    pub steps: Vec<Step<'s>>,
    pub blocked: Option<Blocked>,
}

impl KubeletPath<'_> {
    pub fn reachable(&self) -> bool {
        self.blocked.is_none()
    }

    /// The steps in words, for the connection to `node`.
    pub fn hops(&self, scenario: &Scenario, node: &Client) -> Vec<Hop> {
        let cx = Context {
            scenario,
            client: node,
            address: self.node,
            source: self.node,
        };
        self.steps.iter().map(|step| step.hop(cx)).collect()
    }
}

/// Traces TCP 443 flows under one endpoint access mode (or, made by [`DnsHop::trace`], one
/// DNS query hop on port 53).
#[derive(Debug)]
pub struct Tracer<'s> {
    scenario: &'s Scenario,
    access: EndpointAccess,
    /// The transport the walk checks filters for: TCP, or UDP for a DNS query.
    proto: Protocol,
    /// The destination port: 443, or 53 for a DNS query.
    port: u16,
    /// Where a DNS query hop goes (`None`: the API server).
    goal: Option<DnsServerSide<'s>>,
}

impl<'s> Tracer<'s> {
    pub fn new(scenario: &'s Scenario, access: EndpointAccess) -> Self {
        Tracer {
            scenario,
            access,
            proto: Protocol::Tcp,
            port: HTTPS,
            goal: None,
        }
    }

    /// The destination port as a range, for NACL checks of the request.
    fn ports(&self) -> PortRange {
        PortRange {
            from: self.port,
            to: self.port,
        }
    }

    /// The VPC a private-address walk must reach: the cluster VPC, or the VPC of the DNS
    /// server a query hop goes to.
    fn goal_vpc(&self) -> VpcIx {
        match self.goal {
            Some(DnsServerSide::Interface { subnet, .. }) => subnet.vpc,
            _ => self.scenario.cluster.vpc,
        }
    }

    /// The goal in words: `the cluster VPC vpc-main`, or the DNS server's VPC or network.
    fn goal_phrase(&self) -> String {
        match self.goal {
            None => format!("the cluster VPC {}", self.vpc_id(self.scenario.cluster.vpc)),
            Some(DnsServerSide::Interface { subnet, .. }) => {
                format!("{}, where the DNS server is", self.vpc_id(subnet.vpc))
            }
            Some(DnsServerSide::Network(network)) => format!(
                "network {}, where the DNS server is",
                self.place_id(crate::scenario::Attachment::Network(network))
            ),
            Some(DnsServerSide::Public) => "the internet".to_owned(),
        }
    }

    /// Which endpoint `address` belongs to under this mode.
    pub fn endpoint_kind(&self, address: IpAddr) -> EndpointKind {
        let cluster = &self.scenario.cluster;
        if cluster.enis.iter().any(|eni| eni.has(address)) {
            EndpointKind::Private
        } else {
            EndpointKind::Public
        }
    }

    /// Traces `client` → `address`:443.
    pub fn trace(&self, client: &'s Client, address: IpAddr) -> Target<'s> {
        let endpoint = self.endpoint_kind(address);
        // Targets are only addresses of a family the client has (SPEC 7.4).
        let source = client
            .address(Family::of(address))
            .unwrap_or(std::net::IpAddr::V4(client.ip));
        let mut walk = Walk {
            steps: Vec::with_capacity(12),
            source,
        };
        let result = match endpoint {
            EndpointKind::Public => self.to_public(&mut walk, client, address),
            EndpointKind::Private => self.to_private(&mut walk, client, address),
        };
        Target {
            address,
            source,
            endpoint,
            steps: walk.steps,
            blocked: result.err(),
        }
    }

    /// Traces the control plane → `node`:10250 from `eni`. The kubelet connection starts in
    /// the cluster VPC, so the route is always local; the filters are the cluster security
    /// groups' egress, both subnets' NACLs (both ways) and the node's security groups.
    ///
    /// On an IPv6 cluster the connection runs between the IPv6 addresses of ENI and node
    /// (SPEC 7.4, choice: IPv6 clusters register nodes by their IPv6 address).
    pub fn kubelet(&self, eni: &'s Eni, node: &'s Client) -> KubeletPath<'s> {
        let ipv4 = (IpAddr::V4(eni.ip), IpAddr::V4(node.ip));
        let (from, to) = match self.scenario.cluster.ip_family {
            Family::Ipv6 => eni
                .address(Family::Ipv6)
                .zip(node.address(Family::Ipv6))
                .unwrap_or(ipv4),
            Family::Ipv4 => ipv4,
        };
        let (from, to) = match node.location {
            ClientLocation::Network(_) => ipv4,
            _ => (from, to),
        };
        let mut walk = Walk {
            steps: Vec::with_capacity(8),
            source: from,
        };
        let blocked = match node.location {
            // A hybrid node: the connection leaves the cluster VPC (SPEC 9.3).
            ClientLocation::Network(_) => self.hybrid_kubelet_walk(&mut walk, eni, node, ipv4),
            _ => self.kubelet_walk(&mut walk, eni, node, (from, to)),
        }
        .err();
        KubeletPath {
            eni: from,
            node: to,
            steps: walk.steps,
            blocked,
        }
    }

    /// The scenario traced.
    pub fn scenario(&self) -> &'s Scenario {
        self.scenario
    }

    // Lookups the walks in the sibling files share.

    fn subnet_of(&self, client: &Client) -> Option<(SubnetIx, &'s Subnet)> {
        match client.location {
            ClientLocation::Subnet(ix) => self.scenario.subnet(ix).map(|subnet| (ix, subnet)),
            _ => None,
        }
    }

    fn vpc_id(&self, vpc: VpcIx) -> &'s str {
        self.scenario
            .vpc(vpc)
            .map(|vpc| vpc.id.as_str())
            .unwrap_or_default()
    }

    fn connection_id(&self, conn: ConnIx) -> &'s str {
        self.scenario
            .connection(conn)
            .map(|c| c.id.as_str())
            .unwrap_or_default()
    }
}
