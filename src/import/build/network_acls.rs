//! The `networkAcls` of one VPC: those its subnets use, explicitly or as the VPC's default,
//! except any that allows everything in both directions, which is the scenario's default
//! and would add nothing. Entries keep their rule numbers; the catch-all deny (32767) is
//! implicit in the scenario format.

use std::collections::HashSet;

use ipnetwork::{Ipv4Network, Ipv6Network};

use super::Scenario;
use super::labels::label;
use super::protocols::{port_value, protocol_and_ports};
use crate::import::inventory::{AclEntryDef, NetworkAclDef, SubnetDef};
use crate::import::yaml::{Item, MapBuilder, Value, item, number, text};

impl Scenario<'_> {
    /// `acls` are the VPC's, `subnets` its included subnets, `default_acl` the default ACL
    /// when it does not allow everything.
    pub(super) fn network_acls(
        &mut self,
        acls: &[&NetworkAclDef],
        subnets: &[SubnetDef],
        default_acl: Option<&str>,
    ) -> Vec<Item> {
        let mut acl_items = Vec::new();
        let included: HashSet<&str> = subnets.iter().map(|s| s.id.as_str()).collect();
        for acl in acls {
            let used = acl.subnets.iter().any(|s| included.contains(s.as_str()))
                || (acl.default && default_acl == Some(acl.id.as_str()));
            if allows_everything(acl, self.is_ipv6()) || !used {
                continue;
            }
            let mut acl_map = MapBuilder::new().set("id", text(&acl.id));
            acl_map.push("inbound", Value::List(self.acl_entries(acl, &acl.inbound)));
            acl_map.push(
                "outbound",
                Value::List(self.acl_entries(acl, &acl.outbound)),
            );
            let mut above = vec![format!("from {}", acl.origin)];
            if acl.default {
                above.push("the VPC's default network ACL".to_owned());
            }
            acl_items.push(item(acl_map.build(), above));
        }
        acl_items
    }

    fn acl_entries(&mut self, acl: &NetworkAclDef, entries: &[AclEntryDef]) -> Vec<Item> {
        let ipv6 = self.is_ipv6();
        let mut items = Vec::new();
        let mut numbers = HashSet::new();
        let mut sorted: Vec<&AclEntryDef> = entries.iter().collect();
        sorted.sort_by_key(|e| e.rule);
        for entry in sorted {
            // 32767 is the catch-all `*` deny, implicit in the scenario format.
            if !(1..=32766).contains(&entry.rule) {
                continue;
            }
            // IPv6 entries only in an IPv6 cluster's scenario (see `ipv6`).
            let v4 = entry
                .cidr
                .as_ref()
                .filter(|c| c.parse::<Ipv4Network>().is_ok());
            let v6 = entry
                .ipv6_cidr
                .as_ref()
                .filter(|c| ipv6 && c.parse::<Ipv6Network>().is_ok());
            let Some(cidr) = v4.or(v6) else {
                continue;
            };
            let Some((protocol, ports)) =
                protocol_and_ports(&entry.protocol, entry.from_port, entry.to_port)
            else {
                self.note(format!(
                    "{}: rule {} for protocol {} is not modelled and is left out",
                    label(&acl.id, &acl.origin),
                    entry.rule,
                    entry.protocol
                ));
                continue;
            };
            if !numbers.insert(entry.rule) {
                continue;
            }
            let mut map = MapBuilder::new()
                .set("rule", number(entry.rule))
                .set("protocol", text(&protocol));
            if let Some(ports) = ports {
                map.push("ports", port_value(&ports));
            }
            map.push("cidr", text(cidr));
            map.push("action", text(if entry.allow { "allow" } else { "deny" }));
            items.push(item(map.build(), vec![]));
        }
        items
    }
}
/// Whether a NACL is the allow-everything default (inbound and outbound allow all). In an
/// IPv6 cluster's scenario that takes an allow-all `::/0` entry too: a written NACL without
/// IPv6 entries denies IPv6 ("it allows all inbound and outbound IPv4 traffic and, if
/// applicable, IPv6 traffic" holds for the default NACL only; VPC user guide, "Network ACL
/// basics").
pub(super) fn allows_everything(acl: &NetworkAclDef, ipv6: bool) -> bool {
    let open = |entries: &[AclEntryDef], v6: bool| {
        let mut sorted: Vec<&AclEntryDef> = entries
            .iter()
            .filter(|e| {
                if v6 {
                    e.ipv6_cidr.as_deref() == Some("::/0")
                } else {
                    e.cidr.as_deref() == Some("0.0.0.0/0")
                }
            })
            .collect();
        sorted.sort_by_key(|e| e.rule);
        sorted
            .first()
            .is_some_and(|e| e.allow && matches!(e.protocol.as_str(), "-1" | "all"))
    };
    let both = |entries: &[AclEntryDef]| open(entries, false) && (!ipv6 || open(entries, true));
    (acl.inbound.is_empty() && acl.outbound.is_empty() && acl.default)
        || (both(&acl.inbound) && both(&acl.outbound))
}
