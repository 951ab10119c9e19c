//! CloudFormation: a template (YAML with short-form tags, or JSON) read as if it were
//! deployed with its parameter defaults.
//!
//! Intrinsic functions are evaluated within the template (`intrinsics`); what only AWS
//! knows at deploy time (the stack name, Elastic IP addresses, imported values) stays unknown
//! and is listed in `imported.missing`. Logical IDs are the IDs of the generated scenario, so
//! `Ref PrivateSubnet01` and the subnet `PrivateSubnet01` meet. The AWS CDK's
//! `Custom::AWSCDK-EKS-Cluster` counts as a cluster; every resource type that is not read is
//! listed as left out, and resources whose `Condition` is false are skipped, as
//! CloudFormation would.
//!
//! CloudFormation defaults the reader relies on (AWS CloudFormation Template Reference):
//! - `AWS::EKS::Cluster` `ResourcesVpcConfig`: `EndpointPublicAccess` true,
//!   `EndpointPrivateAccess` false, `PublicAccessCidrs` 0.0.0.0/0 — left unset here, so the
//!   builder applies them and says so;
//! - `AWS::EC2::VPC`: `EnableDnsSupport` "enabled by default", `EnableDnsHostnames`
//!   "disabled by default for nondefault VPCs" — the builder's defaults, so also left unset;
//! - `AWS::EC2::SecurityGroup`: "if you do not add egress rules, we add egress rules that
//!   allow all outbound IPv4 and IPv6 traffic" — a group without `SecurityGroupEgress` keeps
//!   `egress: None`. A standalone `AWS::EC2::SecurityGroupEgress` then replaces that default
//!   rule: CloudFormation strips "the default outbound rule when another rule gets added"
//!   (aws/aws-cdk#998, #3355);
//! - `AWS::EC2::VPCEndpoint`: `VpcEndpointType` defaults to `Gateway` and
//!   `PrivateDnsEnabled` to false (unlike the EC2 console and the scenario format);
//! - `AWS::EC2::NetworkAclEntry`: `Egress` defaults to false (an inbound rule).
//!
//! This file holds the entry points ([`read`], [`read_str`]), the resources of the template
//! (`Resource`), the `Reader` that turns them into the inventory, and the order it reads them
//! in: standalone resources first, then the ones that attach to them. The rest is split by
//! job, most files adding methods to `Reader`: `template` (the text parsed, short-form tags
//! made long, the sections and resources), `deployed` (what the stack would hold: conditions
//! and macros), `properties` (typed access to evaluated properties), `region` (the region a
//! literal gives away), and one reader per family of resource types: `cluster` (EKS clusters
//! and node groups), `vpc` (VPCs, CIDR blocks, subnets, DHCP options), `routes` (gateways and
//! route tables), `security_groups`, `network_acls`, `connections` (peering, transit gateway,
//! VPN), `resolver` (Route 53 Resolver) and `vpc_endpoints`. `intrinsics` evaluates the
//! intrinsic functions and conditions.

mod cluster;
mod connections;
mod deployed;
mod intrinsics;
mod network_acls;
mod properties;
mod region;
mod resolver;
mod routes;
mod security_groups;
mod template;
mod vpc;
mod vpc_endpoints;

use std::collections::HashSet;

use serde_yaml::{Mapping, Value};

use self::cluster::{CDK_VPC_CONFIG, NATIVE_VPC_CONFIG};
use self::region::region_hint;
use self::routes::gateway;
use self::template::{parse, resources, sections};
use super::inventory::Inventory;
use super::{Diagnostic, read_text};
use intrinsics::{Evaluator, Outcome};

pub fn read(source: &str) -> Result<Inventory, Diagnostic> {
    read_str(source, &read_text(source)?)
}

/// Reads a template (YAML or JSON) already in memory; `source` names it in messages.
pub fn read_str(source: &str, text: &str) -> Result<Inventory, Diagnostic> {
    let at_source = |p: Diagnostic| p.in_file(source);
    let document = parse(text).map_err(at_source)?;
    read_document(source, &document).map_err(at_source)
}

fn read_document(source: &str, document: &Value) -> Outcome<Inventory> {
    let template = sections(document)?;
    let resources = resources(template.resources)?;
    let region = region_hint(&resources, template);
    let mut reader = Reader {
        eval: Evaluator::new(template, region.clone()),
        resources: Vec::new(),
        inventory: Inventory {
            source: format!("CloudFormation template ({source})"),
            region,
            ..Inventory::default()
        },
        used_launch_templates: HashSet::new(),
        bgp_vpns: HashSet::new(),
    };
    reader.note_macros(document, template.resources);
    reader.keep_deployed(resources)?;
    reader.read_resources()?;
    Ok(reader.finish())
}

/// One resource of the template.
#[derive(Debug, Clone, Copy)]
struct Resource<'t> {
    id: &'t str,
    kind: &'t str,
    properties: Option<&'t Mapping>,
    condition: Option<&'t str>,
}

impl Resource<'_> {
    /// `AWS::EC2::Subnet PrivateSubnet01`, for the comments of the scenario.
    fn origin(&self) -> String {
        format!("{} {}", self.kind, self.id)
    }

    fn has(&self, key: &str) -> bool {
        self.properties.is_some_and(|p| p.contains_key(key))
    }
}

/// Types read without an inventory entry of their own: an Elastic IP feeds its NAT gateway,
/// a transit gateway is named by its attachments.
const READ_THROUGH_OTHERS: [&str; 2] = ["AWS::EC2::EIP", "AWS::EC2::TransitGateway"];

struct Reader<'t> {
    eval: Evaluator<'t>,
    /// The resources CloudFormation would create, in template order.
    resources: Vec<Resource<'t>>,
    inventory: Inventory,
    /// Launch templates a node group takes its security groups from.
    used_launch_templates: HashSet<String>,
    /// VPN connections with dynamic (BGP) routing.
    bgp_vpns: HashSet<String>,
}

impl<'t> Reader<'t> {
    /// Resources that stand on their own first, then those that attach to them (routes,
    /// rules, associations), so an attachment finds its target wherever it is written.
    fn read_resources(&mut self) -> Outcome<()> {
        let resources = self.resources.clone();
        for resource in &resources {
            self.read_standalone(resource)?;
        }
        for resource in &resources {
            self.read_attachment(resource)?;
        }
        self.note_vpns_without_routes();
        for resource in &resources {
            if !self.is_modelled(resource) {
                self.inventory
                    .unsupported
                    .push(format!("{} ({})", resource.id, resource.kind));
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Inventory {
        self.inventory.missing = self.eval.into_notes();
        self.inventory
    }

    fn read_standalone(&mut self, r: &Resource<'t>) -> Outcome<()> {
        match r.kind {
            // The Quick Start's resource type has the native one's `ResourcesVpcConfig` and
            // `KubernetesNetworkConfig` (aws-quickstart/quickstart-amazon-eks-cluster-resource-provider,
            // `awsqs-eks-cluster.json`).
            "AWS::EKS::Cluster" | "AWSQS::EKS::Cluster" => {
                self.cluster(r, &["ResourcesVpcConfig"], &NATIVE_VPC_CONFIG)
            }
            "Custom::AWSCDK-EKS-Cluster" => {
                self.cluster(r, &["Config", "resourcesVpcConfig"], &CDK_VPC_CONFIG)
            }
            "AWS::EKS::Nodegroup" => self.node_group(r),
            "AWS::EC2::VPC" => self.vpc(r),
            "AWS::EC2::Subnet" => self.subnet(r),
            "AWS::EC2::InternetGateway" => {
                let gateway = gateway(r);
                self.inventory.internet_gateways.push(gateway);
                Ok(())
            }
            "AWS::EC2::VPNGateway" => {
                let gateway = gateway(r);
                self.inventory.vpn_gateways.push(gateway);
                Ok(())
            }
            "AWS::EC2::EgressOnlyInternetGateway" => self.egress_only_gateway(r),
            "AWS::EC2::NatGateway" => self.nat_gateway(r),
            "AWS::EC2::RouteTable" => self.route_table(r),
            "AWS::EC2::SecurityGroup" => self.security_group(r),
            "AWS::EC2::NetworkAcl" => self.network_acl(r),
            "AWS::EC2::VPCPeeringConnection" => self.peering(r),
            "AWS::EC2::TransitGatewayAttachment" | "AWS::EC2::TransitGatewayVpcAttachment" => {
                self.transit_gateway_attachment(r)
            }
            "AWS::EC2::VPNConnection" => self.vpn_connection(r),
            "AWS::Route53Resolver::ResolverRule" => self.resolver_rule(r),
            "AWS::EC2::VPCEndpoint" => self.vpc_endpoint(r),
            "AWS::EC2::DHCPOptions" => self.dhcp_options(r),
            _ => Ok(()),
        }
    }

    fn read_attachment(&mut self, r: &Resource<'t>) -> Outcome<()> {
        match r.kind {
            "AWS::EC2::VPCCidrBlock" => self.secondary_cidr(r),
            "AWS::EC2::VPCGatewayAttachment" => self.gateway_attachment(r),
            "AWS::EC2::Route" => self.route(r),
            "AWS::EC2::SubnetRouteTableAssociation" => self.route_table_association(r),
            "AWS::EC2::SecurityGroupIngress" => self.standalone_sg_rule(r, false),
            "AWS::EC2::SecurityGroupEgress" => self.standalone_sg_rule(r, true),
            "AWS::EC2::NetworkAclEntry" => self.network_acl_entry(r),
            "AWS::EC2::SubnetNetworkAclAssociation" => self.network_acl_association(r),
            "AWS::EC2::VPNConnectionRoute" => self.vpn_connection_route(r),
            "AWS::Route53Resolver::ResolverEndpoint" => self.resolver_endpoint(r),
            "AWS::Route53Resolver::ResolverRuleAssociation" => self.resolver_rule_association(r),
            "AWS::EC2::VPCDHCPOptionsAssociation" => self.dhcp_options_association(r),
            "AWS::EC2::TransitGatewayRoute" => self.transit_gateway_route(r),
            _ => Ok(()),
        }
    }

    fn is_modelled(&self, r: &Resource<'_>) -> bool {
        const ATTACHMENTS: [&str; 13] = [
            "AWS::EC2::TransitGatewayRoute",
            "AWS::EC2::VPCCidrBlock",
            "AWS::EC2::VPCGatewayAttachment",
            "AWS::EC2::Route",
            "AWS::EC2::SubnetRouteTableAssociation",
            "AWS::EC2::SecurityGroupIngress",
            "AWS::EC2::SecurityGroupEgress",
            "AWS::EC2::NetworkAclEntry",
            "AWS::EC2::SubnetNetworkAclAssociation",
            "AWS::EC2::VPNConnectionRoute",
            "AWS::Route53Resolver::ResolverEndpoint",
            "AWS::Route53Resolver::ResolverRuleAssociation",
            "AWS::EC2::VPCDHCPOptionsAssociation",
        ];
        const STANDALONE: [&str; 20] = [
            "AWS::EKS::Cluster",
            "AWSQS::EKS::Cluster",
            "Custom::AWSCDK-EKS-Cluster",
            "AWS::EKS::Nodegroup",
            "AWS::EC2::VPC",
            "AWS::EC2::Subnet",
            "AWS::EC2::InternetGateway",
            "AWS::EC2::VPNGateway",
            "AWS::EC2::EgressOnlyInternetGateway",
            "AWS::EC2::NatGateway",
            "AWS::EC2::RouteTable",
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::NetworkAcl",
            "AWS::EC2::VPCPeeringConnection",
            "AWS::EC2::TransitGatewayAttachment",
            "AWS::EC2::TransitGatewayVpcAttachment",
            "AWS::EC2::VPNConnection",
            "AWS::Route53Resolver::ResolverRule",
            "AWS::EC2::VPCEndpoint",
            "AWS::EC2::DHCPOptions",
        ];
        if r.kind == "AWS::EC2::LaunchTemplate" {
            return self.used_launch_templates.contains(r.id);
        }
        STANDALONE.contains(&r.kind)
            || ATTACHMENTS.contains(&r.kind)
            || READ_THROUGH_OTHERS.contains(&r.kind)
    }
}
