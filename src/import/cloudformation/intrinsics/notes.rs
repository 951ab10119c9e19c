//! What stayed unknown. Each note becomes a line of `imported.missing`, so the user sees what
//! the template does not say and what was assumed instead. One cause (the region, the stack
//! name) makes one note however many properties it touches: the note names the first few
//! property paths and counts the rest.

use super::Evaluator;

/// What stayed unknown, and the properties it touched.
#[derive(Debug)]
pub(super) struct Note {
    message: String,
    paths: Vec<String>,
}

impl Note {
    /// How many paths a note lists before it counts the rest.
    const SHOWN_PATHS: usize = 3;

    fn render(&self) -> String {
        match self.paths.as_slice() {
            [] => self.message.clone(),
            [path] => format!("{path}: {}", self.message),
            paths => {
                let shown: Vec<&str> = paths
                    .iter()
                    .take(Self::SHOWN_PATHS)
                    .map(String::as_str)
                    .collect();
                let more = paths.len().saturating_sub(Self::SHOWN_PATHS);
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                format!("{} (at {}{tail})", self.message, shown.join(", "))
            }
        }
    }
}

impl Evaluator<'_> {
    /// Records what the template does not say, once.
    pub fn note(&mut self, message: String) {
        if !self.notes.iter().any(|n| n.message == message) {
            self.notes.push(Note {
                message,
                paths: Vec::new(),
            });
        }
    }

    /// Records that `message` made the value at `path` unknown. One cause (the region, the
    /// stack name) makes one note, however many properties it touches.
    pub fn note_at(&mut self, path: &str, message: impl Into<String>) {
        let message = message.into();
        match self.notes.iter_mut().find(|n| n.message == message) {
            Some(note) => {
                if !note.paths.iter().any(|p| p == path) {
                    note.paths.push(path.to_owned());
                }
            }
            None => self.notes.push(Note {
                message,
                paths: vec![path.to_owned()],
            }),
        }
    }

    /// The notes as `imported.missing` lines.
    pub fn into_notes(self) -> Vec<String> {
        self.notes.iter().map(Note::render).collect()
    }
}
