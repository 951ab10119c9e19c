//! The packet filters every walk applies on its way: a client's security group egress, and a
//! subnet's network ACL in either direction.
//!
//! The rules themselves are evaluated in `filters`; this file records the result in the walk,
//! as a passing [`Step`] or as the hop and sentence that say what dropped the packet and why.
//! Because NACLs are stateless, the walks check each one twice: for the request on its port,
//! and for the reply on the ephemeral ports 1024-65535; when no rule lets a reply through,
//! the sentence says that return traffic needs those ports.

use std::net::IpAddr;

use super::filters::{AclVerdict, Direction, evaluate_acl_for, sg_egress_allows_for};
use super::walk::{Check, Walk};
use super::{Denial, Leg, Step, Tracer};
use crate::reason::Reason;
use crate::scenario::{Client, ClientLocation, PortRange, SgIx, Subnet};

impl<'s> Tracer<'s> {
    /// Client security group egress. `destination_groups` are the groups a reference in an
    /// egress rule can match at the destination.
    pub(super) fn client_egress(
        &self,
        walk: &mut Walk<'s>,
        client: &'s Client,
        destination: IpAddr,
        destination_groups: &[SgIx],
    ) -> Check {
        let ClientLocation::Subnet(_) = client.location else {
            return Ok(());
        };
        if client.security_groups.is_empty() {
            walk.pass(Step::NoClientGroups);
            return Ok(());
        }
        match sg_egress_allows_for(
            self.scenario,
            self.proto,
            &client.security_groups,
            self.port,
            destination,
            destination_groups,
        ) {
            Some(found) => {
                walk.pass(Step::SgEgress {
                    groups: &client.security_groups,
                    found,
                    proto: self.proto,
                    port: self.port,
                    to: destination,
                });
                Ok(())
            }
            None => {
                let names = self.scenario.sg_names(&client.security_groups);
                walk.deny(
                Denial::SecurityGroups {
                    groups: &client.security_groups,
                    direction: Direction::Outbound,
                    proto: self.proto,
                    port: self.port,
                    peer: destination,
                    peer_groups: destination_groups.to_vec(),
                },
                names.clone(),
                Reason::SgEgressDeny,
                format!("security group {names} of client {} has no egress rule allowing {}/{} to {destination}", client.name, self.proto, self.port),
            )
            }
        }
    }

    /// A subnet's network ACL on TCP traffic with `peer` on `ports`.
    pub(super) fn nacl(
        &self,
        walk: &mut Walk<'s>,
        subnet: &'s Subnet,
        direction: Direction,
        peer: IpAddr,
        ports: PortRange,
        leg: Leg,
    ) -> Check {
        let proto = self.proto;
        let passed = Step::Nacl {
            proto,
            subnet,
            direction,
            leg,
            peer,
            ports,
        };
        let Some(acl) = subnet
            .network_acl
            .and_then(|acl| self.scenario.network_acl(acl))
        else {
            walk.pass(passed);
            return Ok(());
        };
        let what = leg.as_str();
        let at = format!("{} ({} {})", acl.id, subnet.id, direction.as_str());
        let reason = match direction {
            Direction::Inbound => Reason::NaclInboundDeny,
            Direction::Outbound => Reason::NaclOutboundDeny,
        };
        let (peer_word, port_word) = match direction {
            Direction::Inbound => ("from", "to"),
            Direction::Outbound => ("to", "to"),
        };
        let denial = |ports, rule| Denial::Nacl {
            acl,
            subnet,
            direction,
            leg,
            proto,
            peer,
            ports,
            rule,
        };
        match evaluate_acl_for(acl, proto, direction, peer, ports) {
            AclVerdict::Allowed { .. } => {
                walk.pass(passed);
                Ok(())
            }
            AclVerdict::Denied { rule, ports: denied } => walk.fail(
                at,
                format!("{what}: rule {} denies {proto} {port_word} port {denied} {peer_word} {peer}", rule.number),
                Some(denial(denied, Some(rule))),
                reason,
                format!(
                    "network ACL {} ({} {}) rule {} denies the {what} ({proto} {port_word} port {denied} {peer_word} {peer})",
                    acl.id,
                    subnet.id,
                    direction.as_str(),
                    rule.number
                ),
            ),
            AclVerdict::ImplicitDeny { ports: denied } => walk.fail(
                at,
                format!("{what}: no rule allows {proto} {port_word} port {denied} {peer_word} {peer} (implicit deny)"),
                Some(denial(denied, None)),
                reason,
                format!(
                    "network ACL {} ({} {}) has no rule allowing the {what} ({proto} {port_word} port {denied} {peer_word} {peer}), so the implicit deny drops it{}",
                    acl.id,
                    subnet.id,
                    direction.as_str(),
                    if ports == PortRange::EPHEMERAL { "; NACLs are stateless and return traffic needs ephemeral ports 1024-65535" } else { "" }
                ),
            ),
        }
    }
}
