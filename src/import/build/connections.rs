//! `connections` and the `networks` behind them: peerings, transit gateways and VPNs between
//! the included VPCs and on-premises networks. Built first, because routes name them: a
//! route to a connection that is not in the scenario is left out. Each connection of the
//! source that cannot be one is listed: left out when it does not touch this scenario, in
//! `imported.missing` when it does but the source lacks what it connects to.

use std::collections::{BTreeSet, HashMap, HashSet};

use ipnetwork::Ipv4Network;

use super::Scenario;
use super::labels::{label, sanitize};
use crate::import::inventory::{TgwAttachmentDef, VpnDef};
use crate::import::yaml::{Item, MapBuilder, Value, flow, item, text};

impl Scenario<'_> {
    /// Peerings, transit gateways and VPNs between the included VPCs and networks. Each
    /// connection of the source that cannot be one is listed: left out when it does not
    /// touch this scenario, in `imported.missing` when it does but the source lacks what it
    /// connects to.
    pub(super) fn connections(&mut self) -> Connections {
        let inventory = self.inventory;
        let mut out = Connections::default();
        for peering in &inventory.peerings {
            let what = label(&peering.id, &peering.origin);
            let [Some(a), Some(b)] = &peering.vpcs else {
                let known = peering.vpcs.iter().flatten().find(|v| self.included_vpc(v));
                match known {
                    Some(vpc) => self.note(format!(
                        "{what}: the VPC peered with {vpc} is not known; the peering is left out"
                    )),
                    None => self
                        .left_out
                        .push(format!("{what}: not connected to the cluster VPC")),
                }
                continue;
            };
            match (self.included_vpc(a), self.included_vpc(b)) {
                (true, true) if a != b => {}
                (true, true) => {
                    self.note(format!(
                        "{what}: peers {a} with itself; the peering is left out"
                    ));
                    continue;
                }
                (false, false) => {
                    self.left_out
                        .push(format!("{what}: not connected to the cluster VPC"));
                    continue;
                }
                (true, false) | (false, true) => {
                    let (inside, outside) = if self.included_vpc(a) { (a, b) } else { (b, a) };
                    if inventory.vpcs.iter().any(|v| &v.id == outside) {
                        // Peering is not transitive: a peer of a peer is not reachable.
                        self.left_out.push(format!(
                            "{what}: peers {inside} with {outside}, which is not connected to the cluster VPC"
                        ));
                    } else {
                        self.note(format!(
                            "{what}: peers {inside} with {outside}, which is not in the source; the peering is left out"
                        ));
                    }
                    continue;
                }
            }
            out.attach.push((peering.id.clone(), a.clone()));
            out.attach.push((peering.id.clone(), b.clone()));
            out.items.push(item(
                MapBuilder::new()
                    .set("id", text(&peering.id))
                    .set("type", text("peering"))
                    .set("vpcs", flow([a, b]))
                    .build(),
                vec![format!("from {}", peering.origin)],
            ));
        }
        let mut used_vpns: HashSet<&str> = HashSet::new();
        let tgws: BTreeSet<&str> = inventory
            .transit_gateway_attachments
            .iter()
            .map(|a| a.transit_gateway.as_str())
            .collect();
        for tgw in tgws {
            let of_tgw: Vec<&TgwAttachmentDef> = inventory
                .transit_gateway_attachments
                .iter()
                .filter(|a| a.transit_gateway == tgw)
                .collect();
            let origin = of_tgw
                .iter()
                .map(|a| a.origin.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let mut attachments: Vec<String> = Vec::new();
            for vpc in of_tgw.iter().filter_map(|a| a.vpc.as_ref()) {
                if self.included_vpc(vpc) && !attachments.contains(vpc) {
                    attachments.push(vpc.clone());
                }
            }
            if attachments.is_empty() {
                self.left_out.push(format!(
                    "{tgw} (from {origin}): a transit gateway not connected to the cluster VPC"
                ));
                continue;
            }
            let vpc_cidrs = self.vpcs_cidrs(&attachments);
            let mut networks = Vec::new();
            for vpn in inventory
                .vpn_connections
                .iter()
                .filter(|v| v.transit_gateway.as_deref() == Some(tgw))
            {
                let network = format!("onprem-{}", sanitize(&vpn.id));
                networks.push((network_item(&network, vpn, tgw, &vpc_cidrs), vpn));
                attachments.push(network);
            }
            if attachments.len() < 2 {
                // One VPC on a transit gateway connects nothing: the model needs two
                // attachments, and what else the real one connects is not in the source.
                let outside: Vec<String> = of_tgw
                    .iter()
                    .filter(|a| a.vpc.as_ref().is_none_or(|v| !self.included_vpc(v)))
                    .map(|a| match &a.vpc {
                        Some(vpc) => format!("{vpc} ({}) is not in the source", a.origin),
                        None => format!("the VPC of {} is not known", a.origin),
                    })
                    .collect();
                let only = attachments.first().cloned().unwrap_or_default();
                let why = if outside.is_empty() {
                    format!("{only} is its only attachment in the source")
                } else {
                    format!(
                        "{only} is its only attachment in this scenario ({})",
                        outside.join("; ")
                    )
                };
                self.note(format!(
                    "{tgw} (from {origin}): {why}; what else the transit gateway connects is not known, so it is left out (and so are routes to it)"
                ));
                continue;
            }
            for (network, vpn) in networks {
                out.networks.push(network);
                used_vpns.insert(vpn.id.as_str());
            }
            for attachment in &attachments {
                out.attach.push((tgw.to_owned(), attachment.clone()));
            }
            // An attachment that names its subnets is written `{vpc, subnets}`: traffic the
            // transit gateway delivers into the VPC follows their route table (SPEC 3,
            // centralised egress); one without, or whose subnets are not in the scenario, is
            // a bare ID (the VPC's main route table).
            let placed: Vec<(String, Vec<String>)> = attachments
                .iter()
                .map(|place| {
                    let subnets: Vec<String> = of_tgw
                        .iter()
                        .filter(|a| a.vpc.as_deref() == Some(place.as_str()))
                        .flat_map(|a| a.subnets.iter())
                        .filter(|subnet| {
                            self.included_subnet(subnet)
                                .is_some_and(|s| s.vpc.as_deref() == Some(place.as_str()))
                        })
                        .cloned()
                        .collect();
                    (place.clone(), subnets)
                })
                .collect();
            let attachments_value = if placed.iter().all(|(_, subnets)| subnets.is_empty()) {
                flow(&attachments)
            } else {
                Value::List(
                    placed
                        .iter()
                        .map(|(place, subnets)| {
                            let value = if subnets.is_empty() {
                                text(place)
                            } else {
                                MapBuilder::new()
                                    .set("vpc", text(place))
                                    .set("subnets", flow(subnets))
                                    .build()
                            };
                            item(value, vec![])
                        })
                        .collect(),
                )
            };
            // Static routes of this transit gateway, by the VPC of the attachment they name
            // (`aws_ec2_transit_gateway_route`, `AWS::EC2::TransitGatewayRoute`).
            let mut routes: Vec<Item> = Vec::new();
            for route in &inventory.transit_gateway_routes {
                let target = of_tgw
                    .iter()
                    .find(|a| a.id.as_deref() == Some(route.attachment.as_str()))
                    .and_then(|a| a.vpc.clone())
                    .filter(|vpc| attachments.contains(vpc));
                let Some(target) = target else {
                    continue;
                };
                routes.push(item(
                    MapBuilder::new()
                        .set("destination", text(&route.destination))
                        .set("target", text(&target))
                        .build(),
                    vec![format!("from {}", route.origin)],
                ));
            }
            let mut connection = MapBuilder::new()
                .set("id", text(tgw))
                .set("type", text("transit-gateway"))
                .set("attachments", attachments_value);
            if !routes.is_empty() {
                connection = connection.set("routes", Value::List(routes));
            }
            out.items
                .push(item(connection.build(), vec![format!("from {origin}")]));
        }
        for gateway in &inventory.vpn_gateways {
            let Some(vpc) = gateway.vpc.as_ref().filter(|v| self.included_vpc(v)) else {
                self.left_out.push(format!(
                    "{}: a VPN gateway not attached to a VPC of this scenario",
                    label(&gateway.id, &gateway.origin)
                ));
                continue;
            };
            let vpns: Vec<&VpnDef> = inventory
                .vpn_connections
                .iter()
                .filter(|v| v.vpn_gateway.as_deref() == Some(gateway.id.as_str()))
                .collect();
            let (id, origin, cidrs) = match vpns.first() {
                Some(vpn) => (vpn.id.clone(), vpn.origin.clone(), vpn.remote_cidrs.clone()),
                None => {
                    self.note(format!("{}: a VPN gateway without a VPN connection in the source; an on-premises network with unknown CIDRs is assumed", label(&gateway.id, &gateway.origin)));
                    (
                        format!("vpn-{}", sanitize(&gateway.id)),
                        gateway.origin.clone(),
                        Vec::new(),
                    )
                }
            };
            if let Some(first) = vpns.first() {
                used_vpns.insert(first.id.as_str());
            }
            for other in vpns.iter().skip(1) {
                used_vpns.insert(other.id.as_str());
                self.note(format!(
                    "{}: another VPN connection on {}; routes to the gateway go over {id} only, so this one is left out",
                    label(&other.id, &other.origin),
                    gateway.id
                ));
            }
            let network = format!("onprem-{}", sanitize(&id));
            out.vpn_for_gateway.insert(gateway.id.clone(), id.clone());
            out.attach.push((id.clone(), vpc.clone()));
            let vpn = VpnDef {
                id: id.clone(),
                origin: origin.clone(),
                remote_cidrs: cidrs,
                ..VpnDef::default()
            };
            out.networks.push(network_item(
                &network,
                &vpn,
                &id,
                &self.vpcs_cidrs(std::slice::from_ref(vpc)),
            ));
            out.items.push(item(
                MapBuilder::new()
                    .set("id", text(&id))
                    .set("type", text("vpn"))
                    .set("vpc", text(vpc))
                    .set("network", text(&network))
                    .build(),
                vec![format!("from {origin}")],
            ));
        }
        for vpn in &inventory.vpn_connections {
            if used_vpns.contains(vpn.id.as_str()) {
                continue;
            }
            let what = label(&vpn.id, &vpn.origin);
            let gateway = vpn.vpn_gateway.as_ref().or(vpn.transit_gateway.as_ref());
            let in_source = gateway.is_some_and(|g| {
                inventory.vpn_gateways.iter().any(|v| &v.id == g)
                    || inventory
                        .transit_gateway_attachments
                        .iter()
                        .any(|a| &a.transit_gateway == g)
            });
            match gateway {
                // Its gateway is listed (left out, or its transit gateway noted) already.
                Some(gateway) if in_source => self.left_out.push(format!(
                    "{what}: its gateway {gateway} is not connected to the cluster VPC"
                )),
                Some(gateway) => self.note(format!(
                    "{what}: its gateway {gateway} is not in the source; the VPN connection is left out"
                )),
                None => self.note(format!(
                    "{what}: the gateway it terminates on is not known; the VPN connection is left out"
                )),
            }
        }
        out
    }

    fn vpcs_cidrs(&self, vpcs: &[String]) -> Vec<String> {
        self.vpcs
            .iter()
            .filter(|v| vpcs.contains(&v.id))
            .flat_map(|v| v.cidrs.clone())
            .collect()
    }
}

/// Connections of the scenario, and how routes find them.
#[derive(Debug, Clone, Default)]
pub(super) struct Connections {
    pub(super) items: Vec<Item>,
    pub(super) networks: Vec<Item>,
    /// (connection, VPC or network) pairs.
    attach: Vec<(String, String)>,
    /// Virtual private gateway → the VPN connection that stands for it.
    pub(super) vpn_for_gateway: HashMap<String, String>,
}

impl Connections {
    pub(super) fn attaches(&self, connection: &str, place: &str) -> bool {
        self.attach
            .iter()
            .any(|(c, p)| c == connection && p == place)
    }
}

/// An on-premises network behind a VPN, routing the VPC's CIDRs back over it.
fn network_item(id: &str, vpn: &VpnDef, connection: &str, vpc_cidrs: &[String]) -> Item {
    let cidrs: Vec<&String> = vpn
        .remote_cidrs
        .iter()
        .filter(|c| c.parse::<Ipv4Network>().is_ok())
        .collect();
    let routes: Vec<Item> = vpc_cidrs
        .iter()
        .map(|cidr| {
            item(
                MapBuilder::new()
                    .set("destination", text(cidr))
                    .set("target", text(connection))
                    .build(),
                vec![],
            )
        })
        .collect();
    let mut map = MapBuilder::new()
        .set("id", text(id))
        .set("cidrs", flow(&cidrs));
    map.push("routes", Value::List(routes));
    item(
        map.build(),
        vec![format!(
            "The network on the far side of {} (from {}); its CIDRs come from the VPN's static routes when known.",
            vpn.id, vpn.origin
        )],
    )
}
