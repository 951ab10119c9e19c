//! Text from the input, made safe to print: control characters (ESC, BEL, CR, …) and the
//! Unicode characters that reorder or hide text are shown as `\u{1b}` instead of reaching a
//! terminal, where they could recolour, retitle or clear it. Every human-facing renderer and
//! every diagnostic goes through [`text`]; JSON escapes by itself.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` would act on a terminal instead of showing: C0 and C1 controls (tab and
/// newline included: one value, one line), DEL, and the bidirectional overrides and
/// isolates (Trojan Source, CVE-2021-42574).
fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `value` with every unsafe character written as `\u{…}`; borrowed when nothing needs it.
pub fn text(value: &str) -> Cow<'_, str> {
    if !value.chars().any(unsafe_char) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn terminal_escapes_are_shown_not_sent() {
        assert_eq!(text("x\u{1b}[31m"), "x\\u{1b}[31m");
        assert_eq!(text("vpc-\u{1b}]0;pwned\u{7}"), "vpc-\\u{1b}]0;pwned\\u{7}");
        assert_eq!(text("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(text("plain 10.0.1.10 — ✅"), "plain 10.0.1.10 — ✅");
    }
}
