//! The command line, defined in one place.

use clap::{Parser, Subcommand, ValueEnum};

use eksflow::scenario::EndpointAccess;

/// `--version`: the package version and the commit (build.rs), or the version alone where
/// the build script did not run (the fuzz crate includes this file).
const VERSION: &str = match option_env!("EKSFLOW_VERSION") {
    Some(version) => version,
    None => env!("CARGO_PKG_VERSION"),
};

/// From here, which address does my EKS cluster's API endpoint resolve to, and does my
/// traffic actually get there?
///
/// eksflow reads a YAML scenario (a planned cluster, its network and the clients that must or
/// must not reach the API server) — or the eksctl config, Terraform plan or state,
/// CloudFormation template or AWS CLI output that describes one — simulates split-horizon DNS
/// and the packet path for each client, and prints flow tables. It is an offline simulator:
/// nothing is sent to AWS.
///
/// Exit codes: 0 all good; 1 an expectation failed or an error finding; 2 usage error or
/// invalid input.
#[derive(Debug, Parser)]
#[command(name = "eksflow", version = VERSION, about, long_about)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse scenarios in their own endpoint mode (or --mode) and print a flow table.
    Check {
        /// Scenarios, eksctl configs, Terraform plans or state, CloudFormation templates, or
        /// directories of AWS CLI output (`-` for standard input).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// Analyse in this endpoint mode instead of the scenario's own.
        #[arg(long, value_enum)]
        mode: Option<Mode>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Merge clients (and their networks and DNS servers) from this file.
        #[arg(long, value_name = "FILE")]
        clients: Option<String>,
    },
    /// Show every client under all three endpoint modes side by side.
    Compare {
        /// A scenario or any input `check` reads (`-` for standard input).
        #[arg(value_name = "FILE")]
        file: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Merge clients (and their networks and DNS servers) from this file.
        #[arg(long, value_name = "FILE")]
        clients: Option<String>,
    },
    /// Show the hop-by-hop path of one client to every resolved address.
    Trace {
        /// A scenario or any input `check` reads (`-` for standard input).
        #[arg(value_name = "FILE")]
        file: String,
        /// The client's name.
        #[arg(long)]
        client: String,
        #[arg(long, value_enum)]
        mode: Option<Mode>,
        #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
        format: TraceFormat,
        /// Merge clients (and their networks and DNS servers) from this file.
        #[arg(long, value_name = "FILE")]
        clients: Option<String>,
    },
    /// Lint scenario files and directories for CI: findings with file, line and column.
    Lint {
        /// Files and directories. Directories are walked for *.yaml, *.yml and *.json as
        /// ripgrep walks them (`.gitignore`, `.ignore` and hidden files honoured, symbolic
        /// links not followed); files that are no scenario or infrastructure file are
        /// skipped and counted. `-` for standard input.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
        /// Skip paths matching this glob (gitignore syntax; repeatable).
        #[arg(long, value_name = "GLOB")]
        exclude: Vec<String>,
        /// Lint files that `.gitignore`, `.ignore` and git's excludes would skip.
        #[arg(long)]
        no_ignore: bool,
        #[arg(long, value_enum, default_value_t = LintFormat::Text)]
        format: LintFormat,
        /// Report only these codes or code prefixes (`EKS003,EKS01`).
        #[arg(long, value_delimiter = ',', value_name = "CODES")]
        select: Vec<String>,
        /// Never report these codes or code prefixes.
        #[arg(long, value_delimiter = ',', value_name = "CODES")]
        ignore: Vec<String>,
        /// Make warnings fail the run too (exit 1).
        #[arg(long, value_enum, value_name = "LEVEL")]
        deny: Option<Deny>,
        /// Print findings only: no summary line.
        #[arg(long, short)]
        quiet: bool,
        /// Merge clients (and their networks and DNS servers) from this file.
        #[arg(long, value_name = "FILE")]
        clients: Option<String>,
    },
    /// Write scenarios from Terraform plans or state, eksctl configs, CloudFormation templates
    /// or AWS CLI output: `eksflow import [terraform|eksctl|cloudformation|aws] SOURCE`.
    Import {
        /// The kind of source (optional when it can be told from the content), then the
        /// source: a file, `-` for standard input, or a directory of AWS CLI output.
        #[arg(required = true, num_args = 1..=2, value_name = "KIND SOURCE")]
        args: Vec<String>,
        /// Write here instead of standard output. A directory — one that exists, or a path
        /// ending in `/`, created if needed — gets one file per cluster (CLUSTER.yaml); any
        /// other path is one file, holding a YAML stream of one document per cluster when
        /// the source has several.
        #[arg(long, short, value_name = "FILE|DIR/")]
        output: Option<String>,
        /// Import only this cluster.
        #[arg(long)]
        cluster: Option<String>,
        /// Merge clients (and their networks and DNS servers) from this file.
        #[arg(long, value_name = "FILE")]
        clients: Option<String>,
    },
    /// Answer DNS for the endpoint name as one client's resolver chain would, on loopback:
    /// `dig @127.0.0.1 -p 5353 NAME` gets the simulated answer.
    Serve {
        /// A scenario or any input `check` reads.
        #[arg(value_name = "FILE")]
        file: String,
        /// The client whose answer to serve.
        #[arg(long)]
        client: String,
        #[arg(long, value_enum)]
        mode: Option<Mode>,
        /// Address and port to listen on, UDP and TCP (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:5353", value_name = "ADDR:PORT")]
        listen: std::net::SocketAddr,
        /// Stop after answering this many queries.
        #[arg(long, value_name = "N")]
        max_queries: Option<u64>,
        /// Merge clients (and their networks and DNS servers) from this file.
        #[arg(long, value_name = "FILE")]
        clients: Option<String>,
    },
    /// Print shell completions: `eksflow completions bash > /etc/bash_completion.d/eksflow`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from the same definitions as `--help`.
    #[command(hide = true)]
    Man,
    /// List the lint rules, or explain one: `eksflow rules EKS003`.
    Rules {
        /// A rule code.
        code: Option<String>,
        /// `markdown` prints the catalogue page (docs/rules.md).
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// What a change does to API access: `eksflow diff BEFORE AFTER`, or `eksflow diff
    /// PLAN` for a Terraform plan's prior state against its planned values. Exit 1 when the
    /// change breaks a flow or an expectation, or adds an error finding.
    Diff {
        /// The input before the change (or a Terraform plan, alone).
        #[arg(value_name = "BEFORE")]
        before: String,
        /// The input after the change.
        #[arg(value_name = "AFTER")]
        after: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Merge clients (and their networks and DNS servers) from this file.
        #[arg(long, value_name = "FILE")]
        clients: Option<String>,
    },
    /// Answer the endpoint name as one client's DNS would, dig-style.
    Resolve {
        /// A scenario or any input `check` reads (`-` for standard input).
        #[arg(value_name = "FILE")]
        file: String,
        /// The client's name.
        #[arg(long)]
        client: String,
        #[arg(long, value_enum)]
        mode: Option<Mode>,
        /// Print only the addresses, like `dig +short`.
        #[arg(long)]
        short: bool,
        /// Merge clients (and their networks and DNS servers) from this file.
        #[arg(long, value_name = "FILE")]
        clients: Option<String>,
    },
    /// Draw the scenario's topology — VPCs and their subnets, gateways, connections,
    /// networks, DNS servers and forwarding, the endpoint's public and private sides — with
    /// each client coloured by its verdict. Mermaid renders on GitHub and GitLab; DOT is for
    /// Graphviz (`eksflow graph FILE --format dot | dot -Tsvg > topology.svg`).
    Graph {
        /// A scenario or any input `check` reads (`-` for standard input).
        #[arg(value_name = "FILE")]
        file: String,
        /// Colour the clients by their verdicts in this endpoint mode instead of the
        /// scenario's own.
        #[arg(long, value_enum)]
        mode: Option<Mode>,
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
        /// Merge clients (and their networks and DNS servers) from this file.
        #[arg(long, value_name = "FILE")]
        clients: Option<String>,
    },
    /// Print the JSON Schema (2020-12) of the scenario format, for editors: the same file as
    /// docs/scenario.schema.json.
    Schema,
}

/// The EKS endpoint access modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    Public,
    PublicAndPrivate,
    Private,
}

impl From<Mode> for EndpointAccess {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::Public => EndpointAccess::Public,
            Mode::PublicAndPrivate => EndpointAccess::PublicAndPrivate,
            Mode::Private => EndpointAccess::Private,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
    Markdown,
}

/// What `--deny` makes fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart (GitHub and GitLab render it in Markdown).
    Mermaid,
    /// A Graphviz DOT digraph.
    Dot,
}
