//! The public endpoint's CIDR allowlist (`cluster.publicAccessCidrs`).

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnetwork::{IpNetwork, Ipv4Network, Ipv6Network};

use super::{Code, Finding, Rule, Severity, docs};
use crate::scenario::{EndpointAccess, Family, Scenario};

/// The most `publicAccessCidrs` EKS accepts.
pub const MAX_PUBLIC_ACCESS_CIDRS: usize = 40;

pub(super) const EKS001: Rule = Rule {
    code: Code::Eks001,
    name: "public-access-cidrs-count",
    severity: Severity::Error,
    summary: "publicAccessCidrs not 1 to 40 entries: empty, or more than 40 (EKS quota, not adjustable)",
    why: "EKS takes 1 to 40 CIDR blocks for the public endpoint. At most 40 is a quota that cannot \
          be raised: with more, CreateCluster or UpdateClusterConfig fails and the change never \
          applies. An empty list is not an allowlist EKS applies; leave the field out for the \
          default 0.0.0.0/0, or list the blocks that need the API. eksflow analyses an empty list \
          as written: it admits no source, so every flow to the public endpoint is refused \
          (PUBLIC_CIDR_DENY).",
    example: "cluster:\n  publicAccessCidrs: [198.51.0.0/24, 198.51.1.0/24, ...]   # 41 blocks\n---\ncluster:\n  publicAccessCidrs: []                                    # none",
    fix: "Too many: merge adjacent blocks into larger ones, route admins through a few egress \
          IPs, or turn on private access and reach the API over a VPN, Direct Connect or peering \
          instead. Empty: list the blocks, leave the field out for 0.0.0.0/0, or turn public \
          access off (endpointAccess: private) and remove the field.",
    references: &[docs::QUOTAS, docs::CONFIG_ENDPOINT],
};

pub(super) const EKS002: Rule = Rule {
    code: Code::Eks002,
    name: "rejected-public-access-cidr",
    severity: Severity::Error,
    summary: "an allowlist entry EKS rejects: host bits set, reserved range, IPv6 block on an IPv4 cluster",
    why: "EKS validates publicAccessCidrs: blocks with host bits set (203.0.113.5/24), blocks in \
          reserved ranges (0.0.0.0/8 other than 0.0.0.0/0, 127.0.0.0/8, 169.254.0.0/16, \
          224.0.0.0/4, 240.0.0.0/4) and IPv6 blocks on an IPv4 cluster are refused (\"The \
          following CIDRs are invalid in publicAccessCidrs\"), so the update fails.",
    example: "cluster:\n  publicAccessCidrs: [203.0.113.5/24, 127.0.0.1/32]",
    fix: "Write the network address of the block (203.0.113.0/24, or 203.0.113.5/32 for one \
          address) and remove reserved and IPv6 entries.",
    references: &[docs::CONFIG_ENDPOINT, docs::CLUSTER_ENDPOINT],
};

pub(super) const EKS003: Rule = Rule {
    code: Code::Eks003,
    name: "public-endpoint-open-to-internet",
    severity: Severity::Warning,
    summary: "public endpoint open to the whole internet (0.0.0.0/0)",
    why: "With public access on and the default allowlist 0.0.0.0/0, anyone on the internet can \
          reach the Kubernetes API server; only authentication stands in the way.",
    example: "cluster:\n  endpointAccess: public-and-private\n  # publicAccessCidrs omitted: 0.0.0.0/0",
    fix: "List the egress addresses that need the API (office, CI runners, the NAT gateways of \
          node subnets in public mode) in publicAccessCidrs, or turn public access off. Ignore the \
          rule with a reason if the exposure is deliberate.",
    references: &[docs::CLUSTER_ENDPOINT, docs::CONFIG_ENDPOINT],
};

pub(super) const EKS004: Rule = Rule {
    code: Code::Eks004,
    name: "private-range-in-public-access-cidrs",
    severity: Severity::Warning,
    summary: "private or shared ranges (RFC 1918, 100.64.0.0/10) in publicAccessCidrs: no internet source can match them",
    why: "The public endpoint sees the public source address of a request (a NAT gateway's or an \
          office's egress IP). A private range in the allowlist never matches anything, and often \
          means someone expected VPC or VPN traffic to use the public endpoint.",
    example: "cluster:\n  publicAccessCidrs: [10.0.0.0/8]",
    fix: "Allow the public egress IPs instead (NAT gateway Elastic IPs, office egress), or turn on \
          private access so clients in the VPC and on the VPN use the private endpoint.",
    references: &[docs::CONFIG_ENDPOINT],
};

pub(super) const EKS005: Rule = Rule {
    code: Code::Eks005,
    name: "public-access-cidrs-ignored-in-private-mode",
    severity: Severity::Warning,
    summary: "publicAccessCidrs set while the mode is private: EKS ignores it",
    why: "With public access off there is no public endpoint to restrict; the list has no effect \
          and suggests the author expected it to restrict private access, which only security \
          groups and network ACLs do.",
    example: "cluster:\n  endpointAccess: private\n  publicAccessCidrs: [203.0.113.0/24]",
    fix: "Remove publicAccessCidrs, and restrict private access with the cluster security group.",
    references: &[docs::CLUSTER_ENDPOINT],
};

pub(super) const EKS015: Rule = Rule {
    code: Code::Eks015,
    name: "redundant-public-access-cidr",
    severity: Severity::Info,
    summary: "redundant allowlist entries (duplicates, or one inside another)",
    why: "A block already covered by another one uses one of the 40 entries for nothing.",
    example: "cluster:\n  publicAccessCidrs: [203.0.113.0/24, 203.0.113.7/32]",
    fix: "Remove the entry that is covered.",
    references: &[docs::QUOTAS],
};

/// Ranges EKS rejects in `publicAccessCidrs` (SPEC section 2): "this network", loopback,
/// link-local, multicast and the reserved class E space. `0.0.0.0/0` itself is allowed.
const RESERVED: [(Ipv4Addr, u8, &str); 5] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8, "\"this network\" (0.0.0.0/8)"),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback (127.0.0.0/8)"),
    (
        Ipv4Addr::new(169, 254, 0, 0),
        16,
        "link-local (169.254.0.0/16)",
    ),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast (224.0.0.0/4)"),
    (Ipv4Addr::new(240, 0, 0, 0), 4, "reserved (240.0.0.0/4)"),
];

/// Private (RFC 1918) and shared (RFC 6598) address space.
const PRIVATE: [(Ipv4Addr, u8); 4] = [
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
];

pub(super) fn check(scenario: &Scenario, mode: EndpointAccess, findings: &mut Vec<Finding>) {
    let cluster = &scenario.cluster;
    let cidrs = &cluster.public_access_cidrs;
    let entry = |i: usize| format!("cluster.publicAccessCidrs[{i}]");

    if mode.public_access() {
        // `::/0` counts like `0.0.0.0/0` (SPEC 7.3).
        let open = cidrs.iter().position(|cidr| cidr.prefix() == 0);
        if let Some(i) = open {
            let blocks = cidrs
                .iter()
                .filter(|cidr| cidr.prefix() == 0)
                .map(|cidr| cidr.to_string())
                .collect::<Vec<_>>()
                .join(" and ");
            let (path, note) = if cluster.public_access_cidrs_default {
                (
                    default_path(scenario).to_owned(),
                    " (the default when publicAccessCidrs is not set)",
                )
            } else {
                (entry(i), "")
            };
            findings.push(Finding::new(
                scenario,
                Code::Eks003,
                path,
                format!("the public endpoint accepts the whole internet: publicAccessCidrs is {blocks}{note}"),
            ));
        }
    } else if !cluster.public_access_cidrs_default && !cluster.access.public_access() {
        // Only when the file itself says private: under `--mode private` (a what-if) the list
        // is the one the file's own mode uses.
        findings.push(Finding::new(
            scenario,
            Code::Eks005,
            "cluster.publicAccessCidrs",
            format!("publicAccessCidrs is set, but the mode is {mode}: EKS ignores the list when public access is off"),
        ));
    }
    if cluster.public_access_cidrs_default {
        return;
    }

    let count = cidrs.len();
    if count == 0 {
        findings.push(Finding::new(
            scenario,
            Code::Eks001,
            "cluster.publicAccessCidrs",
            format!(
                "publicAccessCidrs is empty: EKS takes 1 to {MAX_PUBLIC_ACCESS_CIDRS} blocks; leave the field out for the default 0.0.0.0/0"
            ),
        ));
    } else if count > MAX_PUBLIC_ACCESS_CIDRS {
        findings.push(Finding::new(
            scenario,
            Code::Eks001,
            "cluster.publicAccessCidrs",
            format!(
                "publicAccessCidrs has {count} entries; EKS accepts at most {MAX_PUBLIC_ACCESS_CIDRS} (a quota that cannot be raised): merge blocks or put the API behind private access"
            ),
        ));
    }
    for (i, cidr) in cidrs.iter().enumerate() {
        if let Some(message) = rejected_entry(*cidr, cluster.ip_family, cluster.dual_stack) {
            findings.push(Finding::new(scenario, Code::Eks002, entry(i), message));
            continue;
        }
        if let IpNetwork::V6(v6) = cidr
            && v6.prefix() >= 7
            && crate::dns::is_ula(v6.network())
        {
            findings.push(Finding::new(
                scenario,
                Code::Eks004,
                entry(i),
                format!(
                    "{cidr} is unique local IPv6 space (fc00::/7): the public endpoint only sees public source addresses, so this entry never matches"
                ),
            ));
        }
        if let IpNetwork::V4(v4) = cidr
            && let Some(range) = PRIVATE
                .iter()
                .find(|(base, prefix)| within(*v4, *base, *prefix))
        {
            findings.push(Finding::new(
                scenario,
                Code::Eks004,
                entry(i),
                format!(
                    "{cidr} is private address space ({}/{}): the public endpoint only sees public source addresses, so this entry never matches",
                    range.0, range.1
                ),
            ));
        }
        if let Some(j) = cidrs
            .iter()
            .enumerate()
            .position(|(j, other)| j != i && covers(*other, *cidr) && (other != cidr || j < i))
        {
            let other = cidrs.get(j).map(|c| c.to_string()).unwrap_or_default();
            let what = if cidrs.get(j) == Some(cidr) {
                "repeats"
            } else {
                "is inside"
            };
            findings.push(Finding::new(
                scenario,
                Code::Eks015,
                entry(i),
                format!("{cidr} {what} {other} (entry {j}): it uses one of the {MAX_PUBLIC_ACCESS_CIDRS} entries for nothing"),
            ));
        }
    }
}

/// Where a finding about the default allowlist points: the mode if written, else the cluster.
fn default_path(scenario: &Scenario) -> &'static str {
    if scenario.source.spans.has("cluster.endpointAccess") {
        "cluster.endpointAccess"
    } else {
        "cluster"
    }
}

fn within(cidr: Ipv4Network, base: Ipv4Addr, prefix: u8) -> bool {
    Ipv4Network::new(base, prefix)
        .is_ok_and(|range| range.contains(cidr.network()) && cidr.prefix() >= prefix)
}

/// Whether `outer` contains every address of `inner` (same family).
fn covers(outer: IpNetwork, inner: IpNetwork) -> bool {
    match (outer, inner) {
        (IpNetwork::V4(outer), IpNetwork::V4(inner)) => {
            within(inner, outer.network(), outer.prefix())
        }
        (IpNetwork::V6(outer), IpNetwork::V6(inner)) => {
            outer.prefix() <= inner.prefix() && outer.contains(inner.network())
        }
        _ => false,
    }
}

/// IPv6 ranges EKS002 treats as reserved in the allowlist (SPEC 7.3, choice): unspecified,
/// loopback, link-local, multicast.
const RESERVED_V6: [(Ipv6Addr, u8, &str); 4] = [
    (Ipv6Addr::UNSPECIFIED, 128, "unspecified (::/128)"),
    (Ipv6Addr::LOCALHOST, 128, "loopback (::1/128)"),
    (
        Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0),
        10,
        "link-local (fe80::/10)",
    ),
    (
        Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0),
        8,
        "multicast (ff00::/8)",
    ),
];

/// Why EKS would reject an allowlist entry of `cluster`, if it would. IPv6 blocks are
/// accepted only on a dual-stack endpoint: on an IPv4 cluster or a pre-October-2024 IPv6
/// cluster "EKS returns the following error message: The following CIDRs are invalid in
/// publicAccessCidrs" (EKS user guide, cluster-endpoint).
pub fn rejected_entry(cidr: IpNetwork, family: Family, dual_stack: bool) -> Option<String> {
    let v4 = match cidr {
        IpNetwork::V6(_) if family == Family::Ipv4 => {
            return Some(format!(
                "{cidr} is an IPv6 block; an IPv4 cluster accepts only IPv4 blocks in publicAccessCidrs"
            ));
        }
        IpNetwork::V6(_) if !dual_stack => {
            return Some(format!(
                "{cidr} is an IPv6 block; only a dual-stack endpoint (an IPv6 cluster under api.aws, made since October 2024) accepts IPv6 blocks in publicAccessCidrs, and this endpoint is under eks.amazonaws.com"
            ));
        }
        IpNetwork::V6(v6) => {
            if v6.ip() != v6.network() {
                return Some(format!(
                    "{cidr} has host bits set; EKS rejects it: write {}/{}",
                    v6.network(),
                    v6.prefix()
                ));
            }
            if v6.prefix() == 0 {
                return None;
            }
            return RESERVED_V6.iter().find_map(|(base, prefix, name)| {
                let inside = Ipv6Network::new(*base, *prefix)
                    .is_ok_and(|range| range.contains(v6.network()) && v6.prefix() >= *prefix);
                inside.then(|| {
                    format!("{cidr} is in the {name} range, which EKS rejects in publicAccessCidrs")
                })
            });
        }
        IpNetwork::V4(v4) => v4,
    };
    if v4.ip() != v4.network() {
        return Some(format!(
            "{cidr} has host bits set; EKS rejects it: write {}/{}",
            v4.network(),
            v4.prefix()
        ));
    }
    if v4.prefix() == 0 {
        return None;
    }
    RESERVED.iter().find_map(|(base, prefix, name)| {
        within(v4, *base, *prefix).then(|| {
            format!("{cidr} is in the {name} range, which EKS rejects in publicAccessCidrs")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Option<String> {
        rejected_entry(text.parse().unwrap(), Family::Ipv4, false)
    }

    fn dual_stack_entry(text: &str) -> Option<String> {
        rejected_entry(text.parse().unwrap(), Family::Ipv6, true)
    }

    #[test]
    fn a_dual_stack_endpoint_accepts_public_ipv6_blocks_and_rejects_reserved_ones() {
        assert_eq!(dual_stack_entry("::/0"), None);
        assert_eq!(dual_stack_entry("2001:db8:77::/48"), None);
        assert!(
            dual_stack_entry("2001:db8::5/64")
                .unwrap()
                .contains("host bits")
        );
        assert!(dual_stack_entry("::1/128").unwrap().contains("loopback"));
        assert!(
            dual_stack_entry("fe80::/64")
                .unwrap()
                .contains("link-local")
        );
        assert!(dual_stack_entry("ff02::/16").unwrap().contains("multicast"));
        assert!(
            rejected_entry("2001:db8::/32".parse().unwrap(), Family::Ipv6, false)
                .unwrap()
                .contains("dual-stack")
        );
    }

    #[test]
    fn accepts_public_blocks_documentation_ranges_and_the_default() {
        assert_eq!(entry("0.0.0.0/0"), None);
        assert_eq!(entry("203.0.113.0/24"), None);
        assert_eq!(entry("198.51.100.7/32"), None);
    }

    #[test]
    fn rejects_host_bits_reserved_ranges_and_ipv6() {
        assert!(entry("203.0.113.5/24").unwrap().contains("host bits"));
        assert!(entry("127.0.0.1/32").unwrap().contains("loopback"));
        assert!(entry("169.254.169.254/32").unwrap().contains("link-local"));
        assert!(entry("224.0.0.0/8").unwrap().contains("multicast"));
        assert!(entry("0.1.2.0/24").unwrap().contains("this network"));
        assert!(entry("2001:db8::/32").unwrap().contains("IPv6"));
    }

    #[test]
    fn coverage_is_by_network_and_prefix() {
        let net = |text: &str| text.parse::<IpNetwork>().unwrap();
        assert!(covers(net("203.0.113.0/24"), net("203.0.113.7/32")));
        assert!(!covers(net("203.0.113.7/32"), net("203.0.113.0/24")));
        assert!(covers(net("0.0.0.0/0"), net("10.0.0.0/8")));
        assert!(!covers(net("2001:db8::/32"), net("10.0.0.0/8")));
    }
}
