//! A small YAML writer for generated scenarios: block style, with comments where a reader
//! needs them (where an element came from, what was assumed). serde_yaml cannot write
//! comments, and a scenario without them would hide every assumption the import made.

/// A value in a generated document.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Already formatted: quoted where YAML needs it.
    Scalar(String),
    Map(Vec<Entry>),
    List(Vec<Item>),
    /// A short list of scalars on one line: `[a, b]`.
    Flow(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub value: Value,
    /// Comment lines written above the entry.
    pub above: Vec<String>,
    /// A comment at the end of the entry's line (scalars and flow lists only).
    pub trailing: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub value: Value,
    pub above: Vec<String>,
    pub trailing: Option<String>,
}

/// A text scalar, quoted when plain YAML would read it as something else.
pub fn text(value: &str) -> Value {
    Value::Scalar(quote(value))
}

pub fn boolean(value: bool) -> Value {
    Value::Scalar(value.to_string())
}

pub fn number(value: impl std::fmt::Display) -> Value {
    Value::Scalar(value.to_string())
}

pub fn flow<I, S>(items: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    Value::Flow(items.into_iter().map(|item| quote(item.as_ref())).collect())
}

/// A mapping built entry by entry.
#[derive(Debug, Clone, Default)]
pub struct MapBuilder {
    entries: Vec<Entry>,
}

impl MapBuilder {
    pub fn new() -> Self {
        MapBuilder::default()
    }

    pub fn set(mut self, key: &str, value: Value) -> Self {
        self.push(key, value);
        self
    }

    pub fn push(&mut self, key: &str, value: Value) {
        self.entries.push(Entry {
            key: key.to_owned(),
            value,
            above: Vec::new(),
            trailing: None,
        });
    }

    /// Adds an entry with a comment at the end of its line.
    pub fn push_noted(&mut self, key: &str, value: Value, note: Option<String>) {
        self.entries.push(Entry {
            key: key.to_owned(),
            value,
            above: Vec::new(),
            trailing: note,
        });
    }

    /// Adds an entry with comment lines above it.
    pub fn push_commented(&mut self, key: &str, value: Value, above: Vec<String>) {
        self.entries.push(Entry {
            key: key.to_owned(),
            value,
            above,
            trailing: None,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn build(self) -> Value {
        Value::Map(self.entries)
    }
}

/// A list item with optional comment lines above it.
pub fn item(value: Value, above: Vec<String>) -> Item {
    Item {
        value,
        above,
        trailing: None,
    }
}

/// Writes a document: a top-level mapping.
pub fn render(document: &Value) -> String {
    let mut out = String::new();
    if let Value::Map(entries) = document {
        write_map(&mut out, entries, 0);
    }
    out
}

fn comment_lines(out: &mut String, lines: &[String], indent: usize) {
    for line in lines {
        for part in line.lines() {
            out.push_str(&" ".repeat(indent));
            if part.is_empty() {
                out.push_str("#\n");
            } else {
                out.push_str("# ");
                out.push_str(part);
                out.push('\n');
            }
        }
    }
}

fn trailing(out: &mut String, note: &Option<String>) {
    if let Some(note) = note {
        out.push_str("  # ");
        out.push_str(&note.replace('\n', " "));
    }
    out.push('\n');
}

fn write_map(out: &mut String, entries: &[Entry], indent: usize) {
    for entry in entries {
        comment_lines(out, &entry.above, indent);
        out.push_str(&" ".repeat(indent));
        write_entry(out, entry, indent);
    }
}

/// Writes `key: value` starting at the current position (indentation already written).
fn write_entry(out: &mut String, entry: &Entry, indent: usize) {
    out.push_str(&quote(&entry.key));
    out.push(':');
    match &entry.value {
        Value::Scalar(scalar) => {
            out.push(' ');
            out.push_str(scalar);
            trailing(out, &entry.trailing);
        }
        Value::Flow(items) => {
            out.push_str(&format!(" [{}]", items.join(", ")));
            trailing(out, &entry.trailing);
        }
        Value::Map(entries) if entries.is_empty() => {
            out.push_str(" {}");
            trailing(out, &entry.trailing);
        }
        Value::List(items) if items.is_empty() => {
            out.push_str(" []");
            trailing(out, &entry.trailing);
        }
        Value::Map(entries) => {
            trailing(out, &entry.trailing);
            write_map(out, entries, indent + 2);
        }
        Value::List(items) => {
            trailing(out, &entry.trailing);
            write_list(out, items, indent + 2);
        }
    }
}

fn write_list(out: &mut String, items: &[Item], indent: usize) {
    for item in items {
        comment_lines(out, &item.above, indent);
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match &item.value {
            Value::Scalar(scalar) => {
                out.push_str(scalar);
                trailing(out, &item.trailing);
            }
            Value::Flow(items) => {
                out.push_str(&format!("[{}]", items.join(", ")));
                trailing(out, &item.trailing);
            }
            Value::Map(entries) => match entries.split_first() {
                None => {
                    out.push_str("{}");
                    trailing(out, &item.trailing);
                }
                Some((first, rest)) => {
                    write_entry(out, first, indent + 2);
                    write_map(out, rest, indent + 2);
                }
            },
            Value::List(items) => {
                out.push('\n');
                write_list(out, items, indent + 2);
            }
        }
    }
}

/// `value` as a YAML scalar: plain when it reads back as the same string, double-quoted
/// otherwise.
pub fn quote(value: &str) -> String {
    if is_plain(value) {
        value.to_owned()
    } else {
        let escaped: String = value
            .chars()
            .map(|c| match c {
                '"' => "\\\"".to_owned(),
                '\\' => "\\\\".to_owned(),
                '\n' => "\\n".to_owned(),
                '\t' => "\\t".to_owned(),
                c if c.is_control() => format!("\\u{:04x}", c as u32),
                c => c.to_string(),
            })
            .collect();
        format!("\"{escaped}\"")
    }
}

fn is_plain(value: &str) -> bool {
    const WORDS: [&str; 14] = [
        "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n", ".nan", ".inf", "-.inf",
        ".",
    ];
    let Some(first) = value.chars().next() else {
        return false;
    };
    if value != value.trim()
        || WORDS.contains(&value.to_ascii_lowercase().as_str())
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || value.contains(": ")
        || value.contains(" #")
        || value.ends_with(':')
        || value.parse::<f64>().is_ok()
        || value.starts_with("0x")
        || value.starts_with("0o")
    {
        return false;
    }
    value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " _./:@()+=-,*".contains(c))
        && !value.contains(',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_yaml_would_misread() {
        assert_eq!(quote("subnet-a"), "subnet-a");
        assert_eq!(quote("10.0.0.0/16"), "10.0.0.0/16");
        assert_eq!(quote("yes"), "\"yes\"");
        assert_eq!(quote("123"), "\"123\"");
        assert_eq!(
            quote("module.vpc.aws_subnet.private[0]"),
            "\"module.vpc.aws_subnet.private[0]\""
        );
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("a: b"), "\"a: b\"");
        assert_eq!(quote("say \"hi\""), "\"say \\\"hi\\\"\"");
    }

    #[test]
    fn renders_nested_maps_lists_and_comments() {
        let mut root = MapBuilder::new();
        root.push_commented("version", number(1), vec!["generated".to_owned()]);
        let subnet = MapBuilder::new()
            .set("id", text("subnet-a"))
            .set("cidr", text("10.0.1.0/24"))
            .build();
        root.push(
            "subnets",
            Value::List(vec![item(subnet, vec!["from aws_subnet.a".to_owned()])]),
        );
        root.push_noted("cidrs", flow(["10.0.0.0/16"]), Some("primary".to_owned()));
        root.push("empty", Value::List(Vec::new()));
        let text = render(&root.build());
        assert_eq!(
            text,
            "# generated\nversion: 1\nsubnets:\n  # from aws_subnet.a\n  - id: subnet-a\n    cidr: 10.0.1.0/24\ncidrs: [10.0.0.0/16]  # primary\nempty: []\n"
        );
        let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(value["subnets"][0]["cidr"], "10.0.1.0/24");
    }
}
