//! Which VPCs and subnets a cluster's scenario includes: the cluster VPC, every VPC peered
//! with it or attached to the same transit gateway, and their subnets whose CIDRs are known
//! and inside their VPC. What the source lacks (the VPC, its CIDR, usable cluster subnets)
//! is assumed and noted; the source's other VPCs are left out and listed, so one cluster's
//! scenario does not carry another's network.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::Ipv4Addr;

use ipnetwork::Ipv4Network;

use super::Scenario;
use super::labels::{label, sanitize};
use super::placeholders::{carve, supernet};
use crate::import::inventory::{Ipv6Block, SubnetDef, VpcDef};

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

        // Subnets by VPC, in source order, in one pass: a source with thousands of subnets
        // (a Terraform state of a whole account) stays linear.
        let mut by_vpc: HashMap<&str, Vec<&SubnetDef>> = HashMap::new();
        for subnet in &inventory.subnets {
            if let Some(vpc) = subnet.vpc.as_deref() {
                by_vpc.entry(vpc).or_default().push(subnet);
            }
        }
        let mut seen: HashSet<String> = HashSet::new();
        for id in &included {
            let subnets = by_vpc.get(id.as_str()).cloned().unwrap_or_default();
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
            let mut by_id_only: Vec<&SubnetDef> = Vec::new();
            for subnet in subnets {
                let Some(cidr) = subnet
                    .cidr
                    .as_ref()
                    .and_then(|c| c.parse::<Ipv4Network>().ok())
                else {
                    if subnet.cidr.is_none() {
                        by_id_only.push(subnet);
                    } else {
                        self.note(format!(
                            "{}: CIDR `{}` does not parse; the subnet is left out",
                            label(&subnet.id, &subnet.origin),
                            subnet.cidr.as_deref().unwrap_or_default()
                        ));
                    }
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
                if !seen.insert(subnet.id.clone()) {
                    continue;
                }
                self.subnets.push(subnet.clone());
            }
            // Subnets the source names only by ID (an eksctl `vpc.subnets` entry with `id:`
            // alone, a node group's subnet ID) exist, but their block is not shown: each gets
            // a placeholder block in its VPC, clear of the known subnets, so the cluster and
            // node groups that use it stay in the scenario. EKS019 reports the placeholder.
            for subnet in by_id_only {
                if !seen.insert(subnet.id.clone()) {
                    continue;
                }
                let Some(block) = cidrs.iter().find_map(|within| {
                    carve(*within, placeholder_prefix(*within), 100, &self.subnets)
                }) else {
                    self.note(format!(
                        "{}: CIDR unknown, and {} has no free block for a placeholder; the subnet is left out",
                        label(&subnet.id, &subnet.origin),
                        vpc.id
                    ));
                    continue;
                };
                self.note(format!(
                    "{}: CIDR not in the source; placeholder {block} is assumed — replace it with the subnet's real block",
                    label(&subnet.id, &subnet.origin)
                ));
                self.placeholder_subnets.insert(subnet.id.clone());
                let mut placed = subnet.clone();
                placed.cidr = Some(block.to_string());
                self.subnets.push(placed);
            }
            self.vpcs.push(vpc);
        }

        self.index_subnets();
        // The cluster needs subnets: synthesise two when none of its own are usable.
        let usable = cluster
            .subnets
            .iter()
            .filter(|id| self.included_subnet(id).is_some())
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
                        // EKS requires IPv6 blocks on an IPv6 cluster's subnets.
                        ipv6: if self.is_ipv6() {
                            Ipv6Block::Unknown { index: None }
                        } else {
                            Ipv6Block::None
                        },
                    });
                }
                self.note(format!(
                    "{}: the cluster's subnets are not known; two subnets in {vpc_id} are assumed for its ENIs",
                    cluster.origin
                ));
                self.index_subnets();
            }
        }
    }

    /// Indexes `subnets` by ID, the first of each ID winning, as a scan in order would.
    fn index_subnets(&mut self) {
        self.subnet_index.clear();
        for (i, subnet) in self.subnets.iter().enumerate() {
            self.subnet_index.entry(subnet.id.clone()).or_insert(i);
        }
    }

    pub(super) fn included_subnet(&self, id: &str) -> Option<&SubnetDef> {
        self.subnet_index.get(id).and_then(|&i| self.subnets.get(i))
    }

    pub(super) fn included_vpc(&self, id: &str) -> bool {
        self.vpcs.iter().any(|v| v.id == id)
    }
}

/// The size of a placeholder subnet in `within`: a /24, or a quarter of a smaller VPC block
/// (at most a /28, the smallest subnet AWS allows).
fn placeholder_prefix(within: Ipv4Network) -> u8 {
    if within.prefix() <= 22 {
        24
    } else {
        within.prefix().saturating_add(2).min(28)
    }
}
