//! "Did you mean" hints, one rule everywhere: field names, element IDs, client names, import
//! kinds. A candidate is suggested when it is within a third of its length in edits
//! (case-insensitive Levenshtein distance, at least one edit), the nearest winning.

/// The nearest of `candidates` to `word`, when near enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                strsim::levenshtein(&word, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, candidate)| *distance <= (candidate.chars().count() / 3).max(1))
        .min()
        .map(|(_, candidate)| candidate)
}

/// "; did you mean `admin`?", or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates)
        .map(|candidate| format!("; did you mean `{}`?", crate::escape::text(candidate)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_near_miss_is_suggested_and_a_stranger_is_not() {
        assert_eq!(closest("admn", ["admin", "node-a"]), Some("admin"));
        assert_eq!(
            closest("eksctrl", ["terraform", "eksctl", "aws"]),
            Some("eksctl")
        );
        assert_eq!(
            closest("publicaccesscidrs", ["publicAccessCidrs"]),
            Some("publicAccessCidrs")
        );
        assert_eq!(closest("zzz", ["admin"]), None);
    }
}
