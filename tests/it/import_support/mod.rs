//! What the importer tests share: running an import of a fixture, loading what it wrote, and
//! reading the parts of the scenario the assertions look at.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

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

    /// The scenario `eksflow import KIND -` writes with the fixture `name` on standard input
    /// (the command must succeed), loaded as `check` loads it.
    pub fn import_stdin(&self, name: &str) -> Scenario {
        let source = std::fs::read(self.path(name)).unwrap();
        let output = eksflow()
            .args(["import", self.kind.as_str(), "-"])
            .write_stdin(source)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let yaml = String::from_utf8(output.stdout).unwrap();
        scenario::load_one("stdin", &yaml).unwrap_or_else(|problems| {
            panic!("{name}: the import does not load: {problems:?}\n{yaml}")
        })
    }

    /// What `eksflow import KIND -` prints on standard error for `source` on standard input;
    /// the command must refuse it with exit code 2.
    pub fn refused_stdin(&self, source: &str) -> String {
        let output = eksflow()
            .args(["import", self.kind.as_str(), "-"])
            .write_stdin(source.to_owned())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{source}");
        String::from_utf8(output.stderr).unwrap()
    }

    /// The error an import of the invalid fixture `name` ends with.
    pub fn error(&self, name: &str) -> import::Diagnostic {
        match import::import(Some(self.kind), &self.path(name), &Options::default()) {
            Ok(_) => panic!("{name}: imported, but it is invalid"),
            Err(error) => error,
        }
    }
}

/// Asserts the command succeeded (exit 0), showing its standard error if not.
pub fn assert_success(output: &std::process::Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
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

/// The ID of the route table subnet `id` uses (its own, or the main table written out).
pub fn route_table_of<'s>(scenario: &'s Scenario, id: &str) -> &'s str {
    let table = subnet(scenario, id)
        .route_table
        .unwrap_or_else(|| panic!("subnet {id} has no route table"));
    &scenario.route_table(table).unwrap().id
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

/// The report `eksflow check - --format json` makes of `yaml`; `check` must accept it (exit 0
/// or 1: analysed, whatever the verdicts).
pub fn check_accepts(label: &str, yaml: impl Into<Vec<u8>>) -> serde_json::Value {
    let yaml = yaml.into();
    let output = eksflow()
        .args(["check", "-", "--format", "json"])
        .write_stdin(yaml.clone())
        .output()
        .unwrap();
    let code = output.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "{label}: check exited {code}: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&yaml)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // Always an array (SPEC section 5); an import writes one scenario per cluster.
    let scenario = json[0].clone();
    assert!(
        scenario["flows"].is_array(),
        "{label}: not a check report: {json}"
    );
    scenario
}

/// The cluster's `publicAccessCidrs`, as written.
pub fn allowlist(scenario: &Scenario) -> Vec<String> {
    scenario
        .cluster
        .public_access_cidrs
        .iter()
        .map(ToString::to_string)
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

/// The codes of the findings `check` reports for `scenario` in its own mode.
pub fn finding_codes(scenario: &Scenario) -> Vec<&'static str> {
    eksflow::checked::check(scenario, None)
        .findings
        .iter()
        .map(|f| f.code.as_str())
        .collect()
}

/// The cluster's `remoteNetworkConfig` blocks as written: (node blocks, pod blocks).
pub fn remote_blocks(scenario: &Scenario) -> (Vec<String>, Vec<String>) {
    let Some(remote) = &scenario.cluster.hybrid.remote else {
        return (Vec::new(), Vec::new());
    };
    let text = |blocks: &[ipnetwork::Ipv4Network]| blocks.iter().map(ToString::to_string).collect();
    (text(&remote.node_networks), text(&remote.pod_networks))
}

/// `eksflow check FILE --format json` on a source file (not a scenario): its exit code and
/// the (code, path, line) of each finding of the one scenario it yields.
pub fn check_source(file: &str) -> (i32, Vec<(String, String, Option<u64>)>) {
    let output = eksflow()
        .args(["check", file, "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{file}: not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let [scenario] = json.as_array().expect("an array").as_slice() else {
        panic!("{file}: one scenario expected: {json}");
    };
    let findings = scenario["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64(),
            )
        })
        .collect();
    (output.status.code().unwrap(), findings)
}
