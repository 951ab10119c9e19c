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
use crate::import::inventory::{ClusterDef, SecurityGroupDef, SgRuleDef};

impl Importer<'_> {
    pub(super) fn cluster(&mut self, network: &Network) {
        let config = self.config;
        let (public, private) = self.endpoint_access();
        let subnets = self.control_plane_subnets(network);
        let security_groups = self.control_plane_groups(network);
        self.inventory.clusters.push(ClusterDef {
            name: config.name.clone(),
            origin: format!("eksctl metadata.name={}", config.name),
            region: config.region.clone(),
            vpc: Some(network.vpc.clone()),
            subnets,
            security_groups,
            cluster_security_group: None,
            public_access: Some(public),
            private_access: Some(private),
            public_access_cidrs: config.vpc.public_access_cidrs.clone(),
            endpoint: None,
            ip_family: config.ip_family.clone(),
            service_ipv4_cidr: config.service_ipv4_cidr.clone(),
            remote_node_networks: config.remote_network.node_networks.clone(),
            remote_pod_networks: config.remote_network.pod_networks.clone(),
        });
        self.remote_gateway();
    }

    /// The security groups on the ENIs besides the cluster security group: those the config
    /// names, else — when the cluster has remote networks — the `ControlPlaneSecurityGroup`
    /// eksctl creates, with the rule it adds for each remote node and pod block: "Allow
    /// nodes/pods from remote network (…) to communicate to controlplane", TCP 443
    /// (`addResourcesForSecurityGroups`, `pkg/cfn/builder/cluster.go`). eksctl's other rules
    /// on that group concern its own node groups, which the cluster security group already
    /// admits, so they are not written.
    fn control_plane_groups(&mut self, network: &Network) -> Vec<String> {
        let config = self.config;
        let remote = &config.remote_network;
        if !config.vpc.security_groups.is_empty()
            || (remote.node_networks.is_empty() && remote.pod_networks.is_empty())
        {
            return config.vpc.security_groups.clone();
        }
        let id = format!("sg-controlplane-{}", self.cluster_slug());
        let ingress = remote
            .node_networks
            .iter()
            .chain(&remote.pod_networks)
            .map(|cidr| SgRuleDef {
                protocol: "tcp".to_owned(),
                from_port: Some(443),
                to_port: Some(443),
                cidrs: vec![cidr.clone()],
                groups: Vec::new(),
            })
            .collect();
        self.inventory.security_groups.push(SecurityGroupDef {
            id: id.clone(),
            origin: "eksctl-created ControlPlaneSecurityGroup, with TCP 443 from each remoteNetworkConfig block".to_owned(),
            vpc: Some(network.vpc.clone()),
            ingress,
            egress: None,
        });
        vec![id]
    }

    /// `remoteNetworkConfig.vpcGatewayID`: in a VPC it creates, eksctl attaches the VGW or
    /// TGW and routes every remote block to it from the private subnets' route tables
    /// (`addHybridNodesNetworking`, `pkg/cfn/builder/vpc_ipv4.go`); in an existing VPC it
    /// changes nothing (eksctl user guide, "EKS Hybrid Nodes": "if you are using a
    /// pre-existing VPC, eksctl won't make any amendments to it"). What is behind the
    /// gateway is not in the config ("eksctl does not setup any networking infrastructure
    /// outside your AWS VPC"), so, as for any connection whose other side is unknown, the
    /// gateway and the routes to it are left out and noted.
    fn remote_gateway(&mut self) {
        let Some(gateway) = self.config.remote_network.vpc_gateway_id.clone() else {
            return;
        };
        if self.config.uses_existing_vpc() {
            self.note(format!("remoteNetworkConfig.vpcGatewayID {gateway}: eksctl does not change an existing VPC, so its attachment and routes to the remote networks are what the VPC already has, which the config does not show"));
        } else {
            self.note(format!("remoteNetworkConfig.vpcGatewayID {gateway}: eksctl attaches it and routes the remote node and pod blocks to it from the private subnets, but what lies behind it is not in the config; the gateway and those routes are left out"));
        }
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
