//! Renderers: tables, Markdown, JSON, traces and dig-style answers. They format what the
//! analysis decided and never decide anything themselves.

pub(crate) mod cells;
pub mod diff;
pub mod dig;
pub mod graph;
pub mod json;
pub(crate) mod layout;
pub mod lint;
pub mod markdown;
pub mod table;
pub mod trace;
pub(crate) mod wrap;

/// How human-facing output may look; decided by the CLI from the terminal and `NO_COLOR`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    /// Colour verdicts (only on a terminal, never with `NO_COLOR` set).
    pub color: bool,
    /// Fit output to this many columns (a terminal's width); `None` never wraps. Widths
    /// under [`Style::MIN_WIDTH`] are treated as `None`.
    pub width: Option<u16>,
}

impl Style {
    /// The narrowest width output is fitted to. A terminal that reports fewer columns has not
    /// really told its size: a pseudo-terminal whose size was never set reports 0 (and
    /// comfy-table then made every column one character wide), and no flow table can be read
    /// in a dozen columns anyway. Such a terminal gets the full lines, like a pipe.
    pub const MIN_WIDTH: u16 = 20;

    /// The style for standard output: colour only on a terminal, and never with `NO_COLOR`
    /// set to a non-empty value (<https://no-color.org>) or `TERM=dumb`; output fits the
    /// terminal's width, and a pipe or file, or a terminal that reports no size (or one under
    /// [`Style::MIN_WIDTH`]), gets the full, unwrapped lines.
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
            width: terminal_width.filter(|&width| terminal && width >= Style::MIN_WIDTH),
        }
    }

    /// [`Style::for_output`] with the CLICOLOR convention (<https://bixense.com/clicolors/>)
    /// applied: `CLICOLOR=0` turns colour off on a terminal, `CLICOLOR_FORCE` (set and not
    /// `0`) turns it on even in a pipe. `NO_COLOR` still wins over both (no-color.org: it
    /// "should prevent the addition of ANSI color"). Widths are unaffected: a forced colour
    /// does not make a pipe a terminal.
    pub fn with_clicolor(
        self,
        clicolor: Option<bool>,
        clicolor_force: bool,
        no_color: bool,
    ) -> Style {
        let color = if no_color {
            false
        } else if clicolor_force {
            true
        } else {
            self.color && clicolor != Some(false)
        };
        Style { color, ..self }
    }

    /// The width to fit output to, if any: `width` when it is at least [`Style::MIN_WIDTH`].
    pub(crate) fn wrap_width(self) -> Option<usize> {
        self.width
            .filter(|&width| width >= Style::MIN_WIDTH)
            .map(usize::from)
    }
}

#[cfg(test)]
mod tests {
    use super::Style;

    #[test]
    fn clicolor_turns_colour_off_clicolor_force_on_and_no_color_wins() {
        let terminal = Style {
            color: true,
            width: Some(80),
        };
        let pipe = Style::default();
        assert!(!terminal.with_clicolor(Some(false), false, false).color);
        assert!(terminal.with_clicolor(Some(true), false, false).color);
        assert!(
            pipe.with_clicolor(None, true, false).color,
            "forced in a pipe"
        );
        assert_eq!(pipe.with_clicolor(None, true, false).width, None);
        assert!(!pipe.with_clicolor(None, true, true).color, "NO_COLOR wins");
        assert!(!pipe.with_clicolor(Some(true), false, false).color);
    }
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

    #[test]
    fn a_terminal_that_reports_no_size_or_a_tiny_one_gets_unwrapped_lines() {
        // A pseudo-terminal whose size was never set answers TIOCGWINSZ with 0 columns.
        assert_eq!(Style::for_output(true, None, None, Some(0)).width, None);
        assert_eq!(Style::for_output(true, None, None, Some(19)).width, None);
        assert_eq!(
            Style::for_output(true, None, None, Some(20)).width,
            Some(20)
        );
        let built = Style {
            color: false,
            width: Some(0),
        };
        assert_eq!(built.wrap_width(), None, "a Style built by hand, too");
    }
}
