//! The IPv6 side of an `ipFamily: ipv6` cluster's scenario (SPEC 7): the VPCs' `ipv6Cidrs`
//! and the subnets' `ipv6Cidr`, settled once before the sections that write them.
//!
//! Only an IPv6 cluster's scenario carries IPv6: an IPv4 cluster's endpoint has only A records
//! (SPEC 7.2), so IPv6 blocks, routes and rules could change none of its answers, and its
//! scenario stays exactly what it was before IPv6 was modelled.
//!
//! An Amazon-provided block is "a /56 IPv6 CIDR block from Amazon's pool" (EC2 API,
//! AssociateVpcCidrBlock, `AmazonProvidedIpv6CidrBlock`) chosen at creation, and a subnet's
//! block is "a /64" of it (VPC user guide, "IPv6 VPC CIDR blocks"), so a plan or template
//! cannot show them. They become labelled placeholders from the documentation range
//! `2001:db8::/32` (RFC 3849), as IPv4 placeholders come from RFC 5737: the VPC's a /56 from
//! `2001:db8:100::/40`, clear of the placeholder public endpoint addresses `2001:db8::10`
//! and `::11`; the subnets' the /64s of it in order (or at the index the source picks).

use ipnetwork::Ipv6Network;

use super::Scenario;
use super::labels::label;
use super::placeholders::{carve_ipv6, placeholder_vpc_ipv6};
use crate::import::inventory::Ipv6Block;

impl Scenario<'_> {
    /// Whether the scenario is an IPv6 cluster's, and so carries IPv6 (see the module doc).
    pub(super) fn is_ipv6(&self) -> bool {
        self.cluster
            .ip_family
            .as_deref()
            .is_some_and(|family| family.eq_ignore_ascii_case("ipv6"))
    }

    /// Settles every included VPC's IPv6 blocks and every included subnet's, putting in
    /// placeholders where the source does not show them; IPv4 scenarios drop them all.
    pub(super) fn settle_ipv6(&mut self) {
        if !self.is_ipv6() {
            for vpc in &mut self.vpcs {
                vpc.ipv6_cidrs.clear();
            }
            for subnet in &mut self.subnets {
                subnet.ipv6 = Ipv6Block::None;
            }
            return;
        }
        // Subnets the source does not show (known by ID only, or assumed) have the block EKS
        // requires of an IPv6 cluster's subnets, unknown.
        let inventory = self.inventory;
        for subnet in &mut self.subnets {
            let unseen = self.placeholder_subnets.contains(&subnet.id)
                || !inventory.subnets.iter().any(|s| s.id == subnet.id);
            if unseen && subnet.ipv6 == Ipv6Block::None {
                subnet.ipv6 = Ipv6Block::Unknown { index: None };
            }
        }
        let mut placeholders = 0u32;
        for v in 0..self.vpcs.len() {
            let Some(vpc) = self.vpcs.get(v).cloned() else {
                continue;
            };
            let mut blocks: Vec<Ipv6Network> = Vec::new();
            for text in &vpc.ipv6_cidrs {
                match text.parse::<Ipv6Network>() {
                    Ok(block) => blocks.push(block),
                    Err(_) => self.note(format!(
                        "{}: IPv6 block `{text}` is not an IPv6 CIDR block; left out",
                        label(&vpc.id, &vpc.origin)
                    )),
                }
            }
            let subnets: Vec<usize> = (0..self.subnets.len())
                .filter(|&i| {
                    self.subnets
                        .get(i)
                        .is_some_and(|s| s.vpc.as_deref() == Some(vpc.id.as_str()))
                })
                .collect();
            let wants_ipv6 = subnets.iter().any(|&i| {
                self.subnets
                    .get(i)
                    .is_some_and(|s| s.ipv6 != Ipv6Block::None)
            });
            // A VPC the source does not show has the block EKS requires, unknown; one it
            // shows without IPv6 keeps none, and EKS021 reports it.
            let unseen = !inventory.vpcs.iter().any(|known| known.id == vpc.id);
            if blocks.is_empty() && (vpc.ipv6_unknown || wants_ipv6 || unseen) {
                let block = placeholder_vpc_ipv6(placeholders);
                placeholders += 1;
                blocks.push(block);
                self.placeholder_ipv6.insert(vpc.id.clone());
                let why = if vpc.ipv6_unknown {
                    "IPv6 block not in the source (an Amazon-provided one is allocated at creation)"
                } else if unseen {
                    "the VPC is not in the source, and an IPv6 cluster's VPC has an IPv6 block"
                } else {
                    "its subnets have IPv6 blocks, but the VPC's IPv6 block is not in the source"
                };
                self.note(format!(
                    "{}: {why}; placeholder {block} is assumed — replace it with the VPC's real /56 (and its subnets' /64s) to check IPv6 allowlists",
                    label(&vpc.id, &vpc.origin)
                ));
            }
            self.settle_subnet_ipv6(&subnets, &blocks, &vpc.id);
            if let Some(vpc) = self.vpcs.get_mut(v) {
                vpc.ipv6_cidrs = blocks.iter().map(ToString::to_string).collect();
            }
        }
    }

    /// The subnets (by position in `subnets`) of one VPC whose IPv6 `blocks` are settled:
    /// known blocks inside them are kept, unknown ones get a placeholder /64.
    fn settle_subnet_ipv6(&mut self, subnets: &[usize], blocks: &[Ipv6Network], vpc: &str) {
        let mut taken: Vec<Ipv6Network> = Vec::new();
        for &i in subnets {
            let Some(subnet) = self.subnets.get(i).cloned() else {
                continue;
            };
            if let Ipv6Block::Known(text) = &subnet.ipv6 {
                let parsed = text.parse::<Ipv6Network>().ok();
                let inside = parsed.filter(|block| {
                    blocks
                        .iter()
                        .any(|b| b.contains(block.network()) && b.prefix() <= block.prefix())
                });
                match inside {
                    Some(block) => taken.push(block),
                    None => {
                        self.note(format!(
                            "{}: IPv6 block `{text}` is not inside {vpc}'s IPv6 blocks; the subnet is written without IPv6",
                            label(&subnet.id, &subnet.origin)
                        ));
                        if let Some(s) = self.subnets.get_mut(i) {
                            s.ipv6 = Ipv6Block::None;
                        }
                    }
                }
            }
        }
        let placeholder_vpc = self.placeholder_ipv6.contains(vpc);
        for &i in subnets {
            let Some(subnet) = self.subnets.get(i).cloned() else {
                continue;
            };
            let Ipv6Block::Unknown { index } = subnet.ipv6 else {
                continue;
            };
            let block = blocks
                .first()
                .and_then(|within| carve_ipv6(*within, index.unwrap_or(0), &taken));
            let Some(block) = block else {
                self.note(format!(
                    "{}: has an IPv6 block the source does not show, and {vpc} has no free /64 for a placeholder; the subnet is written without IPv6",
                    label(&subnet.id, &subnet.origin)
                ));
                if let Some(s) = self.subnets.get_mut(i) {
                    s.ipv6 = Ipv6Block::None;
                }
                continue;
            };
            taken.push(block);
            self.placeholder_ipv6.insert(subnet.id.clone());
            // Under a placeholder VPC block the VPC's note covers its subnets' /64s.
            if !placeholder_vpc {
                self.note(format!(
                    "{}: IPv6 block unknown (carved from {vpc}'s at creation); placeholder {block} is assumed — replace it with the subnet's real /64",
                    label(&subnet.id, &subnet.origin)
                ));
            }
            if let Some(s) = self.subnets.get_mut(i) {
                s.ipv6 = Ipv6Block::Known(block.to_string());
            }
        }
    }

    /// Whether `address` is an IPv6 address inside the block written for subnet `id`.
    pub(super) fn ipv6_fits(&self, id: &str, address: &str) -> bool {
        let block = self
            .subnet_ipv6(id)
            .and_then(|b| b.parse::<Ipv6Network>().ok());
        match (block, address.parse::<std::net::Ipv6Addr>()) {
            (Some(block), Ok(address)) => block.contains(address),
            _ => false,
        }
    }

    /// The IPv6 block written for subnet `id`, if any.
    pub(super) fn subnet_ipv6(&self, id: &str) -> Option<&str> {
        match &self.included_subnet(id)?.ipv6 {
            Ipv6Block::Known(block) => Some(block),
            _ => None,
        }
    }
}
