//! `Fn::Cidr`: the CIDR blocks carved from a block as CloudFormation carves them, `count`
//! consecutive blocks of `cidrBits` host bits from the start of the block, so subnet CIDRs
//! written this way are known without deploying; an IPv6 block is carved the same way (its
//! usual argument, the VPC's Amazon-provided `Ipv6CidrBlocks`, is unknown, and so is the
//! result). The carving is `crate::import::cidr`'s. Reference: AWS CloudFormation Template
//! Reference, "Fn::Cidr".

use serde_yaml::Value;

use crate::import::cidr::fn_cidr;

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
        let number = |value: &Value, what: &str| {
            scalar_text(value)
                .and_then(|text| text.trim().parse::<u32>().ok())
                .ok_or_else(|| problem(path, format!("Fn::Cidr: {what} must be a whole number")))
        };
        let blocks = fn_cidr(&block, number(&count, "count")?, number(&bits, "cidrBits")?)
            .map_err(|message| problem(path, format!("Fn::Cidr: {message}")))?;
        Ok(Value::Sequence(
            blocks.into_iter().map(Value::String).collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{eval, eval_in, yaml};
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
            fn_cidr("10.0.0.0/16", 2, 12).unwrap(),
            ["10.0.0.0/20", "10.0.16.0/20"]
        );
        assert!(fn_cidr("10.0.0.0/24", 3, 7).is_err(), "two /25 only");
        assert!(
            fn_cidr("10.0.0.0/24", 1, 9).is_err(),
            "bigger than the block"
        );
        assert!(fn_cidr("10.0.0.0/24", 0, 4).is_err(), "count 0");
        assert!(fn_cidr("nonsense", 1, 4).is_err());
    }

    /// The Template Reference's IPv6 example: a /64 of the VPC's first IPv6 block, which is
    /// Amazon-provided, so unknown until deployed; a written block is carved.
    #[test]
    fn cidr_of_the_vpc_ipv6_block_is_unknown_and_a_written_one_is_carved() {
        let (result, _) = eval_in(
            Some("eu-west-1"),
            "!Select [0, !Cidr [!Select [0, !GetAtt Vpc.Ipv6CidrBlocks], 1, 64]]",
        );
        assert_eq!(result.unwrap(), Some(Value::Null));
        assert_eq!(
            eval("!Cidr ['2001:db8:1234:1a00::/56', 2, 64]"),
            yaml("['2001:db8:1234:1a00::/64', '2001:db8:1234:1a01::/64']")
        );
    }
}
