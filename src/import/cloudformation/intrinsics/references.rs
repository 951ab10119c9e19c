//! What a name in the template stands for: `Ref` to a parameter, a pseudo parameter or a
//! resource, `Fn::GetAtt`, `Fn::FindInMap`, and the name of an EKS cluster.
//!
//! The template is read as if deployed without overrides, so a parameter is its `Default`
//! (a list parameter's default split at the commas); one without a default, or read from SSM
//! Parameter Store, is unknown. `Ref` to a resource is its logical ID, but an Elastic IP's is
//! its address. `Fn::GetAtt` is the logical ID for ID attributes, the resource's own property
//! when the attribute echoes one, and unknown otherwise; the cluster security group EKS
//! creates gets the ID the scenario builder gives it. What only the deployed stack knows
//! (`AWS::StackName`, `AWS::AccountId`) is unknown. Reference: AWS CloudFormation Template
//! Reference, "Ref", "Fn::GetAtt", "Fn::FindInMap" and "Pseudo parameters reference".

use serde_yaml::{Mapping, Value};

use super::{Evaluator, Outcome, problem, scalar_text};
use crate::import::build::sanitize;

impl Evaluator<'_> {
    // ---- Ref and pseudo parameters ----------------------------------------------------

    pub(super) fn reference(&mut self, argument: &Value, path: &str) -> Outcome<Option<Value>> {
        let Some(name) = argument.as_str() else {
            return Err(problem(
                path,
                "Ref takes the name of a parameter, a resource or a pseudo parameter",
            ));
        };
        if name == "AWS::NoValue" {
            return Ok(None);
        }
        self.named(name, path).map(Some)
    }

    /// What `Ref name` (and `${name}` in `Fn::Sub`) stands for.
    pub(super) fn named(&mut self, name: &str, path: &str) -> Outcome<Value> {
        if name.starts_with("AWS::") {
            return self.pseudo_parameter(name, path);
        }
        if let Some(parameter) = self.template.parameters.and_then(|p| p.get(name)) {
            return Ok(self.parameter_value(name, parameter, path));
        }
        if let Some(resource) = self.template.resources.get(name) {
            return Ok(self.resource_reference(name, resource, path));
        }
        Err(problem(
            path,
            format!("`{name}` is neither a parameter nor a resource of the template"),
        ))
    }

    fn pseudo_parameter(&mut self, name: &str, path: &str) -> Outcome<Value> {
        match name {
            "AWS::Region" => Ok(match &self.region {
                Some(region) => Value::String(region.clone()),
                None => {
                    self.note_at(
                        path,
                        "AWS::Region: the template does not say which region it is deployed to; left unknown",
                    );
                    Value::Null
                }
            }),
            "AWS::Partition" => Ok(Value::String(self.partition().to_owned())),
            "AWS::URLSuffix" => Ok(Value::String(
                if self.partition() == "aws-cn" {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                }
                .to_owned(),
            )),
            "AWS::NoValue" => Ok(Value::Null),
            "AWS::StackName" | "AWS::StackId" | "AWS::AccountId" | "AWS::NotificationARNs" => {
                self.note_at(
                    path,
                    format!("{name} is known only when the stack is deployed; left unknown"),
                );
                Ok(Value::Null)
            }
            other => Err(problem(
                path,
                format!("`{other}` is not a CloudFormation pseudo parameter"),
            )),
        }
    }

    /// The partition of the region; `aws` when the region is not known, the partition of
    /// every commercial region.
    fn partition(&self) -> &'static str {
        match self.region.as_deref() {
            Some(region) if region.starts_with("cn-") => "aws-cn",
            Some(region) if region.starts_with("us-gov-") => "aws-us-gov",
            _ => "aws",
        }
    }

    /// A parameter is its `Default`: the template is read as if deployed without overrides.
    fn parameter_value(&mut self, name: &str, parameter: &Value, path: &str) -> Value {
        let kind = parameter
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or("String");
        let Some(default) = parameter.get("Default") else {
            self.note_at(
                path,
                format!("parameter {name} has no Default; its value is unknown"),
            );
            return Value::Null;
        };
        if kind.starts_with("AWS::SSM::Parameter::Value") {
            self.note_at(
                path,
                format!("parameter {name} is read from SSM Parameter Store at deploy time; its value is unknown"),
            );
            return Value::Null;
        }
        let is_list = kind == "CommaDelimitedList" || kind.starts_with("List<");
        match default {
            Value::String(text) if is_list => Value::Sequence(
                text.split(',')
                    .map(|item| Value::String(item.trim().to_owned()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn resource_reference(&mut self, name: &str, resource: &Value, path: &str) -> Value {
        if resource_type(resource) == Some("AWS::EC2::EIP") {
            // `Ref` of an Elastic IP is its address, allocated at deploy time.
            return self.eip_address(name, resource, path);
        }
        Value::String(name.to_owned())
    }

    /// The address of an Elastic IP: its `Address` property when it asks for a specific one.
    fn eip_address(&mut self, name: &str, resource: &Value, path: &str) -> Value {
        if let Some(Value::String(address)) = properties(resource).and_then(|p| p.get("Address")) {
            return Value::String(address.clone());
        }
        self.note_at(
            path,
            format!("the address of Elastic IP {name} is allocated when the stack is deployed; left unknown"),
        );
        Value::Null
    }

    // ---- Fn::GetAtt -------------------------------------------------------------------

    pub(super) fn get_att(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let (resource, attribute) = match argument {
            Value::String(text) => text.split_once('.').ok_or_else(|| {
                problem(
                    path,
                    "Fn::GetAtt takes \"Resource.Attribute\" or [Resource, Attribute]",
                )
            })?,
            Value::Sequence(items) => match items.as_slice() {
                [Value::String(resource), Value::String(attribute)] => {
                    (resource.as_str(), attribute.as_str())
                }
                _ => {
                    return Err(problem(
                        path,
                        "Fn::GetAtt takes [Resource, Attribute], two names",
                    ));
                }
            },
            _ => {
                return Err(problem(
                    path,
                    "Fn::GetAtt takes \"Resource.Attribute\" or [Resource, Attribute]",
                ));
            }
        };
        self.attribute(resource, attribute, path)
    }

    pub(super) fn attribute(&mut self, name: &str, attribute: &str, path: &str) -> Outcome<Value> {
        let Some(resource) = self.template.resources.get(name) else {
            return Err(problem(
                path,
                format!("Fn::GetAtt names `{name}`, which is not a resource of the template"),
            ));
        };
        let kind = resource_type(resource).unwrap_or_default();
        if attribute == "ClusterSecurityGroupId" && is_eks_cluster(kind) {
            let cluster = self.eks_cluster_name(name)?;
            return Ok(Value::String(cluster_security_group_id(&cluster)));
        }
        if kind == "AWS::EC2::EIP" && attribute == "PublicIp" {
            return Ok(self.eip_address(name, resource, path));
        }
        if let Some(property) = properties(resource).and_then(|p| p.get(attribute)) {
            // The attribute echoes a property (`CidrBlock`, a subnet's `VpcId`).
            let property_path = format!("Resources.{name}.Properties.{attribute}");
            return self.argument(property, &property_path);
        }
        if is_id_attribute(kind, attribute) {
            return Ok(Value::String(name.to_owned()));
        }
        self.note_at(
            path,
            format!("{name}.{attribute} is known only once the stack is deployed; left unknown"),
        );
        Ok(Value::Null)
    }

    /// The name of an EKS cluster resource (`AWS::EKS::Cluster` or the CDK's custom
    /// resource): its `Name`, or its logical ID when the name is not set or not known
    /// (CloudFormation then generates one).
    pub fn eks_cluster_name(&mut self, logical_id: &str) -> Outcome<String> {
        if let Some(name) = self.cluster_names.get(logical_id) {
            return Ok(name.clone());
        }
        let resource = self.template.resources.get(logical_id);
        let (raw, path) = match resource.map(|r| (resource_type(r), properties(r))) {
            Some((Some("AWS::EKS::Cluster" | "AWSQS::EKS::Cluster"), Some(props))) => (
                props.get("Name"),
                format!("Resources.{logical_id}.Properties.Name"),
            ),
            Some((Some("Custom::AWSCDK-EKS-Cluster"), Some(props))) => (
                props.get("Config").and_then(|config| config.get("name")),
                format!("Resources.{logical_id}.Properties.Config.name"),
            ),
            _ => (None, String::new()),
        };
        let evaluated = match raw {
            Some(raw) => self.argument(raw, &path)?,
            None => Value::Null,
        };
        let name = match scalar_text(&evaluated) {
            Some(name) if !name.is_empty() => name,
            _ => {
                let why = if raw.is_some() {
                    "is not known before deployment"
                } else {
                    "is not set, so CloudFormation generates it"
                };
                self.note_at(
                    &path,
                    format!("the cluster name {why}; the logical ID {logical_id} stands for it"),
                );
                logical_id.to_owned()
            }
        };
        self.cluster_names
            .insert(logical_id.to_owned(), name.clone());
        Ok(name)
    }

    pub(super) fn find_in_map(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let shape = "[MapName, TopLevelKey, SecondLevelKey]";
        let Value::Sequence(items) = argument else {
            return Err(problem(path, format!("Fn::FindInMap takes {shape}")));
        };
        let (keys, default) = match items.as_slice() {
            [map, top, second] => ([map, top, second], None),
            [map, top, second, Value::Mapping(options)] => {
                ([map, top, second], options.get("DefaultValue"))
            }
            _ => return Err(problem(path, format!("Fn::FindInMap takes {shape}"))),
        };
        let mut names = Vec::with_capacity(3);
        for key in keys {
            match self.argument(key, path)? {
                Value::Null => return Ok(Value::Null),
                value => names.push(
                    scalar_text(&value)
                        .ok_or_else(|| problem(path, "Fn::FindInMap: the keys must be strings"))?,
                ),
            }
        }
        let found = self.template.mappings.and_then(|mappings| {
            let (first, rest) = names.split_first()?;
            rest.iter()
                .try_fold(mappings.get(first.as_str())?, |node, name| {
                    node.get(name.as_str())
                })
        });
        match (found, default) {
            (Some(value), _) => self.argument(value, path),
            (None, Some(default)) => self.argument(default, path),
            (None, None) => Err(problem(
                path,
                format!("Fn::FindInMap: Mappings has no {}", names.join(".")),
            )),
        }
    }
}

pub fn resource_type(resource: &Value) -> Option<&str> {
    resource.get("Type").and_then(Value::as_str)
}

pub fn properties(resource: &Value) -> Option<&Mapping> {
    resource.get("Properties").and_then(Value::as_mapping)
}

/// The native EKS cluster type, and the custom resource the AWS CDK's `eks.Cluster` creates.
pub fn is_eks_cluster(kind: &str) -> bool {
    matches!(
        kind,
        "AWS::EKS::Cluster" | "AWSQS::EKS::Cluster" | "Custom::AWSCDK-EKS-Cluster"
    )
}

/// The ID the scenario builder gives the cluster security group EKS creates for `cluster`
/// (`Fn::GetAtt Cluster.ClusterSecurityGroupId` stands for it).
pub fn cluster_security_group_id(cluster: &str) -> String {
    format!("eks-cluster-sg-{}", sanitize(cluster))
}

/// Whether `GetAtt Resource.attribute` is the resource's own ID (its logical ID here).
fn is_id_attribute(kind: &str, attribute: &str) -> bool {
    attribute == "Id"
        || matches!(
            (kind, attribute),
            ("AWS::EC2::VPC", "VpcId")
                | ("AWS::EC2::Subnet", "SubnetId")
                | ("AWS::EC2::SecurityGroup", "GroupId")
                | ("AWS::EC2::EIP", "AllocationId")
                | ("AWS::EC2::RouteTable", "RouteTableId")
                | ("AWS::EC2::InternetGateway", "InternetGatewayId")
                | ("AWS::EC2::NatGateway", "NatGatewayId")
                | ("AWS::EC2::VPNGateway", "VPNGatewayId")
                | ("AWS::EC2::VPNConnection", "VpnConnectionId")
                | ("AWS::EC2::DHCPOptions", "DhcpOptionsId")
                | ("AWS::EC2::LaunchTemplate", "LaunchTemplateId")
                | (
                    "AWS::EC2::TransitGatewayAttachment",
                    "TransitGatewayAttachmentId"
                )
                | (
                    "AWS::EC2::TransitGatewayVpcAttachment",
                    "TransitGatewayAttachmentId"
                )
                | (
                    "AWS::Route53Resolver::ResolverEndpoint",
                    "ResolverEndpointId"
                )
                | ("AWS::Route53Resolver::ResolverRule", "ResolverRuleId")
        )
}

#[cfg(test)]
mod tests {
    use super::super::tests::{eval, eval_in, yaml};
    use super::*;

    #[test]
    fn ref_to_a_parameter_is_its_default_and_a_list_parameter_splits() {
        assert_eq!(eval("!Ref VpcCidr"), yaml("10.20.0.0/16"));
        assert_eq!(eval("!Ref Zones"), yaml("[eu-west-1a, eu-west-1b]"));
    }

    #[test]
    fn ref_to_a_parameter_without_default_is_unknown_and_noted() {
        let (result, notes) = eval_in(None, "!Ref NoDefault");
        assert_eq!(result.unwrap(), Some(Value::Null));
        assert!(
            notes
                .iter()
                .any(|n| n.contains("parameter NoDefault has no Default")),
            "{notes:?}"
        );
        let (result, notes) = eval_in(None, "!Ref Ami");
        assert_eq!(result.unwrap(), Some(Value::Null));
        assert!(notes.iter().any(|n| n.contains("SSM")), "{notes:?}");
    }

    #[test]
    fn ref_to_a_resource_is_its_logical_id_but_an_elastic_ip_is_unknown() {
        assert_eq!(eval("!Ref Subnet"), yaml("Subnet"));
        assert_eq!(eval("!Ref Ip"), Value::Null);
    }

    #[test]
    fn ref_to_nothing_is_a_problem_naming_the_path() {
        let (result, _) = eval_in(None, "!Ref Nothing");
        let error = result.unwrap_err();
        assert_eq!(error.path, "Resources.Test.Properties.X");
        assert!(error.message.contains("`Nothing`"), "{error:?}");
    }

    #[test]
    fn region_is_used_when_known_and_noted_when_not() {
        assert_eq!(eval("!Ref AWS::Region"), yaml("eu-west-1"));
        let (result, notes) = eval_in(None, "!Ref AWS::Region");
        assert_eq!(result.unwrap(), Some(Value::Null));
        assert!(notes.iter().any(|n| n.contains("AWS::Region")), "{notes:?}");
        assert_eq!(eval("!Ref AWS::Partition"), yaml("aws"));
    }

    #[test]
    fn get_att_gives_ids_echoed_properties_and_unknowns() {
        assert_eq!(eval("!GetAtt Vpc.VpcId"), yaml("Vpc"));
        assert_eq!(eval("!GetAtt Ip.AllocationId"), yaml("Ip"));
        assert_eq!(eval("!GetAtt Vpc.CidrBlock"), yaml("10.20.0.0/16"));
        assert_eq!(eval("!GetAtt Subnet.VpcId"), yaml("Vpc"));
        assert_eq!(eval("!GetAtt Ip.PublicIp"), Value::Null);
        assert_eq!(
            eval(r#"{"Fn::GetAtt": "Vpc.CidrBlock"}"#),
            yaml("10.20.0.0/16")
        );
        assert_eq!(
            eval("!GetAtt Cluster.ClusterSecurityGroupId"),
            yaml("eks-cluster-sg-prod-eks")
        );
    }

    #[test]
    fn find_in_map_looks_up_with_evaluated_keys() {
        assert_eq!(eval("!FindInMap [Sizes, !Ref Stage, Nat]"), yaml("'3'"));
        let (result, _) = eval_in(None, "!FindInMap [Sizes, dev, Nat]");
        assert!(result.is_err());
    }
}
