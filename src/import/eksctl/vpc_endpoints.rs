//! The VPC endpoints of a fully-private cluster (`privateCluster.enabled`), which has "no
//! outbound internet access" (user guide, "EKS Fully-Private Cluster") and reaches AWS through
//! them. Unless `skipEndpointCreation`, eksctl creates those of `EndpointServices`
//! (`pkg/apis/eksctl.io/v1alpha5/endpoint_service.go`): interface endpoints with private DNS
//! for ec2, ecr.api, ecr.dkr and sts in the private subnets, an s3 gateway endpoint on the
//! private route tables, ssm, ssmmessages, ec2messages and secretsmanager when the control
//! plane runs on Outposts, `additionalEndpointServices`, and logs when CloudWatch logging is
//! on.

use super::network::{Network, PlacedSubnet};
use super::vpc_config::Topology;
use super::{Importer, resource_alias};
use crate::import::build::sanitize;
use crate::import::inventory::VpcEndpointDef;

/// The interface endpoints (and the s3 gateway) eksctl creates for every fully-private cluster.
const REQUIRED_ENDPOINT_SERVICES: &[&str] = &["ec2", "ecr.api", "ecr.dkr", "s3", "sts"];

/// The extra endpoints of a fully-private cluster whose control plane runs on Outposts.
const OUTPOSTS_ENDPOINT_SERVICES: &[&str] =
    &["ssm", "ssmmessages", "ec2messages", "secretsmanager"];

impl Importer<'_> {
    pub(super) fn vpc_endpoints(&mut self, network: &Network) {
        let private_cluster = &self.config.private_cluster;
        if !private_cluster.enabled {
            return;
        }
        if private_cluster.skip_endpoint_creation {
            self.note("privateCluster.skipEndpointCreation: eksctl expects the VPC endpoints to exist already, and they are not in the config");
            return;
        }
        let subnets = one_per_zone(network.of(Topology::Private));
        for service in self.endpoint_services() {
            let gateway = service == "s3";
            self.inventory.vpc_endpoints.push(VpcEndpointDef {
                id: format!("vpce-{}", sanitize(&service)),
                origin: format!(
                    "eksctl-created VPCEndpoint{} (privateCluster)",
                    resource_alias(&service.replace('.', ""))
                ),
                vpc: Some(network.vpc.clone()),
                kind: Some(if gateway { "Gateway" } else { "Interface" }.to_owned()),
                private_dns: (!gateway).then_some(true),
                subnets: if gateway { Vec::new() } else { subnets.clone() },
                route_tables: if gateway {
                    network.private_route_tables.clone()
                } else {
                    Vec::new()
                },
                service,
            });
        }
    }

    /// The services eksctl creates endpoints for, in its order.
    fn endpoint_services(&self) -> Vec<String> {
        let config = self.config;
        let mut services: Vec<String> = REQUIRED_ENDPOINT_SERVICES
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        if config.control_plane_on_outposts {
            services.extend(OUTPOSTS_ENDPOINT_SERVICES.iter().map(|s| (*s).to_owned()));
        }
        let mut extra = config.private_cluster.additional_endpoint_services.clone();
        if config.cloudwatch_logging {
            extra.push("logs".to_owned());
        }
        for service in extra {
            if !services.contains(&service) {
                services.push(service);
            }
        }
        services
    }
}

/// Interface endpoints take one subnet per zone: the first of each.
fn one_per_zone<'s>(subnets: impl Iterator<Item = &'s PlacedSubnet>) -> Vec<String> {
    let mut zones: Vec<Option<&String>> = Vec::new();
    let mut out = Vec::new();
    for subnet in subnets {
        let zone = subnet.az.as_ref();
        if zone.is_none() || !zones.contains(&zone) {
            zones.push(zone);
            out.push(subnet.id.clone());
        }
    }
    out
}
