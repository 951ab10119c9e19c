//! What the importer tests share: running an import of a fixture, loading what it wrote, and
//! reading the parts of the scenario the assertions look at.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use eksflow::import::{self, Kind, Options};
use eksflow::scenario::{self, Scenario, Subnet};

/// The fixtures of one source kind.
pub struct Fixtures {
    pub kind: Kind,
    /// Relative to the crate root.
    pub dir: &'static str,
}

impl Fixtures {
    pub fn path(&self, name: &str) -> String {
        format!("{}/{}/{name}", env!("CARGO_MANIFEST_DIR"), self.dir)
    }

    /// The scenario YAML an import of `name` writes; the fixture holds one cluster.
    pub fn yaml(&self, name: &str) -> String {
        let built = import::import(Some(self.kind), &self.path(name), &Options::default())
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(built.len(), 1, "{name}: one cluster, one scenario");
        built.into_iter().next().unwrap().yaml
    }

    /// The imported scenario, loaded as `check` loads it.
    pub fn scenario(&self, name: &str) -> Scenario {
        let yaml = self.yaml(name);
        scenario::load_one(name, &yaml).unwrap_or_else(|problems| {
            panic!("{name}: the import does not load: {problems:?}\n{yaml}")
        })
    }

    /// The error an import of the invalid fixture `name` ends with.
    pub fn error(&self, name: &str) -> import::ImportError {
        match import::import(Some(self.kind), &self.path(name), &Options::default()) {
            Ok(_) => panic!("{name}: imported, but it is invalid"),
            Err(error) => error,
        }
    }
}

/// The binary, run from the crate root without colour.
pub fn eksflow() -> Command {
    let mut command = Command::cargo_bin("eksflow").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.env("NO_COLOR", "1");
    command
}

pub fn subnet<'s>(scenario: &'s Scenario, id: &str) -> &'s Subnet {
    scenario
        .subnets
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no subnet {id}"))
}

/// (id, cidr, az) of every subnet, in file order.
pub fn subnets(scenario: &Scenario) -> Vec<(String, String, String)> {
    scenario
        .subnets
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                s.cidr.to_string(),
                s.az.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// The scenario's `imported.missing` notes.
pub fn missing(scenario: &Scenario) -> Vec<String> {
    scenario
        .imported
        .as_ref()
        .expect("an imported scenario has `imported`")
        .missing
        .clone()
}

/// Asserts one `imported.missing` note holds every word of `words`.
pub fn assert_noted(scenario: &Scenario, words: &[&str]) {
    let notes = missing(scenario);
    assert!(
        notes
            .iter()
            .any(|note| words.iter().all(|word| note.contains(word))),
        "no imported.missing note with {words:?}: {notes:#?}"
    );
}
