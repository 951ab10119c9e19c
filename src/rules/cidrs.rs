//! CIDR blocks written with host bits set, everywhere but the allowlist (EKS002 has those).

use ipnetwork::IpNetwork;

use super::{Code, Finding, Rule, Severity, docs};
use crate::scenario::{AclRule, Scenario, SgPeer, SgRule};

pub(super) const EKS020: Rule = Rule {
    code: Code::Eks020,
    name: "cidr-host-bits",
    severity: Severity::Warning,
    summary: "a VPC, subnet, route, security group rule, network ACL rule or network CIDR with host bits set (10.0.1.5/24)",
    why: "A block written with host bits set does not say what is applied. The EC2 API accepts it \
          and keeps only the block: CreateVpc, CreateSubnet, CreateRoute and \
          CreateNetworkAclEntry \"modify the specified CIDR block to its canonical form; for \
          example, if you specify 100.68.0.18/18, we modify it to 100.68.0.0/18\", and security \
          group rules are canonicalised the same way. That is why the rule is a warning, not an \
          error: AWS does not reject the request, and eksflow reads the block as AWS stores it, \
          so the analysis holds. But an address with a prefix (192.168.1.20/24 in a security \
          group or network ACL rule, or a route) usually meant one host, and it admits, denies \
          or routes the whole block; what AWS returns afterwards is the canonical form (so says \
          the security group documentation of DescribeSecurityGroups), so tools that compare it \
          with what they wrote can report a difference; and adding the canonical form of a security group rule that was written \
          with host bits is a duplicate the API refuses. A network's CIDRs and routes are not \
          AWS resources, but eksflow reads them the same way. Host bits in publicAccessCidrs are \
          EKS002, an error: EKS rejects those.",
    example: "subnets:\n  - { id: subnet-a, cidr: 10.0.1.5/24, az: eu-west-1a }\nsecurityGroups:\n  - id: sg-cluster\n    ingress: [{ protocol: tcp, ports: 443, cidr: 192.168.1.20/24 }]",
    fix: "Write the network address of the block (10.0.1.0/24, 192.168.1.0/24), or a /32 \
          (192.168.1.20/32) when one address was meant.",
    references: &[
        docs::EC2_CREATE_VPC,
        docs::EC2_CREATE_SUBNET,
        docs::EC2_CREATE_ROUTE,
        docs::EC2_CREATE_NACL_ENTRY,
        docs::EC2_IP_RANGE,
    ],
};

/// Where a block sits, which decides what the message says about it.
#[derive(Clone, Copy)]
struct Field {
    /// An AWS resource (AWS stores the block), or a network of the scenario's own.
    aws: bool,
    /// A route destination or a rule's peer, where a /32 may have been meant; a VPC, subnet or
    /// network CIDR is a block.
    matches: bool,
}

const AWS_BLOCK: Field = Field {
    aws: true,
    matches: false,
};
const AWS_MATCH: Field = Field {
    aws: true,
    matches: true,
};
const NETWORK_BLOCK: Field = Field {
    aws: false,
    matches: false,
};
const NETWORK_MATCH: Field = Field {
    aws: false,
    matches: true,
};

pub(super) fn check(scenario: &Scenario, findings: &mut Vec<Finding>) {
    let mut report = |path: String, what: String, cidr: IpNetwork, field: Field| {
        if let Some(message) = host_bits(&what, cidr, field) {
            findings.push(Finding::new(scenario, Code::Eks020, path, message));
        }
    };
    for vpc in &scenario.vpcs {
        for (i, cidr) in vpc.cidrs.iter().enumerate() {
            report(
                format!("{}.cidrs[{i}]", vpc.path),
                format!("VPC {} CIDR", vpc.id),
                IpNetwork::V4(*cidr),
                AWS_BLOCK,
            );
        }
        for (i, cidr) in vpc.ipv6_cidrs.iter().enumerate() {
            report(
                format!("{}.ipv6Cidrs[{i}]", vpc.path),
                format!("VPC {} IPv6 CIDR", vpc.id),
                IpNetwork::V6(*cidr),
                AWS_BLOCK,
            );
        }
    }
    for subnet in &scenario.subnets {
        report(
            format!("{}.cidr", subnet.path),
            format!("subnet {} CIDR", subnet.id),
            IpNetwork::V4(subnet.cidr),
            AWS_BLOCK,
        );
        if let Some(block) = subnet.ipv6_cidr {
            report(
                format!("{}.ipv6Cidr", subnet.path),
                format!("subnet {} IPv6 CIDR", subnet.id),
                IpNetwork::V6(block),
                AWS_BLOCK,
            );
        }
    }
    for table in &scenario.route_tables {
        for route in &table.routes {
            report(
                format!("{}.destination", route.path),
                format!("route table {} destination", table.id),
                route.destination,
                AWS_MATCH,
            );
        }
    }
    for group in &scenario.security_groups {
        let rules = group
            .ingress
            .iter()
            .map(|rule| ("ingress", rule))
            .chain(group.egress.iter().flatten().map(|rule| ("egress", rule)));
        for (direction, SgRule { peer, path, .. }) in rules {
            if let SgPeer::Cidr(cidr) = peer {
                report(
                    format!("{path}.cidr"),
                    format!("security group {} {direction} rule CIDR", group.id),
                    *cidr,
                    AWS_MATCH,
                );
            }
        }
    }
    for acl in &scenario.network_acls {
        let rules = acl
            .inbound
            .iter()
            .map(|rule| ("inbound", rule))
            .chain(acl.outbound.iter().map(|rule| ("outbound", rule)));
        for (
            direction,
            AclRule {
                number, cidr, path, ..
            },
        ) in rules
        {
            report(
                format!("{path}.cidr"),
                format!("network ACL {} {direction} rule {number} CIDR", acl.id),
                *cidr,
                AWS_MATCH,
            );
        }
    }
    for network in &scenario.networks {
        for (i, cidr) in network.cidrs.iter().enumerate() {
            report(
                format!("{}.cidrs[{i}]", network.path),
                format!("network {} CIDR", network.id),
                IpNetwork::V4(*cidr),
                NETWORK_BLOCK,
            );
        }
        for (i, cidr) in network.ipv6_cidrs.iter().enumerate() {
            report(
                format!("{}.ipv6Cidrs[{i}]", network.path),
                format!("network {} IPv6 CIDR", network.id),
                IpNetwork::V6(*cidr),
                NETWORK_BLOCK,
            );
        }
        for route in &network.routes {
            report(
                format!("{}.destination", route.path),
                format!("network {} route destination", network.id),
                route.destination,
                NETWORK_MATCH,
            );
        }
    }
}

/// The message for a block written with host bits set, if it is.
fn host_bits(what: &str, cidr: IpNetwork, field: Field) -> Option<String> {
    let network = cidr.network();
    if cidr.ip() == network {
        return None;
    }
    let block = format!("{network}/{}", cidr.prefix());
    let ip = cidr.ip();
    let host = if ip.is_ipv4() { 32 } else { 128 };
    let reading = if field.aws {
        format!("AWS stores it as {block} and eksflow reads it the same way")
    } else {
        format!("eksflow reads it as {block}")
    };
    Some(if field.matches {
        format!(
            "{what} `{cidr}` has host bits set: {reading}, so it covers all of {block}; write {block}, or {ip}/{host} if only {ip} was meant"
        )
    } else {
        format!("{what} `{cidr}` has host bits set: {reading}; write {block}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_blocks_with_host_bits_are_reported() {
        let net = |text: &str| text.parse::<IpNetwork>().unwrap();
        for field in [AWS_BLOCK, AWS_MATCH, NETWORK_BLOCK, NETWORK_MATCH] {
            assert_eq!(host_bits("x", net("10.0.1.0/24"), field), None);
            assert_eq!(host_bits("x", net("0.0.0.0/0"), field), None);
            assert_eq!(host_bits("x", net("10.0.1.5/32"), field), None);
            assert!(
                host_bits("x", net("1.2.3.4/0"), field)
                    .unwrap()
                    .contains("write 0.0.0.0/0")
            );
        }
        assert_eq!(
            host_bits("subnet a CIDR", net("10.0.1.5/24"), AWS_BLOCK).unwrap(),
            "subnet a CIDR `10.0.1.5/24` has host bits set: AWS stores it as 10.0.1.0/24 and eksflow reads it the same way; write 10.0.1.0/24"
        );
        assert_eq!(
            host_bits("rule CIDR", net("192.168.1.20/24"), AWS_MATCH).unwrap(),
            "rule CIDR `192.168.1.20/24` has host bits set: AWS stores it as 192.168.1.0/24 and eksflow reads it the same way, so it covers all of 192.168.1.0/24; write 192.168.1.0/24, or 192.168.1.20/32 if only 192.168.1.20 was meant"
        );
        assert!(
            !host_bits("network CIDR", net("192.168.9.1/16"), NETWORK_BLOCK)
                .unwrap()
                .contains("AWS")
        );
    }
}
