//! Reading scenario files: bytes → text → YAML documents → raw scenarios → validated ones.

use std::io::Read;
use std::path::Path;

use std::sync::Arc;

use super::model::Scenario;
use super::raw::RawScenario;
use super::spans::{
    self, DocumentSpans, DocumentTree, FileSpans, Node, NodeKind, NodeTag, Position, Stream,
    join_index, join_key,
};
use super::validate::Validator;
use crate::diagnostic::{Diagnostic, LoadCode};

mod de;
use de::NodeDeserializer;

use super::limits::{self, MAX_FILE_BYTES};

/// The name `-` stands for standard input.
pub const STDIN: &str = "-";

/// One document of a file: a scenario, or the problems that stopped it from loading.
pub type Document = Result<Scenario, Vec<Diagnostic>>;

/// Reads a file (or standard input for `-`) as UTF-8 text, within [`MAX_FILE_BYTES`].
pub fn read_source(path: &str) -> Result<String, Diagnostic> {
    read_path(Path::new(path))
}

/// [`read_source`] for a path as the file system gives it (a `lint` walk): the file is
/// opened by its `OsStr` path, never a lossy UTF-8 copy of it; messages name it lossily.
pub fn read_path(fs_path: &Path) -> Result<String, Diagnostic> {
    let shown = fs_path.to_string_lossy();
    let path: &str = &shown;
    let mut bytes = Vec::new();
    let result = if path == STDIN {
        std::io::stdin()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        // Looked at before opening: opening a FIFO blocks until something writes to it,
        // and a device or socket is no file to read either.
        match std::fs::metadata(fs_path) {
            Ok(metadata) if metadata.is_dir() => {
                return Err(Diagnostic::file(
                    LoadCode::Unreadable,
                    path,
                    "is a directory: `check` takes scenario files (`lint` walks directories)",
                ));
            }
            Ok(metadata) if !metadata.is_file() => {
                return Err(Diagnostic::file(
                    LoadCode::Unreadable,
                    path,
                    not_a_file(&metadata.file_type()),
                ));
            }
            Ok(_) => {}
            Err(error) => {
                return Err(Diagnostic::file(
                    LoadCode::Unreadable,
                    path,
                    describe_io_error(&error),
                ));
            }
        }
        match std::fs::File::open(fs_path) {
            // Checked again on what was opened, in case the path changed in between.
            Ok(file) => match file.metadata() {
                Ok(metadata) if metadata.is_file() => {
                    // Sized once from the file's length (bounded by the limit), not grown
                    // by doubling: reading a large scenario was 5% of `check`.
                    let expected = metadata.len().min(MAX_FILE_BYTES + 1);
                    bytes.reserve_exact(usize::try_from(expected).unwrap_or(0));
                    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)
                }
                Ok(metadata) => {
                    return Err(Diagnostic::file(
                        LoadCode::Unreadable,
                        path,
                        not_a_file(&metadata.file_type()),
                    ));
                }
                Err(error) => Err(error),
            },
            Err(error) => {
                return Err(Diagnostic::file(
                    LoadCode::Unreadable,
                    path,
                    describe_io_error(&error),
                ));
            }
        }
    };
    if let Err(error) = result {
        return Err(Diagnostic::file(
            LoadCode::Unreadable,
            path,
            describe_io_error(&error),
        ));
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Diagnostic::file(
            LoadCode::Unreadable,
            path,
            format!(
                "file is larger than {} MiB, the most eksflow reads",
                MAX_FILE_BYTES / 1024 / 1024
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|error| {
        let bytes = error.as_bytes();
        let offset = error.utf8_error().valid_up_to();
        let before = bytes.get(..offset).unwrap_or_default();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let bad = bytes.get(offset).copied().unwrap_or_default();
        Diagnostic {
            code: LoadCode::Unreadable,
            file: path.to_owned(),
            position: Some(Position {
                line: before.iter().filter(|&&b| b == b'\n').count() + 1,
                column: offset - line_start + 1,
            }),
            path: String::new(),
            message: format!("not valid UTF-8 (byte 0x{bad:02X}); save the scenario as UTF-8"),
        }
    })
}

/// Why a path that is neither a regular file nor a directory is not read: named by kind,
/// with the way to pipe a scenario in instead.
fn not_a_file(kind: &std::fs::FileType) -> String {
    #[cfg(unix)]
    let what = {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            "a named pipe (FIFO)"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_block_device() || kind.is_char_device() {
            "a device"
        } else {
            "something other than a regular file"
        }
    };
    #[cfg(not(unix))]
    let what = {
        let _ = kind;
        "something other than a regular file"
    };
    format!("is {what}: eksflow reads regular files only (use `-` to read standard input)")
}

fn describe_io_error(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => format!("cannot read: {error}"),
    }
}

/// Loads every document of a scenario file's text. `file` is the name used in messages.
///
/// Messages quote the input (`invalid type: string "…"`, `` `…` is not a CIDR block``); a
/// quoted value longer than `EXCERPT_CHARS` is cut short, so a file that is not what it
/// seems (a credentials file, a token in a misplaced field) never has more than a short
/// excerpt of it printed into a CI log.
pub fn load_str(file: &str, text: &str) -> Vec<Document> {
    let mut documents = load_text(file, text);
    for document in &mut documents {
        if let Err(diagnostics) = document {
            for diagnostic in diagnostics {
                diagnostic.message = excerpts(&diagnostic.message);
                diagnostic.path = path_excerpts(&diagnostic.path);
            }
        }
    }
    documents
}

/// The most characters of a value quoted in a load error.
pub const EXCERPT_CHARS: usize = 40;

/// `message` with every `"…"` or `` `…` `` quotation longer than [`EXCERPT_CHARS`]
/// cut to that many characters and `…`. A backslash escape (serde quotes a string with
/// Rust's `{:?}`: `\"`, `\u{1b}`) counts as one character and is never cut in half.
fn excerpts(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '"' && c != '`' {
            continue;
        }
        let close = c;
        let mut kept = 0;
        let mut cut = false;
        while let Some(c) = chars.next() {
            if c == close {
                break;
            }
            // One quoted character, with the rest of its escape when it starts one.
            let mut unit = String::from(c);
            if c == '\\' && close == '"' {
                match chars.next() {
                    Some('u') => {
                        unit.push('u');
                        for c in chars.by_ref() {
                            unit.push(c);
                            if c == '}' {
                                break;
                            }
                        }
                    }
                    Some(next) => unit.push(next),
                    None => {}
                }
            }
            if kept < EXCERPT_CHARS {
                out.push_str(&unit);
                kept += 1;
            } else if !cut {
                out.push('…');
                cut = true;
            }
        }
        out.push(close);
    }
    out
}

/// A field path with each key longer than [`EXCERPT_CHARS`] cut short (a key can be a
/// secret too: `ghp_…: x` in a file that is not a scenario).
fn path_excerpts(path: &str) -> String {
    if !path
        .split('.')
        .any(|key| key.chars().count() > EXCERPT_CHARS)
    {
        return path.to_owned();
    }
    path.split('.')
        .map(|key| {
            if key.chars().count() > EXCERPT_CHARS {
                let mut short: String = key.chars().take(EXCERPT_CHARS).collect();
                short.push('…');
                short
            } else {
                key.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn load_text(file: &str, text: &str) -> Vec<Document> {
    // A UTF-8 byte order mark is legal at the start of a YAML stream; the parser skips it
    // too, and positions count columns from after it either way.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_blank(text) {
        return vec![Err(vec![Diagnostic::file(
            LoadCode::Empty,
            file,
            "empty file: no scenario in it (see README, \"Scenario reference\")",
        )])];
    }
    if text.contains('\0') {
        let line = text
            .split('\0')
            .next()
            .map_or(1, |before| before.lines().count().max(1));
        return vec![Err(vec![Diagnostic {
            code: LoadCode::Syntax,
            file: file.to_owned(),
            position: Some(Position { line, column: 1 }),
            path: String::new(),
            message: "NUL byte in the file: a YAML scenario is text".to_owned(),
        }])];
    }
    if let Err(diagnostic) = limits::check_text(file, text) {
        return vec![Err(vec![diagnostic])];
    }

    // The one parse: every document's values and positions come from these trees. One
    // document past the limit is read, to report it at its start.
    let stream = spans::parse(text, limits::MAX_DOCUMENTS + 1);
    // Values written with a YAML tag that serde_yaml would quietly drop, so the scenario
    // would load with something other than what the file says: `!!binary aGVsbG8=` reads as
    // the text `aGVsbG8=`, not as the bytes it stands for, and the YAML 1.1 types
    // (`!!timestamp`, `!!set`, `!!omap`, …) as plain text or mappings. A scenario holds text,
    // numbers and booleans: such a value is refused, at its position. Other tags (`!Ref`)
    // are refused by the deserializer as the wrong type.
    if !stream.tags.is_empty() {
        return vec![Err(stream
            .tags
            .iter()
            .map(|problem| problem.clone().in_file(file))
            .collect())];
    }
    let Stream {
        documents: trees,
        error: syntax,
        ..
    } = stream;
    let spans = Arc::new(FileSpans::parsed(trees));
    let mut documents: Vec<Document> = Vec::new();
    let mut budget = limits::FileBudget::default();
    let mut index = 0;
    while let Some(tree) = spans.document(index) {
        let doc_spans = DocumentSpans::new(Arc::clone(&spans), index);
        index += 1;
        if let Some(diagnostic) = budget.next_document(file, || Some(tree.start)) {
            documents.push(Err(vec![diagnostic]));
            // The file ends here: its syntax error, if any, is further on.
            return documents;
        }
        match deserialize_document(file, tree) {
            Parsed::Scenario(raw, unknown) => {
                let mut validator = Validator::new(file, doc_spans);
                for diagnostic in unknown {
                    validator.push(diagnostic);
                }
                let loaded = validator.validate(*raw);
                documents.push(loaded.and_then(|s| budget.charge(s)));
            }
            Parsed::Null => {}
            Parsed::Error(diagnostic, true) => {
                // Nesting or alias expansion past its limit ends the file, as serde_yaml did.
                documents.push(Err(vec![diagnostic]));
                return documents;
            }
            Parsed::Error(diagnostic, false) => {
                // A type error stops serde at the first one; read the document again from
                // its tree, leniently, to report every type error of it with the rest.
                let outcome = match recover(file, tree) {
                    Some(recovered) => {
                        let mut validator = Validator::new(file, doc_spans);
                        validator.suppress(recovered.bad_paths);
                        for problem in recovered.problems {
                            validator.push(problem);
                        }
                        validator
                            .validate(*recovered.raw)
                            .and_then(|s| budget.charge(s))
                    }
                    None => Err(vec![diagnostic]),
                };
                documents.push(outcome);
            }
        }
    }
    // A syntax error (or an alias to an undefined anchor) ends the file: the documents before
    // it load, the broken one is this one problem.
    if let Some(problem) = syntax {
        documents.push(Err(vec![problem.in_file(file)]));
    }
    if documents.is_empty() {
        documents.push(Err(vec![Diagnostic::file(
            LoadCode::Empty,
            file,
            "empty file: its YAML documents are all empty",
        )]));
    }
    documents
}

/// Reads and loads a file; a file that cannot be read is one failed document.
pub fn load_file(path: &str) -> Vec<Document> {
    let name = if path == STDIN { "<stdin>" } else { path };
    match read_source(path) {
        Ok(text) => load_str(name, &text),
        Err(mut diagnostic) => {
            diagnostic.file = name.to_owned();
            vec![Err(vec![diagnostic])]
        }
    }
}

enum Parsed {
    Scenario(Box<RawScenario>, Vec<Diagnostic>),
    /// An empty document (`---` with nothing after it): skipped, as YAML streams allow.
    Null,
    /// The document does not deserialize; `true` when it cannot be read on at all (nesting
    /// or alias expansion past the limits), which ends the file.
    Error(Diagnostic, bool),
}

/// Deserializes a document's tree; serde's path and the node's position come with an error.
fn read_tree(
    file: &str,
    root: &Node,
    nodes: usize,
    unknown: &mut Vec<Diagnostic>,
) -> Result<Option<RawScenario>, serde_path_to_error::Error<de::Error>> {
    let context = de::Context::new(nodes);
    let mut record_unknown = |path: serde_ignored::Path<'_>| {
        unknown.push(unknown_field(file, context.last_key(), &path));
    };
    serde_path_to_error::deserialize(serde_ignored::Deserializer::new(
        NodeDeserializer::new(root, &context),
        &mut record_unknown,
    ))
}

fn deserialize_document(file: &str, tree: &DocumentTree) -> Parsed {
    let mut unknown = Vec::new();
    match read_tree(file, &tree.root, tree.nodes, &mut unknown) {
        Ok(Some(raw)) => Parsed::Scenario(Box::new(raw), unknown),
        Ok(None) => Parsed::Null,
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.inner();
            let fatal = inner.fatal;
            let path = if path == "." || fatal {
                String::new()
            } else {
                path
            };
            let message = &inner.message;
            let message = if message.starts_with("invalid type: unit value")
                || message.starts_with("invalid type: map") && path.is_empty()
            {
                format!("{message} (a scenario is a YAML mapping with version, name, cluster, ...)")
            } else {
                message.clone()
            };
            Parsed::Error(
                Diagnostic {
                    code: inner.code,
                    file: file.to_owned(),
                    position: inner.position,
                    path,
                    message: friendlier(&message),
                },
                fatal,
            )
        }
    }
}

/// An unknown field, at its key: the position of the key node whose value serde skipped.
fn unknown_field(
    file: &str,
    position: Option<Position>,
    path: &serde_ignored::Path<'_>,
) -> Diagnostic {
    let path = ignored_path(path);
    let field = path
        .rsplit_once('.')
        .map_or(path.as_str(), |(_, field)| field)
        .to_owned();
    Diagnostic {
        code: LoadCode::UnknownField,
        file: file.to_owned(),
        position,
        message: if field == "<<" {
            // YAML 1.1 merge keys would expand aliases, which eksflow never does (README,
            // Limits): say so rather than call `<<` a misspelt field.
            "YAML merge keys (`<<: *anchor`) are not supported: eksflow does not expand aliases; write the fields out".to_owned()
        } else {
            format!("unknown field `{field}`{}", suggest_field(&path, &field))
        },
        path,
    }
}

/// A document read leniently: every type error reported, each bad node replaced so the rest
/// still deserializes.
struct Recovered {
    raw: Box<RawScenario>,
    problems: Vec<Diagnostic>,
    /// Paths whose values were replaced: later problems under them would only repeat these.
    bad_paths: Vec<String>,
}

/// The most type errors reported for one document before giving up on the rest.
const MAX_TYPE_ERRORS: usize = 64;

/// Deserializes a copy of a document's tree again and again, each time replacing the node of
/// the type error found with an empty value (null, then an empty string, mapping or list,
/// whichever the field accepts; at the same position), until it deserializes.
fn recover(file: &str, tree: &DocumentTree) -> Option<Recovered> {
    let mut root = tree.root.clone();
    let mut problems = Vec::new();
    let mut bad_paths: Vec<String> = Vec::new();
    let mut attempts: Vec<(String, usize)> = Vec::new();
    loop {
        let mut unknown = Vec::new();
        let error = match read_tree(file, &root, tree.nodes, &mut unknown) {
            Ok(raw) => {
                problems.extend(unknown);
                return Some(Recovered {
                    raw: Box::new(raw.unwrap_or_default()),
                    problems,
                    bad_paths,
                });
            }
            Err(error) if error.inner().fatal => return None,
            Err(error) => error,
        };
        let path = error.path().to_string();
        let attempt = match attempts.iter_mut().find(|(seen, _)| *seen == path) {
            Some((_, attempt)) => {
                *attempt += 1;
                *attempt
            }
            None => {
                attempts.push((path.clone(), 0));
                problems.push(Diagnostic {
                    code: error.inner().code,
                    file: file.to_owned(),
                    position: error.inner().position,
                    path: if path == "." {
                        String::new()
                    } else {
                        path.clone()
                    },
                    message: friendlier(&error.inner().message),
                });
                bad_paths.push(path.clone());
                0
            }
        };
        let replacement = match attempt {
            0 => NodeKind::Scalar {
                value: "~".to_owned(),
                plain: true,
            },
            1 => NodeKind::Scalar {
                value: String::new(),
                plain: false,
            },
            2 => NodeKind::Mapping(Vec::new()),
            3 => NodeKind::Sequence(Vec::new()),
            _ => return None,
        };
        if problems.len() > MAX_TYPE_ERRORS || path == "." {
            return None;
        }
        let node = node_mut(&mut root, error.path())?;
        node.kind = replacement;
        node.tag = NodeTag::None;
    }
}

/// The node at a serde path inside a tree. An anchor or alias on the way is replaced by a
/// copy of its node, so only this use of it changes.
fn node_mut<'v>(root: &'v mut Node, path: &serde_path_to_error::Path) -> Option<&'v mut Node> {
    let mut node = root;
    for segment in path.iter() {
        unshare(node);
        node = match (segment, &mut node.kind) {
            (serde_path_to_error::Segment::Seq { index }, NodeKind::Sequence(items)) => {
                items.get_mut(*index)?
            }
            (serde_path_to_error::Segment::Map { key }, NodeKind::Mapping(entries)) => entries
                .iter_mut()
                .find(|(k, _)| k.as_str() == Some(key.as_str()))
                .map(|(_, value)| value)?,
            _ => return None,
        };
    }
    unshare(node);
    Some(node)
}

/// Replaces an anchor or alias node with a copy of the node it stands for.
fn unshare(node: &mut Node) {
    while let NodeKind::Anchored(target) | NodeKind::Alias(target) = &node.kind {
        let copy = Node::clone(target);
        node.kind = copy.kind;
        node.tag = copy.tag;
    }
}

/// Rewords serde's generic messages for people writing YAML.
fn friendlier(message: &str) -> String {
    let mut message = message
        .replace("invalid type: unit value", "invalid type: empty value")
        .replace("expected a borrowed string", "expected a string");
    // Internal type names (`struct RawCluster`) mean nothing to a scenario's author.
    if let Some(start) = message.find("struct Raw") {
        let name_start = start + "struct ".len();
        let rest = message.get(name_start..).unwrap_or_default();
        let end = name_start + rest.find([',', ' ', ')']).unwrap_or(rest.len());
        message.replace_range(start..end, "a mapping");
    }
    if message.contains("expected u64") || message.contains("expected a boolean") {
        let expected = if message.contains("expected u64") {
            "a whole number"
        } else {
            "true or false"
        };
        if let Some((what, _)) = message.split_once(", expected") {
            return format!("{what}, expected {expected}");
        }
    }
    let scalar = [
        "invalid type: integer",
        "invalid type: floating point",
        "invalid type: boolean",
    ];
    if message.contains("expected a string")
        && scalar.iter().any(|prefix| message.starts_with(prefix))
    {
        return format!("{message} (put it in quotes)");
    }
    message
}

fn is_blank(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#') || line == "---" || line == "..."
    })
}

/// `serde_ignored`'s path (`clients.0.nmae`) in eksflow's form (`clients[0].nmae`).
fn ignored_path(path: &serde_ignored::Path<'_>) -> String {
    match path {
        serde_ignored::Path::Root => String::new(),
        serde_ignored::Path::Seq { parent, index } => join_index(&ignored_path(parent), *index),
        serde_ignored::Path::Map { parent, key } => join_key(&ignored_path(parent), key),
        serde_ignored::Path::Some { parent }
        | serde_ignored::Path::NewtypeStruct { parent }
        | serde_ignored::Path::NewtypeVariant { parent } => ignored_path(parent),
    }
}

/// "; did you mean `publicAccessCidrs`?" when an unknown field is a near-miss of a known one.
fn suggest_field(path: &str, field: &str) -> String {
    let known = super::fields::known_fields(path);
    crate::suggest::closest(field, known.iter().copied())
        .map(|candidate| format!("; did you mean `{candidate}`?"))
        .unwrap_or_else(|| {
            if known.is_empty() {
                String::new()
            } else {
                format!(" (expected one of: {})", known.join(", "))
            }
        })
}

/// Loads text that must hold exactly one valid scenario (tests and benchmarks).
pub fn load_one(file: &str, text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    let mut documents = load_str(file, text);
    match documents.len() {
        1 => documents.pop().unwrap_or_else(|| Err(Vec::new())),
        n => Err(vec![Diagnostic::file(
            if n == 0 {
                LoadCode::Empty
            } else {
                LoadCode::LimitExceeded
            },
            file,
            format!("expected one scenario, found {n} documents"),
        )]),
    }
}

#[cfg(test)]
mod tests {
    use super::{EXCERPT_CHARS, excerpts, path_excerpts};

    const TOKEN: &str =
        "https://x-access-token:ghp_abcdefghijklmnopqrstuvwxyz0123456789ABCD@github.com";

    #[test]
    fn a_long_quoted_value_is_cut_to_a_short_excerpt() {
        let message = format!("invalid type: string {TOKEN:?}, expected a mapping");
        let short = excerpts(&message);
        assert_eq!(
            short,
            "invalid type: string \"https://x-access-token:ghp_abcdefghijklm…\", expected a mapping"
        );
        assert!(!short.contains("0123456789ABCD"));
        let message = format!("`{TOKEN}` is not an IPv4 address");
        assert_eq!(
            excerpts(&message),
            "`https://x-access-token:ghp_abcdefghijklm…` is not an IPv4 address"
        );
    }

    #[test]
    fn short_quotations_and_escapes_are_kept_whole() {
        let message = "unknown field `nmae`; did you mean `name`? (see \"Scenario reference\")";
        assert_eq!(excerpts(message), message);
        let escaped = format!("{:?}", "\u{1b}".repeat(EXCERPT_CHARS + 1));
        let short = excerpts(&format!("string {escaped}"));
        assert!(short.ends_with("\\u{1b}…\""), "{short}");
        assert_eq!(short.matches("\\u{1b}").count(), EXCERPT_CHARS);
    }

    #[test]
    fn a_long_key_in_a_path_is_cut_short() {
        let path = format!("clients[0].{}", "k".repeat(60));
        assert_eq!(
            path_excerpts(&path),
            format!("clients[0].{}…", "k".repeat(EXCERPT_CHARS))
        );
        assert_eq!(path_excerpts("cluster.vpc"), "cluster.vpc");
    }
}
