//! The public endpoint's CIDR allowlist (EKS user guide, config-cluster-endpoint: "The
//! blocks cannot include reserved addresses", "There is a maximum number of CIDR blocks";
//! service quotas: "Public endpoint access CIDR ranges per cluster: 40, not adjustable").

use std::net::Ipv4Addr;

use ipnetwork::{IpNetwork, Ipv4Network};

use super::{Code, Finding};
use crate::scenario::Scenario;

/// The most `publicAccessCidrs` EKS accepts.
pub const MAX_PUBLIC_ACCESS_CIDRS: usize = 40;

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

pub(super) fn check(scenario: &Scenario, findings: &mut Vec<Finding>) {
    let cluster = &scenario.cluster;
    if cluster.public_access_cidrs_default {
        return;
    }
    let count = cluster.public_access_cidrs.len();
    if count > MAX_PUBLIC_ACCESS_CIDRS {
        findings.push(Finding::new(
            scenario,
            Code::Eks001,
            "cluster.publicAccessCidrs",
            format!(
                "publicAccessCidrs has {count} entries; EKS accepts at most {MAX_PUBLIC_ACCESS_CIDRS} (a quota that cannot be raised): merge blocks or put the API behind private access"
            ),
        ));
    }
    for (i, cidr) in cluster.public_access_cidrs.iter().enumerate() {
        let path = format!("cluster.publicAccessCidrs[{i}]");
        if let Some(message) = rejected_entry(*cidr) {
            findings.push(Finding::new(scenario, Code::Eks002, path, message));
        }
    }
}

/// Why EKS would reject an allowlist entry, if it would.
pub fn rejected_entry(cidr: IpNetwork) -> Option<String> {
    let v4 = match cidr {
        IpNetwork::V6(_) => {
            return Some(format!(
                "{cidr} is an IPv6 block; an IPv4 cluster accepts only IPv4 blocks in publicAccessCidrs"
            ));
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
        let reserved = Ipv4Network::new(*base, *prefix).ok()?;
        (reserved.contains(v4.network()) && v4.prefix() >= *prefix).then(|| {
            format!("{cidr} is in the {name} range, which EKS rejects in publicAccessCidrs")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Option<String> {
        rejected_entry(text.parse().unwrap())
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
}
