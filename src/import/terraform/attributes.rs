//! Typed access to a resource's attributes by path (`vpc_config[0].subnet_ids`).
//!
//! A value comes from the plan's known values or, when the plan does not have it, from the
//! `configuration` section. A value present but of the wrong JSON type (`vpc_config: "oops"`,
//! `cidr_block: 12`) is invalid input: it is recorded as a problem naming the JSON path and
//! the resource, and the import fails with the first one met. Only null, absent and
//! unknown-at-plan (`after_unknown`) values count as unknown; whatever stands where the plan
//! says a value is unknown is a placeholder, so its type is not checked.

use serde_json::Value;

use super::references::Resolved;
use super::{Plan, Resource};
use crate::import::Diagnostic;

/// A path into a resource's values or expressions.
#[derive(Debug, Clone, Copy)]
pub(super) enum Seg {
    Key(&'static str),
    Index(usize),
}

pub(super) fn k(key: &'static str) -> Seg {
    Seg::Key(key)
}

impl<'a> Plan<'a> {
    /// Records that the value at `path` of `resource` is not `expected` — unless the plan
    /// says it is unknown, which makes whatever stands there a placeholder.
    fn wrong_type(&self, resource: &Resource<'_>, path: &[Seg], expected: &str, found: &Value) {
        if self.is_unknown(resource, path) {
            return;
        }
        self.invalid(
            resource,
            path,
            format!("expected {expected}, found {}", describe(found)),
        );
    }

    /// Records that the value at `path` of `resource` is there but not one the attribute
    /// takes (`direction = "SIDEWAYS"`): invalid input, reported with the JSON path.
    pub(super) fn invalid(&self, resource: &Resource<'_>, path: &[Seg], message: String) {
        let mut at = format!("{}.values", resource.json_path);
        for seg in path {
            match seg {
                Seg::Key(key) => {
                    at.push('.');
                    at.push_str(key);
                }
                Seg::Index(i) => at.push_str(&format!("[{i}]")),
            }
        }
        let problem = Diagnostic::import(
            &self.source,
            at,
            format!("{message} (in {})", resource.address),
        );
        let mut problems = self.problems.borrow_mut();
        if !problems.contains(&problem) {
            problems.push(problem);
        }
    }

    /// The known value at `path`, if the plan has it. A value on the way that is not the
    /// object or list the path goes through is recorded as a problem.
    pub(super) fn known(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<&'a Value> {
        let mut node = resource.values;
        for (depth, seg) in path.iter().enumerate() {
            let at = path.get(..depth).unwrap_or_default();
            node = match (seg, node) {
                (_, Value::Null) => return None,
                (Seg::Key(key), Value::Object(map)) => map.get(*key)?,
                (Seg::Index(i), Value::Array(items)) => items.get(*i)?,
                (Seg::Key(_), other) => {
                    let expected = if at.is_empty() {
                        "an object of attributes"
                    } else {
                        "an object (a block)"
                    };
                    self.wrong_type(resource, at, expected, other);
                    return None;
                }
                (Seg::Index(_), other) => {
                    self.wrong_type(resource, at, "a list (of blocks)", other);
                    return None;
                }
            };
        }
        (!node.is_null()).then_some(node)
    }

    /// The known string at `path`; another type is recorded as a problem.
    pub(super) fn known_text(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<&'a str> {
        match self.known(resource, path)? {
            Value::String(s) => Some(s),
            other => {
                self.wrong_type(resource, path, "a string", other);
                None
            }
        }
    }

    /// The known strings at `path` (a list of strings, or one string); null items (unknown
    /// at plan time) are skipped, anything else is recorded as a problem.
    pub(super) fn known_texts(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<Vec<String>> {
        match self.known(resource, path)? {
            Value::String(s) => Some(vec![s.clone()]),
            Value::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        Value::Null => {}
                        other => {
                            let mut at = path.to_vec();
                            at.push(Seg::Index(i));
                            self.wrong_type(resource, &at, "a string", other);
                        }
                    }
                }
                Some(out)
            }
            other => {
                self.wrong_type(resource, path, "a list of strings", other);
                None
            }
        }
    }

    /// A string attribute: known, or a constant in the configuration.
    pub(super) fn text(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<String> {
        if self.known(resource, path).is_some() {
            return self.known_text(resource, path).map(str::to_owned);
        }
        self.expression(resource, path)
            .map(|e| self.resolve_expression(&resource.module, e, 0))
            .and_then(|resolved| {
                resolved.into_iter().find_map(|r| match r {
                    Resolved::Constant(Value::String(s)) => Some(s),
                    Resolved::Constant(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
            })
    }

    pub(super) fn texts(&self, resource: &Resource<'a>, path: &[Seg]) -> Vec<String> {
        if self.known(resource, path).is_some() {
            return self.known_texts(resource, path).unwrap_or_default();
        }
        self.expression(resource, path)
            .map(|e| self.resolve_expression(&resource.module, e, 0))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| match r {
                Resolved::Constant(Value::String(s)) => Some(s),
                _ => None,
            })
            .collect()
    }

    pub(super) fn boolean(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<bool> {
        match self.known(resource, path) {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s == "true" || s == "false" => Some(s == "true"),
            Some(other) => {
                self.wrong_type(resource, path, "true or false", other);
                None
            }
            None => self
                .expression(resource, path)
                .and_then(|e| e.get("constant_value"))
                .and_then(Value::as_bool),
        }
    }

    pub(super) fn integer(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<i64> {
        match self.known(resource, path) {
            Some(value) => {
                let parsed = match value {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                };
                if parsed.is_none() {
                    self.wrong_type(resource, path, "a whole number", value);
                }
                parsed
            }
            None => self
                .expression(resource, path)
                .and_then(|e| e.get("constant_value"))
                .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok())),
        }
    }

    /// Whether `path` is unknown at plan time (`after_unknown`).
    pub(super) fn is_unknown(&self, resource: &Resource<'_>, path: &[Seg]) -> bool {
        let Some(mut node) = resource.unknown else {
            return false;
        };
        for seg in path {
            node = match seg {
                Seg::Key(key) => match node.get(*key) {
                    Some(next) => next,
                    None => return false,
                },
                Seg::Index(i) => match node.get(*i) {
                    Some(next) => next,
                    None => return false,
                },
            };
        }
        node.as_bool() == Some(true)
    }

    /// The number of blocks of a nested block attribute (`ingress`, `route`).
    pub(super) fn blocks(&self, resource: &Resource<'a>, key: &'static str) -> usize {
        self.blocks_at(resource, &[Seg::Key(key)])
    }

    /// The number of blocks of the block list at `path`
    /// (`remote_network_config[0].remote_node_networks`).
    pub(super) fn blocks_at(&self, resource: &Resource<'a>, path: &[Seg]) -> usize {
        let known = match self.known(resource, path) {
            Some(Value::Array(blocks)) => blocks.len(),
            Some(other) => {
                self.wrong_type(resource, path, "a list of blocks", other);
                0
            }
            None => 0,
        };
        let configured = self
            .expression(resource, path)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        known.max(configured)
    }
}

/// A JSON value as an error message names it: `a string ("oops")`, `a number (12)`.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => {
            let shown: String = s.chars().take(40).collect();
            let more = if s.chars().count() > 40 { "…" } else { "" };
            format!("a string ({shown:?}{more})")
        }
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
