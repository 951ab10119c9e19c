//! Renderers: tables, Markdown, JSON, traces and dig-style answers. They format what the
//! analysis decided and never decide anything themselves.

pub(crate) mod cells;
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
