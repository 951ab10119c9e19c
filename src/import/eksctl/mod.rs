//! Reader for eksctl `ClusterConfig` files (`apiVersion: eksctl.io/v1alpha5`).
//!
//! An eksctl config describes what eksctl *will build*, so most of the network is not in the
//! file: the reader fills the inventory with what eksctl creates, following eksctl's own
//! defaults, and writes every assumption to `Inventory::missing`.
//!
//! Reading is in two steps, so that what the file says and what eksctl would do with it stay
//! apart. First the YAML becomes a typed config, exactly as written: `node` (typed access to
//! the YAML, every error naming its path), `config` (the top-level sections, and which ones
//! are left out), `vpc_config` (the `vpc` section). Then an `Importer` applies eksctl's
//! defaults and fills the inventory, one file per job, in this order: the cluster's
//! `network`, either `existing_vpc` (the VPC and subnets the config names) or `created_vpc`
//! (the VPC eksctl lays out) with `routing` (its gateways, NAT and route tables); `cluster`
//! (endpoint access and control plane subnets); `vpc_endpoints` (those of a fully-private
//! cluster); `node_groups` (read, and placed in the network's subnets).

mod cluster;
mod config;
mod created_vpc;
mod existing_vpc;
mod network;
mod node;
mod node_groups;
mod routing;
mod vpc_config;
mod vpc_endpoints;

use serde_yaml::Value;

use super::build::sanitize;
use super::{Diagnostic, Inventory};
use config::ClusterConfig;
use node::Node;
use vpc_config::SubnetSpec;

/// Reads an eksctl ClusterConfig (a file, or `-` for standard input).
pub fn read(source: &str) -> Result<Inventory, Diagnostic> {
    read_str(source, &super::read_text(source)?)
}

/// Reads an eksctl ClusterConfig already in memory; `source` names it in messages.
pub fn read_str(source: &str, text: &str) -> Result<Inventory, Diagnostic> {
    let root: Value = serde_yaml::from_str(text).map_err(|error| {
        let at = error
            .location()
            .map(|l| format!("line {} column {}", l.line(), l.column()))
            .unwrap_or_default();
        Diagnostic::import(source, at, format!("not valid YAML: {error}"))
    })?;
    let config = ClusterConfig::parse(&Node::root(source, &root))?;
    Importer::run(&config, source)
}

/// Builds the inventory for one config.
struct Importer<'c> {
    config: &'c ClusterConfig,
    /// The source, for errors.
    file: &'c str,
    inventory: Inventory,
}

impl<'c> Importer<'c> {
    fn run(config: &'c ClusterConfig, source: &'c str) -> Result<Inventory, Diagnostic> {
        let mut importer = Importer {
            config,
            file: source,
            inventory: Inventory {
                source: format!("eksctl ClusterConfig {source}"),
                region: config.region.clone(),
                unsupported: config.unsupported.clone(),
                ..Inventory::default()
            },
        };
        if config.region.is_none() {
            importer.note("metadata.region is not set (eksctl takes it from the AWS profile)");
        }
        let network = if config.uses_existing_vpc() {
            importer.existing_network()
        } else {
            importer.eksctl_network()?
        };
        importer.cluster(&network);
        importer.vpc_endpoints(&network);
        importer.node_groups(&network);
        Ok(importer.inventory)
    }

    fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        if !self.inventory.missing.contains(&text) {
            self.inventory.missing.push(text);
        }
    }

    /// Whether the config asks for an IPv6 cluster (`kubernetesNetworkConfig.ipFamily`).
    fn ipv6(&self) -> bool {
        self.config
            .ip_family
            .as_deref()
            .is_some_and(|family| family.eq_ignore_ascii_case("ipv6"))
    }

    /// A subnet's IPv6 block when the config does not show it: one an IPv6 cluster's
    /// subnets must have ("the VPC and subnets … must have both IPv4 and IPv6 CIDR blocks",
    /// EKS API, KubernetesNetworkConfigRequest), none for an IPv4 cluster.
    fn unknown_ipv6(&self) -> crate::import::inventory::Ipv6Block {
        if self.ipv6() {
            crate::import::inventory::Ipv6Block::Unknown { index: None }
        } else {
            crate::import::inventory::Ipv6Block::None
        }
    }

    fn cluster_slug(&self) -> String {
        sanitize(&self.config.name)
    }

    /// A subnet's zone should be in the cluster's region; say so when it is not.
    fn check_zone(&mut self, spec: &SubnetSpec) {
        if let (Some(az), Some(region)) = (&spec.az, &self.config.region)
            && !az.starts_with(region.as_str())
        {
            self.note(format!(
                "{}: zone {az} is not in the cluster's region {region}; kept as written",
                spec.path
            ));
        }
    }
}

/// eksctl's CloudFormation name suffix for a zone or subnet name: `us-west-2a` → `USWEST2A`.
fn resource_alias(name: &str) -> String {
    name.replace('-', "").to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_aliases_follow_eksctl() {
        assert_eq!(resource_alias("us-west-2a"), "USWEST2A");
        assert_eq!(resource_alias("ecrapi"), "ECRAPI");
    }
}
