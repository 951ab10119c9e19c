//! The `vpc` section of an eksctl config, as written: an existing VPC (`id`, subnet IDs in
//! `subnets`), or the `cidr`, `subnets` and `nat.gateway` mode of the VPC eksctl creates; the
//! cluster endpoint's settings (`clusterEndpoints`, `publicAccessCIDRs`), which eksctl keeps
//! under `vpc`; and the control plane's subnets and security groups. eksctl's defaults (the
//! endpoint access, the NAT mode, the VPC CIDR) are not applied here: the importer applies
//! them, and notes each one it assumes.

use ipnetwork::{IpNetwork, Ipv4Network};

use super::node::{Node, describe};
use crate::import::Diagnostic;

#[derive(Debug, Default)]
pub(super) struct VpcConfig {
    pub(super) id: Option<String>,
    pub(super) cidr: Option<Ipv4Network>,
    pub(super) extra_cidrs: Vec<Ipv4Network>,
    pub(super) subnets: Vec<SubnetSpec>,
    pub(super) nat: Option<NatMode>,
    pub(super) public_access: Option<bool>,
    pub(super) private_access: Option<bool>,
    pub(super) public_access_cidrs: Option<Vec<String>>,
    pub(super) control_plane_subnet_ids: Vec<String>,
    pub(super) control_plane_on_private_subnets: bool,
    /// `controlPlaneSecurityGroupIDs` and `securityGroup`.
    pub(super) security_groups: Vec<String>,
}

/// One entry of `vpc.subnets.public` or `vpc.subnets.private`: `<name or zone>: {id, cidr, az}`.
#[derive(Debug)]
pub(super) struct SubnetSpec {
    pub(super) topology: Topology,
    pub(super) name: String,
    pub(super) path: String,
    pub(super) id: Option<String>,
    pub(super) cidr: Option<Ipv4Network>,
    pub(super) az: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Topology {
    Public,
    Private,
}

impl Topology {
    /// As in `vpc.subnets.<key>`.
    pub(super) fn key(self) -> &'static str {
        match self {
            Topology::Public => "public",
            Topology::Private => "private",
        }
    }

    /// As in eksctl's CloudFormation names (`SubnetPublicUSWEST2A`).
    pub(super) fn title(self) -> &'static str {
        match self {
            Topology::Public => "Public",
            Topology::Private => "Private",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NatMode {
    Single,
    HighlyAvailable,
    Disable,
}

impl VpcConfig {
    pub(super) fn parse(vpc: &Node<'_>) -> Result<Self, Diagnostic> {
        let endpoints = vpc.section("clusterEndpoints")?;
        let optional_bool = |key: &str| -> Result<Option<bool>, Diagnostic> {
            endpoints
                .as_ref()
                .map(|node| node.optional(key, Node::boolean))
                .transpose()
                .map(Option::flatten)
        };
        let mut security_groups = vpc
            .optional("controlPlaneSecurityGroupIDs", Node::strings)?
            .unwrap_or_default();
        if let Some(group) = vpc.optional("securityGroup", Node::string)?
            && !security_groups.contains(&group)
        {
            security_groups.push(group);
        }
        Ok(VpcConfig {
            id: vpc.optional("id", Node::string)?,
            cidr: vpc.optional("cidr", Node::ipv4_cidr)?,
            extra_cidrs: match vpc.get("extraCIDRs") {
                Some(list) => list
                    .items()?
                    .iter()
                    .map(Node::ipv4_cidr)
                    .collect::<Result<_, _>>()?,
                None => Vec::new(),
            },
            subnets: match vpc.get("subnets") {
                Some(subnets) => SubnetSpec::parse_all(&subnets)?,
                None => Vec::new(),
            },
            nat: vpc
                .section("nat")?
                .and_then(|nat| nat.get("gateway"))
                .map(|gateway| NatMode::parse(&gateway))
                .transpose()?,
            public_access: optional_bool("publicAccess")?,
            private_access: optional_bool("privateAccess")?,
            public_access_cidrs: match vpc.get("publicAccessCIDRs") {
                Some(list) => Some(public_access_cidrs(&list)?),
                None => None,
            },
            control_plane_subnet_ids: vpc
                .optional("controlPlaneSubnetIDs", Node::strings)?
                .unwrap_or_default(),
            control_plane_on_private_subnets: vpc
                .optional("controlPlaneOnPrivateSubnets", Node::boolean)?
                .unwrap_or(false),
            security_groups,
        })
    }
}

/// `vpc.publicAccessCIDRs`: IPv4 or IPv6 blocks (the scenario's rules report IPv6 ones).
fn public_access_cidrs(list: &Node<'_>) -> Result<Vec<String>, Diagnostic> {
    list.items()?
        .iter()
        .map(|item| {
            let text = item.string()?;
            match text.parse::<IpNetwork>() {
                Ok(_) => Ok(text),
                Err(error) => Err(item.error(format!("`{text}` is not a CIDR block ({error})"))),
            }
        })
        .collect()
}

impl SubnetSpec {
    /// `vpc.subnets`: `public` and `private` mappings of `<name or zone>: {id, cidr, az}`.
    pub(super) fn parse_all(subnets: &Node<'_>) -> Result<Vec<Self>, Diagnostic> {
        let mut out = Vec::new();
        for (key, group) in subnets.entries()? {
            let topology = match key.as_str() {
                "public" => Topology::Public,
                "private" => Topology::Private,
                _ => {
                    return Err(
                        group.error("unknown subnet group: eksctl knows `public` and `private`")
                    );
                }
            };
            for (name, spec) in group.entries()? {
                out.push(SubnetSpec::parse(topology, name, &spec)?);
            }
        }
        // eksctl lists public subnets before private ones (`ControlPlaneSubnetRefs`).
        out.sort_by_key(|s| s.topology == Topology::Private);
        Ok(out)
    }

    fn parse(topology: Topology, name: String, spec: &Node<'_>) -> Result<Self, Diagnostic> {
        // `us-west-2a: {}` and `us-west-2a:` (null) both name a subnet by its zone alone.
        let fields = if spec.value.is_null() {
            None
        } else if spec.value.is_mapping() {
            Some(spec)
        } else {
            return Err(spec.error(format!(
                "a subnet is a mapping with id, cidr and az; found {}",
                describe(spec.value)
            )));
        };
        let field = |key: &str| -> Result<Option<String>, Diagnostic> {
            fields
                .map(|node| node.optional(key, Node::string))
                .transpose()
                .map(Option::flatten)
        };
        let cidr = fields
            .map(|node| node.optional("cidr", Node::ipv4_cidr))
            .transpose()?
            .flatten();
        let az = field("az")?.or_else(|| looks_like_zone(&name).then(|| name.clone()));
        Ok(SubnetSpec {
            topology,
            path: spec.path.clone(),
            id: field("id")?,
            cidr,
            az,
            name,
        })
    }
}

/// Whether a `vpc.subnets` key is a zone name (`eu-north-1a`, `us-west-2-lax-1a`) rather
/// than a subnet name of the user's choosing.
fn looks_like_zone(name: &str) -> bool {
    let mut tail = name.chars().rev();
    matches!(
        (tail.next(), tail.next()),
        (Some(letter), Some(digit)) if letter.is_ascii_lowercase() && digit.is_ascii_digit()
    ) && name.contains('-')
}

impl NatMode {
    fn parse(node: &Node<'_>) -> Result<Self, Diagnostic> {
        match node.string()?.as_str() {
            "Single" => Ok(NatMode::Single),
            "HighlyAvailable" => Ok(NatMode::HighlyAvailable),
            "Disable" => Ok(NatMode::Disable),
            other => Err(node.error(format!(
                "`{other}` is not an eksctl NAT mode: expected Single, HighlyAvailable or Disable"
            ))),
        }
    }

    pub(super) fn as_str(self) -> &'static str {
        match self {
            NatMode::Single => "Single",
            NatMode::HighlyAvailable => "HighlyAvailable",
            NatMode::Disable => "Disable",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_names_are_told_from_subnet_names() {
        assert!(looks_like_zone("eu-north-1a"));
        assert!(looks_like_zone("us-west-2-lax-1a"));
        assert!(!looks_like_zone("private-one"));
        assert!(!looks_like_zone("b"));
    }
}
