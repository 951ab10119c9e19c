//! `lint` output formats, one file each.

pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

use crate::lint::Message;

/// `FILE:LINE:COL` (or just `FILE` when the position is unknown).
pub(crate) fn location(message: &Message<'_>) -> String {
    match message.position {
        Some(position) => format!("{}:{}:{}", message.file, position.line, position.column),
        None => message.file.to_owned(),
    }
}
