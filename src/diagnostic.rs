//! A problem that stops an input from loading: eksflow's one error type. The scenario
//! loader, its validation, the importers and the input readers all report a [`Diagnostic`];
//! each carries a [`LoadCode`] saying what kind of problem it is (as cargo-deny's checks
//! carry a `Code`), shown in EKS000's message, as `load` in JSON, and listed by
//! `eksflow rules EKS000`.

use std::fmt;

use crate::escape;
use crate::scenario::Position;

macro_rules! load_codes {
    ($($variant:ident => $text:literal, $summary:literal;)*) => {
        /// What kind of load problem a [`Diagnostic`] is: a stable kebab-case code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum LoadCode {
            $($variant,)*
        }

        impl LoadCode {
            /// Every code, in the order `eksflow rules EKS000` lists them.
            pub const ALL: &'static [LoadCode] = &[$(LoadCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(LoadCode::$variant => $text,)*
                }
            }

            /// One line: what the problem is.
            pub fn summary(self) -> &'static str {
                match self {
                    $(LoadCode::$variant => $summary,)*
                }
            }
        }
    };
}

load_codes! {
    Unreadable => "unreadable", "the file is missing, unreadable, not a regular file, not UTF-8 or too large";
    Empty => "empty", "the file holds no scenario (nothing, or only comments and empty documents)";
    Syntax => "syntax", "the YAML does not parse (a syntax error, an alias to an undefined anchor, a NUL byte)";
    UnsupportedTag => "unsupported-tag", "a value tagged `!!binary`, `!!timestamp` or another tag that changes its meaning";
    UnknownField => "unknown-field", "a field the scenario format does not have (often a misspelling)";
    DuplicateKey => "duplicate-key", "the same field twice in one mapping";
    MissingField => "missing-field", "a required field is absent";
    WrongType => "wrong-type", "a value of the wrong type (a number for a string, a list for a mapping, ...)";
    BadValue => "bad-value", "a value of the right type that does not parse or is not one of the allowed ones (an address, a port range, a protocol, a mode, the version)";
    BadCidr => "bad-cidr", "a CIDR block that does not parse";
    WrongFamily => "wrong-family", "an IPv6 value in an IPv4 field, or the reverse, or a route of one family to a gateway of the other";
    DuplicateId => "duplicate-id", "an ID defined twice (IDs are unique across the whole scenario), or a client or node-group name, NACL rule number, route destination or forwarding domain used twice";
    DanglingReference => "dangling-reference", "a reference to an ID that nothing defines, or to one of the wrong kind";
    OutsideBlock => "outside-block", "an address or block outside its subnet, VPC or network, or an address AWS reserves in its subnet";
    Conflict => "conflict", "fields that contradict each other or a rule of the model (a security group of another VPC, a proxy chain, both subnets and a network)";
    LimitExceeded => "limit-exceeded", "more than eksflow reads: documents, nodes, nesting, alias expansion or elements past their limit (README, Limits)";
    Unrecognised => "unrecognised", "a file named on the command line that is no kind eksflow reads";
    Usage => "usage", "a path or option on the command line that names nothing or does not parse (a missing file, a bad `--exclude` glob)";
    Import => "import", "an eksctl config, Terraform plan or state, CloudFormation template or AWS CLI output that cannot be imported";
}

impl fmt::Display for LoadCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in one input file, printed as `FILE:LINE:COLUMN: field.path: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem it is.
    pub code: LoadCode,
    pub file: String,
    pub position: Option<Position>,
    /// The field path (`cluster.publicAccessCidrs[2]`); empty for file-level problems.
    pub path: String,
    pub message: String,
}

impl Diagnostic {
    /// A problem with the file itself (missing, unreadable, empty), not with a field.
    pub fn file(code: LoadCode, file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            file: file.to_owned(),
            position: None,
            path: String::new(),
            message: message.into(),
        }
    }

    /// A problem at `position` of `file`, about the field at `path` (empty: none).
    pub fn at(
        code: LoadCode,
        file: &str,
        position: Option<Position>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            file: file.to_owned(),
            position,
            path: path.into(),
            message: message.into(),
        }
    }

    /// A source an importer cannot read: `path` is a JSON or YAML path into it
    /// (`resource_changes[3].change.after`), when known.
    pub fn import(file: &str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::at(LoadCode::Import, file, None, path, message)
    }

    /// The same problem, named in `file` (for problems found before the file is known).
    pub fn in_file(mut self, file: &str) -> Self {
        file.clone_into(&mut self.file);
        self
    }
}

impl std::error::Error for Diagnostic {}

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
            code: LoadCode::DanglingReference,
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
            Diagnostic::file(LoadCode::Empty, "b.yaml", "empty file").to_string(),
            "b.yaml: empty file"
        );
    }

    #[test]
    fn load_codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in LoadCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert!(!code.summary().is_empty());
        }
    }
}
