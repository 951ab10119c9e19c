//! A [`Graph`] as a Mermaid flowchart, which GitHub and GitLab draw in Markdown.
//!
//! IDs are the graph's own (`n0`, `g0`); every label is a quoted string in which the
//! characters Mermaid gives a meaning — `"`, `#` (its entity escape), `&`, `<`, `>` (HTML
//! in labels), `` ` `` (Markdown strings), `|` (edge labels), `%` (comments), `;`, `\`,
//! `{`, `}` and `~` — are written as Mermaid entity codes (`#34;`), and control characters
//! were already shown as `\u{…}` by [`escape::text`]. A label therefore never ends its
//! string, starts a statement or a comment, nor closes the fence it is embedded in.

use std::fmt::Write;

use super::{Graph, Line, Shape, Tone};
use crate::analysis::{Analysis, Flow};
use crate::escape;

/// The Mermaid flowchart of `graph`, ending in a newline.
pub fn render(graph: &Graph) -> String {
    let mut out = String::new();
    let direction = if graph.top_down { "TD" } else { "LR" };
    let _ = writeln!(out, "flowchart {direction}");
    write_groups(&mut out, graph, None, 1);
    for (id, node) in graph.nodes.iter().enumerate() {
        if node.group.is_none() {
            write_node(&mut out, id, node, 1);
        }
    }
    for edge in &graph.edges {
        let arrow = match edge.line {
            Line::Route => "-->",
            Line::Dns => "-.->",
            Line::Link => "---",
            Line::Placement => "-.-",
            Line::Stop => "--x",
        };
        match &edge.label {
            Some(text) => {
                let _ = writeln!(
                    out,
                    "    n{} {arrow}|\"{}\"| n{}",
                    edge.from,
                    label(text),
                    edge.to
                );
            }
            None => {
                let _ = writeln!(out, "    n{} {arrow} n{}", edge.from, edge.to);
            }
        }
    }
    for (tone, style) in TONES {
        let members: Vec<String> = graph
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.tone == tone)
            .map(|(id, _)| format!("n{id}"))
            .collect();
        if !members.is_empty() {
            let name = class(tone);
            let _ = writeln!(out, "    classDef {name} {style}");
            let _ = writeln!(out, "    class {} {name}", members.join(","));
        }
    }
    out
}

/// The path of a blocked flow as a fenced Mermaid block for a Markdown report. The fence is
/// `~~~`, so the block can sit inside a report that is itself shown in a ```` ``` ```` block
/// (the README's samples) and still render where the report is posted.
pub fn flow_block(analysis: &Analysis<'_>, flow: &Flow<'_>) -> String {
    format!(
        "~~~mermaid\n{}~~~\n",
        render(&super::flow_path(analysis, flow))
    )
}

/// The colour of each tone: fill, border and text, readable in light and dark themes.
const TONES: [(Tone, &str); 5] = [
    (Tone::Reachable, "fill:#e6f4ea,stroke:#1e8e3e,color:#0d3b1e"),
    (Tone::Blocked, "fill:#fce8e6,stroke:#d93025,color:#5c0b05"),
    (Tone::Endpoint, "fill:#e8f0fe,stroke:#1a73e8,color:#0b2a5c"),
    (Tone::Dns, "fill:#fef7e0,stroke:#f9ab00,color:#4a3300"),
    (
        Tone::Off,
        "fill:#f1f3f4,stroke:#9aa0a6,color:#3c4043,stroke-dasharray:4 3",
    ),
];

fn class(tone: Tone) -> &'static str {
    match tone {
        Tone::Plain => "plain",
        Tone::Reachable => "reachable",
        Tone::Blocked => "blocked",
        Tone::Endpoint => "endpoint",
        Tone::Dns => "dns",
        Tone::Off => "off",
    }
}

fn write_groups(out: &mut String, graph: &Graph, parent: Option<usize>, depth: usize) {
    let indent = "    ".repeat(depth);
    for (id, group) in graph.groups.iter().enumerate() {
        if group.parent != parent {
            continue;
        }
        let _ = writeln!(out, "{indent}subgraph g{id}[\"{}\"]", label(&group.label));
        for (node_id, node) in graph.nodes.iter().enumerate() {
            if node.group == Some(id) {
                write_node(out, node_id, node, depth + 1);
            }
        }
        write_groups(out, graph, Some(id), depth + 1);
        let _ = writeln!(out, "{indent}end");
    }
}

fn write_node(out: &mut String, id: usize, node: &super::Node, depth: usize) {
    let text = node
        .lines
        .iter()
        .map(|line| label(line))
        .collect::<Vec<_>>()
        .join("<br/>");
    let (open, close) = match node.shape {
        Shape::Box => ("[", "]"),
        Shape::Round => ("([", "])"),
        Shape::Cylinder => ("[(", ")]"),
        Shape::Hexagon => ("{{", "}}"),
        Shape::Circle => ("((", "))"),
    };
    let _ = writeln!(out, "{}n{id}{open}\"{text}\"{close}", "    ".repeat(depth));
}

/// `text` safe inside a quoted Mermaid label (see the module comment).
pub fn label(text: &str) -> String {
    let shown = escape::text(text);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '"' | '#' | '&' | '<' | '>' | '`' | '|' | ';' | '\\' | '{' | '}' | '~' | '%' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_cannot_end_their_string_or_start_a_statement() {
        assert_eq!(label(r#"a"b"#), "a#34;b");
        assert_eq!(label("end"), "end");
        assert_eq!(label("x<br/>y"), "x#60;br/#62;y");
        assert_eq!(label("#quot;"), "#35;quot#59;");
        assert_eq!(label("~~~"), "#126;#126;#126;");
        assert_eq!(label("%% x"), "#37;#37; x");
        assert_eq!(label("a|b`c`"), "a#124;b#96;c#96;");
    }

    #[test]
    fn control_characters_are_shown_never_emitted() {
        let escaped = label("x\u{1b}[31m\ny");
        assert!(!escaped.chars().any(char::is_control), "{escaped}");
        assert_eq!(escaped, "x#92;u#123;1b#125;[31m#92;u#123;a#125;y");
    }
}
