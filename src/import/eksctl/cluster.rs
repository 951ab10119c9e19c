//! The cluster: its name, region and security groups, its endpoint access and the subnets of
//! its control plane.
//!
//! - **Endpoint access.** `vpc.clusterEndpoints` defaults to public on, private off
//!   (`ClusterEndpointAccessDefaults`, `pkg/apis/eksctl.io/v1alpha5/defaults.go`; eksctl user
//!   guide, "Cluster Access": "By default, an EKS cluster exposes the Kubernetes API server
//!   publicly but not directly from within the VPC subnets (public=true, private=false)").
//!   A fully-private cluster (`privateCluster.enabled`) is private only, and so is a control
//!   plane on Outposts: eksctl's validation says "the cluster defaults to
//!   private-endpoint-only access" and refuses public access there
//!   (`pkg/apis/eksctl.io/v1alpha5/validation.go`).
//! - **Control plane subnets**: `vpc.controlPlaneSubnetIDs`; otherwise every public and
//!   private subnet (`ControlPlaneSubnetRefs`), only the private ones with
//!   `vpc.controlPlaneOnPrivateSubnets` or a control plane on Outposts.

use super::Importer;
use super::network::Network;
use super::vpc_config::Topology;
use crate::import::inventory::ClusterDef;

impl Importer<'_> {
    pub(super) fn cluster(&mut self, network: &Network) {
        let config = self.config;
        let (public, private) = self.endpoint_access();
        let subnets = self.control_plane_subnets(network);
        self.inventory.clusters.push(ClusterDef {
            name: config.name.clone(),
            origin: format!("eksctl metadata.name={}", config.name),
            region: config.region.clone(),
            vpc: Some(network.vpc.clone()),
            subnets,
            security_groups: config.vpc.security_groups.clone(),
            cluster_security_group: None,
            public_access: Some(public),
            private_access: Some(private),
            public_access_cidrs: config.vpc.public_access_cidrs.clone(),
            endpoint: None,
            ip_family: config.ip_family.clone(),
        });
    }

    /// (public, private) endpoint access, eksctl's defaults filled in and said.
    fn endpoint_access(&mut self) -> (bool, bool) {
        let vpc = &self.config.vpc;
        let (public, private) = (vpc.public_access, vpc.private_access);
        if self.config.private_cluster.enabled {
            if public == Some(true) || private == Some(false) {
                self.note("privateCluster.enabled: the endpoint is private only, whatever vpc.clusterEndpoints says");
            }
            return (false, true);
        }
        if self.config.control_plane_on_outposts {
            if public == Some(true) || private == Some(false) {
                self.note("outpost.controlPlaneOutpostARN: a control plane on Outposts is private only (eksctl rejects public access there), whatever vpc.clusterEndpoints says");
            }
            return (false, true);
        }
        let public = public.unwrap_or_else(|| {
            self.note(
                "vpc.clusterEndpoints.publicAccess is not set: eksctl's default (true) is used",
            );
            true
        });
        let private = private.unwrap_or_else(|| {
            self.note(
                "vpc.clusterEndpoints.privateAccess is not set: eksctl's default (false) is used",
            );
            false
        });
        (public, private)
    }

    /// `controlPlaneSubnetIDs`, else every subnet (public first), else the private ones when
    /// eksctl is told to keep the control plane there.
    fn control_plane_subnets(&mut self, network: &Network) -> Vec<String> {
        let config = self.config;
        if !config.vpc.control_plane_subnet_ids.is_empty() {
            return config.vpc.control_plane_subnet_ids.clone();
        }
        let private_only =
            config.vpc.control_plane_on_private_subnets || config.control_plane_on_outposts;
        let private: Vec<String> = network
            .of(Topology::Private)
            .map(|s| s.id.clone())
            .collect();
        if private_only {
            if !private.is_empty() {
                return private;
            }
            self.note("vpc.controlPlaneOnPrivateSubnets: the config has no private subnet; every subnet is used");
        }
        network.subnets.iter().map(|s| s.id.clone()).collect()
    }
}
