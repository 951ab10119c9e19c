//! The scenario file, top to bottom: a header saying where it came from, then `cluster`,
//! `vpcs`, `connections`, `networks`, `dnsServers`, `nodeGroups`, `clients` and `imported`.
//! Connections and the cluster are built before the VPCs, whatever their place in the file:
//! routes name connections, and the cluster decides the security group its VPC must define.

use super::{ExtraClients, Scenario};
use crate::import::yaml::{self, Item, MapBuilder, Value, number, text};

impl Scenario<'_> {
    /// The document; an error when the `--clients` file cannot be merged into it.
    pub(super) fn render(mut self, extra: Option<&ExtraClients>) -> Result<String, String> {
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
            extra.merge_networks(&mut networks)?;
            dns_servers.extend(extra.dns_server_items());
            clients.extend(extra.client_items());
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
        let (imported, left_out) = self.imported();
        root.push_commented("imported", imported, left_out);
        Ok(yaml::render(&root.build()))
    }
}
