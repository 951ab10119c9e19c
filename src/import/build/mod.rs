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
//!
//! One `Scenario` per cluster holds what the import has decided so far (the VPCs and subnets
//! it includes, the cluster security group) and collects the notes for `imported.missing`.
//! Its methods are split by what they build, one file each: `scope` (which VPCs and subnets
//! the cluster's scenario includes), `document` (the file, top to bottom), `cluster` (the
//! cluster section, its security groups and ENIs), `remote_networks` (its service block and
//! EKS Hybrid Nodes blocks), `vpc` (VPCs, subnets, NAT gateways),
//! `routes` (route tables), `security_groups`, `network_acls`, `resolver` (Route 53
//! Resolver), `vpc_endpoints`, `connections` (peerings, transit gateways, VPNs and the
//! networks behind them), `nodes` (node groups), `clients` (what `--clients` merges in) and
//! `imported` (the notes and the left-out list). Free helpers: `protocols` (AWS protocol and
//! port fields), `placeholders` (invented addresses and blocks) and `labels` (how elements
//! are named in IDs and notes).

mod clients;
mod cluster;
mod connections;
mod document;
mod imported;
mod ipv6;
mod labels;
mod network_acls;
mod nodes;
mod placeholders;
mod protocols;
mod remote_networks;
mod resolver;
mod routes;
mod scope;
mod security_groups;
mod vpc;
mod vpc_endpoints;

use super::inventory::{ClusterDef, Inventory, SubnetDef, VpcDef};

pub use labels::sanitize;
pub use protocols::protocol_and_ports;

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
    clusters
        .into_iter()
        .map(|cluster| {
            Ok(Built {
                cluster: cluster.name.clone(),
                yaml: Scenario::new(inventory, cluster).render(options.extra.as_ref())?,
            })
        })
        .collect()
}

/// The source's cluster names, for the error when the one asked for is not among them.
fn names(inventory: &Inventory) -> String {
    let names: Vec<&str> = inventory.clusters.iter().map(|c| c.name.as_str()).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// One cluster's scenario while it is built: what the import has chosen so far, which later
/// sections depend on, and the notes it has taken on the way.
struct Scenario<'a> {
    inventory: &'a Inventory,
    cluster: &'a ClusterDef,
    /// What the import assumed or could not see, for `imported.missing`.
    missing: Vec<String>,
    /// The same notes, to keep each once without a scan per note.
    noted: std::collections::HashSet<String>,
    /// Elements left out of this scenario on purpose.
    left_out: Vec<String>,
    cluster_vpc: String,
    vpcs: Vec<VpcDef>,
    subnets: Vec<SubnetDef>,
    /// Position of each of `subnets` by ID (`scope`), so lookups stay constant-time.
    subnet_index: std::collections::HashMap<String, usize>,
    /// Synthesised elements, by ID, with the reason.
    synthesised_vpc: Option<String>,
    cluster_sg: String,
    synthesised_cluster_sg: bool,
    /// Placeholder node public IPs handed out so far.
    node_public_ips: usize,
    /// Subnets the source knows only by ID, given a placeholder block (`scope`).
    placeholder_subnets: std::collections::HashSet<String>,
    /// VPCs and subnets (by ID) whose IPv6 block is a placeholder (`ipv6`).
    placeholder_ipv6: std::collections::HashSet<String>,
}

impl<'a> Scenario<'a> {
    fn new(inventory: &'a Inventory, cluster: &'a ClusterDef) -> Self {
        let mut scenario = Scenario {
            inventory,
            cluster,
            missing: Vec::new(),
            noted: std::collections::HashSet::new(),
            left_out: Vec::new(),
            cluster_vpc: String::new(),
            vpcs: Vec::new(),
            subnets: Vec::new(),
            subnet_index: std::collections::HashMap::new(),
            synthesised_vpc: None,
            cluster_sg: String::new(),
            synthesised_cluster_sg: false,
            node_public_ips: 0,
            placeholder_subnets: std::collections::HashSet::new(),
            placeholder_ipv6: std::collections::HashSet::new(),
        };
        scenario.choose_vpcs();
        scenario.settle_ipv6();
        scenario
    }

    fn note(&mut self, text: String) {
        if self.noted.insert(text.clone()) {
            self.missing.push(text);
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
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::inventory::*;

    /// One cluster in two private subnets behind a NAT gateway, and a public subnet left
    /// on the main route table; the node group tests in `nodes` start from it too.
    pub(super) fn inventory() -> Inventory {
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
                    ipv6: Ipv6Block::None,
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
}
