//! VPCs, their secondary CIDR blocks, subnets and DHCP options.
//!
//! CloudFormation defaults (AWS CloudFormation Template Reference, `AWS::EC2::VPC`):
//! `EnableDnsSupport` "enabled by default", `EnableDnsHostnames` "disabled by default for
//! nondefault VPCs" — the builder's defaults, so a flag the template leaves out stays unset.
//! A CIDR allocated from an IPAM pool is known only at deploy time, and noted. An
//! `AWS::EC2::VPCCidrBlock` adds its IPv4 or IPv6 block to the VPC; an Amazon-provided or
//! pooled IPv6 block, and the subnets' /64s carved from it, are known only once deployed. An
//! association of the `default` DHCP options puts the VPC back on the AWS-provided DNS
//! server, so there is no option set to record it on.

use super::intrinsics::Outcome;
use super::{Reader, Resource};
use crate::import::inventory::{DhcpOptionsDef, Ipv6Block, SubnetDef, VpcDef};

impl<'t> Reader<'t> {
    pub(super) fn vpc(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let cidr = self.text(r, "CidrBlock")?;
        if cidr.is_none() && r.has("Ipv4IpamPoolId") {
            self.eval.note(format!(
                "{}: the CIDR is allocated from an IPAM pool at deploy time; unknown",
                r.origin()
            ));
        }
        let vpc = VpcDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            cidrs: cidr.into_iter().collect(),
            ipv6_cidrs: Vec::new(),
            ipv6_unknown: false,
            enable_dns_support: self.flag(r, "EnableDnsSupport")?,
            enable_dns_hostnames: self.flag(r, "EnableDnsHostnames")?,
        };
        self.inventory.vpcs.push(vpc);
        Ok(())
    }

    pub(super) fn secondary_cidr(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let vpc = self.text(r, "VpcId")?;
        let Some(cidr) = self.text(r, "CidrBlock")? else {
            if self.ipv6_block(r, vpc.as_deref())? {
                return Ok(());
            }
            if r.has("Ipv4IpamPoolId") {
                self.eval.note(format!(
                    "{}: the CIDR is allocated from an IPAM pool at deploy time; unknown",
                    r.origin()
                ));
            }
            return Ok(());
        };
        match self
            .inventory
            .vpcs
            .iter_mut()
            .find(|v| Some(&v.id) == vpc.as_ref())
        {
            Some(vpc) => vpc.cidrs.push(cidr),
            None => self.eval.note(format!(
                "{}: VPC {} is not in the template; {cidr} is left out",
                r.origin(),
                vpc.as_deref().unwrap_or("(unknown)")
            )),
        }
        Ok(())
    }

    /// An IPv6 `AWS::EC2::VPCCidrBlock` of `vpc`: `Ipv6CidrBlock` as written, or one
    /// allocated at deploy time (`AmazonProvidedIpv6CidrBlock`: "Requests an Amazon-provided
    /// IPv6 CIDR block with a /56 prefix length"; `Ipv6Pool`, `Ipv6IpamPoolId`), which the
    /// builder replaces with a placeholder. `false` when the resource is not an IPv6 block.
    fn ipv6_block(&mut self, r: &Resource<'t>, vpc: Option<&str>) -> Outcome<bool> {
        let block = self.text(r, "Ipv6CidrBlock")?;
        let amazon = self.flag(r, "AmazonProvidedIpv6CidrBlock")? == Some(true);
        let pooled = r.has("Ipv6Pool") || r.has("Ipv6IpamPoolId");
        if block.is_none() && !amazon && !pooled {
            return Ok(false);
        }
        match self
            .inventory
            .vpcs
            .iter_mut()
            .find(|v| Some(v.id.as_str()) == vpc)
        {
            Some(found) => match block {
                Some(block) => found.ipv6_cidrs.push(block),
                None => found.ipv6_unknown = true,
            },
            None => self.eval.note(format!(
                "{}: VPC {} is not in the template; its IPv6 block is left out",
                r.origin(),
                vpc.unwrap_or("(unknown)")
            )),
        }
        Ok(true)
    }

    /// A subnet's `Ipv6CidrBlock`: known, or the `Fn::Select [i, Fn::Cidr [...]]` over the
    /// VPC's `Ipv6CidrBlocks` that templates (eksctl's, the CDK's) write, which deploys as
    /// the *i*-th /64 of a block allocated at creation: the builder puts in a placeholder.
    fn subnet_ipv6(&mut self, r: &Resource<'t>) -> Outcome<Ipv6Block> {
        let raw = r.properties.and_then(|p| p.get("Ipv6CidrBlock"));
        let Some(raw) = raw else {
            return Ok(Ipv6Block::None);
        };
        if let Some(index) = select_over_cidr(raw) {
            return Ok(Ipv6Block::Unknown { index });
        }
        Ok(match self.text(r, "Ipv6CidrBlock")? {
            Some(block) => Ipv6Block::Known(block),
            None => Ipv6Block::Unknown { index: None },
        })
    }

    pub(super) fn subnet(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let subnet = SubnetDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
            cidr: self.text(r, "CidrBlock")?,
            ipv6: self.subnet_ipv6(r)?,
            az: self.text(r, "AvailabilityZone")?,
            map_public_ip_on_launch: self.flag(r, "MapPublicIpOnLaunch")?,
        };
        self.inventory.subnets.push(subnet);
        Ok(())
    }

    /// The VPC of a subnet read from the template.
    pub(super) fn subnet_vpc(&self, subnet: &str) -> Option<String> {
        self.inventory
            .subnets
            .iter()
            .find(|s| s.id == subnet)
            .and_then(|s| s.vpc.clone())
    }

    pub(super) fn dhcp_options(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let options = DhcpOptionsDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            domain_name_servers: self.texts(r, "DomainNameServers")?,
            vpcs: Vec::new(),
        };
        self.inventory.dhcp_options.push(options);
        Ok(())
    }

    pub(super) fn dhcp_options_association(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let options = self.text(r, "DhcpOptionsId")?;
        let vpc = self.text(r, "VpcId")?;
        if options.as_deref() == Some("default") {
            return Ok(());
        }
        let found = self
            .inventory
            .dhcp_options
            .iter_mut()
            .find(|o| Some(&o.id) == options.as_ref());
        match (found, vpc) {
            (Some(options), Some(vpc)) => options.vpcs.push(vpc),
            _ => self.eval.note(format!(
                "{}: the DHCP options or VPC are not in the template; the association is left out",
                r.origin()
            )),
        }
        Ok(())
    }
}

/// `Fn::Select [i, Fn::Cidr [...]]`: `Some(Some(i))`, or `Some(None)` when `i` is not a
/// number; `None` for anything else. The blocks of an IPv6 `Fn::Cidr` are not evaluated
/// (`intrinsics::cidr`), so the index is all the template says about the subnet's /64.
fn select_over_cidr(value: &serde_yaml::Value) -> Option<Option<u32>> {
    let arguments = value.as_mapping()?.get("Fn::Select")?.as_sequence()?;
    let [index, list] = arguments.as_slice() else {
        return None;
    };
    list.as_mapping()?.get("Fn::Cidr")?;
    let index = index
        .as_u64()
        .or_else(|| index.as_str().and_then(|t| t.trim().parse().ok()))
        .and_then(|i| u32::try_from(i).ok());
    Some(index)
}
