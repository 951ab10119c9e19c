//! The document walk: `terraform show -json` output → the flat list of resource instances
//! every reader works on.
//!
//! A plan keeps its resources under `planned_values.root_module`, state under
//! `values.root_module`; both nest `child_modules` to any depth, and every level is walked,
//! so resources of modules (terraform-aws-modules `vpc`, `eks`) are read like root ones.
//! Each instance keeps its address, its module, where it is in the file (for messages) and,
//! in a plan, its `resource_changes[].change.after_unknown`: which of its values are known
//! only after apply. A section that is not the list or object Terraform writes fails the
//! import before any reader runs.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::attributes::describe;
use super::{Plan, Resource};
use crate::import::Diagnostic;

impl<'a> Plan<'a> {
    pub(super) fn new(source: &str, json: &'a Value) -> Result<Self, Diagnostic> {
        let (root, is_state, root_path) = match (
            json.pointer("/planned_values/root_module"),
            json.pointer("/values/root_module"),
        ) {
            (Some(root), _) => (root, false, "planned_values.root_module"),
            (None, Some(root)) => (root, true, "values.root_module"),
            (None, None) => {
                return Err(Diagnostic::import(
                    source,
                    "",
                    "no planned_values.root_module or values.root_module: not `terraform show -json` output of a plan or state",
                ));
            }
        };
        let unknown: HashMap<&str, &Value> = json
            .get("resource_changes")
            .and_then(Value::as_array)
            .map(|changes| {
                changes
                    .iter()
                    .filter_map(|change| {
                        Some((
                            change.get("address")?.as_str()?,
                            change.pointer("/change/after_unknown")?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut resources = Vec::new();
        let mut problems = Vec::new();
        collect(
            source,
            root,
            root_path,
            &unknown,
            &mut resources,
            &mut problems,
        );
        if !is_state {
            changed_but_not_planned(json, &unknown, &mut resources);
        }
        if let Some(problem) = problems.into_iter().next() {
            return Err(problem);
        }
        Ok(Plan {
            source: source.to_owned(),
            json,
            resources,
            is_state,
            problems: RefCell::new(Vec::new()),
        })
    }

    pub(super) fn resource(&self, index: usize) -> Option<&Resource<'a>> {
        self.resources.get(index)
    }

    pub(super) fn of_kind(&self, kind: &'static str) -> impl Iterator<Item = &Resource<'a>> {
        self.resources
            .iter()
            .filter(move |r| !r.data && r.kind == kind)
    }
}

/// Walks a module of `planned_values`/`values` (at `path` in the file) and its children.
/// Sections that are not the lists and objects Terraform writes are problems.
fn collect<'a>(
    source: &str,
    module: &'a Value,
    path: &str,
    unknown: &HashMap<&str, &'a Value>,
    out: &mut Vec<Resource<'a>>,
    problems: &mut Vec<Diagnostic>,
) {
    let Some(module) = module.as_object() else {
        if !module.is_null() {
            problems.push(Diagnostic::import(
                source,
                path,
                format!("expected an object (a module), found {}", describe(module)),
            ));
        }
        return;
    };
    let module_address = module
        .get("address")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let list = |key: &str, problems: &mut Vec<Diagnostic>| -> &'a [Value] {
        match module.get(key) {
            Some(Value::Array(items)) => items.as_slice(),
            None | Some(Value::Null) => &[],
            Some(other) => {
                problems.push(Diagnostic::import(
                    source,
                    format!("{path}.{key}"),
                    format!("expected a list, found {}", describe(other)),
                ));
                &[]
            }
        }
    };
    for (i, resource) in list("resources", problems).iter().enumerate() {
        let json_path = format!("{path}.resources[{i}]");
        let Some(address) = resource.get("address").and_then(Value::as_str) else {
            continue;
        };
        let values = resource.get("values").unwrap_or(&Value::Null);
        if !values.is_object() && !values.is_null() {
            problems.push(Diagnostic::import(
                source,
                format!("{json_path}.values"),
                format!(
                    "expected an object of attributes, found {} (in {address})",
                    describe(values)
                ),
            ));
            continue;
        }
        let kind = str_of(resource.get("type"));
        let name = str_of(resource.get("name"));
        let data = resource.get("mode").and_then(Value::as_str) == Some("data");
        out.push(Resource {
            address: address.to_owned(),
            module: module_address.to_owned(),
            kind: kind.to_owned(),
            key: format!("{kind}.{name}"),
            json_path,
            index: resource.get("index"),
            values,
            unknown: unknown.get(address).copied(),
            data,
        });
    }
    for (i, child) in list("child_modules", problems).iter().enumerate() {
        collect(
            source,
            child,
            &format!("{path}.child_modules[{i}]"),
            unknown,
            out,
            problems,
        );
    }
}

/// Resources a plan's `resource_changes` has but its `planned_values` lacks (some producers
/// of plan JSON omit them): read from `change.after`, the same planned values ("`after`: the
/// object value after the action", Terraform's JSON output format), so they are not lost.
/// A change whose `after` is not an object (a delete has null) brings nothing.
fn changed_but_not_planned<'a>(
    json: &'a Value,
    unknown: &HashMap<&str, &'a Value>,
    out: &mut Vec<Resource<'a>>,
) {
    let Some(changes) = json.get("resource_changes").and_then(Value::as_array) else {
        return;
    };
    let planned: HashSet<String> = out.iter().map(|r| r.address.clone()).collect();
    for (i, change) in changes.iter().enumerate() {
        let Some(address) = change.get("address").and_then(Value::as_str) else {
            continue;
        };
        let Some(after) = change.pointer("/change/after").filter(|a| a.is_object()) else {
            continue;
        };
        if planned.contains(address) {
            continue;
        }
        let kind = str_of(change.get("type"));
        let name = str_of(change.get("name"));
        out.push(Resource {
            address: address.to_owned(),
            module: str_of(change.get("module_address")).to_owned(),
            kind: kind.to_owned(),
            key: format!("{kind}.{name}"),
            json_path: format!("resource_changes[{i}].change.after"),
            index: change.get("index"),
            values: after,
            unknown: unknown.get(address).copied(),
            data: change.get("mode").and_then(Value::as_str) == Some("data"),
        });
    }
}

pub(super) fn str_of(value: Option<&Value>) -> &str {
    value.and_then(Value::as_str).unwrap_or_default()
}
