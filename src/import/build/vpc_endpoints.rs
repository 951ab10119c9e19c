//! The `vpcEndpoints` of one VPC: interface and gateway endpoints with their private DNS
//! setting, and the subnets and route tables of the scenario they sit in. Endpoints of other
//! types are not modelled; they are noted and left out.

use super::Scenario;
use super::labels::label;
use crate::import::inventory::VpcDef;
use crate::import::yaml::{self, Item, MapBuilder, flow, item, text};

impl Scenario<'_> {
    pub(super) fn vpc_endpoints(&mut self, vpc: &VpcDef) -> Vec<Item> {
        let inventory = self.inventory;
        let mut items = Vec::new();
        for endpoint in inventory
            .vpc_endpoints
            .iter()
            .filter(|e| e.vpc.as_deref() == Some(vpc.id.as_str()))
        {
            let mut map = MapBuilder::new()
                .set("id", text(&endpoint.id))
                .set("service", text(&endpoint.service));
            if let Some(kind) = &endpoint.kind {
                let kind = kind.to_ascii_lowercase();
                if kind == "interface" || kind == "gateway" {
                    map.push("type", text(&kind));
                } else {
                    self.note(format!(
                        "{}: a {kind} endpoint is not modelled; left out",
                        label(&endpoint.id, &endpoint.origin)
                    ));
                    continue;
                }
            }
            if let Some(private_dns) = endpoint.private_dns {
                map.push("privateDns", yaml::boolean(private_dns));
            }
            let subnets: Vec<&String> = endpoint
                .subnets
                .iter()
                .filter(|s| self.included_subnet(s).is_some())
                .collect();
            if !subnets.is_empty() {
                map.push("subnets", flow(&subnets));
            }
            let tables: Vec<&String> = endpoint
                .route_tables
                .iter()
                .filter(|t| {
                    inventory
                        .route_tables
                        .iter()
                        .any(|rt| &rt.id == *t && rt.vpc.as_deref() == Some(vpc.id.as_str()))
                })
                .collect();
            if !tables.is_empty() {
                map.push("routeTables", flow(&tables));
            }
            items.push(item(map.build(), vec![format!("from {}", endpoint.origin)]));
        }
        items
    }
}
