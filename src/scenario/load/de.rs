//! A serde `Deserializer` over a parsed [`Node`] tree: the scenario's values are read from
//! the same parse as their positions, and every error carries the position of the node it
//! is about.
//!
//! Scalars resolve as serde_yaml 0.9 resolved them (the YAML 1.2 core schema: `~`/`null`,
//! `true`/`false`, decimal, `0x`/`0o`/`0b` integers, floats; a number with a leading zero is
//! text), so scenarios read as they did and the type errors keep serde's wording.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};

use crate::diagnostic::LoadCode;
use crate::scenario::spans::{Node, NodeKind, NodeTag, Position};

/// A problem deserializing a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What kind of problem: serde's own kinds (wrong type, missing field, ...) kept apart.
    pub code: LoadCode,
    pub message: String,
    /// The node it is about (set by the innermost node that saw it).
    pub position: Option<Position>,
    /// The document cannot be read on (nesting or alias expansion past its limit): not a
    /// type error to recover from.
    pub fatal: bool,
}

impl Error {
    fn fatal(message: &str, position: Position) -> Self {
        Error {
            code: LoadCode::LimitExceeded,
            message: message.to_owned(),
            position: Some(position),
            fatal: true,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl Error {
    fn coded(code: LoadCode, message: Wording) -> Self {
        Error {
            code,
            message: message.0,
            position: None,
            fatal: false,
        }
    }
}

/// serde's wording of an error, from its default methods, so a coded error reads as before.
struct Wording(String);

impl fmt::Debug for Wording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Wording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Wording {}

impl de::Error for Wording {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Wording(message.to_string())
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error::coded(LoadCode::BadValue, Wording(message.to_string()))
    }

    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Error::coded(
            LoadCode::WrongType,
            de::Error::invalid_type(unexpected, expected),
        )
    }

    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Error::coded(
            LoadCode::BadValue,
            de::Error::invalid_value(unexpected, expected),
        )
    }

    fn invalid_length(len: usize, expected: &dyn de::Expected) -> Self {
        Error::coded(
            LoadCode::WrongType,
            de::Error::invalid_length(len, expected),
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error::coded(
            LoadCode::BadValue,
            de::Error::unknown_variant(variant, expected),
        )
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error::coded(
            LoadCode::UnknownField,
            de::Error::unknown_field(field, expected),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        Error::coded(LoadCode::MissingField, de::Error::missing_field(field))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Error::coded(LoadCode::DuplicateKey, de::Error::duplicate_field(field))
    }
}

/// State shared by every node of one deserialization.
#[derive(Debug)]
pub struct Context {
    /// Aliases followed so far, and how many may be: serde_yaml's limit, 100 per node.
    jumps: Cell<usize>,
    most_jumps: usize,
    /// The key of the mapping value being deserialized: where an unknown field is.
    last_key: Cell<Option<Position>>,
}

impl Context {
    pub fn new(nodes: usize) -> Self {
        Context {
            jumps: Cell::new(0),
            most_jumps: nodes.saturating_mul(100),
            last_key: Cell::new(None),
        }
    }

    /// The position of the key whose value is being (or was last) deserialized.
    pub fn last_key(&self) -> Option<Position> {
        self.last_key.get()
    }
}

/// Deserializes one node.
#[derive(Debug, Clone, Copy)]
pub struct NodeDeserializer<'a> {
    node: &'a Node,
    context: &'a Context,
    depth: usize,
}

impl<'a> NodeDeserializer<'a> {
    pub fn new(node: &'a Node, context: &'a Context) -> Self {
        NodeDeserializer {
            node,
            context,
            depth: 0,
        }
    }

    fn child(&self, node: &'a Node) -> Self {
        NodeDeserializer {
            node,
            context: self.context,
            depth: self.depth + 1,
        }
    }

    /// The node an anchor or alias stands for; following an alias counts against the
    /// expansion limit.
    fn resolve(&self) -> Result<&'a Node, Error> {
        let mut node = self.node;
        loop {
            match &node.kind {
                NodeKind::Anchored(target) => node = target,
                NodeKind::Alias(target) => {
                    let jumps = self.context.jumps.get() + 1;
                    self.context.jumps.set(jumps);
                    if jumps > self.context.most_jumps {
                        return Err(Error::fatal(
                            "repetition limit exceeded",
                            self.node.position,
                        ));
                    }
                    node = target;
                }
                NodeKind::Unusable(message) => return Err(Error::fatal(message, node.position)),
                _ => return Ok(node),
            }
        }
    }

    /// The error with this node's position, unless a node inside already gave one.
    fn here<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        result.map_err(|mut error| {
            if error.position.is_none() {
                error.position = Some(self.node.position);
            }
            error
        })
    }

    fn nested(&self) -> Result<(), Error> {
        if self.depth >= crate::scenario::spans::MAX_DEPTH {
            return Err(Error::fatal(
                crate::scenario::spans::TOO_DEEP,
                self.node.position,
            ));
        }
        Ok(())
    }

    fn visit_node<V: Visitor<'a>>(&self, node: &'a Node, visitor: V) -> Result<V::Value, Error> {
        if node.tag == NodeTag::Custom {
            return Err(de::Error::invalid_type(Unexpected::Enum, &visitor));
        }
        match &node.kind {
            NodeKind::Scalar { value, plain } => visit_scalar(visitor, value, *plain, node.tag),
            NodeKind::Sequence(items) => self.visit_sequence(items, visitor),
            NodeKind::Mapping(entries) => self.visit_mapping(entries, visitor),
            // resolve() never returns these.
            NodeKind::Anchored(_) | NodeKind::Alias(_) | NodeKind::Unusable(_) => Err(
                Error::fatal(crate::scenario::spans::TOO_DEEP, node.position),
            ),
        }
    }

    fn visit_sequence<V: Visitor<'a>>(
        &self,
        items: &'a [Node],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.nested()?;
        visitor.visit_seq(Items {
            items: items.iter(),
            parent: *self,
        })
    }

    fn visit_mapping<V: Visitor<'a>>(
        &self,
        entries: &'a [(Node, Node)],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.nested()?;
        visitor.visit_map(Entries {
            entries: entries.iter(),
            value: None,
            parent: *self,
        })
    }
}

/// Whether a plain scalar is null: empty, `~`, `null`, `Null` or `NULL`.
fn is_null(value: &str) -> bool {
    matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Leading zeros followed by digits: text in YAML 1.2, not an octal or decimal number.
fn digits_but_not_number(value: &str) -> bool {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    digits.len() > 1
        && digits.starts_with('0')
        && digits.bytes().skip(1).all(|b| b.is_ascii_digit())
}

fn radix_prefixed(value: &str) -> Option<(&str, u32)> {
    [("0x", 16), ("0o", 8), ("0b", 2)]
        .iter()
        .find_map(|(prefix, radix)| value.strip_prefix(prefix).map(|rest| (rest, *radix)))
}

fn parse_unsigned(value: &str) -> Option<u64> {
    let unsigned = value.strip_prefix('+').unwrap_or(value);
    if let Some((rest, radix)) = radix_prefixed(unsigned) {
        if rest.starts_with(['+', '-']) {
            return None;
        }
        if let Ok(int) = u64::from_str_radix(rest, radix) {
            return Some(int);
        }
    }
    if unsigned.starts_with(['+', '-']) || digits_but_not_number(value) {
        return None;
    }
    unsigned.parse().ok()
}

fn parse_negative(value: &str) -> Option<i64> {
    let rest = value.strip_prefix('-')?;
    if let Some((digits, radix)) = radix_prefixed(rest)
        && let Ok(int) = i64::from_str_radix(&format!("-{digits}"), radix)
    {
        return Some(int);
    }
    if digits_but_not_number(value) {
        return None;
    }
    value.parse().ok()
}

fn parse_float(value: &str) -> Option<f64> {
    let unsigned = match value.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => value,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    unsigned
        .parse::<f64>()
        .ok()
        .filter(|float| float.is_finite())
}

/// What a plain scalar resolves to.
enum Resolved<'v> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(&'v str),
}

fn resolve_plain(value: &str) -> Resolved<'_> {
    if is_null(value) {
        Resolved::Null
    } else if let Some(boolean) = parse_bool(value) {
        Resolved::Bool(boolean)
    } else if let Some(int) = parse_unsigned(value) {
        Resolved::Unsigned(int)
    } else if let Some(int) = parse_negative(value) {
        Resolved::Signed(int)
    } else if let Some(float) = (!digits_but_not_number(value))
        .then(|| parse_float(value))
        .flatten()
    {
        Resolved::Float(float)
    } else {
        Resolved::Text(value)
    }
}

/// How a scalar reads: plain scalars (and those tagged with a core type) resolve, quoted
/// and block scalars are text.
fn resolve_scalar(value: &str, plain: bool, tag: NodeTag) -> Resolved<'_> {
    match tag {
        NodeTag::Core("str") => Resolved::Text(value),
        NodeTag::Core(_) => resolve_plain(value),
        _ if plain => resolve_plain(value),
        _ => Resolved::Text(value),
    }
}

fn visit_scalar<'a, V: Visitor<'a>>(
    visitor: V,
    value: &'a str,
    plain: bool,
    tag: NodeTag,
) -> Result<V::Value, Error> {
    match resolve_scalar(value, plain, tag) {
        Resolved::Null => visitor.visit_unit(),
        Resolved::Bool(boolean) => visitor.visit_bool(boolean),
        Resolved::Unsigned(int) => visitor.visit_u64(int),
        Resolved::Signed(int) => visitor.visit_i64(int),
        Resolved::Float(float) => visitor.visit_f64(float),
        Resolved::Text(text) => visitor.visit_borrowed_str(text),
    }
}

/// What a node is, for "invalid type: …" messages.
fn unexpected(node: &Node) -> Unexpected<'_> {
    if node.tag == NodeTag::Custom {
        return Unexpected::Enum;
    }
    match &node.kind {
        NodeKind::Scalar { value, plain } => match resolve_scalar(value, *plain, node.tag) {
            Resolved::Null => Unexpected::Unit,
            Resolved::Bool(boolean) => Unexpected::Bool(boolean),
            Resolved::Unsigned(int) => Unexpected::Unsigned(int),
            Resolved::Signed(int) => Unexpected::Signed(int),
            Resolved::Float(float) => Unexpected::Float(float),
            Resolved::Text(text) => Unexpected::Str(text),
        },
        NodeKind::Sequence(_) => Unexpected::Seq,
        NodeKind::Mapping(_) => Unexpected::Map,
        _ => Unexpected::Other("a node nested too deep"),
    }
}

/// An empty plain scalar (`key:` with nothing after it), which reads as an empty list or
/// mapping, as it did with serde_yaml.
fn is_empty_plain(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar { value, plain: true } if value.is_empty())
        && node.tag == NodeTag::None
}

macro_rules! forward {
    ($($method:ident => $target:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
            self.$target(visitor)
        }
    )*};
}

impl<'a> de::Deserializer<'a> for NodeDeserializer<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.resolve()?;
        self.here(self.visit_node(node, visitor))
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.resolve()?;
        let result = match (&node.kind, node.tag) {
            (NodeKind::Scalar { value, plain: true }, NodeTag::None | NodeTag::Core("bool")) => {
                match parse_bool(value) {
                    Some(boolean) => visitor.visit_bool(boolean),
                    None => Err(de::Error::invalid_type(unexpected(node), &visitor)),
                }
            }
            _ => Err(de::Error::invalid_type(unexpected(node), &visitor)),
        };
        self.here(result)
    }

    fn deserialize_u64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.resolve()?;
        let result = match (&node.kind, node.tag) {
            (NodeKind::Scalar { value, plain: true }, NodeTag::None | NodeTag::Core("int")) => {
                match parse_unsigned(value) {
                    Some(int) => visitor.visit_u64(int),
                    None => Err(de::Error::invalid_type(unexpected(node), &visitor)),
                }
            }
            _ => Err(de::Error::invalid_type(unexpected(node), &visitor)),
        };
        self.here(result)
    }

    fn deserialize_i64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.resolve()?;
        let result = match (&node.kind, node.tag) {
            (NodeKind::Scalar { value, plain: true }, NodeTag::None | NodeTag::Core("int")) => {
                match parse_negative(value)
                    .or_else(|| parse_unsigned(value).and_then(|int| i64::try_from(int).ok()))
                {
                    Some(int) => visitor.visit_i64(int),
                    None => Err(de::Error::invalid_type(unexpected(node), &visitor)),
                }
            }
            _ => Err(de::Error::invalid_type(unexpected(node), &visitor)),
        };
        self.here(result)
    }

    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.resolve()?;
        let result = match (&node.kind, node.tag) {
            (NodeKind::Scalar { value, plain: true }, NodeTag::None | NodeTag::Core("float")) => {
                match parse_float(value) {
                    Some(float) => visitor.visit_f64(float),
                    None => Err(de::Error::invalid_type(unexpected(node), &visitor)),
                }
            }
            _ => Err(de::Error::invalid_type(unexpected(node), &visitor)),
        };
        self.here(result)
    }

    forward! {
        deserialize_i8 => deserialize_i64,
        deserialize_i16 => deserialize_i64,
        deserialize_i32 => deserialize_i64,
        deserialize_u8 => deserialize_u64,
        deserialize_u16 => deserialize_u64,
        deserialize_u32 => deserialize_u64,
        deserialize_f32 => deserialize_f64,
        deserialize_char => deserialize_str,
        deserialize_string => deserialize_str,
        deserialize_identifier => deserialize_str,
        deserialize_bytes => deserialize_any,
        deserialize_byte_buf => deserialize_any,
    }

    /// Any scalar reads as its text (a key, `Text`'s callers that want a string).
    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.resolve()?;
        let result = match &node.kind {
            NodeKind::Scalar { value, .. } => visitor.visit_borrowed_str(value),
            _ => Err(de::Error::invalid_type(unexpected(node), &visitor)),
        };
        self.here(result)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.resolve()?;
        let null = match (&node.kind, node.tag) {
            (NodeKind::Scalar { value, plain: true }, NodeTag::None | NodeTag::Core("null")) => {
                is_null(value)
            }
            _ => false,
        };
        if null {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.resolve()?;
        let result = match (&node.kind, node.tag) {
            (NodeKind::Scalar { value, plain: true }, NodeTag::None | NodeTag::Core("null"))
                if is_null(value) =>
            {
                visitor.visit_unit()
            }
            _ => Err(de::Error::invalid_type(unexpected(node), &visitor)),
        };
        self.here(result)
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.resolve()?;
        let result = match &node.kind {
            NodeKind::Sequence(items) if node.tag != NodeTag::Custom => {
                self.visit_sequence(items, visitor)
            }
            _ if is_empty_plain(node) => self.visit_sequence(&[], visitor),
            _ => Err(de::Error::invalid_type(unexpected(node), &visitor)),
        };
        self.here(result)
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let node = self.resolve()?;
        let result = match &node.kind {
            NodeKind::Mapping(entries) if node.tag != NodeTag::Custom => {
                self.visit_mapping(entries, visitor)
            }
            _ if is_empty_plain(node) => self.visit_mapping(&[], visitor),
            _ => Err(de::Error::invalid_type(unexpected(node), &visitor)),
        };
        self.here(result)
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    /// A plain scalar names a unit variant; nothing in a scenario is any other kind of enum.
    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let node = self.resolve()?;
        let result = match &node.kind {
            NodeKind::Scalar { value, .. } if node.tag != NodeTag::Custom => {
                visitor.visit_enum(value.as_str().into_deserializer())
            }
            _ => Err(de::Error::invalid_type(unexpected(node), &visitor)),
        };
        self.here(result)
    }

    /// Skipped without a look inside: an alias bomb in an unknown field costs nothing.
    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct Items<'a> {
    items: std::slice::Iter<'a, Node>,
    parent: NodeDeserializer<'a>,
}

impl<'a> de::SeqAccess<'a> for Items<'a> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.items.next() {
            Some(item) => seed.deserialize(self.parent.child(item)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<&'a (Node, Node)>,
    parent: NodeDeserializer<'a>,
}

impl<'a> de::MapAccess<'a> for Entries<'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            Some(entry) => {
                self.value = Some(entry);
                seed.deserialize(self.parent.child(&entry.0)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.value.take() else {
            return Err(de::Error::custom("a mapping value without its key"));
        };
        self.parent.context.last_key.set(Some(key.position));
        seed.deserialize(self.parent.child(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::scenario::spans::parse;
    use serde::Deserialize;

    fn read<T: for<'a> Deserialize<'a>>(text: &str) -> Result<T, Error> {
        let stream = parse(text, 1);
        let tree = &stream.documents[0];
        let context = Context::new(tree.nodes);
        T::deserialize(NodeDeserializer::new(&tree.root, &context))
    }

    #[test]
    fn scalars_resolve_as_in_the_yaml_core_schema() {
        assert_eq!(read::<u64>("0x1f").unwrap(), 31);
        assert_eq!(read::<i64>("-12").unwrap(), -12);
        assert!(read::<bool>("True").unwrap());
        assert_eq!(read::<Option<String>>("~").unwrap(), None);
        assert_eq!(read::<String>("0123").unwrap(), "0123");
        assert_eq!(
            read::<u64>("'1'").unwrap_err().message,
            "invalid type: string \"1\", expected u64"
        );
        assert_eq!(
            read::<bool>("yes").unwrap_err().message,
            "invalid type: string \"yes\", expected a boolean"
        );
    }

    #[test]
    fn an_error_is_at_the_node_it_is_about() {
        #[derive(Debug, Deserialize)]
        struct S {
            #[allow(dead_code)]
            a: Vec<u64>,
        }
        let error = read::<S>("a:\n  - 1\n  - x\n").unwrap_err();
        assert_eq!(error.position, Some(Position { line: 3, column: 5 }));
        assert!(!error.fatal);
    }

    #[test]
    fn an_alias_bomb_is_refused_at_the_expansion_limit() {
        let mut text = String::from("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("x{i}: &a{i} [{refs}]\n"));
        }
        let error = read::<serde::de::IgnoredAny>(&text);
        // IgnoredAny skips without expanding.
        assert!(error.is_ok());
        let error =
            read::<std::collections::BTreeMap<String, serde_json::Value>>(&text).unwrap_err();
        assert_eq!(error.message, "repetition limit exceeded");
        assert!(error.fatal);
    }
}
