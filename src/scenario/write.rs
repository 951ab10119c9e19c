//! A validated [`Scenario`] written back as scenario YAML, in one canonical form.
//!
//! [`to_yaml`] writes what the model holds, in the format the loader reads, so that loading
//! the text gives the same model again: fields in a fixed order, every element in the order
//! the model keeps it, text quoted where plain YAML would misread it (the import writer's
//! emitter, [`crate::import::yaml`]).
//!
//! What "the same model" means. The round trip `load → to_yaml → load` keeps every field of
//! the model except where things sit in the file:
//!
//! - `Scenario::source` (the file name and the YAML positions) is not compared;
//! - the `path` of a network ACL rule is its place in the written list, and the rules are
//!   written in rule-number order, the order AWS evaluates them in (the model keeps them
//!   sorted): a file that lists them in another order gets other paths for them.
//!
//! Everything else is equal, every other field path included (`tests/it/properties.rs` compares
//! the `Debug` form of the two models with `source` cleared and ACL rule paths aside). And
//! the form is a fixed point: writing the reloaded model gives the same text, which loads to
//! a model equal to it field paths and all.
//!
//! `enableDnsSupport` and `enableDnsHostnames` are written when they differ from the AWS
//! default or when the loaded file wrote them: EKS006 says whether a `false` is "the AWS
//! default", so whether the file wrote it is part of what the scenario means (the one thing
//! read from `source`). Left implicit where the model says the default applied:
//! `cluster.endpoint` (derived from the name), `publicAccessCidrs` (the EKS default
//! `0.0.0.0/0`), `publicEndpointIps` (placeholders), a node group's `securityGroups` (the
//! cluster security group), a security group's `egress` (allow all), and a VPC's
//! `dhcpOptions` when it is only `AmazonProvidedDNS`.
//!
//! Not in the model, so not written: comments, rule `description`s and VPC endpoint `id`s.
//! The implicit clients of node groups are not written either: the node groups make them
//! again when the text is loaded.

use crate::import::yaml::{self, MapBuilder, Value};

use super::model::*;

/// The scenario as YAML text that loads back to the same model (see the module comment).
pub fn to_yaml(scenario: &Scenario) -> String {
    Writer { scenario }.document()
}

struct Writer<'s> {
    scenario: &'s Scenario,
}

/// A list of mappings, one item each.
fn list(items: Vec<Value>) -> Value {
    Value::List(
        items
            .into_iter()
            .map(|v| yaml::item(v, Vec::new()))
            .collect(),
    )
}

/// `proxy` and `proxyPort` as written (SPEC 10.1).
fn push_proxy(map: &mut MapBuilder, proxy: &ProxyRef) {
    map.push("proxy", yaml::text(&proxy.written));
    if proxy.port_written {
        map.push("proxyPort", yaml::number(u64::from(proxy.port)));
    }
}

fn texts<T: ToString>(items: &[T]) -> Value {
    yaml::flow(items.iter().map(ToString::to_string))
}

impl Writer<'_> {
    fn document(&self) -> String {
        let scenario = self.scenario;
        let mut root = MapBuilder::new();
        root.push("version", yaml::number(1));
        root.push("name", yaml::text(&scenario.name));
        if let Some(description) = &scenario.description {
            root.push("description", yaml::text(description));
        }
        if scenario.dns_transport_written {
            root.push("dnsTransport", yaml::text(scenario.dns_transport.as_str()));
        }
        if let Some(imported) = &scenario.imported {
            let mut map = MapBuilder::new();
            map.push("from", yaml::text(&imported.from));
            if !imported.missing.is_empty() {
                map.push(
                    "missing",
                    Value::List(
                        imported
                            .missing
                            .iter()
                            .map(|m| yaml::item(yaml::text(m), Vec::new()))
                            .collect(),
                    ),
                );
            }
            root.push("imported", map.build());
        }
        root.push("cluster", self.cluster());
        root.push("vpcs", list(self.vpcs()));
        if !scenario.connections.is_empty() {
            let connections = scenario
                .connections
                .iter()
                .map(|c| self.connection(c))
                .collect();
            root.push("connections", list(connections));
        }
        if !scenario.networks.is_empty() {
            let networks = scenario.networks.iter().map(|n| self.network(n)).collect();
            root.push("networks", list(networks));
        }
        if !scenario.dns_servers.is_empty() {
            let servers = scenario
                .dns_servers
                .iter()
                .map(|s| self.dns_server(s))
                .collect();
            root.push("dnsServers", list(servers));
        }
        let clients: Vec<Value> = scenario
            .clients
            .iter()
            .filter(|client| client.node_group.is_none())
            .map(|client| self.client(client))
            .collect();
        if !clients.is_empty() {
            root.push("clients", list(clients));
        }
        if !scenario.node_groups.is_empty() {
            let groups = scenario
                .node_groups
                .iter()
                .map(|g| self.node_group(g))
                .collect();
            root.push("nodeGroups", list(groups));
        }
        if !scenario.ignores.is_empty() {
            let ignores = scenario
                .ignores
                .iter()
                .map(|ignore| {
                    MapBuilder::new()
                        .set("code", yaml::text(&ignore.code))
                        .set("reason", yaml::text(&ignore.reason))
                        .build()
                })
                .collect();
            root.push("ignore", list(ignores));
        }
        yaml::render(&root.build())
    }

    // ---- names of referenced elements -------------------------------------------------

    fn vpc_id(&self, ix: VpcIx) -> &str {
        self.scenario.vpc(ix).map_or("", |vpc| vpc.id.as_str())
    }

    fn subnet_id(&self, ix: SubnetIx) -> &str {
        self.scenario.subnet(ix).map_or("", |s| s.id.as_str())
    }

    fn sg_ids(&self, groups: &[SgIx]) -> Value {
        yaml::flow(groups.iter().map(|sg| {
            self.scenario
                .security_group(*sg)
                .map_or("", |g| g.id.as_str())
        }))
    }

    fn connection_id(&self, ix: ConnIx) -> &str {
        self.scenario.connection(ix).map_or("", |c| c.id.as_str())
    }

    fn network_id(&self, ix: NetworkIx) -> &str {
        self.scenario.network(ix).map_or("", |n| n.id.as_str())
    }

    // ---- the cluster ------------------------------------------------------------------

    fn cluster(&self) -> Value {
        let cluster = &self.scenario.cluster;
        let mut map = MapBuilder::new();
        map.push("name", yaml::text(&cluster.name));
        map.push("region", yaml::text(&cluster.region));
        if !cluster.endpoint_derived {
            map.push("endpoint", yaml::text(&domain_text(&cluster.endpoint)));
        }
        if cluster.ip_family != Family::Ipv4 {
            map.push("ipFamily", yaml::text(cluster.ip_family.as_str()));
        }
        map.push("endpointAccess", yaml::text(cluster.access.as_str()));
        if !cluster.public_access_cidrs_default {
            map.push("publicAccessCidrs", texts(&cluster.public_access_cidrs));
        }
        if !cluster.public_endpoint_ips_placeholder {
            let mut ips: Vec<String> = cluster
                .public_endpoint_ips
                .iter()
                .map(|ip| ip.to_string())
                .collect();
            if !cluster.public_endpoint_ipv6_placeholder {
                ips.extend(cluster.public_endpoint_ipv6.iter().map(|ip| ip.to_string()));
            }
            map.push("publicEndpointIps", texts(&ips));
        }
        map.push("vpc", yaml::text(self.vpc_id(cluster.vpc)));
        if !cluster.security_groups.is_empty() {
            map.push("securityGroups", self.sg_ids(&cluster.security_groups));
        }
        if !cluster.enis.is_empty() {
            let enis = cluster
                .enis
                .iter()
                .map(|eni| {
                    let mut eni_map = MapBuilder::new()
                        .set("subnet", yaml::text(self.subnet_id(eni.subnet)))
                        .set("ip", yaml::text(&eni.ip.to_string()));
                    // A derived IPv6 address is derived again when the file is read.
                    if let (Some(ipv6), false) = (eni.ipv6, eni.ipv6_placeholder) {
                        eni_map.push("ipv6", yaml::text(&ipv6.to_string()));
                    }
                    eni_map.build()
                })
                .collect();
            map.push("enis", list(enis));
        }
        let hybrid = &cluster.hybrid;
        if let Some(block) = hybrid.service_ipv4_cidr {
            map.push("serviceIpv4Cidr", yaml::text(&block.to_string()));
        }
        if let Some(remote) = &hybrid.remote {
            let mut remote_map = MapBuilder::new();
            remote_map.push("remoteNodeNetworks", texts(&remote.node_networks));
            if !remote.pod_networks.is_empty() {
                remote_map.push("remotePodNetworks", texts(&remote.pod_networks));
            }
            map.push("remoteNetworkConfig", remote_map.build());
        }
        map.build()
    }

    // ---- VPCs -------------------------------------------------------------------------

    fn vpcs(&self) -> Vec<Value> {
        (0..self.scenario.vpcs.len())
            .filter_map(|v| self.vpc(VpcIx(v)))
            .collect()
    }

    fn vpc(&self, ix: VpcIx) -> Option<Value> {
        let scenario = self.scenario;
        let vpc = scenario.vpc(ix)?;
        let mut map = MapBuilder::new();
        map.push("id", yaml::text(&vpc.id));
        map.push("cidrs", texts(&vpc.cidrs));
        if !vpc.ipv6_cidrs.is_empty() {
            map.push("ipv6Cidrs", texts(&vpc.ipv6_cidrs));
        }
        // A DNS flag is written when it differs from the AWS default or when the file wrote
        // it: EKS006 says whether a `false` is "the AWS default" or was written so.
        for (flag, value, default) in [
            ("enableDnsSupport", vpc.enable_dns_support, true),
            ("enableDnsHostnames", vpc.enable_dns_hostnames, false),
        ] {
            let written = scenario.source.spans.has(&format!("{}.{flag}", vpc.path));
            if value != default || written {
                map.push(flag, yaml::boolean(value));
            }
        }
        if vpc.dns_servers != [DhcpDnsServer::AmazonProvidedDns] {
            let servers = vpc.dns_servers.iter().map(|server| match server {
                DhcpDnsServer::AmazonProvidedDns => "AmazonProvidedDNS".to_owned(),
                DhcpDnsServer::Ip(ip) => ip.to_string(),
            });
            map.push(
                "dhcpOptions",
                MapBuilder::new()
                    .set("domainNameServers", yaml::flow(servers))
                    .build(),
            );
        }
        if let Some(igw) = &vpc.internet_gateway {
            map.push("internetGateway", yaml::text(igw));
        }
        if let Some(eigw) = &vpc.egress_only_internet_gateway {
            map.push("egressOnlyInternetGateway", yaml::text(eigw));
        }
        let subnets: Vec<Value> = vpc
            .subnets
            .iter()
            .filter_map(|s| scenario.subnet(*s))
            .map(|s| self.subnet(s))
            .collect();
        if !subnets.is_empty() {
            map.push("subnets", list(subnets));
        }
        let nats: Vec<Value> = scenario
            .nat_gateways
            .iter()
            .filter(|nat| scenario.subnet(nat.subnet).is_some_and(|s| s.vpc == ix))
            .map(|nat| {
                let mut nat_map = MapBuilder::new();
                nat_map.push("id", yaml::text(&nat.id));
                nat_map.push("subnet", yaml::text(self.subnet_id(nat.subnet)));
                if let Some(ip) = nat.public_ip {
                    nat_map.push("publicIp", yaml::text(&ip.to_string()));
                }
                nat_map.build()
            })
            .collect();
        if !nats.is_empty() {
            map.push("natGateways", list(nats));
        }
        let tables: Vec<Value> = scenario
            .route_tables
            .iter()
            .filter(|table| table.vpc == ix)
            .map(|table| self.route_table(table))
            .collect();
        if !tables.is_empty() {
            map.push("routeTables", list(tables));
        }
        let groups: Vec<Value> = scenario
            .security_groups
            .iter()
            .filter(|group| group.vpc == ix)
            .map(|group| self.security_group(group))
            .collect();
        if !groups.is_empty() {
            map.push("securityGroups", list(groups));
        }
        let acls: Vec<Value> = scenario
            .network_acls
            .iter()
            .filter(|acl| acl.vpc == ix)
            .map(|acl| {
                MapBuilder::new()
                    .set("id", yaml::text(&acl.id))
                    .set("inbound", list(acl.inbound.iter().map(acl_rule).collect()))
                    .set(
                        "outbound",
                        list(acl.outbound.iter().map(acl_rule).collect()),
                    )
                    .build()
            })
            .collect();
        if !acls.is_empty() {
            map.push("networkAcls", list(acls));
        }
        if !vpc.inbound_endpoints.is_empty()
            || !vpc.forward_rules.is_empty()
            || !vpc.outbound_endpoints.is_empty()
        {
            map.push("resolver", self.resolver(vpc));
        }
        let endpoints: Vec<Value> = scenario
            .vpc_endpoints
            .iter()
            .filter(|endpoint| endpoint.vpc == ix)
            .map(|endpoint| self.vpc_endpoint(endpoint))
            .collect();
        if !endpoints.is_empty() {
            map.push("vpcEndpoints", list(endpoints));
        }
        Some(map.build())
    }

    fn subnet(&self, subnet: &Subnet) -> Value {
        let scenario = self.scenario;
        let mut map = MapBuilder::new();
        map.push("id", yaml::text(&subnet.id));
        map.push("cidr", yaml::text(&subnet.cidr.to_string()));
        if let Some(block) = subnet.ipv6_cidr {
            map.push("ipv6Cidr", yaml::text(&block.to_string()));
        }
        if let Some(az) = &subnet.az {
            map.push("az", yaml::text(az));
        }
        if let Some(table) = subnet.route_table.and_then(|rt| scenario.route_table(rt)) {
            map.push("routeTable", yaml::text(&table.id));
        }
        if let Some(acl) = subnet.network_acl.and_then(|acl| scenario.network_acl(acl)) {
            map.push("networkAcl", yaml::text(&acl.id));
        }
        map.build()
    }

    fn route_table(&self, table: &RouteTable) -> Value {
        let routes = table
            .routes
            .iter()
            .map(|route| {
                MapBuilder::new()
                    .set("destination", yaml::text(&route.destination.to_string()))
                    .set(
                        "target",
                        yaml::text(&self.route_target(table, route.target)),
                    )
                    .build()
            })
            .collect();
        MapBuilder::new()
            .set("id", yaml::text(&table.id))
            .set("routes", list(routes))
            .build()
    }

    fn route_target(&self, table: &RouteTable, target: RouteTarget) -> String {
        let scenario = self.scenario;
        match target {
            RouteTarget::Local => "local".to_owned(),
            RouteTarget::InternetGateway => scenario
                .vpc(table.vpc)
                .and_then(|vpc| vpc.internet_gateway.clone())
                .unwrap_or_default(),
            RouteTarget::EgressOnlyInternetGateway => scenario
                .vpc(table.vpc)
                .and_then(|vpc| vpc.egress_only_internet_gateway.clone())
                .unwrap_or_default(),
            RouteTarget::Nat(nat) => scenario
                .nat_gateway(nat)
                .map(|nat| nat.id.clone())
                .unwrap_or_default(),
            RouteTarget::Connection(conn) => self.connection_id(conn).to_owned(),
        }
    }

    fn security_group(&self, group: &SecurityGroup) -> Value {
        let mut map = MapBuilder::new();
        map.push("id", yaml::text(&group.id));
        if !group.ingress.is_empty() {
            let rules = group
                .ingress
                .iter()
                .map(|rule| self.sg_rule(rule, "sourceSecurityGroup"))
                .collect();
            map.push("ingress", list(rules));
        }
        if let Some(egress) = &group.egress {
            let rules = egress
                .iter()
                .map(|rule| self.sg_rule(rule, "destinationSecurityGroup"))
                .collect();
            map.push("egress", list(rules));
        }
        map.build()
    }

    fn sg_rule(&self, rule: &SgRule, group_field: &str) -> Value {
        let mut map = MapBuilder::new();
        push_protocol(&mut map, rule.protocol, rule.ports);
        match rule.peer {
            SgPeer::Cidr(cidr) => map.push("cidr", yaml::text(&cidr.to_string())),
            SgPeer::Group(group) => {
                let id = self
                    .scenario
                    .security_group(group)
                    .map_or("", |g| g.id.as_str());
                map.push(group_field, yaml::text(id));
            }
        }
        map.build()
    }

    fn vpc_endpoint(&self, endpoint: &VpcEndpoint) -> Value {
        let scenario = self.scenario;
        let mut map = MapBuilder::new();
        map.push("service", yaml::text(&endpoint.service));
        let kind = match endpoint.kind {
            VpcEndpointKind::Interface => "interface",
            VpcEndpointKind::Gateway => "gateway",
        };
        map.push("type", yaml::text(kind));
        map.push("privateDns", yaml::boolean(endpoint.private_dns));
        if !endpoint.subnets.is_empty() {
            map.push(
                "subnets",
                yaml::flow(endpoint.subnets.iter().map(|s| self.subnet_id(*s))),
            );
        }
        if !endpoint.route_tables.is_empty() {
            let ids = endpoint
                .route_tables
                .iter()
                .map(|rt| scenario.route_table(*rt).map_or("", |t| t.id.as_str()));
            map.push("routeTables", yaml::flow(ids));
        }
        map.build()
    }

    // ---- everything outside the VPCs ----------------------------------------------------

    fn connection(&self, connection: &Connection) -> Value {
        let mut map = MapBuilder::new();
        map.push("id", yaml::text(&connection.id));
        match &connection.kind {
            ConnectionKind::Peering { vpcs } => {
                map.push("type", yaml::text("peering"));
                map.push("vpcs", yaml::flow(vpcs.iter().map(|v| self.vpc_id(*v))));
            }
            ConnectionKind::TransitGateway {
                attachments,
                routes,
            } => {
                map.push("type", yaml::text("transit-gateway"));
                map.push("attachments", self.tgw_attachments(attachments));
                if !routes.is_empty() {
                    let routes = routes
                        .iter()
                        .map(|route| {
                            MapBuilder::new()
                                .set("destination", yaml::text(&route.destination.to_string()))
                                .set("target", yaml::text(self.place_id(route.target)))
                                .build()
                        })
                        .collect();
                    map.push("routes", list(routes));
                }
            }
            ConnectionKind::Vpn { vpc, network }
            | ConnectionKind::DirectConnect { vpc, network } => {
                let kind = match connection.kind {
                    ConnectionKind::Vpn { .. } => "vpn",
                    _ => "direct-connect",
                };
                map.push("type", yaml::text(kind));
                map.push("vpc", yaml::text(self.vpc_id(*vpc)));
                map.push("network", yaml::text(self.network_id(*network)));
            }
        }
        map.build()
    }

    /// Bare IDs on one line, as before; a list with `{vpc, subnets}` items once any VPC
    /// attachment names its subnets.
    fn tgw_attachments(&self, attachments: &[TgwAttachment]) -> Value {
        if attachments.iter().all(|a| a.subnets.is_empty()) {
            return yaml::flow(attachments.iter().map(|a| self.place_id(a.place)));
        }
        let items = attachments
            .iter()
            .map(|attachment| {
                let value = match attachment.place {
                    Attachment::Vpc(vpc) if !attachment.subnets.is_empty() => MapBuilder::new()
                        .set("vpc", yaml::text(self.vpc_id(vpc)))
                        .set(
                            "subnets",
                            yaml::flow(attachment.subnets.iter().map(|s| self.subnet_id(*s))),
                        )
                        .build(),
                    place => yaml::text(self.place_id(place)),
                };
                yaml::item(value, Vec::new())
            })
            .collect();
        Value::List(items)
    }

    fn place_id(&self, place: Attachment) -> &str {
        match place {
            Attachment::Vpc(vpc) => self.vpc_id(vpc),
            Attachment::Network(network) => self.network_id(network),
        }
    }

    fn network(&self, network: &Network) -> Value {
        let mut map = MapBuilder::new();
        map.push("id", yaml::text(&network.id));
        map.push("cidrs", texts(&network.cidrs));
        if !network.ipv6_cidrs.is_empty() {
            map.push("ipv6Cidrs", texts(&network.ipv6_cidrs));
        }
        if let Some(ip) = network.internet_egress_ip {
            map.push("internetEgressIp", yaml::text(&ip.to_string()));
        }
        if network.ipv6_internet {
            map.push("ipv6Internet", yaml::boolean(true));
        }
        if !network.routes.is_empty() {
            let routes = network
                .routes
                .iter()
                .map(|route| {
                    MapBuilder::new()
                        .set("destination", yaml::text(&route.destination.to_string()))
                        .set("target", yaml::text(self.connection_id(route.target)))
                        .build()
                })
                .collect();
            map.push("routes", list(routes));
        }
        if !network.dns_servers.is_empty() {
            map.push("dnsServers", texts(&network.dns_servers));
        }
        map.build()
    }

    fn dns_server(&self, server: &DnsServer) -> Value {
        let mut map = MapBuilder::new();
        map.push("ip", yaml::text(&server.ip.to_string()));
        if !server.forwarders.is_empty() {
            let forwarders = server
                .forwarders
                .iter()
                .map(|forwarder| {
                    let to = forwarder.to.iter().map(|target| match target {
                        ForwardTarget::AmazonProvidedDns => "AmazonProvidedDNS".to_owned(),
                        ForwardTarget::Ip(ip) => ip.to_string(),
                    });
                    MapBuilder::new()
                        .set("domain", yaml::text(&domain_text(&forwarder.domain)))
                        .set("to", yaml::flow(to))
                        .build()
                })
                .collect();
            map.push("forward", list(forwarders));
        }
        if server.security_groups_written {
            map.push("securityGroups", self.sg_ids(&server.security_groups));
        }
        map.build()
    }

    fn client(&self, client: &Client) -> Value {
        let mut map = MapBuilder::new();
        map.push("name", yaml::text(&client.name));
        let from = match client.location {
            ClientLocation::Subnet(subnet) => self.subnet_id(subnet),
            ClientLocation::Network(network) => self.network_id(network),
            ClientLocation::Internet => "internet",
        };
        map.push("from", yaml::text(from));
        map.push("ip", yaml::text(&client.ip.to_string()));
        if let Some(ipv6) = client.ipv6 {
            map.push("ipv6", yaml::text(&ipv6.to_string()));
        }
        if let Some(ip) = client.public_ip {
            map.push("publicIp", yaml::text(&ip.to_string()));
        }
        if !client.security_groups.is_empty() {
            map.push("securityGroups", self.sg_ids(&client.security_groups));
        }
        if let Some(proxy) = &client.proxy {
            push_proxy(&mut map, proxy);
        }
        if let Some(expect) = client.expect {
            let mut expect_map = MapBuilder::new();
            if let Some(answer) = expect.answer {
                expect_map.push("answer", yaml::text(answer.as_str()));
            }
            if let Some(reachable) = expect.reachable {
                expect_map.push("reachable", yaml::boolean(reachable));
            }
            if let Some(family) = expect.family {
                expect_map.push("family", yaml::text(family.as_str()));
            }
            map.push("expect", expect_map.build());
        }
        map.build()
    }

    fn node_group(&self, group: &NodeGroup) -> Value {
        let mut map = MapBuilder::new();
        map.push("name", yaml::text(&group.name));
        if let Some(network) = group.network.and_then(|ix| self.scenario.network(ix)) {
            map.push("network", yaml::text(&network.id));
            if group.ips_written {
                map.push("ips", texts(&group.ips));
            }
            let proxy = group
                .clients
                .first()
                .and_then(|ix| self.scenario.client(*ix))
                .and_then(|client| client.proxy.as_ref());
            if let Some(proxy) = proxy {
                push_proxy(&mut map, proxy);
            }
            return map.build();
        }
        map.push(
            "subnets",
            yaml::flow(group.subnets.iter().map(|s| self.subnet_id(*s))),
        );
        if !group.default_security_groups {
            map.push("securityGroups", self.sg_ids(&group.security_groups));
        }
        if let Some(ip) = group.public_ip {
            map.push("publicIp", yaml::text(&ip.to_string()));
        }
        map.build()
    }
}

impl Writer<'_> {
    fn resolver(&self, vpc: &Vpc) -> Value {
        let mut map = MapBuilder::new();
        if !vpc.inbound_endpoints.is_empty() {
            let endpoints = vpc
                .inbound_endpoints
                .iter()
                .map(|endpoint| self.resolver_endpoint(endpoint))
                .collect();
            map.push("inboundEndpoints", list(endpoints));
        }
        if !vpc.forward_rules.is_empty() {
            let rules = vpc
                .forward_rules
                .iter()
                .map(|rule| {
                    let mut rule_map = MapBuilder::new();
                    if let Some(id) = &rule.id {
                        rule_map.push("id", yaml::text(id));
                    }
                    rule_map.push("domain", yaml::text(&domain_text(&rule.domain)));
                    rule_map.push("targetIps", texts(&rule.target_ips));
                    if let Some(endpoint) = &rule.outbound_endpoint_written {
                        rule_map.push("outboundEndpoint", yaml::text(endpoint));
                    }
                    rule_map.build()
                })
                .collect();
            map.push("forwardRules", list(rules));
        }
        if !vpc.outbound_endpoints.is_empty() {
            let endpoints = vpc
                .outbound_endpoints
                .iter()
                .map(|endpoint| self.resolver_endpoint(endpoint))
                .collect();
            map.push("outboundEndpoints", list(endpoints));
        }
        map.build()
    }

    /// An endpoint as written: each of `ips` a string or a mapping, as it was (a list may
    /// mix the two, SPEC 8.1).
    fn resolver_endpoint(&self, endpoint: &ResolverEndpoint) -> Value {
        let mut map = MapBuilder::new();
        map.push("id", yaml::text(&endpoint.id));
        if endpoint
            .interfaces
            .iter()
            .any(|interface| interface.mapping)
        {
            let ips = endpoint
                .interfaces
                .iter()
                .map(|interface| {
                    if !interface.mapping {
                        return yaml::text(&interface.ip.to_string());
                    }
                    let mut ip = MapBuilder::new();
                    if interface.subnet_written
                        && let Some(subnet) = interface.subnet
                    {
                        ip.push("subnet", yaml::text(self.subnet_id(subnet)));
                    }
                    ip.push("ip", yaml::text(&interface.ip.to_string()));
                    if let Some(ipv6) = interface.ipv6 {
                        ip.push("ipv6", yaml::text(&ipv6.to_string()));
                    }
                    ip.build()
                })
                .collect();
            map.push("ips", list(ips));
        } else {
            map.push("ips", texts(&endpoint.ips));
        }
        if endpoint.security_groups_written {
            map.push("securityGroups", self.sg_ids(&endpoint.security_groups));
        }
        map.build()
    }
}

fn acl_rule(rule: &AclRule) -> Value {
    let mut map = MapBuilder::new();
    map.push("rule", yaml::number(rule.number));
    push_protocol(&mut map, rule.protocol, rule.ports);
    map.push("cidr", yaml::text(&rule.cidr.to_string()));
    map.push(
        "action",
        yaml::text(if rule.allow { "allow" } else { "deny" }),
    );
    map.build()
}

/// `protocol`, and `ports` where the protocol has them (AWS ignores ports for `all` and
/// `icmp`, and the model keeps 0-65535 for them).
fn push_protocol(map: &mut MapBuilder, protocol: Protocol, ports: PortRange) {
    map.push("protocol", yaml::text(&protocol.to_string()));
    if protocol.has_ports() {
        let value = if ports.from == ports.to {
            yaml::number(ports.from)
        } else {
            yaml::text(&ports.to_string())
        };
        map.push("ports", value);
    }
}
