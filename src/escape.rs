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
/// Escaping is idempotent (the escaped form holds no unsafe character), so text escaped
/// where it is measured can go through a renderer's final pass again unchanged.
pub fn text(value: &str) -> Cow<'_, str> {
    escaped(value, unsafe_char)
}

/// A whole rendered report, as [`text`] but keeping its line ends: the renderer's own
/// newlines stay, every other unsafe character from the input is shown. The last line of
/// defence for renderers that write no control characters of their own (Markdown, trace,
/// dig, workflow commands); a newline inside an input value was already escaped by [`text`]
/// where the value was placed, or shows as a line break, never as a terminal command.
pub fn lines(value: &str) -> Cow<'_, str> {
    escaped(value, |c| c != '\n' && unsafe_char(c))
}

fn escaped(value: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !value.chars().any(&unsafe_char) {
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

    #[test]
    fn escaping_twice_is_escaping_once() {
        let once = text("a\u{1b}[2J\u{7}\nb");
        assert_eq!(text(&once), once);
        assert_eq!(super::lines(&once), once);
    }

    #[test]
    fn a_report_keeps_its_own_line_ends() {
        assert_eq!(
            super::lines("one\u{1b}[31m\ntwo\r\n"),
            "one\\u{1b}[31m\ntwo\\u{d}\n"
        );
    }
}
