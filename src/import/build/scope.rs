//! Which VPCs and subnets a cluster's scenario includes: the cluster VPC, every VPC peered
//! with it or attached to the same transit gateway, and their subnets whose CIDRs are known
//! and inside their VPC. What the source lacks (the VPC, its CIDR, usable cluster subnets)
//! is assumed and noted; the source's other VPCs are left out and listed, so one cluster's
//! scenario does not carry another's network.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use ipnetwork::Ipv4Network;

use super::Scenario;
use super::labels::{label, sanitize};
use super::placeholders::{carve, supernet};
use crate::import::inventory::{SubnetDef, VpcDef};

impl Scenario<'_> {
    /// The cluster VPC, the VPCs connected to it, and their subnets with known CIDRs.
    pub(super) fn choose_vpcs(&mut self) {
        let inventory = self.inventory;
        let cluster = self.cluster;
        let subnet_vpc = cluster.subnets.iter().find_map(|id| {
            inventory
                .subnets
                .iter()
                .find(|s| &s.id == id)
                .and_then(|s| s.vpc.clone())
        });
        let vpc_id = match cluster.vpc.clone().or(subnet_vpc) {
            Some(id) => id,
            None => {
                let id = format!("vpc-{}", sanitize(&cluster.name));
                self.note(format!(
                    "{}: the cluster's VPC is not in the source; a VPC `{id}` is assumed",
                    cluster.origin
                ));
                id
            }
        };
        self.cluster_vpc = vpc_id.clone();

        let mut included: Vec<String> = vec![vpc_id.clone()];
        for peering in &inventory.peerings {
            if let [Some(a), Some(b)] = &peering.vpcs {
                let other = if *a == vpc_id {
                    b
                } else if *b == vpc_id {
                    a
                } else {
                    continue;
                };
                if inventory.vpcs.iter().any(|v| &v.id == other) && !included.contains(other) {
                    included.push(other.clone());
                }
            }
        }
        let tgws: BTreeSet<&str> = inventory
            .transit_gateway_attachments
            .iter()
            .filter(|a| a.vpc.as_deref() == Some(vpc_id.as_str()))
            .map(|a| a.transit_gateway.as_str())
            .collect();
        for attachment in &inventory.transit_gateway_attachments {
            if let Some(vpc) = &attachment.vpc
                && tgws.contains(attachment.transit_gateway.as_str())
                && inventory.vpcs.iter().any(|v| &v.id == vpc)
                && !included.contains(vpc)
            {
                included.push(vpc.clone());
            }
        }
        for vpc in &inventory.vpcs {
            if !included.contains(&vpc.id) {
                self.left_out.push(format!(
                    "{}: not connected to the cluster VPC",
                    label(&vpc.id, &vpc.origin)
                ));
            }
        }

        for id in &included {
            let subnets: Vec<&SubnetDef> = inventory
                .subnets
                .iter()
                .filter(|s| s.vpc.as_deref() == Some(id.as_str()))
                .collect();
            let mut vpc = match inventory.vpcs.iter().find(|v| &v.id == id) {
                Some(vpc) => vpc.clone(),
                None => VpcDef {
                    id: id.clone(),
                    origin: "assumed".to_owned(),
                    ..VpcDef::default()
                },
            };
            let mut cidrs: Vec<Ipv4Network> =
                vpc.cidrs.iter().filter_map(|c| c.parse().ok()).collect();
            if cidrs.is_empty() {
                let known: Vec<Ipv4Network> = subnets
                    .iter()
                    .filter_map(|s| s.cidr.as_ref()?.parse().ok())
                    .collect();
                let block = supernet(&known).unwrap_or_else(|| {
                    Ipv4Network::new(Ipv4Addr::new(10, 0, 0, 0), 16)
                        .unwrap_or_else(|_| Ipv4Network::from(Ipv4Addr::UNSPECIFIED))
                });
                self.note(format!(
                    "{}: the VPC's CIDR is not known; {block} (covering its subnets) is assumed",
                    label(&vpc.id, &vpc.origin)
                ));
                if id == &vpc_id && !inventory.vpcs.iter().any(|v| &v.id == id) {
                    self.synthesised_vpc = Some(format!(
                        "the cluster's VPC, not in the source; CIDR {block} assumed"
                    ));
                }
                cidrs.push(block);
                vpc.cidrs = vec![block.to_string()];
            }
            for subnet in subnets {
                let Some(cidr) = subnet
                    .cidr
                    .as_ref()
                    .and_then(|c| c.parse::<Ipv4Network>().ok())
                else {
                    self.note(format!(
                        "{}: CIDR unknown; the subnet is left out",
                        label(&subnet.id, &subnet.origin)
                    ));
                    continue;
                };
                if !cidrs
                    .iter()
                    .any(|block| block.contains(cidr.network()) && block.prefix() <= cidr.prefix())
                {
                    self.note(format!(
                        "{}: {cidr} is outside {}'s CIDRs; the subnet is left out",
                        label(&subnet.id, &subnet.origin),
                        vpc.id
                    ));
                    continue;
                }
                if self.subnets.iter().any(|s| s.id == subnet.id) {
                    continue;
                }
                self.subnets.push(subnet.clone());
            }
            self.vpcs.push(vpc);
        }

        // The cluster needs subnets: synthesise two when none of its own are usable.
        let usable = cluster
            .subnets
            .iter()
            .filter(|id| self.subnets.iter().any(|s| &s.id == *id))
            .count();
        if usable == 0 {
            let block = self
                .vpcs
                .iter()
                .find(|v| v.id == vpc_id)
                .and_then(|v| v.cidrs.first())
                .and_then(|c| c.parse::<Ipv4Network>().ok());
            if let Some(block) = block {
                let region = self.region();
                for (i, zone) in ["a", "b"].iter().enumerate() {
                    let Some(cidr) = carve(block, 24, 200 + i as u32, &self.subnets) else {
                        continue;
                    };
                    let id = format!("subnet-{}-{zone}", sanitize(&cluster.name));
                    self.subnets.push(SubnetDef {
                        id: id.clone(),
                        origin: "assumed".to_owned(),
                        vpc: Some(vpc_id.clone()),
                        cidr: Some(cidr.to_string()),
                        az: Some(format!("{region}{zone}")),
                        map_public_ip_on_launch: None,
                    });
                }
                self.note(format!(
                    "{}: the cluster's subnets are not known; two subnets in {vpc_id} are assumed for its ENIs",
                    cluster.origin
                ));
            }
        }
    }

    pub(super) fn included_subnet(&self, id: &str) -> Option<&SubnetDef> {
        self.subnets.iter().find(|s| s.id == id)
    }

    pub(super) fn included_vpc(&self, id: &str) -> bool {
        self.vpcs.iter().any(|v| v.id == id)
    }
}
