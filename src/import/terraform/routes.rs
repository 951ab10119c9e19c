//! Gateways and route tables: where a subnet's traffic goes.
//!
//! Internet, egress-only internet and VPN gateways take their VPC from the gateway or from a separate attachment
//! resource; a NAT gateway's public IP is its own or that of the `aws_eip` its allocation
//! names. Route tables get their inline `route` blocks, the `aws_route` resources that name
//! them (a route to a table not in the plan is noted and left out) and their subnet
//! associations; `aws_default_route_table` and `aws_main_route_table_association` mark the
//! main table.

use super::attributes::{Seg, k};
use super::{Plan, Resource};
use crate::import::inventory::{
    GatewayDef, Inventory, NatDef, RouteDef, RouteTableDef, RouteTargetDef,
};

impl<'a> Plan<'a> {
    pub(super) fn gateways(&self, inventory: &mut Inventory) {
        for igw in self.of_kind("aws_internet_gateway") {
            let mut vpc = self.id(igw, &[k("vpc_id")]);
            let id = self.id_of(igw);
            for attachment in self.of_kind("aws_internet_gateway_attachment") {
                if self.id(attachment, &[k("internet_gateway_id")]).as_deref() == Some(id.as_str())
                {
                    vpc = vpc.or_else(|| self.id(attachment, &[k("vpc_id")]));
                }
            }
            inventory.internet_gateways.push(GatewayDef {
                id,
                origin: igw.address.clone(),
                vpc,
            });
        }
        for eigw in self.of_kind("aws_egress_only_internet_gateway") {
            inventory.egress_only_internet_gateways.push(GatewayDef {
                id: self.id_of(eigw),
                origin: eigw.address.clone(),
                vpc: self.id(eigw, &[k("vpc_id")]),
            });
        }
        for vgw in self.of_kind("aws_vpn_gateway") {
            let id = self.id_of(vgw);
            let mut vpc = self.id(vgw, &[k("vpc_id")]);
            for attachment in self.of_kind("aws_vpn_gateway_attachment") {
                if self.id(attachment, &[k("vpn_gateway_id")]).as_deref() == Some(id.as_str()) {
                    vpc = vpc.or_else(|| self.id(attachment, &[k("vpc_id")]));
                }
            }
            inventory.vpn_gateways.push(GatewayDef {
                id,
                origin: vgw.address.clone(),
                vpc,
            });
        }
        for nat in self.of_kind("aws_nat_gateway") {
            let private = self.text(nat, &[k("connectivity_type")]).as_deref() == Some("private");
            let mut public_ip = self.text(nat, &[k("public_ip")]);
            if public_ip.is_none()
                && let Some(allocation) = self.id(nat, &[k("allocation_id")])
            {
                public_ip = self
                    .of_kind("aws_eip")
                    .find(|eip| {
                        self.id_of(eip) == allocation
                            || self.known_text(eip, &[k("allocation_id")])
                                == Some(allocation.as_str())
                    })
                    .and_then(|eip| self.text(eip, &[k("public_ip")]));
            }
            inventory.nat_gateways.push(NatDef {
                id: self.id_of(nat),
                origin: nat.address.clone(),
                subnet: self.id(nat, &[k("subnet_id")]),
                public_ip,
                private,
            });
        }
    }

    /// Where a route sends traffic: `path` is an inline `route` block, or empty for an
    /// `aws_route`. A `gateway_id` is an internet gateway unless it is `local` or a VPN
    /// gateway.
    fn route_target(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<RouteTargetDef> {
        let field = |name: &'static str| {
            let mut p = path.to_vec();
            p.push(Seg::Key(name));
            self.id(resource, &p).filter(|v| !v.is_empty())
        };
        if let Some(gateway) = field("gateway_id") {
            return Some(if gateway == "local" {
                RouteTargetDef::Local
            } else if gateway.starts_with("vgw-") || gateway.contains("aws_vpn_gateway") {
                RouteTargetDef::VpnGateway(gateway)
            } else {
                RouteTargetDef::InternetGateway(gateway)
            });
        }
        if let Some(eigw) = field("egress_only_gateway_id") {
            return Some(RouteTargetDef::EgressOnlyInternetGateway(eigw));
        }
        if let Some(nat) = field("nat_gateway_id") {
            return Some(RouteTargetDef::NatGateway(nat));
        }
        if let Some(pcx) = field("vpc_peering_connection_id") {
            return Some(RouteTargetDef::Peering(pcx));
        }
        if let Some(tgw) = field("transit_gateway_id") {
            return Some(RouteTargetDef::TransitGateway(tgw));
        }
        for other in [
            "vpc_endpoint_id",
            "network_interface_id",
            "carrier_gateway_id",
            "local_gateway_id",
            "core_network_arn",
        ] {
            if let Some(value) = field(other) {
                return Some(RouteTargetDef::Other(format!("{other} {value}")));
            }
        }
        None
    }

    /// A route's destination: its IPv4 block, else its IPv6 one (`ipv6_cidr_block` inline,
    /// `destination_ipv6_cidr_block` on `aws_route`; AWS provider docs), else the IPv4
    /// field as it stands (state files write "" for an unset one).
    fn destination(
        &self,
        resource: &Resource<'a>,
        path: &[Seg],
        ipv4: &'static str,
        ipv6: &'static str,
    ) -> Option<String> {
        let at = |name: &'static str| {
            let mut p = path.to_vec();
            p.push(Seg::Key(name));
            p
        };
        let v4 = self.text(resource, &at(ipv4));
        if v4.as_deref().is_some_and(|d| !d.is_empty()) {
            return v4;
        }
        self.text(resource, &at(ipv6))
            .filter(|d| !d.is_empty())
            .or(v4)
    }

    pub(super) fn route_tables(&self, inventory: &mut Inventory) {
        let mut tables: Vec<RouteTableDef> = Vec::new();
        for (kind, default) in [
            ("aws_route_table", false),
            ("aws_default_route_table", true),
        ] {
            for table in self.of_kind(kind) {
                let vpc = if default {
                    self.vpc_of_default(table, "default_route_table_id")
                } else {
                    self.id(table, &[k("vpc_id")])
                };
                let mut routes = Vec::new();
                for i in 0..self.blocks(table, "route") {
                    let destination = self.destination(
                        table,
                        &[k("route"), Seg::Index(i)],
                        "cidr_block",
                        "ipv6_cidr_block",
                    );
                    if let Some(target) = self.route_target(table, &[k("route"), Seg::Index(i)]) {
                        routes.push(RouteDef {
                            destination,
                            target,
                        });
                    }
                }
                tables.push(RouteTableDef {
                    id: self.id_of(table),
                    origin: table.address.clone(),
                    vpc,
                    routes,
                    subnets: Vec::new(),
                    main: default,
                });
            }
        }
        for route in self.of_kind("aws_route") {
            let Some(table_id) = self.id(route, &[k("route_table_id")]) else {
                continue;
            };
            let destination = self.destination(
                route,
                &[],
                "destination_cidr_block",
                "destination_ipv6_cidr_block",
            );
            let Some(target) = self.route_target(route, &[]) else {
                continue;
            };
            match tables.iter_mut().find(|t| t.id == table_id) {
                Some(table) => table.routes.push(RouteDef {
                    destination,
                    target,
                }),
                None => inventory.missing.push(format!(
                    "{}: route table {table_id} is not in the plan; the route is left out",
                    route.address
                )),
            }
        }
        for association in self.of_kind("aws_route_table_association") {
            let (Some(table_id), Some(subnet)) = (
                self.id(association, &[k("route_table_id")]),
                self.id(association, &[k("subnet_id")]),
            ) else {
                continue;
            };
            if let Some(table) = tables.iter_mut().find(|t| t.id == table_id) {
                table.subnets.push(subnet);
            }
        }
        for association in self.of_kind("aws_main_route_table_association") {
            let Some(table_id) = self.id(association, &[k("route_table_id")]) else {
                continue;
            };
            if let Some(table) = tables.iter_mut().find(|t| t.id == table_id) {
                table.main = true;
                if table.vpc.is_none() {
                    table.vpc = self.id(association, &[k("vpc_id")]);
                }
            }
        }
        inventory.route_tables = tables;
    }
}
