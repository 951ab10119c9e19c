//! Values: IPv4 addresses, CIDR blocks, DNS domain names, protocols and ports.
//!
//! Each parser reports what is wrong with the text and, where it can, how to write it (a
//! missing `/prefix`, an IPv6 address in an IPv4-only field and the field to write it in, an
//! ambiguous leading zero),
//! because the person reading the problem has to fix the file, not the parser.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::Name;
use ipnetwork::{IpNetwork, Ipv4Network, Ipv6Network};

use super::Validator;
use crate::diagnostic::LoadCode;
use crate::scenario::model::{PortRange, Protocol};
use crate::scenario::raw::{Scalar, Text};
use crate::scenario::spans::{join_index, join_key};

/// Why a dotted quad with a leading-zero octet is refused: `010` is 8 to inet_aton and 10 to
/// others, so Rust (and AWS) reject the form outright.
fn leading_zero_hint(text: &str) -> String {
    let octets: Vec<&str> = text.split('.').collect();
    let dotted_quad = octets.len() == 4
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.bytes().all(|b| b.is_ascii_digit()));
    if !dotted_quad || !octets.iter().any(|o| o.len() > 1 && o.starts_with('0')) {
        return String::new();
    }
    let fixed: Vec<String> = octets
        .iter()
        .map(|o| {
            let trimmed = o.trim_start_matches('0');
            if trimmed.is_empty() {
                "0".to_owned()
            } else {
                trimmed.to_owned()
            }
        })
        .collect();
    format!(
        ": leading zeros are ambiguous (some tools read them as octal); write `{}`",
        fixed.join(".")
    )
}

impl Validator<'_> {
    pub(super) fn ipv4(&mut self, text: &str, path: &str) -> Option<Ipv4Addr> {
        self.ipv4_beside(text, path, None)
    }

    /// An IPv4 address in a field that has an IPv6 counterpart (`ip` and `ipv6`): an IPv6
    /// value names the field to write it in (SPEC 7.1).
    pub(super) fn ipv4_beside(
        &mut self,
        text: &str,
        path: &str,
        ipv6_field: Option<&str>,
    ) -> Option<Ipv4Addr> {
        match text.trim().parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) => Some(ip),
            Ok(IpAddr::V6(ip)) => {
                let hint = ip
                    .to_ipv4_mapped()
                    .map(|v4| format!(" (write the IPv4-mapped address as `{v4}`)"))
                    .unwrap_or_default();
                let field = field_name(path);
                let advice = match ipv6_field {
                    Some(other) => format!("; write IPv6 addresses in `{other}`"),
                    None => String::new(),
                };
                self.problem(
                    LoadCode::WrongFamily,
                    path,
                    format!("`{text}` is an IPv6 address; `{field}` holds IPv4 only{advice}{hint}"),
                );
                None
            }
            Err(_) => {
                let hint = leading_zero_hint(text.trim());
                self.problem(
                    LoadCode::BadValue,
                    path,
                    format!("`{text}` is not an IPv4 address{hint}"),
                );
                None
            }
        }
    }

    /// Parses `a.b.c.d/n` or an IPv6 block, explaining what is wrong when it does not parse.
    pub(super) fn cidr(&mut self, text: &str, path: &str) -> Option<IpNetwork> {
        let trimmed = text.trim();
        let Some((address, prefix)) = trimmed.split_once('/') else {
            let hint = match trimmed.parse::<IpAddr>() {
                Ok(IpAddr::V4(_)) => format!(" (for a single address write `{trimmed}/32`)"),
                Ok(IpAddr::V6(_)) => format!(" (for a single address write `{trimmed}/128`)"),
                Err(_) => String::new(),
            };
            self.problem(
                LoadCode::BadCidr,
                path,
                format!("`{text}` is not a CIDR block: missing `/prefix`{hint}"),
            );
            return None;
        };
        let Ok(address) = address.parse::<IpAddr>() else {
            let hint = leading_zero_hint(address);
            self.problem(
                LoadCode::BadCidr,
                path,
                format!(
                    "`{text}` is not a valid CIDR block: `{address}` is not an IP address{hint}"
                ),
            );
            return None;
        };
        let max = if address.is_ipv4() { 32 } else { 128 };
        // Plain decimal only: `016` or `+16` is as ambiguous as a leading-zero octet.
        let decimal = !prefix.is_empty()
            && prefix.bytes().all(|b| b.is_ascii_digit())
            && (prefix == "0" || !prefix.starts_with('0'));
        let prefix = match prefix.parse::<u8>() {
            Ok(prefix) if prefix <= max && decimal => prefix,
            _ => {
                self.problem(LoadCode::BadCidr,
                    path,
                    format!("`{text}` is not a valid CIDR block: prefix length `{prefix}` is not in 0-{max}"),
                );
                return None;
            }
        };
        match IpNetwork::new(address, prefix) {
            Ok(network) => Some(network),
            Err(error) => {
                self.problem(
                    LoadCode::BadCidr,
                    path,
                    format!("`{text}` is not a valid CIDR block: {error}"),
                );
                None
            }
        }
    }

    /// An IPv4 block in a field with an IPv6 counterpart (`cidrs` and `ipv6Cidrs`).
    pub(super) fn cidr4_beside(
        &mut self,
        text: &str,
        path: &str,
        ipv6_field: Option<&str>,
    ) -> Option<Ipv4Network> {
        match self.cidr(text, path)? {
            IpNetwork::V4(network) => Some(network),
            IpNetwork::V6(_) => {
                let field = field_name(path);
                let advice = match ipv6_field {
                    Some(other) => format!("; write IPv6 blocks in `{other}`"),
                    None => String::new(),
                };
                self.problem(
                    LoadCode::WrongFamily,
                    path,
                    format!("`{text}` is an IPv6 block; `{field}` holds IPv4 only{advice}"),
                );
                None
            }
        }
    }

    /// An IPv6 address (`ipv6` fields): an IPv4 one names the IPv4 field.
    pub(super) fn ipv6(&mut self, text: &str, path: &str, ipv4_field: &str) -> Option<Ipv6Addr> {
        match text.trim().parse::<IpAddr>() {
            Ok(IpAddr::V6(ip)) => Some(ip),
            Ok(IpAddr::V4(_)) => {
                let field = field_name(path);
                self.problem(LoadCode::WrongFamily,
                    path,
                    format!("`{text}` is an IPv4 address; `{field}` holds IPv6 only (write it in `{ipv4_field}`)"),
                );
                None
            }
            Err(_) => {
                self.problem(
                    LoadCode::BadValue,
                    path,
                    format!("`{text}` is not an IPv6 address"),
                );
                None
            }
        }
    }

    /// An IPv6 block (`ipv6Cidrs`, `ipv6Cidr`): an IPv4 one names the IPv4 field.
    pub(super) fn cidr6(
        &mut self,
        text: &str,
        path: &str,
        ipv4_field: &str,
    ) -> Option<Ipv6Network> {
        match self.cidr(text, path)? {
            IpNetwork::V6(network) => Some(network),
            IpNetwork::V4(_) => {
                let field = field_name(path);
                self.problem(LoadCode::WrongFamily,
                    path,
                    format!("`{text}` is an IPv4 block; `{field}` holds IPv6 only (write it in `{ipv4_field}`)"),
                );
                None
            }
        }
    }

    /// Every IPv6 block of a list at `path`; each bad one is reported.
    pub(super) fn cidr6_list(
        &mut self,
        items: &[Text],
        path: &str,
        ipv4_field: &str,
    ) -> Vec<Ipv6Network> {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, text)| self.cidr6(text, &join_index(path, i), ipv4_field))
            .collect()
    }

    /// Every address of a list at `path`; each bad one is reported.
    pub(super) fn ipv4_list(&mut self, items: &[Text], path: &str) -> Vec<Ipv4Addr> {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, text)| self.ipv4(text, &join_index(path, i)))
            .collect()
    }

    /// Every address of a list that takes both families, split by family.
    pub(super) fn ip_list(&mut self, items: &[Text], path: &str) -> (Vec<Ipv4Addr>, Vec<Ipv6Addr>) {
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for (i, text) in items.iter().enumerate() {
            match text.trim().parse::<IpAddr>() {
                Ok(IpAddr::V4(ip)) => v4.push(ip),
                Ok(IpAddr::V6(ip)) => v6.push(ip),
                Err(_) => {
                    let hint = leading_zero_hint(text.trim());
                    self.problem(
                        LoadCode::BadValue,
                        &join_index(path, i),
                        format!("`{text}` is not an IP address{hint}"),
                    );
                }
            }
        }
        (v4, v6)
    }

    /// Every IPv4 block of a list at `path`; each bad one is reported.
    pub(super) fn cidr4_list_beside(
        &mut self,
        items: &[Text],
        path: &str,
        ipv6_field: Option<&str>,
    ) -> Vec<Ipv4Network> {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, text)| self.cidr4_beside(text, &join_index(path, i), ipv6_field))
            .collect()
    }

    pub(super) fn domain(&mut self, text: &str, path: &str) -> Option<Name> {
        match Name::from_ascii(text.trim()) {
            Ok(mut name) => {
                name.set_fqdn(true);
                Some(name)
            }
            Err(error) => {
                self.problem(
                    LoadCode::BadValue,
                    path,
                    format!("`{text}` is not a DNS domain name: {error}"),
                );
                None
            }
        }
    }

    pub(super) fn protocol(&mut self, value: &Option<Scalar>, parent: &str) -> Option<Protocol> {
        let text = &self.required(value, parent, "protocol")?.0;
        // Spaces around a value are insignificant, as for addresses, blocks and ports.
        let protocol = Protocol::parse(text.trim());
        if protocol.is_none() {
            let message = format!("unknown protocol `{text}`: expected tcp, udp, icmp or all");
            self.problem(LoadCode::BadValue, &join_key(parent, "protocol"), message);
        }
        protocol
    }

    /// Ports matter for TCP and UDP only; AWS ignores them for `all` and `icmp`.
    pub(super) fn ports(
        &mut self,
        value: &Option<Scalar>,
        protocol: Protocol,
        parent: &str,
    ) -> Option<PortRange> {
        if !protocol.has_ports() {
            return Some(PortRange::ALL);
        }
        let path = join_key(parent, "ports");
        let Some(Scalar(text)) = value else {
            // Ports of the wrong type were reported as such, not as missing.
            if !self.is_suppressed(&path) {
                let message = format!(
                    "missing required field `ports` for protocol {protocol} (write `443` or `1024-65535`)"
                );
                self.problem(LoadCode::MissingField, parent, message);
            }
            return None;
        };
        let range = PortRange::parse(text);
        if range.is_none() {
            let message = format!(
                "`{text}` is not a port or port range: write `443` or `1024-65535` (0-65535)"
            );
            self.problem(LoadCode::BadValue, &path, message);
        }
        range
    }
}

/// The field a path ends in, without its index: `cluster.enis[1].ip` → `ip`,
/// `vpcs[0].cidrs[2]` → `cidrs`.
fn field_name(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}
