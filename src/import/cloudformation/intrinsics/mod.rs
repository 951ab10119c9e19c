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
//!
//! This file holds the `Evaluator`, its entry point ([`Evaluator::evaluate`]) and the call of
//! each function, the [`Problem`] type and the helpers the functions share. The functions are
//! split by job: `short_form` (YAML tags made long), `references` (`Ref`, pseudo parameters,
//! `Fn::GetAtt`, `Fn::FindInMap`, cluster names), `strings_and_lists` (`Fn::Sub`, `Fn::Join`,
//! `Fn::Select`, `Fn::Split`, `Fn::Length`, `Fn::GetAZs`), `cidr` (`Fn::Cidr`) and
//! `conditions` (`Fn::If`, the `Conditions` section, `Fn::Equals`, `Fn::Not`, `Fn::And`,
//! `Fn::Or`); `notes` keeps what stayed unknown.

mod cidr;
mod conditions;
mod notes;
mod references;
mod short_form;
mod strings_and_lists;

use std::collections::{HashMap, HashSet};

use serde_yaml::{Mapping, Value};

use self::notes::Note;
pub(super) use self::references::{cluster_security_group_id, is_eks_cluster};
pub(super) use self::short_form::long_form;
pub(super) use crate::diagnostic::Diagnostic;
use crate::scenario::limits::MAX_INTRINSIC_OUTPUT_BYTES;

/// Deeper nesting than this is a template that refers to itself (or is not worth reading).
const MAX_DEPTH: usize = 64;

/// Something wrong with the template: where (`Resources.Subnet.Properties.CidrBlock`) and
/// what, as eksflow's one error type. The reader adds the file name.
pub type Outcome<T> = Result<T, Diagnostic>;

pub fn problem(path: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::import("", path, message)
}

/// The sections of a template that intrinsics refer to.
#[derive(Debug, Clone, Copy)]
pub struct Template<'t> {
    pub parameters: Option<&'t Mapping>,
    pub mappings: Option<&'t Mapping>,
    pub conditions: Option<&'t Mapping>,
    pub resources: &'t Mapping,
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
    /// What the functions have produced so far, against [`MAX_INTRINSIC_OUTPUT_BYTES`].
    produced: usize,
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
            produced: 0,
        }
    }

    /// The region the template is read for, when something in it says.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
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

    /// Calls function `name`, and charges what it returns against the output budget.
    fn function(&mut self, name: &str, argument: &Value, path: &str) -> Outcome<Option<Value>> {
        let value = self.call(name, argument, path)?;
        if let Some(value) = &value {
            self.produce(weight(value), path)?;
        }
        Ok(value)
    }

    /// Counts `bytes` more of function output; past [`MAX_INTRINSIC_OUTPUT_BYTES`] for the
    /// template, the value at `path` is a problem. Functions that build one large value
    /// (`Fn::Sub`, `Fn::Join`, `Fn::Split`) call this before they build it.
    fn produce(&mut self, bytes: usize, path: &str) -> Outcome<()> {
        self.produced = self.produced.saturating_add(bytes);
        if self.produced > MAX_INTRINSIC_OUTPUT_BYTES {
            return Err(problem(
                path,
                format!(
                    "intrinsic functions produce more than {} MiB for this template (a template CloudFormation accepts is at most 1 MB, a parameter value at most 4,096 bytes): a value repeated or joined many times over?",
                    MAX_INTRINSIC_OUTPUT_BYTES / 1024 / 1024
                ),
            ));
        }
        Ok(())
    }

    /// What `bytes` more would bring the output to, without counting them: for a function
    /// that builds its value piece by piece.
    fn would_exceed(&self, bytes: usize) -> bool {
        self.produced.saturating_add(bytes) > MAX_INTRINSIC_OUTPUT_BYTES
    }

    fn call(&mut self, name: &str, argument: &Value, path: &str) -> Outcome<Option<Value>> {
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
}

/// The memory a value takes, roughly: its strings' bytes plus one [`Value`] per node.
fn weight(value: &Value) -> usize {
    let node = std::mem::size_of::<Value>();
    match value {
        Value::String(text) => node.saturating_add(text.len()),
        Value::Sequence(items) => items
            .iter()
            .fold(node, |sum, item| sum.saturating_add(weight(item))),
        Value::Mapping(map) => map.iter().fold(node, |sum, (key, item)| {
            sum.saturating_add(weight(key)).saturating_add(weight(item))
        }),
        Value::Tagged(tagged) => node.saturating_add(weight(&tagged.value)),
        _ => node,
    }
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
    pub(super) fn eval_in(
        region: Option<&str>,
        expression: &str,
    ) -> (Outcome<Option<Value>>, Vec<String>) {
        let document = document();
        let mut evaluator = Evaluator::new(template(&document), region.map(str::to_owned));
        let value = long_form(serde_yaml::from_str(expression).unwrap());
        let result = evaluator.evaluate(&value, "Resources.Test.Properties.X");
        (result, evaluator.into_notes())
    }

    pub(super) fn eval(expression: &str) -> Value {
        eval_in(Some("eu-west-1"), expression).0.unwrap().unwrap()
    }

    pub(super) fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn no_value_removes_the_item() {
        assert_eq!(eval("[a, !Ref 'AWS::NoValue', b]"), yaml("[a, b]"));
        assert_eq!(eval("{A: 1, B: !Ref 'AWS::NoValue'}"), yaml("{A: 1}"));
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
