//! The `configuration` section: how a plan names values it does not know yet.
//!
//! Most IDs of new resources are unknown at plan time, but the expressions in the
//! configuration keep the `references` that will fill them: a subnet's
//! `vpc_id = aws_vpc.main.id` names the resource, whose scenario ID is then its address.
//! References through module inputs (`var.x`, the root module's from the plan's `variables`)
//! and module outputs (`module.vpc.private_subnets`) are followed, to a bounded depth so
//! cycles and huge module graphs end. The configuration is per module, not per module
//! instance, so instance keys (`module.a[0]`) are dropped to find it.

use serde_json::Value;

use super::attributes::Seg;
use super::walk::str_of;
use super::{Plan, Resource};

/// How deep module inputs and outputs are followed before giving up (cycles, huge graphs).
const MAX_REFERENCE_DEPTH: usize = 16;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Resolved {
    /// A resource instance, by index in `Plan::resources`.
    Resource(usize),
    Constant(Value),
}

impl<'a> Plan<'a> {
    /// The configuration of the module at `module` (`module.a.module.b[0]` → calls a, b).
    fn module_config(&self, module: &str) -> Option<&'a Value> {
        let mut config = self.json.pointer("/configuration/root_module")?;
        for name in module_names(module) {
            config = config.get("module_calls")?.get(&name)?.get("module")?;
        }
        Some(config)
    }

    /// The expression for `path` of a resource in its module's configuration.
    pub(super) fn expression(&self, resource: &Resource<'_>, path: &[Seg]) -> Option<&'a Value> {
        let config = self.module_config(&resource.module)?;
        let mode = if resource.data { "data" } else { "managed" };
        let mut node = config
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| {
                r.get("mode").and_then(Value::as_str) == Some(mode)
                    && format!("{}.{}", str_of(r.get("type")), str_of(r.get("name")))
                        == resource.key
            })?
            .get("expressions")?;
        for seg in path {
            node = match seg {
                Seg::Key(key) => node.get(*key)?,
                Seg::Index(i) => node.get(*i)?,
            };
        }
        Some(node)
    }

    /// Resolves an expression (`references` or `constant_value`) in `module`.
    pub(super) fn resolve_expression(
        &self,
        module: &str,
        expression: &Value,
        depth: usize,
    ) -> Vec<Resolved> {
        if let Some(constant) = expression.get("constant_value") {
            return constants(constant);
        }
        let Some(references) = expression.get("references").and_then(Value::as_array) else {
            return Vec::new();
        };
        let mut out: Vec<Resolved> = Vec::new();
        let mut resolved_references: Vec<&str> = Vec::new();
        for reference in references.iter().filter_map(Value::as_str) {
            // Terraform lists every prefix of a traversal (`a.b[0].id`, `a.b[0]`, `a.b`):
            // a prefix of a reference already resolved adds nothing (and would widen
            // `a.b[0]` to every instance of `a.b`).
            let is_prefix = resolved_references.iter().any(|done| {
                done.strip_prefix(reference)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            });
            if is_prefix {
                continue;
            }
            let found = self.resolve_reference(module, reference, depth);
            if !found.is_empty() {
                resolved_references.push(reference);
            }
            for resolved in found {
                if !out.contains(&resolved) {
                    out.push(resolved);
                }
            }
        }
        out
    }

    fn resolve_reference(&self, module: &str, reference: &str, depth: usize) -> Vec<Resolved> {
        if depth > MAX_REFERENCE_DEPTH {
            return Vec::new();
        }
        let parts = split_reference(reference);
        match parts.first().map(String::as_str) {
            Some("var") => {
                let Some(name) = parts.get(1) else {
                    return Vec::new();
                };
                if module.is_empty() {
                    return self
                        .json
                        .pointer(&format!("/variables/{name}/value"))
                        .map(constants)
                        .unwrap_or_default();
                }
                let (parent, call) = split_module(module);
                let Some(expression) = self.module_config(&parent).and_then(|config| {
                    config
                        .get("module_calls")?
                        .get(&call)?
                        .get("expressions")?
                        .get(name)
                }) else {
                    return Vec::new();
                };
                self.resolve_expression(&parent, expression, depth + 1)
            }
            Some("module") => {
                let (Some(call), Some(output)) = (parts.get(1), parts.get(2)) else {
                    return Vec::new();
                };
                let child = if module.is_empty() {
                    format!("module.{call}")
                } else {
                    format!("{module}.module.{call}")
                };
                let Some(expression) = self.module_config(&child).and_then(|config| {
                    config
                        .get("outputs")?
                        .get(output.as_str())?
                        .get("expression")
                }) else {
                    return Vec::new();
                };
                // Outputs of module instances (`module.x[0]`) live under the instance's
                // address in planned_values; the configuration is shared, so resolve the
                // references against every instance address we know.
                let instances = self.module_instances(&child);
                let mut out = Vec::new();
                for instance in instances {
                    for resolved in self.resolve_expression(&instance, expression, depth + 1) {
                        if !out.contains(&resolved) {
                            out.push(resolved);
                        }
                    }
                }
                out
            }
            Some("local" | "each" | "count" | "path" | "self" | "terraform") | None => Vec::new(),
            Some("data") => {
                let (Some(kind), Some(name)) = (parts.get(1), parts.get(2)) else {
                    return Vec::new();
                };
                self.instances(
                    module,
                    &format!("data.{kind}.{}", strip_index(name)),
                    index_of(name),
                    true,
                )
            }
            Some(kind) => {
                let Some(name) = parts.get(1) else {
                    return Vec::new();
                };
                self.instances(
                    module,
                    &format!("{kind}.{}", strip_index(name)),
                    index_of(name),
                    false,
                )
            }
        }
    }

    /// Addresses of module instances matching a configuration path (`module.vpc` also
    /// matches `module.vpc[0]`).
    fn module_instances(&self, module: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .resources
            .iter()
            .map(|r| r.module.clone())
            .filter(|m| strip_module_indices(m) == strip_module_indices(module))
            .collect();
        out.sort();
        out.dedup();
        if out.is_empty() {
            out.push(module.to_owned());
        }
        out
    }

    fn instances(
        &self,
        module: &str,
        key: &str,
        index: Option<String>,
        data: bool,
    ) -> Vec<Resolved> {
        let key = key.trim_start_matches("data.");
        self.resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.data == data && r.module == module && r.key == key)
            .filter(|(_, r)| {
                index
                    .as_ref()
                    .is_none_or(|i| r.index.map(index_text).as_deref() == Some(i.as_str()))
            })
            .map(|(i, _)| Resolved::Resource(i))
            .collect()
    }
}

fn constants(value: &Value) -> Vec<Resolved> {
    match value {
        Value::Array(items) => items.iter().cloned().map(Resolved::Constant).collect(),
        Value::Null => Vec::new(),
        other => vec![Resolved::Constant(other.clone())],
    }
}

/// `module.a.module.b["x"]` → `["a", "b"]` (configuration is per module, not per instance).
fn module_names(module: &str) -> Vec<String> {
    let stripped = strip_module_indices(module);
    stripped
        .split("module.")
        .map(|part| part.trim_end_matches('.').to_owned())
        .filter(|part| !part.is_empty())
        .collect()
}

/// `module.a[0].module.b["x"]` → `module.a.module.b`.
fn strip_module_indices(module: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in module.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// `module.a.module.b[0]` → (`module.a`, `b`).
fn split_module(module: &str) -> (String, String) {
    match module.rfind(".module.") {
        Some(i) => {
            let parent = module.get(..i).unwrap_or_default().to_owned();
            let call = module.get(i + ".module.".len()..).unwrap_or_default();
            (parent, strip_index(call).to_owned())
        }
        None => (
            String::new(),
            strip_index(module.trim_start_matches("module.")).to_owned(),
        ),
    }
}

/// Splits `aws_subnet.private[0].id` into `["aws_subnet", "private[0]", "id"]`, keeping
/// brackets (which may hold dots in string keys) with their name.
fn split_reference(reference: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0;
    for c in reference.chars() {
        match c {
            '[' => {
                depth += 1;
                current.push(c);
            }
            ']' => {
                depth -= 1;
                current.push(c);
            }
            '.' if depth == 0 => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

fn strip_index(name: &str) -> &str {
    name.split_once('[').map_or(name, |(name, _)| name)
}

/// `private[0]` → `0`; `private["a"]` → `a`.
fn index_of(name: &str) -> Option<String> {
    let (_, rest) = name.split_once('[')?;
    Some(rest.trim_end_matches(']').trim_matches('"').to_owned())
}

fn index_text(index: &Value) -> String {
    match index {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_at_dots_outside_brackets() {
        assert_eq!(
            split_reference("aws_subnet.private[0].id"),
            ["aws_subnet", "private[0]", "id"]
        );
        assert_eq!(
            split_reference("module.vpc[\"a.b\"].x"),
            ["module", "vpc[\"a.b\"]", "x"]
        );
        assert_eq!(index_of("private[0]").as_deref(), Some("0"));
        assert_eq!(index_of("private[\"a\"]").as_deref(), Some("a"));
    }

    #[test]
    fn module_paths_drop_instance_keys() {
        assert_eq!(module_names("module.a[0].module.b[\"x\"]"), ["a", "b"]);
        assert_eq!(
            split_module("module.a.module.b[0]"),
            ("module.a".to_owned(), "b".to_owned())
        );
        assert_eq!(
            split_module("module.vpc"),
            (String::new(), "vpc".to_owned())
        );
    }
}
