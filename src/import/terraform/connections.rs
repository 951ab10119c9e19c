//! Connections between networks: VPC peerings, transit gateway VPC attachments (the transit
//! gateway itself is read through the attachments that name it; an attachment whose transit
//! gateway is not known is noted and left out) and site-to-site VPN connections, whose
//! static routes (`aws_vpn_connection_route`) are the remote network's CIDRs.

use super::Plan;
use super::attributes::k;
use crate::import::inventory::{Inventory, PeeringDef, TgwAttachmentDef, TgwRouteDef, VpnDef};

impl Plan<'_> {
    pub(super) fn connections(&self, inventory: &mut Inventory) {
        for peering in self.of_kind("aws_vpc_peering_connection") {
            inventory.peerings.push(PeeringDef {
                id: self.id_of(peering),
                origin: peering.address.clone(),
                vpcs: [
                    self.id(peering, &[k("vpc_id")]),
                    self.id(peering, &[k("peer_vpc_id")]),
                ],
            });
        }
        for attachment in self.of_kind("aws_ec2_transit_gateway_vpc_attachment") {
            let vpc = self.id(attachment, &[k("vpc_id")]);
            match self.id(attachment, &[k("transit_gateway_id")]) {
                Some(tgw) => inventory
                    .transit_gateway_attachments
                    .push(TgwAttachmentDef {
                        transit_gateway: tgw,
                        origin: attachment.address.clone(),
                        vpc,
                        id: Some(self.id_of(attachment)),
                        subnets: self.ids(attachment, &[k("subnet_ids")]),
                    }),
                None => inventory.note_vpc(
                    vpc.as_deref(),
                    format!(
                        "{}: the transit gateway is not known; the attachment is left out",
                        attachment.address
                    ),
                ),
            }
        }
        // Static routes of a transit gateway route table, by the attachment they lead to
        // (Terraform AWS provider, `aws_ec2_transit_gateway_route`); a blackhole route drops
        // traffic, which the scenario format has no target for.
        for route in self.of_kind("aws_ec2_transit_gateway_route") {
            let destination = self.known_text(route, &[k("destination_cidr_block")]);
            let attachment = self.id(route, &[k("transit_gateway_attachment_id")]);
            let blackhole = self.boolean(route, &[k("blackhole")]) == Some(true);
            match (destination, attachment) {
                (Some(destination), Some(attachment)) if !blackhole => {
                    inventory.transit_gateway_routes.push(TgwRouteDef {
                        origin: route.address.clone(),
                        destination: destination.to_owned(),
                        attachment,
                    });
                }
                _ => inventory.unsupported.push(format!(
                    "{}: a transit gateway route without a known destination and attachment (or a blackhole route)",
                    route.address
                )),
            }
        }
        for vpn in self.of_kind("aws_vpn_connection") {
            let id = self.id_of(vpn);
            let remote_cidrs = self
                .of_kind("aws_vpn_connection_route")
                .filter(|route| {
                    self.id(route, &[k("vpn_connection_id")]).as_deref() == Some(id.as_str())
                })
                .filter_map(|route| self.text(route, &[k("destination_cidr_block")]))
                .collect();
            inventory.vpn_connections.push(VpnDef {
                id,
                origin: vpn.address.clone(),
                vpn_gateway: self.id(vpn, &[k("vpn_gateway_id")]),
                transit_gateway: self.id(vpn, &[k("transit_gateway_id")]),
                remote_cidrs,
            });
        }
    }
}
