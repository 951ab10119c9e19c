//! Inventory → scenario: the rules an import follows whatever the source.
//!
//! - The cluster VPC and every VPC peered with it or attached to the same transit gateway
//!   are included; other VPCs of the source are left out (and listed).
//! - A subnet without an explicit route table association uses the VPC's main route table,
//!   written out explicitly; one without a NACL association uses the default NACL, which is
//!   left out when it allows everything (the scenario default).
//! - The EKS-owned ENIs are synthesised when the source cannot show them: one in each
//!   cluster subnet (up to four, different AZs first) at the subnet's base + 10. So is the
//!   cluster security group EKS creates, which admits all traffic from itself.
//! - Unknown values get the AWS (or Terraform) default, or a documentation-range
//!   placeholder, and every such choice is written to the scenario's `imported.missing`
//!   (EKS019 reports it) and as a comment next to the element.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::Ipv4Addr;

use ipnetwork::Ipv4Network;

use super::inventory::*;
use super::yaml::{self, Item, MapBuilder, Value, flow, item, number, text};

/// How to build: which cluster, and extra clients to merge.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only this cluster (by name).
    pub cluster: Option<String>,
    /// `clients`, `networks` and `dnsServers` to add, already checked.
    pub extra: Option<ExtraClients>,
}

/// The contents of a `--clients` file.
#[derive(Debug, Clone, Default)]
pub struct ExtraClients {
    pub clients: Vec<serde_yaml::Value>,
    pub networks: Vec<serde_yaml::Value>,
    pub dns_servers: Vec<serde_yaml::Value>,
}

/// One generated scenario.
#[derive(Debug, Clone)]
pub struct Built {
    pub cluster: String,
    pub yaml: String,
}

/// Builds one scenario per cluster of the inventory (or only `options.cluster`).
pub fn build(inventory: &Inventory, options: &Options) -> Result<Vec<Built>, String> {
    let clusters: Vec<&ClusterDef> = inventory
        .clusters
        .iter()
        .filter(|cluster| {
            options
                .cluster
                .as_ref()
                .is_none_or(|name| &cluster.name == name)
        })
        .collect();
    if clusters.is_empty() {
        return Err(match &options.cluster {
            Some(name) => format!(
                "no cluster named `{name}` in {} (clusters: {})",
                inventory.source,
                names(inventory)
            ),
            None => format!("no EKS cluster in {}", inventory.source),
        });
    }
    Ok(clusters
        .into_iter()
        .map(|cluster| Built {
            cluster: cluster.name.clone(),
            yaml: Scenario::new(inventory, cluster).render(options.extra.as_ref()),
        })
        .collect())
}

fn names(inventory: &Inventory) -> String {
    let names: Vec<&str> = inventory.clusters.iter().map(|c| c.name.as_str()).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// Placeholder public IPs for NAT gateways whose Elastic IP is unknown (RFC 5737).
fn placeholder_nat_ip(n: usize) -> String {
    format!("192.0.2.{}", 101 + (n % 100))
}

/// Placeholder public IPs for nodes in subnets that auto-assign one (RFC 5737, TEST-NET-3):
/// the address is picked at launch, so no allowlist can name it in advance.
fn placeholder_node_ip(n: usize) -> String {
    format!("203.0.113.{}", 101 + (n % 100))
}

struct Scenario<'a> {
    inventory: &'a Inventory,
    cluster: &'a ClusterDef,
    /// What the import assumed or could not see, for `imported.missing`.
    missing: Vec<String>,
    /// Elements left out of this scenario on purpose.
    left_out: Vec<String>,
    cluster_vpc: String,
    vpcs: Vec<VpcDef>,
    subnets: Vec<SubnetDef>,
    /// Synthesised elements, by ID, with the reason.
    synthesised_vpc: Option<String>,
    cluster_sg: String,
    synthesised_cluster_sg: bool,
    /// Placeholder node public IPs handed out so far.
    node_public_ips: usize,
}

impl<'a> Scenario<'a> {
    fn new(inventory: &'a Inventory, cluster: &'a ClusterDef) -> Self {
        let mut scenario = Scenario {
            inventory,
            cluster,
            missing: Vec::new(),
            left_out: Vec::new(),
            cluster_vpc: String::new(),
            vpcs: Vec::new(),
            subnets: Vec::new(),
            synthesised_vpc: None,
            cluster_sg: String::new(),
            synthesised_cluster_sg: false,
            node_public_ips: 0,
        };
        scenario.choose_vpcs();
        scenario
    }

    fn note(&mut self, text: String) {
        if !self.missing.contains(&text) {
            self.missing.push(text);
        }
    }

    /// The cluster VPC, the VPCs connected to it, and their subnets with known CIDRs.
    fn choose_vpcs(&mut self) {
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

    fn region(&self) -> String {
        if let Some(region) = self
            .cluster
            .region
            .clone()
            .or_else(|| self.inventory.region.clone())
        {
            return region;
        }
        self.inventory
            .subnets
            .iter()
            .find_map(|s| {
                s.az.as_ref()
                    .and_then(|az| az.get(..az.len().saturating_sub(1)))
                    .map(str::to_owned)
            })
            .filter(|region| !region.is_empty())
            .unwrap_or_else(|| "us-east-1".to_owned())
    }

    fn included_subnet(&self, id: &str) -> Option<&SubnetDef> {
        self.subnets.iter().find(|s| s.id == id)
    }

    fn included_vpc(&self, id: &str) -> bool {
        self.vpcs.iter().any(|v| v.id == id)
    }

    fn render(mut self, extra: Option<&ExtraClients>) -> String {
        let inventory = self.inventory;
        let region = self.region();
        if self.cluster.region.is_none() && inventory.region.is_none() {
            self.note(format!(
                "{}: region not known; {region} is assumed",
                self.cluster.origin
            ));
        }

        // Connections first: routes refer to them.
        let connections = self.connections();
        // The cluster first: it decides the cluster security group the VPC must define.
        let cluster = self.cluster_map(&region);
        let vpcs: Vec<Item> = self
            .vpcs
            .clone()
            .iter()
            .map(|vpc| self.vpc(vpc, &connections))
            .collect();
        let node_groups = self.node_groups();

        let mut root = MapBuilder::new();
        let mut header = vec![
            format!(
                "Imported by eksflow {} from {}.",
                env!("CARGO_PKG_VERSION"),
                inventory.source
            ),
            format!("Cluster {} ({}).", self.cluster.name, self.cluster.origin),
            "Comments say where each element came from; `imported.missing` lists what the source"
                .to_owned(),
            "did not show and what was assumed instead (`eksflow check` reports it as EKS019)."
                .to_owned(),
        ];
        header.push(String::new());
        root.push_commented("version", number(1), header);
        root.push("name", text(&format!("{} (imported)", self.cluster.name)));
        root.push("cluster", cluster);
        root.push("vpcs", Value::List(vpcs));
        if !connections.items.is_empty() {
            root.push("connections", Value::List(connections.items.clone()));
        }
        let mut networks = connections.networks.clone();
        let mut dns_servers = Vec::new();
        let mut clients = Vec::new();
        if let Some(extra) = extra {
            networks.extend(
                extra
                    .networks
                    .iter()
                    .map(|v| item(from_serde(v), vec!["from the --clients file".to_owned()])),
            );
            dns_servers.extend(
                extra
                    .dns_servers
                    .iter()
                    .map(|v| item(from_serde(v), vec![])),
            );
            clients.extend(extra.clients.iter().map(|v| item(from_serde(v), vec![])));
        }
        if !networks.is_empty() {
            root.push("networks", Value::List(networks));
        }
        if !dns_servers.is_empty() {
            root.push("dnsServers", Value::List(dns_servers));
        }
        if !node_groups.is_empty() {
            root.push("nodeGroups", Value::List(node_groups));
        }
        if clients.is_empty() {
            root.push_commented(
                "clients",
                Value::List(Vec::new()),
                vec![
                    "No clients in the source: add laptops, offices and CI runners here, or merge"
                        .to_owned(),
                    "them with `eksflow import … --clients clients.yaml`.".to_owned(),
                ],
            );
        } else {
            root.push("clients", Value::List(clients));
        }
        let mut imported = MapBuilder::new().set("from", text(&inventory.source));
        // Notes about the whole source, then those about this cluster or the VPCs it
        // includes (another cluster's notes stay in its own scenario), then the builder's.
        let scoped = inventory
            .scoped_missing
            .iter()
            .filter(|note| match &note.about {
                About::Cluster(name) => name == &self.cluster.name,
                About::Vpc(id) => self.included_vpc(id),
            })
            .map(|note| &note.text);
        let mut missing: Vec<String> = Vec::new();
        for note in inventory.missing.iter().chain(scoped).chain(&self.missing) {
            if !missing.contains(note) {
                missing.push(note.clone());
            }
        }
        if !missing.is_empty() {
            imported.push(
                "missing",
                Value::List(missing.iter().map(|m| item(text(m), vec![])).collect()),
            );
        }
        let mut tail = Vec::new();
        let left_out: Vec<&String> = inventory.unsupported.iter().chain(&self.left_out).collect();
        if !left_out.is_empty() {
            tail.push("Left out of this scenario (eksflow does not model them, or they are not connected):".to_owned());
            tail.extend(left_out.iter().map(|line| format!("  - {line}")));
        }
        root.push_commented("imported", imported.build(), tail);
        yaml::render(&root.build())
    }

    // ---- cluster --------------------------------------------------------------------

    fn cluster_map(&mut self, region: &str) -> Value {
        let cluster = self.cluster;
        let mut map = MapBuilder::new();
        map.push("name", text(&cluster.name));
        map.push("region", text(region));
        if let Some(endpoint) = &cluster.endpoint {
            let host = endpoint
                .trim_start_matches("https://")
                .trim_end_matches('/');
            map.push("endpoint", text(host));
        }
        let public = cluster.public_access.unwrap_or(true);
        let private = cluster.private_access.unwrap_or(false);
        let mode = match (public, private) {
            (true, false) => "public",
            (true, true) => "public-and-private",
            (false, true) => "private",
            (false, false) => {
                self.note(format!(
                    "{}: public and private access both off, which EKS rejects; private is assumed",
                    cluster.origin
                ));
                "private"
            }
        };
        let note = match (cluster.public_access, cluster.private_access) {
            (None, None) => {
                Some("endpoint access not set: the EKS default (public only)".to_owned())
            }
            (None, _) | (_, None) => {
                Some("the unset flag takes its default (public on, private off)".to_owned())
            }
            _ => None,
        };
        map.push_noted("endpointAccess", text(mode), note);
        match &cluster.public_access_cidrs {
            // With public access off, EKS ignores the list (state files still carry the
            // default 0.0.0.0/0): writing it would only raise EKS005.
            Some(cidrs) if !cidrs.is_empty() && public => {
                map.push("publicAccessCidrs", flow(cidrs))
            }
            Some(_) => {}
            None if public => {
                self.note(format!("{}: publicAccessCidrs not set or unknown; the EKS default 0.0.0.0/0 is assumed", cluster.origin));
            }
            None => {}
        }
        map.push_noted("vpc", text(&self.cluster_vpc), self.synthesised_vpc.clone());
        let groups = self.cluster_groups();
        map.push("securityGroups", flow(&groups));
        map.push("enis", self.enis());
        map.build()
    }

    /// The cluster security group (given or synthesised) and the additional ones that exist.
    fn cluster_groups(&mut self) -> Vec<String> {
        let cluster = self.cluster;
        let inventory = self.inventory;
        let included: Vec<String> = self.vpcs.iter().map(|v| v.id.clone()).collect();
        let known = |id: &str| {
            inventory
                .security_groups
                .iter()
                .any(|g| g.id == id && g.vpc.as_ref().is_none_or(|v| included.contains(v)))
        };
        let cluster_sg = match &cluster.cluster_security_group {
            Some(id) if known(id) => id.clone(),
            Some(id) => {
                self.synthesised_cluster_sg = true;
                self.note(format!("{id}: the cluster security group's rules are not in the source; EKS's default (all traffic from itself) is assumed"));
                id.clone()
            }
            None => {
                self.synthesised_cluster_sg = true;
                format!("eks-cluster-sg-{}", sanitize(&cluster.name))
            }
        };
        self.cluster_sg = cluster_sg.clone();
        let mut groups = vec![cluster_sg];
        for id in &cluster.security_groups {
            if known(id) {
                if !groups.contains(id) {
                    groups.push(id.clone());
                }
            } else {
                self.note(format!(
                    "{}: security group {id} is not in the source; it is left off the ENIs",
                    cluster.origin
                ));
            }
        }
        groups
    }

    fn enis(&mut self) -> Value {
        let inventory = self.inventory;
        let cluster = self.cluster;
        let known: Vec<&EniDef> = inventory
            .enis
            .iter()
            .filter(|eni| {
                eni.cluster == cluster.name && self.included_subnet(&eni.subnet).is_some()
            })
            .collect();
        let mut items = Vec::new();
        if !known.is_empty() {
            for eni in known.iter().take(4) {
                items.push(item(
                    MapBuilder::new()
                        .set("subnet", text(&eni.subnet))
                        .set("ip", text(&eni.ip))
                        .build(),
                    vec![],
                ));
            }
            return Value::List(items);
        }
        // One ENI in each cluster subnet, different AZs first, at most four.
        let mut subnets: Vec<&SubnetDef> = cluster
            .subnets
            .iter()
            .filter_map(|id| self.included_subnet(id))
            .collect();
        if subnets.is_empty() {
            subnets = self
                .subnets
                .iter()
                .filter(|s| s.vpc.as_deref() == Some(self.cluster_vpc.as_str()))
                .collect();
        }
        let mut chosen: Vec<&SubnetDef> = Vec::new();
        let mut zones = HashSet::new();
        for subnet in &subnets {
            if zones.insert(subnet.az.clone()) {
                chosen.push(subnet);
            }
        }
        for subnet in &subnets {
            if !chosen.iter().any(|c| c.id == subnet.id) {
                chosen.push(subnet);
            }
        }
        chosen.truncate(4);
        let mut lines = Vec::new();
        for (i, subnet) in chosen.iter().enumerate() {
            let Some(cidr) = subnet
                .cidr
                .as_ref()
                .and_then(|c| c.parse::<Ipv4Network>().ok())
            else {
                continue;
            };
            let offset = if cidr.prefix() <= 28 { 10 } else { 4 };
            let ip = Ipv4Addr::from(u32::from(cidr.network()).saturating_add(offset));
            let above = if i == 0 {
                vec!["The EKS-owned ENIs are not in the source: one is assumed in each cluster subnet.".to_owned()]
            } else {
                vec![]
            };
            lines.push(item(
                MapBuilder::new()
                    .set("subnet", text(&subnet.id))
                    .set("ip", text(&ip.to_string()))
                    .build(),
                above,
            ));
        }
        if !lines.is_empty() {
            self.note(format!("{}: EKS-owned ENI addresses are not known; one ENI per cluster subnet at its base + 10 is assumed", cluster.origin));
        }
        Value::List(lines)
    }

    fn node_groups(&mut self) -> Vec<Item> {
        let inventory = self.inventory;
        let cluster = self.cluster;
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        for group in &inventory.node_groups {
            if group.cluster.as_ref().is_some_and(|c| c != &cluster.name)
                || (group.cluster.is_none() && inventory.clusters.len() > 1)
            {
                continue;
            }
            if !seen.insert(group.name.clone()) {
                continue;
            }
            let subnets: Vec<&String> = group
                .subnets
                .iter()
                .filter(|id| {
                    self.included_subnet(id)
                        .is_some_and(|s| s.vpc.as_deref() == Some(self.cluster_vpc.as_str()))
                })
                .collect();
            if subnets.is_empty() {
                self.note(format!("{} ({}): none of its subnets are known in the cluster VPC; the node group is left out", group.name, group.origin));
                continue;
            }
            if subnets.len() < group.subnets.len() {
                self.note(format!(
                    "{} ({}): some subnets are not known; only {} of {} kept",
                    group.name,
                    group.origin,
                    subnets.len(),
                    group.subnets.len()
                ));
            }
            let mut map = MapBuilder::new()
                .set("name", text(&group.name))
                .set("subnets", flow(&subnets));
            if let Some(groups) = &group.security_groups {
                let (known, unknown): (Vec<&String>, Vec<&String>) =
                    groups.iter().partition(|id| {
                        inventory.security_groups.iter().any(|g| &g.id == *id)
                            || **id == self.cluster_sg
                    });
                if !unknown.is_empty() {
                    let ids: Vec<&str> = unknown.iter().map(|id| id.as_str()).collect();
                    self.note(format!(
                        "{} ({}): security groups not in the source are left out: {}",
                        group.name,
                        group.origin,
                        ids.join(", ")
                    ));
                }
                // A list emptied only because its groups are unknown would leave the nodes with
                // no rules at all; the cluster security group is the closer guess.
                if !known.is_empty() || unknown.is_empty() {
                    map.push("securityGroups", flow(&known));
                }
            }
            // EKS: nodes in a public subnet need a subnet that auto-assigns public IPv4
            // addresses (EKS user guide, network-reqs, "Subnet requirements for nodes").
            let auto_public = subnets.iter().any(|id| {
                self.included_subnet(id)
                    .is_some_and(|s| s.map_public_ip_on_launch == Some(true))
            });
            if auto_public {
                let ip = placeholder_node_ip(self.node_public_ips);
                self.node_public_ips += 1;
                map.push_noted(
                    "publicIp",
                    text(&ip),
                    Some("placeholder: assigned at launch (MapPublicIpOnLaunch)".to_owned()),
                );
                self.note(format!("{} ({}): its subnets auto-assign public IPs, which no allowlist can name in advance; placeholder {ip} is assumed", group.name, group.origin));
            }
            items.push(item(map.build(), vec![format!("from {}", group.origin)]));
        }
        items
    }

    // ---- VPCs ---------------------------------------------------------------------

    fn vpc(&mut self, vpc: &VpcDef, connections: &Connections) -> Item {
        let inventory = self.inventory;
        let mut map = MapBuilder::new();
        map.push("id", text(&vpc.id));
        map.push("cidrs", flow(&vpc.cidrs));
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
        let default_acl = acls
            .iter()
            .find(|a| a.default && !allows_everything(a))
            .map(|a| a.id.clone());
        let mut subnet_items = Vec::new();
        let mut unassociated = false;
        for subnet in &subnets {
            let mut map = MapBuilder::new().set("id", text(&subnet.id));
            map.push("cidr", text(subnet.cidr.as_deref().unwrap_or_default()));
            if let Some(az) = &subnet.az {
                map.push("az", text(az));
            }
            let table = tables
                .iter()
                .find(|t| t.subnets.contains(&subnet.id))
                .map(|t| t.id.clone())
                .or(main.clone());
            match table {
                Some(table) => map.push("routeTable", text(&table)),
                None => unassociated = true,
            }
            let acl = acls
                .iter()
                .find(|a| a.subnets.contains(&subnet.id))
                .filter(|a| !allows_everything(a))
                .map(|a| a.id.clone())
                .or_else(|| {
                    let explicit = acls.iter().any(|a| a.subnets.contains(&subnet.id));
                    if explicit { None } else { default_acl.clone() }
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
        if !nats.is_empty() {
            map.push("natGateways", Value::List(nats));
        }

        let mut table_items = Vec::new();
        for table in &tables {
            let mut seen: HashSet<String> = HashSet::new();
            let mut routes = Vec::new();
            for route in &table.routes {
                let Some(destination) = route
                    .destination
                    .as_ref()
                    .filter(|d| d.parse::<Ipv4Network>().is_ok())
                else {
                    if route.target != RouteTargetDef::Local {
                        self.note(format!(
                            "{}: a route without an IPv4 destination is left out",
                            label(&table.id, &table.origin)
                        ));
                    }
                    continue;
                };
                let target = match &route.target {
                    RouteTargetDef::Local => continue,
                    RouteTargetDef::InternetGateway(id) => igw_id.clone().filter(|g| g == id).or_else(|| {
                        self.note(format!("{}: route {destination} → {id}, an internet gateway of another VPC, is left out", label(&table.id, &table.origin)));
                        None
                    }),
                    RouteTargetDef::NatGateway(id) => {
                        let ok = inventory.nat_gateways.iter().any(|n| &n.id == id && n.subnet.as_deref().and_then(|s| self.included_subnet(s)).is_some_and(|s| s.vpc.as_deref() == Some(vpc.id.as_str())));
                        if ok { Some(id.clone()) } else {
                            self.note(format!("{}: route {destination} → {id}, a NAT gateway not in this VPC's known subnets, is left out", label(&table.id, &table.origin)));
                            None
                        }
                    }
                    RouteTargetDef::Peering(id) | RouteTargetDef::TransitGateway(id) => {
                        if connections.attaches(id, &vpc.id) { Some(id.clone()) } else {
                            self.note(format!("{}: route {destination} → {id} leads to a network outside this scenario; left out", label(&table.id, &table.origin)));
                            None
                        }
                    }
                    RouteTargetDef::VpnGateway(id) => match connections.vpn_for_gateway.get(id) {
                        Some(connection) => Some(connection.clone()),
                        None => {
                            self.note(format!("{}: route {destination} → {id}, a VPN gateway not attached to this VPC, is left out", label(&table.id, &table.origin)));
                            None
                        }
                    },
                    RouteTargetDef::Other(what) => {
                        self.note(format!("{}: route {destination} → {what} is not modelled and is left out", label(&table.id, &table.origin)));
                        None
                    }
                };
                let Some(target) = target else { continue };
                if !seen.insert(destination.clone()) {
                    continue;
                }
                routes.push(item(
                    MapBuilder::new()
                        .set("destination", text(destination))
                        .set("target", text(&target))
                        .build(),
                    vec![],
                ));
            }
            let mut above = vec![format!("from {}", table.origin)];
            if table.main {
                above.push("the VPC's main route table".to_owned());
            }
            table_items.push(item(
                MapBuilder::new()
                    .set("id", text(&table.id))
                    .set("routes", Value::List(routes))
                    .build(),
                above,
            ));
        }
        if !table_items.is_empty() {
            map.push("routeTables", Value::List(table_items));
        }

        let mut groups = Vec::new();
        if vpc.id == self.cluster_vpc && self.synthesised_cluster_sg {
            let id = self.cluster_sg.clone();
            groups.push(item(
                MapBuilder::new()
                    .set("id", text(&id))
                    .set("ingress", Value::List(vec![item(MapBuilder::new().set("protocol", text("all")).set("sourceSecurityGroup", text(&id)).build(), vec![])]))
                    .build(),
                vec!["The cluster security group EKS creates (all traffic from itself); not in the source.".to_owned()],
            ));
        }
        let group_ids: HashSet<String> = inventory
            .security_groups
            .iter()
            .filter(|g| {
                g.vpc.as_deref().is_some_and(|v| self.included_vpc(v))
                    || (g.vpc.is_none() && vpc.id == self.cluster_vpc)
            })
            .map(|g| g.id.clone())
            .chain(std::iter::once(self.cluster_sg.clone()))
            .collect();
        let is_cluster_vpc = vpc.id == self.cluster_vpc;
        let own_groups: Vec<&SecurityGroupDef> = inventory
            .security_groups
            .iter()
            .filter(|g| {
                g.vpc.as_deref() == Some(vpc.id.as_str()) || (g.vpc.is_none() && is_cluster_vpc)
            })
            .collect();
        for group in own_groups {
            if groups.iter().any(|i: &Item| matches!(&i.value, Value::Map(e) if e.first().is_some_and(|f| f.value == text(&group.id)))) {
                continue;
            }
            let mut group_map = MapBuilder::new().set("id", text(&group.id));
            let ingress = self.sg_rules(group, &group.ingress, false, &group_ids);
            group_map.push("ingress", Value::List(ingress));
            if let Some(egress) = &group.egress {
                let egress = self.sg_rules(group, egress, true, &group_ids);
                group_map.push("egress", Value::List(egress));
            }
            groups.push(item(
                group_map.build(),
                vec![format!("from {}", group.origin)],
            ));
        }
        if !groups.is_empty() {
            map.push("securityGroups", Value::List(groups));
        }

        let mut acl_items = Vec::new();
        for acl in &acls {
            let used = subnets.iter().any(|s| acl.subnets.contains(&s.id))
                || (acl.default && default_acl.as_deref() == Some(acl.id.as_str()));
            if allows_everything(acl) || !used {
                continue;
            }
            let mut acl_map = MapBuilder::new().set("id", text(&acl.id));
            acl_map.push("inbound", Value::List(self.acl_entries(acl, &acl.inbound)));
            acl_map.push(
                "outbound",
                Value::List(self.acl_entries(acl, &acl.outbound)),
            );
            let mut above = vec![format!("from {}", acl.origin)];
            if acl.default {
                above.push("the VPC's default network ACL".to_owned());
            }
            acl_items.push(item(acl_map.build(), above));
        }
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

    fn sg_rules(
        &mut self,
        group: &SecurityGroupDef,
        rules: &[SgRuleDef],
        egress: bool,
        known: &HashSet<String>,
    ) -> Vec<Item> {
        let mut items = Vec::new();
        for rule in rules {
            let Some((protocol, ports)) =
                protocol_and_ports(&rule.protocol, rule.from_port, rule.to_port)
            else {
                self.note(format!(
                    "{}: a rule for protocol {} is not modelled and is left out",
                    label(&group.id, &group.origin),
                    rule.protocol
                ));
                continue;
            };
            let base = |map: MapBuilder| {
                let mut map = map.set("protocol", text(&protocol));
                if let Some(ports) = &ports {
                    map.push("ports", port_value(ports));
                }
                map
            };
            for cidr in &rule.cidrs {
                if cidr.parse::<Ipv4Network>().is_err() {
                    continue;
                }
                items.push(item(
                    base(MapBuilder::new()).set("cidr", text(cidr)).build(),
                    vec![],
                ));
            }
            for other in &rule.groups {
                if !known.contains(other) {
                    self.note(format!("{}: a rule referencing {other}, a group outside this scenario, is left out", label(&group.id, &group.origin)));
                    continue;
                }
                let key = if egress {
                    "destinationSecurityGroup"
                } else {
                    "sourceSecurityGroup"
                };
                items.push(item(
                    base(MapBuilder::new()).set(key, text(other)).build(),
                    vec![],
                ));
            }
        }
        items
    }

    fn acl_entries(&mut self, acl: &NetworkAclDef, entries: &[AclEntryDef]) -> Vec<Item> {
        let mut items = Vec::new();
        let mut numbers = HashSet::new();
        let mut sorted: Vec<&AclEntryDef> = entries.iter().collect();
        sorted.sort_by_key(|e| e.rule);
        for entry in sorted {
            // 32767 is the catch-all `*` deny, implicit in the scenario format.
            if !(1..=32766).contains(&entry.rule) {
                continue;
            }
            let Some(cidr) = entry
                .cidr
                .as_ref()
                .filter(|c| c.parse::<Ipv4Network>().is_ok())
            else {
                continue;
            };
            let Some((protocol, ports)) =
                protocol_and_ports(&entry.protocol, entry.from_port, entry.to_port)
            else {
                self.note(format!(
                    "{}: rule {} for protocol {} is not modelled and is left out",
                    label(&acl.id, &acl.origin),
                    entry.rule,
                    entry.protocol
                ));
                continue;
            };
            if !numbers.insert(entry.rule) {
                continue;
            }
            let mut map = MapBuilder::new()
                .set("rule", number(entry.rule))
                .set("protocol", text(&protocol));
            if let Some(ports) = ports {
                map.push("ports", port_value(&ports));
            }
            map.push("cidr", text(cidr));
            map.push("action", text(if entry.allow { "allow" } else { "deny" }));
            items.push(item(map.build(), vec![]));
        }
        items
    }

    fn resolver(&mut self, vpc: &VpcDef) -> MapBuilder {
        let inventory = self.inventory;
        let mut resolver = MapBuilder::new();
        let mut inbound = Vec::new();
        for endpoint in inventory.resolver_endpoints.iter().filter(|e| {
            e.direction == Direction::Inbound && e.vpc.as_deref() == Some(vpc.id.as_str())
        }) {
            let mut ips: Vec<String> = endpoint
                .ips
                .iter()
                .filter(|ip| ip.parse::<Ipv4Addr>().is_ok())
                .cloned()
                .collect();
            if ips.is_empty() {
                for subnet in endpoint
                    .subnets
                    .iter()
                    .filter_map(|s| self.included_subnet(s))
                {
                    if let Some(cidr) = subnet
                        .cidr
                        .as_ref()
                        .and_then(|c| c.parse::<Ipv4Network>().ok())
                    {
                        ips.push(
                            Ipv4Addr::from(u32::from(cidr.network()).saturating_add(53))
                                .to_string(),
                        );
                    }
                }
                if !ips.is_empty() {
                    self.note(format!("{}: inbound endpoint addresses not known; base + 53 of its subnets is assumed", label(&endpoint.id, &endpoint.origin)));
                }
            }
            if ips.is_empty() {
                self.note(format!(
                    "{}: inbound endpoint without known addresses; left out",
                    label(&endpoint.id, &endpoint.origin)
                ));
                continue;
            }
            inbound.push(item(
                MapBuilder::new()
                    .set("id", text(&endpoint.id))
                    .set("ips", flow(&ips))
                    .build(),
                vec![format!("from {}", endpoint.origin)],
            ));
        }
        if !inbound.is_empty() {
            resolver.push("inboundEndpoints", Value::List(inbound));
        }
        let mut rules = Vec::new();
        for rule in inventory
            .resolver_rules
            .iter()
            .filter(|r| r.vpcs.contains(&vpc.id))
        {
            if !rule.rule_type.eq_ignore_ascii_case("FORWARD") {
                self.note(format!(
                    "{}: a {} Resolver rule for {} is not modelled and is left out",
                    label(&rule.id, &rule.origin),
                    rule.rule_type,
                    rule.domain
                ));
                continue;
            }
            let targets: Vec<&String> = rule
                .target_ips
                .iter()
                .filter(|ip| ip.parse::<Ipv4Addr>().is_ok())
                .collect();
            if targets.is_empty() {
                self.note(format!(
                    "{}: forward rule for {} without known target addresses; left out",
                    label(&rule.id, &rule.origin),
                    rule.domain
                ));
                continue;
            }
            rules.push(item(
                MapBuilder::new()
                    .set("id", text(&rule.id))
                    .set("domain", text(&rule.domain))
                    .set("targetIps", flow(&targets))
                    .build(),
                vec![format!("from {}", rule.origin)],
            ));
        }
        if !rules.is_empty() {
            resolver.push("forwardRules", Value::List(rules));
        }
        resolver
    }

    fn vpc_endpoints(&mut self, vpc: &VpcDef) -> Vec<Item> {
        let inventory = self.inventory;
        let mut items = Vec::new();
        for endpoint in inventory
            .vpc_endpoints
            .iter()
            .filter(|e| e.vpc.as_deref() == Some(vpc.id.as_str()))
        {
            let mut map = MapBuilder::new()
                .set("id", text(&endpoint.id))
                .set("service", text(&endpoint.service));
            if let Some(kind) = &endpoint.kind {
                let kind = kind.to_ascii_lowercase();
                if kind == "interface" || kind == "gateway" {
                    map.push("type", text(&kind));
                } else {
                    self.note(format!(
                        "{}: a {kind} endpoint is not modelled; left out",
                        label(&endpoint.id, &endpoint.origin)
                    ));
                    continue;
                }
            }
            if let Some(private_dns) = endpoint.private_dns {
                map.push("privateDns", yaml::boolean(private_dns));
            }
            let subnets: Vec<&String> = endpoint
                .subnets
                .iter()
                .filter(|s| self.included_subnet(s).is_some())
                .collect();
            if !subnets.is_empty() {
                map.push("subnets", flow(&subnets));
            }
            let tables: Vec<&String> = endpoint
                .route_tables
                .iter()
                .filter(|t| {
                    inventory
                        .route_tables
                        .iter()
                        .any(|rt| &rt.id == *t && rt.vpc.as_deref() == Some(vpc.id.as_str()))
                })
                .collect();
            if !tables.is_empty() {
                map.push("routeTables", flow(&tables));
            }
            items.push(item(map.build(), vec![format!("from {}", endpoint.origin)]));
        }
        items
    }

    // ---- connections --------------------------------------------------------------

    /// Peerings, transit gateways and VPNs between the included VPCs and networks. Each
    /// connection of the source that cannot be one is listed: left out when it does not
    /// touch this scenario, in `imported.missing` when it does but the source lacks what it
    /// connects to.
    fn connections(&mut self) -> Connections {
        let inventory = self.inventory;
        let mut out = Connections::default();
        for peering in &inventory.peerings {
            let what = label(&peering.id, &peering.origin);
            let [Some(a), Some(b)] = &peering.vpcs else {
                let known = peering.vpcs.iter().flatten().find(|v| self.included_vpc(v));
                match known {
                    Some(vpc) => self.note(format!(
                        "{what}: the VPC peered with {vpc} is not known; the peering is left out"
                    )),
                    None => self
                        .left_out
                        .push(format!("{what}: not connected to the cluster VPC")),
                }
                continue;
            };
            match (self.included_vpc(a), self.included_vpc(b)) {
                (true, true) if a != b => {}
                (true, true) => {
                    self.note(format!(
                        "{what}: peers {a} with itself; the peering is left out"
                    ));
                    continue;
                }
                (false, false) => {
                    self.left_out
                        .push(format!("{what}: not connected to the cluster VPC"));
                    continue;
                }
                (true, false) | (false, true) => {
                    let (inside, outside) = if self.included_vpc(a) { (a, b) } else { (b, a) };
                    if inventory.vpcs.iter().any(|v| &v.id == outside) {
                        // Peering is not transitive: a peer of a peer is not reachable.
                        self.left_out.push(format!(
                            "{what}: peers {inside} with {outside}, which is not connected to the cluster VPC"
                        ));
                    } else {
                        self.note(format!(
                            "{what}: peers {inside} with {outside}, which is not in the source; the peering is left out"
                        ));
                    }
                    continue;
                }
            }
            out.attach.push((peering.id.clone(), a.clone()));
            out.attach.push((peering.id.clone(), b.clone()));
            out.items.push(item(
                MapBuilder::new()
                    .set("id", text(&peering.id))
                    .set("type", text("peering"))
                    .set("vpcs", flow([a, b]))
                    .build(),
                vec![format!("from {}", peering.origin)],
            ));
        }
        let mut used_vpns: HashSet<&str> = HashSet::new();
        let tgws: BTreeSet<&str> = inventory
            .transit_gateway_attachments
            .iter()
            .map(|a| a.transit_gateway.as_str())
            .collect();
        for tgw in tgws {
            let of_tgw: Vec<&TgwAttachmentDef> = inventory
                .transit_gateway_attachments
                .iter()
                .filter(|a| a.transit_gateway == tgw)
                .collect();
            let origin = of_tgw
                .iter()
                .map(|a| a.origin.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let mut attachments: Vec<String> = Vec::new();
            for vpc in of_tgw.iter().filter_map(|a| a.vpc.as_ref()) {
                if self.included_vpc(vpc) && !attachments.contains(vpc) {
                    attachments.push(vpc.clone());
                }
            }
            if attachments.is_empty() {
                self.left_out.push(format!(
                    "{tgw} (from {origin}): a transit gateway not connected to the cluster VPC"
                ));
                continue;
            }
            let vpc_cidrs = self.vpcs_cidrs(&attachments);
            let mut networks = Vec::new();
            for vpn in inventory
                .vpn_connections
                .iter()
                .filter(|v| v.transit_gateway.as_deref() == Some(tgw))
            {
                let network = format!("onprem-{}", sanitize(&vpn.id));
                networks.push((network_item(&network, vpn, tgw, &vpc_cidrs), vpn));
                attachments.push(network);
            }
            if attachments.len() < 2 {
                // One VPC on a transit gateway connects nothing: the model needs two
                // attachments, and what else the real one connects is not in the source.
                let outside: Vec<String> = of_tgw
                    .iter()
                    .filter(|a| a.vpc.as_ref().is_none_or(|v| !self.included_vpc(v)))
                    .map(|a| match &a.vpc {
                        Some(vpc) => format!("{vpc} ({}) is not in the source", a.origin),
                        None => format!("the VPC of {} is not known", a.origin),
                    })
                    .collect();
                let only = attachments.first().cloned().unwrap_or_default();
                let why = if outside.is_empty() {
                    format!("{only} is its only attachment in the source")
                } else {
                    format!(
                        "{only} is its only attachment in this scenario ({})",
                        outside.join("; ")
                    )
                };
                self.note(format!(
                    "{tgw} (from {origin}): {why}; what else the transit gateway connects is not known, so it is left out (and so are routes to it)"
                ));
                continue;
            }
            for (network, vpn) in networks {
                out.networks.push(network);
                used_vpns.insert(vpn.id.as_str());
            }
            for attachment in &attachments {
                out.attach.push((tgw.to_owned(), attachment.clone()));
            }
            out.items.push(item(
                MapBuilder::new()
                    .set("id", text(tgw))
                    .set("type", text("transit-gateway"))
                    .set("attachments", flow(&attachments))
                    .build(),
                vec![format!("from {origin}")],
            ));
        }
        for gateway in &inventory.vpn_gateways {
            let Some(vpc) = gateway.vpc.as_ref().filter(|v| self.included_vpc(v)) else {
                self.left_out.push(format!(
                    "{}: a VPN gateway not attached to a VPC of this scenario",
                    label(&gateway.id, &gateway.origin)
                ));
                continue;
            };
            let vpns: Vec<&VpnDef> = inventory
                .vpn_connections
                .iter()
                .filter(|v| v.vpn_gateway.as_deref() == Some(gateway.id.as_str()))
                .collect();
            let (id, origin, cidrs) = match vpns.first() {
                Some(vpn) => (vpn.id.clone(), vpn.origin.clone(), vpn.remote_cidrs.clone()),
                None => {
                    self.note(format!("{}: a VPN gateway without a VPN connection in the source; an on-premises network with unknown CIDRs is assumed", label(&gateway.id, &gateway.origin)));
                    (
                        format!("vpn-{}", sanitize(&gateway.id)),
                        gateway.origin.clone(),
                        Vec::new(),
                    )
                }
            };
            if let Some(first) = vpns.first() {
                used_vpns.insert(first.id.as_str());
            }
            for other in vpns.iter().skip(1) {
                used_vpns.insert(other.id.as_str());
                self.note(format!(
                    "{}: another VPN connection on {}; routes to the gateway go over {id} only, so this one is left out",
                    label(&other.id, &other.origin),
                    gateway.id
                ));
            }
            let network = format!("onprem-{}", sanitize(&id));
            out.vpn_for_gateway.insert(gateway.id.clone(), id.clone());
            out.attach.push((id.clone(), vpc.clone()));
            let vpn = VpnDef {
                id: id.clone(),
                origin: origin.clone(),
                remote_cidrs: cidrs,
                ..VpnDef::default()
            };
            out.networks.push(network_item(
                &network,
                &vpn,
                &id,
                &self.vpcs_cidrs(std::slice::from_ref(vpc)),
            ));
            out.items.push(item(
                MapBuilder::new()
                    .set("id", text(&id))
                    .set("type", text("vpn"))
                    .set("vpc", text(vpc))
                    .set("network", text(&network))
                    .build(),
                vec![format!("from {origin}")],
            ));
        }
        for vpn in &inventory.vpn_connections {
            if used_vpns.contains(vpn.id.as_str()) {
                continue;
            }
            let what = label(&vpn.id, &vpn.origin);
            let gateway = vpn.vpn_gateway.as_ref().or(vpn.transit_gateway.as_ref());
            let in_source = gateway.is_some_and(|g| {
                inventory.vpn_gateways.iter().any(|v| &v.id == g)
                    || inventory
                        .transit_gateway_attachments
                        .iter()
                        .any(|a| &a.transit_gateway == g)
            });
            match gateway {
                // Its gateway is listed (left out, or its transit gateway noted) already.
                Some(gateway) if in_source => self.left_out.push(format!(
                    "{what}: its gateway {gateway} is not connected to the cluster VPC"
                )),
                Some(gateway) => self.note(format!(
                    "{what}: its gateway {gateway} is not in the source; the VPN connection is left out"
                )),
                None => self.note(format!(
                    "{what}: the gateway it terminates on is not known; the VPN connection is left out"
                )),
            }
        }
        out
    }

    fn vpcs_cidrs(&self, vpcs: &[String]) -> Vec<String> {
        self.vpcs
            .iter()
            .filter(|v| vpcs.contains(&v.id))
            .flat_map(|v| v.cidrs.clone())
            .collect()
    }
}

/// Connections of the scenario, and how routes find them.
#[derive(Debug, Clone, Default)]
struct Connections {
    items: Vec<Item>,
    networks: Vec<Item>,
    /// (connection, VPC or network) pairs.
    attach: Vec<(String, String)>,
    /// Virtual private gateway → the VPN connection that stands for it.
    vpn_for_gateway: HashMap<String, String>,
}

impl Connections {
    fn attaches(&self, connection: &str, place: &str) -> bool {
        self.attach
            .iter()
            .any(|(c, p)| c == connection && p == place)
    }
}

/// An on-premises network behind a VPN, routing the VPC's CIDRs back over it.
fn network_item(id: &str, vpn: &VpnDef, connection: &str, vpc_cidrs: &[String]) -> Item {
    let cidrs: Vec<&String> = vpn
        .remote_cidrs
        .iter()
        .filter(|c| c.parse::<Ipv4Network>().is_ok())
        .collect();
    let routes: Vec<Item> = vpc_cidrs
        .iter()
        .map(|cidr| {
            item(
                MapBuilder::new()
                    .set("destination", text(cidr))
                    .set("target", text(connection))
                    .build(),
                vec![],
            )
        })
        .collect();
    let mut map = MapBuilder::new()
        .set("id", text(id))
        .set("cidrs", flow(&cidrs));
    map.push("routes", Value::List(routes));
    item(
        map.build(),
        vec![format!(
            "The network on the far side of {} (from {}); its CIDRs come from the VPN's static routes when known.",
            vpn.id, vpn.origin
        )],
    )
}

/// Whether a NACL is the allow-everything default (inbound and outbound allow all).
fn allows_everything(acl: &NetworkAclDef) -> bool {
    let open = |entries: &[AclEntryDef]| {
        let mut sorted: Vec<&AclEntryDef> = entries
            .iter()
            .filter(|e| e.cidr.as_deref() == Some("0.0.0.0/0"))
            .collect();
        sorted.sort_by_key(|e| e.rule);
        sorted
            .first()
            .is_some_and(|e| e.allow && matches!(e.protocol.as_str(), "-1" | "all"))
    };
    (acl.inbound.is_empty() && acl.outbound.is_empty() && acl.default)
        || (open(&acl.inbound) && open(&acl.outbound))
}

/// AWS protocol and port fields → scenario `protocol` and `ports`; `None` for protocols the
/// scenario does not model.
pub fn protocol_and_ports(
    protocol: &str,
    from: Option<i64>,
    to: Option<i64>,
) -> Option<(String, Option<String>)> {
    let protocol = match protocol.to_ascii_lowercase().as_str() {
        "-1" | "all" => return Some(("all".to_owned(), None)),
        "tcp" | "6" => "tcp",
        "udp" | "17" => "udp",
        "icmp" | "1" => return Some(("icmp".to_owned(), None)),
        _ => return None,
    };
    let ports = match (from, to) {
        (Some(from), Some(to))
            if (0..=65535).contains(&from) && (0..=65535).contains(&to) && from <= to =>
        {
            if from == to {
                from.to_string()
            } else {
                format!("{from}-{to}")
            }
        }
        (Some(port), None) | (None, Some(port)) if (0..=65535).contains(&port) => port.to_string(),
        _ => "0-65535".to_owned(),
    };
    Some((protocol.to_owned(), Some(ports)))
}

/// `443` as a number, `1024-65535` as text.
fn port_value(ports: &str) -> Value {
    match ports.parse::<u16>() {
        Ok(port) => number(port),
        Err(_) => text(ports),
    }
}

/// The smallest block containing all `blocks`.
fn supernet(blocks: &[Ipv4Network]) -> Option<Ipv4Network> {
    let first = blocks.first()?;
    let mut prefix = first.prefix();
    let base = u32::from(first.network());
    loop {
        let candidate = Ipv4Network::new(Ipv4Addr::from(base), prefix).ok()?;
        let candidate = Ipv4Network::new(candidate.network(), prefix).ok()?;
        if blocks
            .iter()
            .all(|b| candidate.contains(b.network()) && candidate.prefix() <= b.prefix())
        {
            return Some(candidate);
        }
        prefix = prefix.checked_sub(1)?;
    }
}

/// A /`prefix` block inside `within` (the `index`-th), not overlapping `taken` subnets.
fn carve(within: Ipv4Network, prefix: u8, index: u32, taken: &[SubnetDef]) -> Option<Ipv4Network> {
    let size = 1u32.checked_shl(32 - u32::from(prefix))?;
    let count = 1u32
        .checked_shl(u32::from(prefix.checked_sub(within.prefix())?))
        .unwrap_or(u32::MAX);
    (0..count)
        .map(|i| (index + i) % count.max(1))
        .find_map(|i| {
            let block = Ipv4Network::new(
                Ipv4Addr::from(u32::from(within.network()).wrapping_add(i.wrapping_mul(size))),
                prefix,
            )
            .ok()?;
            let free = taken.iter().all(|s| {
                s.cidr
                    .as_ref()
                    .and_then(|c| c.parse::<Ipv4Network>().ok())
                    .is_none_or(|c| !c.contains(block.network()) && !block.contains(c.network()))
            });
            free.then_some(block)
        })
}

/// `subnet-1 (aws_subnet.a)`, or just the ID when it is its own origin.
fn label(id: &str, origin: &str) -> String {
    if id == origin || origin.is_empty() {
        id.to_owned()
    } else {
        format!("{id} ({origin})")
    }
}

/// A name usable inside an ID: lowercase letters, digits and dashes.
pub fn sanitize(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    cleaned.trim_matches('-').to_owned()
}

/// A serde_yaml value (from a `--clients` file) as a document value.
fn from_serde(value: &serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Mapping(map) => {
            let mut builder = MapBuilder::new();
            for (key, value) in map {
                let key = match key {
                    serde_yaml::Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                };
                builder.push(&key, from_serde(value));
            }
            builder.build()
        }
        serde_yaml::Value::Sequence(items) => {
            Value::List(items.iter().map(|v| item(from_serde(v), vec![])).collect())
        }
        serde_yaml::Value::String(s) => text(s),
        serde_yaml::Value::Bool(b) => yaml::boolean(*b),
        serde_yaml::Value::Number(n) => number(n),
        serde_yaml::Value::Null => Value::Scalar("null".to_owned()),
        serde_yaml::Value::Tagged(tagged) => from_serde(&tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_and_ports_map_to_the_scenario_format() {
        assert_eq!(
            protocol_and_ports("-1", Some(0), Some(0)),
            Some(("all".into(), None))
        );
        assert_eq!(
            protocol_and_ports("tcp", Some(443), Some(443)),
            Some(("tcp".into(), Some("443".into())))
        );
        assert_eq!(
            protocol_and_ports("6", Some(1024), Some(65535)),
            Some(("tcp".into(), Some("1024-65535".into())))
        );
        assert_eq!(protocol_and_ports("50", None, None), None);
    }

    #[test]
    fn supernet_covers_every_block() {
        let blocks: Vec<Ipv4Network> = ["10.0.1.0/24", "10.0.3.0/24"]
            .iter()
            .map(|b| b.parse().unwrap())
            .collect();
        assert_eq!(supernet(&blocks).unwrap().to_string(), "10.0.0.0/22");
    }

    #[test]
    fn sanitize_keeps_ids_simple() {
        assert_eq!(
            sanitize("123456789123-acme-corp-eks"),
            "123456789123-acme-corp-eks"
        );
        assert_eq!(sanitize("My Cluster!"), "my-cluster");
    }
}

#[cfg(test)]
mod build_tests {
    use super::*;

    fn inventory() -> Inventory {
        Inventory {
            source: "test inventory".into(),
            region: Some("eu-west-1".into()),
            clusters: vec![ClusterDef {
                name: "demo".into(),
                origin: "aws_eks_cluster.demo".into(),
                subnets: vec!["subnet-a".into(), "subnet-b".into()],
                public_access: Some(true),
                private_access: Some(true),
                ..ClusterDef::default()
            }],
            vpcs: vec![VpcDef {
                id: "vpc-1".into(),
                origin: "aws_vpc.main".into(),
                cidrs: vec!["10.0.0.0/16".into()],
                enable_dns_hostnames: Some(true),
                ..VpcDef::default()
            }],
            subnets: ["a", "b", "pub"]
                .iter()
                .enumerate()
                .map(|(i, name)| SubnetDef {
                    id: format!("subnet-{name}"),
                    origin: format!("aws_subnet.{name}"),
                    vpc: Some("vpc-1".into()),
                    cidr: Some(format!("10.0.{i}.0/24")),
                    az: Some(format!("eu-west-1{}", ["a", "b", "a"][i])),
                    map_public_ip_on_launch: None,
                })
                .collect(),
            internet_gateways: vec![GatewayDef {
                id: "igw-1".into(),
                origin: "aws_internet_gateway.gw".into(),
                vpc: Some("vpc-1".into()),
            }],
            nat_gateways: vec![NatDef {
                id: "nat-1".into(),
                origin: "aws_nat_gateway.nat".into(),
                subnet: Some("subnet-pub".into()),
                ..NatDef::default()
            }],
            route_tables: vec![
                RouteTableDef {
                    id: "rt-private".into(),
                    origin: "aws_route_table.private".into(),
                    vpc: Some("vpc-1".into()),
                    routes: vec![RouteDef {
                        destination: Some("0.0.0.0/0".into()),
                        target: RouteTargetDef::NatGateway("nat-1".into()),
                    }],
                    subnets: vec!["subnet-a".into(), "subnet-b".into()],
                    main: false,
                },
                RouteTableDef {
                    id: "rt-main".into(),
                    origin: "aws_route_table.public".into(),
                    vpc: Some("vpc-1".into()),
                    routes: vec![RouteDef {
                        destination: Some("0.0.0.0/0".into()),
                        target: RouteTargetDef::InternetGateway("igw-1".into()),
                    }],
                    subnets: vec![],
                    main: true,
                },
            ],
            ..Inventory::default()
        }
    }

    #[test]
    fn a_small_inventory_builds_a_scenario_that_loads() {
        let built = build(&inventory(), &Options::default()).unwrap();
        assert_eq!(built.len(), 1);
        let yaml = &built[0].yaml;
        let scenario = crate::scenario::load_one("built.yaml", yaml)
            .unwrap_or_else(|p| panic!("{p:?}\n{yaml}"));
        assert_eq!(
            scenario.cluster.access,
            crate::scenario::EndpointAccess::PublicAndPrivate
        );
        assert_eq!(
            scenario.cluster.enis.len(),
            2,
            "one synthesised ENI per cluster subnet"
        );
        assert_eq!(scenario.subnets.len(), 3);
        // subnet-pub has no association: it gets the main table, written out.
        let public = scenario
            .subnets
            .iter()
            .find(|s| s.id == "subnet-pub")
            .unwrap();
        assert_eq!(
            scenario
                .route_table(public.route_table.unwrap())
                .unwrap()
                .id,
            "rt-main"
        );
        let imported = scenario.imported.as_ref().unwrap();
        assert!(
            imported
                .missing
                .iter()
                .any(|m| m.contains("nat-1") && m.contains("placeholder")),
            "{:?}",
            imported.missing
        );
        assert!(yaml.contains("# from aws_subnet.pub"), "{yaml}");
    }

    #[test]
    fn an_unknown_cluster_name_is_an_error_naming_the_clusters() {
        let options = Options {
            cluster: Some("nope".into()),
            extra: None,
        };
        let error = build(&inventory(), &options).unwrap_err();
        assert!(
            error.contains("no cluster named `nope`") && error.contains("demo"),
            "{error}"
        );
    }

    fn with_node_groups(map_public_ip: Option<bool>, groups: Option<Vec<String>>) -> Inventory {
        let mut inventory = inventory();
        for subnet in &mut inventory.subnets {
            if subnet.id == "subnet-pub" {
                subnet.map_public_ip_on_launch = map_public_ip;
            }
        }
        inventory.node_groups = vec![NodeGroupDef {
            name: "edge".into(),
            origin: "aws_eks_node_group.edge".into(),
            subnets: vec!["subnet-pub".into()],
            security_groups: groups,
            ..NodeGroupDef::default()
        }];
        inventory
    }

    fn built_scenario(inventory: &Inventory) -> crate::scenario::Scenario {
        let built = build(inventory, &Options::default()).unwrap();
        let yaml = &built[0].yaml;
        crate::scenario::load_one("built.yaml", yaml).unwrap_or_else(|p| panic!("{p:?}\n{yaml}"))
    }

    #[test]
    fn nodes_in_a_subnet_that_maps_public_ips_get_a_placeholder_public_ip() {
        let scenario = built_scenario(&with_node_groups(Some(true), None));
        let group = &scenario.node_groups[0];
        assert_eq!(
            group.public_ip,
            Some(std::net::Ipv4Addr::new(203, 0, 113, 101))
        );
        let missing = &scenario.imported.as_ref().unwrap().missing;
        assert!(
            missing
                .iter()
                .any(|m| m.contains("edge") && m.contains("203.0.113.101")),
            "{missing:?}"
        );
        for off in [Some(false), None] {
            let scenario = built_scenario(&with_node_groups(off, None));
            assert_eq!(scenario.node_groups[0].public_ip, None, "{off:?}");
        }
    }

    #[test]
    fn node_security_groups_not_in_the_source_are_noted_and_never_leave_an_empty_list() {
        let scenario = built_scenario(&with_node_groups(None, Some(vec!["sg-elsewhere".into()])));
        let group = &scenario.node_groups[0];
        assert!(
            group.default_security_groups,
            "falls back to the cluster security group"
        );
        let missing = &scenario.imported.as_ref().unwrap().missing;
        assert!(
            missing.iter().any(|m| m.contains("sg-elsewhere")),
            "{missing:?}"
        );
    }
}
