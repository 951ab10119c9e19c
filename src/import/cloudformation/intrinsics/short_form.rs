//! YAML short-form tags made long: `!Ref X` is `{Ref: X}`, `!GetAtt A.B` is
//! `{Fn::GetAtt: [A, B]}`, `!Condition C` is `{Condition: C}`, and any other `!Name …` is
//! `{Fn::Name: …}`. A YAML template is rewritten once, as it is read, so that the evaluator
//! meets the one form JSON templates are written in. Reference: AWS CloudFormation Template
//! Reference, "Intrinsic function reference" (the short form of each function).

use serde_yaml::value::TaggedValue;
use serde_yaml::{Mapping, Value};

/// Replaces YAML short-form tags by the long form they abbreviate: `!Ref X` →
/// `{Ref: X}`, `!GetAtt A.B` → `{Fn::GetAtt: [A, B]}` (split at the first dot),
/// `!Condition C` → `{Condition: C}`, `!Sub …` → `{Fn::Sub: …}`.
pub fn long_form(value: Value) -> Value {
    match value {
        Value::Tagged(tagged) => {
            let TaggedValue { tag, value } = *tagged;
            let tag = tag.to_string();
            let name = tag.trim_start_matches('!');
            let argument = long_form(value);
            let (key, argument) = match name {
                "Ref" | "Condition" => (name.to_owned(), argument),
                "GetAtt" => ("Fn::GetAtt".to_owned(), split_get_att(argument)),
                other => (format!("Fn::{other}"), argument),
            };
            let mut map = Mapping::new();
            map.insert(Value::String(key), argument);
            Value::Mapping(map)
        }
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(long_form).collect()),
        Value::Mapping(map) => Value::Mapping(
            map.into_iter()
                .map(|(key, item)| (key, long_form(item)))
                .collect(),
        ),
        scalar => scalar,
    }
}

/// `A.B.C` → `[A, B.C]`: a logical ID has no dots, an attribute may.
fn split_get_att(argument: Value) -> Value {
    match argument {
        Value::String(text) => match text.split_once('.') {
            Some((resource, attribute)) => Value::Sequence(vec![
                Value::String(resource.to_owned()),
                Value::String(attribute.to_owned()),
            ]),
            None => Value::String(text),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::yaml;
    use super::*;

    #[test]
    fn short_form_tags_become_the_long_form() {
        let value = long_form(yaml("[!Ref A, !GetAtt B.C.D, !Sub x, !Condition E]"));
        assert_eq!(
            value,
            yaml(r#"[{Ref: A}, {"Fn::GetAtt": [B, C.D]}, {"Fn::Sub": x}, {Condition: E}]"#)
        );
    }
}
