//! Gateways and route tables: where a subnet's traffic goes.
//!
//! Internet and virtual private gateways take their VPC from an
//! `AWS::EC2::VPCGatewayAttachment`; a gateway that exists outside the template (`igw-0abc`)
//! comes in with the attachment. A NAT gateway's public IP is its Elastic IP's `Address` when
//! the template asks for a specific one; otherwise AWS allocates it at deploy time and the
//! builder puts in a placeholder. Routes and subnet associations attach to the route tables
//! of the template (one for a table not in it is noted and left out). A template cannot
//! declare a VPC's main route table, so subnets without an association keep the local routes
//! only, which the builder notes.

use super::intrinsics::Outcome;
use super::{Reader, Resource};
use crate::import::inventory::{GatewayDef, NatDef, RouteDef, RouteTableDef, RouteTargetDef};

impl<'t> Reader<'t> {
    pub(super) fn gateway_attachment(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let vpc = self.text(r, "VpcId")?;
        if let Some(id) = self.text(r, "InternetGatewayId")? {
            attach(&mut self.inventory.internet_gateways, id, vpc, r);
        } else if let Some(id) = self.text(r, "VpnGatewayId")? {
            attach(&mut self.inventory.vpn_gateways, id, vpc, r);
        } else {
            self.eval.note(format!(
                "{}: the gateway is unknown; the attachment is left out",
                r.origin()
            ));
        }
        Ok(())
    }

    pub(super) fn nat_gateway(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let private = self
            .text(r, "ConnectivityType")?
            .is_some_and(|kind| kind.eq_ignore_ascii_case("private"));
        let public_ip = match self.text(r, "AllocationId")? {
            Some(allocation) if !private => self.elastic_ip_address(&allocation)?,
            _ => None,
        };
        let nat = NatDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            subnet: self.text(r, "SubnetId")?,
            public_ip,
            private,
        };
        self.inventory.nat_gateways.push(nat);
        Ok(())
    }

    /// The address of an Elastic IP of the template, when it asks for a specific one
    /// (`Address`); otherwise AWS allocates it at deploy time and the builder puts in a
    /// placeholder.
    fn elastic_ip_address(&mut self, allocation: &str) -> Outcome<Option<String>> {
        match self.deployed(allocation) {
            Some(eip) if eip.kind == "AWS::EC2::EIP" => self.text(&eip, "Address"),
            _ => Ok(None),
        }
    }

    pub(super) fn route_table(&mut self, r: &Resource<'t>) -> Outcome<()> {
        // A template cannot declare a VPC's main route table: subnets without an
        // association keep the local routes only, which the builder notes.
        let table = RouteTableDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
            ..RouteTableDef::default()
        };
        self.inventory.route_tables.push(table);
        Ok(())
    }

    pub(super) fn route(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let table = self.text(r, "RouteTableId")?;
        let destination = match self.text(r, "DestinationCidrBlock")? {
            Some(block) => Some(block),
            None => self.text(r, "DestinationIpv6CidrBlock")?,
        };
        let target = self.route_target(r)?;
        let route = RouteDef {
            destination,
            target,
        };
        match self
            .inventory
            .route_tables
            .iter_mut()
            .find(|t| Some(&t.id) == table.as_ref())
        {
            Some(table) => table.routes.push(route),
            None => self.eval.note(format!(
                "{}: route table {} is not in the template; the route is left out",
                r.origin(),
                table.as_deref().unwrap_or("(unknown)")
            )),
        }
        Ok(())
    }

    fn route_target(&mut self, r: &Resource<'t>) -> Outcome<RouteTargetDef> {
        if let Some(id) = self.text(r, "GatewayId")? {
            return Ok(self.gateway_target(id));
        }
        if let Some(id) = self.text(r, "EgressOnlyInternetGatewayId")? {
            return Ok(RouteTargetDef::EgressOnlyInternetGateway(id));
        }
        if let Some(id) = self.text(r, "NatGatewayId")? {
            return Ok(RouteTargetDef::NatGateway(id));
        }
        if let Some(id) = self.text(r, "VpcPeeringConnectionId")? {
            return Ok(RouteTargetDef::Peering(id));
        }
        if let Some(id) = self.text(r, "TransitGatewayId")? {
            return Ok(RouteTargetDef::TransitGateway(id));
        }
        const OTHER_TARGETS: [(&str, &str); 6] = [
            ("InstanceId", "instance"),
            ("NetworkInterfaceId", "network interface"),
            ("VpcEndpointId", "VPC endpoint"),
            ("CarrierGatewayId", "carrier gateway"),
            ("LocalGatewayId", "local gateway"),
            ("CoreNetworkArn", "Cloud WAN core network"),
        ];
        for (key, what) in OTHER_TARGETS {
            if let Some(id) = self.text(r, key)? {
                return Ok(RouteTargetDef::Other(format!("{what} {id}")));
            }
        }
        Ok(RouteTargetDef::Other("an unknown target".to_owned()))
    }

    /// `GatewayId` is an internet gateway or a virtual private gateway: the template says
    /// which, or an existing gateway's ID prefix does.
    fn gateway_target(&self, id: String) -> RouteTargetDef {
        match self.kind_of(&id) {
            Some("AWS::EC2::InternetGateway") => RouteTargetDef::InternetGateway(id),
            Some("AWS::EC2::VPNGateway") => RouteTargetDef::VpnGateway(id),
            Some(kind) => RouteTargetDef::Other(format!("{kind} {id}")),
            None if id == "local" => RouteTargetDef::Local,
            None if id.starts_with("igw-") => RouteTargetDef::InternetGateway(id),
            None if id.starts_with("vgw-") => RouteTargetDef::VpnGateway(id),
            None => RouteTargetDef::Other(format!("gateway {id}")),
        }
    }

    pub(super) fn route_table_association(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let table = self.text(r, "RouteTableId")?;
        let subnet = self.text(r, "SubnetId")?;
        let found = self
            .inventory
            .route_tables
            .iter_mut()
            .find(|t| Some(&t.id) == table.as_ref());
        match (found, subnet) {
            (Some(table), Some(subnet)) => table.subnets.push(subnet),
            _ => self.eval.note(format!(
                "{}: the route table or subnet is not in the template; the association is left out",
                r.origin()
            )),
        }
        Ok(())
    }
}

/// An `AWS::EC2::EgressOnlyInternetGateway`: "[IPv6 only]", attached by its own `VpcId`
/// (AWS CloudFormation Template Reference).
impl<'t> Reader<'t> {
    pub(super) fn egress_only_gateway(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let gateway = GatewayDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
        };
        self.inventory.egress_only_internet_gateways.push(gateway);
        Ok(())
    }
}

pub(super) fn gateway(r: &Resource<'_>) -> GatewayDef {
    GatewayDef {
        id: r.id.to_owned(),
        origin: r.origin(),
        vpc: None,
    }
}

/// Attaches a gateway to a VPC; a gateway that exists outside the template (`igw-0abc`)
/// comes in with the attachment as its origin.
fn attach(gateways: &mut Vec<GatewayDef>, id: String, vpc: Option<String>, r: &Resource<'_>) {
    match gateways.iter_mut().find(|g| g.id == id) {
        Some(gateway) => gateway.vpc = vpc,
        None => gateways.push(GatewayDef {
            id,
            origin: r.origin(),
            vpc,
        }),
    }
}
