//! Routing in the VPC eksctl creates (`pkg/cfn/builder/vpc_ipv4.go`): an internet gateway
//! and one public route table (0.0.0.0/0 → IGW) for every public subnet; one private route
//! table per zone whatever the NAT mode. `vpc.nat.gateway` defaults to `Single`
//! (`DefaultClusterNAT`): one NAT gateway in the first zone's public subnet, the default route
//! of every private table; `HighlyAvailable`: one NAT gateway per zone, each zone's private
//! table to its own; `Disable`: no NAT gateway and no default route. A fully-private cluster
//! gets only the private tables, with no default route (`created_vpc`).

use super::network::{Network, PlacedSubnet};
use super::vpc_config::{NatMode, Topology};
use super::{Importer, resource_alias};
use crate::import::build::sanitize;
use crate::import::inventory::{GatewayDef, NatDef, RouteDef, RouteTableDef, RouteTargetDef};

impl Importer<'_> {
    pub(super) fn internet_gateway(&mut self, network: &Network) -> String {
        let id = format!("igw-{}", self.cluster_slug());
        self.inventory.internet_gateways.push(GatewayDef {
            id: id.clone(),
            origin: "eksctl-created InternetGateway".to_owned(),
            vpc: Some(network.vpc.clone()),
        });
        id
    }

    /// The egress-only internet gateway of an IPv6 cluster's VPC (`vpc_ipv6.go`).
    pub(super) fn egress_only_gateway(&mut self, network: &Network) -> String {
        let id = format!("eigw-{}", self.cluster_slug());
        self.inventory
            .egress_only_internet_gateways
            .push(GatewayDef {
                id: id.clone(),
                origin: "eksctl-created EgressOnlyInternetGateway".to_owned(),
                vpc: Some(network.vpc.clone()),
            });
        id
    }

    /// One table for every public subnet: 0.0.0.0/0 → the internet gateway, and for an IPv6
    /// cluster `::/0` too (`PublicSubnetIPv6DefaultRoute`, `vpc_ipv6.go`).
    pub(super) fn public_route_table(&mut self, network: &Network, igw: &str) {
        let mut routes = vec![RouteDef {
            destination: Some("0.0.0.0/0".to_owned()),
            target: RouteTargetDef::InternetGateway(igw.to_owned()),
        }];
        if self.ipv6() {
            routes.push(RouteDef {
                destination: Some("::/0".to_owned()),
                target: RouteTargetDef::InternetGateway(igw.to_owned()),
            });
        }
        self.inventory.route_tables.push(RouteTableDef {
            id: "rtb-public".to_owned(),
            origin: "eksctl-created PublicRouteTable".to_owned(),
            vpc: Some(network.vpc.clone()),
            routes,
            subnets: network.of(Topology::Public).map(|s| s.id.clone()).collect(),
            main: false,
        });
    }

    /// The NAT gateways of `vpc.nat.gateway`, as (public subnet, NAT gateway ID) pairs.
    pub(super) fn nat_gateways(&mut self, network: &Network) -> Vec<(PlacedSubnet, String)> {
        let config = self.config;
        let (mode, mode_origin) = match config.vpc.nat {
            Some(mode) => (mode, format!("vpc.nat.gateway: {}", mode.as_str())),
            None => (
                NatMode::Single,
                "vpc.nat.gateway not set: eksctl's default Single".to_owned(),
            ),
        };
        let public: Vec<PlacedSubnet> = network.of(Topology::Public).cloned().collect();
        let hosts: Vec<PlacedSubnet> = match mode {
            NatMode::Disable => Vec::new(),
            NatMode::HighlyAvailable => public,
            // eksctl puts the single NAT gateway in the first zone's public subnet.
            NatMode::Single => {
                let first_zone = config.availability_zones.first();
                public
                    .iter()
                    .find(|s| first_zone.is_some_and(|z| s.az.as_ref() == Some(z) || &s.name == z))
                    .or(public.first())
                    .cloned()
                    .into_iter()
                    .collect()
            }
        };
        if mode != NatMode::Disable && hosts.is_empty() {
            self.note(format!(
                "{mode_origin}: the VPC has no public subnet for a NAT gateway; none is assumed"
            ));
        }
        let mut out = Vec::new();
        for host in hosts {
            let (id, resource) = match mode {
                NatMode::Single => (
                    format!("nat-{}", self.cluster_slug()),
                    "NATGateway".to_owned(),
                ),
                _ => (
                    format!("nat-{}", sanitize(&host.name)),
                    format!("NATGateway{}", resource_alias(&host.name)),
                ),
            };
            self.inventory.nat_gateways.push(NatDef {
                id: id.clone(),
                origin: format!("eksctl-created {resource}, {mode_origin}"),
                subnet: Some(host.id.clone()),
                // The Elastic IP is allocated at creation: the builder writes a placeholder.
                public_ip: None,
                private: false,
            });
            out.push((host, id));
        }
        out
    }

    /// One route table per private subnet, its default route to the NAT gateway of its zone
    /// (`HighlyAvailable`), the only one (`Single`), or none; and `::/0` to the egress-only
    /// gateway `eigw` of an IPv6 cluster (`PrivateSubnetDefaultIpv6Route`, `vpc_ipv6.go`).
    pub(super) fn private_route_tables(
        &mut self,
        network: &Network,
        nats: &[(PlacedSubnet, String)],
        eigw: Option<&str>,
    ) -> Vec<String> {
        let private: Vec<PlacedSubnet> = network.of(Topology::Private).cloned().collect();
        let mut ids = Vec::new();
        for subnet in private {
            let nat = nat_for(&subnet, nats);
            let mut routes: Vec<RouteDef> = nat
                .map(|nat| RouteDef {
                    destination: Some("0.0.0.0/0".to_owned()),
                    target: RouteTargetDef::NatGateway(nat.to_owned()),
                })
                .into_iter()
                .collect();
            if let Some(eigw) = eigw {
                routes.push(RouteDef {
                    destination: Some("::/0".to_owned()),
                    target: RouteTargetDef::EgressOnlyInternetGateway(eigw.to_owned()),
                });
            }
            let id = format!("rtb-private-{}", sanitize(&subnet.name));
            self.inventory.route_tables.push(RouteTableDef {
                id: id.clone(),
                origin: format!(
                    "eksctl-created PrivateRouteTable{}",
                    resource_alias(&subnet.name)
                ),
                vpc: Some(network.vpc.clone()),
                routes,
                subnets: vec![subnet.id.clone()],
                main: false,
            });
            ids.push(id);
        }
        ids
    }
}

/// The NAT gateway a private subnet's table routes to: the one in its zone (or of the same
/// name), else the only one.
fn nat_for<'n>(subnet: &PlacedSubnet, nats: &'n [(PlacedSubnet, String)]) -> Option<&'n str> {
    let same_zone = nats
        .iter()
        .find(|(host, _)| host.name == subnet.name || (host.az.is_some() && host.az == subnet.az));
    if let Some((_, id)) = same_zone {
        return Some(id);
    }
    match nats {
        [(_, only)] => Some(only),
        _ => None,
    }
}
