//! CloudFormation intrinsic functions, evaluated within one template and without AWS.
//!
//! A value comes out known, unknown or absent: [`Evaluator::evaluate`] returns `Ok(None)` for
//! `AWS::NoValue` (the property is left out) and [`Value::Null`] for a value only AWS knows
//! (a stack name, an imported export, a parameter without a default). Every unknown is noted
//! once, with the path of the property it made unknown, so the import can say what it could
//! not see. A template that CloudFormation itself would reject (a malformed intrinsic, a `Ref`
//! to nothing) is a [`Problem`].
//!
//! `Ref` to a resource is its logical ID: the logical IDs are the IDs of the generated
//! scenario. `Fn::GetAtt` is the logical ID for ID attributes (`GroupId`, `AllocationId`), the
//! resource's own property when the attribute echoes one (`CidrBlock`, `VpcId` of a subnet),
//! and unknown otherwise (`Arn`, `PublicIp`).
//!
//! Reference: AWS CloudFormation Template Reference, "Intrinsic function reference" and
//! "Pseudo parameters reference".

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use ipnetwork::Ipv4Network;
use serde_yaml::value::TaggedValue;
use serde_yaml::{Mapping, Value};

use crate::import::build::sanitize;

/// Deeper nesting than this is a template that refers to itself (or is not worth reading).
const MAX_DEPTH: usize = 64;

/// The Availability Zones `Fn::GetAZs` stands for when the region is known: the three that
/// every commercial region has. The real list is only known to the account at deploy time.
const ZONE_LETTERS: [&str; 3] = ["a", "b", "c"];

/// Something wrong with the template: where (`Resources.Subnet.Properties.CidrBlock`) and
/// what. The reader adds the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

pub type Outcome<T> = Result<T, Problem>;

pub fn problem(path: &str, message: impl Into<String>) -> Problem {
    Problem {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// The sections of a template that intrinsics refer to.
#[derive(Debug, Clone, Copy)]
pub struct Template<'t> {
    pub parameters: Option<&'t Mapping>,
    pub mappings: Option<&'t Mapping>,
    pub conditions: Option<&'t Mapping>,
    pub resources: &'t Mapping,
}

/// What stayed unknown, and the properties it touched.
#[derive(Debug)]
struct Note {
    message: String,
    paths: Vec<String>,
}

impl Note {
    /// How many paths a note lists before it counts the rest.
    const SHOWN_PATHS: usize = 3;

    fn render(&self) -> String {
        match self.paths.as_slice() {
            [] => self.message.clone(),
            [path] => format!("{path}: {}", self.message),
            paths => {
                let shown: Vec<&str> = paths
                    .iter()
                    .take(Self::SHOWN_PATHS)
                    .map(String::as_str)
                    .collect();
                let more = paths.len().saturating_sub(Self::SHOWN_PATHS);
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                format!("{} (at {}{tail})", self.message, shown.join(", "))
            }
        }
    }
}

/// Evaluates intrinsic functions and conditions, and keeps the notes on what stayed unknown.
#[derive(Debug)]
pub struct Evaluator<'t> {
    template: Template<'t>,
    region: Option<String>,
    notes: Vec<Note>,
    conditions: HashMap<String, Option<bool>>,
    /// Conditions being evaluated, to catch one that refers to itself.
    pending_conditions: HashSet<String>,
    cluster_names: HashMap<String, String>,
    depth: usize,
}

impl<'t> Evaluator<'t> {
    pub fn new(template: Template<'t>, region: Option<String>) -> Self {
        Evaluator {
            template,
            region,
            notes: Vec::new(),
            conditions: HashMap::new(),
            pending_conditions: HashSet::new(),
            cluster_names: HashMap::new(),
            depth: 0,
        }
    }

    /// The region the template is read for, when something in it says.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Records what the template does not say, once.
    pub fn note(&mut self, message: String) {
        if !self.notes.iter().any(|n| n.message == message) {
            self.notes.push(Note {
                message,
                paths: Vec::new(),
            });
        }
    }

    /// Records that `message` made the value at `path` unknown. One cause (the region, the
    /// stack name) makes one note, however many properties it touches.
    pub fn note_at(&mut self, path: &str, message: impl Into<String>) {
        let message = message.into();
        match self.notes.iter_mut().find(|n| n.message == message) {
            Some(note) => {
                if !note.paths.iter().any(|p| p == path) {
                    note.paths.push(path.to_owned());
                }
            }
            None => self.notes.push(Note {
                message,
                paths: vec![path.to_owned()],
            }),
        }
    }

    /// The notes as `imported.missing` lines.
    pub fn into_notes(self) -> Vec<String> {
        self.notes.iter().map(Note::render).collect()
    }

    /// Evaluates `value` at `path`: `Ok(None)` for `AWS::NoValue`, [`Value::Null`] where the
    /// value is unknown, intrinsics replaced everywhere inside lists and mappings.
    pub fn evaluate(&mut self, value: &Value, path: &str) -> Outcome<Option<Value>> {
        if self.depth >= MAX_DEPTH {
            return Err(problem(
                path,
                "intrinsic functions nest too deeply: does a value refer to itself?",
            ));
        }
        self.depth += 1;
        let result = self.evaluate_unguarded(value, path);
        self.depth -= 1;
        result
    }

    fn evaluate_unguarded(&mut self, value: &Value, path: &str) -> Outcome<Option<Value>> {
        match value {
            Value::Mapping(map) => match intrinsic(map) {
                Some((name, argument)) => self.function(name, argument, path),
                None => {
                    let mut out = Mapping::new();
                    for (key, item) in map {
                        let child = format!("{path}.{}", key_text(key));
                        if let Some(item) = self.evaluate(item, &child)? {
                            out.insert(key.clone(), item);
                        }
                    }
                    Ok(Some(Value::Mapping(out)))
                }
            },
            Value::Sequence(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    if let Some(item) = self.evaluate(item, &format!("{path}[{i}]"))? {
                        out.push(item);
                    }
                }
                Ok(Some(Value::Sequence(out)))
            }
            Value::Tagged(_) => self.evaluate(&long_form(value.clone()), path),
            scalar => Ok(Some(scalar.clone())),
        }
    }

    /// An argument of a function: `AWS::NoValue` there means nothing, so it is unknown.
    fn argument(&mut self, value: &Value, path: &str) -> Outcome<Value> {
        Ok(self.evaluate(value, path)?.unwrap_or(Value::Null))
    }

    fn function(&mut self, name: &str, argument: &Value, path: &str) -> Outcome<Option<Value>> {
        let value = match name {
            "Ref" => return self.reference(argument, path),
            "Fn::If" => return self.if_then_else(argument, path),
            "Fn::GetAtt" => self.get_att(argument, path)?,
            "Fn::Sub" => self.sub(argument, path)?,
            "Fn::Join" => self.join(argument, path)?,
            "Fn::Select" => self.select(argument, path)?,
            "Fn::Split" => self.split(argument, path)?,
            "Fn::GetAZs" => self.get_azs(argument, path)?,
            "Fn::Cidr" => self.cidr(argument, path)?,
            "Fn::FindInMap" => self.find_in_map(argument, path)?,
            "Fn::Length" => self.length(argument, path)?,
            // Opaque to the network model (user data); the text itself is kept.
            "Fn::Base64" => self.argument(argument, path)?,
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" => {
                match self.condition_function(name, argument, path)? {
                    Some(known) => Value::Bool(known),
                    None => Value::Null,
                }
            }
            "Fn::ImportValue" => {
                self.note_at(
                    path,
                    "Fn::ImportValue reads another stack's export, which the template does not show; left unknown",
                );
                Value::Null
            }
            "Fn::ToJsonString" | "Fn::Transform" | "Fn::GetStackOutput" => {
                self.note_at(path, format!("{name} is not evaluated; left unknown"));
                Value::Null
            }
            other => {
                return Err(problem(
                    path,
                    format!("`{other}` is not a CloudFormation intrinsic function"),
                ));
            }
        };
        Ok(Some(value))
    }

    // ---- Ref and pseudo parameters ----------------------------------------------------

    fn reference(&mut self, argument: &Value, path: &str) -> Outcome<Option<Value>> {
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
    fn named(&mut self, name: &str, path: &str) -> Outcome<Value> {
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

    fn get_att(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
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

    fn attribute(&mut self, name: &str, attribute: &str, path: &str) -> Outcome<Value> {
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
            Some((Some("AWS::EKS::Cluster"), Some(props))) => (
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

    // ---- string and list functions ----------------------------------------------------

    fn sub(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let (template, variables) = match argument {
            Value::String(text) => (text.as_str(), None),
            Value::Sequence(items) => match items.as_slice() {
                [Value::String(text), Value::Mapping(variables)] => {
                    (text.as_str(), Some(variables))
                }
                [Value::String(text)] => (text.as_str(), None),
                _ => return Err(sub_shape(path)),
            },
            _ => return Err(sub_shape(path)),
        };
        let mut out = String::new();
        let mut known = true;
        let mut rest = template;
        while let Some((before, after)) = rest.split_once("${") {
            out.push_str(before);
            if let Some(literal) = after.strip_prefix('!') {
                // `${!Literal}` is written out as `${Literal}`.
                out.push_str("${");
                rest = literal;
                continue;
            }
            let Some((name, after_name)) = after.split_once('}') else {
                return Err(problem(
                    path,
                    format!("Fn::Sub: `${{` without a closing `}}` in \"{template}\""),
                ));
            };
            let value = self.sub_variable(name.trim(), variables, path)?;
            match &value {
                Value::Null => known = false,
                other => match scalar_text(other) {
                    Some(text) => out.push_str(&text),
                    None => {
                        return Err(problem(
                            path,
                            format!("Fn::Sub: ${{{name}}} is a list or mapping, not a string"),
                        ));
                    }
                },
            }
            rest = after_name;
        }
        out.push_str(rest);
        Ok(if known {
            Value::String(out)
        } else {
            Value::Null
        })
    }

    fn sub_variable(
        &mut self,
        name: &str,
        variables: Option<&Mapping>,
        path: &str,
    ) -> Outcome<Value> {
        if let Some(value) = variables.and_then(|v| v.get(name)) {
            return self.argument(value, path);
        }
        match name.split_once('.') {
            Some((resource, attribute)) if !name.starts_with("AWS::") => {
                self.attribute(resource, attribute, path)
            }
            _ => self.named(name, path),
        }
    }

    fn join(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let [delimiter, list] =
            arguments::<2>(argument, "Fn::Join", "[delimiter, [values]]", path)?;
        let delimiter = self.argument(delimiter, path)?;
        let list = self.argument(list, path)?;
        let (Some(delimiter), Value::Sequence(items)) = (scalar_text(&delimiter), &list) else {
            return if delimiter.is_null() || list.is_null() {
                Ok(Value::Null)
            } else {
                Err(problem(path, "Fn::Join takes [delimiter, [values]]"))
            };
        };
        let mut parts = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::Null => return Ok(Value::Null),
                other => parts.push(scalar_text(other).ok_or_else(|| {
                    problem(path, "Fn::Join: every value joined must be a string")
                })?),
            }
        }
        Ok(Value::String(parts.join(&delimiter)))
    }

    fn select(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let [index, list] = arguments::<2>(argument, "Fn::Select", "[index, [values]]", path)?;
        let from_zones = intrinsic_name(list) == Some("Fn::GetAZs");
        let index = self.argument(index, path)?;
        let list = self.argument(list, path)?;
        if index.is_null() || list.is_null() {
            return Ok(Value::Null);
        }
        let Some(index) = scalar_text(&index).and_then(|i| i.trim().parse::<usize>().ok()) else {
            return Err(problem(
                path,
                "Fn::Select: the index must be a whole number",
            ));
        };
        let Value::Sequence(items) = list else {
            return Err(problem(path, "Fn::Select picks from a list"));
        };
        match items.get(index) {
            Some(item) => Ok(item.clone()),
            // The placeholder zones are three; the region may well have more.
            None if from_zones => {
                self.note_at(
                    path,
                    format!("Fn::Select picks Availability Zone {index} of the region, which is not known; left unknown"),
                );
                Ok(Value::Null)
            }
            None => Err(problem(
                path,
                format!(
                    "Fn::Select: index {index} is past the end of a list of {}",
                    items.len()
                ),
            )),
        }
    }

    fn split(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let [delimiter, text] = arguments::<2>(argument, "Fn::Split", "[delimiter, string]", path)?;
        let delimiter = self.argument(delimiter, path)?;
        let text = self.argument(text, path)?;
        match (scalar_text(&delimiter), scalar_text(&text)) {
            (Some(delimiter), Some(text)) if !delimiter.is_empty() => Ok(Value::Sequence(
                text.split(delimiter.as_str())
                    .map(|part| Value::String(part.to_owned()))
                    .collect(),
            )),
            _ if delimiter.is_null() || text.is_null() => Ok(Value::Null),
            _ => Err(problem(
                path,
                "Fn::Split takes [delimiter, string], a non-empty delimiter",
            )),
        }
    }

    fn get_azs(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let region = match self.argument(argument, path)? {
            Value::Null => return Ok(Value::Null),
            Value::String(region) if region.is_empty() => self.region.clone(),
            Value::String(region) => Some(region),
            _ => return Err(problem(path, "Fn::GetAZs takes a region name or \"\"")),
        };
        match region {
            Some(region) => Ok(Value::Sequence(
                ZONE_LETTERS
                    .iter()
                    .map(|letter| Value::String(format!("{region}{letter}")))
                    .collect(),
            )),
            None => {
                self.note_at(
                    path,
                    "Fn::GetAZs needs the region, which the template does not give; the Availability Zone is unknown",
                );
                Ok(Value::Null)
            }
        }
    }

    fn cidr(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let [block, count, bits] =
            arguments::<3>(argument, "Fn::Cidr", "[ipBlock, count, cidrBits]", path)?;
        let block = self.argument(block, path)?;
        let count = self.argument(count, path)?;
        let bits = self.argument(bits, path)?;
        if block.is_null() || count.is_null() || bits.is_null() {
            return Ok(Value::Null);
        }
        let block = scalar_text(&block)
            .ok_or_else(|| problem(path, "Fn::Cidr: ipBlock must be a CIDR block"))?;
        if block.contains(':') {
            self.note_at(
                path,
                format!("Fn::Cidr on the IPv6 block {block} is not modelled; left unknown"),
            );
            return Ok(Value::Null);
        }
        let number = |value: &Value, what: &str| {
            scalar_text(value)
                .and_then(|text| text.trim().parse::<u32>().ok())
                .ok_or_else(|| problem(path, format!("Fn::Cidr: {what} must be a whole number")))
        };
        let blocks = carve_cidrs(&block, number(&count, "count")?, number(&bits, "cidrBits")?)
            .map_err(|message| problem(path, format!("Fn::Cidr: {message}")))?;
        Ok(Value::Sequence(
            blocks.into_iter().map(Value::String).collect(),
        ))
    }

    fn find_in_map(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
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

    fn length(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        match self.argument(argument, path)? {
            Value::Sequence(items) => Ok(Value::Number(items.len().into())),
            Value::Null => Ok(Value::Null),
            _ => Err(problem(path, "Fn::Length takes a list")),
        }
    }

    // ---- conditions -------------------------------------------------------------------

    fn if_then_else(&mut self, argument: &Value, path: &str) -> Outcome<Option<Value>> {
        let [condition, then, otherwise] = arguments::<3>(
            argument,
            "Fn::If",
            "[ConditionName, value if true, value if false]",
            path,
        )?;
        let Some(name) = condition.as_str() else {
            return Err(problem(path, "Fn::If: the first item names a condition"));
        };
        let chosen = match self.condition(name, path)? {
            Some(true) => then,
            Some(false) => otherwise,
            None => {
                self.note_at(
                    path,
                    format!("condition {name} cannot be evaluated without deploying; its first branch is assumed"),
                );
                then
            }
        };
        self.evaluate(chosen, path)
    }

    /// The value of a named condition of the `Conditions` section: `None` when it depends on
    /// something unknown.
    pub fn condition(&mut self, name: &str, path: &str) -> Outcome<Option<bool>> {
        if let Some(known) = self.conditions.get(name) {
            return Ok(*known);
        }
        let Some(definition) = self.template.conditions.and_then(|c| c.get(name)) else {
            return Err(problem(
                path,
                format!("condition `{name}` is not in the Conditions section"),
            ));
        };
        if !self.pending_conditions.insert(name.to_owned()) {
            return Err(problem(
                &format!("Conditions.{name}"),
                format!("condition `{name}` refers to itself"),
            ));
        }
        let value = self.condition_value(definition, &format!("Conditions.{name}"));
        self.pending_conditions.remove(name);
        let value = value?;
        self.conditions.insert(name.to_owned(), value);
        Ok(value)
    }

    fn condition_value(&mut self, value: &Value, path: &str) -> Outcome<Option<bool>> {
        let function = match value {
            Value::Mapping(map) if map.len() == 1 => {
                map.iter().next().and_then(|(k, v)| Some((k.as_str()?, v)))
            }
            Value::Bool(known) => return Ok(Some(*known)),
            Value::Tagged(_) => return self.condition_value(&long_form(value.clone()), path),
            _ => None,
        };
        match function {
            Some(("Condition", name)) => {
                let Some(name) = name.as_str() else {
                    return Err(problem(path, "Condition takes the name of a condition"));
                };
                self.condition(name, path)
            }
            Some((name, argument)) => self.condition_function(name, argument, path),
            None => Err(problem(
                path,
                "a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition",
            )),
        }
    }

    fn condition_function(
        &mut self,
        name: &str,
        argument: &Value,
        path: &str,
    ) -> Outcome<Option<bool>> {
        match name {
            "Fn::Equals" => {
                let [left, right] = arguments::<2>(argument, name, "[value, value]", path)?;
                let left = self.argument(left, path)?;
                let right = self.argument(right, path)?;
                Ok(same(&left, &right))
            }
            "Fn::Not" => {
                let [inner] = arguments::<1>(argument, name, "[condition]", path)?;
                Ok(self.condition_value(inner, path)?.map(|known| !known))
            }
            "Fn::And" | "Fn::Or" => {
                let Value::Sequence(items) = argument else {
                    return Err(problem(path, format!("{name} takes a list of conditions")));
                };
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.condition_value(item, path)?);
                }
                Ok(if name == "Fn::And" {
                    all_of(&values)
                } else {
                    any_of(&values)
                })
            }
            "Ref" | "Fn::FindInMap" | "Fn::Select" => {
                // Not a condition function, but a value "true"/"false" reads as one.
                let value = self.function(name, argument, path)?.unwrap_or(Value::Null);
                match value {
                    Value::Null => Ok(None),
                    other => Ok(scalar_text(&other).and_then(|t| parse_flag(&t))),
                }
            }
            other => Err(problem(
                path,
                format!("`{other}` is not a condition function"),
            )),
        }
    }
}

/// `Fn::And` in three-valued logic: false wins, then unknown.
fn all_of(values: &[Option<bool>]) -> Option<bool> {
    if values.contains(&Some(false)) {
        Some(false)
    } else if values.contains(&None) {
        None
    } else {
        Some(true)
    }
}

/// `Fn::Or` in three-valued logic: true wins, then unknown.
fn any_of(values: &[Option<bool>]) -> Option<bool> {
    if values.contains(&Some(true)) {
        Some(true)
    } else if values.contains(&None) {
        None
    } else {
        Some(false)
    }
}

/// `Fn::Equals`: CloudFormation compares the string forms (`"80"` equals `80`); unknown when
/// either side is.
fn same(left: &Value, right: &Value) -> Option<bool> {
    match (left, right) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Sequence(a), Value::Sequence(b)) => {
            if a.len() != b.len() {
                return Some(false);
            }
            let pairs: Vec<Option<bool>> = a.iter().zip(b).map(|(x, y)| same(x, y)).collect();
            all_of(&pairs)
        }
        (a, b) => match (scalar_text(a), scalar_text(b)) {
            (Some(a), Some(b)) => Some(a == b),
            _ => Some(a == b),
        },
    }
}

fn sub_shape(path: &str) -> Problem {
    problem(
        path,
        "Fn::Sub takes a string, or [string, {Variable: value}]",
    )
}

/// The `N` arguments of a function written as a list of `N` items.
fn arguments<'v, const N: usize>(
    argument: &'v Value,
    function: &str,
    shape: &str,
    path: &str,
) -> Outcome<[&'v Value; N]> {
    let items = match argument {
        Value::Sequence(items) => items,
        _ => return Err(problem(path, format!("{function} takes {shape}"))),
    };
    let refs: Vec<&Value> = items.iter().collect();
    refs.try_into().map_err(|_| {
        problem(
            path,
            format!("{function} takes {shape}: {} items, not {}", N, items.len()),
        )
    })
}

/// The function a single-key mapping calls (`Ref`, `Fn::…`), if it is one.
fn intrinsic(map: &Mapping) -> Option<(&str, &Value)> {
    if map.len() != 1 {
        return None;
    }
    let (key, argument) = map.iter().next()?;
    let name = key.as_str()?;
    (name == "Ref" || name.starts_with("Fn::")).then_some((name, argument))
}

/// The function `value` calls, if it is an intrinsic.
pub fn intrinsic_name(value: &Value) -> Option<&str> {
    value.as_mapping().and_then(intrinsic).map(|(name, _)| name)
}

/// The text of a scalar as CloudFormation reads it: numbers and booleans stand for their
/// string form.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// `true`/`false` in any case, as CloudFormation accepts booleans written as strings.
pub fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn key_text(key: &Value) -> String {
    scalar_text(key).unwrap_or_else(|| "?".to_owned())
}

pub fn resource_type(resource: &Value) -> Option<&str> {
    resource.get("Type").and_then(Value::as_str)
}

pub fn properties(resource: &Value) -> Option<&Mapping> {
    resource.get("Properties").and_then(Value::as_mapping)
}

/// The native EKS cluster type, and the custom resource the AWS CDK's `eks.Cluster` creates.
pub fn is_eks_cluster(kind: &str) -> bool {
    matches!(kind, "AWS::EKS::Cluster" | "Custom::AWSCDK-EKS-Cluster")
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

/// `Fn::Cidr`: `count` consecutive blocks of `cidr_bits` host bits (a /(32 − cidrBits)),
/// carved in order from the start of `block`.
pub fn carve_cidrs(block: &str, count: u32, cidr_bits: u32) -> Result<Vec<String>, String> {
    let block: Ipv4Network = block
        .trim()
        .parse()
        .map_err(|_| format!("`{block}` is not an IPv4 CIDR block"))?;
    if !(1..=256).contains(&count) {
        return Err(format!("count is {count}; it must be 1 to 256"));
    }
    let prefix = 32u32
        .checked_sub(cidr_bits)
        .filter(|prefix| *prefix >= u32::from(block.prefix()) && cidr_bits >= 1)
        .ok_or_else(|| {
            format!(
                "cidrBits {cidr_bits} does not fit in {block}: it must be 1 to {}",
                32 - u32::from(block.prefix())
            )
        })?;
    let available = 1u64 << (prefix - u32::from(block.prefix()));
    if u64::from(count) > available {
        return Err(format!(
            "{block} holds {available} blocks of /{prefix}, not {count}"
        ));
    }
    let size = 1u64 << cidr_bits;
    let base = u64::from(u32::from(block.network()));
    (0..u64::from(count))
        .map(|i| {
            let start =
                u32::try_from(base + i * size).map_err(|_| "address overflow".to_owned())?;
            Ok(format!("{}/{prefix}", Ipv4Addr::from(start)))
        })
        .collect()
}

/// Replaces YAML short-form tags by the long form they abbreviate: `!Ref X` →
/// `{Ref: X}`, `!GetAtt A.B` → `{Fn::GetAtt: [A, B]}` (split at the first dot),
/// `!Condition C` → `{Condition: C}`, `!Sub …` → `{Fn::Sub: …}`.
pub fn long_form(value: Value) -> Value {
    match value {
        Value::Tagged(tagged) => {
            let TaggedValue { tag, value } = *tagged;
            let tag = tag.to_string();
            let name = tag.trim_start_matches('!');
            let argument = long_form(value);
            let (key, argument) = match name {
                "Ref" | "Condition" => (name.to_owned(), argument),
                "GetAtt" => ("Fn::GetAtt".to_owned(), split_get_att(argument)),
                other => (format!("Fn::{other}"), argument),
            };
            let mut map = Mapping::new();
            map.insert(Value::String(key), argument);
            Value::Mapping(map)
        }
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(long_form).collect()),
        Value::Mapping(map) => Value::Mapping(
            map.into_iter()
                .map(|(key, item)| (key, long_form(item)))
                .collect(),
        ),
        scalar => scalar,
    }
}

/// `A.B.C` → `[A, B.C]`: a logical ID has no dots, an attribute may.
fn split_get_att(argument: Value) -> Value {
    match argument {
        Value::String(text) => match text.split_once('.') {
            Some((resource, attribute)) => Value::Sequence(vec![
                Value::String(resource.to_owned()),
                Value::String(attribute.to_owned()),
            ]),
            None => Value::String(text),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"
Parameters:
  VpcCidr: { Type: String, Default: 10.20.0.0/16 }
  Stage: { Type: String, Default: prod }
  NoDefault: { Type: String }
  Zones: { Type: CommaDelimitedList, Default: "eu-west-1a, eu-west-1b" }
  Ami: { Type: "AWS::SSM::Parameter::Value<String>", Default: /aws/ami }
Mappings:
  Sizes:
    prod: { Nat: "3" }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
  Unknown: !Equals [!Ref NoDefault, x]
  ProdOrUnknown: !Or [!Condition IsProd, !Condition Unknown]
  DevAndUnknown: !And [!Condition IsDev, !Condition Unknown]
  Loop: !Not [!Condition Loop]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: !Ref VpcCidr }
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.20.1.0/24 }
  Ip:
    Type: AWS::EC2::EIP
  Cluster:
    Type: AWS::EKS::Cluster
    Properties: { Name: !Sub "${Stage}-eks" }
"#;

    fn document() -> Value {
        long_form(serde_yaml::from_str(TEMPLATE).unwrap())
    }

    fn template(document: &Value) -> Template<'_> {
        Template {
            parameters: document.get("Parameters").and_then(Value::as_mapping),
            mappings: document.get("Mappings").and_then(Value::as_mapping),
            conditions: document.get("Conditions").and_then(Value::as_mapping),
            resources: document
                .get("Resources")
                .and_then(Value::as_mapping)
                .unwrap(),
        }
    }

    /// Evaluates one YAML expression against the test template.
    fn eval_in(region: Option<&str>, expression: &str) -> (Outcome<Option<Value>>, Vec<String>) {
        let document = document();
        let mut evaluator = Evaluator::new(template(&document), region.map(str::to_owned));
        let value = long_form(serde_yaml::from_str(expression).unwrap());
        let result = evaluator.evaluate(&value, "Resources.Test.Properties.X");
        (result, evaluator.into_notes())
    }

    fn eval(expression: &str) -> Value {
        eval_in(Some("eu-west-1"), expression).0.unwrap().unwrap()
    }

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn short_form_tags_become_the_long_form() {
        let value = long_form(yaml("[!Ref A, !GetAtt B.C.D, !Sub x, !Condition E]"));
        assert_eq!(
            value,
            yaml(r#"[{Ref: A}, {"Fn::GetAtt": [B, C.D]}, {"Fn::Sub": x}, {Condition: E}]"#)
        );
    }

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
    fn no_value_removes_the_item() {
        assert_eq!(eval("[a, !Ref 'AWS::NoValue', b]"), yaml("[a, b]"));
        assert_eq!(eval("{A: 1, B: !Ref 'AWS::NoValue'}"), yaml("{A: 1}"));
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
    fn sub_substitutes_parameters_resources_attributes_and_variables() {
        assert_eq!(
            eval(r#"!Sub "${Stage}-${Vpc}-${Vpc.CidrBlock}-${AWS::Region}-${!Literal}""#),
            yaml("prod-Vpc-10.20.0.0/16-eu-west-1-${Literal}")
        );
        assert_eq!(
            eval(r#"!Sub ["${Name}.${Stage}", {Name: !Ref Subnet}]"#),
            yaml("Subnet.prod")
        );
        let (result, notes) = eval_in(None, r#"!Sub "${AWS::StackName}-x""#);
        assert_eq!(result.unwrap(), Some(Value::Null));
        assert!(
            notes.iter().any(|n| n.contains("AWS::StackName")),
            "{notes:?}"
        );
    }

    #[test]
    fn join_select_split_and_get_azs_compose() {
        assert_eq!(eval("!Join ['-', [a, !Ref Stage, 3]]"), yaml("a-prod-3"));
        assert_eq!(eval("!Select [1, !GetAZs '']"), yaml("eu-west-1b"));
        assert_eq!(eval("!Select ['2', !Split [',', 'x,y,z']]"), yaml("z"));
        assert_eq!(
            eval("!GetAZs us-east-2"),
            yaml("[us-east-2a, us-east-2b, us-east-2c]")
        );
        let (result, notes) = eval_in(None, "!Select [0, !GetAZs '']");
        assert_eq!(result.unwrap(), Some(Value::Null));
        assert!(notes.iter().any(|n| n.contains("Fn::GetAZs")), "{notes:?}");
    }

    #[test]
    fn select_past_the_end_of_a_written_list_is_a_problem() {
        let (result, _) = eval_in(None, "!Select [3, [a, b]]");
        assert!(result.unwrap_err().message.contains("index 3"));
    }

    #[test]
    fn cidr_carves_consecutive_blocks_from_the_start() {
        assert_eq!(
            eval("!Cidr [!Ref VpcCidr, 3, 8]"),
            yaml("[10.20.0.0/24, 10.20.1.0/24, 10.20.2.0/24]")
        );
        assert_eq!(
            eval("!Select [1, !Cidr ['192.168.0.0/24', '6', '5']]"),
            yaml("192.168.0.32/27")
        );
        assert_eq!(
            carve_cidrs("10.0.0.0/16", 2, 12).unwrap(),
            ["10.0.0.0/20", "10.0.16.0/20"]
        );
        assert!(carve_cidrs("10.0.0.0/24", 3, 7).is_err(), "two /25 only");
        assert!(
            carve_cidrs("10.0.0.0/24", 1, 9).is_err(),
            "bigger than the block"
        );
        assert!(carve_cidrs("10.0.0.0/24", 0, 4).is_err(), "count 0");
        assert!(carve_cidrs("nonsense", 1, 4).is_err());
    }

    #[test]
    fn conditions_evaluate_on_defaults_in_three_valued_logic() {
        assert_eq!(eval("!If [IsProd, yes, no]"), yaml("yes"));
        assert_eq!(eval("!If [IsDev, yes, no]"), yaml("no"));
        assert_eq!(eval("!If [ProdOrUnknown, yes, no]"), yaml("yes"));
        assert_eq!(eval("!If [DevAndUnknown, yes, no]"), yaml("no"));
        let (result, notes) = eval_in(None, "!If [Unknown, first, second]");
        assert_eq!(result.unwrap(), Some(yaml("first")));
        assert!(
            notes.iter().any(|n| n.contains("first branch")),
            "{notes:?}"
        );
    }

    #[test]
    fn a_condition_that_refers_to_itself_is_a_problem() {
        let (result, _) = eval_in(None, "!If [Loop, a, b]");
        assert!(result.unwrap_err().message.contains("refers to itself"));
    }

    #[test]
    fn find_in_map_looks_up_with_evaluated_keys() {
        assert_eq!(eval("!FindInMap [Sizes, !Ref Stage, Nat]"), yaml("'3'"));
        let (result, _) = eval_in(None, "!FindInMap [Sizes, dev, Nat]");
        assert!(result.is_err());
    }

    #[test]
    fn import_value_is_unknown_and_noted() {
        let (result, notes) = eval_in(None, "!ImportValue shared-vpc");
        assert_eq!(result.unwrap(), Some(Value::Null));
        assert!(
            notes.iter().any(|n| n.contains("Fn::ImportValue")),
            "{notes:?}"
        );
    }

    #[test]
    fn malformed_intrinsics_are_problems_not_panics() {
        for bad in [
            "!Select [a]",
            "!Join 3",
            "!Cidr [10.0.0.0/16, 300, 8]",
            "!GetAtt NoDot",
            "!Sub ['${x', {}]",
            "{Fn::Nope: 1}",
            "!Ref [a]",
            "!If [Missing, a, b]",
            "!GetAtt Nothing.Id",
        ] {
            let (result, _) = eval_in(Some("eu-west-1"), bad);
            assert!(result.is_err(), "{bad} should be a problem, got {result:?}");
        }
    }
}
