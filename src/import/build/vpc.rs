//! One entry of `vpcs`: CIDRs, DNS attributes, DHCP options, internet gateway, subnets and
//! NAT gateways, then the route tables, security groups, network ACLs, Resolver and VPC
//! endpoints that the sibling modules build. Every subnet's route table and network ACL is
//! written out, the main table and default ACL included, because the scenario has no
//! implicit association: without one a subnet keeps only the local routes.

use std::collections::HashMap;

use super::Scenario;
use super::connections::Connections;
use super::labels::label;
use super::network_acls::allows_everything;
use super::placeholders::placeholder_nat_ip;
use crate::import::inventory::{
    Ipv6Block, NetworkAclDef, RouteTableDef, RouteTargetDef, SubnetDef, VpcDef,
};
use crate::import::yaml::{self, Item, MapBuilder, Value, flow, item, text};

impl Scenario<'_> {
    pub(super) fn vpc(&mut self, vpc: &VpcDef, connections: &Connections) -> Item {
        let inventory = self.inventory;
        let mut map = MapBuilder::new();
        map.push("id", text(&vpc.id));
        map.push("cidrs", flow(&vpc.cidrs));
        // Settled by `ipv6`: empty in an IPv4 cluster's scenario.
        if !vpc.ipv6_cidrs.is_empty() {
            let note = self
                .placeholder_ipv6
                .contains(&vpc.id)
                .then(|| "placeholder: the IPv6 block is not in the source".to_owned());
            map.push_noted("ipv6Cidrs", flow(&vpc.ipv6_cidrs), note);
        }
        if let Some(support) = vpc.enable_dns_support {
            map.push("enableDnsSupport", yaml::boolean(support));
        }
        match vpc.enable_dns_hostnames {
            Some(hostnames) => map.push("enableDnsHostnames", yaml::boolean(hostnames)),
            None => map.push_noted(
                "enableDnsHostnames",
                yaml::boolean(false),
                Some("not set in the source: the AWS default".to_owned()),
            ),
        }
        if let Some(options) = inventory
            .dhcp_options
            .iter()
            .find(|o| o.vpcs.contains(&vpc.id))
        {
            let servers: Vec<String> = options
                .domain_name_servers
                .iter()
                .map(|s| {
                    if s.eq_ignore_ascii_case("AmazonProvidedDNS") {
                        "AmazonProvidedDNS".to_owned()
                    } else {
                        s.clone()
                    }
                })
                .collect();
            if !servers.is_empty() {
                map.push_commented(
                    "dhcpOptions",
                    MapBuilder::new()
                        .set("domainNameServers", flow(&servers))
                        .build(),
                    vec![format!("from {}", options.origin)],
                );
            }
        }
        let igw = inventory
            .internet_gateways
            .iter()
            .find(|g| g.vpc.as_deref() == Some(vpc.id.as_str()));
        let routed_igw = self.routed_igw(vpc);
        let igw_id = igw.map(|g| g.id.clone()).or(routed_igw.clone());
        if let Some(id) = &igw_id {
            let note = match igw {
                Some(g) => Some(format!("from {}", g.origin)),
                None => Some("attachment not in the source; assumed from the routes".to_owned()),
            };
            map.push_noted("internetGateway", text(id), note);
        }
        let eigw_id = self.egress_only_gateway(vpc, &mut map);

        let subnets: Vec<SubnetDef> = self
            .subnets
            .iter()
            .filter(|s| s.vpc.as_deref() == Some(vpc.id.as_str()))
            .cloned()
            .collect();
        let tables: Vec<&RouteTableDef> = inventory
            .route_tables
            .iter()
            .filter(|t| t.vpc.as_deref() == Some(vpc.id.as_str()))
            .collect();
        let main = tables.iter().find(|t| t.main).map(|t| t.id.clone());
        let acls: Vec<&NetworkAclDef> = inventory
            .network_acls
            .iter()
            .filter(|a| a.vpc.as_deref() == Some(vpc.id.as_str()))
            .collect();
        let ipv6 = self.is_ipv6();
        let default_acl = acls
            .iter()
            .find(|a| a.default && !allows_everything(a, ipv6))
            .map(|a| a.id.clone());
        // The first table and ACL that list each subnet, indexed once: a VPC of thousands of
        // subnets in one table stays linear.
        let mut table_of: HashMap<&str, &RouteTableDef> = HashMap::new();
        for table in &tables {
            for subnet in &table.subnets {
                table_of.entry(subnet.as_str()).or_insert(table);
            }
        }
        let mut acl_of: HashMap<&str, &NetworkAclDef> = HashMap::new();
        for acl in &acls {
            for subnet in &acl.subnets {
                acl_of.entry(subnet.as_str()).or_insert(acl);
            }
        }
        let mut subnet_items = Vec::new();
        let mut unassociated = false;
        for subnet in &subnets {
            let mut map = MapBuilder::new().set("id", text(&subnet.id));
            let placeholder = self.placeholder_subnets.contains(&subnet.id);
            map.push_noted(
                "cidr",
                text(subnet.cidr.as_deref().unwrap_or_default()),
                placeholder.then(|| "placeholder: the block is not in the source".to_owned()),
            );
            if let Ipv6Block::Known(block) = &subnet.ipv6 {
                let placeholder = self.placeholder_ipv6.contains(&subnet.id);
                map.push_noted(
                    "ipv6Cidr",
                    text(block),
                    placeholder.then(|| "placeholder: the block is not in the source".to_owned()),
                );
            }
            if let Some(az) = &subnet.az {
                map.push("az", text(az));
            }
            let table = table_of
                .get(subnet.id.as_str())
                .map(|t| t.id.clone())
                .or(main.clone());
            match table {
                Some(table) => map.push("routeTable", text(&table)),
                None => unassociated = true,
            }
            let explicit = acl_of.get(subnet.id.as_str());
            let acl = explicit
                .filter(|a| !allows_everything(a, ipv6))
                .map(|a| a.id.clone())
                .or_else(|| {
                    if explicit.is_some() {
                        None
                    } else {
                        default_acl.clone()
                    }
                });
            if let Some(acl) = acl {
                map.push("networkAcl", text(&acl));
            }
            subnet_items.push(item(map.build(), vec![format!("from {}", subnet.origin)]));
        }
        if unassociated && !tables.is_empty() {
            self.note(format!("{}: no main route table in the source; subnets without an association keep only the local routes", vpc.id));
        }
        if !subnet_items.is_empty() {
            map.push("subnets", Value::List(subnet_items));
        }

        let nats = self.nat_gateways(vpc);
        if !nats.is_empty() {
            map.push("natGateways", Value::List(nats));
        }

        let table_items = self.route_tables(
            vpc,
            &tables,
            igw_id.as_deref(),
            eigw_id.as_deref(),
            connections,
        );
        if !table_items.is_empty() {
            map.push("routeTables", Value::List(table_items));
        }

        let groups = self.security_groups(vpc);
        if !groups.is_empty() {
            map.push("securityGroups", Value::List(groups));
        }

        let acl_items = self.network_acls(&acls, &subnets, default_acl.as_deref());
        if !acl_items.is_empty() {
            map.push("networkAcls", Value::List(acl_items));
        }

        let resolver = self.resolver(vpc);
        if !resolver.is_empty() {
            map.push("resolver", resolver.build());
        }
        let endpoints = self.vpc_endpoints(vpc);
        if !endpoints.is_empty() {
            map.push("vpcEndpoints", Value::List(endpoints));
        }
        item(map.build(), vec![format!("from {}", vpc.origin)])
    }

    /// The VPC's egress-only internet gateway, written to `map` in an IPv6 cluster's scenario
    /// (attached, or assumed from the routes); in an IPv4 one it is listed as left out.
    fn egress_only_gateway(&mut self, vpc: &VpcDef, map: &mut MapBuilder) -> Option<String> {
        let inventory = self.inventory;
        let attached = inventory
            .egress_only_internet_gateways
            .iter()
            .find(|g| g.vpc.as_deref() == Some(vpc.id.as_str()));
        if !self.is_ipv6() {
            for gateway in inventory
                .egress_only_internet_gateways
                .iter()
                .filter(|g| g.vpc.as_deref() == Some(vpc.id.as_str()))
            {
                self.left_out.push(format!(
                    "{}: an egress-only internet gateway carries IPv6 only, and the cluster is IPv4",
                    label(&gateway.id, &gateway.origin)
                ));
            }
            return None;
        }
        let routed = inventory
            .route_tables
            .iter()
            .filter(|t| t.vpc.as_deref() == Some(vpc.id.as_str()))
            .flat_map(|t| &t.routes)
            .find_map(|r| match &r.target {
                RouteTargetDef::EgressOnlyInternetGateway(id)
                    if !inventory
                        .egress_only_internet_gateways
                        .iter()
                        .any(|g| &g.id == id && g.vpc.as_deref() != Some(vpc.id.as_str())) =>
                {
                    Some(id.clone())
                }
                _ => None,
            });
        let (id, note) = match (attached, routed) {
            (Some(g), _) => (g.id.clone(), format!("from {}", g.origin)),
            (None, Some(id)) => (
                id,
                "attachment not in the source; assumed from the routes".to_owned(),
            ),
            (None, None) => return None,
        };
        map.push_noted("egressOnlyInternetGateway", text(&id), Some(note));
        Some(id)
    }

    /// An internet gateway ID the VPC's routes use, when no attachment is known.
    fn routed_igw(&self, vpc: &VpcDef) -> Option<String> {
        self.inventory
            .route_tables
            .iter()
            .filter(|t| t.vpc.as_deref() == Some(vpc.id.as_str()))
            .flat_map(|t| &t.routes)
            .find_map(|r| match &r.target {
                RouteTargetDef::InternetGateway(id)
                    if !self
                        .inventory
                        .internet_gateways
                        .iter()
                        .any(|g| &g.id == id && g.vpc.as_deref() != Some(vpc.id.as_str())) =>
                {
                    Some(id.clone())
                }
                _ => None,
            })
    }

    /// The NAT gateways in the VPC's included subnets, with a placeholder public IP when the
    /// Elastic IP is not known.
    fn nat_gateways(&mut self, vpc: &VpcDef) -> Vec<Item> {
        let inventory = self.inventory;
        let mut nats = Vec::new();
        for (n, nat) in inventory.nat_gateways.iter().enumerate() {
            let Some(subnet) = nat.subnet.as_deref().and_then(|s| self.included_subnet(s)) else {
                continue;
            };
            if subnet.vpc.as_deref() != Some(vpc.id.as_str()) {
                continue;
            }
            let subnet_id = subnet.id.clone();
            let mut nat_map = MapBuilder::new()
                .set("id", text(&nat.id))
                .set("subnet", text(&subnet_id));
            if !nat.private {
                match &nat.public_ip {
                    Some(ip) => nat_map.push("publicIp", text(ip)),
                    None => {
                        let ip = placeholder_nat_ip(n);
                        nat_map.push_noted(
                            "publicIp",
                            text(&ip),
                            Some("placeholder: the Elastic IP is not known".to_owned()),
                        );
                        self.note(format!("{}: public IP unknown (allocated at apply); placeholder {ip} is assumed — add the real IP to check the allowlist", label(&nat.id, &nat.origin)));
                    }
                }
            }
            nats.push(item(nat_map.build(), vec![format!("from {}", nat.origin)]));
        }
        nats
    }
}
