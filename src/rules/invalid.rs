//! EKS000: the file is not a valid scenario. Not a rule of the engine — the loader reports it
//! — but a code like the others, so CI formats can carry load errors next to findings.

use super::{Code, Rule, Severity};

pub(super) const EKS000: Rule = Rule {
    code: Code::Eks000,
    name: "invalid-scenario",
    severity: Severity::Error,
    summary: "the file is not a valid scenario: YAML that does not parse, an unknown field, a wrong type, a bad address, a duplicate ID or a dangling reference",
    why: "eksflow cannot analyse a scenario it cannot load. The message names the file, line, \
          column and field at fault; every problem of the file is reported at once.",
    example: "cluster:\n  publicAccessCidrs: [300.1.1.1/8]   # not an address",
    fix: "Correct the field the message names (`eksflow check FILE` prints the same lines). The \
          scenario format is in the README's \"Scenario reference\".",
    references: &["eksflow README, Scenario reference"],
};
