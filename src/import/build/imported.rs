//! The `imported` section: the source, what the import assumed or could not see (`missing`,
//! which EKS019 reports) and, in a comment under it, what was left out on purpose. Notes a
//! reader scoped to one cluster or VPC appear only in the scenario that includes it, so one
//! cluster's file does not carry another's gaps.

use super::Scenario;
use crate::import::inventory::About;
use crate::import::yaml::{MapBuilder, Value, item, text};

impl Scenario<'_> {
    /// The `imported` map, and the comment lines listing what was left out.
    pub(super) fn imported(&self) -> (Value, Vec<String>) {
        let inventory = self.inventory;
        let mut imported = MapBuilder::new().set("from", text(&inventory.source));
        // Notes about the whole source, then those about this cluster or the VPCs it
        // includes (another cluster's notes stay in its own scenario), then the builder's.
        let scoped = inventory
            .scoped_missing
            .iter()
            .filter(|note| match &note.about {
                About::Cluster(name) => name == &self.cluster.name,
                About::Vpc(id) => self.included_vpc(id),
            })
            .map(|note| &note.text);
        let mut missing: Vec<String> = Vec::new();
        for note in inventory.missing.iter().chain(scoped).chain(&self.missing) {
            if !missing.contains(note) {
                missing.push(note.clone());
            }
        }
        if !missing.is_empty() {
            imported.push(
                "missing",
                Value::List(missing.iter().map(|m| item(text(m), vec![])).collect()),
            );
        }
        let mut tail = Vec::new();
        let left_out: Vec<&String> = inventory.unsupported.iter().chain(&self.left_out).collect();
        if !left_out.is_empty() {
            tail.push("Left out of this scenario (eksflow does not model them, or they are not connected):".to_owned());
            tail.extend(left_out.iter().map(|line| format!("  - {line}")));
        }
        (imported.build(), tail)
    }
}
