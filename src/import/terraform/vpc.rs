//! VPCs with their secondary CIDRs (`aws_vpc_ipv4_cidr_block_association`) and IPv6 blocks
//! (`ipv6_cidr_block`, `assign_generated_ipv6_cidr_block`,
//! `aws_vpc_ipv6_cidr_block_association`), subnets with theirs, and
//! DHCP option sets with the VPCs associated with them: the address space, and which DNS
//! servers instances are told to use.
//!
//! Terraform defaults applied when an attribute is absent or unknown (AWS provider docs):
//! `enable_dns_support` true, `enable_dns_hostnames` false.

use super::Plan;
use super::attributes::k;
use crate::import::inventory::{DhcpOptionsDef, Inventory, Ipv6Block, SubnetDef, VpcDef};

impl Plan<'_> {
    pub(super) fn vpcs(&self, inventory: &mut Inventory) {
        for vpc in self.of_kind("aws_vpc") {
            let mut cidrs: Vec<String> = self.text(vpc, &[k("cidr_block")]).into_iter().collect();
            let id = self.id_of(vpc);
            for association in self.of_kind("aws_vpc_ipv4_cidr_block_association") {
                if self.id(association, &[k("vpc_id")]).as_deref() == Some(id.as_str())
                    && let Some(cidr) = self.text(association, &[k("cidr_block")])
                {
                    cidrs.push(cidr);
                }
            }
            let (mut ipv6_cidrs, mut ipv6_unknown) = self.vpc_ipv6(vpc);
            for association in self.of_kind("aws_vpc_ipv6_cidr_block_association") {
                if self.id(association, &[k("vpc_id")]).as_deref() == Some(id.as_str()) {
                    let (blocks, unknown) = self.vpc_ipv6(association);
                    ipv6_cidrs.extend(blocks);
                    ipv6_unknown |= unknown;
                }
            }
            inventory.vpcs.push(VpcDef {
                id,
                origin: vpc.address.clone(),
                cidrs,
                ipv6_cidrs,
                ipv6_unknown,
                enable_dns_support: Some(
                    self.boolean(vpc, &[k("enable_dns_support")])
                        .unwrap_or(true),
                ),
                enable_dns_hostnames: Some(
                    self.boolean(vpc, &[k("enable_dns_hostnames")])
                        .unwrap_or(false),
                ),
            });
        }
    }

    pub(super) fn subnets(&self, inventory: &mut Inventory) {
        for subnet in self.of_kind("aws_subnet") {
            let cidr = self.text(subnet, &[k("cidr_block")]);
            let vpc = self
                .id(subnet, &[k("vpc_id")])
                .or_else(|| vpc_containing(inventory, subnet, cidr.as_deref()));
            inventory.subnets.push(SubnetDef {
                id: self.id_of(subnet),
                origin: subnet.address.clone(),
                vpc,
                cidr,
                ipv6: self.subnet_ipv6(subnet),
                az: self.text(subnet, &[k("availability_zone")]),
                map_public_ip_on_launch: self.boolean(subnet, &[k("map_public_ip_on_launch")]),
            });
        }
    }

    /// The IPv6 block of an `aws_vpc` or `aws_vpc_ipv6_cidr_block_association`: known, or
    /// (`true`) one Amazon or an IPAM pool allocates at apply, which the plan cannot show:
    /// `assign_generated_ipv6_cidr_block` "Requests an Amazon-provided IPv6 CIDR block with a
    /// /56 prefix length"; `ipv6_ipam_pool_id` takes it from a pool (AWS provider docs,
    /// `aws_vpc`, `aws_vpc_ipv6_cidr_block_association`). State files write "" for none.
    fn vpc_ipv6(&self, resource: &super::Resource<'_>) -> (Vec<String>, bool) {
        let known = self
            .text(resource, &[k("ipv6_cidr_block")])
            .filter(|block| !block.is_empty());
        if let Some(block) = known {
            return (vec![block], false);
        }
        let generated = self.boolean(resource, &[k("assign_generated_ipv6_cidr_block")])
            == Some(true)
            || self
                .text(resource, &[k("ipv6_ipam_pool_id")])
                .is_some_and(|pool| !pool.is_empty())
            || self.is_unknown(resource, &[k("ipv6_cidr_block")])
                && resource.kind == "aws_vpc_ipv6_cidr_block_association";
        (Vec::new(), generated)
    }

    /// A subnet's `ipv6_cidr_block`: known, or set to a value the plan does not know yet
    /// (`cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 1)` over a generated block).
    fn subnet_ipv6(&self, subnet: &super::Resource<'_>) -> Ipv6Block {
        let path = [k("ipv6_cidr_block")];
        match self.text(subnet, &path).filter(|block| !block.is_empty()) {
            Some(block) => Ipv6Block::Known(block),
            None if self.is_unknown(subnet, &path) || self.expression(subnet, &path).is_some() => {
                Ipv6Block::Unknown { index: None }
            }
            None => Ipv6Block::None,
        }
    }

    pub(super) fn dhcp_options(&self, inventory: &mut Inventory) {
        for options in self.of_kind("aws_vpc_dhcp_options") {
            let id = self.id_of(options);
            let vpcs = self
                .of_kind("aws_vpc_dhcp_options_association")
                .filter(|a| self.id(a, &[k("dhcp_options_id")]).as_deref() == Some(id.as_str()))
                .filter_map(|a| self.id(a, &[k("vpc_id")]))
                .collect();
            inventory.dhcp_options.push(DhcpOptionsDef {
                id,
                origin: options.address.clone(),
                domain_name_servers: self.texts(options, &[k("domain_name_servers")]),
                vpcs,
            });
        }
    }
}

/// When a subnet's `vpc_id` is unknown and no `configuration` says which VPC it names (a
/// plan saved without it): the one VPC of the plan whose CIDRs hold the subnet's block, noted.
/// A subnet's block must lie inside its VPC's (EC2 API, CreateSubnet), so with exactly one
/// candidate the VPC follows; with none or several it stays unknown.
fn vpc_containing(
    inventory: &mut Inventory,
    subnet: &super::Resource<'_>,
    cidr: Option<&str>,
) -> Option<String> {
    let block: ipnetwork::Ipv4Network = cidr?.parse().ok()?;
    let mut candidates = inventory.vpcs.iter().filter(|vpc| {
        vpc.cidrs.iter().any(|c| {
            c.parse::<ipnetwork::Ipv4Network>()
                .is_ok_and(|c| c.contains(block.network()) && c.prefix() <= block.prefix())
        })
    });
    let found = candidates.next()?;
    if candidates.next().is_some() {
        return None;
    }
    let id = found.id.clone();
    inventory.note_vpc(
        Some(&id),
        format!(
            "{}: vpc_id unknown at plan time and not in a configuration section; {id}, the only VPC whose CIDRs hold {block}, is assumed",
            subnet.address
        ),
    );
    Some(id)
}
