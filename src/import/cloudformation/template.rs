//! The template as read: the text parsed (one that starts with `{` as JSON, with serde_json
//! so that its errors point at JSON; anything else as YAML), YAML short-form tags (`!Ref`,
//! `!GetAtt`) turned into the long form the evaluator reads, the sections intrinsics refer to
//! (`Parameters`, `Mappings`, `Conditions`, `Resources`) and each resource's `Type`,
//! `Properties` and `Condition`.
//!
//! A template of a shape CloudFormation would reject (no `Resources`, a resource without a
//! `Type`, `Properties` that is not a mapping) fails the import here, before any reader runs.
//! `Fn::ForEach` keys are skipped: the `AWS::LanguageExtensions` transform expands them at
//! deploy time, and `deployed` notes them.

use serde_yaml::{Mapping, Value};

use super::Resource;
use super::intrinsics::{self, Outcome, Template, problem};

/// The template as YAML values, short-form tags replaced by the long form. JSON is read with
/// serde_json (into the same values, keeping the key order) so its errors point at JSON.
pub(super) fn parse(text: &str) -> Outcome<Value> {
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

pub(super) fn sections(document: &Value) -> Outcome<Template<'_>> {
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

pub(super) fn resources(map: &Mapping) -> Outcome<Vec<Resource<'_>>> {
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
