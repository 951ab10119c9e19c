//! eksflow: from here, which address does my EKS cluster's API endpoint resolve to, and does
//! my traffic get there?
//!
//! The data flows one way: [`scenario`] (parse and validate) → [`dns`] (who answers the
//! endpoint name) → [`path`] (does TCP 443 arrive) → [`analysis`] (per-client verdicts and
//! findings) → [`report`] (tables, JSON, Markdown). The model never prints; the renderers
//! never decide a verdict.

#![forbid(unsafe_code)]

pub mod analysis;
pub mod cli;
pub mod diff;
pub mod dns;
pub mod import;
pub mod lint;
pub mod path;
pub mod reason;
pub mod report;
pub mod rules;
pub mod scenario;
