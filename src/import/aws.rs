//! AWS CLI output: a directory of JSON files from read-only calls (`aws eks describe-cluster`,
//! `aws ec2 describe-subnets`, ...), or one such file. Each file is recognised by its
//! content — top-level keys such as `cluster`, `Vpcs`, `Subnets`, `RouteTables`,
//! `EnableDnsHostnames` — not by its name, so files collected by hand in any way work.
//! `scripts/collect-aws.sh` collects exactly the files this reader understands.
//!
//! In a directory, a file that is not valid JSON or not a recognised response is skipped and
//! listed in the scenario (a partial source makes a partial scenario, with EKS019 saying
//! what is missing); a single file that cannot be read is an error.
//!
//! The EKS-owned ENIs are the network interfaces whose description is `Amazon EKS <cluster>`
//! (EKS user guide, network-reqs); when `describe-network-interfaces` is missing they are
//! synthesised like for any source.

use std::path::Path;

use serde_json::Value;

use super::inventory::*;
use super::{Diagnostic, read_text};
use crate::scenario::limits::{MAX_AWS_DIRECTORY_BYTES, MAX_FILE_BYTES};

/// Top-level keys that make a JSON file AWS CLI output when it is nothing else (source
/// recognition, `eksflow import` without a kind): `describe-cluster`, `describe-vpcs`,
/// `describe-subnets`, `describe-route-tables`, and the Route 53 Resolver responses
/// `list-resolver-endpoints`, `get-resolver-endpoint`, `list-resolver-endpoint-ip-addresses`,
/// `list-resolver-rules`, `get-resolver-rule` and `list-resolver-rule-associations`.
pub const RECOGNISED_KEYS: &[&str] = &[
    "cluster",
    "Vpcs",
    "Subnets",
    "RouteTables",
    "ResolverEndpoints",
    "ResolverEndpoint",
    "IpAddresses",
    "ResolverRules",
    "ResolverRule",
    "ResolverRuleAssociations",
];

pub fn read(source: &str) -> Result<Inventory, Diagnostic> {
    let path = Path::new(source);
    if !path.is_dir() {
        return read_str(source, &read_text(source)?);
    }
    let mut inventory = Inventory {
        source: format!("AWS CLI output ({source})"),
        ..Inventory::default()
    };
    let mut reader = Reader::default();
    let mut files: Vec<_> = std::fs::read_dir(path)
        .map_err(|error| Diagnostic::import(source, "", format!("cannot read directory: {error}")))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Diagnostic::import(
            source,
            "",
            "no .json files: collect them with scripts/collect-aws.sh",
        ));
    }
    let mut total: u64 = 0;
    for file in files {
        let name = file.to_string_lossy().into_owned();
        let text = read_text(&name)?;
        total = total.saturating_add(text.len() as u64);
        if total > MAX_AWS_DIRECTORY_BYTES {
            return Err(Diagnostic::import(
                &name,
                "",
                format!(
                    "the directory's JSON files add up to more than {} MiB, the most eksflow reads from one AWS CLI output directory (each file is at most {} MiB); collect one cluster's VPCs only",
                    MAX_AWS_DIRECTORY_BYTES / 1024 / 1024,
                    MAX_FILE_BYTES / 1024 / 1024
                ),
            ));
        }
        match serde_json::from_str::<Value>(&text) {
            Ok(json) => {
                if !reader.read(&name, &json, &mut inventory) {
                    inventory
                        .unsupported
                        .push(format!("{name}: not a response eksflow reads"));
                }
            }
            Err(error) => inventory.missing.push(format!(
                "{name}: not valid JSON (line {} column {}: {error}); skipped",
                error.line(),
                error.column()
            )),
        }
    }
    reader.finish(&mut inventory);
    Ok(inventory)
}

/// Reads one AWS CLI response (or several, as top-level keys of one JSON object) already in
/// memory; `source` names it in messages.
pub fn read_str(source: &str, text: &str) -> Result<Inventory, Diagnostic> {
    let mut inventory = Inventory {
        source: format!("AWS CLI output ({source})"),
        ..Inventory::default()
    };
    let mut reader = Reader::default();
    let json: Value = serde_json::from_str(text).map_err(|error| {
        Diagnostic::import(
            source,
            format!("line {} column {}", error.line(), error.column()),
            format!("not JSON: {error}"),
        )
    })?;
    if !reader.read(source, &json, &mut inventory) {
        return Err(Diagnostic::import(
            source,
            "",
            "not AWS CLI output eksflow reads (expected a response such as `{\"cluster\": …}` or `{\"Subnets\": […]}`)",
        ));
    }
    reader.finish(&mut inventory);
    Ok(inventory)
}

/// Responses that only make sense together (attributes, IP addresses, associations) wait here
/// until every file has been read.
#[derive(Debug, Default)]
struct Reader {
    /// (VPC, attribute, value) from `describe-vpc-attribute`.
    vpc_attributes: Vec<(String, &'static str, bool)>,
    /// DHCP option sets by ID, and which VPC uses which set.
    vpc_dhcp: Vec<(String, String)>,
    /// `list-resolver-endpoint-ip-addresses`: the file's name and its addresses; the
    /// response does not say whose they are.
    endpoint_ips: Vec<(String, Vec<EndpointAddressDef>)>,
    /// `list-resolver-rule-associations`: (rule, VPC).
    rule_associations: Vec<(String, String)>,
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Every `cidrs` entry of `remoteNetworkConfig.<key>[*]` of a describe-cluster response.
fn remote_blocks(cluster: &Value, key: &str) -> Vec<String> {
    cluster
        .get("remoteNetworkConfig")
        .and_then(|config| config.get(key))
        .and_then(Value::as_array)
        .map(|networks| networks.iter().flat_map(|n| texts(n, "cidrs")).collect())
        .unwrap_or_default()
}

fn texts(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn integer(value: &Value, key: &str) -> Option<i64> {
    value.get(key).and_then(Value::as_i64)
}

impl Reader {
    /// Reads one response into the inventory; false when the shape is not recognised.
    fn read(&mut self, file: &str, json: &Value, inventory: &mut Inventory) -> bool {
        let base = Path::new(file)
            .file_name()
            .map_or(file.to_owned(), |name| name.to_string_lossy().into_owned());
        let origin = |what: &str| format!("{what} ({base})");
        let mut recognised = false;
        if let Some(cluster) = json.get("cluster").filter(|c| c.is_object()) {
            recognised = true;
            self.cluster(cluster, &origin("eks describe-cluster"), inventory);
        }
        if let Some(group) = json.get("nodegroup").filter(|c| c.is_object()) {
            recognised = true;
            inventory.node_groups.push(NodeGroupDef {
                name: text(group, "nodegroupName").unwrap_or_default(),
                origin: origin("eks describe-nodegroup"),
                cluster: text(group, "clusterName"),
                subnets: texts(group, "subnets"),
                security_groups: None,
            });
        }
        for vpc in list(json, "Vpcs") {
            recognised = true;
            let mut cidrs: Vec<String> = text(vpc, "CidrBlock").into_iter().collect();
            for association in list(vpc, "CidrBlockAssociationSet") {
                let state = association
                    .pointer("/CidrBlockState/State")
                    .and_then(Value::as_str);
                if let Some(cidr) = text(association, "CidrBlock")
                    && !cidrs.contains(&cidr)
                    && state.is_none_or(|s| s == "associated")
                {
                    cidrs.push(cidr);
                }
            }
            let ipv6_cidrs = ipv6_blocks(vpc);
            let id = text(vpc, "VpcId").unwrap_or_default();
            if let Some(options) = text(vpc, "DhcpOptionsId") {
                self.vpc_dhcp.push((id.clone(), options));
            }
            // The same VPC in two responses (two collections, a query and a full call) is
            // one VPC.
            if let Some(known) = inventory.vpcs.iter_mut().find(|v| v.id == id) {
                for cidr in cidrs {
                    if !known.cidrs.contains(&cidr) {
                        known.cidrs.push(cidr);
                    }
                }
                for block in ipv6_cidrs {
                    if !known.ipv6_cidrs.contains(&block) {
                        known.ipv6_cidrs.push(block);
                    }
                }
                continue;
            }
            inventory.vpcs.push(VpcDef {
                id,
                origin: origin("ec2 describe-vpcs"),
                cidrs,
                ipv6_cidrs,
                ..VpcDef::default()
            });
        }
        if let Some(vpc) = text(json, "VpcId") {
            for (key, attribute) in [
                ("EnableDnsSupport", "support"),
                ("EnableDnsHostnames", "hostnames"),
            ] {
                if let Some(value) = json
                    .pointer(&format!("/{key}/Value"))
                    .and_then(Value::as_bool)
                {
                    recognised = true;
                    self.vpc_attributes.push((vpc.clone(), attribute, value));
                }
            }
        }
        for options in list(json, "DhcpOptions") {
            recognised = true;
            let mut servers = Vec::new();
            for configuration in list(options, "DhcpConfigurations") {
                if text(configuration, "Key").as_deref() == Some("domain-name-servers") {
                    servers.extend(
                        list(configuration, "Values")
                            .iter()
                            .filter_map(|v| text(v, "Value")),
                    );
                }
            }
            inventory.dhcp_options.push(DhcpOptionsDef {
                id: text(options, "DhcpOptionsId").unwrap_or_default(),
                origin: origin("ec2 describe-dhcp-options"),
                domain_name_servers: servers,
                vpcs: Vec::new(),
            });
        }
        for subnet in list(json, "Subnets") {
            recognised = true;
            inventory.subnets.push(SubnetDef {
                id: text(subnet, "SubnetId").unwrap_or_default(),
                origin: origin("ec2 describe-subnets"),
                vpc: text(subnet, "VpcId"),
                cidr: text(subnet, "CidrBlock"),
                ipv6: ipv6_blocks(subnet)
                    .into_iter()
                    .next()
                    .map_or(Ipv6Block::None, Ipv6Block::Known),
                az: text(subnet, "AvailabilityZone"),
                map_public_ip_on_launch: subnet.get("MapPublicIpOnLaunch").and_then(Value::as_bool),
            });
        }
        for table in list(json, "RouteTables") {
            recognised = true;
            self.route_table(table, &origin("ec2 describe-route-tables"), inventory);
        }
        // `describe-egress-only-internet-gateways`: `EgressOnlyInternetGateways[]`, each
        // with `Attachments[].VpcId` (AWS CLI reference).
        for gateway in list(json, "EgressOnlyInternetGateways") {
            recognised = true;
            let vpc = list(gateway, "Attachments")
                .iter()
                .find_map(|a| text(a, "VpcId"));
            inventory.egress_only_internet_gateways.push(GatewayDef {
                id: text(gateway, "EgressOnlyInternetGatewayId").unwrap_or_default(),
                origin: origin("ec2 describe-egress-only-internet-gateways"),
                vpc,
            });
        }
        for gateway in list(json, "InternetGateways") {
            recognised = true;
            let vpc = list(gateway, "Attachments")
                .iter()
                .find_map(|a| text(a, "VpcId"));
            inventory.internet_gateways.push(GatewayDef {
                id: text(gateway, "InternetGatewayId").unwrap_or_default(),
                origin: origin("ec2 describe-internet-gateways"),
                vpc,
            });
        }
        for nat in list(json, "NatGateways") {
            recognised = true;
            if matches!(
                text(nat, "State").as_deref(),
                Some("deleted" | "deleting" | "failed")
            ) {
                continue;
            }
            inventory.nat_gateways.push(NatDef {
                id: text(nat, "NatGatewayId").unwrap_or_default(),
                origin: origin("ec2 describe-nat-gateways"),
                subnet: text(nat, "SubnetId"),
                public_ip: list(nat, "NatGatewayAddresses")
                    .iter()
                    .find_map(|a| text(a, "PublicIp")),
                private: text(nat, "ConnectivityType").as_deref() == Some("private"),
            });
        }
        for group in list(json, "SecurityGroups") {
            recognised = true;
            let id = text(group, "GroupId").unwrap_or_default();
            let rules = |key: &str| list(group, key).iter().map(permission).collect::<Vec<_>>();
            inventory.security_groups.push(SecurityGroupDef {
                id,
                origin: origin("ec2 describe-security-groups"),
                vpc: text(group, "VpcId"),
                ingress: rules("IpPermissions"),
                egress: group
                    .get("IpPermissionsEgress")
                    .map(|_| rules("IpPermissionsEgress")),
            });
        }
        for rule in list(json, "SecurityGroupRules") {
            recognised = true;
            self.group_rule(
                rule,
                &origin("ec2 describe-security-group-rules"),
                inventory,
            );
        }
        for acl in list(json, "NetworkAcls") {
            recognised = true;
            let entries = |egress: bool| {
                list(acl, "Entries")
                    .iter()
                    .filter(|e| e.get("Egress").and_then(Value::as_bool) == Some(egress))
                    .map(|e| AclEntryDef {
                        rule: integer(e, "RuleNumber").unwrap_or(0),
                        protocol: text(e, "Protocol").unwrap_or_else(|| "-1".to_owned()),
                        from_port: e.pointer("/PortRange/From").and_then(Value::as_i64),
                        to_port: e.pointer("/PortRange/To").and_then(Value::as_i64),
                        cidr: text(e, "CidrBlock"),
                        ipv6_cidr: text(e, "Ipv6CidrBlock"),
                        allow: text(e, "RuleAction").as_deref() == Some("allow"),
                    })
                    .collect()
            };
            inventory.network_acls.push(NetworkAclDef {
                id: text(acl, "NetworkAclId").unwrap_or_default(),
                origin: origin("ec2 describe-network-acls"),
                vpc: text(acl, "VpcId"),
                default: acl
                    .get("IsDefault")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                inbound: entries(false),
                outbound: entries(true),
                subnets: list(acl, "Associations")
                    .iter()
                    .filter_map(|a| text(a, "SubnetId"))
                    .collect(),
            });
        }
        for interface in list(json, "NetworkInterfaces") {
            recognised = true;
            let description = text(interface, "Description").unwrap_or_default();
            if let Some(cluster) = description.strip_prefix("Amazon EKS ")
                && let (Some(subnet), Some(ip)) = (
                    text(interface, "SubnetId"),
                    text(interface, "PrivateIpAddress"),
                )
            {
                inventory.enis.push(EniDef {
                    cluster: cluster.trim().to_owned(),
                    subnet,
                    ip,
                    // `Ipv6Addresses[].Ipv6Address` (describe-network-interfaces).
                    ipv6: list(interface, "Ipv6Addresses")
                        .iter()
                        .find_map(|a| text(a, "Ipv6Address")),
                });
            }
        }
        for peering in list(json, "VpcPeeringConnections") {
            recognised = true;
            if matches!(
                peering.pointer("/Status/Code").and_then(Value::as_str),
                Some("deleted" | "rejected" | "failed" | "expired")
            ) {
                continue;
            }
            inventory.peerings.push(PeeringDef {
                id: text(peering, "VpcPeeringConnectionId").unwrap_or_default(),
                origin: origin("ec2 describe-vpc-peering-connections"),
                vpcs: [
                    peering
                        .pointer("/RequesterVpcInfo/VpcId")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    peering
                        .pointer("/AccepterVpcInfo/VpcId")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                ],
            });
        }
        for endpoint in list(json, "VpcEndpoints") {
            recognised = true;
            inventory.vpc_endpoints.push(VpcEndpointDef {
                id: text(endpoint, "VpcEndpointId").unwrap_or_default(),
                origin: origin("ec2 describe-vpc-endpoints"),
                vpc: text(endpoint, "VpcId"),
                service: text(endpoint, "ServiceName").unwrap_or_default(),
                kind: text(endpoint, "VpcEndpointType"),
                private_dns: endpoint.get("PrivateDnsEnabled").and_then(Value::as_bool),
                subnets: texts(endpoint, "SubnetIds"),
                route_tables: texts(endpoint, "RouteTableIds"),
            });
        }
        // `list-resolver-endpoints` (`ResolverEndpoints[]`) and `get-resolver-endpoint`
        // (`ResolverEndpoint`): `Id`, `Direction`, `HostVPCId`, `SecurityGroupIds` (AWS CLI
        // reference, route53resolver). Neither shows the addresses.
        for (endpoint, what) in list(json, "ResolverEndpoints")
            .iter()
            .map(|e| (e, "route53resolver list-resolver-endpoints"))
            .chain(
                json.get("ResolverEndpoint")
                    .filter(|e| e.is_object())
                    .map(|e| (e, "route53resolver get-resolver-endpoint")),
            )
        {
            recognised = true;
            self.resolver_endpoint(endpoint, &origin(what), inventory);
        }
        // `list-resolver-endpoint-ip-addresses`: `IpAddresses[]` with `SubnetId`, `Ip` and
        // `Status`; the response does not name its endpoint (see `finish`).
        if let Some(addresses) = json.get("IpAddresses").and_then(Value::as_array) {
            recognised = true;
            let usable = addresses
                .iter()
                .filter(|a| {
                    // An address being removed, or one that failed, carries no queries.
                    !text(a, "Status").is_some_and(|s| {
                        s.starts_with("FAILED") || s == "DELETING" || s == "DETACHING"
                    })
                })
                .map(|a| EndpointAddressDef {
                    subnet: text(a, "SubnetId"),
                    ip: text(a, "Ip"),
                })
                .collect();
            self.endpoint_ips.push((base.clone(), usable));
        }
        // `list-resolver-rules` (`ResolverRules[]`) and `get-resolver-rule`
        // (`ResolverRule`): `Id`, `DomainName`, `RuleType`, `TargetIps[{Ip, Port}]`,
        // `ResolverEndpointId`.
        for (rule, what) in list(json, "ResolverRules")
            .iter()
            .map(|r| (r, "route53resolver list-resolver-rules"))
            .chain(
                json.get("ResolverRule")
                    .filter(|r| r.is_object())
                    .map(|r| (r, "route53resolver get-resolver-rule")),
            )
        {
            recognised = true;
            let id = text(rule, "Id").unwrap_or_default();
            // The RECURSIVE rule every VPC has ("Internet Resolver") is AWS's own default.
            if inventory.resolver_rules.iter().any(|r| r.id == id)
                || text(rule, "RuleType").as_deref() == Some("RECURSIVE")
            {
                continue;
            }
            inventory.resolver_rules.push(ResolverRuleDef {
                id,
                origin: origin(what),
                domain: domain_name(&text(rule, "DomainName").unwrap_or_default()),
                rule_type: text(rule, "RuleType").unwrap_or_else(|| "FORWARD".to_owned()),
                targets: list(rule, "TargetIps")
                    .iter()
                    .filter_map(|t| {
                        Some(RuleTargetDef {
                            ip: text(t, "Ip")?,
                            port: integer(t, "Port"),
                        })
                    })
                    .collect(),
                endpoint: text(rule, "ResolverEndpointId"),
                vpcs: Vec::new(),
            });
        }
        for association in list(json, "ResolverRuleAssociations") {
            recognised = true;
            if let (Some(rule), Some(vpc)) = (
                text(association, "ResolverRuleId"),
                text(association, "VPCId"),
            ) {
                self.rule_associations.push((rule, vpc));
            }
        }
        recognised
    }

    /// One endpoint of `list-resolver-endpoints` or `get-resolver-endpoint`; the same
    /// endpoint in both is one endpoint.
    fn resolver_endpoint(&mut self, endpoint: &Value, origin: &str, inventory: &mut Inventory) {
        let id = text(endpoint, "Id").unwrap_or_default();
        let groups = endpoint
            .get("SecurityGroupIds")
            .map(|_| texts(endpoint, "SecurityGroupIds"))
            .filter(|groups| !groups.is_empty());
        if let Some(known) = inventory.resolver_endpoints.iter_mut().find(|e| e.id == id) {
            if known.security_groups.is_none() {
                known.security_groups = groups;
            }
            return;
        }
        let vpc = text(endpoint, "HostVPCId");
        let direction = match text(endpoint, "Direction").as_deref() {
            Some("INBOUND") => Direction::Inbound,
            Some("OUTBOUND") => Direction::Outbound,
            other => {
                inventory.note_vpc(
                    vpc.as_deref(),
                    format!(
                        "{id} ({origin}): Direction is {}, not INBOUND or OUTBOUND; the endpoint is left out",
                        other.map_or("missing".to_owned(), |d| format!("`{d}`"))
                    ),
                );
                return;
            }
        };
        inventory.resolver_endpoints.push(ResolverEndpointDef {
            id,
            origin: origin.to_owned(),
            direction,
            vpc,
            addresses: Vec::new(),
            security_groups: groups,
        });
    }

    fn cluster(&mut self, cluster: &Value, origin: &str, inventory: &mut Inventory) {
        let config = cluster.get("resourcesVpcConfig").unwrap_or(&Value::Null);
        let region = text(cluster, "arn").and_then(|arn| arn.split(':').nth(3).map(str::to_owned));
        if inventory.region.is_none() {
            inventory.region = region.clone();
        }
        let name = text(cluster, "name").unwrap_or_else(|| "cluster".to_owned());
        if inventory.clusters.iter().any(|c| c.name == name) {
            return;
        }
        let public = config.get("endpointPublicAccess").and_then(Value::as_bool);
        let private = config.get("endpointPrivateAccess").and_then(Value::as_bool);
        if public.is_none() && private.is_none() {
            inventory.note_cluster(&name, format!("{origin}: no endpoint access flags (an old response); the EKS default, public only, is assumed"));
        }
        inventory.clusters.push(ClusterDef {
            name,
            origin: origin.to_owned(),
            region,
            vpc: text(config, "vpcId"),
            subnets: texts(config, "subnetIds"),
            security_groups: texts(config, "securityGroupIds"),
            cluster_security_group: text(config, "clusterSecurityGroupId"),
            public_access: public,
            private_access: private,
            public_access_cidrs: config
                .get("publicAccessCidrs")
                .map(|_| texts(config, "publicAccessCidrs")),
            endpoint: text(cluster, "endpoint"),
            ip_family: cluster
                .get("kubernetesNetworkConfig")
                .and_then(|c| text(c, "ipFamily")),
            service_ipv4_cidr: cluster
                .get("kubernetesNetworkConfig")
                .and_then(|c| text(c, "serviceIpv4Cidr")),
            // `remoteNetworkConfig` of describe-cluster (EKS API, RemoteNetworkConfigResponse):
            // lists of `{cidrs: [...]}`, flattened.
            remote_node_networks: remote_blocks(cluster, "remoteNodeNetworks"),
            remote_pod_networks: remote_blocks(cluster, "remotePodNetworks"),
        });
    }

    fn route_table(&mut self, table: &Value, origin: &str, inventory: &mut Inventory) {
        let mut routes = Vec::new();
        let vpc = text(table, "VpcId");
        for route in list(table, "Routes") {
            if text(route, "State").as_deref() == Some("blackhole") {
                // A route to a deleted gateway drops its traffic: keep it out, and say so (in
                // the scenarios that hold the table's VPC).
                inventory.note_vpc(
                    vpc.as_deref(),
                    format!(
                        "{}: route {} is a blackhole (its target is gone) and is left out",
                        text(table, "RouteTableId").unwrap_or_default(),
                        text(route, "DestinationCidrBlock").unwrap_or_default()
                    ),
                );
                continue;
            }
            let target = if let Some(gateway) = text(route, "GatewayId") {
                if gateway == "local" {
                    RouteTargetDef::Local
                } else if gateway.starts_with("vgw-") {
                    RouteTargetDef::VpnGateway(gateway)
                } else if gateway.starts_with("igw-") {
                    RouteTargetDef::InternetGateway(gateway)
                } else {
                    RouteTargetDef::Other(gateway)
                }
            } else if let Some(eigw) = text(route, "EgressOnlyInternetGatewayId") {
                RouteTargetDef::EgressOnlyInternetGateway(eigw)
            } else if let Some(nat) = text(route, "NatGatewayId") {
                RouteTargetDef::NatGateway(nat)
            } else if let Some(pcx) = text(route, "VpcPeeringConnectionId") {
                RouteTargetDef::Peering(pcx)
            } else if let Some(tgw) = text(route, "TransitGatewayId") {
                RouteTargetDef::TransitGateway(tgw)
            } else {
                let other = [
                    "NetworkInterfaceId",
                    "InstanceId",
                    "VpcEndpointId",
                    "CarrierGatewayId",
                    "LocalGatewayId",
                ]
                .iter()
                .find_map(|key| text(route, key))
                .unwrap_or_else(|| "an unknown target".to_owned());
                RouteTargetDef::Other(other)
            };
            routes.push(RouteDef {
                destination: text(route, "DestinationCidrBlock")
                    .or_else(|| text(route, "DestinationIpv6CidrBlock")),
                target,
            });
        }
        let associations = list(table, "Associations");
        inventory.route_tables.push(RouteTableDef {
            id: text(table, "RouteTableId").unwrap_or_default(),
            origin: origin.to_owned(),
            vpc,
            routes,
            subnets: associations
                .iter()
                .filter_map(|a| text(a, "SubnetId"))
                .collect(),
            main: associations
                .iter()
                .any(|a| a.get("Main").and_then(Value::as_bool) == Some(true)),
        });
    }

    fn group_rule(&mut self, rule: &Value, origin: &str, inventory: &mut Inventory) {
        let Some(group_id) = text(rule, "GroupId") else {
            return;
        };
        let parsed = SgRuleDef {
            protocol: text(rule, "IpProtocol").unwrap_or_else(|| "-1".to_owned()),
            from_port: integer(rule, "FromPort"),
            to_port: integer(rule, "ToPort"),
            cidrs: text(rule, "CidrIpv4")
                .into_iter()
                .chain(text(rule, "CidrIpv6"))
                .collect(),
            groups: rule
                .pointer("/ReferencedGroupInfo/GroupId")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .into_iter()
                .collect(),
        };
        let egress = rule
            .get("IsEgress")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let index = match inventory
            .security_groups
            .iter()
            .position(|g| g.id == group_id)
        {
            Some(index) => index,
            None => {
                inventory.security_groups.push(SecurityGroupDef {
                    id: group_id,
                    origin: origin.to_owned(),
                    vpc: None,
                    ingress: Vec::new(),
                    egress: None,
                });
                inventory.security_groups.len() - 1
            }
        };
        let Some(group) = inventory.security_groups.get_mut(index) else {
            return;
        };
        let target = if egress {
            group.egress.get_or_insert_with(Vec::new)
        } else {
            &mut group.ingress
        };
        if !target.contains(&parsed) {
            target.push(parsed);
        }
    }

    /// Applies what needed every file: VPC attributes, DHCP associations, endpoint addresses
    /// and rule associations.
    fn finish(self, inventory: &mut Inventory) {
        for (vpc, attribute, value) in &self.vpc_attributes {
            if let Some(def) = inventory.vpcs.iter_mut().find(|v| &v.id == vpc) {
                match *attribute {
                    "support" => def.enable_dns_support = Some(*value),
                    _ => def.enable_dns_hostnames = Some(*value),
                }
            }
        }
        let uncollected: Vec<String> = inventory
            .vpcs
            .iter()
            .filter(|vpc| {
                !self
                    .vpc_attributes
                    .iter()
                    .any(|(v, a, _)| v == &vpc.id && *a == "hostnames")
            })
            .map(|vpc| vpc.id.clone())
            .collect();
        for vpc in uncollected {
            inventory.note_vpc(Some(&vpc), format!(
                "{vpc}: `ec2 describe-vpc-attribute --attribute enableDnsHostnames` not collected; the AWS default (false) is assumed"
            ));
        }
        for (vpc, options) in &self.vpc_dhcp {
            if let Some(def) = inventory.dhcp_options.iter_mut().find(|o| &o.id == options)
                && !def.vpcs.contains(vpc)
            {
                def.vpcs.push(vpc.clone());
            }
        }
        for (file, addresses) in &self.endpoint_ips {
            attach_addresses(file, addresses, inventory);
        }
        for (rule, vpc) in &self.rule_associations {
            if let Some(def) = inventory.resolver_rules.iter_mut().find(|r| &r.id == rule) {
                def.vpcs.push(vpc.clone());
            }
        }
    }
}

/// Gives the addresses of one `list-resolver-endpoint-ip-addresses` response (file `file`)
/// to their endpoint. The response does not name it, so: the endpoint whose ID the file's
/// name holds (`scripts/collect-aws.sh` writes `route53resolver-endpoint-ip-addresses-<id>.json`),
/// else the only endpoint without addresses in the VPC of the addresses' subnets (any
/// endpoint without addresses when their VPC is not known). Anything else is ambiguous: the
/// addresses are left out and the scenario says so, rather than guessing an owner.
fn attach_addresses(file: &str, addresses: &[EndpointAddressDef], inventory: &mut Inventory) {
    let named = inventory
        .resolver_endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.id.is_empty() && file.contains(e.id.as_str()))
        .max_by_key(|(_, e)| e.id.len())
        .map(|(i, _)| i);
    let vpc = addresses.iter().find_map(|a| {
        let subnet = a.subnet.as_deref()?;
        inventory
            .subnets
            .iter()
            .find(|s| s.id == subnet)
            .and_then(|s| s.vpc.clone())
    });
    let candidates: Vec<usize> = inventory
        .resolver_endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| e.addresses.is_empty())
        .filter(|(_, e)| vpc.is_none() || e.vpc == vpc)
        .map(|(i, _)| i)
        .collect();
    let target = named.or(match candidates.as_slice() {
        [only] => Some(*only),
        _ => None,
    });
    match target.and_then(|i| inventory.resolver_endpoints.get_mut(i)) {
        Some(endpoint) => {
            for address in addresses {
                if !endpoint.addresses.contains(address) {
                    endpoint.addresses.push(address.clone());
                }
            }
        }
        None => {
            let ids: Vec<&str> = candidates
                .iter()
                .filter_map(|i| inventory.resolver_endpoints.get(*i))
                .map(|e| e.id.as_str())
                .collect();
            let whose = if ids.is_empty() {
                "no Resolver endpoint in the source can own them".to_owned()
            } else {
                format!("they could belong to any of {}", ids.join(", "))
            };
            let text = format!(
                "{file} (route53resolver list-resolver-endpoint-ip-addresses): the response does not name its endpoint and {whose}; the addresses are left out (name the file after its endpoint, route53resolver-endpoint-ip-addresses-<id>.json, as scripts/collect-aws.sh does)"
            );
            inventory.note_vpc(vpc.as_deref(), text);
        }
    }
}

/// `corp.example.` → `corp.example`; the root `.` stays.
fn domain_name(domain: &str) -> String {
    match domain.strip_suffix('.') {
        Some(stripped) if !stripped.is_empty() => stripped.to_owned(),
        _ => domain.to_owned(),
    }
}

/// The associated IPv6 blocks of a VPC or subnet: `Ipv6CidrBlockAssociationSet[]`, each with
/// `Ipv6CidrBlock` and `Ipv6CidrBlockState.State` (describe-vpcs, describe-subnets; a block
/// being disassociated or that failed is not the resource's).
fn ipv6_blocks(resource: &Value) -> Vec<String> {
    list(resource, "Ipv6CidrBlockAssociationSet")
        .iter()
        .filter(|a| {
            a.pointer("/Ipv6CidrBlockState/State")
                .and_then(Value::as_str)
                .is_none_or(|s| s == "associated")
        })
        .filter_map(|a| text(a, "Ipv6CidrBlock"))
        .collect()
}

/// An `IpPermissions` entry of `describe-security-groups`.
fn permission(permission: &Value) -> SgRuleDef {
    SgRuleDef {
        protocol: text(permission, "IpProtocol").unwrap_or_else(|| "-1".to_owned()),
        from_port: integer(permission, "FromPort"),
        to_port: integer(permission, "ToPort"),
        cidrs: list(permission, "IpRanges")
            .iter()
            .filter_map(|r| text(r, "CidrIp"))
            .chain(
                list(permission, "Ipv6Ranges")
                    .iter()
                    .filter_map(|r| text(r, "CidrIpv6")),
            )
            .collect(),
        groups: list(permission, "UserIdGroupPairs")
            .iter()
            .filter_map(|p| text(p, "GroupId"))
            .collect(),
    }
}
