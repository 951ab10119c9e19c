//! An existing VPC: the config names one (`vpc.id`), or names existing subnets (subnet IDs in
//! `vpc.subnets`, or `vpc.controlPlaneSubnetIDs`). The inventory gets the VPC and subnets the
//! config names, and nothing more: eksctl manages no NAT or routes in it ("the expectation is
//! that the user has already setup NAT, routing, etc.", `ImportSubnets`, `pkg/vpc/vpc.go`),
//! so its route tables, gateways and DNS attributes are unknown. They are listed as missing,
//! not invented.

use ipnetwork::Ipv4Network;

use super::Importer;
use super::network::{Network, PlacedSubnet};
use crate::import::build::sanitize;
use crate::import::inventory::{SubnetDef, VpcDef};

impl Importer<'_> {
    /// The VPC and subnets the config names; what eksctl does not manage there is unknown.
    pub(super) fn existing_network(&mut self) -> Network {
        let vpc = self.existing_vpc();
        let subnets = self.existing_subnets(&vpc);
        self.control_plane_subnets_known_by_id(&vpc);
        Network {
            vpc,
            subnets,
            private_route_tables: Vec::new(),
        }
    }

    /// The existing VPC, its ID (or a stand-in), and notes on what the config cannot say.
    fn existing_vpc(&mut self) -> String {
        let config = self.config;
        let (id, origin) = match &config.vpc.id {
            Some(id) => (id.clone(), "eksctl vpc.id, an existing VPC"),
            None => {
                let id = format!("vpc-{}", self.cluster_slug());
                self.note(format!(
                    "vpc.id is not set: eksctl finds the VPC from the subnets; `{id}` stands in for it"
                ));
                (id, "an existing VPC (eksctl vpc.id not set)")
            }
        };
        self.inventory.vpcs.push(VpcDef {
            id: id.clone(),
            origin: origin.to_owned(),
            cidrs: config
                .vpc
                .cidr
                .iter()
                .chain(&config.vpc.extra_cidrs)
                .map(Ipv4Network::to_string)
                .collect(),
            // Unknown: the builder writes the AWS defaults.
            enable_dns_support: None,
            enable_dns_hostnames: None,
        });
        self.note(format!(
            "{id}: an existing VPC, so its DNS attributes (enableDnsSupport, enableDnsHostnames) are not in the eksctl config; the AWS defaults are assumed"
        ));
        self.note(format!(
            "{id}: eksctl does not manage routing in an existing VPC, and its route tables, internet gateway and NAT gateways are not in the config: the subnets keep only the local routes"
        ));
        if let Some(mode) = config.vpc.nat {
            self.note(format!(
                "vpc.nat.gateway: {} is ignored: eksctl creates no NAT gateway in an existing VPC",
                mode.as_str()
            ));
        }
        id
    }

    /// `vpc.subnets` of an existing VPC, as written.
    fn existing_subnets(&mut self, vpc: &str) -> Vec<PlacedSubnet> {
        let config = self.config;
        let mut placed = Vec::new();
        for spec in &config.vpc.subnets {
            let id = match &spec.id {
                Some(id) => id.clone(),
                None => {
                    let id = format!("subnet-{}-{}", spec.topology.key(), sanitize(&spec.name));
                    self.note(format!(
                        "{}: no subnet id (eksctl looks the subnet up by its CIDR or zone); `{id}` stands in for it",
                        spec.path
                    ));
                    id
                }
            };
            self.check_zone(spec);
            self.inventory.subnets.push(SubnetDef {
                id: id.clone(),
                origin: format!("eksctl {}", spec.path),
                vpc: Some(vpc.to_owned()),
                cidr: spec.cidr.map(|c| c.to_string()),
                az: spec.az.clone(),
                map_public_ip_on_launch: None,
            });
            placed.push(PlacedSubnet {
                id,
                name: spec.name.clone(),
                az: spec.az.clone(),
                topology: spec.topology,
            });
        }
        placed
    }

    /// Control plane subnets the config knows only by ID: listed without a CIDR, so the
    /// builder says which ones it could not place.
    fn control_plane_subnets_known_by_id(&mut self, vpc: &str) {
        let config = self.config;
        for (i, id) in config.vpc.control_plane_subnet_ids.iter().enumerate() {
            if !self.inventory.subnets.iter().any(|s| &s.id == id) {
                self.inventory.subnets.push(SubnetDef {
                    id: id.clone(),
                    origin: format!("eksctl vpc.controlPlaneSubnetIDs[{i}]"),
                    vpc: Some(vpc.to_owned()),
                    cidr: None,
                    az: None,
                    map_public_ip_on_launch: None,
                });
            }
        }
    }
}
