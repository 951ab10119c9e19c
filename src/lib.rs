//! eksflow: from here, which address does my EKS cluster's API endpoint resolve to, and does
//! my traffic get there?
//!
//! The data flows one way: [`source`] (read an input, tell what it is, import it in memory)
//! → [`scenario`] (parse and validate) → [`dns`] (who answers the endpoint name) → [`path`]
//! (does TCP 443 arrive) → [`analysis`] (per-client verdicts) → [`rules`] (findings), kept
//! together by [`checked`] → [`report`] (tables, JSON, Markdown). [`policy`] decides the exit
//! code. The model never prints; the renderers never decide a verdict; the command line
//! lives in the binary.

#![forbid(unsafe_code)]

pub mod analysis;
pub mod checked;
pub mod diagnostic;
pub mod diff;
pub mod dns;
pub mod escape;
pub mod fix;
pub mod import;
pub mod lint;
pub mod path;
pub mod policy;
pub mod reason;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod serve;
pub mod source;
pub mod suggest;
