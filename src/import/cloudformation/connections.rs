//! Connections out of a VPC: VPC peering, transit gateway attachments and site-to-site VPN.
//!
//! A transit gateway is read through its attachments, which name it. A VPN connection's
//! on-premises CIDRs are its static routes (`AWS::EC2::VPNConnectionRoute`); a connection
//! with none (its routes learnt over BGP, or not given) has them unknown, and noted.

use super::intrinsics::Outcome;
use super::{Reader, Resource};
use crate::import::inventory::{PeeringDef, TgwAttachmentDef, TgwRouteDef, VpnDef};

impl<'t> Reader<'t> {
    pub(super) fn peering(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let peering = PeeringDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpcs: [self.text(r, "VpcId")?, self.text(r, "PeerVpcId")?],
        };
        self.inventory.peerings.push(peering);
        Ok(())
    }

    pub(super) fn transit_gateway_attachment(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let Some(transit_gateway) = self.text(r, "TransitGatewayId")? else {
            self.eval.note(format!(
                "{}: the transit gateway is unknown; the attachment is left out",
                r.origin()
            ));
            return Ok(());
        };
        let attachment = TgwAttachmentDef {
            transit_gateway,
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
            id: Some(r.id.to_owned()),
            subnets: self.texts(r, "SubnetIds")?,
        };
        self.inventory.transit_gateway_attachments.push(attachment);
        Ok(())
    }

    /// `AWS::EC2::TransitGatewayRoute`: a static route of a transit gateway route table to
    /// the attachment it names (a blackhole route drops traffic: no target to write).
    pub(super) fn transit_gateway_route(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let destination = self.text(r, "DestinationCidrBlock")?;
        let attachment = self.text(r, "TransitGatewayAttachmentId")?;
        let blackhole = self.flag(r, "Blackhole")? == Some(true);
        match (destination, attachment) {
            (Some(destination), Some(attachment)) if !blackhole => {
                self.inventory.transit_gateway_routes.push(TgwRouteDef {
                    origin: r.origin(),
                    destination,
                    attachment,
                });
            }
            _ => self.inventory.unsupported.push(format!(
                "{}: a transit gateway route without a known destination and attachment (or a blackhole route)",
                r.origin()
            )),
        }
        Ok(())
    }

    pub(super) fn vpn_connection(&mut self, r: &Resource<'t>) -> Outcome<()> {
        if self.flag(r, "StaticRoutesOnly")? != Some(true) {
            self.bgp_vpns.insert(r.id.to_owned());
        }
        let vpn = VpnDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpn_gateway: self.text(r, "VpnGatewayId")?,
            transit_gateway: self.text(r, "TransitGatewayId")?,
            remote_cidrs: Vec::new(),
        };
        self.inventory.vpn_connections.push(vpn);
        Ok(())
    }

    pub(super) fn vpn_connection_route(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let vpn = self.text(r, "VpnConnectionId")?;
        let cidr = self.text(r, "DestinationCidrBlock")?;
        let found = self
            .inventory
            .vpn_connections
            .iter_mut()
            .find(|v| Some(&v.id) == vpn.as_ref());
        match (found, cidr) {
            (Some(vpn), Some(cidr)) => vpn.remote_cidrs.push(cidr),
            _ => self.eval.note(format!(
                "{}: the VPN connection or destination is not known; the route is left out",
                r.origin()
            )),
        }
        Ok(())
    }

    /// The on-premises CIDRs of a VPN are its static routes; a BGP VPN learns them at run
    /// time.
    pub(super) fn note_vpns_without_routes(&mut self) {
        let unrouted: Vec<(String, bool)> = self
            .inventory
            .vpn_connections
            .iter()
            .filter(|v| v.remote_cidrs.is_empty())
            .map(|v| (v.origin.clone(), self.bgp_vpns.contains(&v.id)))
            .collect();
        for (origin, bgp) in unrouted {
            let why = if bgp {
                "routes are learnt over BGP (StaticRoutesOnly is not true)"
            } else {
                "no AWS::EC2::VPNConnectionRoute gives its static routes"
            };
            self.eval.note(format!(
                "{origin}: {why}, so the on-premises CIDRs are unknown"
            ));
        }
    }
}
