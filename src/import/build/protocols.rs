//! AWS protocol and port fields, which security group rules and network ACL entries share,
//! in the scenario's terms: `all`, `tcp`, `udp` or `icmp`, and ports as one number or a
//! range. A protocol the scenario does not model comes back as `None`, for the caller to
//! note and leave out.

use crate::import::yaml::{Value, number, text};

/// AWS protocol and port fields → scenario `protocol` and `ports`; `None` for protocols the
/// scenario does not model.
pub fn protocol_and_ports(
    protocol: &str,
    from: Option<i64>,
    to: Option<i64>,
) -> Option<(String, Option<String>)> {
    let protocol = match protocol.to_ascii_lowercase().as_str() {
        "-1" | "all" => return Some(("all".to_owned(), None)),
        "tcp" | "6" => "tcp",
        "udp" | "17" => "udp",
        "icmp" | "1" => return Some(("icmp".to_owned(), None)),
        _ => return None,
    };
    let ports = match (from, to) {
        (Some(from), Some(to))
            if (0..=65535).contains(&from) && (0..=65535).contains(&to) && from <= to =>
        {
            if from == to {
                from.to_string()
            } else {
                format!("{from}-{to}")
            }
        }
        (Some(port), None) | (None, Some(port)) if (0..=65535).contains(&port) => port.to_string(),
        _ => "0-65535".to_owned(),
    };
    Some((protocol.to_owned(), Some(ports)))
}

/// `443` as a number, `1024-65535` as text.
pub(super) fn port_value(ports: &str) -> Value {
    match ports.parse::<u16>() {
        Ok(port) => number(port),
        Err(_) => text(ports),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_and_ports_map_to_the_scenario_format() {
        assert_eq!(
            protocol_and_ports("-1", Some(0), Some(0)),
            Some(("all".into(), None))
        );
        assert_eq!(
            protocol_and_ports("tcp", Some(443), Some(443)),
            Some(("tcp".into(), Some("443".into())))
        );
        assert_eq!(
            protocol_and_ports("6", Some(1024), Some(65535)),
            Some(("tcp".into(), Some("1024-65535".into())))
        );
        assert_eq!(protocol_and_ports("50", None, None), None);
    }
}
