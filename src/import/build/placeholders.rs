//! Values the import invents when the source does not show them: public IPs from the
//! RFC 5737 documentation ranges, so a placeholder is never taken for a real address, and
//! blocks for assumed VPCs and subnets, chosen to cover or avoid what the source does show.
//! Every caller also writes what it assumed to `imported.missing`.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnetwork::{Ipv4Network, Ipv6Network};

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
    let base = u128::from(Ipv6Addr::new(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0));
    let block = base.wrapping_add(u128::from(n % 0x1_0000) << 72);
    Ipv6Network::new(Ipv6Addr::from(block), 56)
        .unwrap_or_else(|_| Ipv6Network::from(Ipv6Addr::from(base)))
}

/// A /64 inside `within`: the `index`-th, or the next free one after it, not overlapping
/// `taken` (the first 4,096 /64s are tried).
pub(super) fn carve_ipv6(
    within: Ipv6Network,
    index: u32,
    taken: &[Ipv6Network],
) -> Option<Ipv6Network> {
    let bits = 64u8.checked_sub(within.prefix())?;
    let count: u32 = 1u32
        .checked_shl(u32::from(bits))
        .unwrap_or(u32::MAX)
        .min(4096);
    let base = u128::from(within.network());
    (0..count)
        .map(|i| (index.wrapping_add(i)) % count.max(1))
        .find_map(|i| {
            let block =
                Ipv6Network::new(Ipv6Addr::from(base.wrapping_add(u128::from(i) << 64)), 64)
                    .ok()?;
            let free = taken
                .iter()
                .all(|t| !t.contains(block.network()) && !block.contains(t.network()));
            free.then_some(block)
        })
}

/// The smallest block containing all `blocks`.
pub(super) fn supernet(blocks: &[Ipv4Network]) -> Option<Ipv4Network> {
    let first = blocks.first()?;
    let mut prefix = first.prefix();
    let base = u32::from(first.network());
    loop {
        let candidate = Ipv4Network::new(Ipv4Addr::from(base), prefix).ok()?;
        let candidate = Ipv4Network::new(candidate.network(), prefix).ok()?;
        if blocks
            .iter()
            .all(|b| candidate.contains(b.network()) && candidate.prefix() <= b.prefix())
        {
            return Some(candidate);
        }
        prefix = prefix.checked_sub(1)?;
    }
}

/// A /`prefix` block inside `within` (the `index`-th), not overlapping `taken` subnets.
pub(super) fn carve(
    within: Ipv4Network,
    prefix: u8,
    index: u32,
    taken: &[SubnetDef],
) -> Option<Ipv4Network> {
    let size = 1u32.checked_shl(32 - u32::from(prefix))?;
    let count = 1u32
        .checked_shl(u32::from(prefix.checked_sub(within.prefix())?))
        .unwrap_or(u32::MAX);
    (0..count)
        .map(|i| (index + i) % count.max(1))
        .find_map(|i| {
            let block = Ipv4Network::new(
                Ipv4Addr::from(u32::from(within.network()).wrapping_add(i.wrapping_mul(size))),
                prefix,
            )
            .ok()?;
            let free = taken.iter().all(|s| {
                s.cidr
                    .as_ref()
                    .and_then(|c| c.parse::<Ipv4Network>().ok())
                    .is_none_or(|c| !c.contains(block.network()) && !block.contains(c.network()))
            });
            free.then_some(block)
        })
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
