//! A [`Graph`] as a Graphviz DOT digraph (`dot -Tsvg`).
//!
//! IDs are the graph's own (`n0`, `cluster_g0`); every label is a double-quoted string with
//! `\` and `"` escaped, so no input can end the string or use one of DOT's escape sequences
//! (`\N`, `\G`, `\l`); control characters were already shown as `\u{…}` by
//! [`escape::text`], and lines are joined with DOT's own `\n`.

use std::fmt::Write;

use super::{Graph, Line, Shape, Tone};
use crate::escape;

/// The DOT digraph of `graph`, ending in a newline.
pub fn render(graph: &Graph) -> String {
    let mut out = String::new();
    out.push_str("digraph eksflow {\n");
    let direction = if graph.top_down { "TB" } else { "LR" };
    let _ = writeln!(
        out,
        "  graph [rankdir={direction}, label=\"{}\", labelloc=t, fontname=\"Helvetica\", fontsize=12];",
        quoted(&graph.title)
    );
    out.push_str(
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#5f6368\", fontname=\"Helvetica\", fontsize=10];\n",
    );
    out.push_str("  edge [color=\"#5f6368\", fontname=\"Helvetica\", fontsize=9];\n");
    write_groups(&mut out, graph, None, 1);
    for (id, node) in graph.nodes.iter().enumerate() {
        if node.group.is_none() {
            write_node(&mut out, id, node, 1);
        }
    }
    for edge in &graph.edges {
        let mut attributes = match edge.line {
            Line::Route => Vec::new(),
            Line::Dns => vec!["style=dashed".to_owned(), "color=\"#b06000\"".to_owned()],
            Line::Link => vec!["dir=none".to_owned(), "penwidth=2".to_owned()],
            Line::Placement => vec!["dir=none".to_owned(), "style=dotted".to_owned()],
            Line::Stop => vec!["arrowhead=tee".to_owned(), "color=\"#d93025\"".to_owned()],
        };
        if let Some(text) = &edge.label {
            attributes.push(format!("label=\"{}\"", quoted(text)));
        }
        let attributes = if attributes.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attributes.join(", "))
        };
        let _ = writeln!(out, "  n{} -> n{}{attributes};", edge.from, edge.to);
    }
    out.push_str("}\n");
    out
}

fn write_groups(out: &mut String, graph: &Graph, parent: Option<usize>, depth: usize) {
    let indent = "  ".repeat(depth);
    for (id, group) in graph.groups.iter().enumerate() {
        if group.parent != parent {
            continue;
        }
        let _ = writeln!(out, "{indent}subgraph cluster_g{id} {{");
        let _ = writeln!(
            out,
            "{indent}  label=\"{}\"; style=rounded; color=\"#9aa0a6\";",
            quoted(&group.label)
        );
        for (node_id, node) in graph.nodes.iter().enumerate() {
            if node.group == Some(id) {
                write_node(out, node_id, node, depth + 1);
            }
        }
        write_groups(out, graph, Some(id), depth + 1);
        let _ = writeln!(out, "{indent}}}");
    }
}

fn write_node(out: &mut String, id: usize, node: &super::Node, depth: usize) {
    let text = node
        .lines
        .iter()
        .map(|line| quoted(line))
        .collect::<Vec<_>>()
        .join("\\n");
    let shape = match node.shape {
        Shape::Box => "shape=box",
        Shape::Round => "shape=box, style=\"rounded,filled,bold\"",
        Shape::Cylinder => "shape=cylinder, style=filled",
        Shape::Hexagon => "shape=hexagon, style=filled",
        Shape::Circle => "shape=ellipse, style=filled",
    };
    let (fill, border) = colours(node.tone);
    let _ = writeln!(
        out,
        "{}n{id} [{shape}, fillcolor=\"{fill}\", color=\"{border}\", label=\"{text}\"];",
        "  ".repeat(depth)
    );
}

/// Fill and border of each tone (the same colours as the Mermaid classes).
fn colours(tone: Tone) -> (&'static str, &'static str) {
    match tone {
        Tone::Plain => ("#ffffff", "#5f6368"),
        Tone::Reachable => ("#e6f4ea", "#1e8e3e"),
        Tone::Blocked => ("#fce8e6", "#d93025"),
        Tone::Endpoint => ("#e8f0fe", "#1a73e8"),
        Tone::Dns => ("#fef7e0", "#f9ab00"),
        Tone::Off => ("#f1f3f4", "#9aa0a6"),
    }
}

/// `text` safe inside a DOT double-quoted string (see the module comment).
pub fn quoted(text: &str) -> String {
    let shown = escape::text(text);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn labels_cannot_end_their_string_or_use_an_escape_sequence() {
        assert_eq!(quoted(r#"a"b"#), r#"a\"b"#);
        assert_eq!(quoted(r"\N\G\l"), r"\\N\\G\\l");
        assert_eq!(quoted("x\u{7}\ny"), r"x\\u{7}\\u{a}y");
    }
}
