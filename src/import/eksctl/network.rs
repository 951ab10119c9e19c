//! The cluster VPC and its subnets, as the control plane, the VPC endpoints and the node
//! groups pick them. Both ways of finding the network give one: `existing_vpc` (the subnets
//! the config names) and `created_vpc` (the subnets eksctl lays out), so what is placed in it
//! need not know which.

use super::vpc_config::Topology;

/// A subnet of the cluster VPC, as node groups and the control plane pick them.
#[derive(Debug, Clone)]
pub(super) struct PlacedSubnet {
    pub(super) id: String,
    /// Its key in `vpc.subnets`, or its zone for the subnets eksctl lays out.
    pub(super) name: String,
    pub(super) az: Option<String>,
    pub(super) topology: Topology,
}

/// The cluster VPC and the subnets eksctl uses in it.
#[derive(Debug, Default)]
pub(super) struct Network {
    pub(super) vpc: String,
    /// Public subnets first, as eksctl hands them to EKS.
    pub(super) subnets: Vec<PlacedSubnet>,
    /// The private route tables eksctl creates (the s3 gateway endpoint's); empty when the
    /// VPC is not eksctl's.
    pub(super) private_route_tables: Vec<String>,
}

impl Network {
    pub(super) fn of(&self, topology: Topology) -> impl Iterator<Item = &PlacedSubnet> {
        self.subnets.iter().filter(move |s| s.topology == topology)
    }

    /// Subnets a node group's `subnets:` entry names: by name, ID or zone.
    pub(super) fn named(&self, entry: &str, topology: Option<Topology>) -> Vec<&PlacedSubnet> {
        self.subnets
            .iter()
            .filter(|s| topology.is_none_or(|t| s.topology == t))
            .filter(|s| s.name == entry || s.id == entry || s.az.as_deref() == Some(entry))
            .collect()
    }
}
