//! `Fn::Cidr`: the CIDR blocks carved from a block as CloudFormation carves them, `count`
//! consecutive blocks of `cidrBits` host bits from the start of the block, so subnet CIDRs
//! written this way are known without deploying. An IPv6 block is not modelled: the result
//! is unknown, and noted. Reference: AWS CloudFormation Template Reference, "Fn::Cidr".

use std::net::Ipv4Addr;

use ipnetwork::Ipv4Network;
use serde_yaml::Value;

use super::{Evaluator, Outcome, arguments, problem, scalar_text};

impl Evaluator<'_> {
    pub(super) fn cidr(&mut self, argument: &Value, path: &str) -> Outcome<Value> {
        let [block, count, bits] =
            arguments::<3>(argument, "Fn::Cidr", "[ipBlock, count, cidrBits]", path)?;
        let block = self.argument(block, path)?;
        let count = self.argument(count, path)?;
        let bits = self.argument(bits, path)?;
        if block.is_null() || count.is_null() || bits.is_null() {
            return Ok(Value::Null);
        }
        let block = scalar_text(&block)
            .ok_or_else(|| problem(path, "Fn::Cidr: ipBlock must be a CIDR block"))?;
        if block.contains(':') {
            self.note_at(
                path,
                format!("Fn::Cidr on the IPv6 block {block} is not modelled; left unknown"),
            );
            return Ok(Value::Null);
        }
        let number = |value: &Value, what: &str| {
            scalar_text(value)
                .and_then(|text| text.trim().parse::<u32>().ok())
                .ok_or_else(|| problem(path, format!("Fn::Cidr: {what} must be a whole number")))
        };
        let blocks = carve_cidrs(&block, number(&count, "count")?, number(&bits, "cidrBits")?)
            .map_err(|message| problem(path, format!("Fn::Cidr: {message}")))?;
        Ok(Value::Sequence(
            blocks.into_iter().map(Value::String).collect(),
        ))
    }
}

/// `Fn::Cidr`: `count` consecutive blocks of `cidr_bits` host bits (a /(32 − cidrBits)),
/// carved in order from the start of `block`.
pub fn carve_cidrs(block: &str, count: u32, cidr_bits: u32) -> Result<Vec<String>, String> {
    let block: Ipv4Network = block
        .trim()
        .parse()
        .map_err(|_| format!("`{block}` is not an IPv4 CIDR block"))?;
    if !(1..=256).contains(&count) {
        return Err(format!("count is {count}; it must be 1 to 256"));
    }
    let prefix = 32u32
        .checked_sub(cidr_bits)
        .filter(|prefix| *prefix >= u32::from(block.prefix()) && cidr_bits >= 1)
        .ok_or_else(|| {
            format!(
                "cidrBits {cidr_bits} does not fit in {block}: it must be 1 to {}",
                32 - u32::from(block.prefix())
            )
        })?;
    let available = 1u64 << (prefix - u32::from(block.prefix()));
    if u64::from(count) > available {
        return Err(format!(
            "{block} holds {available} blocks of /{prefix}, not {count}"
        ));
    }
    let size = 1u64 << cidr_bits;
    let base = u64::from(u32::from(block.network()));
    (0..u64::from(count))
        .map(|i| {
            let start =
                u32::try_from(base + i * size).map_err(|_| "address overflow".to_owned())?;
            Ok(format!("{}/{prefix}", Ipv4Addr::from(start)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{eval, yaml};
    use super::*;

    #[test]
    fn cidr_carves_consecutive_blocks_from_the_start() {
        assert_eq!(
            eval("!Cidr [!Ref VpcCidr, 3, 8]"),
            yaml("[10.20.0.0/24, 10.20.1.0/24, 10.20.2.0/24]")
        );
        assert_eq!(
            eval("!Select [1, !Cidr ['192.168.0.0/24', '6', '5']]"),
            yaml("192.168.0.32/27")
        );
        assert_eq!(
            carve_cidrs("10.0.0.0/16", 2, 12).unwrap(),
            ["10.0.0.0/20", "10.0.16.0/20"]
        );
        assert!(carve_cidrs("10.0.0.0/24", 3, 7).is_err(), "two /25 only");
        assert!(
            carve_cidrs("10.0.0.0/24", 1, 9).is_err(),
            "bigger than the block"
        );
        assert!(carve_cidrs("10.0.0.0/24", 0, 4).is_err(), "count 0");
        assert!(carve_cidrs("nonsense", 1, 4).is_err());
    }
}
