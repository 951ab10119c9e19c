//! CloudFormation: a template (YAML with short-form tags, or JSON) read as if it were
//! deployed with its parameter defaults.
//!
//! Intrinsic functions are evaluated within the template (`intrinsics.rs`); what only AWS
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

mod intrinsics;

use std::collections::HashSet;

use serde_yaml::{Mapping, Value};

use super::inventory::*;
use super::{ImportError, read_text};
use intrinsics::{
    Evaluator, Outcome, Problem, Template, cluster_security_group_id, intrinsic_name,
    is_eks_cluster, parse_flag, problem, scalar_text,
};

pub fn read(source: &str) -> Result<Inventory, ImportError> {
    read_str(source, &read_text(source)?)
}

/// Reads a template (YAML or JSON) already in memory; `source` names it in messages.
pub fn read_str(source: &str, text: &str) -> Result<Inventory, ImportError> {
    let at_source = |p: Problem| ImportError::new(source, p.path, p.message);
    let document = parse(text).map_err(at_source)?;
    read_document(source, &document).map_err(at_source)
}

/// The template as YAML values, short-form tags replaced by the long form. JSON is read with
/// serde_json (into the same values, keeping the key order) so its errors point at JSON.
fn parse(text: &str) -> Outcome<Value> {
    let parsed = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Value>(text).map_err(|error| {
            problem(
                &format!("line {} column {}", error.line(), error.column()),
                format!("not a CloudFormation template: invalid JSON ({error})"),
            )
        })?
    } else {
        serde_yaml::from_str::<Value>(text).map_err(|error| {
            let at = error
                .location()
                .map(|l| format!("line {} column {}", l.line(), l.column()))
                .unwrap_or_default();
            problem(
                &at,
                format!("not a CloudFormation template: invalid YAML ({error})"),
            )
        })?
    };
    Ok(intrinsics::long_form(parsed))
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

fn sections(document: &Value) -> Outcome<Template<'_>> {
    let Some(root) = document.as_mapping() else {
        return Err(problem(
            "",
            "not a CloudFormation template: expected a mapping with a Resources section",
        ));
    };
    let section = |name: &str| match root.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Mapping(map)) => Ok(Some(map)),
        Some(_) => Err(problem(name, format!("{name} must be a mapping"))),
    };
    let resources = section("Resources")?
        .ok_or_else(|| problem("", "no Resources section: not a CloudFormation template"))?;
    Ok(Template {
        parameters: section("Parameters")?,
        mappings: section("Mappings")?,
        conditions: section("Conditions")?,
        resources,
    })
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

fn resources(map: &Mapping) -> Outcome<Vec<Resource<'_>>> {
    let mut out = Vec::with_capacity(map.len());
    for (key, body) in map {
        let Some(id) = key.as_str() else {
            return Err(problem("Resources", "a logical ID must be a string"));
        };
        if id.starts_with("Fn::ForEach") {
            // Expanded by the AWS::LanguageExtensions transform; noted by `note_macros`.
            continue;
        }
        let path = format!("Resources.{id}");
        let Some(body) = body.as_mapping() else {
            return Err(problem(
                &path,
                "a resource is a mapping with Type and Properties",
            ));
        };
        let kind = match body.get("Type") {
            Some(Value::String(kind)) => kind.as_str(),
            Some(_) => return Err(problem(&format!("{path}.Type"), "Type must be a string")),
            None => {
                return Err(problem(
                    &path,
                    "the resource has no Type (AWS::EC2::VPC, AWS::EKS::Cluster, ...)",
                ));
            }
        };
        let properties = match body.get("Properties") {
            None | Some(Value::Null) => None,
            Some(Value::Mapping(properties)) => Some(properties),
            Some(_) => {
                return Err(problem(
                    &format!("{path}.Properties"),
                    "Properties must be a mapping",
                ));
            }
        };
        let condition = match body.get("Condition") {
            None => None,
            Some(Value::String(name)) => Some(name.as_str()),
            Some(_) => {
                return Err(problem(
                    &format!("{path}.Condition"),
                    "Condition names a condition of the Conditions section",
                ));
            }
        };
        out.push(Resource {
            id,
            kind,
            properties,
            condition,
        });
    }
    Ok(out)
}

/// An evaluated property value and where it is, for typed reads with precise errors.
#[derive(Debug, Clone)]
struct Property {
    /// `Null` when absent or unknown.
    value: Value,
    path: String,
}

impl Property {
    fn is_set(&self) -> bool {
        !self.value.is_null()
    }

    fn get(&self, key: &str) -> Outcome<Property> {
        let path = format!("{}.{key}", self.path);
        match &self.value {
            Value::Mapping(map) => Ok(Property {
                value: map.get(key).cloned().unwrap_or(Value::Null),
                path,
            }),
            Value::Null => Ok(Property {
                value: Value::Null,
                path,
            }),
            other => Err(self.wrong_type("a mapping", other)),
        }
    }

    fn text(&self) -> Outcome<Option<String>> {
        match &self.value {
            Value::Null => Ok(None),
            other => scalar_text(other)
                .map(Some)
                .ok_or_else(|| self.wrong_type("a string", other)),
        }
    }

    fn flag(&self) -> Outcome<Option<bool>> {
        match &self.value {
            Value::Null => Ok(None),
            Value::Bool(flag) => Ok(Some(*flag)),
            Value::String(text) => parse_flag(text).map(Some).ok_or_else(|| {
                problem(
                    &self.path,
                    format!("expected true or false, found `{text}`"),
                )
            }),
            other => Err(self.wrong_type("true or false", other)),
        }
    }

    fn integer(&self) -> Outcome<Option<i64>> {
        let parsed = match &self.value {
            Value::Null => return Ok(None),
            Value::Number(number) => number.as_i64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        };
        parsed
            .map(Some)
            .ok_or_else(|| self.wrong_type("a whole number", &self.value))
    }

    fn items(&self) -> Outcome<Vec<Property>> {
        match &self.value {
            Value::Null => Ok(Vec::new()),
            Value::Sequence(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, value)| Property {
                    value: value.clone(),
                    path: format!("{}[{i}]", self.path),
                })
                .collect()),
            other => Err(self.wrong_type("a list", other)),
        }
    }

    /// A list of strings; unknown items (already noted where they became unknown) are
    /// dropped.
    fn texts(&self) -> Outcome<Vec<String>> {
        let mut out = Vec::new();
        for item in self.items()? {
            out.extend(item.text()?);
        }
        Ok(out)
    }

    fn wrong_type(&self, expected: &str, found: &Value) -> Problem {
        let found = match found {
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a mapping",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Null | Value::Tagged(_) => "something else",
        };
        problem(&self.path, format!("expected {expected}, found {found}"))
    }
}

/// The fields of an EKS VPC configuration, as the native type and the CDK's custom resource
/// spell them.
struct VpcConfigKeys {
    subnet_ids: &'static str,
    security_group_ids: &'static str,
    endpoint_public_access: &'static str,
    endpoint_private_access: &'static str,
    public_access_cidrs: &'static str,
}

const NATIVE_VPC_CONFIG: VpcConfigKeys = VpcConfigKeys {
    subnet_ids: "SubnetIds",
    security_group_ids: "SecurityGroupIds",
    endpoint_public_access: "EndpointPublicAccess",
    endpoint_private_access: "EndpointPrivateAccess",
    public_access_cidrs: "PublicAccessCidrs",
};

const CDK_VPC_CONFIG: VpcConfigKeys = VpcConfigKeys {
    subnet_ids: "subnetIds",
    security_group_ids: "securityGroupIds",
    endpoint_public_access: "endpointPublicAccess",
    endpoint_private_access: "endpointPrivateAccess",
    public_access_cidrs: "publicAccessCidrs",
};

/// The fields of a security group rule, inline or standalone.
const SG_RULE_KEYS: [&str; 10] = [
    "IpProtocol",
    "FromPort",
    "ToPort",
    "CidrIp",
    "CidrIpv6",
    "SourceSecurityGroupId",
    "SourceSecurityGroupName",
    "SourcePrefixListId",
    "DestinationSecurityGroupId",
    "DestinationPrefixListId",
];

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
    /// Macros (`Transform: AWS::Serverless-2016-10-31`, `Fn::ForEach`) expand the template
    /// when it is deployed; what they would add is not read.
    fn note_macros(&mut self, document: &Value, resources: &Mapping) {
        if let Some(transform) = document.get("Transform") {
            let names = match transform {
                Value::Sequence(items) => items.iter().filter_map(scalar_text).collect(),
                other => scalar_text(other).into_iter().collect::<Vec<_>>(),
            };
            self.eval.note(format!(
                "Transform {}: macros are not expanded; resources they would add or change are not read",
                names.join(", ")
            ));
        }
        for key in resources.keys().filter_map(Value::as_str) {
            if key.starts_with("Fn::ForEach") {
                self.eval.note(format!(
                    "Resources.{key}: Fn::ForEach is not expanded; the resources it would create are not read"
                ));
            }
        }
    }

    /// Drops the resources whose `Condition` is false.
    fn keep_deployed(&mut self, resources: Vec<Resource<'t>>) -> Outcome<()> {
        for resource in resources {
            if let Some(condition) = resource.condition {
                let path = format!("Resources.{}.Condition", resource.id);
                match self.eval.condition(condition, &path)? {
                    Some(false) => continue,
                    Some(true) => {}
                    None => self.eval.note(format!(
                        "{}: condition {condition} cannot be evaluated without deploying; the resource is assumed to be created",
                        resource.origin()
                    )),
                }
            }
            self.resources.push(resource);
        }
        Ok(())
    }

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
            "AWS::EKS::Cluster" => self.cluster(r, &["ResourcesVpcConfig"], &NATIVE_VPC_CONFIG),
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
            _ => Ok(()),
        }
    }

    fn is_modelled(&self, r: &Resource<'_>) -> bool {
        const ATTACHMENTS: [&str; 12] = [
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
        const STANDALONE: [&str; 18] = [
            "AWS::EKS::Cluster",
            "Custom::AWSCDK-EKS-Cluster",
            "AWS::EKS::Nodegroup",
            "AWS::EC2::VPC",
            "AWS::EC2::Subnet",
            "AWS::EC2::InternetGateway",
            "AWS::EC2::VPNGateway",
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

    // ---- property access --------------------------------------------------------------

    fn property(&mut self, r: &Resource<'_>, key: &str) -> Outcome<Property> {
        self.property_at(r, &[key])
    }

    /// The evaluated value at `keys` inside a resource's properties. Only what lies on the
    /// way is evaluated, so an unknown in a field the model does not read (user data, an
    /// IAM role ARN) is neither a problem nor a note.
    fn property_at(&mut self, r: &Resource<'_>, keys: &[&str]) -> Outcome<Property> {
        let mut path = format!("Resources.{}.Properties", r.id);
        let mut node = r.properties.cloned().map_or(Value::Null, Value::Mapping);
        let last = keys.len().saturating_sub(1);
        for (depth, key) in keys.iter().enumerate() {
            path = format!("{path}.{key}");
            node = match &node {
                Value::Mapping(map) => map.get(*key).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            };
            if depth < last && intrinsic_name(&node).is_some() {
                node = self.eval.evaluate(&node, &path)?.unwrap_or(Value::Null);
            }
        }
        let value = self.eval.evaluate(&node, &path)?.unwrap_or(Value::Null);
        Ok(Property { value, path })
    }

    /// Only `keys` of a resource's properties, evaluated: a standalone rule's fields
    /// without its description or owner account.
    fn properties_subset(&mut self, r: &Resource<'_>, keys: &[&str]) -> Outcome<Property> {
        let mut map = Mapping::new();
        for key in keys {
            let property = self.property(r, key)?;
            if property.is_set() {
                map.insert(Value::String((*key).to_owned()), property.value);
            }
        }
        Ok(Property {
            value: Value::Mapping(map),
            path: format!("Resources.{}.Properties", r.id),
        })
    }

    fn text(&mut self, r: &Resource<'_>, key: &str) -> Outcome<Option<String>> {
        self.property(r, key)?.text()
    }

    fn texts(&mut self, r: &Resource<'_>, key: &str) -> Outcome<Vec<String>> {
        self.property(r, key)?.texts()
    }

    fn flag(&mut self, r: &Resource<'_>, key: &str) -> Outcome<Option<bool>> {
        self.property(r, key)?.flag()
    }

    fn deployed(&self, id: &str) -> Option<Resource<'t>> {
        self.resources.iter().find(|r| r.id == id).copied()
    }

    fn kind_of(&self, id: &str) -> Option<&'t str> {
        self.deployed(id).map(|r| r.kind)
    }

    /// The VPC of a subnet read from the template.
    fn subnet_vpc(&self, subnet: &str) -> Option<String> {
        self.inventory
            .subnets
            .iter()
            .find(|s| s.id == subnet)
            .and_then(|s| s.vpc.clone())
    }

    // ---- EKS ----------------------------------------------------------------------

    fn cluster(
        &mut self,
        r: &Resource<'t>,
        config_at: &[&str],
        keys: &VpcConfigKeys,
    ) -> Outcome<()> {
        let name = self.eval.eks_cluster_name(r.id)?;
        let config = self.property_at(r, config_at)?;
        let cidrs = config.get(keys.public_access_cidrs)?;
        let public_access_cidrs = if cidrs.is_set() {
            Some(cidrs.texts()?).filter(|cidrs| !cidrs.is_empty())
        } else {
            None
        };
        self.inventory.clusters.push(ClusterDef {
            name,
            origin: r.origin(),
            subnets: config.get(keys.subnet_ids)?.texts()?,
            security_groups: config.get(keys.security_group_ids)?.texts()?,
            // Unset flags stay `None`: the builder applies the EKS defaults (public on,
            // private off) and writes that it did.
            public_access: config.get(keys.endpoint_public_access)?.flag()?,
            private_access: config.get(keys.endpoint_private_access)?.flag()?,
            public_access_cidrs,
            ..ClusterDef::default()
        });
        Ok(())
    }

    /// A managed node group. Its security groups are the cluster security group unless its
    /// launch template names others: "If you don't specify a security group in the launch
    /// template, Amazon EKS applies the cluster security group" (EKS user guide,
    /// launch-templates). `RemoteAccess.SourceSecurityGroups` only opens SSH to the nodes.
    fn node_group(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let name = self
            .text(r, "NodegroupName")?
            .unwrap_or_else(|| r.id.to_owned());
        let cluster = match self.text(r, "ClusterName")? {
            Some(cluster) if self.kind_of(&cluster).is_some_and(is_eks_cluster) => {
                Some(self.eval.eks_cluster_name(&cluster)?)
            }
            other => other,
        };
        let subnets = self.texts(r, "Subnets")?;
        let security_groups = self.launch_template_groups(r)?;
        self.inventory.node_groups.push(NodeGroupDef {
            name,
            origin: r.origin(),
            cluster,
            subnets,
            security_groups,
        });
        Ok(())
    }

    fn launch_template_groups(&mut self, r: &Resource<'t>) -> Outcome<Option<Vec<String>>> {
        if !r.has("LaunchTemplate") {
            return Ok(None);
        }
        // Id and Name only: the version is often `GetAtt …LatestVersionNumber`, unknown.
        let id = self.property_at(r, &["LaunchTemplate", "Id"])?.text()?;
        let name = self.property_at(r, &["LaunchTemplate", "Name"])?.text()?;
        let Some(template) = self.launch_template(id.as_deref(), name.as_deref())? else {
            let named = id.or(name).unwrap_or_else(|| "(unknown)".to_owned());
            self.eval.note(format!(
                "{}: launch template {named} is not in the template, so the nodes' security groups are unknown; the cluster security group is assumed",
                r.origin()
            ));
            return Ok(None);
        };
        self.used_launch_templates.insert(template.id.to_owned());
        let mut groups = self
            .property_at(&template, &["LaunchTemplateData", "SecurityGroupIds"])?
            .texts()?;
        let interfaces =
            self.property_at(&template, &["LaunchTemplateData", "NetworkInterfaces"])?;
        for interface in interfaces.items()? {
            groups.extend(interface.get("Groups")?.texts()?);
        }
        Ok(Some(groups).filter(|groups| !groups.is_empty()))
    }

    /// The `AWS::EC2::LaunchTemplate` a node group names, by logical ID or by name.
    fn launch_template(
        &mut self,
        id: Option<&str>,
        name: Option<&str>,
    ) -> Outcome<Option<Resource<'t>>> {
        let templates: Vec<Resource<'t>> = self
            .resources
            .iter()
            .filter(|r| r.kind == "AWS::EC2::LaunchTemplate")
            .copied()
            .collect();
        if let Some(found) = templates.iter().find(|t| Some(t.id) == id) {
            return Ok(Some(*found));
        }
        let Some(name) = name else {
            return Ok(None);
        };
        for template in templates {
            if self.text(&template, "LaunchTemplateName")?.as_deref() == Some(name) {
                return Ok(Some(template));
            }
        }
        Ok(None)
    }

    // ---- VPCs, subnets, gateways --------------------------------------------------

    fn vpc(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let cidr = self.text(r, "CidrBlock")?;
        if cidr.is_none() && r.has("Ipv4IpamPoolId") {
            self.eval.note(format!(
                "{}: the CIDR is allocated from an IPAM pool at deploy time; unknown",
                r.origin()
            ));
        }
        let vpc = VpcDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            cidrs: cidr.into_iter().collect(),
            enable_dns_support: self.flag(r, "EnableDnsSupport")?,
            enable_dns_hostnames: self.flag(r, "EnableDnsHostnames")?,
        };
        self.inventory.vpcs.push(vpc);
        Ok(())
    }

    fn secondary_cidr(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let vpc = self.text(r, "VpcId")?;
        let Some(cidr) = self.text(r, "CidrBlock")? else {
            // An IPv6 block (AmazonProvidedIpv6CidrBlock, Ipv6CidrBlock): not modelled.
            if r.has("Ipv4IpamPoolId") {
                self.eval.note(format!(
                    "{}: the CIDR is allocated from an IPAM pool at deploy time; unknown",
                    r.origin()
                ));
            }
            return Ok(());
        };
        match self
            .inventory
            .vpcs
            .iter_mut()
            .find(|v| Some(&v.id) == vpc.as_ref())
        {
            Some(vpc) => vpc.cidrs.push(cidr),
            None => self.eval.note(format!(
                "{}: VPC {} is not in the template; {cidr} is left out",
                r.origin(),
                vpc.as_deref().unwrap_or("(unknown)")
            )),
        }
        Ok(())
    }

    fn subnet(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let subnet = SubnetDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
            cidr: self.text(r, "CidrBlock")?,
            az: self.text(r, "AvailabilityZone")?,
            map_public_ip_on_launch: self.flag(r, "MapPublicIpOnLaunch")?,
        };
        self.inventory.subnets.push(subnet);
        Ok(())
    }

    fn gateway_attachment(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let vpc = self.text(r, "VpcId")?;
        if let Some(id) = self.text(r, "InternetGatewayId")? {
            attach(&mut self.inventory.internet_gateways, id, vpc, r);
        } else if let Some(id) = self.text(r, "VpnGatewayId")? {
            attach(&mut self.inventory.vpn_gateways, id, vpc, r);
        } else {
            self.eval.note(format!(
                "{}: the gateway is unknown; the attachment is left out",
                r.origin()
            ));
        }
        Ok(())
    }

    fn nat_gateway(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let private = self
            .text(r, "ConnectivityType")?
            .is_some_and(|kind| kind.eq_ignore_ascii_case("private"));
        let public_ip = match self.text(r, "AllocationId")? {
            Some(allocation) if !private => self.elastic_ip_address(&allocation)?,
            _ => None,
        };
        let nat = NatDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            subnet: self.text(r, "SubnetId")?,
            public_ip,
            private,
        };
        self.inventory.nat_gateways.push(nat);
        Ok(())
    }

    /// The address of an Elastic IP of the template, when it asks for a specific one
    /// (`Address`); otherwise AWS allocates it at deploy time and the builder puts in a
    /// placeholder.
    fn elastic_ip_address(&mut self, allocation: &str) -> Outcome<Option<String>> {
        match self.deployed(allocation) {
            Some(eip) if eip.kind == "AWS::EC2::EIP" => self.text(&eip, "Address"),
            _ => Ok(None),
        }
    }

    // ---- routes -----------------------------------------------------------------------

    fn route_table(&mut self, r: &Resource<'t>) -> Outcome<()> {
        // A template cannot declare a VPC's main route table: subnets without an
        // association keep the local routes only, which the builder notes.
        let table = RouteTableDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
            ..RouteTableDef::default()
        };
        self.inventory.route_tables.push(table);
        Ok(())
    }

    fn route(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let table = self.text(r, "RouteTableId")?;
        let destination = self.text(r, "DestinationCidrBlock")?;
        let target = self.route_target(r)?;
        let route = RouteDef {
            destination,
            target,
        };
        match self
            .inventory
            .route_tables
            .iter_mut()
            .find(|t| Some(&t.id) == table.as_ref())
        {
            Some(table) => table.routes.push(route),
            None => self.eval.note(format!(
                "{}: route table {} is not in the template; the route is left out",
                r.origin(),
                table.as_deref().unwrap_or("(unknown)")
            )),
        }
        Ok(())
    }

    fn route_target(&mut self, r: &Resource<'t>) -> Outcome<RouteTargetDef> {
        if let Some(id) = self.text(r, "GatewayId")? {
            return Ok(self.gateway_target(id));
        }
        if let Some(id) = self.text(r, "NatGatewayId")? {
            return Ok(RouteTargetDef::NatGateway(id));
        }
        if let Some(id) = self.text(r, "VpcPeeringConnectionId")? {
            return Ok(RouteTargetDef::Peering(id));
        }
        if let Some(id) = self.text(r, "TransitGatewayId")? {
            return Ok(RouteTargetDef::TransitGateway(id));
        }
        const OTHER_TARGETS: [(&str, &str); 7] = [
            ("InstanceId", "instance"),
            ("NetworkInterfaceId", "network interface"),
            ("VpcEndpointId", "VPC endpoint"),
            (
                "EgressOnlyInternetGatewayId",
                "egress-only internet gateway",
            ),
            ("CarrierGatewayId", "carrier gateway"),
            ("LocalGatewayId", "local gateway"),
            ("CoreNetworkArn", "Cloud WAN core network"),
        ];
        for (key, what) in OTHER_TARGETS {
            if let Some(id) = self.text(r, key)? {
                return Ok(RouteTargetDef::Other(format!("{what} {id}")));
            }
        }
        Ok(RouteTargetDef::Other("an unknown target".to_owned()))
    }

    /// `GatewayId` is an internet gateway or a virtual private gateway: the template says
    /// which, or an existing gateway's ID prefix does.
    fn gateway_target(&self, id: String) -> RouteTargetDef {
        match self.kind_of(&id) {
            Some("AWS::EC2::InternetGateway") => RouteTargetDef::InternetGateway(id),
            Some("AWS::EC2::VPNGateway") => RouteTargetDef::VpnGateway(id),
            Some(kind) => RouteTargetDef::Other(format!("{kind} {id}")),
            None if id == "local" => RouteTargetDef::Local,
            None if id.starts_with("igw-") => RouteTargetDef::InternetGateway(id),
            None if id.starts_with("vgw-") => RouteTargetDef::VpnGateway(id),
            None => RouteTargetDef::Other(format!("gateway {id}")),
        }
    }

    fn route_table_association(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let table = self.text(r, "RouteTableId")?;
        let subnet = self.text(r, "SubnetId")?;
        let found = self
            .inventory
            .route_tables
            .iter_mut()
            .find(|t| Some(&t.id) == table.as_ref());
        match (found, subnet) {
            (Some(table), Some(subnet)) => table.subnets.push(subnet),
            _ => self.eval.note(format!(
                "{}: the route table or subnet is not in the template; the association is left out",
                r.origin()
            )),
        }
        Ok(())
    }

    // ---- security groups and network ACLs ---------------------------------------------

    fn security_group(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let vpc = self.text(r, "VpcId")?;
        let ingress = self.inline_rules(r, "SecurityGroupIngress", false)?;
        let egress = self.inline_rules(r, "SecurityGroupEgress", true)?;
        self.inventory.security_groups.push(SecurityGroupDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc,
            ingress,
            // No egress rules written: AWS adds the allow-all default.
            egress: Some(egress).filter(|rules| !rules.is_empty()),
        });
        Ok(())
    }

    fn inline_rules(
        &mut self,
        r: &Resource<'t>,
        key: &str,
        egress: bool,
    ) -> Outcome<Vec<SgRuleDef>> {
        let mut rules = Vec::new();
        for rule in self.property(r, key)?.items()? {
            rules.extend(self.sg_rule(&rule, &r.origin(), egress)?);
        }
        Ok(rules)
    }

    /// One rule; `None` when it cannot be read (its protocol unknown).
    fn sg_rule(
        &mut self,
        rule: &Property,
        origin: &str,
        egress: bool,
    ) -> Outcome<Option<SgRuleDef>> {
        let Some(protocol) = rule.get("IpProtocol")?.text()? else {
            self.eval.note(format!(
                "{origin}: the rule at {} has no known IpProtocol; left out",
                rule.path
            ));
            return Ok(None);
        };
        let (group_key, unmodelled): (&str, &[&str]) = if egress {
            ("DestinationSecurityGroupId", &["DestinationPrefixListId"])
        } else {
            (
                "SourceSecurityGroupId",
                &["SourcePrefixListId", "SourceSecurityGroupName"],
            )
        };
        for key in unmodelled {
            if let Some(peer) = rule.get(key)?.text()? {
                self.eval.note(format!(
                    "{origin}: a rule for {key} {peer} is not modelled; left out"
                ));
            }
        }
        Ok(Some(SgRuleDef {
            protocol,
            from_port: rule.get("FromPort")?.integer()?,
            to_port: rule.get("ToPort")?.integer()?,
            cidrs: rule.get("CidrIp")?.text()?.into_iter().collect(),
            groups: rule.get(group_key)?.text()?.into_iter().collect(),
        }))
    }

    fn standalone_sg_rule(&mut self, r: &Resource<'t>, egress: bool) -> Outcome<()> {
        let Some(group_id) = self.text(r, "GroupId")? else {
            self.eval.note(format!(
                "{}: the security group is unknown (no GroupId, or a default-VPC GroupName); the rule is left out",
                r.origin()
            ));
            return Ok(());
        };
        let fields = self.properties_subset(r, &SG_RULE_KEYS)?;
        let Some(rule) = self.sg_rule(&fields, &r.origin(), egress)? else {
            return Ok(());
        };
        let Some(group) = self.security_group_mut(&group_id) else {
            self.eval.note(format!(
                "{}: security group {group_id} is not in the template; the rule is left out",
                r.origin()
            ));
            return Ok(());
        };
        if egress {
            // Replaces the allow-all default when the group had no egress rules.
            group.egress.get_or_insert_with(Vec::new).push(rule);
        } else {
            group.ingress.push(rule);
        }
        Ok(())
    }

    /// A security group of the template, or the cluster security group EKS creates when a
    /// rule names it (`Fn::GetAtt Cluster.ClusterSecurityGroupId`).
    fn security_group_mut(&mut self, id: &str) -> Option<&mut SecurityGroupDef> {
        if !self.inventory.security_groups.iter().any(|g| g.id == id) {
            self.add_cluster_security_group(id)?;
        }
        self.inventory
            .security_groups
            .iter_mut()
            .find(|g| g.id == id)
    }

    /// The cluster security group as EKS creates it: "Inbound: All, from itself; Outbound:
    /// All, 0.0.0.0/0" (EKS user guide, sec-group-reqs).
    fn add_cluster_security_group(&mut self, id: &str) -> Option<()> {
        let cluster = self
            .inventory
            .clusters
            .iter()
            .position(|c| cluster_security_group_id(&c.name) == id)?;
        let vpc = self
            .inventory
            .clusters
            .get(cluster)
            .and_then(|c| c.subnets.iter().find_map(|s| self.subnet_vpc(s)));
        let cluster = self.inventory.clusters.get_mut(cluster)?;
        cluster.cluster_security_group = Some(id.to_owned());
        let origin = format!(
            "{} (the cluster security group EKS creates)",
            cluster.origin
        );
        self.inventory.security_groups.push(SecurityGroupDef {
            id: id.to_owned(),
            origin,
            vpc,
            ingress: vec![SgRuleDef {
                protocol: "-1".to_owned(),
                groups: vec![id.to_owned()],
                ..SgRuleDef::default()
            }],
            egress: None,
        });
        Some(())
    }

    fn network_acl(&mut self, r: &Resource<'t>) -> Outcome<()> {
        // A new network ACL denies everything until entries are added; `default` is the
        // VPC's own, which a template cannot declare.
        let acl = NetworkAclDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
            ..NetworkAclDef::default()
        };
        self.inventory.network_acls.push(acl);
        Ok(())
    }

    fn network_acl_entry(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let acl = self.text(r, "NetworkAclId")?;
        let rule = self.property(r, "RuleNumber")?.integer()?;
        let protocol = self.text(r, "Protocol")?;
        let action = self.property(r, "RuleAction")?;
        let allow = match action.text()? {
            Some(text) if text.eq_ignore_ascii_case("allow") => Some(true),
            Some(text) if text.eq_ignore_ascii_case("deny") => Some(false),
            Some(text) => {
                return Err(problem(
                    &action.path,
                    format!("RuleAction is allow or deny, not `{text}`"),
                ));
            }
            None => None,
        };
        let (Some(rule), Some(protocol), Some(allow)) = (rule, protocol, allow) else {
            self.eval.note(format!(
                "{}: the rule number, protocol or action is unknown; the entry is left out",
                r.origin()
            ));
            return Ok(());
        };
        let ports = self.property(r, "PortRange")?;
        let entry = AclEntryDef {
            rule,
            protocol,
            from_port: ports.get("From")?.integer()?,
            to_port: ports.get("To")?.integer()?,
            cidr: self.text(r, "CidrBlock")?,
            allow,
        };
        let egress = self.flag(r, "Egress")?.unwrap_or(false);
        match self
            .inventory
            .network_acls
            .iter_mut()
            .find(|a| Some(&a.id) == acl.as_ref())
        {
            Some(acl) if egress => acl.outbound.push(entry),
            Some(acl) => acl.inbound.push(entry),
            None => self.eval.note(format!(
                "{}: network ACL {} is not in the template; the entry is left out",
                r.origin(),
                acl.as_deref().unwrap_or("(unknown)")
            )),
        }
        Ok(())
    }

    fn network_acl_association(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let acl = self.text(r, "NetworkAclId")?;
        let subnet = self.text(r, "SubnetId")?;
        let found = self
            .inventory
            .network_acls
            .iter_mut()
            .find(|a| Some(&a.id) == acl.as_ref());
        match (found, subnet) {
            (Some(acl), Some(subnet)) => acl.subnets.push(subnet),
            _ => self.eval.note(format!(
                "{}: the network ACL or subnet is not in the template; the association is left out",
                r.origin()
            )),
        }
        Ok(())
    }

    // ---- connections ----------------------------------------------------------------

    fn peering(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let peering = PeeringDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpcs: [self.text(r, "VpcId")?, self.text(r, "PeerVpcId")?],
        };
        self.inventory.peerings.push(peering);
        Ok(())
    }

    fn transit_gateway_attachment(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let Some(transit_gateway) = self.text(r, "TransitGatewayId")? else {
            self.eval.note(format!(
                "{}: the transit gateway is unknown; the attachment is left out",
                r.origin()
            ));
            return Ok(());
        };
        let attachment = TgwAttachmentDef {
            transit_gateway,
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
        };
        self.inventory.transit_gateway_attachments.push(attachment);
        Ok(())
    }

    fn vpn_connection(&mut self, r: &Resource<'t>) -> Outcome<()> {
        if self.flag(r, "StaticRoutesOnly")? != Some(true) {
            self.bgp_vpns.insert(r.id.to_owned());
        }
        let vpn = VpnDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpn_gateway: self.text(r, "VpnGatewayId")?,
            transit_gateway: self.text(r, "TransitGatewayId")?,
            remote_cidrs: Vec::new(),
        };
        self.inventory.vpn_connections.push(vpn);
        Ok(())
    }

    fn vpn_connection_route(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let vpn = self.text(r, "VpnConnectionId")?;
        let cidr = self.text(r, "DestinationCidrBlock")?;
        let found = self
            .inventory
            .vpn_connections
            .iter_mut()
            .find(|v| Some(&v.id) == vpn.as_ref());
        match (found, cidr) {
            (Some(vpn), Some(cidr)) => vpn.remote_cidrs.push(cidr),
            _ => self.eval.note(format!(
                "{}: the VPN connection or destination is not known; the route is left out",
                r.origin()
            )),
        }
        Ok(())
    }

    /// The on-premises CIDRs of a VPN are its static routes; a BGP VPN learns them at run
    /// time.
    fn note_vpns_without_routes(&mut self) {
        let unrouted: Vec<(String, bool)> = self
            .inventory
            .vpn_connections
            .iter()
            .filter(|v| v.remote_cidrs.is_empty())
            .map(|v| (v.origin.clone(), self.bgp_vpns.contains(&v.id)))
            .collect();
        for (origin, bgp) in unrouted {
            let why = if bgp {
                "routes are learnt over BGP (StaticRoutesOnly is not true)"
            } else {
                "no AWS::EC2::VPNConnectionRoute gives its static routes"
            };
            self.eval.note(format!(
                "{origin}: {why}, so the on-premises CIDRs are unknown"
            ));
        }
    }

    // ---- DNS: Resolver, VPC endpoints, DHCP options -----------------------------------

    fn resolver_endpoint(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let direction = match self.text(r, "Direction")?.map(|d| d.to_ascii_uppercase()) {
            Some(d) if d == "INBOUND" => Direction::Inbound,
            Some(d) if d == "OUTBOUND" => Direction::Outbound,
            _ => {
                self.eval.note(format!(
                    "{}: Direction is not INBOUND or OUTBOUND; the endpoint is left out",
                    r.origin()
                ));
                return Ok(());
            }
        };
        let mut ips = Vec::new();
        let mut subnets = Vec::new();
        for address in self.property(r, "IpAddresses")?.items()? {
            ips.extend(address.get("Ip")?.text()?);
            subnets.extend(address.get("SubnetId")?.text()?);
        }
        let vpc = subnets.iter().find_map(|s| self.subnet_vpc(s));
        self.inventory.resolver_endpoints.push(ResolverEndpointDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            direction,
            vpc,
            ips,
            subnets,
        });
        Ok(())
    }

    fn resolver_rule(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let (Some(domain), Some(rule_type)) =
            (self.text(r, "DomainName")?, self.text(r, "RuleType")?)
        else {
            self.eval.note(format!(
                "{}: DomainName or RuleType is unknown; the rule is left out",
                r.origin()
            ));
            return Ok(());
        };
        let mut target_ips = Vec::new();
        for target in self.property(r, "TargetIps")?.items()? {
            target_ips.extend(target.get("Ip")?.text()?);
        }
        self.inventory.resolver_rules.push(ResolverRuleDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            domain,
            rule_type: rule_type.to_ascii_uppercase(),
            target_ips,
            vpcs: Vec::new(),
        });
        Ok(())
    }

    fn resolver_rule_association(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let rule = self.text(r, "ResolverRuleId")?;
        let vpc = self.text(r, "VPCId")?;
        let found = self
            .inventory
            .resolver_rules
            .iter_mut()
            .find(|x| Some(&x.id) == rule.as_ref());
        match (found, vpc) {
            (Some(rule), Some(vpc)) => rule.vpcs.push(vpc),
            _ => self.eval.note(format!(
                "{}: Resolver rule {} is not in the template (shared from another account?) or the VPC is unknown; the association is left out",
                r.origin(),
                rule.as_deref().unwrap_or("(unknown)")
            )),
        }
        Ok(())
    }

    fn vpc_endpoint(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let Some(service) = self.service_name(r)? else {
            self.eval.note(format!(
                "{}: the service name is unknown; the endpoint is left out",
                r.origin()
            ));
            return Ok(());
        };
        // CloudFormation's defaults, not the console's: a Gateway endpoint, and no private
        // DNS unless asked for.
        let kind = self
            .text(r, "VpcEndpointType")?
            .unwrap_or_else(|| "Gateway".to_owned());
        let private_dns = match self.flag(r, "PrivateDnsEnabled")? {
            Some(flag) => Some(flag),
            None if kind.eq_ignore_ascii_case("Interface") => Some(false),
            None => None,
        };
        let endpoint = VpcEndpointDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
            service,
            kind: Some(kind),
            private_dns,
            subnets: self.texts(r, "SubnetIds")?,
            route_tables: self.texts(r, "RouteTableIds")?,
        };
        self.inventory.vpc_endpoints.push(endpoint);
        Ok(())
    }

    /// The endpoint's service. `com.amazonaws.${AWS::Region}.ecr.api` names `ecr.api`
    /// whatever the region, so an unknown region does not lose the service.
    fn service_name(&mut self, r: &Resource<'t>) -> Outcome<Option<String>> {
        if self.eval.region().is_none()
            && let Some(short) = r
                .properties
                .and_then(|p| p.get("ServiceName"))
                .and_then(service_after_region)
        {
            return Ok(Some(short));
        }
        self.text(r, "ServiceName")
    }

    fn dhcp_options(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let options = DhcpOptionsDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            domain_name_servers: self.texts(r, "DomainNameServers")?,
            vpcs: Vec::new(),
        };
        self.inventory.dhcp_options.push(options);
        Ok(())
    }

    fn dhcp_options_association(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let options = self.text(r, "DhcpOptionsId")?;
        let vpc = self.text(r, "VpcId")?;
        if options.as_deref() == Some("default") {
            return Ok(());
        }
        let found = self
            .inventory
            .dhcp_options
            .iter_mut()
            .find(|o| Some(&o.id) == options.as_ref());
        match (found, vpc) {
            (Some(options), Some(vpc)) => options.vpcs.push(vpc),
            _ => self.eval.note(format!(
                "{}: the DHCP options or VPC are not in the template; the association is left out",
                r.origin()
            )),
        }
        Ok(())
    }
}

fn gateway(r: &Resource<'_>) -> GatewayDef {
    GatewayDef {
        id: r.id.to_owned(),
        origin: r.origin(),
        vpc: None,
    }
}

/// Attaches a gateway to a VPC; a gateway that exists outside the template (`igw-0abc`)
/// comes in with the attachment as its origin.
fn attach(gateways: &mut Vec<GatewayDef>, id: String, vpc: Option<String>, r: &Resource<'_>) {
    match gateways.iter_mut().find(|g| g.id == id) {
        Some(gateway) => gateway.vpc = vpc,
        None => gateways.push(GatewayDef {
            id,
            origin: r.origin(),
            vpc,
        }),
    }
}

/// The region the template is written for, when a literal says: a subnet's Availability
/// Zone (`us-west-2b`) or a VPC endpoint's service name (`com.amazonaws.eu-west-1.s3`),
/// written out or as a parameter default.
fn region_hint(resources: &[Resource<'_>], template: Template<'_>) -> Option<String> {
    let literal = |r: &Resource<'_>, key: &str| -> Option<String> {
        match r.properties?.get(key)? {
            Value::String(text) => Some(text.clone()),
            other => {
                let parameter = other.get("Ref")?.as_str()?;
                let default = template.parameters?.get(parameter)?.get("Default")?;
                default.as_str().map(str::to_owned)
            }
        }
    };
    resources.iter().find_map(|r| match r.kind {
        "AWS::EC2::Subnet" => literal(r, "AvailabilityZone").and_then(|az| region_of_zone(&az)),
        "AWS::EC2::VPCEndpoint" => literal(r, "ServiceName").and_then(|s| region_of_service(&s)),
        _ => None,
    })
}

/// `us-west-2b` → `us-west-2`; `us-gov-west-1a` → `us-gov-west-1`; a Local Zone
/// `us-west-2-lax-1a` → `us-west-2`.
fn region_of_zone(zone: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in zone.split('-') {
        if part.starts_with(|c: char| c.is_ascii_digit()) {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            if parts.len() < 2
                || !parts
                    .iter()
                    .all(|p| p.chars().all(|c| c.is_ascii_lowercase()))
            {
                return None;
            }
            return Some(format!("{}-{digits}", parts.join("-")));
        }
        parts.push(part);
    }
    None
}

/// `com.amazonaws.eu-west-1.ecr.api` → `eu-west-1`.
fn region_of_service(service: &str) -> Option<String> {
    let region = service.strip_prefix("com.amazonaws.")?.split('.').next()?;
    let looks_like_region = region.contains('-') && region.ends_with(|c: char| c.is_ascii_digit());
    looks_like_region.then(|| region.to_owned())
}

/// The service named after the region in `Fn::Sub "com.amazonaws.${AWS::Region}.ecr.api"`
/// or `Fn::Join ["", ["com.amazonaws.", !Ref AWS::Region, ".ecr.api"]]`.
fn service_after_region(raw: &Value) -> Option<String> {
    let short = match (raw.get("Fn::Sub"), raw.get("Fn::Join")) {
        (Some(Value::String(text)), _) => text.split_once("${AWS::Region}")?.1.to_owned(),
        (_, Some(Value::Sequence(join))) => {
            let [Value::String(delimiter), Value::Sequence(items)] = join.as_slice() else {
                return None;
            };
            let region = items
                .iter()
                .position(|item| item.get("Ref").and_then(Value::as_str) == Some("AWS::Region"))?;
            let after: Option<Vec<&str>> =
                items.iter().skip(region + 1).map(Value::as_str).collect();
            format!("{delimiter}{}", after?.join(delimiter))
        }
        _ => return None,
    };
    let short = short.trim_start_matches('.');
    (!short.is_empty() && !short.contains("${")).then(|| short.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_come_from_zone_and_service_names() {
        assert_eq!(region_of_zone("us-west-2b").as_deref(), Some("us-west-2"));
        assert_eq!(
            region_of_zone("us-gov-west-1a").as_deref(),
            Some("us-gov-west-1")
        );
        assert_eq!(
            region_of_zone("us-west-2-lax-1a").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(region_of_zone("use1-az1"), None);
        assert_eq!(
            region_of_service("com.amazonaws.eu-west-1.ecr.api").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(region_of_service("com.amazonaws.vpce.svc-123"), None);
    }

    #[test]
    fn the_service_after_the_region_survives_an_unknown_region() {
        let sub: Value =
            serde_yaml::from_str(r#"{"Fn::Sub": "com.amazonaws.${AWS::Region}.ecr.api"}"#).unwrap();
        assert_eq!(service_after_region(&sub).as_deref(), Some("ecr.api"));
        let join: Value = serde_yaml::from_str(
            r#"{"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".s3"]]}"#,
        )
        .unwrap();
        assert_eq!(service_after_region(&join).as_deref(), Some("s3"));
        let dotted: Value = serde_yaml::from_str(
            r#"{"Fn::Join": [".", ["com", "amazonaws", {"Ref": "AWS::Region"}, "ecr", "dkr"]]}"#,
        )
        .unwrap();
        assert_eq!(service_after_region(&dotted).as_deref(), Some("ecr.dkr"));
    }
}
