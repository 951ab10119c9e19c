//! The `routeTables` of one VPC: each route whose target is in the scenario, one per
//! destination (the first wins), and a note for every route left out: no IPv4 destination
//! (nor an IPv6 one, in an IPv6 cluster's scenario), a target in another VPC or outside the
//! scenario, one of the wrong family (IPv4 to an egress-only gateway, IPv6 to a NAT gateway),
//! or one the scenario does not model. A route to a virtual private gateway goes to the VPN
//! connection that stands for it.

use std::collections::HashSet;

use ipnetwork::{Ipv4Network, Ipv6Network};

use super::Scenario;
use super::connections::Connections;
use super::labels::label;
use crate::import::inventory::{RouteTableDef, RouteTargetDef, VpcDef};
use crate::import::yaml::{Item, MapBuilder, Value, item, text};

impl Scenario<'_> {
    /// `tables` are the VPC's; `igw_id` is its internet gateway, attached or routed to.
    pub(super) fn route_tables(
        &mut self,
        vpc: &VpcDef,
        tables: &[&RouteTableDef],
        igw_id: Option<&str>,
        eigw_id: Option<&str>,
        connections: &Connections,
    ) -> Vec<Item> {
        let ipv6 = self.is_ipv6();
        let inventory = self.inventory;
        let mut table_items = Vec::new();
        for table in tables {
            let mut seen: HashSet<String> = HashSet::new();
            let mut routes = Vec::new();
            for route in &table.routes {
                // IPv6 routes only in an IPv6 cluster's scenario (see `ipv6`).
                let Some(destination) = route.destination.as_ref().filter(|d| {
                    d.parse::<Ipv4Network>().is_ok() || (ipv6 && d.parse::<Ipv6Network>().is_ok())
                }) else {
                    if route.target != RouteTargetDef::Local {
                        self.note(format!(
                            "{}: a route without an IPv4 destination is left out",
                            label(&table.id, &table.origin)
                        ));
                    }
                    continue;
                };
                let target = match &route.target {
                    RouteTargetDef::Local => continue,
                    RouteTargetDef::InternetGateway(id) => igw_id.filter(|g| *g == id).map(str::to_owned).or_else(|| {
                        self.note(format!("{}: route {destination} → {id}, an internet gateway of another VPC, is left out", label(&table.id, &table.origin)));
                        None
                    }),
                    RouteTargetDef::EgressOnlyInternetGateway(id) => {
                        // "[IPv6 only]" (EC2 API, CreateEgressOnlyInternetGateway).
                        if destination.parse::<Ipv6Network>().is_err() {
                            self.note(format!("{}: route {destination} → {id}, an egress-only internet gateway, which carries IPv6 only, is left out", label(&table.id, &table.origin)));
                            None
                        } else if eigw_id == Some(id.as_str()) {
                            Some(id.clone())
                        } else {
                            self.note(format!("{}: route {destination} → {id}, an egress-only internet gateway of another VPC, is left out", label(&table.id, &table.origin)));
                            None
                        }
                    }
                    RouteTargetDef::NatGateway(id) if destination.parse::<Ipv6Network>().is_ok_and(|d| d != nat64()) => {
                        // A NAT gateway translates IPv4; only the NAT64 prefix may go to it
                        // (SPEC 7.1; VPC user guide, "DNS64 and NAT64").
                        self.note(format!("{}: route {destination} → {id}, an IPv6 route to a NAT gateway other than the NAT64 prefix 64:ff9b::/96, is left out", label(&table.id, &table.origin)));
                        None
                    }
                    RouteTargetDef::NatGateway(id) => {
                        let ok = inventory.nat_gateways.iter().any(|n| &n.id == id && n.subnet.as_deref().and_then(|s| self.included_subnet(s)).is_some_and(|s| s.vpc.as_deref() == Some(vpc.id.as_str())));
                        if ok { Some(id.clone()) } else {
                            self.note(format!("{}: route {destination} → {id}, a NAT gateway not in this VPC's known subnets, is left out", label(&table.id, &table.origin)));
                            None
                        }
                    }
                    RouteTargetDef::Peering(id) | RouteTargetDef::TransitGateway(id) => {
                        if connections.attaches(id, &vpc.id) { Some(id.clone()) } else {
                            self.note(format!("{}: route {destination} → {id} leads to a network outside this scenario; left out", label(&table.id, &table.origin)));
                            None
                        }
                    }
                    RouteTargetDef::VpnGateway(id) => match connections.vpn_for_gateway.get(id) {
                        Some(connection) => Some(connection.clone()),
                        None => {
                            self.note(format!("{}: route {destination} → {id}, a VPN gateway not attached to this VPC, is left out", label(&table.id, &table.origin)));
                            None
                        }
                    },
                    RouteTargetDef::Other(what) => {
                        self.note(format!("{}: route {destination} → {what} is not modelled and is left out", label(&table.id, &table.origin)));
                        None
                    }
                };
                let Some(target) = target else { continue };
                if !seen.insert(destination.clone()) {
                    continue;
                }
                routes.push(item(
                    MapBuilder::new()
                        .set("destination", text(destination))
                        .set("target", text(&target))
                        .build(),
                    vec![],
                ));
            }
            let mut above = vec![format!("from {}", table.origin)];
            if table.main {
                above.push("the VPC's main route table".to_owned());
            }
            table_items.push(item(
                MapBuilder::new()
                    .set("id", text(&table.id))
                    .set("routes", Value::List(routes))
                    .build(),
                above,
            ));
        }
        table_items
    }
}

/// `64:ff9b::/96`, the NAT64 prefix.
fn nat64() -> Ipv6Network {
    let prefix = std::net::Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0);
    Ipv6Network::new(prefix, 96).unwrap_or_else(|_| Ipv6Network::from(prefix))
}
