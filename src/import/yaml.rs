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

/// Whether YAML cannot hold `c` as it is, in a comment or a quoted scalar: control characters
/// other than tab and line feed (a lone carriage return or U+0085 would even end a comment's
/// line), the Unicode line and paragraph separators (line breaks to YAML 1.1), the byte order
/// mark and the non-characters U+FFFE and U+FFFF. Source files can carry any of them in names
/// and descriptions.
fn unprintable(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// Comment text as YAML can hold it: characters it cannot, replaced with U+FFFD.
fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| if unprintable(c) { '\u{fffd}' } else { c })
        .collect()
}

fn comment_lines(out: &mut String, lines: &[String], indent: usize) {
    for line in lines {
        for part in line.lines() {
            out.push_str(&" ".repeat(indent));
            if part.is_empty() {
                out.push_str("#\n");
            } else {
                out.push_str("# ");
                out.push_str(&comment_text(part));
                out.push('\n');
            }
        }
    }
}

fn trailing(out: &mut String, note: &Option<String>) {
    if let Some(note) = note {
        out.push_str("  # ");
        out.push_str(&comment_text(&note.replace('\n', " ")));
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

/// The longest key written as `key: value`. YAML allows an implicit key at most 1024
/// characters; a longer one (a `--clients` file can hold anything) is written as an explicit
/// key, `? key` and then `: value` on the next line.
const MAX_IMPLICIT_KEY: usize = 1000;

/// Writes `key: value` starting at the current position (indentation already written).
fn write_entry(out: &mut String, entry: &Entry, indent: usize) {
    let key = quote(&entry.key);
    if key.len() > MAX_IMPLICIT_KEY {
        out.push_str("? ");
        out.push_str(&key);
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    } else {
        out.push_str(&key);
    }
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
                c if unprintable(c) => format!("\\u{:04x}", c as u32),
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
    fn a_key_longer_than_yaml_allows_an_implicit_key_is_written_explicitly() {
        // Found by fuzzing (docs/fuzzing.md): a 1,100-character key in a `--clients` file
        // made the imported scenario unreadable ("mapping values are not allowed").
        let long = "k".repeat(1100);
        let mut client = MapBuilder::new();
        client.push(&long, text("v"));
        client.push(
            "nested",
            MapBuilder::new().set(&long, flow(["a", "b"])).build(),
        );
        let mut root = MapBuilder::new();
        root.push("clients", Value::List(vec![item(client.build(), vec![])]));
        root.push(&long, MapBuilder::new().set("x", text("y")).build());
        let yaml = render(&root.build());
        let parsed: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(parsed["clients"][0][long.as_str()], "v");
        assert_eq!(parsed["clients"][0]["nested"][long.as_str()][1], "b");
        assert_eq!(parsed[long.as_str()]["x"], "y");
        assert!(yaml.contains(&format!("  - ? {long}\n    : v\n")), "{yaml}");
    }

    #[test]
    fn characters_yaml_cannot_hold_are_escaped_or_replaced() {
        // Found by fuzzing (docs/fuzzing.md): a DEL in a CloudFormation logical ID, written
        // into a comment, made the imported scenario unreadable.
        assert_eq!(quote("a\u{7f}b\rc"), "\"a\\u007fb\\u000dc\"");
        assert_eq!(quote("a\u{2028}b"), "\"a\\u2028b\"");
        let mut root = MapBuilder::new();
        root.push_commented(
            "name",
            text("x"),
            vec!["Subnet\u{7f}A\rB\u{85}C".to_owned()],
        );
        root.push_noted("id", text("z"), Some("note\u{2029}end".to_owned()));
        let yaml = render(&root.build());
        assert_eq!(
            yaml,
            "# Subnet\u{fffd}A\u{fffd}B\u{fffd}C\nname: x\nid: z  # note\u{fffd}end\n"
        );
        let parsed: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(parsed["name"], "x");
        let tricky = render(
            &MapBuilder::new()
                .set("v", text("a\u{7f}\r\u{85}\u{2028}\u{feff}\u{ffff}b"))
                .build(),
        );
        let parsed: serde_yaml::Value = serde_yaml::from_str(&tricky).unwrap();
        assert_eq!(parsed["v"], "a\u{7f}\r\u{85}\u{2028}\u{feff}\u{ffff}b");
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
