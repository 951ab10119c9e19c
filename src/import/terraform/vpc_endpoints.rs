//! VPC endpoints: interface endpoints, whose private DNS (when enabled) answers for the
//! service's name inside the VPC, and gateway endpoints with their route tables.
//!
//! Terraform defaults applied when an attribute is absent or unknown (AWS provider docs):
//! `vpc_endpoint_type` Gateway, `private_dns_enabled` false.

use super::Plan;
use super::attributes::k;
use crate::import::inventory::{Inventory, VpcEndpointDef};

impl Plan<'_> {
    pub(super) fn vpc_endpoints(&self, inventory: &mut Inventory) {
        for endpoint in self.of_kind("aws_vpc_endpoint") {
            inventory.vpc_endpoints.push(VpcEndpointDef {
                id: self.id_of(endpoint),
                origin: endpoint.address.clone(),
                vpc: self.id(endpoint, &[k("vpc_id")]),
                service: self
                    .text(endpoint, &[k("service_name")])
                    .unwrap_or_default(),
                kind: Some(
                    self.text(endpoint, &[k("vpc_endpoint_type")])
                        .unwrap_or_else(|| "Gateway".to_owned()),
                ),
                private_dns: Some(
                    self.boolean(endpoint, &[k("private_dns_enabled")])
                        .unwrap_or(false),
                ),
                subnets: self.ids(endpoint, &[k("subnet_ids")]),
                route_tables: self.ids(endpoint, &[k("route_table_ids")]),
            });
        }
    }
}
