//! A scenario analysed once and checked once: its flows ([`crate::analysis`]) and its
//! findings ([`crate::rules`]), kept together so every renderer and the exit-code policy
//! read the same result.

use crate::analysis::{self, Analysis};
use crate::rules::{self, Finding, Severity};
use crate::scenario::{EndpointAccess, Scenario};

/// One scenario under one endpoint mode: the flows and the findings about them.
#[derive(Debug, Clone)]
pub struct Checked<'s> {
    pub analysis: Analysis<'s>,
    pub findings: Vec<Finding>,
}

impl Checked<'_> {
    /// Whether an error-severity finding exists.
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|finding| finding.severity == Severity::Error)
    }

    /// Whether this result fails a run (SPEC section 6: exit 1): an expectation failed or an
    /// error-severity finding exists.
    pub fn failed(&self) -> bool {
        self.analysis.expectation_failed() || self.has_errors()
    }
}

/// A checked scenario reads as its analysis (`checked.flows`, `checked.mode`), with the
/// findings beside it.
impl<'s> std::ops::Deref for Checked<'s> {
    type Target = Analysis<'s>;

    fn deref(&self) -> &Analysis<'s> {
        &self.analysis
    }
}

/// Analyses `scenario` in its own mode (or `mode`) and runs every rule on the result.
pub fn check(scenario: &Scenario, mode: Option<EndpointAccess>) -> Checked<'_> {
    let analysis = analysis::analyse(scenario, mode);
    let findings = rules::check(&analysis);
    Checked { analysis, findings }
}

/// The same scenario under all three modes, in the order public, public-and-private, private.
pub fn compare(scenario: &Scenario) -> [Checked<'_>; 3] {
    EndpointAccess::ALL.map(|mode| check(scenario, Some(mode)))
}
