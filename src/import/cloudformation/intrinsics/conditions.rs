//! Conditions: `Fn::If`, the named conditions of the `Conditions` section, and the condition
//! functions `Fn::Equals`, `Fn::Not`, `Fn::And` and `Fn::Or`.
//!
//! They are evaluated on the parameter defaults, in three-valued logic: a condition that
//! depends on something unknown is unknown, unless the known part settles it (`Fn::And` with
//! a false operand is false). An unknown `Fn::If` takes its first branch, and says so; a
//! condition that refers to itself is a problem. `Fn::Equals` compares the string forms, as
//! CloudFormation does (`"80"` equals `80`). Reference: AWS CloudFormation Template
//! Reference, "Condition functions".

use serde_yaml::Value;

use super::{Evaluator, Outcome, arguments, long_form, parse_flag, problem, scalar_text};

impl Evaluator<'_> {
    pub(super) fn if_then_else(&mut self, argument: &Value, path: &str) -> Outcome<Option<Value>> {
        let [condition, then, otherwise] = arguments::<3>(
            argument,
            "Fn::If",
            "[ConditionName, value if true, value if false]",
            path,
        )?;
        let Some(name) = condition.as_str() else {
            return Err(problem(path, "Fn::If: the first item names a condition"));
        };
        let chosen = match self.condition(name, path)? {
            Some(true) => then,
            Some(false) => otherwise,
            None => {
                self.note_at(
                    path,
                    format!("condition {name} cannot be evaluated without deploying; its first branch is assumed"),
                );
                then
            }
        };
        self.evaluate(chosen, path)
    }

    /// The value of a named condition of the `Conditions` section: `None` when it depends on
    /// something unknown.
    pub fn condition(&mut self, name: &str, path: &str) -> Outcome<Option<bool>> {
        if let Some(known) = self.conditions.get(name) {
            return Ok(*known);
        }
        let Some(definition) = self.template.conditions.and_then(|c| c.get(name)) else {
            return Err(problem(
                path,
                format!("condition `{name}` is not in the Conditions section"),
            ));
        };
        if !self.pending_conditions.insert(name.to_owned()) {
            return Err(problem(
                &format!("Conditions.{name}"),
                format!("condition `{name}` refers to itself"),
            ));
        }
        let value = self.condition_value(definition, &format!("Conditions.{name}"));
        self.pending_conditions.remove(name);
        let value = value?;
        self.conditions.insert(name.to_owned(), value);
        Ok(value)
    }

    fn condition_value(&mut self, value: &Value, path: &str) -> Outcome<Option<bool>> {
        let function = match value {
            Value::Mapping(map) if map.len() == 1 => {
                map.iter().next().and_then(|(k, v)| Some((k.as_str()?, v)))
            }
            Value::Bool(known) => return Ok(Some(*known)),
            Value::Tagged(_) => return self.condition_value(&long_form(value.clone()), path),
            _ => None,
        };
        match function {
            Some(("Condition", name)) => {
                let Some(name) = name.as_str() else {
                    return Err(problem(path, "Condition takes the name of a condition"));
                };
                self.condition(name, path)
            }
            Some((name, argument)) => self.condition_function(name, argument, path),
            None => Err(problem(
                path,
                "a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition",
            )),
        }
    }

    pub(super) fn condition_function(
        &mut self,
        name: &str,
        argument: &Value,
        path: &str,
    ) -> Outcome<Option<bool>> {
        match name {
            "Fn::Equals" => {
                let [left, right] = arguments::<2>(argument, name, "[value, value]", path)?;
                let left = self.argument(left, path)?;
                let right = self.argument(right, path)?;
                Ok(same(&left, &right))
            }
            "Fn::Not" => {
                let [inner] = arguments::<1>(argument, name, "[condition]", path)?;
                Ok(self.condition_value(inner, path)?.map(|known| !known))
            }
            "Fn::And" | "Fn::Or" => {
                let Value::Sequence(items) = argument else {
                    return Err(problem(path, format!("{name} takes a list of conditions")));
                };
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.condition_value(item, path)?);
                }
                Ok(if name == "Fn::And" {
                    all_of(&values)
                } else {
                    any_of(&values)
                })
            }
            "Ref" | "Fn::FindInMap" | "Fn::Select" => {
                // Not a condition function, but a value "true"/"false" reads as one.
                let value = self.function(name, argument, path)?.unwrap_or(Value::Null);
                match value {
                    Value::Null => Ok(None),
                    other => Ok(scalar_text(&other).and_then(|t| parse_flag(&t))),
                }
            }
            other => Err(problem(
                path,
                format!("`{other}` is not a condition function"),
            )),
        }
    }
}

/// `Fn::And` in three-valued logic: false wins, then unknown.
fn all_of(values: &[Option<bool>]) -> Option<bool> {
    if values.contains(&Some(false)) {
        Some(false)
    } else if values.contains(&None) {
        None
    } else {
        Some(true)
    }
}

/// `Fn::Or` in three-valued logic: true wins, then unknown.
fn any_of(values: &[Option<bool>]) -> Option<bool> {
    if values.contains(&Some(true)) {
        Some(true)
    } else if values.contains(&None) {
        None
    } else {
        Some(false)
    }
}

/// `Fn::Equals`: CloudFormation compares the string forms (`"80"` equals `80`); unknown when
/// either side is.
fn same(left: &Value, right: &Value) -> Option<bool> {
    match (left, right) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Sequence(a), Value::Sequence(b)) => {
            if a.len() != b.len() {
                return Some(false);
            }
            let pairs: Vec<Option<bool>> = a.iter().zip(b).map(|(x, y)| same(x, y)).collect();
            all_of(&pairs)
        }
        (a, b) => match (scalar_text(a), scalar_text(b)) {
            (Some(a), Some(b)) => Some(a == b),
            _ => Some(a == b),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{eval, eval_in, yaml};

    #[test]
    fn conditions_evaluate_on_defaults_in_three_valued_logic() {
        assert_eq!(eval("!If [IsProd, yes, no]"), yaml("yes"));
        assert_eq!(eval("!If [IsDev, yes, no]"), yaml("no"));
        assert_eq!(eval("!If [ProdOrUnknown, yes, no]"), yaml("yes"));
        assert_eq!(eval("!If [DevAndUnknown, yes, no]"), yaml("no"));
        let (result, notes) = eval_in(None, "!If [Unknown, first, second]");
        assert_eq!(result.unwrap(), Some(yaml("first")));
        assert!(
            notes.iter().any(|n| n.contains("first branch")),
            "{notes:?}"
        );
    }

    #[test]
    fn a_condition_that_refers_to_itself_is_a_problem() {
        let (result, _) = eval_in(None, "!If [Loop, a, b]");
        assert!(result.unwrap_err().message.contains("refers to itself"));
    }
}
