//! How elements are named: `label` in notes (the ID, and where it came from when that
//! differs), and `sanitize` for IDs the import makes up from names (the readers and
//! `import --output DIR/` use it too, hence public).

/// `subnet-1 (aws_subnet.a)`, or just the ID when it is its own origin.
pub(super) fn label(id: &str, origin: &str) -> String {
    if id == origin || origin.is_empty() {
        id.to_owned()
    } else {
        format!("{id} ({origin})")
    }
}

/// A name usable inside an ID: lowercase letters, digits and dashes.
pub fn sanitize(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    cleaned.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_ids_simple() {
        assert_eq!(
            sanitize("123456789123-acme-corp-eks"),
            "123456789123-acme-corp-eks"
        );
        assert_eq!(sanitize("My Cluster!"), "my-cluster");
    }
}
