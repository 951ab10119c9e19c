//! Connections (peering, transit gateway, VPN, Direct Connect) and the routes through them.
//!
//! Each type takes its own fields, so a field of another type is reported rather than
//! silently ignored; and a route may only use a connection that attaches to the route's VPC
//! or network.

use super::ids::{Element, Kind, Layout};
use super::vpcs::SeenRoutes;
use super::{Validator, owned};
use crate::diagnostic::LoadCode;
use crate::scenario::model::*;
use crate::scenario::raw::{RawAttachment, RawConnection, RawScenario};
use crate::scenario::spans::{join_index, join_key};

impl Validator<'_> {
    pub(super) fn connections(&mut self, raw: &RawScenario, layout: &Layout) -> Vec<Connection> {
        let mut out = Vec::new();
        for (i, raw_conn) in raw.connections.iter().enumerate() {
            let path = join_index("connections", i);
            let kind = self.connection_kind(raw_conn, &path, layout);
            if kind.is_none() {
                self.broken_connections.push(ConnIx(i));
            }
            out.push(Connection {
                id: owned(&raw_conn.id),
                path,
                kind: kind.unwrap_or(ConnectionKind::TransitGateway {
                    attachments: Vec::new(),
                    routes: Vec::new(),
                }),
            });
        }
        out
    }

    fn connection_kind(
        &mut self,
        raw: &RawConnection,
        path: &str,
        layout: &Layout,
    ) -> Option<ConnectionKind> {
        let kind = self.required(&raw.kind, path, "type")?.0.clone();
        let unused = |field: &str, present: bool| present.then(|| field.to_owned());
        let (kind, extra) = match kind.as_str() {
            "peering" => {
                let vpcs = self
                    .required(&raw.vpcs, path, "vpcs")
                    .cloned()
                    .unwrap_or_default();
                let list_path = join_key(path, "vpcs");
                let ends: Vec<VpcIx> = vpcs
                    .iter()
                    .enumerate()
                    .filter_map(|(j, id)| self.vpc_ref(id, &join_index(&list_path, j)))
                    .collect();
                let extra = [
                    unused("vpc", raw.vpc.is_some()),
                    unused("network", raw.network.is_some()),
                    unused("attachments", raw.attachments.is_some()),
                    unused("routes", raw.routes.is_some()),
                ];
                if raw.vpcs.is_none() {
                    // Already reported missing; say what was written instead (`vpc:`?).
                    self.inapplicable(path, "peering connection", raw, extra);
                    return None;
                }
                if vpcs.len() != 2 {
                    self.problem(
                        LoadCode::Conflict,
                        &list_path,
                        format!(
                            "a peering connection joins exactly two VPCs, not {}",
                            vpcs.len()
                        ),
                    );
                    return None;
                }
                let [a, b] = ends.as_slice() else { return None };
                if a == b {
                    self.problem(
                        LoadCode::Conflict,
                        &list_path,
                        "a peering connection joins two different VPCs",
                    );
                    return None;
                }
                (ConnectionKind::Peering { vpcs: [*a, *b] }, extra)
            }
            "vpn" | "direct-connect" => {
                let vpc = self
                    .required(&raw.vpc, path, "vpc")
                    .cloned()
                    .and_then(|id| self.vpc_ref(&id, &join_key(path, "vpc")));
                let network = self
                    .required(&raw.network, path, "network")
                    .cloned()
                    .and_then(|id| {
                        match self.lookup(&id, &join_key(path, "network"), &[Kind::Network])? {
                            Element::Network(network) => Some(network),
                            _ => None,
                        }
                    });
                let extra = [
                    unused("vpcs", raw.vpcs.is_some()),
                    unused("attachments", raw.attachments.is_some()),
                    unused("routes", raw.routes.is_some()),
                    None,
                ];
                let (vpc, network) = (vpc?, network?);
                let kind = if kind == "vpn" {
                    ConnectionKind::Vpn { vpc, network }
                } else {
                    ConnectionKind::DirectConnect { vpc, network }
                };
                (kind, extra)
            }
            "transit-gateway" => {
                let attachments = self.tgw_attachments(raw, path, layout);
                let routes = self.tgw_routes(raw, path, &attachments);
                let extra = [
                    unused("vpcs", raw.vpcs.is_some()),
                    unused("vpc", raw.vpc.is_some()),
                    unused("network", raw.network.is_some()),
                    None,
                ];
                (
                    ConnectionKind::TransitGateway {
                        attachments,
                        routes,
                    },
                    extra,
                )
            }
            other => {
                let message = format!(
                    "unknown connection type `{other}`: expected peering, transit-gateway, vpn or direct-connect"
                );
                self.problem(LoadCode::BadValue, &join_key(path, "type"), message);
                return None;
            }
        };
        self.inapplicable(path, kind.label(), raw, extra);
        Some(kind)
    }

    /// A transit gateway's `attachments`: bare VPC or network IDs, or `{vpc, subnets}`.
    fn tgw_attachments(
        &mut self,
        raw: &RawConnection,
        path: &str,
        layout: &Layout,
    ) -> Vec<TgwAttachment> {
        let list_path = join_key(path, "attachments");
        let Some(list) = self.required(&raw.attachments, path, "attachments") else {
            return Vec::new();
        };
        let mut attachments = Vec::new();
        for (j, item) in list.iter().enumerate() {
            let item_path = join_index(&list_path, j);
            match item {
                RawAttachment::Id(id) => {
                    match self.lookup(id, &item_path, &[Kind::Vpc, Kind::Network]) {
                        Some(Element::Vpc(vpc)) => attachments.push(TgwAttachment {
                            place: Attachment::Vpc(vpc),
                            subnets: Vec::new(),
                        }),
                        Some(Element::Network(network)) => attachments.push(TgwAttachment {
                            place: Attachment::Network(network),
                            subnets: Vec::new(),
                        }),
                        _ => {}
                    }
                }
                RawAttachment::Vpc(vpc_attachment) => {
                    let vpc = self
                        .required(&vpc_attachment.vpc, &item_path, "vpc")
                        .and_then(|id| self.vpc_ref(id, &join_key(&item_path, "vpc")));
                    let subnets_path = join_key(&item_path, "subnets");
                    let mut subnets = Vec::new();
                    for (k, id) in vpc_attachment.subnets.iter().enumerate() {
                        let subnet_path = join_index(&subnets_path, k);
                        let Some(subnet) = self.subnet_ref(id, &subnet_path) else {
                            continue;
                        };
                        match (vpc, layout.subnets.get(subnet.0)) {
                            (Some(vpc), Some(home)) if *home != vpc => {
                                let vpc_id = vpc_attachment.vpc.as_deref().unwrap_or_default();
                                self.problem(LoadCode::Conflict,
                                    &subnet_path,
                                    format!("subnet `{id}` is not in {vpc_id}: the subnets of a VPC attachment are subnets of that VPC"),
                                );
                            }
                            _ => subnets.push(subnet),
                        }
                    }
                    if let Some(vpc) = vpc {
                        attachments.push(TgwAttachment {
                            place: Attachment::Vpc(vpc),
                            subnets,
                        });
                    }
                }
            }
        }
        attachments
    }

    /// A transit gateway's static `routes`: one per destination, each to one of its
    /// attachments (checked in [`Self::check_connection_routes`], once the places are known).
    fn tgw_routes(
        &mut self,
        raw: &RawConnection,
        path: &str,
        attachments: &[TgwAttachment],
    ) -> Vec<TgwRoute> {
        let Some(list) = raw.routes.as_ref() else {
            return Vec::new();
        };
        let mut routes = Vec::new();
        let mut seen = SeenRoutes::new();
        for (j, raw_route) in list.iter().enumerate() {
            let route_path = join_index(&join_key(path, "routes"), j);
            let destination = self
                .required(&raw_route.destination, &route_path, "destination")
                .and_then(|text| self.cidr(text, &join_key(&route_path, "destination")));
            let target_path = join_key(&route_path, "target");
            let target = self
                .required(&raw_route.target, &route_path, "target")
                .and_then(|id| {
                    match self.lookup(id, &target_path, &[Kind::Vpc, Kind::Network])? {
                        Element::Vpc(vpc) => Some(Attachment::Vpc(vpc)),
                        Element::Network(network) => Some(Attachment::Network(network)),
                        _ => None,
                    }
                });
            if let Some(destination) = destination
                && !self.first_route_for(&mut seen, destination, &route_path)
            {
                continue;
            }
            if let Some(target) = target
                && !attachments.iter().any(|a| a.place == target)
            {
                let id = raw_route.target.as_deref().unwrap_or_default();
                let message = format!(
                    "`{id}` is not an attachment of this transit gateway: a static route targets one of its attachments"
                );
                self.problem(LoadCode::DanglingReference, &target_path, message);
                continue;
            }
            if let (Some(destination), Some(target)) = (destination, target) {
                routes.push(TgwRoute {
                    destination,
                    target,
                    path: route_path,
                });
            }
        }
        routes
    }

    /// Reports each field of `extra` as one that does not apply to a connection of this type.
    fn inapplicable(
        &mut self,
        path: &str,
        label: &str,
        raw: &RawConnection,
        extra: impl IntoIterator<Item = Option<String>>,
    ) {
        for field in extra.into_iter().flatten() {
            let message = format!(
                "`{field}` does not apply to a {label} (type: {})",
                raw.kind.as_deref().unwrap_or_default()
            );
            self.key_problem(LoadCode::Conflict, &join_key(path, &field), message);
        }
    }

    /// Routes through a connection must be in a place the connection attaches to.
    pub(super) fn check_connection_routes(&mut self, scenario: &Scenario) {
        let mut problems = Vec::new();
        for table in &scenario.route_tables {
            for route in &table.routes {
                match route.target {
                    RouteTarget::Connection(conn) => {
                        if !self.broken_connections.contains(&conn)
                            && let Some(connection) = scenario.connections.get(conn.0)
                            && !connection.kind.attaches(Attachment::Vpc(table.vpc))
                        {
                            let vpc = scenario
                                .vpcs
                                .get(table.vpc.0)
                                .map(|v| v.id.as_str())
                                .unwrap_or_default();
                            problems.push((
                                join_key(&route.path, "target"),
                                format!(
                                    "{} `{}` does not attach to {vpc}, the VPC of route table `{}`",
                                    connection.kind.label(),
                                    connection.id,
                                    table.id
                                ),
                            ));
                        }
                    }
                    RouteTarget::Nat(nat) => {
                        if let Some(nat) = scenario.nat_gateways.get(nat.0)
                            && let Some(subnet) = scenario.subnets.get(nat.subnet.0)
                            && subnet.vpc != table.vpc
                        {
                            problems.push((
                                join_key(&route.path, "target"),
                                format!(
                                    "NAT gateway `{}` is in another VPC than route table `{}`",
                                    nat.id, table.id
                                ),
                            ));
                        }
                    }
                    RouteTarget::Local
                    | RouteTarget::InternetGateway
                    | RouteTarget::EgressOnlyInternetGateway => {}
                }
            }
        }
        for (ix, network) in scenario.networks.iter().enumerate() {
            for route in &network.routes {
                if !self.broken_connections.contains(&route.target)
                    && let Some(connection) = scenario.connection(route.target)
                    && !connection.kind.attaches(Attachment::Network(NetworkIx(ix)))
                {
                    problems.push((
                        join_key(&route.path, "target"),
                        format!(
                            "{} `{}` does not attach to network `{}`",
                            connection.kind.label(),
                            connection.id,
                            network.id
                        ),
                    ));
                }
            }
        }
        for (path, message) in problems {
            self.problem(LoadCode::Conflict, &path, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::{Attachment, ConnectionKind, load_one};

    const BASE: &str = "version: 1
name: tgw
cluster:
  name: c
  region: eu-west-1
  vpc: vpc-a
  securityGroups: [sg-a]
  enis:
    - { subnet: subnet-a, ip: 10.0.1.10 }
    - { subnet: subnet-a, ip: 10.0.1.11 }
vpcs:
  - id: vpc-a
    cidrs: [10.0.0.0/16]
    subnets:
      - { id: subnet-a, cidr: 10.0.1.0/24, az: eu-west-1a }
    securityGroups:
      - id: sg-a
  - id: vpc-b
    cidrs: [10.1.0.0/16]
    subnets:
      - { id: subnet-b, cidr: 10.1.1.0/24, az: eu-west-1a }
networks:
  - { id: office, cidrs: [192.168.0.0/16] }
connections:
";

    fn problems(connections: &str) -> Vec<String> {
        match load_one("t.yaml", &format!("{BASE}{connections}")) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect(),
        }
    }

    #[test]
    fn a_vpc_attachment_names_its_subnets_and_a_static_route_an_attachment() {
        let text = format!(
            "{BASE}  - id: tgw
    type: transit-gateway
    attachments: [vpc-a, {{ vpc: vpc-b, subnets: [subnet-b] }}, office]
    routes: [{{ destination: 0.0.0.0/0, target: vpc-b }}]
"
        );
        let scenario = load_one("t.yaml", &text).unwrap_or_else(|p| panic!("{p:?}"));
        let Some(ConnectionKind::TransitGateway {
            attachments,
            routes,
        }) = scenario.connections.first().map(|c| &c.kind)
        else {
            panic!("not a transit gateway");
        };
        let subnets: Vec<usize> = attachments.iter().map(|a| a.subnets.len()).collect();
        assert_eq!(subnets, [0, 1, 0]);
        assert!(matches!(
            attachments.get(2).map(|a| a.place),
            Some(Attachment::Network(_))
        ));
        assert_eq!(routes.len(), 1);
    }

    #[test]
    fn a_static_route_to_a_place_not_attached_is_refused() {
        let found = problems(
            "  - { id: tgw, type: transit-gateway, attachments: [vpc-a, vpc-b], routes: [{ destination: 0.0.0.0/0, target: office }] }\n",
        );
        assert_eq!(
            found,
            [
                "connections[0].routes[0].target: `office` is not an attachment of this transit gateway: a static route targets one of its attachments"
            ]
        );
    }

    #[test]
    fn an_attachment_subnet_of_another_vpc_is_refused() {
        let found = problems(
            "  - { id: tgw, type: transit-gateway, attachments: [{ vpc: vpc-a, subnets: [subnet-b] }, vpc-b] }\n",
        );
        assert_eq!(
            found,
            [
                "connections[0].attachments[0].subnets[0]: subnet `subnet-b` is not in vpc-a: the subnets of a VPC attachment are subnets of that VPC"
            ]
        );
    }

    #[test]
    fn routes_do_not_apply_to_a_peering_and_unknown_attachment_fields_are_reported() {
        let found = problems(
            "  - { id: pcx, type: peering, vpcs: [vpc-a, vpc-b], routes: [] }\n  - { id: tgw, type: transit-gateway, attachments: [{ vpc: vpc-a, subnet: [subnet-a] }, vpc-b] }\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("connections[0].routes: `routes` does not apply")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("connections[1].attachments[0].subnet:")
                    && p.contains("subnets")),
            "{found:?}"
        );
    }
}
