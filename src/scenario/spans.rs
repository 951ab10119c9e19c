//! Where each node of a YAML document sits in its file.
//!
//! A file is parsed once, by `granit-parser`, into a tree of [`Node`]s: each node carries its
//! own position, each mapping entry its key node (with the key's position). The loader
//! deserializes the scenario from that tree (`load/de.rs`), so a value and its position always
//! come from the same parse; validation and the lint rules later find the node for a field
//! path by walking the same tree (no second parse, no index of re-built path strings).
//!
//! A lookup returns the position of the node at the path. When the tree shows that the path
//! is not written (a mapping without that key, a list shorter than the index, an empty value),
//! it returns the position of the deepest node that is written, the place to add the field —
//! and says so ([`Located::Unwritten`]). A document that was never parsed has no positions at
//! all: nothing falls back to a neighbour or to the document start.
//!
//! Aliases are never expanded here: an alias node shares its anchor's node (`Arc`), so an
//! alias bomb costs its size in the file, not its expansion.

use std::sync::{Arc, OnceLock};

use granit_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};

use crate::diagnostic::{Diagnostic, LoadCode};

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    /// In characters, not bytes.
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

/// One node of a parsed document, where it starts in the file.
#[derive(Debug, Clone)]
pub struct Node {
    pub position: Position,
    pub tag: NodeTag,
    pub kind: NodeKind,
}

/// What a node's YAML tag says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeTag {
    None,
    /// A core-schema tag that only says what the value is: `str`, `int`, `float`, `bool`,
    /// `null`, `map` or `seq`.
    Core(&'static str),
    /// Any other tag (`!Ref`): the value is something other than plain data.
    Custom,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar {
        value: String,
        /// Written without quotes or block indicators: subject to null/bool/number resolution.
        plain: bool,
    },
    Sequence(Vec<Node>),
    /// Entries in file order, each `(key, value)`.
    Mapping(Vec<(Node, Node)>),
    /// A node with an anchor (`&a ...`), shared with the aliases to it.
    Anchored(Arc<Node>),
    /// An alias (`*a`): the anchored node it stands for, not a copy.
    Alias(Arc<Node>),
    /// A node that cannot be read: nested past [`MAX_DEPTH`], or an alias to a collection
    /// from inside it. Deserializing it is an error with this message.
    Unusable(&'static str),
}

impl Node {
    /// The node itself, or the anchored node an anchor or alias stands for.
    pub fn resolved(&self) -> &Node {
        let mut node = self;
        while let NodeKind::Anchored(target) | NodeKind::Alias(target) = &node.kind {
            node = target;
        }
        node
    }

    /// The text of a scalar (after resolving an anchor or alias).
    pub fn as_str(&self) -> Option<&str> {
        match &self.resolved().kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// Collections nested deeper than this are not built into the tree (the scenario format is
/// under ten levels deep; serde_yaml refused more than 128 levels, and so does the loader).
/// It keeps every walk over the tree, recursive or not, shallow.
pub const MAX_DEPTH: usize = 128;

/// The message for a node nested past [`MAX_DEPTH`].
pub const TOO_DEEP: &str = "recursion limit exceeded";

/// One parsed document.
#[derive(Debug, Clone)]
pub struct DocumentTree {
    pub root: Node,
    /// Where the document starts.
    pub start: Position,
    /// Nodes in the tree, aliases counted once: bounds how much expanding aliases may cost.
    pub nodes: usize,
}

/// Everything one parse of a file gives: its documents, the problem that ended it, and the
/// values written with a tag that would change their meaning.
#[derive(Debug, Default)]
pub struct Stream {
    pub documents: Vec<DocumentTree>,
    /// A syntax error or an alias to an undefined anchor: parsing stops there, and the
    /// document it is in is not in `documents`.
    pub error: Option<Diagnostic>,
    /// `!!binary`, `!!timestamp`, ...: values whose tag says they are not plain text,
    /// numbers or booleans (at most [`MOST_TAG_PROBLEMS`]).
    pub tags: Vec<Diagnostic>,
}

/// The most tag problems [`parse`] collects.
pub const MOST_TAG_PROBLEMS: usize = 10;

/// The core-schema tags that only say what a plain scalar or collection already is.
const PLAIN_TAGS: [&str; 7] = ["str", "int", "float", "bool", "null", "map", "seq"];

/// The YAML core-schema tag namespace (`!!x` is `tag:yaml.org,2002:x`).
const YAML_NAMESPACE: &str = "tag:yaml.org,2002:";

thread_local! {
    /// Texts parsed by this thread (see [`parses`]).
    static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many texts this thread has parsed as YAML for scenarios and their positions: one per
/// file loaded, and none more when findings look up their positions. Tests use it to tell
/// that a file is parsed once.
pub fn parses() -> usize {
    PARSES.with(std::cell::Cell::get)
}

/// Parses every document of `text`, up to `most_documents` of them (the rest are not needed:
/// the caller refuses a file with more).
pub fn parse(text: &str, most_documents: usize) -> Stream {
    PARSES.with(|parses| parses.set(parses.get() + 1));
    let options = granit_parser::options! {
        // An alias to an anchor that is not defined is reported at the alias, as eksflow
        // words it ("unknown anchor"), not as the parser's error.
        emit_unresolved_aliases: true,
        // Block nesting costs its indentation in bytes, so the file size bounds it; the tree
        // stops at MAX_DEPTH and the loader reports the field, not a parse error.
        block_nesting_limit: usize::MAX,
    };
    let mut builder = Builder::default();
    for event in Parser::new_from_str_with_options(text, options) {
        match event {
            Ok((event, span)) => {
                if builder.event(event, &span) {
                    break;
                }
            }
            Err(error) => {
                builder.stream.error = Some(syntax_error(&error));
                break;
            }
        }
        if builder.stream.documents.len() >= most_documents {
            break;
        }
    }
    for problem in &mut builder.stream.tags {
        problem.position = problem
            .position
            .map(|position| tag_position(text, position));
    }
    builder.stream
}

/// Where the tag of the value at `value` starts, when it is on the value's line (the parser
/// places a node at its content, after its tag): a tag problem points at the tag.
fn tag_position(text: &str, value: Position) -> Position {
    let Some(line) = text.split('\n').nth(value.line.saturating_sub(1)) else {
        return value;
    };
    let before: String = line.chars().take(value.column.saturating_sub(1)).collect();
    match before.rfind("!!").or_else(|| before.rfind("!<")) {
        Some(at) => Position {
            line: value.line,
            column: before.get(..at).map_or(0, |s| s.chars().count()) + 1,
        },
        None => value,
    }
}

/// A problem the parser found, at its position; the loader names the file.
fn parse_problem(code: LoadCode, position: Position, message: impl Into<String>) -> Diagnostic {
    Diagnostic::at(code, "", Some(position), "", message)
}

fn syntax_error(error: &ScanError) -> Diagnostic {
    let position = Position {
        line: error.marker().line(),
        column: error.marker().col() + 1,
    };
    parse_problem(LoadCode::Syntax, position, error.info())
}

/// A collection being read.
struct Frame {
    position: Position,
    tag: NodeTag,
    anchor: usize,
    /// A sequence's items, or a mapping's keys and values alternating.
    children: Vec<Node>,
    mapping: bool,
}

#[derive(Default)]
struct Builder {
    stream: Stream,
    start: Option<Position>,
    stack: Vec<Frame>,
    /// Anchored nodes of the current document by the parser's anchor ID.
    anchors: std::collections::HashMap<usize, Arc<Node>>,
    /// Collections opened below MAX_DEPTH, not yet closed (skipped).
    skipped: usize,
    nodes: usize,
    root: Option<Node>,
}

impl Builder {
    /// Takes one event; true when parsing must stop.
    fn event(&mut self, event: Event<'_>, span: &Span) -> bool {
        let position = Position::from_span(span);
        let mapping = matches!(event, Event::MappingStart(..));
        match event {
            Event::DocumentStart(..) => {
                self.start = Some(position);
                self.stack.clear();
                self.anchors.clear();
                self.skipped = 0;
                self.nodes = 0;
                self.root = None;
            }
            Event::DocumentEnd => {
                let start = self.start.take().unwrap_or(position);
                let root = self.root.take().unwrap_or(Node {
                    position: start,
                    tag: NodeTag::None,
                    kind: NodeKind::Scalar {
                        value: String::new(),
                        plain: true,
                    },
                });
                self.stream.documents.push(DocumentTree {
                    root,
                    start,
                    nodes: self.nodes.max(1),
                });
            }
            Event::MappingStart(_, anchor, tag) | Event::SequenceStart(_, anchor, tag) => {
                if self.skipped > 0 || self.stack.len() >= MAX_DEPTH {
                    if self.skipped == 0 {
                        self.finish(Node {
                            position,
                            tag: NodeTag::None,
                            kind: NodeKind::Unusable(TOO_DEEP),
                        });
                    }
                    self.skipped += 1;
                    return false;
                }
                let tag = self.tag(tag.as_deref(), position);
                self.stack.push(Frame {
                    position,
                    tag,
                    anchor,
                    children: Vec::new(),
                    mapping,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if self.skipped > 0 {
                    self.skipped -= 1;
                    return false;
                }
                if let Some(frame) = self.stack.pop() {
                    let kind = if frame.mapping {
                        let mut entries = Vec::with_capacity(frame.children.len() / 2);
                        let mut children = frame.children.into_iter();
                        while let (Some(key), Some(value)) = (children.next(), children.next()) {
                            entries.push((key, value));
                        }
                        NodeKind::Mapping(entries)
                    } else {
                        NodeKind::Sequence(frame.children)
                    };
                    let node = Node {
                        position: frame.position,
                        tag: frame.tag,
                        kind,
                    };
                    let node = self.anchored(node, frame.anchor);
                    self.finish(node);
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                if self.skipped > 0 {
                    return false;
                }
                let tag = self.tag(tag.as_deref(), position);
                let node = Node {
                    position,
                    tag,
                    kind: NodeKind::Scalar {
                        value: yaml11_breaks(value),
                        plain: style == ScalarStyle::Plain,
                    },
                };
                let node = self.anchored(node, anchor);
                self.finish(node);
            }
            Event::Alias(id) => {
                if self.skipped > 0 {
                    return false;
                }
                let kind = match self.anchors.get(&id) {
                    Some(target) => NodeKind::Alias(Arc::clone(target)),
                    // Its anchor is on a collection still open (`&a [*a]`), or was nested too
                    // deep to be kept.
                    None => NodeKind::Unusable(TOO_DEEP),
                };
                self.finish(Node {
                    position,
                    tag: NodeTag::None,
                    kind,
                });
            }
            Event::UnresolvedAlias(_) => {
                self.stream.error =
                    Some(parse_problem(LoadCode::Syntax, position, "unknown anchor"));
                return true;
            }
            Event::StreamEnd => return true,
            _ => {}
        }
        false
    }

    fn tag(&mut self, tag: Option<&Tag>, position: Position) -> NodeTag {
        let Some(tag) = tag else {
            return NodeTag::None;
        };
        let Some(name) = tag.suffix_in_namespace(YAML_NAMESPACE) else {
            return NodeTag::Custom;
        };
        if let Some(plain) = PLAIN_TAGS.iter().find(|plain| **plain == name) {
            return NodeTag::Core(plain);
        }
        if self.stream.tags.len() < MOST_TAG_PROBLEMS {
            self.stream.tags.push(parse_problem(
                LoadCode::UnsupportedTag,
                position,
                format!(
                    "YAML tag `!!{name}` is not supported: a scenario holds text, numbers and booleans, and eksflow would read this value as something other than it says; write the value without the tag"
                ),
            ));
        }
        NodeTag::Custom
    }

    fn anchored(&mut self, node: Node, anchor: usize) -> Node {
        if anchor == 0 {
            return node;
        }
        let position = node.position;
        let shared = Arc::new(node);
        self.anchors.insert(anchor, Arc::clone(&shared));
        Node {
            position,
            tag: NodeTag::None,
            kind: NodeKind::Anchored(shared),
        }
    }

    /// A complete node goes into its parent, or becomes the document's root.
    fn finish(&mut self, node: Node) {
        self.nodes += 1;
        match self.stack.last_mut() {
            Some(frame) => frame.children.push(node),
            None => self.root = Some(node),
        }
    }
}

/// A scalar's text, with the blanks after a U+2028, U+2029 or U+0085 dropped. YAML 1.1
/// emitters (serde_yaml's libyaml, PyYAML) write these characters as line breaks and indent
/// the next line, and read that indentation back as nothing; YAML 1.2, and granit-parser,
/// read it as text. eksflow itself writes scenarios (`--clients` merges, `import`) partly
/// through serde_yaml, so a name with a line separator reads back as it was written.
fn yaml11_breaks(value: std::borrow::Cow<'_, str>) -> String {
    const BREAKS: [char; 3] = ['\u{2028}', '\u{2029}', '\u{85}'];
    if !value.contains(BREAKS) {
        return value.into_owned();
    }
    let mut text = String::with_capacity(value.len());
    let mut after_break = false;
    for c in value.chars() {
        if after_break && (c == ' ' || c == '\t') {
            continue;
        }
        after_break = BREAKS.contains(&c);
        text.push(c);
    }
    text
}

/// Where a path is, as far as the document's tree tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Located {
    /// The node at the path.
    Exact(Position),
    /// The path is not written: the position of the deepest node on it that is (the mapping
    /// to add the field to, the list to extend, the empty value to fill in).
    Unwritten(Position),
}

impl Located {
    pub fn position(self) -> Position {
        match self {
            Located::Exact(position) | Located::Unwritten(position) => position,
        }
    }
}

/// One step of a field path: `vpcs[0].cidr` is `vpcs`, `[0]`, `cidr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment<'p> {
    Key(&'p str),
    Index(usize),
}

/// The steps of an eksflow field path (`vpcs[0].subnets[1].cidr`).
fn segments(path: &str) -> impl Iterator<Item = Segment<'_>> {
    path.split('.')
        .filter(|part| !part.is_empty())
        .flat_map(|part| {
            let (key, indices) = part.find('[').map_or((part, ""), |at| {
                (
                    part.get(..at).unwrap_or_default(),
                    part.get(at..).unwrap_or_default(),
                )
            });
            let key = (!key.is_empty()).then_some(Segment::Key(key));
            let indices = indices.split('[').skip(1).map(|index| {
                let index = index.trim_end_matches(']');
                index.parse().map_or(Segment::Key(index), Segment::Index)
            });
            key.into_iter().chain(indices)
        })
}

/// What walking a path over a tree found: the node (when written) and, for a path ending in
/// a mapping key, that key's node.
struct Walk<'t> {
    node: &'t Node,
    key: Option<&'t Node>,
    written: bool,
}

fn walk<'t>(root: &'t Node, path: &str) -> Walk<'t> {
    let mut node = root;
    let mut key = None;
    for segment in segments(path) {
        let parent = node.resolved();
        let child = match (segment, &parent.kind) {
            (Segment::Key(name), NodeKind::Mapping(entries)) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(name))
                .map(|(k, v)| (Some(k), v)),
            (Segment::Index(index), NodeKind::Sequence(items)) => {
                items.get(index).map(|item| (None, item))
            }
            _ => None,
        };
        match child {
            Some((child_key, child)) => {
                key = child_key;
                node = child;
            }
            None => {
                return Walk {
                    node,
                    key: None,
                    written: false,
                };
            }
        }
    }
    Walk {
        node,
        key,
        written: true,
    }
}

/// The documents of one file, as parsed; the loader hands over the trees it read the
/// scenarios from, while a source that was parsed by someone else (an imported eksctl config
/// or CloudFormation template) is parsed here on first use.
#[derive(Debug, Default)]
pub struct FileSpans {
    text: Option<Arc<str>>,
    documents: OnceLock<Vec<DocumentTree>>,
}

impl FileSpans {
    /// Positions in `text`, parsed on the first lookup.
    pub fn new(text: Arc<str>) -> Self {
        FileSpans {
            text: Some(text),
            documents: OnceLock::new(),
        }
    }

    /// Positions in documents already parsed.
    pub fn parsed(documents: Vec<DocumentTree>) -> Self {
        FileSpans {
            text: None,
            documents: OnceLock::from(documents),
        }
    }

    fn documents(&self) -> &[DocumentTree] {
        self.documents.get_or_init(|| {
            self.text.as_deref().map_or_else(Vec::new, |text| {
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                parse(text, usize::MAX).documents
            })
        })
    }

    /// The tree of document `document` (0-based, in file order, empty documents included).
    pub fn document(&self, document: usize) -> Option<&DocumentTree> {
        self.documents().get(document)
    }
}

/// One document's positions, looked up in its file's tree.
#[derive(Debug, Clone, Default)]
pub struct DocumentSpans {
    file: Arc<FileSpans>,
    document: usize,
}

impl DocumentSpans {
    pub fn new(file: Arc<FileSpans>, document: usize) -> Self {
        DocumentSpans { file, document }
    }

    fn tree(&self) -> Option<&DocumentTree> {
        self.file.document(self.document)
    }

    /// Where the value at `path` is, or why it is not there.
    pub fn locate(&self, path: &str) -> Option<Located> {
        let walk = walk(&self.tree()?.root, path);
        Some(if walk.written {
            Located::Exact(walk.node.position)
        } else {
            Located::Unwritten(walk.node.position)
        })
    }

    /// The position of the value at `path`; for a path that is not written, of the deepest
    /// node on it that is (see [`Located::Unwritten`]).
    pub fn value(&self, path: &str) -> Option<Position> {
        self.locate(path).map(Located::position)
    }

    /// The position of the key that introduces `path` (for "unknown field" style problems);
    /// the value's for a path that does not end in a key (a list item, the document).
    pub fn key(&self, path: &str) -> Option<Position> {
        let walk = walk(&self.tree()?.root, path);
        Some(match (walk.written, walk.key) {
            (true, Some(key)) => key.position,
            _ => walk.node.position,
        })
    }

    /// Whether the document has a node at exactly `path` (the field was written).
    pub fn has(&self, path: &str) -> bool {
        self.tree()
            .is_some_and(|tree| walk(&tree.root, path).written)
    }

    /// Where the document starts.
    pub fn start(&self) -> Option<Position> {
        self.tree().map(|tree| tree.start)
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

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn spans(source: &str) -> Vec<DocumentSpans> {
        let stream = parse(source, usize::MAX);
        assert_eq!(stream.error, None);
        let count = stream.documents.len();
        let file = Arc::new(FileSpans::parsed(stream.documents));
        (0..count)
            .map(|index| DocumentSpans::new(Arc::clone(&file), index))
            .collect()
    }

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn keys_values_and_sequence_items_are_found_by_path() {
        let docs = spans(
            "version: 1\ncluster:\n  publicAccessCidrs:\n    - 10.0.0.0/8\n    - 300.1.1.1/32\n",
        );
        let doc = &docs[0];
        assert_eq!(doc.value("cluster.publicAccessCidrs[1]"), Some(at(5, 7)));
        assert_eq!(doc.key("cluster"), Some(at(2, 1)));
        assert_eq!(doc.value("version"), Some(at(1, 10)));
        assert!(doc.has("cluster.publicAccessCidrs[1]"));
        assert!(!doc.has("cluster.publicAccessCidrs[2]"));
    }

    #[test]
    fn an_unwritten_path_says_so_and_points_at_what_is_written() {
        let docs = spans("cluster:\n  name: a\n");
        assert_eq!(
            docs[0].locate("cluster.enis[3].ip"),
            Some(Located::Unwritten(at(2, 3)))
        );
        assert_eq!(
            docs[0].locate("cluster.name"),
            Some(Located::Exact(at(2, 9)))
        );
        // A document that was never parsed has no positions, not the first document's.
        let none = DocumentSpans::new(Arc::new(FileSpans::parsed(Vec::new())), 0);
        assert_eq!(none.value("cluster"), None);
    }

    #[test]
    fn a_tab_after_a_colon_is_a_separator() {
        let docs = spans("name:\tx\ncluster:\n  endpointAccess:\tpublic\n  vpc: v\n");
        assert_eq!(docs[0].value("name"), Some(at(1, 7)));
        assert_eq!(docs[0].value("cluster.endpointAccess"), Some(at(3, 19)));
        assert_eq!(docs[0].value("cluster.vpc"), Some(at(4, 8)));
    }

    #[test]
    fn flow_style_and_several_documents() {
        let docs = spans("a: [x, {b: 1}]\n---\nc: 2\n");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].value("a[1].b"), Some(at(1, 12)));
        assert_eq!(docs[1].value("c"), Some(at(3, 4)));
        assert_eq!(docs[1].start(), Some(at(2, 1)));
    }

    #[test]
    fn a_path_through_an_alias_finds_the_anchored_value() {
        let docs = spans("a: &x {k: v}\nb: *x\n");
        assert_eq!(docs[0].value("b"), Some(at(2, 4)));
        assert_eq!(docs[0].value("b.k"), Some(at(1, 11)));
    }

    #[test]
    fn tags_that_change_a_value_are_found_and_an_undefined_alias_ends_the_stream() {
        let stream = parse("a: !!binary aGVsbG8=\nb: !!str x\n", usize::MAX);
        assert_eq!(stream.tags.len(), 1);
        let stream = parse("a: 1\n---\nb: *nothing\n", usize::MAX);
        assert_eq!(stream.documents.len(), 1);
        assert_eq!(
            stream.error,
            Some(parse_problem(LoadCode::Syntax, at(3, 4), "unknown anchor"))
        );
    }

    #[test]
    fn path_segments() {
        let all: Vec<_> = segments("vpcs[0].subnets[12].cidr").collect();
        assert_eq!(
            all,
            [
                Segment::Key("vpcs"),
                Segment::Index(0),
                Segment::Key("subnets"),
                Segment::Index(12),
                Segment::Key("cidr")
            ]
        );
        assert_eq!(segments("").count(), 0);
    }

    #[test]
    fn parent_paths() {
        assert_eq!(parent_path("a.b[2]"), Some("a.b"));
        assert_eq!(parent_path("a.b"), Some("a"));
        assert_eq!(parent_path("a"), Some(""));
        assert_eq!(parent_path(""), None);
    }
}
