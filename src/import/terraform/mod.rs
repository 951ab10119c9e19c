//! Terraform: `terraform show -json` of a plan (`planned_values`, `resource_changes`,
//! `configuration`) or of state (`values`).
//!
//! Resources come from `planned_values` (or `values`), walked through every child module, so
//! the terraform-aws-modules `vpc` and `eks` modules come through like any other resources.
//! A value that is unknown at plan time (most IDs of new resources) is found through the
//! `configuration` section's `references` instead: a subnet's `vpc_id = aws_vpc.main.id`
//! names the resource, whose scenario ID is then its address (`module.vpc.aws_vpc.this[0]`).
//! References through module inputs (`var.x`) and outputs (`module.vpc.private_subnets`)
//! are followed too.
//!
//! Terraform defaults applied when an attribute is absent or unknown (AWS provider docs):
//! `endpoint_public_access` true, `endpoint_private_access` false, `public_access_cidrs`
//! 0.0.0.0/0, `enable_dns_support` true, `enable_dns_hostnames` false,
//! `private_dns_enabled` false. And: "When creating a new Security Group inside a VPC,
//! Terraform will remove [AWS's default allow-all egress] rule", so a security group without
//! egress rules denies all outbound traffic.
//!
//! A value the reader uses that is present but of the wrong JSON type (`vpc_config: "oops"`,
//! `cidr_block: 12`) is invalid input: the import fails naming the file and the JSON path.
//! Only null, absent and unknown-at-plan (`after_unknown`) values count as unknown.
//!
//! This file holds the entry points ([`read`], [`read_str`]), the walked document (`Plan`)
//! and the order the readers run in. The rest is split by job, each file adding methods to
//! `Plan`: `walk` (the document walk: modules, resource instances and their
//! `after_unknown`), `attributes` (typed attribute access and the wrong-type problems),
//! `references` (the `configuration` section), `ids` (the scenario ID an attribute names),
//! and one reader per family of resource types: `vpc` (VPCs, subnets, DHCP options), `routes`
//! (gateways and route tables), `security_groups`, `network_acls`, `connections` (peering,
//! transit gateway, VPN), `resolver` (Route 53 Resolver), `vpc_endpoints` and `cluster` (EKS
//! clusters and node groups).

mod attributes;
mod cluster;
mod connections;
mod ids;
mod network_acls;
mod references;
mod resolver;
mod routes;
mod security_groups;
mod vpc;
mod vpc_endpoints;
mod walk;

use std::cell::RefCell;

use serde_json::Value;

use self::references::Resolved;
use super::inventory::Inventory;
use super::{Diagnostic, read_text};

pub fn read(source: &str) -> Result<Inventory, Diagnostic> {
    read_str(source, &read_text(source)?)
}

/// Reads `terraform show -json` output already in memory; `source` names it in messages.
pub fn read_str(source: &str, text: &str) -> Result<Inventory, Diagnostic> {
    let json: Value = serde_json::from_str(text).map_err(|error| {
        Diagnostic::import(
            source,
            format!("line {} column {}", error.line(), error.column()),
            format!("not JSON: {error} (import `terraform show -json` output)"),
        )
    })?;
    let plan = Plan::new(source, &json)?;
    let inventory = plan.inventory();
    match plan.problems.into_inner().into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(inventory),
    }
}

/// The inventory of a plan's `prior_state` (the state the plan started from), read as a
/// state file is; `None` when the plan has no `prior_state` (a plan of a new configuration,
/// or state rather than a plan). For `eksflow diff`, which compares it with the planned side.
pub fn read_plan_prior_str(file: &str, text: &str) -> Result<Option<Inventory>, Diagnostic> {
    let json: Value = serde_json::from_str(text).map_err(|error| {
        Diagnostic::import(
            file,
            format!("line {} column {}", error.line(), error.column()),
            format!("not JSON: {error} (import `terraform show -json` output)"),
        )
    })?;
    let Some(prior) = json.get("prior_state").filter(|p| !p.is_null()) else {
        return Ok(None);
    };
    if prior.pointer("/values/root_module").is_none() {
        return Ok(None);
    }
    let plan = Plan::new(file, prior)?;
    let mut inventory = plan.inventory();
    inventory.source = format!("terraform plan prior state ({file})");
    match plan.problems.into_inner().into_iter().next() {
        Some(problem) => Err(Diagnostic {
            path: format!("prior_state.{}", problem.path),
            ..problem
        }),
        None => Ok(Some(inventory)),
    }
}

/// One resource instance.
#[derive(Debug)]
struct Resource<'a> {
    /// `module.vpc.aws_subnet.private[0]`
    address: String,
    /// `module.vpc` (empty at the root).
    module: String,
    kind: String,
    /// `aws_subnet.private`
    key: String,
    /// Where the resource is in the file: `planned_values.root_module.resources[3]`.
    json_path: String,
    index: Option<&'a Value>,
    values: &'a Value,
    unknown: Option<&'a Value>,
    data: bool,
}

/// The document being read: its resource instances (see `walk`) and the JSON they came
/// from, for the `configuration` and `variables` sections.
struct Plan<'a> {
    source: String,
    json: &'a Value,
    resources: Vec<Resource<'a>>,
    is_state: bool,
    /// Values of the wrong type met while reading, in the order met.
    problems: RefCell<Vec<Diagnostic>>,
}

impl Plan<'_> {
    /// Every reader in turn, then the resources left out.
    fn inventory(&self) -> Inventory {
        let what = if self.is_state {
            "terraform state"
        } else {
            "terraform plan"
        };
        let mut inventory = Inventory {
            source: format!("{what} ({})", self.source),
            region: self.region(),
            ..Inventory::default()
        };
        // The order matters: Resolver endpoints find their VPC through the subnets already
        // read, and the first wrong-type value met is the one the import reports.
        self.vpcs(&mut inventory);
        self.subnets(&mut inventory);
        self.gateways(&mut inventory);
        self.route_tables(&mut inventory);
        self.security_groups(&mut inventory);
        self.network_acls(&mut inventory);
        self.connections(&mut inventory);
        self.resolver(&mut inventory);
        self.vpc_endpoints(&mut inventory);
        self.dhcp_options(&mut inventory);
        self.clusters(&mut inventory);
        for resource in self
            .resources
            .iter()
            .filter(|r| !r.data && !SUPPORTED.contains(&r.kind.as_str()))
        {
            inventory
                .unsupported
                .push(format!("{} ({})", resource.address, resource.kind));
        }
        inventory
    }

    fn region(&self) -> Option<String> {
        self.json
            .pointer("/configuration/provider_config/aws/expressions/region")
            .and_then(|e| self.resolve_expression("", e, 0).into_iter().next())
            .and_then(|r| match r {
                Resolved::Constant(Value::String(s)) => Some(s),
                _ => None,
            })
    }
}

/// Resource types the reader turns into inventory entries (everything else is listed as left
/// out).
const SUPPORTED: &[&str] = &[
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_vpc",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_vpc_ipv6_cidr_block_association",
    "aws_egress_only_internet_gateway",
    "aws_vpc_dhcp_options",
    "aws_vpc_dhcp_options_association",
    "aws_subnet",
    "aws_route_table",
    "aws_default_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_internet_gateway",
    "aws_internet_gateway_attachment",
    "aws_nat_gateway",
    "aws_eip",
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_vpc_peering_connection",
    // Read through its attachments, which name it.
    "aws_ec2_transit_gateway",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_vpn_gateway",
    "aws_vpn_gateway_attachment",
    "aws_vpn_connection",
    "aws_vpn_connection_route",
    "aws_route53_resolver_endpoint",
    "aws_route53_resolver_rule",
    "aws_route53_resolver_rule_association",
    "aws_vpc_endpoint",
];
