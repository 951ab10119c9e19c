//! A problem that stops a scenario from loading.

use std::fmt;

use super::spans::Position;
use crate::escape;

/// One problem in one input file, printed as `FILE:LINE:COLUMN: field.path: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub position: Option<Position>,
    /// The field path (`cluster.publicAccessCidrs[2]`); empty for file-level problems.
    pub path: String,
    pub message: String,
}

impl Diagnostic {
    /// A problem with the file itself (missing, unreadable, empty), not with a field.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_owned(),
            position: None,
            path: String::new(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // File names, paths and messages quote the input: escaped, never raw.
        write!(f, "{}", escape::text(&self.file))?;
        if let Some(position) = self.position {
            write!(f, ":{}:{}", position.line, position.column)?;
        }
        f.write_str(": ")?;
        if !self.path.is_empty() {
            write!(f, "{}: ", escape::text(&self.path))?;
        }
        // One problem, one line: a multi-line message from the YAML parser is folded.
        let message = escape_lines(&self.message);
        let mut lines = message.lines();
        if let Some(first) = lines.next() {
            f.write_str(first)?;
        }
        for line in lines {
            write!(f, " {}", line.trim())?;
        }
        Ok(())
    }
}

/// The message with each line escaped, keeping its line breaks (folded by the caller).
fn escape_lines(message: &str) -> String {
    message
        .lines()
        .map(|line| escape::text(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_file_line_column_path_and_message() {
        let diagnostic = Diagnostic {
            file: "a.yaml".into(),
            position: Some(Position { line: 3, column: 7 }),
            path: "cluster.vpc".into(),
            message: "`vpc-x` is not defined".into(),
        };
        assert_eq!(
            diagnostic.to_string(),
            "a.yaml:3:7: cluster.vpc: `vpc-x` is not defined"
        );
        assert_eq!(
            Diagnostic::file("b.yaml", "empty file").to_string(),
            "b.yaml: empty file"
        );
    }
}
