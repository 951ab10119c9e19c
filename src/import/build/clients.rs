//! What a `--clients` file adds: its `networks`, `dnsServers` and `clients`, already checked
//! by the caller, copied into the scenario as they are. Networks are marked as coming from
//! the file, since the rest of `networks` comes from the source's VPN connections — except a
//! network with the id of one the import generated (the far side of a VPN connection,
//! which no AWS source describes): that entry gives the generated network its
//! `dnsServers`, the one fact about an office or data centre an import cannot know.

use std::collections::HashSet;

use super::ExtraClients;
use crate::import::yaml::{self, Entry, Item, MapBuilder, Value, item, number, text};

/// The comment on what the `--clients` file wrote.
const FROM_FILE: &str = "from the --clients file";

impl ExtraClients {
    /// Merges the file's networks into `networks`, the ones the import generated: a file
    /// network whose `id` is a generated network's adds its `dnsServers` to it (and may
    /// write nothing else); any other is appended. An error names the network and the
    /// field the generated network already has, or an id the file gives twice.
    pub(super) fn merge_networks(&self, networks: &mut Vec<Item>) -> Result<(), String> {
        let generated = networks.len();
        let mut merged: HashSet<&str> = HashSet::new();
        for network in &self.networks {
            let id = network.get("id").and_then(serde_yaml::Value::as_str);
            let Some((id, existing)) = id.and_then(|id| {
                let written = text(id);
                networks
                    .iter_mut()
                    .take(generated)
                    .find(|item| item_id(item) == Some(&written))
                    .map(|existing| (id, existing))
            }) else {
                networks.push(item(from_serde(network), vec![FROM_FILE.to_owned()]));
                continue;
            };
            if !merged.insert(id) {
                return Err(format!(
                    "--clients: networks: `{id}` is given twice; the network the import generates takes `dnsServers` from one entry"
                ));
            }
            let extra_key = network.as_mapping().and_then(|map| {
                map.keys()
                    .map(|key| key.as_str().unwrap_or_default())
                    .find(|key| *key != "id" && *key != "dnsServers")
                    .map(str::to_owned)
            });
            if let Some(key) = extra_key {
                return Err(format!(
                    "--clients: networks: `{id}` is a network the import generates (the far side of a connection): a --clients entry with its id may add only `dnsServers`, not `{key}`; write `{key}` in the imported scenario, or give the network another id"
                ));
            }
            if let (Some(servers), Value::Map(entries)) =
                (network.get("dnsServers"), &mut existing.value)
            {
                entries.push(Entry {
                    key: "dnsServers".to_owned(),
                    value: from_serde(servers),
                    above: vec![FROM_FILE.to_owned()],
                    trailing: None,
                });
            }
        }
        Ok(())
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

/// The `id` of a generated network item, as written.
fn item_id(item: &Item) -> Option<&Value> {
    match &item.value {
        Value::Map(entries) => entries
            .iter()
            .find(|entry| entry.key == "id")
            .map(|entry| &entry.value),
        _ => None,
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
