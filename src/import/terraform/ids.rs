//! The scenario IDs an attribute names (`vpc_id`, `subnet_ids`, `security_group_id`): how
//! the readers link resources to each other.
//!
//! A resource's scenario ID is its real ID when the plan knows it, else its address. An
//! attribute naming other resources gives their known IDs or, unknown at plan time, the IDs
//! of the resources its references name, so the links of a plan that creates everything
//! come through as well as those of state.

use serde_json::Value;

use super::attributes::{Seg, k};
use super::references::Resolved;
use super::{Plan, Resource};

impl<'a> Plan<'a> {
    /// The scenario ID of a resource: its real ID when known, else its address.
    pub(super) fn id_of(&self, resource: &Resource<'a>) -> String {
        self.known_text(resource, &[k("id")])
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| resource.address.clone())
    }

    /// IDs named by attribute `path`: the known value(s), or the resources its references
    /// name. A known value that is an ID of a resource in the plan stays that ID.
    pub(super) fn ids(&self, resource: &Resource<'a>, path: &[Seg]) -> Vec<String> {
        if let Some(values) = self.known_texts(resource, path)
            && !values.is_empty()
        {
            return values;
        }
        let Some(expression) = self.expression(resource, path) else {
            return Vec::new();
        };
        self.resolve_expression(&resource.module, expression, 0)
            .into_iter()
            .filter_map(|resolved| match resolved {
                Resolved::Resource(i) => self.resource(i).map(|r| self.id_of(r)),
                Resolved::Constant(Value::String(s)) => Some(s),
                Resolved::Constant(_) => None,
            })
            .collect()
    }

    /// One ID named by attribute `path`. A reference to several instances
    /// (`element(aws_subnet.private[*].id, count.index)`) picks the instance with the
    /// referring resource's own count index, the usual Terraform pattern. A `vpc_id` that
    /// cannot be resolved (the terraform-aws-modules `vpc` module passes it through a
    /// local, which plans do not show) falls back to the only VPC of the module or plan.
    pub(super) fn id(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<String> {
        // A single ID is a string (`known_text` records anything else as a problem).
        if self.known(resource, path).is_some() && self.known_text(resource, path).is_none() {
            return None;
        }
        let ids = self.ids(resource, path);
        if ids.len() > 1
            && let Some(index) = resource.index.and_then(Value::as_u64)
        {
            let pick = usize::try_from(index).unwrap_or(0) % ids.len();
            return ids.get(pick).cloned();
        }
        if ids.is_empty() && matches!(path.last(), Some(Seg::Key("vpc_id"))) {
            return self.only_vpc(&resource.module);
        }
        ids.into_iter().next()
    }

    /// The single VPC of `module`, or of the whole plan.
    fn only_vpc(&self, module: &str) -> Option<String> {
        let in_module: Vec<&Resource<'a>> = self
            .of_kind("aws_vpc")
            .filter(|v| v.module == module)
            .collect();
        let candidates: Vec<&Resource<'a>> = if in_module.is_empty() {
            self.of_kind("aws_vpc").collect()
        } else {
            in_module
        };
        match candidates.as_slice() {
            [only] => Some(self.id_of(only)),
            _ => None,
        }
    }

    /// The VPC whose `attribute` (`default_route_table_id`) a default resource refers to.
    pub(super) fn vpc_of_default(
        &self,
        resource: &Resource<'a>,
        attribute: &'static str,
    ) -> Option<String> {
        let expression = self.expression(resource, &[k(attribute)]);
        let from_reference = expression.and_then(|e| {
            self.resolve_expression(&resource.module, e, 0)
                .into_iter()
                .find_map(|r| match r {
                    Resolved::Resource(i) => self
                        .resource(i)
                        .filter(|r| r.kind == "aws_vpc")
                        .map(|r| self.id_of(r)),
                    _ => None,
                })
        });
        from_reference.or_else(|| {
            let value = self.text(resource, &[k(attribute)])?;
            self.of_kind("aws_vpc")
                .find(|vpc| self.known_text(vpc, &[k(attribute)]) == Some(value.as_str()))
                .map(|vpc| self.id_of(vpc))
        })
    }
}
