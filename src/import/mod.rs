//! `eksflow import`: scenarios from Terraform plans and state, eksctl configs,
//! CloudFormation templates and AWS CLI output.
//!
//! Each source has a reader that fills an [`Inventory`] (one file per source); [`build`]
//! turns the inventory into one commented scenario per cluster.

pub mod aws;
pub mod build;
pub mod cidr;
pub mod cloudformation;
pub mod eksctl;
pub mod inventory;
pub mod origin;
pub mod terraform;
pub mod yaml;

use std::path::Path;

use serde::Deserialize;

pub use build::{Built, ExtraClients, Options};
pub use inventory::Inventory;
pub use terraform::read_plan_prior_str;

/// The kinds of source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Terraform,
    Eksctl,
    CloudFormation,
    Aws,
}

impl Kind {
    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "terraform" | "tf" => Some(Kind::Terraform),
            "eksctl" => Some(Kind::Eksctl),
            "cloudformation" | "cfn" => Some(Kind::CloudFormation),
            "aws" | "awscli" => Some(Kind::Aws),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Terraform => "terraform",
            Kind::Eksctl => "eksctl",
            Kind::CloudFormation => "cloudformation",
            Kind::Aws => "aws",
        }
    }
}

/// A problem with the source: eksflow's one error type, with the file, a JSON or YAML path
/// into it (`resource_changes[3].change.after`) when known, and the code `import`.
pub use crate::diagnostic::Diagnostic;

/// Reads a source into an inventory.
pub fn read(kind: Kind, source: &str) -> Result<Inventory, Diagnostic> {
    match kind {
        Kind::Terraform => terraform::read(source),
        Kind::Eksctl => eksctl::read(source),
        Kind::CloudFormation => cloudformation::read(source),
        Kind::Aws => aws::read(source),
    }
}

/// Reads a source already in memory (for AWS CLI output, one file); `file` names it in
/// messages.
pub fn read_str(kind: Kind, file: &str, text: &str) -> Result<Inventory, Diagnostic> {
    match kind {
        Kind::Terraform => terraform::read_str(file, text),
        Kind::Eksctl => eksctl::read_str(file, text),
        Kind::CloudFormation => cloudformation::read_str(file, text),
        Kind::Aws => aws::read_str(file, text),
    }
}

/// Guesses the kind of a source from its content: a directory is AWS CLI output; JSON with
/// `planned_values`/`values`/`format_version` is Terraform; a document with `Resources` is
/// CloudFormation; `kind: ClusterConfig` is eksctl; `{"cluster": …}` is AWS CLI output.
pub fn detect(source: &str) -> Result<Kind, Diagnostic> {
    let path = Path::new(source);
    if path.is_dir() {
        return Ok(Kind::Aws);
    }
    detect_str(source, &read_text(source)?)
}

/// [`detect`] for a file already in memory; `file` names it in messages.
pub fn detect_str(file: &str, text: &str) -> Result<Kind, Diagnostic> {
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
        let has = |key: &str| json.get(key).is_some();
        if has("format_version")
            && (has("planned_values") || has("values") || has("resource_changes"))
        {
            return Ok(Kind::Terraform);
        }
        if has("Resources") {
            return Ok(Kind::CloudFormation);
        }
        if aws::RECOGNISED_KEYS.iter().any(|key| has(key)) {
            return Ok(Kind::Aws);
        }
    }
    if let Ok(yaml) = serde_yaml::from_str::<serde_yaml::Value>(text) {
        if yaml.get("kind").and_then(|k| k.as_str()) == Some("ClusterConfig") {
            return Ok(Kind::Eksctl);
        }
        if yaml.get("Resources").is_some() {
            return Ok(Kind::CloudFormation);
        }
    }
    Err(Diagnostic::import(
        file,
        "",
        "cannot tell what kind of source this is: name it (`eksflow import terraform|eksctl|cloudformation|aws SOURCE`)",
    ))
}

/// A source file's text (standard input for `-`).
pub fn read_text(source: &str) -> Result<String, Diagnostic> {
    crate::scenario::read_source(source)
        .map_err(|diagnostic| Diagnostic::import(source, "", diagnostic.message))
}

/// The `--clients` file: a mapping with `clients:` and optionally `networks:` and
/// `dnsServers:`, in the scenario format.
pub fn read_clients(file: &str) -> Result<ExtraClients, Diagnostic> {
    read_clients_str(file, &read_text(file)?)
}

/// [`read_clients`] for a file already in memory; `file` names it in messages.
pub fn read_clients_str(file: &str, text: &str) -> Result<ExtraClients, Diagnostic> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct ClientsFile {
        #[serde(default)]
        clients: Vec<serde_yaml::Value>,
        #[serde(default)]
        networks: Vec<serde_yaml::Value>,
        #[serde(default)]
        dns_servers: Vec<serde_yaml::Value>,
    }
    let parsed: ClientsFile = serde_yaml::from_str(text).map_err(|error| {
        let at = error
            .location()
            .map(|l| format!("line {} column {}", l.line(), l.column()))
            .unwrap_or_default();
        Diagnostic::import(file, at, format!("not a clients file ({error}); expected a mapping with clients:, networks: and dnsServers:"))
    })?;
    for (i, client) in parsed.clients.iter().enumerate() {
        if !client.is_mapping() {
            return Err(Diagnostic::import(
                file,
                format!("clients[{i}]"),
                "a client is a mapping (name, from, ip, ...)",
            ));
        }
    }
    Ok(ExtraClients {
        clients: parsed.clients,
        networks: parsed.networks,
        dns_servers: parsed.dns_servers,
    })
}

/// Reads `source` (of `kind`, or detected) and builds its scenarios.
pub fn import(
    kind: Option<Kind>,
    source: &str,
    options: &Options,
) -> Result<Vec<Built>, Diagnostic> {
    let kind = match kind {
        Some(kind) => kind,
        None => detect(source)?,
    };
    let inventory = read(kind, source)?;
    import_inventory(source, &inventory, options)
}

/// [`import`] for a source already in memory (for AWS CLI output, one file); `file` names it
/// in messages.
pub fn import_str(
    kind: Option<Kind>,
    file: &str,
    text: &str,
    options: &Options,
) -> Result<Vec<Built>, Diagnostic> {
    let kind = match kind {
        Some(kind) => kind,
        None => detect_str(file, text)?,
    };
    let inventory = read_str(kind, file, text)?;
    import_inventory(file, &inventory, options)
}

/// Builds the scenarios of an inventory already read, as [`import`] does after reading:
/// one per cluster, each checked to load. `file` names the source in messages.
pub fn import_inventory(
    file: &str,
    inventory: &Inventory,
    options: &Options,
) -> Result<Vec<Built>, Diagnostic> {
    let built = build::build(inventory, options)
        .map_err(|message| Diagnostic::import(file, "", message))?;
    check_loads(file, &built)?;
    Ok(built)
}

/// Both sides of a Terraform plan, for `eksflow diff`: the scenarios of its planned values
/// (as [`import_str`] builds them), and those of its `prior_state`, `None` when the plan has
/// none. A prior state without the cluster (the plan creates it) has no scenario: its side
/// is `Some(vec![])`.
pub fn import_plan_sides(
    file: &str,
    text: &str,
    options: &Options,
) -> Result<(Vec<Built>, Option<Vec<Built>>), Diagnostic> {
    let planned = import_str(Some(Kind::Terraform), file, text, options)?;
    let prior = match read_plan_prior_str(file, text)? {
        None => None,
        Some(inventory)
            if !inventory.clusters.iter().any(|cluster| {
                options
                    .cluster
                    .as_ref()
                    .is_none_or(|name| &cluster.name == name)
            }) =>
        {
            Some(Vec::new())
        }
        Some(inventory) => Some(import_inventory(file, &inventory, options)?),
    };
    Ok((planned, prior))
}

/// An import's output must load: a scenario that does not (a value in the source that is not
/// what it claims to be, such as a CIDR block that does not parse, or elements that
/// contradict each other) fails the import with every problem, instead of being written.
pub fn check_loads(source: &str, built: &[Built]) -> Result<(), Diagnostic> {
    let mut problems = Vec::new();
    for scenario in built {
        let name = format!("<import of {source}>");
        for document in crate::scenario::load_str(&name, &scenario.yaml) {
            let Err(diagnostics) = document else {
                continue;
            };
            if diagnostics.is_empty() {
                problems.push(format!("cluster `{}`: does not load", scenario.cluster));
            }
            for diagnostic in diagnostics {
                let at = if diagnostic.path.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", diagnostic.path)
                };
                problems.push(format!(
                    "cluster `{}`: {at}{}",
                    scenario.cluster, diagnostic.message
                ));
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Diagnostic::import(
        source,
        "",
        format!(
            "the source does not make a scenario eksflow can load:\n  {}",
            problems.join("\n  ")
        ),
    ))
}
