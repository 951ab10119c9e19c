//! The integration tests, one crate: one link instead of one per file. Each module is one
//! area of the contract; `cargo test --test it NAME` runs one of them.

mod budget;
mod common;
mod import_support;

mod bounds;
mod cli;
mod diff;
mod fix;
mod fuzz_regressions;
mod graph;
mod hooks;
mod hostile;
mod hybrid;
mod import_aws;
mod import_cloudformation;
mod import_eksctl;
mod import_terraform;
mod inputs;
mod invalid;
mod ipv6;
mod layout;
mod lint;
mod output;
mod positions;
mod properties;
mod proxy;
mod readme;
mod resolver;
mod safety;
mod schema;
mod serve;
mod stdin;
mod tracer;
mod transport;
