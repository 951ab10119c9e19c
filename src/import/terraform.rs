//! Terraform: `terraform show -json` of a plan (`planned_values`, `resource_changes`,
//! `configuration`) or of state (`values`).
//!
//! Resources come from `planned_values` (or `values`), walked through every child module, so
//! the terraform-aws-modules `vpc` and `eks` modules come through like any other resources.
//! A value that is unknown at plan time (most IDs of new resources) is found through the
//! `configuration` section's `references` instead: a subnet's `vpc_id = aws_vpc.main.id`
//! names the resource, whose scenario ID is then its address (`module.vpc.aws_vpc.this[0]`).
//! References through module inputs (`var.x`) and outputs (`module.vpc.private_subnets`)
//! are followed too.
//!
//! Terraform defaults applied when an attribute is absent or unknown (AWS provider docs):
//! `endpoint_public_access` true, `endpoint_private_access` false, `public_access_cidrs`
//! 0.0.0.0/0, `enable_dns_support` true, `enable_dns_hostnames` false,
//! `private_dns_enabled` false. And: "When creating a new Security Group inside a VPC,
//! Terraform will remove [AWS's default allow-all egress] rule", so a security group without
//! egress rules denies all outbound traffic.
//!
//! A value the reader uses that is present but of the wrong JSON type (`vpc_config: "oops"`,
//! `cidr_block: 12`) is invalid input: the import fails naming the file and the JSON path.
//! Only null, absent and unknown-at-plan (`after_unknown`) values count as unknown.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;

use super::inventory::*;
use super::{ImportError, read_text};

/// How deep module inputs and outputs are followed before giving up (cycles, huge graphs).
const MAX_REFERENCE_DEPTH: usize = 16;

pub fn read(source: &str) -> Result<Inventory, ImportError> {
    read_str(source, &read_text(source)?)
}

/// Reads `terraform show -json` output already in memory; `source` names it in messages.
pub fn read_str(source: &str, text: &str) -> Result<Inventory, ImportError> {
    let json: Value = serde_json::from_str(text).map_err(|error| {
        ImportError::new(
            source,
            format!("line {} column {}", error.line(), error.column()),
            format!("not JSON: {error} (import `terraform show -json` output)"),
        )
    })?;
    let plan = Plan::new(source, &json)?;
    let inventory = plan.inventory();
    match plan.problems.into_inner().into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(inventory),
    }
}

/// One resource instance.
#[derive(Debug)]
struct Resource<'a> {
    /// `module.vpc.aws_subnet.private[0]`
    address: String,
    /// `module.vpc` (empty at the root).
    module: String,
    kind: String,
    /// `aws_subnet.private`
    key: String,
    /// Where the resource is in the file: `planned_values.root_module.resources[3]`.
    json_path: String,
    index: Option<&'a Value>,
    values: &'a Value,
    unknown: Option<&'a Value>,
    data: bool,
}

struct Plan<'a> {
    source: String,
    json: &'a Value,
    resources: Vec<Resource<'a>>,
    is_state: bool,
    /// Values of the wrong type met while reading, in the order met.
    problems: RefCell<Vec<ImportError>>,
}

impl<'a> Plan<'a> {
    fn new(source: &str, json: &'a Value) -> Result<Self, ImportError> {
        let (root, is_state, root_path) = match (
            json.pointer("/planned_values/root_module"),
            json.pointer("/values/root_module"),
        ) {
            (Some(root), _) => (root, false, "planned_values.root_module"),
            (None, Some(root)) => (root, true, "values.root_module"),
            (None, None) => {
                return Err(ImportError::new(
                    source,
                    "",
                    "no planned_values.root_module or values.root_module: not `terraform show -json` output of a plan or state",
                ));
            }
        };
        let unknown: HashMap<&str, &Value> = json
            .get("resource_changes")
            .and_then(Value::as_array)
            .map(|changes| {
                changes
                    .iter()
                    .filter_map(|change| {
                        Some((
                            change.get("address")?.as_str()?,
                            change.pointer("/change/after_unknown")?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut resources = Vec::new();
        let mut problems = Vec::new();
        collect(
            source,
            root,
            root_path,
            &unknown,
            &mut resources,
            &mut problems,
        );
        if let Some(problem) = problems.into_iter().next() {
            return Err(problem);
        }
        Ok(Plan {
            source: source.to_owned(),
            json,
            resources,
            is_state,
            problems: RefCell::new(Vec::new()),
        })
    }

    /// Records that the value at `path` of `resource` is not `expected` — unless the plan
    /// says it is unknown, which makes whatever stands there a placeholder.
    fn wrong_type(&self, resource: &Resource<'_>, path: &[Seg], expected: &str, found: &Value) {
        if self.is_unknown(resource, path) {
            return;
        }
        let mut at = format!("{}.values", resource.json_path);
        for seg in path {
            match seg {
                Seg::Key(key) => {
                    at.push('.');
                    at.push_str(key);
                }
                Seg::Index(i) => at.push_str(&format!("[{i}]")),
            }
        }
        let problem = ImportError::new(
            &self.source,
            at,
            format!(
                "expected {expected}, found {} (in {})",
                describe(found),
                resource.address
            ),
        );
        let mut problems = self.problems.borrow_mut();
        if !problems.contains(&problem) {
            problems.push(problem);
        }
    }

    // ---- values and references ------------------------------------------------------

    /// The configuration of the module at `module` (`module.a.module.b[0]` → calls a, b).
    fn module_config(&self, module: &str) -> Option<&'a Value> {
        let mut config = self.json.pointer("/configuration/root_module")?;
        for name in module_names(module) {
            config = config.get("module_calls")?.get(&name)?.get("module")?;
        }
        Some(config)
    }

    /// The expression for `path` of a resource in its module's configuration.
    fn expression(&self, resource: &Resource<'_>, path: &[Seg]) -> Option<&'a Value> {
        let config = self.module_config(&resource.module)?;
        let mode = if resource.data { "data" } else { "managed" };
        let mut node = config
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| {
                r.get("mode").and_then(Value::as_str) == Some(mode)
                    && format!("{}.{}", str_of(r.get("type")), str_of(r.get("name")))
                        == resource.key
            })?
            .get("expressions")?;
        for seg in path {
            node = match seg {
                Seg::Key(key) => node.get(*key)?,
                Seg::Index(i) => node.get(*i)?,
            };
        }
        Some(node)
    }

    /// The known value at `path`, if the plan has it. A value on the way that is not the
    /// object or list the path goes through is recorded as a problem.
    fn known(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<&'a Value> {
        let mut node = resource.values;
        for (depth, seg) in path.iter().enumerate() {
            let at = path.get(..depth).unwrap_or_default();
            node = match (seg, node) {
                (_, Value::Null) => return None,
                (Seg::Key(key), Value::Object(map)) => map.get(*key)?,
                (Seg::Index(i), Value::Array(items)) => items.get(*i)?,
                (Seg::Key(_), other) => {
                    let expected = if at.is_empty() {
                        "an object of attributes"
                    } else {
                        "an object (a block)"
                    };
                    self.wrong_type(resource, at, expected, other);
                    return None;
                }
                (Seg::Index(_), other) => {
                    self.wrong_type(resource, at, "a list (of blocks)", other);
                    return None;
                }
            };
        }
        (!node.is_null()).then_some(node)
    }

    /// The known string at `path`; another type is recorded as a problem.
    fn known_text(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<&'a str> {
        match self.known(resource, path)? {
            Value::String(s) => Some(s),
            other => {
                self.wrong_type(resource, path, "a string", other);
                None
            }
        }
    }

    /// The known strings at `path` (a list of strings, or one string); null items (unknown
    /// at plan time) are skipped, anything else is recorded as a problem.
    fn known_texts(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<Vec<String>> {
        match self.known(resource, path)? {
            Value::String(s) => Some(vec![s.clone()]),
            Value::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        Value::Null => {}
                        other => {
                            let mut at = path.to_vec();
                            at.push(Seg::Index(i));
                            self.wrong_type(resource, &at, "a string", other);
                        }
                    }
                }
                Some(out)
            }
            other => {
                self.wrong_type(resource, path, "a list of strings", other);
                None
            }
        }
    }

    /// Resolves an expression (`references` or `constant_value`) in `module`.
    fn resolve_expression(&self, module: &str, expression: &Value, depth: usize) -> Vec<Resolved> {
        if let Some(constant) = expression.get("constant_value") {
            return constants(constant);
        }
        let Some(references) = expression.get("references").and_then(Value::as_array) else {
            return Vec::new();
        };
        let mut out: Vec<Resolved> = Vec::new();
        let mut resolved_references: Vec<&str> = Vec::new();
        for reference in references.iter().filter_map(Value::as_str) {
            // Terraform lists every prefix of a traversal (`a.b[0].id`, `a.b[0]`, `a.b`):
            // a prefix of a reference already resolved adds nothing (and would widen
            // `a.b[0]` to every instance of `a.b`).
            let is_prefix = resolved_references.iter().any(|done| {
                done.strip_prefix(reference)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            });
            if is_prefix {
                continue;
            }
            let found = self.resolve_reference(module, reference, depth);
            if !found.is_empty() {
                resolved_references.push(reference);
            }
            for resolved in found {
                if !out.contains(&resolved) {
                    out.push(resolved);
                }
            }
        }
        out
    }

    fn resolve_reference(&self, module: &str, reference: &str, depth: usize) -> Vec<Resolved> {
        if depth > MAX_REFERENCE_DEPTH {
            return Vec::new();
        }
        let parts = split_reference(reference);
        match parts.first().map(String::as_str) {
            Some("var") => {
                let Some(name) = parts.get(1) else {
                    return Vec::new();
                };
                if module.is_empty() {
                    return self
                        .json
                        .pointer(&format!("/variables/{name}/value"))
                        .map(constants)
                        .unwrap_or_default();
                }
                let (parent, call) = split_module(module);
                let Some(expression) = self.module_config(&parent).and_then(|config| {
                    config
                        .get("module_calls")?
                        .get(&call)?
                        .get("expressions")?
                        .get(name)
                }) else {
                    return Vec::new();
                };
                self.resolve_expression(&parent, expression, depth + 1)
            }
            Some("module") => {
                let (Some(call), Some(output)) = (parts.get(1), parts.get(2)) else {
                    return Vec::new();
                };
                let child = if module.is_empty() {
                    format!("module.{call}")
                } else {
                    format!("{module}.module.{call}")
                };
                let Some(expression) = self.module_config(&child).and_then(|config| {
                    config
                        .get("outputs")?
                        .get(output.as_str())?
                        .get("expression")
                }) else {
                    return Vec::new();
                };
                // Outputs of module instances (`module.x[0]`) live under the instance's
                // address in planned_values; the configuration is shared, so resolve the
                // references against every instance address we know.
                let instances = self.module_instances(&child);
                let mut out = Vec::new();
                for instance in instances {
                    for resolved in self.resolve_expression(&instance, expression, depth + 1) {
                        if !out.contains(&resolved) {
                            out.push(resolved);
                        }
                    }
                }
                out
            }
            Some("local" | "each" | "count" | "path" | "self" | "terraform") | None => Vec::new(),
            Some("data") => {
                let (Some(kind), Some(name)) = (parts.get(1), parts.get(2)) else {
                    return Vec::new();
                };
                self.instances(
                    module,
                    &format!("data.{kind}.{}", strip_index(name)),
                    index_of(name),
                    true,
                )
            }
            Some(kind) => {
                let Some(name) = parts.get(1) else {
                    return Vec::new();
                };
                self.instances(
                    module,
                    &format!("{kind}.{}", strip_index(name)),
                    index_of(name),
                    false,
                )
            }
        }
    }

    /// Addresses of module instances matching a configuration path (`module.vpc` also
    /// matches `module.vpc[0]`).
    fn module_instances(&self, module: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .resources
            .iter()
            .map(|r| r.module.clone())
            .filter(|m| strip_module_indices(m) == strip_module_indices(module))
            .collect();
        out.sort();
        out.dedup();
        if out.is_empty() {
            out.push(module.to_owned());
        }
        out
    }

    fn instances(
        &self,
        module: &str,
        key: &str,
        index: Option<String>,
        data: bool,
    ) -> Vec<Resolved> {
        let key = key.trim_start_matches("data.");
        self.resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.data == data && r.module == module && r.key == key)
            .filter(|(_, r)| {
                index
                    .as_ref()
                    .is_none_or(|i| r.index.map(index_text).as_deref() == Some(i.as_str()))
            })
            .map(|(i, _)| Resolved::Resource(i))
            .collect()
    }

    /// The scenario ID of a resource: its real ID when known, else its address.
    fn id_of(&self, resource: &Resource<'a>) -> String {
        self.known_text(resource, &[k("id")])
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| resource.address.clone())
    }

    fn resource(&self, index: usize) -> Option<&Resource<'a>> {
        self.resources.get(index)
    }

    /// IDs named by attribute `path`: the known value(s), or the resources its references
    /// name. A known value that is an ID of a resource in the plan stays that ID.
    fn ids(&self, resource: &Resource<'a>, path: &[Seg]) -> Vec<String> {
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
    fn id(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<String> {
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

    /// A string attribute: known, or a constant in the configuration.
    fn text(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<String> {
        if self.known(resource, path).is_some() {
            return self.known_text(resource, path).map(str::to_owned);
        }
        self.expression(resource, path)
            .map(|e| self.resolve_expression(&resource.module, e, 0))
            .and_then(|resolved| {
                resolved.into_iter().find_map(|r| match r {
                    Resolved::Constant(Value::String(s)) => Some(s),
                    Resolved::Constant(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
            })
    }

    fn texts(&self, resource: &Resource<'a>, path: &[Seg]) -> Vec<String> {
        if self.known(resource, path).is_some() {
            return self.known_texts(resource, path).unwrap_or_default();
        }
        self.expression(resource, path)
            .map(|e| self.resolve_expression(&resource.module, e, 0))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| match r {
                Resolved::Constant(Value::String(s)) => Some(s),
                _ => None,
            })
            .collect()
    }

    fn boolean(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<bool> {
        match self.known(resource, path) {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s == "true" || s == "false" => Some(s == "true"),
            Some(other) => {
                self.wrong_type(resource, path, "true or false", other);
                None
            }
            None => self
                .expression(resource, path)
                .and_then(|e| e.get("constant_value"))
                .and_then(Value::as_bool),
        }
    }

    fn integer(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<i64> {
        match self.known(resource, path) {
            Some(value) => {
                let parsed = match value {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                };
                if parsed.is_none() {
                    self.wrong_type(resource, path, "a whole number", value);
                }
                parsed
            }
            None => self
                .expression(resource, path)
                .and_then(|e| e.get("constant_value"))
                .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok())),
        }
    }

    /// Whether `path` is unknown at plan time (`after_unknown`).
    fn is_unknown(&self, resource: &Resource<'_>, path: &[Seg]) -> bool {
        let Some(mut node) = resource.unknown else {
            return false;
        };
        for seg in path {
            node = match seg {
                Seg::Key(key) => match node.get(*key) {
                    Some(next) => next,
                    None => return false,
                },
                Seg::Index(i) => match node.get(*i) {
                    Some(next) => next,
                    None => return false,
                },
            };
        }
        node.as_bool() == Some(true)
    }

    /// The number of blocks of a nested block attribute (`ingress`, `route`).
    fn blocks(&self, resource: &Resource<'a>, key: &'static str) -> usize {
        let known = match self.known(resource, &[Seg::Key(key)]) {
            Some(Value::Array(blocks)) => blocks.len(),
            Some(other) => {
                self.wrong_type(resource, &[Seg::Key(key)], "a list of blocks", other);
                0
            }
            None => 0,
        };
        let configured = self
            .expression(resource, &[Seg::Key(key)])
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        known.max(configured)
    }

    fn of_kind(&self, kind: &'static str) -> impl Iterator<Item = &Resource<'a>> {
        self.resources
            .iter()
            .filter(move |r| !r.data && r.kind == kind)
    }

    // ---- inventory ----------------------------------------------------------------

    fn inventory(&self) -> Inventory {
        let what = if self.is_state {
            "terraform state"
        } else {
            "terraform plan"
        };
        let mut inventory = Inventory {
            source: format!("{what} ({})", self.source),
            region: self.region(),
            ..Inventory::default()
        };
        self.vpcs(&mut inventory);
        self.subnets(&mut inventory);
        self.gateways(&mut inventory);
        self.route_tables(&mut inventory);
        self.security_groups(&mut inventory);
        self.network_acls(&mut inventory);
        self.connections(&mut inventory);
        self.resolver(&mut inventory);
        self.endpoints_and_dhcp(&mut inventory);
        self.clusters(&mut inventory);
        for resource in self
            .resources
            .iter()
            .filter(|r| !r.data && !SUPPORTED.contains(&r.kind.as_str()))
        {
            inventory
                .unsupported
                .push(format!("{} ({})", resource.address, resource.kind));
        }
        inventory
    }

    fn region(&self) -> Option<String> {
        self.json
            .pointer("/configuration/provider_config/aws/expressions/region")
            .and_then(|e| self.resolve_expression("", e, 0).into_iter().next())
            .and_then(|r| match r {
                Resolved::Constant(Value::String(s)) => Some(s),
                _ => None,
            })
    }

    fn vpcs(&self, inventory: &mut Inventory) {
        for vpc in self.of_kind("aws_vpc") {
            let mut cidrs: Vec<String> = self.text(vpc, &[k("cidr_block")]).into_iter().collect();
            let id = self.id_of(vpc);
            for association in self.of_kind("aws_vpc_ipv4_cidr_block_association") {
                if self.id(association, &[k("vpc_id")]).as_deref() == Some(id.as_str())
                    && let Some(cidr) = self.text(association, &[k("cidr_block")])
                {
                    cidrs.push(cidr);
                }
            }
            inventory.vpcs.push(VpcDef {
                id,
                origin: vpc.address.clone(),
                cidrs,
                enable_dns_support: Some(
                    self.boolean(vpc, &[k("enable_dns_support")])
                        .unwrap_or(true),
                ),
                enable_dns_hostnames: Some(
                    self.boolean(vpc, &[k("enable_dns_hostnames")])
                        .unwrap_or(false),
                ),
            });
        }
    }

    fn subnets(&self, inventory: &mut Inventory) {
        for subnet in self.of_kind("aws_subnet") {
            inventory.subnets.push(SubnetDef {
                id: self.id_of(subnet),
                origin: subnet.address.clone(),
                vpc: self.id(subnet, &[k("vpc_id")]),
                cidr: self.text(subnet, &[k("cidr_block")]),
                az: self.text(subnet, &[k("availability_zone")]),
                map_public_ip_on_launch: self.boolean(subnet, &[k("map_public_ip_on_launch")]),
            });
        }
    }

    fn gateways(&self, inventory: &mut Inventory) {
        for igw in self.of_kind("aws_internet_gateway") {
            let mut vpc = self.id(igw, &[k("vpc_id")]);
            let id = self.id_of(igw);
            for attachment in self.of_kind("aws_internet_gateway_attachment") {
                if self.id(attachment, &[k("internet_gateway_id")]).as_deref() == Some(id.as_str())
                {
                    vpc = vpc.or_else(|| self.id(attachment, &[k("vpc_id")]));
                }
            }
            inventory.internet_gateways.push(GatewayDef {
                id,
                origin: igw.address.clone(),
                vpc,
            });
        }
        for vgw in self.of_kind("aws_vpn_gateway") {
            let id = self.id_of(vgw);
            let mut vpc = self.id(vgw, &[k("vpc_id")]);
            for attachment in self.of_kind("aws_vpn_gateway_attachment") {
                if self.id(attachment, &[k("vpn_gateway_id")]).as_deref() == Some(id.as_str()) {
                    vpc = vpc.or_else(|| self.id(attachment, &[k("vpc_id")]));
                }
            }
            inventory.vpn_gateways.push(GatewayDef {
                id,
                origin: vgw.address.clone(),
                vpc,
            });
        }
        for nat in self.of_kind("aws_nat_gateway") {
            let private = self.text(nat, &[k("connectivity_type")]).as_deref() == Some("private");
            let mut public_ip = self.text(nat, &[k("public_ip")]);
            if public_ip.is_none()
                && let Some(allocation) = self.id(nat, &[k("allocation_id")])
            {
                public_ip = self
                    .of_kind("aws_eip")
                    .find(|eip| {
                        self.id_of(eip) == allocation
                            || self.known_text(eip, &[k("allocation_id")])
                                == Some(allocation.as_str())
                    })
                    .and_then(|eip| self.text(eip, &[k("public_ip")]));
            }
            inventory.nat_gateways.push(NatDef {
                id: self.id_of(nat),
                origin: nat.address.clone(),
                subnet: self.id(nat, &[k("subnet_id")]),
                public_ip,
                private,
            });
        }
    }

    fn route_target(&self, resource: &Resource<'a>, path: &[Seg]) -> Option<RouteTargetDef> {
        let field = |name: &'static str| {
            let mut p = path.to_vec();
            p.push(Seg::Key(name));
            self.id(resource, &p).filter(|v| !v.is_empty())
        };
        if let Some(gateway) = field("gateway_id") {
            return Some(if gateway == "local" {
                RouteTargetDef::Local
            } else if gateway.starts_with("vgw-") || gateway.contains("aws_vpn_gateway") {
                RouteTargetDef::VpnGateway(gateway)
            } else {
                RouteTargetDef::InternetGateway(gateway)
            });
        }
        if let Some(nat) = field("nat_gateway_id") {
            return Some(RouteTargetDef::NatGateway(nat));
        }
        if let Some(pcx) = field("vpc_peering_connection_id") {
            return Some(RouteTargetDef::Peering(pcx));
        }
        if let Some(tgw) = field("transit_gateway_id") {
            return Some(RouteTargetDef::TransitGateway(tgw));
        }
        for other in [
            "vpc_endpoint_id",
            "network_interface_id",
            "egress_only_gateway_id",
            "carrier_gateway_id",
            "local_gateway_id",
            "core_network_arn",
        ] {
            if let Some(value) = field(other) {
                return Some(RouteTargetDef::Other(format!("{other} {value}")));
            }
        }
        None
    }

    fn route_tables(&self, inventory: &mut Inventory) {
        let mut tables: Vec<RouteTableDef> = Vec::new();
        for (kind, default) in [
            ("aws_route_table", false),
            ("aws_default_route_table", true),
        ] {
            for table in self.of_kind(kind) {
                let vpc = if default {
                    self.vpc_of_default(table, "default_route_table_id")
                } else {
                    self.id(table, &[k("vpc_id")])
                };
                let mut routes = Vec::new();
                for i in 0..self.blocks(table, "route") {
                    let destination =
                        self.text(table, &[k("route"), Seg::Index(i), k("cidr_block")]);
                    if let Some(target) = self.route_target(table, &[k("route"), Seg::Index(i)]) {
                        routes.push(RouteDef {
                            destination,
                            target,
                        });
                    }
                }
                tables.push(RouteTableDef {
                    id: self.id_of(table),
                    origin: table.address.clone(),
                    vpc,
                    routes,
                    subnets: Vec::new(),
                    main: default,
                });
            }
        }
        for route in self.of_kind("aws_route") {
            let Some(table_id) = self.id(route, &[k("route_table_id")]) else {
                continue;
            };
            let destination = self.text(route, &[k("destination_cidr_block")]);
            let Some(target) = self.route_target(route, &[]) else {
                continue;
            };
            match tables.iter_mut().find(|t| t.id == table_id) {
                Some(table) => table.routes.push(RouteDef {
                    destination,
                    target,
                }),
                None => inventory.missing.push(format!(
                    "{}: route table {table_id} is not in the plan; the route is left out",
                    route.address
                )),
            }
        }
        for association in self.of_kind("aws_route_table_association") {
            let (Some(table_id), Some(subnet)) = (
                self.id(association, &[k("route_table_id")]),
                self.id(association, &[k("subnet_id")]),
            ) else {
                continue;
            };
            if let Some(table) = tables.iter_mut().find(|t| t.id == table_id) {
                table.subnets.push(subnet);
            }
        }
        for association in self.of_kind("aws_main_route_table_association") {
            let Some(table_id) = self.id(association, &[k("route_table_id")]) else {
                continue;
            };
            if let Some(table) = tables.iter_mut().find(|t| t.id == table_id) {
                table.main = true;
                if table.vpc.is_none() {
                    table.vpc = self.id(association, &[k("vpc_id")]);
                }
            }
        }
        inventory.route_tables = tables;
    }

    /// The VPC whose `attribute` (`default_route_table_id`) a default resource refers to.
    fn vpc_of_default(&self, resource: &Resource<'a>, attribute: &'static str) -> Option<String> {
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

    fn sg_rule(&self, resource: &Resource<'a>, path: &[Seg], group_id: &str) -> SgRuleDef {
        let field = |name: &'static str| {
            let mut p = path.to_vec();
            p.push(Seg::Key(name));
            p
        };
        let mut groups = self.ids(resource, &field("security_groups"));
        groups.extend(self.ids(resource, &field("source_security_group_id")));
        groups.extend(self.ids(resource, &field("referenced_security_group_id")));
        if self.boolean(resource, &field("self")) == Some(true) {
            groups.push(group_id.to_owned());
        }
        let mut cidrs = self.texts(resource, &field("cidr_blocks"));
        cidrs.extend(self.texts(resource, &field("cidr_ipv4")));
        SgRuleDef {
            protocol: self
                .text(resource, &field("protocol"))
                .or_else(|| self.text(resource, &field("ip_protocol")))
                .unwrap_or_else(|| "-1".to_owned()),
            from_port: self.integer(resource, &field("from_port")),
            to_port: self.integer(resource, &field("to_port")),
            cidrs,
            groups,
        }
    }

    fn security_groups(&self, inventory: &mut Inventory) {
        let mut groups: Vec<SecurityGroupDef> = Vec::new();
        for kind in ["aws_security_group", "aws_default_security_group"] {
            for group in self.of_kind(kind) {
                let id = self.id_of(group);
                let ingress = (0..self.blocks(group, "ingress"))
                    .map(|i| self.sg_rule(group, &[k("ingress"), Seg::Index(i)], &id))
                    .collect();
                let egress: Vec<SgRuleDef> = (0..self.blocks(group, "egress"))
                    .map(|i| self.sg_rule(group, &[k("egress"), Seg::Index(i)], &id))
                    .collect();
                groups.push(SecurityGroupDef {
                    id,
                    origin: group.address.clone(),
                    vpc: self.id(group, &[k("vpc_id")]),
                    ingress,
                    // Terraform manages egress explicitly: no rules means none.
                    egress: Some(egress),
                });
            }
        }
        for rule in self.of_kind("aws_security_group_rule") {
            let Some(group_id) = self.id(rule, &[k("security_group_id")]) else {
                continue;
            };
            let parsed = self.sg_rule(rule, &[], &group_id);
            let egress = self.text(rule, &[k("type")]).as_deref() == Some("egress");
            add_rule(
                &mut groups,
                &group_id,
                parsed,
                egress,
                &rule.address,
                &mut inventory.missing,
            );
        }
        for (kind, egress) in [
            ("aws_vpc_security_group_ingress_rule", false),
            ("aws_vpc_security_group_egress_rule", true),
        ] {
            for rule in self.of_kind(kind) {
                let Some(group_id) = self.id(rule, &[k("security_group_id")]) else {
                    continue;
                };
                let parsed = self.sg_rule(rule, &[], &group_id);
                add_rule(
                    &mut groups,
                    &group_id,
                    parsed,
                    egress,
                    &rule.address,
                    &mut inventory.missing,
                );
            }
        }
        for group in &groups {
            if group.egress.as_ref().is_some_and(Vec::is_empty)
                && !group.origin.contains("aws_default_security_group")
            {
                inventory.note_vpc(group.vpc.as_deref(), format!(
                    "{}: no egress rules; Terraform removes AWS's default allow-all egress, so the group allows no outbound traffic",
                    group.origin
                ));
            }
        }
        inventory.security_groups = groups;
    }

    fn acl_entry(
        &self,
        resource: &Resource<'a>,
        path: &[Seg],
        rule_key: &'static str,
        action_key: &'static str,
    ) -> AclEntryDef {
        let field = |name: &'static str| {
            let mut p = path.to_vec();
            p.push(Seg::Key(name));
            p
        };
        AclEntryDef {
            rule: self.integer(resource, &field(rule_key)).unwrap_or(0),
            protocol: self
                .text(resource, &field("protocol"))
                .unwrap_or_else(|| "-1".to_owned()),
            from_port: self.integer(resource, &field("from_port")),
            to_port: self.integer(resource, &field("to_port")),
            cidr: self.text(resource, &field("cidr_block")),
            allow: self
                .text(resource, &field(action_key))
                .is_some_and(|a| a.eq_ignore_ascii_case("allow")),
        }
    }

    fn network_acls(&self, inventory: &mut Inventory) {
        let mut acls: Vec<NetworkAclDef> = Vec::new();
        for (kind, default) in [
            ("aws_network_acl", false),
            ("aws_default_network_acl", true),
        ] {
            for acl in self.of_kind(kind) {
                let vpc = if default {
                    self.vpc_of_default(acl, "default_network_acl_id")
                } else {
                    self.id(acl, &[k("vpc_id")])
                };
                acls.push(NetworkAclDef {
                    id: self.id_of(acl),
                    origin: acl.address.clone(),
                    vpc,
                    default,
                    inbound: (0..self.blocks(acl, "ingress"))
                        .map(|i| {
                            self.acl_entry(acl, &[k("ingress"), Seg::Index(i)], "rule_no", "action")
                        })
                        .collect(),
                    outbound: (0..self.blocks(acl, "egress"))
                        .map(|i| {
                            self.acl_entry(acl, &[k("egress"), Seg::Index(i)], "rule_no", "action")
                        })
                        .collect(),
                    subnets: self.ids(acl, &[k("subnet_ids")]),
                });
            }
        }
        for rule in self.of_kind("aws_network_acl_rule") {
            let Some(acl_id) = self.id(rule, &[k("network_acl_id")]) else {
                continue;
            };
            let entry = self.acl_entry(rule, &[], "rule_number", "rule_action");
            let egress = self.boolean(rule, &[k("egress")]).unwrap_or(false);
            if let Some(acl) = acls.iter_mut().find(|a| a.id == acl_id) {
                if egress {
                    acl.outbound.push(entry)
                } else {
                    acl.inbound.push(entry)
                }
            }
        }
        for association in self.of_kind("aws_network_acl_association") {
            let (Some(acl_id), Some(subnet)) = (
                self.id(association, &[k("network_acl_id")]),
                self.id(association, &[k("subnet_id")]),
            ) else {
                continue;
            };
            if let Some(acl) = acls.iter_mut().find(|a| a.id == acl_id) {
                acl.subnets.push(subnet);
            }
        }
        inventory.network_acls = acls;
    }

    fn connections(&self, inventory: &mut Inventory) {
        for peering in self.of_kind("aws_vpc_peering_connection") {
            inventory.peerings.push(PeeringDef {
                id: self.id_of(peering),
                origin: peering.address.clone(),
                vpcs: [
                    self.id(peering, &[k("vpc_id")]),
                    self.id(peering, &[k("peer_vpc_id")]),
                ],
            });
        }
        for attachment in self.of_kind("aws_ec2_transit_gateway_vpc_attachment") {
            let vpc = self.id(attachment, &[k("vpc_id")]);
            match self.id(attachment, &[k("transit_gateway_id")]) {
                Some(tgw) => inventory
                    .transit_gateway_attachments
                    .push(TgwAttachmentDef {
                        transit_gateway: tgw,
                        origin: attachment.address.clone(),
                        vpc,
                    }),
                None => inventory.note_vpc(
                    vpc.as_deref(),
                    format!(
                        "{}: the transit gateway is not known; the attachment is left out",
                        attachment.address
                    ),
                ),
            }
        }
        for vpn in self.of_kind("aws_vpn_connection") {
            let id = self.id_of(vpn);
            let remote_cidrs = self
                .of_kind("aws_vpn_connection_route")
                .filter(|route| {
                    self.id(route, &[k("vpn_connection_id")]).as_deref() == Some(id.as_str())
                })
                .filter_map(|route| self.text(route, &[k("destination_cidr_block")]))
                .collect();
            inventory.vpn_connections.push(VpnDef {
                id,
                origin: vpn.address.clone(),
                vpn_gateway: self.id(vpn, &[k("vpn_gateway_id")]),
                transit_gateway: self.id(vpn, &[k("transit_gateway_id")]),
                remote_cidrs,
            });
        }
    }

    fn resolver(&self, inventory: &mut Inventory) {
        for endpoint in self.of_kind("aws_route53_resolver_endpoint") {
            let mut ips = Vec::new();
            let mut subnets = Vec::new();
            for i in 0..self.blocks(endpoint, "ip_address") {
                if let Some(ip) = self.text(endpoint, &[k("ip_address"), Seg::Index(i), k("ip")]) {
                    ips.push(ip);
                }
                if let Some(subnet) =
                    self.id(endpoint, &[k("ip_address"), Seg::Index(i), k("subnet_id")])
                {
                    subnets.push(subnet);
                }
            }
            let vpc = subnets.iter().find_map(|s| {
                inventory
                    .subnets
                    .iter()
                    .find(|d| &d.id == s)
                    .and_then(|d| d.vpc.clone())
            });
            let direction = match self.text(endpoint, &[k("direction")]).as_deref() {
                Some("OUTBOUND") => Direction::Outbound,
                _ => Direction::Inbound,
            };
            inventory.resolver_endpoints.push(ResolverEndpointDef {
                id: self.id_of(endpoint),
                origin: endpoint.address.clone(),
                direction,
                vpc,
                ips,
                subnets,
            });
        }
        for rule in self.of_kind("aws_route53_resolver_rule") {
            let id = self.id_of(rule);
            let target_ips = (0..self.blocks(rule, "target_ip"))
                .filter_map(|i| self.text(rule, &[k("target_ip"), Seg::Index(i), k("ip")]))
                .collect();
            let vpcs = self
                .of_kind("aws_route53_resolver_rule_association")
                .filter(|a| self.id(a, &[k("resolver_rule_id")]).as_deref() == Some(id.as_str()))
                .filter_map(|a| self.id(a, &[k("vpc_id")]))
                .collect();
            inventory.resolver_rules.push(ResolverRuleDef {
                id,
                origin: rule.address.clone(),
                domain: self.text(rule, &[k("domain_name")]).unwrap_or_default(),
                rule_type: self
                    .text(rule, &[k("rule_type")])
                    .unwrap_or_else(|| "FORWARD".to_owned()),
                target_ips,
                vpcs,
            });
        }
    }

    fn endpoints_and_dhcp(&self, inventory: &mut Inventory) {
        for endpoint in self.of_kind("aws_vpc_endpoint") {
            inventory.vpc_endpoints.push(VpcEndpointDef {
                id: self.id_of(endpoint),
                origin: endpoint.address.clone(),
                vpc: self.id(endpoint, &[k("vpc_id")]),
                service: self
                    .text(endpoint, &[k("service_name")])
                    .unwrap_or_default(),
                kind: Some(
                    self.text(endpoint, &[k("vpc_endpoint_type")])
                        .unwrap_or_else(|| "Gateway".to_owned()),
                ),
                private_dns: Some(
                    self.boolean(endpoint, &[k("private_dns_enabled")])
                        .unwrap_or(false),
                ),
                subnets: self.ids(endpoint, &[k("subnet_ids")]),
                route_tables: self.ids(endpoint, &[k("route_table_ids")]),
            });
        }
        for options in self.of_kind("aws_vpc_dhcp_options") {
            let id = self.id_of(options);
            let vpcs = self
                .of_kind("aws_vpc_dhcp_options_association")
                .filter(|a| self.id(a, &[k("dhcp_options_id")]).as_deref() == Some(id.as_str()))
                .filter_map(|a| self.id(a, &[k("vpc_id")]))
                .collect();
            inventory.dhcp_options.push(DhcpOptionsDef {
                id,
                origin: options.address.clone(),
                domain_name_servers: self.texts(options, &[k("domain_name_servers")]),
                vpcs,
            });
        }
    }

    fn clusters(&self, inventory: &mut Inventory) {
        for cluster in self.of_kind("aws_eks_cluster") {
            let config = |name: &'static str| vec![k("vpc_config"), Seg::Index(0), k(name)];
            let name = self
                .text(cluster, &[k("name")])
                .unwrap_or_else(|| cluster.address.clone());
            let subnets = self.ids(cluster, &config("subnet_ids"));
            let cidrs_unknown = self.is_unknown(cluster, &config("public_access_cidrs"));
            let cidrs = self.texts(cluster, &config("public_access_cidrs"));
            inventory.clusters.push(ClusterDef {
                name: name.clone(),
                origin: cluster.address.clone(),
                region: self.known_text(cluster, &[k("arn")]).and_then(arn_region),
                vpc: self.text(cluster, &config("vpc_id")),
                subnets,
                security_groups: self.ids(cluster, &config("security_group_ids")),
                cluster_security_group: self.text(cluster, &config("cluster_security_group_id")),
                public_access: Some(
                    self.boolean(cluster, &config("endpoint_public_access"))
                        .unwrap_or(true),
                ),
                private_access: Some(
                    self.boolean(cluster, &config("endpoint_private_access"))
                        .unwrap_or(false),
                ),
                public_access_cidrs: if cidrs.is_empty() || cidrs_unknown {
                    None
                } else {
                    Some(cidrs)
                },
                endpoint: self.text(cluster, &[k("endpoint")]),
            });
        }
        for group in self.of_kind("aws_eks_node_group") {
            let cluster = self.id(group, &[k("cluster_name")]).map(|name| {
                // `cluster_name = aws_eks_cluster.main.name` resolves to the cluster
                // resource's ID, which for EKS is its name, or its address at plan time.
                inventory
                    .clusters
                    .iter()
                    .find(|c| c.origin == name || c.name == name)
                    .map_or(name.clone(), |c| c.name.clone())
            });
            inventory.node_groups.push(NodeGroupDef {
                name: self
                    .text(group, &[k("node_group_name")])
                    .unwrap_or_else(|| group.address.clone()),
                origin: group.address.clone(),
                cluster,
                subnets: self.ids(group, &[k("subnet_ids")]),
                security_groups: None,
            });
        }
    }
}

/// Resource types the reader turns into inventory entries (everything else is listed as left
/// out).
const SUPPORTED: &[&str] = &[
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_vpc",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_vpc_dhcp_options",
    "aws_vpc_dhcp_options_association",
    "aws_subnet",
    "aws_route_table",
    "aws_default_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_internet_gateway",
    "aws_internet_gateway_attachment",
    "aws_nat_gateway",
    "aws_eip",
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_vpc_peering_connection",
    // Read through its attachments, which name it.
    "aws_ec2_transit_gateway",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_vpn_gateway",
    "aws_vpn_gateway_attachment",
    "aws_vpn_connection",
    "aws_vpn_connection_route",
    "aws_route53_resolver_endpoint",
    "aws_route53_resolver_rule",
    "aws_route53_resolver_rule_association",
    "aws_vpc_endpoint",
];

fn add_rule(
    groups: &mut [SecurityGroupDef],
    group_id: &str,
    rule: SgRuleDef,
    egress: bool,
    address: &str,
    missing: &mut Vec<String>,
) {
    let Some(group) = groups.iter_mut().find(|g| g.id == group_id) else {
        missing.push(format!(
            "{address}: security group {group_id} is not in the plan; the rule is left out"
        ));
        return;
    };
    if egress {
        group.egress.get_or_insert_with(Vec::new).push(rule);
    } else {
        group.ingress.push(rule);
    }
}

/// A path into a resource's values or expressions.
#[derive(Debug, Clone, Copy)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

fn k(key: &'static str) -> Seg {
    Seg::Key(key)
}

#[derive(Debug, Clone, PartialEq)]
enum Resolved {
    /// A resource instance, by index in `Plan::resources`.
    Resource(usize),
    Constant(Value),
}

fn constants(value: &Value) -> Vec<Resolved> {
    match value {
        Value::Array(items) => items.iter().cloned().map(Resolved::Constant).collect(),
        Value::Null => Vec::new(),
        other => vec![Resolved::Constant(other.clone())],
    }
}

/// Walks a module of `planned_values`/`values` (at `path` in the file) and its children.
/// Sections that are not the lists and objects Terraform writes are problems.
fn collect<'a>(
    source: &str,
    module: &'a Value,
    path: &str,
    unknown: &HashMap<&str, &'a Value>,
    out: &mut Vec<Resource<'a>>,
    problems: &mut Vec<ImportError>,
) {
    let Some(module) = module.as_object() else {
        if !module.is_null() {
            problems.push(ImportError::new(
                source,
                path,
                format!("expected an object (a module), found {}", describe(module)),
            ));
        }
        return;
    };
    let module_address = module
        .get("address")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let list = |key: &str, problems: &mut Vec<ImportError>| -> &'a [Value] {
        match module.get(key) {
            Some(Value::Array(items)) => items.as_slice(),
            None | Some(Value::Null) => &[],
            Some(other) => {
                problems.push(ImportError::new(
                    source,
                    format!("{path}.{key}"),
                    format!("expected a list, found {}", describe(other)),
                ));
                &[]
            }
        }
    };
    for (i, resource) in list("resources", problems).iter().enumerate() {
        let json_path = format!("{path}.resources[{i}]");
        let Some(address) = resource.get("address").and_then(Value::as_str) else {
            continue;
        };
        let values = resource.get("values").unwrap_or(&Value::Null);
        if !values.is_object() && !values.is_null() {
            problems.push(ImportError::new(
                source,
                format!("{json_path}.values"),
                format!(
                    "expected an object of attributes, found {} (in {address})",
                    describe(values)
                ),
            ));
            continue;
        }
        let kind = str_of(resource.get("type"));
        let name = str_of(resource.get("name"));
        let data = resource.get("mode").and_then(Value::as_str) == Some("data");
        out.push(Resource {
            address: address.to_owned(),
            module: module_address.to_owned(),
            kind: kind.to_owned(),
            key: format!("{kind}.{name}"),
            json_path,
            index: resource.get("index"),
            values,
            unknown: unknown.get(address).copied(),
            data,
        });
    }
    for (i, child) in list("child_modules", problems).iter().enumerate() {
        collect(
            source,
            child,
            &format!("{path}.child_modules[{i}]"),
            unknown,
            out,
            problems,
        );
    }
}

/// A JSON value as an error message names it: `a string ("oops")`, `a number (12)`.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => {
            let shown: String = s.chars().take(40).collect();
            let more = if s.chars().count() > 40 { "…" } else { "" };
            format!("a string ({shown:?}{more})")
        }
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn str_of(value: Option<&Value>) -> &str {
    value.and_then(Value::as_str).unwrap_or_default()
}

/// `module.a.module.b["x"]` → `["a", "b"]` (configuration is per module, not per instance).
fn module_names(module: &str) -> Vec<String> {
    let stripped = strip_module_indices(module);
    stripped
        .split("module.")
        .map(|part| part.trim_end_matches('.').to_owned())
        .filter(|part| !part.is_empty())
        .collect()
}

/// `module.a[0].module.b["x"]` → `module.a.module.b`.
fn strip_module_indices(module: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in module.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// `module.a.module.b[0]` → (`module.a`, `b`).
fn split_module(module: &str) -> (String, String) {
    match module.rfind(".module.") {
        Some(i) => {
            let parent = module.get(..i).unwrap_or_default().to_owned();
            let call = module.get(i + ".module.".len()..).unwrap_or_default();
            (parent, strip_index(call).to_owned())
        }
        None => (
            String::new(),
            strip_index(module.trim_start_matches("module.")).to_owned(),
        ),
    }
}

/// Splits `aws_subnet.private[0].id` into `["aws_subnet", "private[0]", "id"]`, keeping
/// brackets (which may hold dots in string keys) with their name.
fn split_reference(reference: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0;
    for c in reference.chars() {
        match c {
            '[' => {
                depth += 1;
                current.push(c);
            }
            ']' => {
                depth -= 1;
                current.push(c);
            }
            '.' if depth == 0 => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

fn strip_index(name: &str) -> &str {
    name.split_once('[').map_or(name, |(name, _)| name)
}

/// `private[0]` → `0`; `private["a"]` → `a`.
fn index_of(name: &str) -> Option<String> {
    let (_, rest) = name.split_once('[')?;
    Some(rest.trim_end_matches(']').trim_matches('"').to_owned())
}

fn index_text(index: &Value) -> String {
    match index {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `arn:aws:eks:eu-west-1:123:cluster/x` → `eu-west-1`.
fn arn_region(arn: &str) -> Option<String> {
    arn.split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_at_dots_outside_brackets() {
        assert_eq!(
            split_reference("aws_subnet.private[0].id"),
            ["aws_subnet", "private[0]", "id"]
        );
        assert_eq!(
            split_reference("module.vpc[\"a.b\"].x"),
            ["module", "vpc[\"a.b\"]", "x"]
        );
        assert_eq!(index_of("private[0]").as_deref(), Some("0"));
        assert_eq!(index_of("private[\"a\"]").as_deref(), Some("a"));
    }

    #[test]
    fn module_paths_drop_instance_keys() {
        assert_eq!(module_names("module.a[0].module.b[\"x\"]"), ["a", "b"]);
        assert_eq!(
            split_module("module.a.module.b[0]"),
            ("module.a".to_owned(), "b".to_owned())
        );
        assert_eq!(
            split_module("module.vpc"),
            (String::new(), "vpc".to_owned())
        );
    }
}
