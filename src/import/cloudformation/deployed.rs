//! What the stack would hold once deployed.
//!
//! A resource whose `Condition` is false is dropped, as CloudFormation would not create it;
//! one whose condition cannot be evaluated without deploying is kept, and noted. Macros
//! (`Transform: AWS::Serverless-2016-10-31`, `Fn::ForEach`) add or change resources at deploy
//! time: they are noted, not expanded. The readers then find the resources kept by logical
//! ID.

use serde_yaml::{Mapping, Value};

use super::intrinsics::{Outcome, scalar_text};
use super::{Reader, Resource};

impl<'t> Reader<'t> {
    /// Macros (`Transform: AWS::Serverless-2016-10-31`, `Fn::ForEach`) expand the template
    /// when it is deployed; what they would add is not read.
    pub(super) fn note_macros(&mut self, document: &Value, resources: &Mapping) {
        if let Some(transform) = document.get("Transform") {
            let names = match transform {
                Value::Sequence(items) => items.iter().filter_map(scalar_text).collect(),
                other => scalar_text(other).into_iter().collect::<Vec<_>>(),
            };
            self.eval.note(format!(
                "Transform {}: macros are not expanded; resources they would add or change are not read",
                names.join(", ")
            ));
        }
        for key in resources.keys().filter_map(Value::as_str) {
            if key.starts_with("Fn::ForEach") {
                self.eval.note(format!(
                    "Resources.{key}: Fn::ForEach is not expanded; the resources it would create are not read"
                ));
            }
        }
    }

    /// Drops the resources whose `Condition` is false.
    pub(super) fn keep_deployed(&mut self, resources: Vec<Resource<'t>>) -> Outcome<()> {
        for resource in resources {
            if let Some(condition) = resource.condition {
                let path = format!("Resources.{}.Condition", resource.id);
                match self.eval.condition(condition, &path)? {
                    Some(false) => continue,
                    Some(true) => {}
                    None => self.eval.note(format!(
                        "{}: condition {condition} cannot be evaluated without deploying; the resource is assumed to be created",
                        resource.origin()
                    )),
                }
            }
            self.resources.push(resource);
        }
        Ok(())
    }

    pub(super) fn deployed(&self, id: &str) -> Option<Resource<'t>> {
        self.resources.iter().find(|r| r.id == id).copied()
    }

    pub(super) fn kind_of(&self, id: &str) -> Option<&'t str> {
        self.deployed(id).map(|r| r.kind)
    }
}
