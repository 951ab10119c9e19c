//! What exits 0, 1 or 2 (SPEC section 6), in one place. The binary maps an [`Outcome`] to
//! its exit code and decides nothing itself.

use crate::analysis::Flow;
use crate::checked::Checked;
use crate::lint::Totals;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Exit 0: every scenario analysed; no expectation failed; no error finding.
    Clean,
    /// Exit 1: analysis ran, and an expectation failed or an error-severity finding exists
    /// (for `diff`: the change breaks something).
    Failed,
    /// Exit 2: usage error or invalid input.
    Invalid,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Failed => 1,
            Outcome::Invalid => 2,
        }
    }

    fn from_failed(failed: bool) -> Outcome {
        if failed {
            Outcome::Failed
        } else {
            Outcome::Clean
        }
    }
}

/// `check` and `compare`: an input that did not load makes the run invalid; else a failed
/// scenario (for `compare`, see [`compare_failed`]) fails it.
pub fn analysed(failed: bool, load_failed: bool) -> Outcome {
    if load_failed {
        return Outcome::Invalid;
    }
    Outcome::from_failed(failed)
}

/// `compare` fails a scenario by `check`'s verdict on the column of its own mode (its
/// expectations are written for that mode); the other two columns are "what if" and never
/// fail a run.
pub fn compare_failed(modes: &[Checked<'_>; 3]) -> bool {
    modes.iter().any(fails_compare)
}

/// Whether one column of `compare` fails the run: the scenario's own mode, failed.
pub fn fails_compare(checked: &Checked<'_>) -> bool {
    checked.analysis.mode == checked.analysis.scenario.cluster.access && checked.failed()
}

/// `trace`: the client's expectation decides.
pub fn trace(flow: &Flow<'_>) -> Outcome {
    Outcome::from_failed(flow.expectation.is_some_and(|e| !e.met))
}

/// `resolve`: a name that does not resolve fails.
pub fn resolve(flow: &Flow<'_>) -> Outcome {
    Outcome::from_failed(flow.dns.failure.is_some())
}

/// `lint`: load problems make the run invalid; errors (and warnings with `--deny
/// warnings`) fail it.
pub fn lint(totals: Totals, deny_warnings: bool) -> Outcome {
    if totals.invalid_files > 0 {
        return Outcome::Invalid;
    }
    Outcome::from_failed(totals.errors > 0 || (deny_warnings && totals.warnings > 0))
}

/// `diff`: the change breaks something (a flow or an expectation lost, an error finding
/// added). An input that does not load never gets this far: the diff needs both sides.
pub fn diff(breaks: bool) -> Outcome {
    Outcome::from_failed(breaks)
}
