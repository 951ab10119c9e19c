//! What a `--clients` file adds: its `networks`, `dnsServers` and `clients`, already checked
//! by the caller, copied into the scenario as they are. Networks are marked as coming from
//! the file, since the rest of `networks` comes from the source's VPN connections.

use super::ExtraClients;
use crate::import::yaml::{self, Item, MapBuilder, Value, item, number, text};

impl ExtraClients {
    pub(super) fn network_items(&self) -> Vec<Item> {
        self.networks
            .iter()
            .map(|v| item(from_serde(v), vec!["from the --clients file".to_owned()]))
            .collect()
    }

    pub(super) fn dns_server_items(&self) -> Vec<Item> {
        self.dns_servers
            .iter()
            .map(|v| item(from_serde(v), vec![]))
            .collect()
    }

    pub(super) fn client_items(&self) -> Vec<Item> {
        self.clients
            .iter()
            .map(|v| item(from_serde(v), vec![]))
            .collect()
    }
}

/// A serde_yaml value (from a `--clients` file) as a document value.
fn from_serde(value: &serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Mapping(map) => {
            let mut builder = MapBuilder::new();
            for (key, value) in map {
                let key = match key {
                    serde_yaml::Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                };
                builder.push(&key, from_serde(value));
            }
            builder.build()
        }
        serde_yaml::Value::Sequence(items) => {
            Value::List(items.iter().map(|v| item(from_serde(v), vec![])).collect())
        }
        serde_yaml::Value::String(s) => text(s),
        serde_yaml::Value::Bool(b) => yaml::boolean(*b),
        serde_yaml::Value::Number(n) => number(n),
        serde_yaml::Value::Null => Value::Scalar("null".to_owned()),
        serde_yaml::Value::Tagged(tagged) => from_serde(&tagged.value),
    }
}
