//! Why a flow does not arrive: the stable reason codes of SPEC section 5.

use std::fmt;

/// A stable code for the first check that stopped a flow. The JSON output prints
/// [`Reason::code`]; new variants may be added, existing codes never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// The VPC Resolver asked has `enableDnsSupport: false`, so it answers nothing.
    DnsSupportDisabled,
    /// Forwarding went in a circle or deeper than the forwarding limit.
    DnsForwardLoop,
    /// The DNS server asked is not one the scenario knows or can reach.
    DnsServerUnknown,
    /// No DNS query got through: every server or target the resolution tried was blocked
    /// on UDP 53 (SPEC 8.5, `dnsTransport: traced`).
    DnsUnreachable,
    /// The answer holds no addresses: the scenario gives the endpoint none (no ENIs, or an
    /// empty `publicEndpointIps`), so there is nothing to connect to.
    DnsNoAddresses,
    /// No route towards the address (or only one that cannot carry it).
    NoRoute,
    /// The ENI subnet has no route back to the client over the same connection.
    NoReturnRoute,
    /// An internet gateway route, but the client has no public IP.
    NoPublicIp,
    /// A NAT gateway whose own subnet has no internet gateway route (or a private NAT).
    NatNoInternet,
    /// A peering connection asked to carry traffic beyond the peer VPC.
    PeeringNoTransit,
    /// A network client needs the internet but its network has no internet egress.
    NoInternetEgress,
    /// An internet client handed a private ENI address.
    PrivateAddressFromInternet,
    /// The translated source is outside `publicAccessCidrs`.
    PublicCidrDeny,
    SgIngressDeny,
    SgEgressDeny,
    NaclInboundDeny,
    NaclOutboundDeny,
    /// The path comes back to a VPC or network it already passed through; the blocking
    /// sentence names the route that closes the loop.
    RoutingLoop,
    /// Traffic that entered a VPC over a VPN or Direct Connect asked to leave through that
    /// VPC's internet gateway or NAT gateway (no edge-to-edge routing).
    NoEdgeToEdge,
}

impl Reason {
    pub const ALL: [Reason; 19] = [
        Reason::DnsSupportDisabled,
        Reason::DnsForwardLoop,
        Reason::DnsServerUnknown,
        Reason::DnsUnreachable,
        Reason::DnsNoAddresses,
        Reason::NoRoute,
        Reason::NoReturnRoute,
        Reason::NoPublicIp,
        Reason::NatNoInternet,
        Reason::PeeringNoTransit,
        Reason::NoInternetEgress,
        Reason::PrivateAddressFromInternet,
        Reason::PublicCidrDeny,
        Reason::SgIngressDeny,
        Reason::SgEgressDeny,
        Reason::NaclInboundDeny,
        Reason::NaclOutboundDeny,
        Reason::RoutingLoop,
        Reason::NoEdgeToEdge,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::DnsSupportDisabled => "DNS_SUPPORT_DISABLED",
            Reason::DnsForwardLoop => "DNS_FORWARD_LOOP",
            Reason::DnsServerUnknown => "DNS_SERVER_UNKNOWN",
            Reason::DnsUnreachable => "DNS_UNREACHABLE",
            Reason::DnsNoAddresses => "DNS_NO_ADDRESSES",
            Reason::NoRoute => "NO_ROUTE",
            Reason::NoReturnRoute => "NO_RETURN_ROUTE",
            Reason::NoPublicIp => "NO_PUBLIC_IP",
            Reason::NatNoInternet => "NAT_NO_INTERNET",
            Reason::PeeringNoTransit => "PEERING_NO_TRANSIT",
            Reason::NoInternetEgress => "NO_INTERNET_EGRESS",
            Reason::PrivateAddressFromInternet => "PRIVATE_ADDRESS_FROM_INTERNET",
            Reason::PublicCidrDeny => "PUBLIC_CIDR_DENY",
            Reason::SgIngressDeny => "SG_INGRESS_DENY",
            Reason::SgEgressDeny => "SG_EGRESS_DENY",
            Reason::NaclInboundDeny => "NACL_INBOUND_DENY",
            Reason::NaclOutboundDeny => "NACL_OUTBOUND_DENY",
            Reason::RoutingLoop => "ROUTING_LOOP",
            Reason::NoEdgeToEdge => "NO_EDGE_TO_EDGE",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The first check that stopped a flow: its code and a sentence naming the element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    pub reason: Reason,
    pub blocked_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_upper_snake_case() {
        let codes: HashSet<_> = Reason::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), Reason::ALL.len());
        assert!(
            codes
                .iter()
                .all(|c| c.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        );
    }
}
