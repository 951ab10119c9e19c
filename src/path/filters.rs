//! Security groups and network ACLs: the packet filters on the way.
//!
//! Security groups are stateful: only the first packet of a flow is checked, in each
//! direction's rules, and the reply is allowed automatically. Network ACLs are stateless:
//! the request and the reply are each checked, rules in number order, first match wins,
//! implicit deny at the end (VPC user guide, "Control subnet traffic with network ACLs").

use std::net::IpAddr;

use crate::scenario::{AclRule, NetworkAcl, PortRange, Protocol, Scenario, SgIx, SgPeer, SgRule};

/// Which rule list of a network ACL applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

/// The verdict of a network ACL on TCP traffic to a range of ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AclVerdict<'a> {
    /// Every port in the range is allowed.
    Allowed { rules: Vec<&'a AclRule> },
    /// A deny rule matched first for some ports.
    Denied { rule: &'a AclRule, ports: PortRange },
    /// Some ports match no rule, so the implicit deny (`*`) drops them.
    ImplicitDeny { ports: PortRange },
}

/// Evaluates `acl` for TCP traffic from/to `peer` on every port in `ports`: the traffic is
/// allowed only if each port is allowed. A single port (443) is the usual case; the return
/// traffic of a connection uses the whole ephemeral range (see [`PortRange::EPHEMERAL`]).
pub fn evaluate_acl(
    acl: &NetworkAcl,
    direction: Direction,
    peer: IpAddr,
    ports: PortRange,
) -> AclVerdict<'_> {
    evaluate_acl_for(acl, Protocol::Tcp, direction, peer, ports)
}

/// [`evaluate_acl`] for traffic of `proto` (TCP, or UDP for a DNS query).
pub fn evaluate_acl_for(
    acl: &NetworkAcl,
    proto: Protocol,
    direction: Direction,
    peer: IpAddr,
    ports: PortRange,
) -> AclVerdict<'_> {
    let rules = match direction {
        Direction::Inbound => &acl.inbound,
        Direction::Outbound => &acl.outbound,
    };
    // Port intervals not yet decided by any rule, as inclusive (from, to) pairs.
    let mut open: Vec<(u16, u16)> = vec![(ports.from, ports.to)];
    let mut allowing = Vec::new();
    for rule in rules {
        if !rule.protocol.matches(proto) || !rule.cidr.contains(peer) {
            continue;
        }
        let range = if rule.protocol.has_ports() {
            rule.ports
        } else {
            PortRange::ALL
        };
        let mut remaining = Vec::with_capacity(open.len());
        let mut matched = None;
        for (from, to) in open {
            let overlap_from = from.max(range.from);
            let overlap_to = to.min(range.to);
            if overlap_from > overlap_to {
                remaining.push((from, to));
                continue;
            }
            matched.get_or_insert(PortRange {
                from: overlap_from,
                to: overlap_to,
            });
            if from < overlap_from {
                remaining.push((from, overlap_from - 1));
            }
            if overlap_to < to {
                remaining.push((overlap_to + 1, to));
            }
        }
        if let Some(ports) = matched {
            if !rule.allow {
                return AclVerdict::Denied { rule, ports };
            }
            allowing.push(rule);
        }
        open = remaining;
        if open.is_empty() {
            return AclVerdict::Allowed { rules: allowing };
        }
    }
    match open.first() {
        None => AclVerdict::Allowed { rules: allowing },
        Some((from, to)) => AclVerdict::ImplicitDeny {
            ports: PortRange {
                from: *from,
                to: *to,
            },
        },
    }
}

/// Why a security group check passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SgMatch<'a> {
    /// A rule of this group matched.
    Rule(SgIx, &'a SgRule),
    /// The group has no egress rules written, so the AWS default (all outbound) applies.
    DefaultEgress(SgIx),
}

/// Finds an egress rule of `groups` that lets TCP to `port` out to `destination`.
/// `destination_groups` are the security groups on the destination interface when a group
/// reference can match it (empty for the public endpoint or where referencing does not work).
pub fn sg_egress_allows<'a>(
    scenario: &'a Scenario,
    groups: &[SgIx],
    port: u16,
    destination: IpAddr,
    destination_groups: &[SgIx],
) -> Option<SgMatch<'a>> {
    sg_egress_allows_for(
        scenario,
        Protocol::Tcp,
        groups,
        port,
        destination,
        destination_groups,
    )
}

/// [`sg_egress_allows`] for traffic of `proto`.
pub fn sg_egress_allows_for<'a>(
    scenario: &'a Scenario,
    proto: Protocol,
    groups: &[SgIx],
    port: u16,
    destination: IpAddr,
    destination_groups: &[SgIx],
) -> Option<SgMatch<'a>> {
    for &group_ix in groups {
        let Some(group) = scenario.security_group(group_ix) else {
            continue;
        };
        let Some(rules) = &group.egress else {
            return Some(SgMatch::DefaultEgress(group_ix));
        };
        if let Some(rule) = rules
            .iter()
            .find(|rule| rule_matches(rule, proto, port, destination, destination_groups))
        {
            return Some(SgMatch::Rule(group_ix, rule));
        }
    }
    None
}

/// Finds an ingress rule of `groups` that lets TCP to `port` in from `source`, or from a
/// member of one of `source_groups`.
pub fn sg_ingress_allows<'a>(
    scenario: &'a Scenario,
    groups: &[SgIx],
    port: u16,
    source: IpAddr,
    source_groups: &[SgIx],
) -> Option<SgMatch<'a>> {
    sg_ingress_allows_for(scenario, Protocol::Tcp, groups, port, source, source_groups)
}

/// [`sg_ingress_allows`] for traffic of `proto`.
pub fn sg_ingress_allows_for<'a>(
    scenario: &'a Scenario,
    proto: Protocol,
    groups: &[SgIx],
    port: u16,
    source: IpAddr,
    source_groups: &[SgIx],
) -> Option<SgMatch<'a>> {
    for &group_ix in groups {
        let Some(group) = scenario.security_group(group_ix) else {
            continue;
        };
        if let Some(rule) = group
            .ingress
            .iter()
            .find(|rule| rule_matches(rule, proto, port, source, source_groups))
        {
            return Some(SgMatch::Rule(group_ix, rule));
        }
    }
    None
}

fn rule_matches(
    rule: &SgRule,
    proto: Protocol,
    port: u16,
    peer: IpAddr,
    peer_groups: &[SgIx],
) -> bool {
    if !rule.protocol.matches(proto) {
        return false;
    }
    if rule.protocol.has_ports() && !rule.ports.contains(port) {
        return false;
    }
    match rule.peer {
        SgPeer::Cidr(cidr) => cidr.contains(peer),
        SgPeer::Group(group) => peer_groups.contains(&group),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::VpcIx;

    fn rule(number: u32, ports: &str, cidr: &str, allow: bool) -> AclRule {
        AclRule {
            number,
            protocol: Protocol::Tcp,
            ports: PortRange::parse(ports).unwrap(),
            cidr: cidr.parse().unwrap(),
            allow,
            path: format!("rule{number}"),
        }
    }

    fn acl(outbound: Vec<AclRule>) -> NetworkAcl {
        NetworkAcl {
            id: "acl".into(),
            path: "acl".into(),
            vpc: VpcIx(0),
            inbound: Vec::new(),
            outbound,
        }
    }

    const PEER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 1, 50));

    #[test]
    fn nacl_first_matching_rule_wins() {
        let acl = acl(vec![
            rule(100, "443", "10.0.0.0/16", false),
            rule(200, "443", "0.0.0.0/0", true),
        ]);
        let verdict = evaluate_acl(&acl, Direction::Outbound, PEER, PortRange::HTTPS);
        assert!(matches!(verdict, AclVerdict::Denied { rule, .. } if rule.number == 100));
    }

    #[test]
    fn nacl_no_matching_rule_is_implicit_deny() {
        let acl = acl(vec![rule(100, "80", "0.0.0.0/0", true)]);
        let verdict = evaluate_acl(&acl, Direction::Outbound, PEER, PortRange::HTTPS);
        assert_eq!(
            verdict,
            AclVerdict::ImplicitDeny {
                ports: PortRange::HTTPS
            }
        );
    }

    #[test]
    fn nacl_return_traffic_needs_the_whole_ephemeral_range() {
        let partial = acl(vec![rule(100, "32768-65535", "0.0.0.0/0", true)]);
        let verdict = evaluate_acl(&partial, Direction::Outbound, PEER, PortRange::EPHEMERAL);
        assert_eq!(
            verdict,
            AclVerdict::ImplicitDeny {
                ports: PortRange {
                    from: 1024,
                    to: 32767
                }
            }
        );
        let full = acl(vec![
            rule(100, "1024-40000", "0.0.0.0/0", true),
            rule(110, "40001-65535", "0.0.0.0/0", true),
        ]);
        let verdict = evaluate_acl(&full, Direction::Outbound, PEER, PortRange::EPHEMERAL);
        assert!(matches!(verdict, AclVerdict::Allowed { rules } if rules.len() == 2));
    }

    #[test]
    fn nacl_deny_inside_the_ephemeral_range_blocks_the_return() {
        let acl = acl(vec![
            rule(90, "2049", "0.0.0.0/0", false),
            rule(100, "1024-65535", "0.0.0.0/0", true),
        ]);
        let verdict = evaluate_acl(&acl, Direction::Outbound, PEER, PortRange::EPHEMERAL);
        assert!(
            matches!(verdict, AclVerdict::Denied { ports, .. } if ports == PortRange { from: 2049, to: 2049 })
        );
    }
}
