//! VPC endpoints: the service they reach, interface or gateway, and the subnets and route
//! tables of their own VPC they are placed in.

use super::Validator;
use super::ids::{Element, Kind};
use crate::diagnostic::LoadCode;
use crate::scenario::model::*;
use crate::scenario::raw::RawScenario;
use crate::scenario::spans::{join_index, join_key};

impl Validator<'_> {
    pub(super) fn vpc_endpoints(
        &mut self,
        raw: &RawScenario,
        scenario: &Scenario,
    ) -> Vec<VpcEndpoint> {
        let mut out = Vec::new();
        for (v, raw_vpc) in raw.vpcs.iter().enumerate() {
            for (i, raw_endpoint) in raw_vpc.vpc_endpoints.iter().enumerate() {
                let path = join_index(&join_key(&join_index("vpcs", v), "vpcEndpoints"), i);
                if raw_endpoint.id.is_some() {
                    self.register(&raw_endpoint.id, &path, Element::Resolver);
                }
                let Some(service) = self.required(&raw_endpoint.service, &path, "service") else {
                    continue;
                };
                // `com.amazonaws.eu-west-1.ecr.api` and `ecr.api` name the same service.
                let service = short_service_name(&service.0);
                let kind = match raw_endpoint.kind.as_deref() {
                    None if matches!(service.as_str(), "s3" | "dynamodb") => {
                        VpcEndpointKind::Gateway
                    }
                    None => VpcEndpointKind::Interface,
                    Some("interface" | "Interface") => VpcEndpointKind::Interface,
                    Some("gateway" | "Gateway") => VpcEndpointKind::Gateway,
                    Some(other) => {
                        let message = format!(
                            "unknown endpoint type `{other}`: expected interface or gateway"
                        );
                        self.problem(LoadCode::BadValue, &join_key(&path, "type"), message);
                        continue;
                    }
                };
                let vpc = VpcIx(v);
                let subnets_path = join_key(&path, "subnets");
                let mut subnets = Vec::new();
                for (j, id) in raw_endpoint.subnets.iter().enumerate() {
                    let subnet_path = join_index(&subnets_path, j);
                    if let Some(subnet) = self.subnet_ref(id, &subnet_path) {
                        if scenario.subnet(subnet).is_some_and(|s| s.vpc != vpc) {
                            self.problem(
                                LoadCode::Conflict,
                                &subnet_path,
                                format!("subnet `{id}` is in another VPC than the endpoint"),
                            );
                        }
                        subnets.push(subnet);
                    }
                }
                let tables_path = join_key(&path, "routeTables");
                let mut route_tables = Vec::new();
                for (j, id) in raw_endpoint.route_tables.iter().enumerate() {
                    let table_path = join_index(&tables_path, j);
                    if let Some(Element::RouteTable(table)) =
                        self.lookup(id, &table_path, &[Kind::RouteTable])
                    {
                        if scenario.route_table(table).is_some_and(|t| t.vpc != vpc) {
                            self.problem(
                                LoadCode::Conflict,
                                &table_path,
                                format!("route table `{id}` is in another VPC than the endpoint"),
                            );
                        }
                        route_tables.push(table);
                    }
                }
                out.push(VpcEndpoint {
                    path,
                    vpc,
                    service,
                    kind,
                    // The EC2 API creates interface endpoints for AWS services with private
                    // DNS on unless told otherwise.
                    private_dns: raw_endpoint
                        .private_dns
                        .unwrap_or(kind == VpcEndpointKind::Interface),
                    subnets,
                    route_tables,
                });
            }
        }
        out
    }
}

/// `com.amazonaws.eu-west-1.ecr.api` → `ecr.api`; short names are kept.
fn short_service_name(service: &str) -> String {
    let service = service.trim();
    match service.strip_prefix("com.amazonaws.") {
        Some(rest) => rest
            .split_once('.')
            .map_or(rest, |(_, name)| name)
            .to_owned(),
        None => service.to_owned(),
    }
}
