//! An existing VPC: the config names one (`vpc.id`), or names existing subnets (subnet IDs in
//! `vpc.subnets`, or `vpc.controlPlaneSubnetIDs`). The inventory gets the VPC and subnets the
//! config names, and nothing more: eksctl manages no NAT or routes in it ("the expectation is
//! that the user has already setup NAT, routing, etc.", `ImportSubnets`, `pkg/vpc/vpc.go`),
//! so its route tables, gateways and DNS attributes are not in the config. The DNS attributes
//! take the AWS defaults; the routing is what eksctl expects the user to have set up
//! (`routing_placeholders`), every element of it labelled a placeholder and listed as missing
//! (EKS019), so the nodes are not reported as unable to join over routes no one has seen.

use ipnetwork::Ipv4Network;

use super::Importer;
use super::network::{Network, PlacedSubnet};
use super::vpc_config::Topology;
use crate::import::build::sanitize;
use crate::import::inventory::{
    GatewayDef, NatDef, RouteDef, RouteTableDef, RouteTargetDef, SubnetDef, VpcDef,
};

impl Importer<'_> {
    /// The VPC and subnets the config names; what eksctl does not manage there is unknown.
    pub(super) fn existing_network(&mut self) -> Network {
        let vpc = self.existing_vpc();
        let subnets = self.existing_subnets(&vpc);
        self.control_plane_subnets_known_by_id(&vpc);
        let network = Network {
            vpc,
            subnets,
            private_route_tables: Vec::new(),
        };
        self.routing_placeholders(&network);
        network
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
            // An IPv6 cluster's VPC has an IPv6 block (EKS requires it), which the config
            // does not show: the builder puts in a placeholder.
            ipv6_cidrs: Vec::new(),
            ipv6_unknown: self.ipv6(),
            // Unknown: the builder writes the AWS defaults.
            enable_dns_support: None,
            enable_dns_hostnames: None,
        });
        self.note(format!(
            "{id}: an existing VPC, so its DNS attributes (enableDnsSupport, enableDnsHostnames) are not in the eksctl config; the AWS defaults are assumed"
        ));

        if let Some(mode) = config.vpc.nat {
            self.note(format!(
                "vpc.nat.gateway: {} is ignored: eksctl creates no NAT gateway in an existing VPC",
                mode.as_str()
            ));
        }
        id
    }

    /// The routing of an existing VPC is not in the config, and eksctl does not manage it:
    /// "the expectation is that the user has already setup NAT, routing, etc."
    /// (`ImportSubnets`, `pkg/vpc/vpc.go`). Modelling only the local routes would report
    /// every node group as never joining, a verdict about routes no one has seen; instead
    /// the subnets get what eksctl expects, each element a labelled placeholder: public
    /// subnets route 0.0.0.0/0 to an internet gateway and map public IPs on launch (eksctl
    /// refuses public subnets that do not, `ValidateLegacySubnetsForNodeGroups`,
    /// `pkg/vpc/vpc.go`), private ones to a NAT gateway in a public subnet (one is assumed
    /// when the config names none). Every one is listed in `imported.missing` (EKS019).
    fn routing_placeholders(&mut self, network: &Network) {
        let public: Vec<String> = network.of(Topology::Public).map(|s| s.id.clone()).collect();
        let private: Vec<String> = network
            .of(Topology::Private)
            .map(|s| s.id.clone())
            .collect();
        // Subnets known only through `controlPlaneSubnetIDs` or a node group: their
        // topology is not in the config, so they get no placeholder route.
        if public.is_empty() && private.is_empty() {
            self.note(format!(
                "{}: an existing VPC whose route tables, internet gateway and NAT gateways are not in the eksctl config (eksctl does not manage them), and whose subnets are not listed as public or private; its subnets keep only the local routes",
                network.vpc
            ));
            return;
        }
        let slug = self.cluster_slug();
        let origin = "placeholder: an existing VPC's routing, not in the eksctl config";
        let igw = format!("igw-{slug}-placeholder");
        self.inventory.internet_gateways.push(GatewayDef {
            id: igw.clone(),
            origin: origin.to_owned(),
            vpc: Some(network.vpc.clone()),
        });
        let mut nat_hosts = public.clone();
        if nat_hosts.is_empty() {
            let host = format!("subnet-{slug}-nat-placeholder");
            self.inventory.subnets.push(SubnetDef {
                id: host.clone(),
                origin: format!("{origin} (a public subnet for the NAT gateway)"),
                vpc: Some(network.vpc.clone()),
                ..SubnetDef::default()
            });
            nat_hosts.push(host);
        }
        for subnet in &mut self.inventory.subnets {
            if public.contains(&subnet.id) && subnet.map_public_ip_on_launch.is_none() {
                subnet.map_public_ip_on_launch = Some(true);
            }
        }
        self.inventory.route_tables.push(RouteTableDef {
            id: format!("rtb-{slug}-public-placeholder"),
            origin: origin.to_owned(),
            vpc: Some(network.vpc.clone()),
            routes: vec![RouteDef {
                destination: Some("0.0.0.0/0".to_owned()),
                target: RouteTargetDef::InternetGateway(igw.clone()),
            }],
            subnets: nat_hosts.clone(),
            main: false,
        });
        let mut assumed = format!("public subnets → {igw} (and MapPublicIpOnLaunch on)");
        if !private.is_empty() {
            let nat = format!("nat-{slug}-placeholder");
            self.inventory.nat_gateways.push(NatDef {
                id: nat.clone(),
                origin: origin.to_owned(),
                subnet: nat_hosts.first().cloned(),
                public_ip: None,
                private: false,
            });
            self.inventory.route_tables.push(RouteTableDef {
                id: format!("rtb-{slug}-private-placeholder"),
                origin: origin.to_owned(),
                vpc: Some(network.vpc.clone()),
                routes: vec![RouteDef {
                    destination: Some("0.0.0.0/0".to_owned()),
                    target: RouteTargetDef::NatGateway(nat.clone()),
                }],
                subnets: private,
                main: false,
            });
            assumed.push_str(&format!(", private subnets → {nat}"));
        }
        self.note(format!(
            "{}: an existing VPC; eksctl does not manage its routing, and its route tables, internet gateway and NAT gateways are not in the config: placeholders of what eksctl expects are assumed ({assumed}) — replace them with the VPC's real routing",
            network.vpc
        ));
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
                ipv6: self.unknown_ipv6(),
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
                    ipv6: self.unknown_ipv6(),
                    az: None,
                    map_public_ip_on_launch: None,
                });
            }
        }
    }
}
