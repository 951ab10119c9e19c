//! Typed access to the YAML of an eksctl config. A `Node` is a value together with its path
//! in the file (`vpc.subnets.private.us-west-2a.cidr`, `nodeGroups[1].name`), so that every
//! error names where the problem is; reading a value as a string, boolean, list or CIDR
//! fails with an error saying what was found instead. eksctl reads an absent key and a null
//! one alike as unset, and so does `Node::get`.

use ipnetwork::Ipv4Network;
use serde_yaml::Value;

use crate::import::Diagnostic;

/// A YAML value and its path in the file, so every error says where it is.
#[derive(Debug, Clone)]
pub(super) struct Node<'a> {
    file: &'a str,
    pub(super) path: String,
    pub(super) value: &'a Value,
}

impl<'a> Node<'a> {
    pub(super) fn root(file: &'a str, value: &'a Value) -> Self {
        Node {
            file,
            path: String::new(),
            value,
        }
    }

    pub(super) fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::import(self.file, self.path.clone(), message)
    }

    fn at(&self, path: String, value: &'a Value) -> Node<'a> {
        Node {
            file: self.file,
            path,
            value,
        }
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value under `key`; `None` when it is absent or null (eksctl reads both as unset).
    pub(super) fn get(&self, key: &str) -> Option<Node<'a>> {
        let value = self.value.as_mapping()?.get(key)?;
        (!value.is_null()).then(|| self.at(self.key_path(key), value))
    }

    pub(super) fn required(&self, key: &str) -> Result<Node<'a>, Diagnostic> {
        self.get(key).ok_or_else(|| {
            Diagnostic::import(
                self.file,
                self.key_path(key),
                "required by eksctl, and missing",
            )
        })
    }

    /// The mapping under `key` (`metadata`, `vpc`, ...), when there is one.
    pub(super) fn section(&self, key: &str) -> Result<Option<Node<'a>>, Diagnostic> {
        match self.get(key) {
            Some(node) if !node.value.is_mapping() => Err(node.error(format!(
                "expected a mapping; found {}",
                describe(node.value)
            ))),
            other => Ok(other),
        }
    }

    pub(super) fn required_section(&self, key: &str) -> Result<Node<'a>, Diagnostic> {
        self.section(key)?.map_or_else(|| self.required(key), Ok)
    }

    /// `read` applied to the value under `key`, when there is one.
    pub(super) fn optional<T>(
        &self,
        key: &str,
        read: impl Fn(&Node<'a>) -> Result<T, Diagnostic>,
    ) -> Result<Option<T>, Diagnostic> {
        self.get(key).map(|node| read(&node)).transpose()
    }

    pub(super) fn entries(&self) -> Result<Vec<(String, Node<'a>)>, Diagnostic> {
        let map = self.value.as_mapping().ok_or_else(|| {
            self.error(format!(
                "expected a mapping; found {}",
                describe(self.value)
            ))
        })?;
        map.iter()
            .map(|(key, value)| {
                let key = key
                    .as_str()
                    .ok_or_else(|| self.error("mapping keys must be strings"))?;
                Ok((key.to_owned(), self.at(self.key_path(key), value)))
            })
            .collect()
    }

    pub(super) fn items(&self) -> Result<Vec<Node<'a>>, Diagnostic> {
        let items = self.value.as_sequence().ok_or_else(|| {
            self.error(format!("expected a list; found {}", describe(self.value)))
        })?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, value)| self.at(format!("{}[{i}]", self.path), value))
            .collect())
    }

    pub(super) fn string(&self) -> Result<String, Diagnostic> {
        self.value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.error(format!("expected a string; found {}", describe(self.value))))
    }

    pub(super) fn boolean(&self) -> Result<bool, Diagnostic> {
        self.value.as_bool().ok_or_else(|| {
            self.error(format!(
                "expected true or false; found {}",
                describe(self.value)
            ))
        })
    }

    pub(super) fn strings(&self) -> Result<Vec<String>, Diagnostic> {
        self.items()?.iter().map(Node::string).collect()
    }

    pub(super) fn ipv4_cidr(&self) -> Result<Ipv4Network, Diagnostic> {
        let text = self.string()?;
        text.parse()
            .map_err(|error| self.error(format!("`{text}` is not an IPv4 CIDR block ({error})")))
    }
}

pub(super) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}
