//! Where each node of a YAML document sits in its file.
//!
//! `serde_yaml` reports a position only for the error that stops deserialization, and the
//! validation problems found later (a dangling reference, a CIDR that does not parse, a
//! finding about the allowlist) need a line and column too. So every document is also walked
//! once with `saphyr-parser`'s event stream, recording the position of every key and value
//! by its field path (`vpcs[0].subnets[1].cidr`). The walk never expands aliases, so an alias
//! bomb costs nothing here.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use saphyr_parser::{Event, Parser, Span};

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    fn from_span(span: &Span) -> Self {
        Position {
            line: span.start.line(),
            column: span.start.col() + 1,
        }
    }
}

/// Positions of one document's nodes, keyed by field path.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    /// The position of the value at a path.
    values: HashMap<String, Position>,
    /// The position of the key that introduced a mapping value at a path.
    keys: HashMap<String, Position>,
    /// Where the document starts.
    start: Option<Position>,
}

impl SpanIndex {
    /// The position of the value at `path`, or of its nearest ancestor that has one.
    pub fn value(&self, path: &str) -> Option<Position> {
        let mut path = Some(path);
        while let Some(current) = path {
            if let Some(position) = self.values.get(current) {
                return Some(*position);
            }
            path = parent_path(current);
        }
        self.start
    }

    /// The position of the key for `path` (for "unknown field" style problems), falling back
    /// to the value and then to the nearest ancestor.
    pub fn key(&self, path: &str) -> Option<Position> {
        self.keys.get(path).copied().or_else(|| self.value(path))
    }

    /// Where the document starts.
    pub fn start(&self) -> Option<Position> {
        self.start
    }
}

/// The positions of every document of one file, indexed on first use: a scenario that loads
/// cleanly and has no findings never pays for the second parse.
#[derive(Debug, Default)]
pub struct FileSpans {
    text: Arc<str>,
    documents: OnceLock<Vec<SpanIndex>>,
}

impl FileSpans {
    pub fn new(text: Arc<str>) -> Self {
        FileSpans {
            text,
            documents: OnceLock::new(),
        }
    }

    /// The index of document `document` (0-based, in file order).
    pub fn document(&self, document: usize) -> Option<&SpanIndex> {
        self.documents
            .get_or_init(|| index_documents(&self.text))
            .get(document)
    }

    /// Where each document starts.
    pub fn starts(&self) -> Vec<Option<Position>> {
        self.documents
            .get_or_init(|| index_documents(&self.text))
            .iter()
            .map(SpanIndex::start)
            .collect()
    }
}

/// One document's positions, looked up lazily through its file.
#[derive(Debug, Clone, Default)]
pub struct DocumentSpans {
    file: Arc<FileSpans>,
    document: usize,
}

impl DocumentSpans {
    pub fn new(file: Arc<FileSpans>, document: usize) -> Self {
        DocumentSpans { file, document }
    }

    /// See [`SpanIndex::value`].
    pub fn value(&self, path: &str) -> Option<Position> {
        self.file.document(self.document)?.value(path)
    }

    /// See [`SpanIndex::key`].
    pub fn key(&self, path: &str) -> Option<Position> {
        self.file.document(self.document)?.key(path)
    }

    /// Whether the document has a node at exactly `path` (the field was written).
    pub fn has(&self, path: &str) -> bool {
        self.file
            .document(self.document)
            .is_some_and(|index| index.values.contains_key(path))
    }
}

/// The path one level up: `a.b[2]` → `a.b`, `a.b` → `a`, `a` → ``.
pub fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    path.get(..cut)
}

/// Joins a mapping key onto a path.
pub fn join_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// Joins a sequence index onto a path.
pub fn join_index(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// Nesting deeper than this is not indexed (the scenario format is under ten levels deep).
const MAX_INDEXED_DEPTH: usize = 128;

enum Frame {
    Mapping {
        path: String,
        /// The key just read, waiting for its value.
        pending_key: Option<(String, Position)>,
    },
    Sequence {
        path: String,
        next: usize,
    },
}

/// Indexes every document of `source`. Stops quietly at the first syntax error: the
/// deserializer reports that error with its own position, and the documents before it keep
/// their index.
pub fn index_documents(source: &str) -> Vec<SpanIndex> {
    let mut documents = Vec::new();
    let mut current: Option<SpanIndex> = None;
    let mut stack: Vec<Frame> = Vec::new();
    // Collections opened below MAX_INDEXED_DEPTH, not yet closed.
    let mut deep = 0usize;

    for event in Parser::new_from_str(source) {
        let Ok((event, span)) = event else { break };
        let position = Position::from_span(&span);
        match event {
            Event::DocumentStart(_) => {
                stack.clear();
                deep = 0;
                current = Some(SpanIndex {
                    start: Some(position),
                    ..SpanIndex::default()
                });
            }
            Event::DocumentEnd => {
                if let Some(done) = current.take() {
                    documents.push(done);
                }
            }
            Event::Scalar(..) | Event::Alias(_) if deep > 0 => {}
            Event::Scalar(text, ..) => {
                if let Some(index) = current.as_mut() {
                    if let Some(Frame::Mapping { pending_key, .. }) = stack.last_mut()
                        && pending_key.is_none()
                    {
                        *pending_key = Some((text.into_owned(), position));
                    } else {
                        node_path(&mut stack, index, position);
                    }
                }
            }
            Event::Alias(_) => {
                if let Some(index) = current.as_mut() {
                    if let Some(Frame::Mapping { pending_key, .. }) = stack.last_mut()
                        && pending_key.is_none()
                    {
                        *pending_key = Some(("*alias".to_owned(), position));
                    } else {
                        node_path(&mut stack, index, position);
                    }
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if stack.len() >= MAX_INDEXED_DEPTH {
                    // Deeper nodes are never a scenario field: serde_yaml refuses nesting
                    // past 128 levels anyway. Not building their paths keeps a hostile
                    // 100,000-level file linear instead of quadratic.
                    deep += 1;
                    continue;
                }
                let is_mapping = matches!(event, Event::MappingStart(..));
                let path = match current.as_mut() {
                    Some(index) => {
                        if let Some(Frame::Mapping { pending_key, .. }) = stack.last_mut()
                            && pending_key.is_none()
                        {
                            // A complex key: index its contents under a placeholder name.
                            *pending_key = Some(("?".to_owned(), position));
                            "?".to_owned()
                        } else {
                            node_path(&mut stack, index, position)
                        }
                    }
                    None => String::new(),
                };
                stack.push(if is_mapping {
                    Frame::Mapping {
                        path,
                        pending_key: None,
                    }
                } else {
                    Frame::Sequence { path, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if deep > 0 {
                    deep -= 1;
                } else {
                    stack.pop();
                }
            }
            Event::StreamEnd => break,
            _ => {}
        }
    }
    if let Some(done) = current.take() {
        documents.push(done);
    }
    documents
}

/// Records a value node at the position the stack says it is, and returns its path.
fn node_path(stack: &mut [Frame], index: &mut SpanIndex, position: Position) -> String {
    let path = match stack.last_mut() {
        None => String::new(),
        Some(Frame::Sequence { path, next }) => {
            let child = join_index(path, *next);
            *next += 1;
            child
        }
        Some(Frame::Mapping { path, pending_key }) => match pending_key.take() {
            Some((key, key_position)) => {
                let child = join_key(path, &key);
                index.keys.insert(child.clone(), key_position);
                child
            }
            None => path.clone(),
        },
    };
    index.values.entry(path.clone()).or_insert(position);
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_keys_values_and_sequence_items() {
        let source =
            "version: 1\ncluster:\n  publicAccessCidrs:\n    - 10.0.0.0/8\n    - 300.1.1.1/32\n";
        let docs = index_documents(source);
        assert_eq!(docs.len(), 1);
        let doc = &docs[0];
        assert_eq!(
            doc.value("cluster.publicAccessCidrs[1]"),
            Some(Position { line: 5, column: 7 })
        );
        assert_eq!(doc.key("cluster"), Some(Position { line: 2, column: 1 }));
        assert_eq!(
            doc.value("version"),
            Some(Position {
                line: 1,
                column: 10
            })
        );
    }

    #[test]
    fn unknown_paths_fall_back_to_the_nearest_ancestor() {
        let docs = index_documents("cluster:\n  name: a\n");
        assert_eq!(
            docs[0].value("cluster.enis[3].ip"),
            Some(Position { line: 2, column: 3 })
        );
    }

    #[test]
    fn flow_style_and_several_documents() {
        let source = "a: [x, {b: 1}]\n---\nc: 2\n";
        let docs = index_documents(source);
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0].value("a[1].b"),
            Some(Position {
                line: 1,
                column: 12
            })
        );
        assert_eq!(docs[1].value("c"), Some(Position { line: 3, column: 4 }));
    }

    #[test]
    fn parent_paths() {
        assert_eq!(parent_path("a.b[2]"), Some("a.b"));
        assert_eq!(parent_path("a.b"), Some("a"));
        assert_eq!(parent_path("a"), Some(""));
        assert_eq!(parent_path(""), None);
    }
}
