//! Typed access to the properties of a resource.
//!
//! A property is evaluated (its intrinsic functions resolved) only along the path a reader
//! asks for, so an unknown in a field the model does not read (user data, an IAM role ARN) is
//! neither a problem nor a note. Absent and unknown both read as unset. Reading a value as
//! text, a flag, a whole number or a list fails with the property's path and what was found
//! instead; the string forms CloudFormation accepts (`"true"`, `"443"`) are accepted too.

use serde_yaml::{Mapping, Value};

use super::intrinsics::{Outcome, intrinsic_name, parse_flag, problem, scalar_text};
use super::{Reader, Resource};
use crate::diagnostic::Diagnostic;

/// An evaluated property value and where it is, for typed reads with precise errors.
#[derive(Debug, Clone)]
pub(super) struct Property {
    /// `Null` when absent or unknown.
    value: Value,
    pub(super) path: String,
}

impl Property {
    pub(super) fn is_set(&self) -> bool {
        !self.value.is_null()
    }

    pub(super) fn get(&self, key: &str) -> Outcome<Property> {
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

    pub(super) fn text(&self) -> Outcome<Option<String>> {
        match &self.value {
            Value::Null => Ok(None),
            other => scalar_text(other)
                .map(Some)
                .ok_or_else(|| self.wrong_type("a string", other)),
        }
    }

    pub(super) fn flag(&self) -> Outcome<Option<bool>> {
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

    pub(super) fn integer(&self) -> Outcome<Option<i64>> {
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

    pub(super) fn items(&self) -> Outcome<Vec<Property>> {
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
    pub(super) fn texts(&self) -> Outcome<Vec<String>> {
        let mut out = Vec::new();
        for item in self.items()? {
            out.extend(item.text()?);
        }
        Ok(out)
    }

    fn wrong_type(&self, expected: &str, found: &Value) -> Diagnostic {
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

impl Reader<'_> {
    pub(super) fn property(&mut self, r: &Resource<'_>, key: &str) -> Outcome<Property> {
        self.property_at(r, &[key])
    }

    /// The evaluated value at `keys` inside a resource's properties. Only what lies on the
    /// way is evaluated, so an unknown in a field the model does not read (user data, an
    /// IAM role ARN) is neither a problem nor a note.
    pub(super) fn property_at(&mut self, r: &Resource<'_>, keys: &[&str]) -> Outcome<Property> {
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
    pub(super) fn properties_subset(
        &mut self,
        r: &Resource<'_>,
        keys: &[&str],
    ) -> Outcome<Property> {
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

    pub(super) fn text(&mut self, r: &Resource<'_>, key: &str) -> Outcome<Option<String>> {
        self.property(r, key)?.text()
    }

    pub(super) fn texts(&mut self, r: &Resource<'_>, key: &str) -> Outcome<Vec<String>> {
        self.property(r, key)?.texts()
    }

    pub(super) fn flag(&mut self, r: &Resource<'_>, key: &str) -> Outcome<Option<bool>> {
        self.property(r, key)?.flag()
    }
}
