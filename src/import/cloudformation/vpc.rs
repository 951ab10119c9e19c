//! VPCs, their secondary CIDR blocks, subnets and DHCP options.
//!
//! CloudFormation defaults (AWS CloudFormation Template Reference, `AWS::EC2::VPC`):
//! `EnableDnsSupport` "enabled by default", `EnableDnsHostnames` "disabled by default for
//! nondefault VPCs" — the builder's defaults, so a flag the template leaves out stays unset.
//! A CIDR allocated from an IPAM pool is known only at deploy time, and noted. An
//! `AWS::EC2::VPCCidrBlock` adds its IPv4 block to the VPC (IPv6 blocks are not modelled). An
//! association of the `default` DHCP options puts the VPC back on the AWS-provided DNS
//! server, so there is no option set to record it on.

use super::intrinsics::Outcome;
use super::{Reader, Resource};
use crate::import::inventory::{DhcpOptionsDef, SubnetDef, VpcDef};

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
            enable_dns_support: self.flag(r, "EnableDnsSupport")?,
            enable_dns_hostnames: self.flag(r, "EnableDnsHostnames")?,
        };
        self.inventory.vpcs.push(vpc);
        Ok(())
    }

    pub(super) fn secondary_cidr(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let vpc = self.text(r, "VpcId")?;
        let Some(cidr) = self.text(r, "CidrBlock")? else {
            // An IPv6 block (AmazonProvidedIpv6CidrBlock, Ipv6CidrBlock): not modelled.
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

    pub(super) fn subnet(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let subnet = SubnetDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
            cidr: self.text(r, "CidrBlock")?,
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
