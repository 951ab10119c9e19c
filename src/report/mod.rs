//! Renderers: tables, Markdown, JSON, traces and dig-style answers. They format what the
//! analysis decided and never decide anything themselves.

pub(crate) mod cells;
pub mod diff;
pub mod dig;
pub mod json;
pub mod lint;
pub mod markdown;
pub mod table;
pub mod trace;

/// How human-facing output may look; decided by the CLI from the terminal and `NO_COLOR`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    /// Colour verdicts (only on a terminal, never with `NO_COLOR` set).
    pub color: bool,
    /// Wrap tables to this many columns (a terminal's width); `None` never wraps.
    pub width: Option<u16>,
}

impl Style {
    /// The style for standard output: colour only on a terminal, and never with `NO_COLOR`
    /// set to a non-empty value (<https://no-color.org>) or `TERM=dumb`; tables wrap to the
    /// terminal's width, and a pipe or file gets the full, unwrapped lines.
    pub fn for_output(
        terminal: bool,
        no_color: Option<&std::ffi::OsStr>,
        term: Option<&str>,
        terminal_width: Option<u16>,
    ) -> Style {
        let no_color = no_color.is_some_and(|value| !value.is_empty());
        let dumb = term == Some("dumb");
        Style {
            color: terminal && !no_color && !dumb,
            width: if terminal { terminal_width } else { None },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Style;
    use std::ffi::OsStr;

    #[test]
    fn colour_only_on_a_terminal_without_no_color_or_a_dumb_term() {
        let on = |terminal, no_color: Option<&str>, term| {
            Style::for_output(terminal, no_color.map(OsStr::new), term, Some(80)).color
        };
        assert!(on(true, None, Some("xterm-256color")));
        assert!(!on(false, None, Some("xterm-256color")), "a pipe");
        assert!(!on(true, Some("1"), None), "NO_COLOR=1");
        assert!(
            on(true, Some(""), None),
            "an empty NO_COLOR is unset (no-color.org)"
        );
        assert!(!on(true, None, Some("dumb")));
    }

    #[test]
    fn tables_wrap_to_the_terminal_only() {
        assert_eq!(
            Style::for_output(true, None, None, Some(72)).width,
            Some(72)
        );
        assert_eq!(Style::for_output(false, None, None, Some(72)).width, None);
        assert_eq!(Style::for_output(true, None, None, None).width, None);
    }
}
