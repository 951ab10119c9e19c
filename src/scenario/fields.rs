//! The field names each part of a scenario accepts, for "did you mean" hints on unknown
//! fields. Kept next to `raw.rs`; a unit test checks each list against the serde types.

/// The fields accepted beside an unknown field at `path` (`vpcs[0].subnets[1].cdir`).
pub fn known_fields(path: &str) -> &'static [&'static str] {
    let parent = path.rsplit_once('.').map_or("", |(parent, _)| parent);
    match strip_indices(parent).as_str() {
        "" => &[
            "version",
            "name",
            "description",
            "cluster",
            "vpcs",
            "connections",
            "networks",
            "dnsServers",
            "clients",
            "nodeGroups",
            "ignore",
            "imported",
            "dnsTransport",
        ],
        "imported" => &["from", "missing"],
        "nodeGroups" => &["name", "subnets", "securityGroups", "publicIp"],
        "ignore" => &["code", "reason"],
        "cluster" => &[
            "name",
            "region",
            "endpoint",
            "endpointAccess",
            "ipFamily",
            "publicAccessCidrs",
            "publicEndpointIps",
            "vpc",
            "securityGroups",
            "enis",
        ],
        "cluster.enis" => &["subnet", "ip", "ipv6"],
        "vpcs" => &[
            "id",
            "cidrs",
            "ipv6Cidrs",
            "enableDnsSupport",
            "enableDnsHostnames",
            "dhcpOptions",
            "internetGateway",
            "egressOnlyInternetGateway",
            "subnets",
            "natGateways",
            "routeTables",
            "securityGroups",
            "networkAcls",
            "resolver",
            "vpcEndpoints",
        ],
        "vpcs.vpcEndpoints" => &[
            "id",
            "service",
            "type",
            "privateDns",
            "subnets",
            "routeTables",
        ],
        "vpcs.dhcpOptions" => &["domainNameServers"],
        "vpcs.subnets" => &["id", "cidr", "ipv6Cidr", "az", "routeTable", "networkAcl"],
        "vpcs.natGateways" => &["id", "subnet", "publicIp"],
        "vpcs.routeTables" => &["id", "routes"],
        "vpcs.routeTables.routes" | "networks.routes" | "connections.routes" => {
            &["destination", "target"]
        }
        "vpcs.securityGroups" => &["id", "ingress", "egress"],
        "vpcs.securityGroups.ingress" | "vpcs.securityGroups.egress" => &[
            "protocol",
            "ports",
            "cidr",
            "sourceSecurityGroup",
            "destinationSecurityGroup",
            "description",
        ],
        "vpcs.networkAcls" => &["id", "inbound", "outbound"],
        "vpcs.networkAcls.inbound" | "vpcs.networkAcls.outbound" => {
            &["rule", "protocol", "ports", "cidr", "action", "description"]
        }
        "vpcs.resolver" => &["inboundEndpoints", "forwardRules", "outboundEndpoints"],
        "vpcs.resolver.inboundEndpoints" | "vpcs.resolver.outboundEndpoints" => {
            &["id", "ips", "securityGroups"]
        }
        "vpcs.resolver.inboundEndpoints.ips" | "vpcs.resolver.outboundEndpoints.ips" => {
            &["ip", "ipv6", "subnet"]
        }
        "vpcs.resolver.forwardRules" => &["id", "domain", "targetIps", "outboundEndpoint"],
        "connections" => &[
            "id",
            "type",
            "vpcs",
            "vpc",
            "network",
            "attachments",
            "routes",
        ],
        "connections.attachments" => &["vpc", "subnets"],
        "networks" => &[
            "id",
            "cidrs",
            "ipv6Cidrs",
            "internetEgressIp",
            "ipv6Internet",
            "routes",
            "dnsServers",
        ],
        "dnsServers" => &["ip", "forward", "securityGroups"],
        "dnsServers.forward" => &["domain", "to"],
        "clients" => &[
            "name",
            "from",
            "ip",
            "ipv6",
            "publicIp",
            "securityGroups",
            "expect",
        ],
        "clients.expect" => &["answer", "reachable", "family"],
        _ => &[],
    }
}

/// `vpcs[0].subnets[12]` → `vpcs.subnets`.
fn strip_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            _ if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_sequence_indices() {
        assert_eq!(strip_indices("vpcs[0].subnets[12]"), "vpcs.subnets");
        assert_eq!(
            known_fields("vpcs[3].subnets[0].cdir"),
            ["id", "cidr", "ipv6Cidr", "az", "routeTable", "networkAcl"]
        );
    }
}
