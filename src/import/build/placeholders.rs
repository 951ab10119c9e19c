//! Values the import invents when the source does not show them: public IPs from the
//! RFC 5737 documentation ranges, so a placeholder is never taken for a real address, and
//! blocks for assumed VPCs and subnets, chosen to cover or avoid what the source does show.
//! Every caller also writes what it assumed to `imported.missing`.

use std::net::Ipv6Addr;

use ipnetwork::{Ipv4Network, Ipv6Network};

use crate::import::cidr;
/// Carved by the one CIDR module, as eksctl's and `Fn::Cidr`'s layouts are.
pub(super) use crate::import::cidr::{carve_v6 as carve_ipv6, supernet};
use crate::import::inventory::SubnetDef;

/// Placeholder public IPs for NAT gateways whose Elastic IP is unknown (RFC 5737).
pub(super) fn placeholder_nat_ip(n: usize) -> String {
    format!("192.0.2.{}", 101 + (n % 100))
}

/// Placeholder public IPs for nodes in subnets that auto-assign one (RFC 5737, TEST-NET-3):
/// the address is picked at launch, so no allowlist can name it in advance.
pub(super) fn placeholder_node_ip(n: usize) -> String {
    format!("203.0.113.{}", 101 + (n % 100))
}

/// Placeholder IPv6 block for the `n`-th VPC whose Amazon-provided /56 is unknown: a /56 of
/// `2001:db8:100::/40` (RFC 3849 documentation range), clear of the placeholder public
/// endpoint addresses `2001:db8::10` and `2001:db8::11`.
pub(super) fn placeholder_vpc_ipv6(n: u32) -> Ipv6Network {
    let base = Ipv6Addr::new(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0);
    Ipv6Network::new(base, 40)
        .ok()
        .and_then(|pool| cidr::nth_v6(pool, 56, n))
        .unwrap_or_else(|| Ipv6Network::from(base))
}

/// A /`prefix` block inside `within` (the `index`-th), not overlapping `taken` subnets.
pub(super) fn carve(
    within: Ipv4Network,
    prefix: u8,
    index: u32,
    taken: &[SubnetDef],
) -> Option<Ipv4Network> {
    let taken: Vec<Ipv4Network> = taken
        .iter()
        .filter_map(|s| s.cidr.as_ref()?.parse().ok())
        .collect();
    cidr::carve_v4(within, prefix, index, &taken)
}

#[cfg(test)]
mod tests {
    use ipnetwork::Ipv4Network;

    use super::*;

    #[test]
    fn supernet_covers_every_block() {
        let blocks: Vec<Ipv4Network> = ["10.0.1.0/24", "10.0.3.0/24"]
            .iter()
            .map(|b| b.parse().unwrap())
            .collect();
        assert_eq!(supernet(&blocks).unwrap().to_string(), "10.0.0.0/22");
    }

    #[test]
    fn ipv6_placeholders_are_documentation_blocks_carved_in_64s() {
        let vpc = placeholder_vpc_ipv6(0);
        assert_eq!(vpc.to_string(), "2001:db8:100::/56");
        assert_eq!(placeholder_vpc_ipv6(1).to_string(), "2001:db8:100:100::/56");
        let first = carve_ipv6(vpc, 0, &[]).unwrap();
        assert_eq!(first.to_string(), "2001:db8:100::/64");
        assert_eq!(
            carve_ipv6(vpc, 3, &[]).unwrap().to_string(),
            "2001:db8:100:3::/64"
        );
        // A taken /64 is skipped.
        assert_eq!(
            carve_ipv6(vpc, 0, &[first]).unwrap().to_string(),
            "2001:db8:100:1::/64"
        );
        // The placeholder public endpoint addresses stay outside every VPC placeholder.
        let endpoint: Ipv6Addr = "2001:db8::10".parse().unwrap();
        assert!(!vpc.contains(endpoint));
    }
}
