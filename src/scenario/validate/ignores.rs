//! Ignores: a rule code to silence, with the reason it does not apply.
//!
//! An ignore without a reason is refused, so a silenced finding always says why.

use super::Validator;
use crate::diagnostic::LoadCode;
use crate::scenario::model::Ignore;
use crate::scenario::raw::RawScenario;
use crate::scenario::spans::{join_index, join_key};

impl Validator<'_> {
    pub(super) fn ignores(&mut self, raw: &RawScenario) -> Vec<Ignore> {
        let mut out = Vec::new();
        for (i, raw_ignore) in raw.ignore.iter().enumerate() {
            let path = join_index("ignore", i);
            let code = self
                .required(&raw_ignore.code, &path, "code")
                .map(|c| c.0.clone());
            let reason = self
                .required(&raw_ignore.reason, &path, "reason")
                .map(|r| r.0.clone());
            if let Some(reason) = &reason
                && reason.trim().is_empty()
            {
                self.problem(
                    LoadCode::MissingField,
                    &join_key(&path, "reason"),
                    "an ignore needs a reason: say why the finding does not apply",
                );
            }
            if let Some(code) = &code {
                let well_formed = code.len() == 6
                    && code.starts_with("EKS")
                    && code.chars().skip(3).all(|c| c.is_ascii_digit());
                if !well_formed {
                    self.problem(LoadCode::BadValue, &join_key(&path, "code"), format!("`{code}` is not a rule code (EKS followed by three digits, e.g. EKS003)"));
                }
            }
            if let (Some(code), Some(reason)) = (code, reason) {
                out.push(Ignore { code, reason, path });
            }
        }
        out
    }
}
