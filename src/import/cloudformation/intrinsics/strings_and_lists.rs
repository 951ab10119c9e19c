//! The string and list functions: `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`,
//! `Fn::Length` and `Fn::GetAZs`.
//!
//! A result built from an unknown value is unknown (`Fn::Sub "${AWS::StackName}-vpc"`), not a
//! string with a hole in it. `Fn::GetAZs` stands for zones a, b and c of the region, the three
//! every commercial region has; selecting past them is unknown rather than a problem, as the
//! region may have more. Reference: AWS CloudFormation Template Reference, "Intrinsic
//! function reference".

use serde_yaml::{Mapping, Value};

use super::{Diagnostic, Evaluator, Outcome, arguments, intrinsic_name, problem, scalar_text};

/// The Availability Zones `Fn::GetAZs` stands for when the region is known: the three that
/// every commercial region has. The real list is only known to the account at deploy time.
const ZONE_LETTERS: [&str; 3] = ["a", "b", "c"];

impl Evaluator<'_> {
    pub(super) fn sub(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let (template, variables) = match argument {
            Value::String(text) => (text.as_str(), None),
            Value::Sequence(items) => match items.as_slice() {
                [Value::String(text), Value::Mapping(variables)] => {
                    (text.as_str(), Some(variables))
                }
                [Value::String(text)] => (text.as_str(), None),
                _ => return Err(sub_shape(path)),
            },
            _ => return Err(sub_shape(path)),
        };
        let mut out = String::new();
        let mut known = true;
        let mut rest = template;
        while let Some((before, after)) = rest.split_once("${") {
            out.push_str(before);
            if let Some(literal) = after.strip_prefix('!') {
                // `${!Literal}` is written out as `${Literal}`.
                out.push_str("${");
                rest = literal;
                continue;
            }
            let Some((name, after_name)) = after.split_once('}') else {
                return Err(problem(
                    path,
                    format!("Fn::Sub: `${{` without a closing `}}` in \"{template}\""),
                ));
            };
            let value = self.sub_variable(name.trim(), variables, path)?;
            match &value {
                Value::Null => known = false,
                other => match scalar_text(other) {
                    Some(text) => {
                        if self.would_exceed(out.len().saturating_add(text.len())) {
                            self.produce(out.len().saturating_add(text.len()), path)?;
                        }
                        out.push_str(&text);
                    }
                    None => {
                        return Err(problem(
                            path,
                            format!("Fn::Sub: ${{{name}}} is a list or mapping, not a string"),
                        ));
                    }
                },
            }
            rest = after_name;
        }
        out.push_str(rest);
        Ok(if known {
            Value::String(out)
        } else {
            Value::Null
        })
    }

    fn sub_variable(
        &mut self,
        name: &str,
        variables: Option<&Mapping>,
        path: &str,
    ) -> Outcome<Value> {
        if let Some(value) = variables.and_then(|v| v.get(name)) {
            return self.argument(value, path);
        }
        match name.split_once('.') {
            Some((resource, attribute)) if !name.starts_with("AWS::") => {
                self.attribute(resource, attribute, path)
            }
            _ => self.named(name, path),
        }
    }

    pub(super) fn join(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let [delimiter, list] =
            arguments::<2>(argument, "Fn::Join", "[delimiter, [values]]", path)?;
        let delimiter = self.argument(delimiter, path)?;
        let list = self.argument(list, path)?;
        let (Some(delimiter), Value::Sequence(items)) = (scalar_text(&delimiter), &list) else {
            return if delimiter.is_null() || list.is_null() {
                Ok(Value::Null)
            } else {
                Err(problem(path, "Fn::Join takes [delimiter, [values]]"))
            };
        };
        let mut parts = Vec::with_capacity(items.len());
        let mut length = delimiter
            .len()
            .saturating_mul(items.len().saturating_sub(1));
        for item in items {
            match item {
                Value::Null => return Ok(Value::Null),
                other => {
                    let part = scalar_text(other).ok_or_else(|| {
                        problem(path, "Fn::Join: every value joined must be a string")
                    })?;
                    length = length.saturating_add(part.len());
                    parts.push(part);
                }
            }
        }
        if self.would_exceed(length) {
            self.produce(length, path)?;
        }
        Ok(Value::String(parts.join(&delimiter)))
    }

    pub(super) fn select(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let [index, list] = arguments::<2>(argument, "Fn::Select", "[index, [values]]", path)?;
        let from_zones = intrinsic_name(list) == Some("Fn::GetAZs");
        let index = self.argument(index, path)?;
        let list = self.argument(list, path)?;
        if index.is_null() || list.is_null() {
            return Ok(Value::Null);
        }
        let Some(index) = scalar_text(&index).and_then(|i| i.trim().parse::<usize>().ok()) else {
            return Err(problem(
                path,
                "Fn::Select: the index must be a whole number",
            ));
        };
        let Value::Sequence(items) = list else {
            return Err(problem(path, "Fn::Select picks from a list"));
        };
        match items.get(index) {
            Some(item) => Ok(item.clone()),
            // The placeholder zones are three; the region may well have more.
            None if from_zones => {
                self.note_at(
                    path,
                    format!("Fn::Select picks Availability Zone {index} of the region, which is not known; left unknown"),
                );
                Ok(Value::Null)
            }
            None => Err(problem(
                path,
                format!(
                    "Fn::Select: index {index} is past the end of a list of {}",
                    items.len()
                ),
            )),
        }
    }

    pub(super) fn split(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let [delimiter, text] = arguments::<2>(argument, "Fn::Split", "[delimiter, string]", path)?;
        let delimiter = self.argument(delimiter, path)?;
        let text = self.argument(text, path)?;
        match (scalar_text(&delimiter), scalar_text(&text)) {
            (Some(delimiter), Some(text)) if !delimiter.is_empty() => {
                let pieces = text.matches(delimiter.as_str()).count().saturating_add(1);
                let size = std::mem::size_of::<Value>()
                    .saturating_mul(pieces)
                    .saturating_add(text.len());
                if self.would_exceed(size) {
                    self.produce(size, path)?;
                }
                Ok(Value::Sequence(
                    text.split(delimiter.as_str())
                        .map(|part| Value::String(part.to_owned()))
                        .collect(),
                ))
            }
            _ if delimiter.is_null() || text.is_null() => Ok(Value::Null),
            _ => Err(problem(
                path,
                "Fn::Split takes [delimiter, string], a non-empty delimiter",
            )),
        }
    }

    pub(super) fn get_azs(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let region = match self.argument(argument, path)? {
            Value::Null => return Ok(Value::Null),
            Value::String(region) if region.is_empty() => self.region.clone(),
            Value::String(region) => Some(region),
            _ => return Err(problem(path, "Fn::GetAZs takes a region name or \"\"")),
        };
        match region {
            Some(region) => Ok(Value::Sequence(
                ZONE_LETTERS
                    .iter()
                    .map(|letter| Value::String(format!("{region}{letter}")))
                    .collect(),
            )),
            None => {
                self.note_at(
                    path,
                    "Fn::GetAZs needs the region, which the template does not give; the Availability Zone is unknown",
                );
                Ok(Value::Null)
            }
        }
    }

    pub(super) fn length(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        match self.argument(argument, path)? {
            Value::Sequence(items) => Ok(Value::Number(items.len().into())),
            Value::Null => Ok(Value::Null),
            _ => Err(problem(path, "Fn::Length takes a list")),
        }
    }
}

fn sub_shape(path: &str) -> Diagnostic {
    problem(
        path,
        "Fn::Sub takes a string, or [string, {Variable: value}]",
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::{eval, eval_in, yaml};
    use super::*;

    #[test]
    fn sub_substitutes_parameters_resources_attributes_and_variables() {
        assert_eq!(
            eval(r#"!Sub "${Stage}-${Vpc}-${Vpc.CidrBlock}-${AWS::Region}-${!Literal}""#),
            yaml("prod-Vpc-10.20.0.0/16-eu-west-1-${Literal}")
        );
        assert_eq!(
            eval(r#"!Sub ["${Name}.${Stage}", {Name: !Ref Subnet}]"#),
            yaml("Subnet.prod")
        );
        let (result, notes) = eval_in(None, r#"!Sub "${AWS::StackName}-x""#);
        assert_eq!(result.unwrap(), Some(Value::Null));
        assert!(
            notes.iter().any(|n| n.contains("AWS::StackName")),
            "{notes:?}"
        );
    }

    #[test]
    fn join_select_split_and_get_azs_compose() {
        assert_eq!(eval("!Join ['-', [a, !Ref Stage, 3]]"), yaml("a-prod-3"));
        assert_eq!(eval("!Select [1, !GetAZs '']"), yaml("eu-west-1b"));
        assert_eq!(eval("!Select ['2', !Split [',', 'x,y,z']]"), yaml("z"));
        assert_eq!(
            eval("!GetAZs us-east-2"),
            yaml("[us-east-2a, us-east-2b, us-east-2c]")
        );
        let (result, notes) = eval_in(None, "!Select [0, !GetAZs '']");
        assert_eq!(result.unwrap(), Some(Value::Null));
        assert!(notes.iter().any(|n| n.contains("Fn::GetAZs")), "{notes:?}");
    }

    #[test]
    fn select_past_the_end_of_a_written_list_is_a_problem() {
        let (result, _) = eval_in(None, "!Select [3, [a, b]]");
        assert!(result.unwrap_err().message.contains("index 3"));
    }
}
