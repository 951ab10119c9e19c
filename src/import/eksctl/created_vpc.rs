//! The VPC eksctl creates when the config names none (no `vpc.id`): CIDR `vpc.cidr`, default
//! `192.168.0.0/16`, with DNS support and DNS hostnames on (`pkg/cfn/builder/vpc_ipv4.go`).
//! The CIDR "is divided into 8 (/19) subnets (3 private, 3 public & 2 reserved)" (user guide,
//! "VPC Configuration"): `SetSubnets` (`pkg/vpc/vpc.go`) splits it into 8 equal blocks (16
//! beyond four zones) and gives zone *i* public block *i* and private block *i + zones*; the
//! CIDR must be /16 to /24. Without `availabilityZones` eksctl picks three zones of the
//! region at random, two in us-east-1 (`pkg/az`); the import assumes the first letters.
//! `vpc.subnets` replaces the layout with the user's CIDRs and zones, eksctl still creating
//! the subnets and their routing.
//!
//! A fully-private cluster (`privateCluster.enabled`) has "no outbound internet access and
//! only private subnets" (user guide, "EKS Fully-Private Cluster"): no public subnet, no
//! internet gateway and no NAT (`routing`).
//!
//! For `kubernetesNetworkConfig.ipFamily: IPv6` eksctl builds the VPC of
//! `pkg/cfn/builder/vpc_ipv6.go` instead: the same IPv4 layout plus an Amazon-provided /56,
//! a /64 of it on every subnet, an egress-only internet gateway, and `::/0` routes to the
//! internet gateway (public table) and to the egress-only gateway (private tables).
//!
//! IDs are assigned when eksctl creates the stack, so names after eksctl's CloudFormation
//! resources (`SubnetPublicUSWEST2A`) stand in for them.

use std::net::Ipv4Addr;

use ipnetwork::Ipv4Network;

use super::network::{Network, PlacedSubnet};
use super::vpc_config::Topology;
use super::{Importer, resource_alias};
use crate::import::Diagnostic;
use crate::import::build::sanitize;
use crate::import::cidr::eksctl_layout;
use crate::import::inventory::{Ipv6Block, SubnetDef, VpcDef};

impl Importer<'_> {
    /// The VPC, subnets, gateways and route tables `eksctl create cluster` builds.
    pub(super) fn eksctl_network(&mut self) -> Result<Network, Diagnostic> {
        let (vpc, cidr) = self.eksctl_vpc()?;
        let mut network = Network {
            subnets: self.eksctl_subnets(cidr)?,
            vpc,
            private_route_tables: Vec::new(),
        };
        let mut eigw = None;
        let nats = if self.config.private_cluster.enabled {
            Vec::new()
        } else {
            let igw = self.internet_gateway(&network);
            self.public_route_table(&network, &igw);
            if self.ipv6() {
                eigw = Some(self.egress_only_gateway(&network));
            }
            self.nat_gateways(&network)
        };
        network.private_route_tables = self.private_route_tables(&network, &nats, eigw.as_deref());
        Ok(network)
    }

    /// The VPC eksctl creates: its ID and primary CIDR.
    fn eksctl_vpc(&mut self) -> Result<(String, Ipv4Network), Diagnostic> {
        let config = self.config;
        let (cidr, cidr_origin) = match config.vpc.cidr {
            Some(cidr) => (cidr, "vpc.cidr"),
            None => (default_vpc_cidr(), "eksctl's default CIDR"),
        };
        if !(16..=24).contains(&cidr.prefix()) {
            return Err(Diagnostic::import(
                self.file,
                "vpc.cidr",
                format!("eksctl requires a /16 to /24 VPC CIDR; {cidr} is not"),
            ));
        }
        let id = format!("vpc-{}", self.cluster_slug());
        self.inventory.vpcs.push(VpcDef {
            id: id.clone(),
            origin: format!(
                "eksctl-created VPC ({cidr_origin} {cidr}; DNS support and hostnames on)"
            ),
            cidrs: std::iter::once(&cidr)
                .chain(&config.vpc.extra_cidrs)
                .map(Ipv4Network::to_string)
                .collect(),
            // An IPv6 cluster's VPC gets an Amazon-provided /56 (`AWS::EC2::VPCCidrBlock`
            // with `AmazonProvidedIpv6CidrBlock: true`, `pkg/cfn/builder/vpc_ipv6.go`),
            // allocated at creation: the builder puts in a placeholder.
            ipv6_cidrs: Vec::new(),
            ipv6_unknown: self.ipv6(),
            enable_dns_support: Some(true),
            enable_dns_hostnames: Some(true),
        });
        self.note(format!(
            "{id}: eksctl creates the VPC and its subnets, gateways and route tables; their IDs are assigned at creation, so names after eksctl's CloudFormation resources stand in"
        ));
        Ok((id, cidr))
    }

    /// eksctl's layout, or the subnets the config gives; only private ones when the cluster
    /// is fully private.
    fn eksctl_subnets(&mut self, cidr: Ipv4Network) -> Result<Vec<PlacedSubnet>, Diagnostic> {
        let config = self.config;
        let mut subnets = if config.vpc.subnets.is_empty() {
            self.laid_out_subnets(cidr)?
        } else {
            self.custom_subnets()
        };
        if config.private_cluster.enabled
            && subnets.iter().any(|(s, _)| s.topology == Topology::Public)
        {
            self.note("privateCluster.enabled: eksctl creates only private subnets in a fully-private cluster; the public ones are left out");
            subnets.retain(|(s, _)| s.topology == Topology::Private);
        }
        let (placed, defs): (Vec<PlacedSubnet>, Vec<SubnetDef>) = subnets.into_iter().unzip();
        self.inventory.subnets.extend(defs);
        Ok(placed)
    }

    /// eksctl's layout: the VPC CIDR split into 8 (or 16) equal blocks, zone *i* getting
    /// public block *i* and private block *i + zones*.
    fn laid_out_subnets(
        &mut self,
        cidr: Ipv4Network,
    ) -> Result<Vec<(PlacedSubnet, SubnetDef)>, Diagnostic> {
        let zones = self.zones()?;
        let blocks = eksctl_layout(cidr, zones.len()).ok_or_else(|| {
            Diagnostic::import(
                self.file,
                "availabilityZones",
                format!(
                    "eksctl creates at most 16 subnets (8 zones); {} zones given",
                    zones.len()
                ),
            )
        })?;
        // A fully-private cluster gets no public subnets: their blocks stay unused.
        let topologies: &[Topology] = if self.config.private_cluster.enabled {
            &[Topology::Private]
        } else {
            &[Topology::Public, Topology::Private]
        };
        let mut out = Vec::new();
        for &topology in topologies {
            let offset = if topology == Topology::Public {
                0
            } else {
                zones.len()
            };
            for (i, zone) in zones.iter().enumerate() {
                let Some(block) = blocks.get(i + offset) else {
                    continue;
                };
                let (placed, mut def) =
                    self.eksctl_subnet(topology, zone, Some(zone.clone()), Some(*block));
                // `vpc_ipv6.go`: subnet *j* (public *i*, private *i + zones*) gets
                // `Fn::Select [j, Fn::Cidr [VPC.Ipv6CidrBlocks[0], 2 × zones + 2, 64]]`.
                if def.ipv6 != Ipv6Block::None {
                    def.ipv6 = Ipv6Block::Unknown {
                        index: u32::try_from(i + offset).ok(),
                    };
                }
                out.push((placed, def));
            }
        }
        if let Some(block) = blocks.first() {
            self.note(format!(
                "{}: subnet CIDRs follow eksctl's layout: {cidr} split into {} /{} blocks, public subnets first, then private, one of each per zone",
                self.config.name,
                blocks.len(),
                block.prefix()
            ));
        }
        Ok(out)
    }

    /// `vpc.subnets` of a VPC eksctl creates: the user's CIDRs and zones, eksctl's routing.
    fn custom_subnets(&mut self) -> Vec<(PlacedSubnet, SubnetDef)> {
        let config = self.config;
        let mut out = Vec::new();
        for spec in &config.vpc.subnets {
            self.check_zone(spec);
            let (placed, mut def) =
                self.eksctl_subnet(spec.topology, &spec.name, spec.az.clone(), spec.cidr);
            def.origin = format!("eksctl {} (created by eksctl)", spec.path);
            out.push((placed, def));
        }
        out
    }

    fn eksctl_subnet(
        &self,
        topology: Topology,
        name: &str,
        az: Option<String>,
        cidr: Option<Ipv4Network>,
    ) -> (PlacedSubnet, SubnetDef) {
        let id = format!("subnet-{}-{}", topology.key(), sanitize(name));
        let def = SubnetDef {
            id: id.clone(),
            origin: format!(
                "eksctl-created Subnet{}{}",
                topology.title(),
                resource_alias(name)
            ),
            vpc: Some(format!("vpc-{}", self.cluster_slug())),
            cidr: cidr.map(|c| c.to_string()),
            ipv6: if self.ipv6() {
                Ipv6Block::Unknown { index: None }
            } else {
                Ipv6Block::None
            },
            az: az.clone(),
            // eksctl's public subnets auto-assign public IPv4 addresses, as EKS requires for
            // nodes in public subnets (eksctl pkg/cfn/builder/vpc_ipv4.go; EKS user guide,
            // network-reqs).
            map_public_ip_on_launch: Some(topology == Topology::Public),
        };
        let placed = PlacedSubnet {
            id,
            name: name.to_owned(),
            az,
            topology,
        };
        (placed, def)
    }

    /// The zones eksctl spreads a new VPC over.
    fn zones(&mut self) -> Result<Vec<String>, Diagnostic> {
        let config = self.config;
        if !config.availability_zones.is_empty() {
            let mut zones: Vec<String> = Vec::new();
            for zone in &config.availability_zones {
                if !zones.contains(zone) {
                    zones.push(zone.clone());
                }
            }
            if zones.len() < 2 {
                return Err(Diagnostic::import(
                    self.file,
                    "availabilityZones",
                    "eksctl requires at least two availability zones",
                ));
            }
            return Ok(zones);
        }
        // The builder assumes us-east-1 too when the region is unknown.
        let region = config.region.as_deref().unwrap_or("us-east-1");
        let count = if region == "us-east-1" { 2 } else { 3 };
        let zones: Vec<String> = ["a", "b", "c"]
            .iter()
            .take(count)
            .map(|letter| format!("{region}{letter}"))
            .collect();
        self.note(format!(
            "availabilityZones is not set: eksctl picks {count} zones of {region} at random at creation; {} are assumed",
            zones.join(", ")
        ));
        Ok(zones)
    }
}

fn default_vpc_cidr() -> Ipv4Network {
    Ipv4Network::new(Ipv4Addr::new(192, 168, 0, 0), 16)
        .unwrap_or_else(|_| Ipv4Network::from(Ipv4Addr::new(192, 168, 0, 0)))
}
