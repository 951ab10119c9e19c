//! Raw scenario → validated [`Scenario`], reporting every problem it finds.
//!
//! Validation rejects only what cannot be modelled (SPEC section 2): values that do not parse,
//! duplicate IDs, dangling references, addresses outside their subnet or VPC. Limits that AWS
//! enforces at its API (40 allowlist entries, 2–4 ENIs, …) load fine and become findings.
//!
//! One [`Validator`] walks the whole file and owns the problem list, so every check reports
//! the same way and a file's problems come back together. Its methods are split by what
//! they check, one file each: `values` (addresses, blocks, domains, ports), `ids` (IDs and
//! references), `counts` (the caps refused before any work), `vpcs` (VPCs, subnets, route
//! tables, NAT gateways), `security_groups`, `network_acls`, `dns` (Route 53 Resolver and
//! DNS servers), `networks`, `connections`, `cluster`, `clients` (with node groups),
//! `endpoints` (VPC endpoints) and `ignores`.

mod clients;
mod cluster;
mod connections;
mod counts;
mod dns;
mod endpoints;
mod ids;
mod ignores;
mod network_acls;
mod networks;
mod security_groups;
mod values;
mod vpcs;

use std::collections::HashMap;

use hickory_proto::rr::Name;

use super::model::*;
use super::raw::*;
use super::spans::{DocumentSpans, join_key};
use crate::diagnostic::{Diagnostic, LoadCode};
use ids::Element;

pub use cluster::PLACEHOLDER_PUBLIC_IPS;

pub(super) struct Validator<'a> {
    file: &'a str,
    spans: DocumentSpans,
    problems: Vec<Diagnostic>,
    ids: HashMap<String, (Element, String)>,
    /// Paths already reported as the wrong type: anything found under them is a repeat.
    suppressed: Vec<String>,
    /// Connections whose own definition has a problem: routes to them are not judged
    /// against a stand-in.
    broken_connections: Vec<ConnIx>,
}

impl<'a> Validator<'a> {
    pub(super) fn new(file: &'a str, spans: DocumentSpans) -> Self {
        Validator {
            file,
            spans,
            problems: Vec::new(),
            ids: HashMap::new(),
            suppressed: Vec::new(),
            broken_connections: Vec::new(),
        }
    }

    /// Problems under these paths are not reported (their type errors already were).
    pub(super) fn suppress(&mut self, paths: Vec<String>) {
        self.suppressed = paths;
    }

    fn is_suppressed(&self, path: &str) -> bool {
        self.suppressed.iter().any(|bad| {
            path.strip_prefix(bad.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    }

    /// Adds problems found before validation (unknown fields).
    pub(super) fn push(&mut self, diagnostic: Diagnostic) {
        self.problems.push(diagnostic);
    }

    /// A problem with the value at `path`.
    pub(super) fn problem(&mut self, code: LoadCode, path: &str, message: impl Into<String>) {
        if self.is_suppressed(path) {
            return;
        }
        self.problems.push(Diagnostic {
            code,
            file: self.file.to_owned(),
            position: self.spans.value(path),
            path: path.to_owned(),
            message: message.into(),
        });
    }

    /// A problem with the key at `path` (unknown or duplicate fields).
    pub(super) fn key_problem(&mut self, code: LoadCode, path: &str, message: impl Into<String>) {
        if self.is_suppressed(path) {
            return;
        }
        self.problems.push(Diagnostic {
            code,
            file: self.file.to_owned(),
            position: self.spans.key(path),
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn required<'v, T>(
        &mut self,
        value: &'v Option<T>,
        parent: &str,
        field: &str,
    ) -> Option<&'v T> {
        if value.is_none() && !self.is_suppressed(&join_key(parent, field)) {
            self.problem(
                LoadCode::MissingField,
                parent,
                format!("missing required field `{field}`"),
            );
        }
        value.as_ref()
    }

    pub(super) fn validate(mut self, raw: RawScenario) -> Result<Scenario, Vec<Diagnostic>> {
        match raw.version {
            // A version of the wrong type was reported as such, not as missing.
            None if self.is_suppressed("version") => {}
            None => self.problem(
                LoadCode::MissingField,
                "",
                "missing required field `version` (write `version: 1`)",
            ),
            Some(1) => {}
            Some(other) => self.problem(
                LoadCode::BadValue,
                "version",
                format!(
                    "unsupported version {other}: this eksflow reads scenario format version 1"
                ),
            ),
        }
        let name = self
            .required(&raw.name, "", "name")
            .map(|text| text.0.clone())
            .unwrap_or_default();
        let Some(raw_cluster) = self.required(&raw.cluster, "", "cluster") else {
            return Err(sorted(self.problems));
        };
        // Counts first: a file over a limit is refused before any work in proportion to it.
        if !self.within_limits(&raw) {
            return Err(sorted(self.problems));
        }

        let layout = self.register_all(&raw);
        let vpcs = self.vpcs(&raw, &layout);
        let networks = self.networks(&raw);
        let connections = self.connections(&raw, &layout);
        let mut scenario = Scenario {
            name,
            description: raw.description.as_ref().map(|text| text.0.clone()),
            cluster: placeholder_cluster(),
            vpcs,
            subnets: Vec::new(),
            route_tables: Vec::new(),
            security_groups: Vec::new(),
            network_acls: Vec::new(),
            nat_gateways: Vec::new(),
            connections,
            networks,
            dns_servers: Vec::new(),
            clients: Vec::new(),
            node_groups: Vec::new(),
            vpc_endpoints: Vec::new(),
            ignores: Vec::new(),
            imported: raw.imported.as_ref().map(|imported| Imported {
                from: imported
                    .from
                    .as_ref()
                    .map(|from| from.0.clone())
                    .unwrap_or_default(),
                missing: imported.missing.iter().map(|m| m.0.clone()).collect(),
            }),
            source: Source::default(),
            dns_transport: DnsTransport::Assumed,
            dns_transport_written: false,
        };
        (scenario.dns_transport, scenario.dns_transport_written) = self.dns_transport(&raw);
        self.vpc_contents(&raw, &mut scenario);
        self.check_connection_routes(&scenario);
        scenario.dns_servers = self.dns_servers(&raw);
        self.resolver_placement(&raw, &mut scenario);
        let cluster = self.cluster(raw_cluster, &scenario);
        scenario.clients = self.clients(&raw, &scenario);
        scenario.vpc_endpoints = self.vpc_endpoints(&raw, &scenario);
        scenario.ignores = self.ignores(&raw);

        match cluster {
            // Node groups need the cluster, but not a clean file: their problems are
            // reported with the others.
            Some(cluster) => {
                self.clients_at_eni_addresses(&raw, &cluster);
                let (node_groups, implicit) = self.node_groups(&raw, &scenario, &cluster);
                if !self.problems.is_empty() {
                    return Err(sorted(self.problems));
                }
                scenario.node_groups = node_groups;
                scenario.clients.extend(implicit);
                self.proxies(&raw, &mut scenario);
                if !self.problems.is_empty() {
                    return Err(sorted(self.problems));
                }
                scenario.cluster = cluster;
                scenario.source = Source {
                    file: self.file.to_owned(),
                    spans: self.spans,
                    origin: None,
                };
                Ok(scenario)
            }
            _ => Err(sorted(self.problems)),
        }
    }
}

fn placeholder_cluster() -> Cluster {
    Cluster {
        name: String::new(),
        region: String::new(),
        endpoint: Name::root(),
        endpoint_derived: true,
        access: EndpointAccess::Public,
        public_access_cidrs: Vec::new(),
        public_access_cidrs_default: true,
        public_endpoint_ips: Vec::new(),
        public_endpoint_ips_placeholder: true,
        ip_family: Family::Ipv4,
        dual_stack: false,
        public_endpoint_ipv6: Vec::new(),
        public_endpoint_ipv6_placeholder: false,
        vpc: VpcIx(0),
        security_groups: Vec::new(),
        enis: Vec::new(),
        hybrid: HybridConfig::default(),
    }
}

/// An optional text field as an owned string (empty when absent).
fn owned(value: &Option<Text>) -> String {
    value
        .as_ref()
        .map(|text| text.0.clone())
        .unwrap_or_default()
}

/// Problems in file order.
fn sorted(mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    problems.sort_by_key(|problem| problem.position);
    problems
}
