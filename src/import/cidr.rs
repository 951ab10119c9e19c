//! Carving CIDR blocks into subnets: the one place the importers do it, on `ipnet`'s subnet
//! iterators (`Ipv4Net::subnets`, `Ipv6Net::subnets`), so no block arithmetic is written by
//! hand. Three layouts use it:
//!
//! - eksctl's VPC ([`eksctl_layout`]): in eksctl-io/eksctl `pkg/vpc/vpc.go`, `SetSubnets`
//!   asks `getSubnetNetworkSize` for 8 blocks of /(prefix + 3) when at most 8 subnets are
//!   needed, 16 of /(prefix + 4) up to 16 ("cannot create more than 16 subnets" beyond), and
//!   `SplitInto` lays them end to end from the VPC's base; zone *i* gets public block *i*
//!   and private block *i + zones*. The user guide ("VPC Configuration"): "Default VPC CIDR
//!   used by eksctl is 192.168.0.0/16, it is divided into 8 (/19) subnets (3 private, 3
//!   public & 2 reserved)".
//! - CloudFormation's `Fn::Cidr` ([`fn_cidr`]): "an array of CIDR address blocks. The number
//!   of CIDR blocks returned is dependent on the count parameter", each with `cidrBits` host
//!   bits, in order from the start of the block (Template Reference, "Fn::Cidr").
//! - the import's placeholders ([`carve_v4`], [`carve_v6`], [`supernet`]): a free block of
//!   a VPC for a subnet whose CIDR the source does not show.
//!
//! The scenario model keeps `ipnetwork`'s types (see README, "Dependencies"); the functions
//! here take and return them, and convert at the edge.

use ipnet::{Ipv4Net, Ipv6Net};
use ipnetwork::{Ipv4Network, Ipv6Network};

fn net4(block: Ipv4Network) -> Option<Ipv4Net> {
    Ipv4Net::new(block.network(), block.prefix()).ok()
}

fn net6(block: Ipv6Network) -> Option<Ipv6Net> {
    Ipv6Net::new(block.network(), block.prefix()).ok()
}

fn network4(block: Ipv4Net) -> Option<Ipv4Network> {
    Ipv4Network::new(block.network(), block.prefix_len()).ok()
}

fn network6(block: Ipv6Net) -> Option<Ipv6Network> {
    Ipv6Network::new(block.network(), block.prefix_len()).ok()
}

/// How many /`prefix` blocks a /`within` block holds, saturating at `u64::MAX`.
fn blocks_in(within: u8, prefix: u8) -> u64 {
    prefix.checked_sub(within).map_or(0, |bits| {
        1u64.checked_shl(u32::from(bits)).unwrap_or(u64::MAX)
    })
}

/// eksctl's layout of the VPC it creates: the CIDR in 8 equal blocks, or 16 when more than
/// four zones need a public and a private subnet each (`SetSubnets`, `pkg/vpc/vpc.go`);
/// `None` beyond eight zones or when the blocks would be smaller than a /32. Zone *i* gets
/// public block *i* and private block *i + zones*; the rest are reserved.
pub fn eksctl_layout(cidr: Ipv4Network, zones: usize) -> Option<Vec<Ipv4Network>> {
    let extra_bits: u8 = match zones.checked_mul(2)? {
        0..=8 => 3,
        9..=16 => 4,
        _ => return None,
    };
    let prefix = cidr.prefix().checked_add(extra_bits)?;
    net4(cidr)?.subnets(prefix).ok()?.map(network4).collect()
}

/// Why `Fn::Cidr` cannot carve what it was asked for.
pub type FnCidrError = String;

/// `Fn::Cidr [ipBlock, count, cidrBits]`: `count` consecutive blocks of `cidr_bits` host bits
/// (a /(32 − cidrBits), or /(128 − cidrBits) for IPv6), carved in order from the start of
/// `block`. CloudFormation allows a count of 1 to 256.
pub fn fn_cidr(block: &str, count: u32, cidr_bits: u32) -> Result<Vec<String>, FnCidrError> {
    let text = block.trim();
    if text.contains(':') {
        let parsed: Ipv6Network = text
            .parse()
            .map_err(|_| format!("`{block}` is not an IPv6 CIDR block"))?;
        let prefix = carved_prefix(128, parsed.prefix(), count, cidr_bits, &parsed.to_string())?;
        let net = net6(parsed).ok_or_else(|| format!("`{block}` is not an IPv6 CIDR block"))?;
        return take(net.subnets(prefix).ok(), count);
    }
    let parsed: Ipv4Network = text
        .parse()
        .map_err(|_| format!("`{block}` is not an IPv4 CIDR block"))?;
    let prefix = carved_prefix(32, parsed.prefix(), count, cidr_bits, &parsed.to_string())?;
    let net = net4(parsed).ok_or_else(|| format!("`{block}` is not an IPv4 CIDR block"))?;
    take(net.subnets(prefix).ok(), count)
}

/// The first `count` blocks, as text.
fn take<B: ToString>(
    blocks: Option<impl Iterator<Item = B>>,
    count: u32,
) -> Result<Vec<String>, FnCidrError> {
    let count = usize::try_from(count).map_err(|_| "count too large".to_owned())?;
    let blocks = blocks.ok_or_else(|| "the blocks do not fit".to_owned())?;
    Ok(blocks.take(count).map(|b| b.to_string()).collect())
}

/// The prefix length `Fn::Cidr` carves: checks `count` (1 to 256) and that `count` blocks of
/// `cidr_bits` host bits fit in a /`within` block of an address `width` bits long.
fn carved_prefix(
    width: u8,
    within: u8,
    count: u32,
    cidr_bits: u32,
    block: &str,
) -> Result<u8, FnCidrError> {
    if !(1..=256).contains(&count) {
        return Err(format!("count is {count}; it must be 1 to 256"));
    }
    let prefix = prefix_for(width, within, cidr_bits, block)?;
    fits(within, prefix, count, block)?;
    Ok(prefix)
}

/// The prefix length of blocks with `cidr_bits` host bits in an address of `width` bits,
/// inside a /`within` block.
fn prefix_for(width: u8, within: u8, cidr_bits: u32, block: &str) -> Result<u8, FnCidrError> {
    u8::try_from(cidr_bits)
        .ok()
        .and_then(|bits| width.checked_sub(bits))
        .filter(|prefix| *prefix >= within && cidr_bits >= 1)
        .ok_or_else(|| {
            format!(
                "cidrBits {cidr_bits} does not fit in {block}: it must be 1 to {}",
                width - within
            )
        })
}

/// Whether a /`within` block holds `count` blocks of /`prefix`.
fn fits(within: u8, prefix: u8, count: u32, block: &str) -> Result<(), FnCidrError> {
    let available = blocks_in(within, prefix);
    if u64::from(count) > available {
        return Err(format!(
            "{block} holds {available} blocks of /{prefix}, not {count}"
        ));
    }
    Ok(())
}

/// A /`prefix` block inside `within`, the `index`-th (counted round the block), or the next
/// one after it that overlaps none of `taken`.
pub fn carve_v4(
    within: Ipv4Network,
    prefix: u8,
    index: u32,
    taken: &[Ipv4Network],
) -> Option<Ipv4Network> {
    let net = net4(within)?;
    let all = net.subnets(prefix).ok()?;
    let count = blocks_in(within.prefix(), prefix);
    let start = usize::try_from(u64::from(index) % count.max(1)).ok()?;
    all.skip(start)
        .chain(all.take(start))
        .filter_map(network4)
        .find(|block| {
            taken
                .iter()
                .all(|t| !t.contains(block.network()) && !block.contains(t.network()))
        })
}

/// The most /64s of a block [`carve_v6`] tries.
const MOST_V6_TRIED: usize = 4096;

/// A /64 inside `within`: the `index`-th (counted round the first 4,096), or the next one
/// after it that overlaps none of `taken`.
pub fn carve_v6(within: Ipv6Network, index: u32, taken: &[Ipv6Network]) -> Option<Ipv6Network> {
    let net = net6(within)?;
    let count = blocks_in(within.prefix(), 64).min(MOST_V6_TRIED as u64);
    let all = net.subnets(64).ok()?.take(MOST_V6_TRIED);
    let start = usize::try_from(u64::from(index) % count.max(1)).ok()?;
    all.clone()
        .skip(start)
        .chain(all.take(start))
        .filter_map(network6)
        .find(|block| {
            taken
                .iter()
                .all(|t| !t.contains(block.network()) && !block.contains(t.network()))
        })
}

/// The `n`-th /`prefix` block of `within` (counted round the block).
pub fn nth_v6(within: Ipv6Network, prefix: u8, n: u32) -> Option<Ipv6Network> {
    let net = net6(within)?;
    let count = blocks_in(within.prefix(), prefix);
    let n = usize::try_from(u64::from(n) % count.max(1)).ok()?;
    net.subnets(prefix).ok()?.nth(n).and_then(network6)
}

/// The smallest block containing all `blocks`.
pub fn supernet(blocks: &[Ipv4Network]) -> Option<Ipv4Network> {
    let nets: Vec<Ipv4Net> = blocks.iter().copied().filter_map(net4).collect();
    let mut candidate = *nets.first()?;
    loop {
        if nets.iter().all(|b| candidate.contains(b)) {
            return network4(candidate);
        }
        candidate = candidate.supernet()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(blocks: &[Ipv4Network]) -> Vec<String> {
        blocks.iter().map(ToString::to_string).collect()
    }

    /// eksctl's default VPC: "The default VPC CIDR used by eksctl is 192.168.0.0/16. It is
    /// divided into 8 (/19) subnets (3 private, 3 public & 2 reserved)" (eksctl user guide,
    /// "VPC Configuration"); `SetSubnets` (pkg/vpc/vpc.go) gives zone i public block i and
    /// private block i + zones.
    #[test]
    fn eksctl_default_vpc_is_eight_19s_public_first_then_private() {
        let cidr = "192.168.0.0/16".parse().unwrap();
        let all = strings(&eksctl_layout(cidr, 3).unwrap());
        assert_eq!(
            all,
            [
                // public, zones a b c
                "192.168.0.0/19",
                "192.168.32.0/19",
                "192.168.64.0/19",
                // private, zones a b c
                "192.168.96.0/19",
                "192.168.128.0/19",
                "192.168.160.0/19",
                // reserved
                "192.168.192.0/19",
                "192.168.224.0/19",
            ]
        );
    }

    #[test]
    fn eksctl_more_than_four_zones_split_into_sixteen() {
        let all = strings(&eksctl_layout("10.0.0.0/16".parse().unwrap(), 5).unwrap());
        assert_eq!(all.len(), 16);
        assert_eq!(all.get(1).map(String::as_str), Some("10.0.16.0/20"));
        assert_eq!(all.last().map(String::as_str), Some("10.0.240.0/20"));
        assert!(eksctl_layout("10.0.0.0/16".parse().unwrap(), 9).is_none());
        // A /24, the smallest eksctl takes, still splits into /27s.
        let small = strings(&eksctl_layout("10.0.0.0/24".parse().unwrap(), 2).unwrap());
        assert_eq!(small.first().map(String::as_str), Some("10.0.0.0/27"));
        assert!(eksctl_layout("10.0.0.0/30".parse().unwrap(), 2).is_none());
    }

    /// Template Reference, "Fn::Cidr", example: `!Cidr [ "192.168.0.0/24", 6, 5 ]` "creates 6
    /// CIDRs with a subnet mask "/27" inside from a CIDR with a mask of "/24"".
    #[test]
    fn fn_cidr_documented_ipv4_example_is_six_27s() {
        assert_eq!(
            fn_cidr("192.168.0.0/24", 6, 5).unwrap(),
            [
                "192.168.0.0/27",
                "192.168.0.32/27",
                "192.168.0.64/27",
                "192.168.0.96/27",
                "192.168.0.128/27",
                "192.168.0.160/27",
            ]
        );
        assert_eq!(
            fn_cidr("10.0.0.0/16", 2, 12).unwrap(),
            ["10.0.0.0/20", "10.0.16.0/20"]
        );
    }

    /// Template Reference, "Fn::Cidr", IPv6 example: `Ipv6CidrBlock: !Select [0, !Cidr [!Select
    /// [0, !GetAtt VPC.Ipv6CidrBlocks], 1, 64]]` — a /64 of the VPC's /56. The evaluator
    /// leaves it unknown when the VPC's block is Amazon-provided; a known block is carved.
    #[test]
    fn fn_cidr_documented_ipv6_example_is_a_64_of_the_vpc_block() {
        assert_eq!(
            fn_cidr("2001:db8:1234:1a00::/56", 1, 64).unwrap(),
            ["2001:db8:1234:1a00::/64"]
        );
        assert_eq!(
            fn_cidr("2001:db8:1234:1a00::/56", 3, 64).unwrap(),
            [
                "2001:db8:1234:1a00::/64",
                "2001:db8:1234:1a01::/64",
                "2001:db8:1234:1a02::/64"
            ]
        );
        assert!(fn_cidr("2001:db8::/56", 1, 80).is_err(), "a /48 is bigger");
        assert!(
            fn_cidr("2001:db8::/120", 257, 1).is_err(),
            "count above 256"
        );
    }

    #[test]
    fn fn_cidr_refuses_what_does_not_fit() {
        assert!(fn_cidr("10.0.0.0/24", 3, 7).is_err(), "two /25 only");
        assert!(
            fn_cidr("10.0.0.0/24", 1, 9).is_err(),
            "bigger than the block"
        );
        assert!(fn_cidr("10.0.0.0/24", 1, 0).is_err(), "no host bits");
        assert!(fn_cidr("10.0.0.0/24", 0, 4).is_err(), "count 0");
        assert!(fn_cidr("10.0.0.0/24", 1, u32::MAX).is_err());
        assert!(fn_cidr("nonsense", 1, 4).is_err());
        assert_eq!(
            fn_cidr("10.0.0.0/24", 3, 7).unwrap_err(),
            "10.0.0.0/24 holds 2 blocks of /25, not 3"
        );
    }

    #[test]
    fn carve_v4_takes_the_indexed_free_block() {
        let vpc: Ipv4Network = "10.0.0.0/16".parse().unwrap();
        assert_eq!(
            carve_v4(vpc, 24, 200, &[]).unwrap().to_string(),
            "10.0.200.0/24"
        );
        let taken = [
            "10.0.200.0/24".parse().unwrap(),
            "10.0.201.0/25".parse().unwrap(),
        ];
        assert_eq!(
            carve_v4(vpc, 24, 200, &taken).unwrap().to_string(),
            "10.0.202.0/24"
        );
        // The index counts round the block: the 4th /24 of a /22 is its first again.
        let small: Ipv4Network = "10.0.0.0/22".parse().unwrap();
        assert_eq!(
            carve_v4(small, 24, 4, &[]).unwrap().to_string(),
            "10.0.0.0/24"
        );
        // A taken block covering all of it leaves nothing.
        assert!(carve_v4(small, 24, 0, &[small]).is_none());
        assert!(
            carve_v4(small, 20, 0, &[]).is_none(),
            "bigger than the block"
        );
    }

    #[test]
    fn ipv6_placeholders_are_carved_in_64s() {
        let vpc: Ipv6Network = "2001:db8:100::/56".parse().unwrap();
        let first = carve_v6(vpc, 0, &[]).unwrap();
        assert_eq!(first.to_string(), "2001:db8:100::/64");
        assert_eq!(
            carve_v6(vpc, 3, &[]).unwrap().to_string(),
            "2001:db8:100:3::/64"
        );
        assert_eq!(
            carve_v6(vpc, 0, &[first]).unwrap().to_string(),
            "2001:db8:100:1::/64"
        );
        assert_eq!(
            carve_v6(vpc, 256, &[]).unwrap().to_string(),
            "2001:db8:100::/64"
        );
        let pool: Ipv6Network = "2001:db8:100::/40".parse().unwrap();
        assert_eq!(
            nth_v6(pool, 56, 1).unwrap().to_string(),
            "2001:db8:100:100::/56"
        );
    }

    #[test]
    fn supernet_covers_every_block() {
        let blocks: Vec<Ipv4Network> = ["10.0.1.0/24", "10.0.3.0/24"]
            .iter()
            .map(|b| b.parse().unwrap())
            .collect();
        assert_eq!(supernet(&blocks).unwrap().to_string(), "10.0.0.0/22");
        assert_eq!(
            supernet(&["10.0.1.5/24".parse().unwrap()])
                .unwrap()
                .to_string(),
            "10.0.1.0/24"
        );
        assert!(supernet(&[]).is_none());
    }
}
