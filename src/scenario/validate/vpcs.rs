//! VPCs and what sits in them: CIDRs, DHCP options, subnets, route tables and NAT gateways,
//! and the host addresses that instances and interfaces take in a subnet.
//!
//! Addresses must fall inside their VPC or subnet, and a route table has one route per
//! destination. AWS keeps some references within one VPC: an internet gateway as a route
//! target is checked where the route is read; a subnet's route table and network ACL and a
//! NAT gateway's subnet can point forwards, so they are checked once every arena is complete.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnetwork::{IpNetwork, Ipv4Network};

use super::ids::{Element, Kind, Layout};

/// The routes of one table seen so far, by block, with the path of each.
pub(super) type SeenRoutes = HashMap<(IpAddr, u8), String>;

/// The NAT64 prefix: the only IPv6 destination a NAT gateway route may have. Accepted so
/// imports load; it carries nothing in the model (SPEC 7.6).
const NAT64_PREFIX: Ipv6Addr = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0);

use super::{Validator, owned};
use crate::diagnostic::LoadCode;
use crate::scenario::model::*;
use crate::scenario::raw::*;
use crate::scenario::spans::{join_index, join_key};

impl Validator<'_> {
    pub(super) fn vpcs(&mut self, raw: &RawScenario, layout: &Layout) -> Vec<Vpc> {
        let mut vpcs = Vec::with_capacity(raw.vpcs.len());
        for (v, raw_vpc) in raw.vpcs.iter().enumerate() {
            let path = join_index("vpcs", v);
            let cidrs_path = join_key(&path, "cidrs");
            if raw_vpc.cidrs.is_empty() {
                self.problem(
                    LoadCode::MissingField,
                    &path,
                    "missing required field `cidrs` (the VPC's primary CIDR first)",
                );
            }
            let cidrs = self.cidr4_list_beside(&raw_vpc.cidrs, &cidrs_path, Some("ipv6Cidrs"));
            let ipv6_cidrs =
                self.cidr6_list(&raw_vpc.ipv6_cidrs, &join_key(&path, "ipv6Cidrs"), "cidrs");
            let dns_servers = match raw_vpc
                .dhcp_options
                .as_ref()
                .and_then(|d| d.domain_name_servers.as_ref())
            {
                None => vec![DhcpDnsServer::AmazonProvidedDns],
                Some(list) => {
                    let list_path = join_key(&join_key(&path, "dhcpOptions"), "domainNameServers");
                    if list.is_empty() {
                        self.problem(LoadCode::BadValue, &list_path, "a DHCP option set needs at least one DNS server (AmazonProvidedDNS or an IP address)");
                    }
                    list.iter()
                        .enumerate()
                        .filter_map(|(i, text)| {
                            if text.eq_ignore_ascii_case("AmazonProvidedDNS") {
                                Some(DhcpDnsServer::AmazonProvidedDns)
                            } else {
                                self.ipv4(text, &join_index(&list_path, i))
                                    .map(DhcpDnsServer::Ip)
                            }
                        })
                        .collect()
                }
            };
            let subnets = layout
                .subnets
                .iter()
                .enumerate()
                .filter(|(_, owner)| owner.0 == v)
                .map(|(i, _)| SubnetIx(i))
                .collect();
            let vpc = Vpc {
                id: owned(&raw_vpc.id),
                path: path.clone(),
                cidrs,
                ipv6_cidrs,
                enable_dns_support: raw_vpc.enable_dns_support.unwrap_or(true),
                enable_dns_hostnames: raw_vpc.enable_dns_hostnames.unwrap_or(false),
                dns_servers,
                internet_gateway: raw_vpc.internet_gateway.as_ref().map(|text| text.0.clone()),
                egress_only_internet_gateway: raw_vpc
                    .egress_only_internet_gateway
                    .as_ref()
                    .map(|text| text.0.clone()),
                subnets,
                inbound_endpoints: Vec::new(),
                forward_rules: Vec::new(),
                outbound_endpoints: Vec::new(),
            };
            let (inbound_endpoints, forward_rules, outbound_endpoints) =
                self.resolver(raw_vpc, &vpc, &path);
            vpcs.push(Vpc {
                inbound_endpoints,
                forward_rules,
                outbound_endpoints,
                ..vpc
            });
        }
        vpcs
    }

    pub(super) fn vpc_contents(&mut self, raw: &RawScenario, scenario: &mut Scenario) {
        let mut nat_owners = Vec::new();
        for (v, raw_vpc) in raw.vpcs.iter().enumerate() {
            let vpc_ix = VpcIx(v);
            let vpc_path = join_index("vpcs", v);
            let Some(vpc) = scenario.vpcs.get(v).cloned() else {
                continue;
            };
            for (i, raw_subnet) in raw_vpc.subnets.iter().enumerate() {
                let path = join_index(&join_key(&vpc_path, "subnets"), i);
                let subnet = self.subnet(raw_subnet, &vpc, vpc_ix, &path);
                scenario.subnets.push(subnet);
            }
            for (i, raw_table) in raw_vpc.route_tables.iter().enumerate() {
                let path = join_index(&join_key(&vpc_path, "routeTables"), i);
                let table = self.route_table(raw_table, &vpc, vpc_ix, &path);
                scenario.route_tables.push(table);
            }
            for (i, raw_group) in raw_vpc.security_groups.iter().enumerate() {
                let path = join_index(&join_key(&vpc_path, "securityGroups"), i);
                let group = self.security_group(raw_group, vpc_ix, &path);
                scenario.security_groups.push(group);
            }
            for (i, raw_acl) in raw_vpc.network_acls.iter().enumerate() {
                let path = join_index(&join_key(&vpc_path, "networkAcls"), i);
                let acl = self.network_acl(raw_acl, vpc_ix, &path);
                scenario.network_acls.push(acl);
            }
            for (i, raw_nat) in raw_vpc.nat_gateways.iter().enumerate() {
                let path = join_index(&join_key(&vpc_path, "natGateways"), i);
                let nat = self.nat_gateway(raw_nat, &path);
                scenario.nat_gateways.push(nat);
                nat_owners.push(vpc_ix);
            }
        }
        // Now that every arena is complete, check the references that must stay in one VPC.
        let mut problems = Vec::new();
        for subnet in &scenario.subnets {
            if let Some(table) = subnet.route_table.and_then(|rt| scenario.route_table(rt))
                && table.vpc != subnet.vpc
            {
                let message = format!(
                    "route table `{}` belongs to another VPC than subnet `{}`",
                    table.id, subnet.id
                );
                problems.push((join_key(&subnet.path, "routeTable"), message));
            }
            if let Some(acl) = subnet.network_acl.and_then(|acl| scenario.network_acl(acl))
                && acl.vpc != subnet.vpc
            {
                let message = format!(
                    "network ACL `{}` belongs to another VPC than subnet `{}`",
                    acl.id, subnet.id
                );
                problems.push((join_key(&subnet.path, "networkAcl"), message));
            }
        }
        for (nat, owner) in scenario.nat_gateways.iter().zip(&nat_owners) {
            if let Some(subnet) = scenario.subnet(nat.subnet)
                && subnet.vpc != *owner
            {
                let message = format!(
                    "NAT gateway `{}` must sit in a subnet of its own VPC; `{}` is in another VPC",
                    nat.id, subnet.id
                );
                problems.push((join_key(&nat.path, "subnet"), message));
            }
        }
        for (path, message) in problems {
            self.problem(LoadCode::Conflict, &path, message);
        }
    }

    fn subnet(&mut self, raw: &RawSubnet, vpc: &Vpc, vpc_ix: VpcIx, path: &str) -> Subnet {
        let cidr_path = join_key(path, "cidr");
        let cidr = self
            .required(&raw.cidr, path, "cidr")
            .cloned()
            .and_then(|text| self.cidr4_beside(&text, &cidr_path, Some("ipv6Cidr")));
        if let Some(cidr) = cidr
            && !vpc.cidrs.is_empty()
            && !vpc
                .cidrs
                .iter()
                .any(|block| block.contains(cidr.network()) && block.prefix() <= cidr.prefix())
        {
            let blocks = vpc
                .cidrs
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            self.problem(
                LoadCode::OutsideBlock,
                &cidr_path,
                format!("subnet {cidr} is outside {}'s CIDRs ({blocks})", vpc.id),
            );
        }
        let ipv6_path = join_key(path, "ipv6Cidr");
        let ipv6_cidr = raw
            .ipv6_cidr
            .as_ref()
            .and_then(|text| self.cidr6(text, &ipv6_path, "cidr"));
        if let Some(block) = ipv6_cidr
            && !vpc
                .ipv6_cidrs
                .iter()
                .any(|parent| parent.contains(block.network()) && parent.prefix() <= block.prefix())
        {
            let message = if vpc.ipv6_cidrs.is_empty() {
                format!(
                    "subnet {block} needs an IPv6 block in its VPC: {} has no ipv6Cidrs",
                    vpc.id
                )
            } else {
                let blocks = vpc
                    .ipv6_cidrs
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "subnet {block} is outside {}'s ipv6Cidrs ({blocks})",
                    vpc.id
                )
            };
            self.problem(LoadCode::OutsideBlock, &ipv6_path, message);
        }
        let route_table = raw.route_table.as_ref().and_then(|id| {
            match self.lookup(id, &join_key(path, "routeTable"), &[Kind::RouteTable])? {
                Element::RouteTable(rt) => Some(rt),
                _ => None,
            }
        });
        let network_acl = raw.network_acl.as_ref().and_then(|id| {
            match self.lookup(id, &join_key(path, "networkAcl"), &[Kind::NetworkAcl])? {
                Element::NetworkAcl(acl) => Some(acl),
                _ => None,
            }
        });
        Subnet {
            id: owned(&raw.id),
            path: path.to_owned(),
            vpc: vpc_ix,
            cidr: cidr.unwrap_or(Ipv4Network::from(Ipv4Addr::UNSPECIFIED)),
            ipv6_cidr,
            az: raw.az.as_ref().map(|text| text.0.clone()),
            route_table,
            network_acl,
        }
    }

    fn route_table(
        &mut self,
        raw: &RawRouteTable,
        vpc: &Vpc,
        vpc_ix: VpcIx,
        path: &str,
    ) -> RouteTable {
        let mut routes: Vec<Route> = Vec::with_capacity(raw.routes.len());
        let mut seen = SeenRoutes::with_capacity(raw.routes.len());
        for (i, raw_route) in raw.routes.iter().enumerate() {
            let route_path = join_index(&join_key(path, "routes"), i);
            let destination = self
                .required(&raw_route.destination, &route_path, "destination")
                .cloned()
                .and_then(|text| self.cidr(&text, &join_key(&route_path, "destination")));
            let target = self
                .required(&raw_route.target, &route_path, "target")
                .cloned()
                .and_then(|text| {
                    self.route_target(&text, vpc, vpc_ix, &join_key(&route_path, "target"))
                });
            if let Some(destination) = destination
                && !self.first_route_for(&mut seen, destination, &route_path)
            {
                continue;
            }
            if let (Some(destination), Some(target)) = (destination, target) {
                if !self.route_family_fits(destination, target, &route_path) {
                    continue;
                }
                routes.push(Route {
                    destination,
                    target,
                    path: route_path,
                });
            }
        }
        RouteTable {
            id: owned(&raw.id),
            path: path.to_owned(),
            vpc: vpc_ix,
            routes,
        }
    }

    /// An egress-only internet gateway carries IPv6 only ("[IPv6 only]",
    /// CreateEgressOnlyInternetGateway, EC2 API); a NAT gateway takes no IPv6 route but the
    /// NAT64 prefix `64:ff9b::/96` (SPEC 7.1, choice).
    fn route_family_fits(
        &mut self,
        destination: IpNetwork,
        target: RouteTarget,
        route_path: &str,
    ) -> bool {
        let message = match (destination, target) {
            (IpNetwork::V4(_), RouteTarget::EgressOnlyInternetGateway) => format!(
                "route {destination} targets an egress-only internet gateway, which carries IPv6 only (route IPv4 to a NAT or internet gateway)"
            ),
            (IpNetwork::V6(block), RouteTarget::Nat(_))
                if !(block.network() == NAT64_PREFIX && block.prefix() == 96) =>
            {
                format!(
                    "route {destination} targets a NAT gateway, which translates IPv4 (IPv6 needs no NAT: route it to an internet or egress-only internet gateway; only the NAT64 prefix 64:ff9b::/96 may go to a NAT gateway)"
                )
            }
            _ => return true,
        };
        self.problem(
            LoadCode::WrongFamily,
            &join_key(route_path, "target"),
            message,
        );
        false
    }

    /// Whether `destination` is the first route for its block in one table (`10.0.0.5/16`
    /// is `10.0.0.0/16`); a second one is a problem at `route_path`, since which of the two
    /// applies would depend on their order. AWS itself allows one route per destination.
    pub(super) fn first_route_for(
        &mut self,
        seen: &mut SeenRoutes,
        destination: IpNetwork,
        route_path: &str,
    ) -> bool {
        let block = (destination.network(), destination.prefix());
        if let Some(first) = seen.get(&block) {
            let message = format!(
                "a second route for {destination} (one route per destination; the first is at {first})"
            );
            self.problem(
                LoadCode::DuplicateId,
                &join_key(route_path, "destination"),
                message,
            );
            return false;
        }
        seen.insert(block, route_path.to_owned());
        true
    }

    fn route_target(
        &mut self,
        text: &str,
        vpc: &Vpc,
        vpc_ix: VpcIx,
        path: &str,
    ) -> Option<RouteTarget> {
        if text == "local" {
            return Some(RouteTarget::Local);
        }
        let kinds = [
            Kind::InternetGateway,
            Kind::EgressOnlyInternetGateway,
            Kind::Nat,
            Kind::Connection,
        ];
        match self.lookup(text, path, &kinds)? {
            Element::InternetGateway(owner) if owner == vpc_ix => {
                Some(RouteTarget::InternetGateway)
            }
            Element::EgressOnlyInternetGateway(owner) if owner == vpc_ix => {
                Some(RouteTarget::EgressOnlyInternetGateway)
            }
            Element::EgressOnlyInternetGateway(_) => {
                self.problem(
                    LoadCode::Conflict,
                    path,
                    format!(
                        "egress-only internet gateway `{text}` is attached to another VPC, not {}",
                        vpc.id
                    ),
                );
                None
            }
            Element::InternetGateway(_) => {
                self.problem(
                    LoadCode::Conflict,
                    path,
                    format!(
                        "internet gateway `{text}` is attached to another VPC, not {}",
                        vpc.id
                    ),
                );
                None
            }
            Element::Nat(nat) => {
                // The NAT's VPC is checked once NAT gateways are built; here it is enough that
                // it is one.
                Some(RouteTarget::Nat(nat))
            }
            Element::Connection(conn) => Some(RouteTarget::Connection(conn)),
            _ => None,
        }
    }

    fn nat_gateway(&mut self, raw: &RawNatGateway, path: &str) -> NatGateway {
        let subnet = self
            .required(&raw.subnet, path, "subnet")
            .cloned()
            .and_then(|id| self.subnet_ref(&id, &join_key(path, "subnet")));
        let public_ip = raw
            .public_ip
            .as_ref()
            .and_then(|text| self.ipv4(text, &join_key(path, "publicIp")));
        NatGateway {
            id: owned(&raw.id),
            path: path.to_owned(),
            subnet: subnet.unwrap_or(SubnetIx(usize::MAX)),
            public_ip,
        }
    }

    /// An IPv6 address of an instance or interface must sit in its subnet's `ipv6Cidr`. The
    /// IPv4 reserved-address check is not extended to IPv6 (SPEC 7.1, choice).
    pub(super) fn check_ipv6_in_subnet(&mut self, ip: Ipv6Addr, subnet: &Subnet, path: &str) {
        match subnet.ipv6_cidr {
            Some(block) if block.contains(ip) => {}
            Some(block) => {
                self.problem(
                    LoadCode::OutsideBlock,
                    path,
                    format!(
                        "{ip} is outside subnet `{}`'s ipv6Cidr ({block})",
                        subnet.id
                    ),
                );
            }
            None => {
                self.problem(
                    LoadCode::Conflict,
                    path,
                    format!(
                        "{ip} needs an IPv6 block in its subnet: `{}` has no ipv6Cidr",
                        subnet.id
                    ),
                );
            }
        }
    }

    /// An address used by an instance or interface must sit in its subnet and must not be
    /// one of the five addresses AWS reserves there (the first four and the last).
    pub(super) fn check_host_address(&mut self, ip: Ipv4Addr, subnet: &Subnet, path: &str) {
        if !subnet.cidr.contains(ip) {
            self.problem(
                LoadCode::OutsideBlock,
                path,
                format!("{ip} is outside subnet `{}` ({})", subnet.id, subnet.cidr),
            );
            return;
        }
        let base = u32::from(subnet.cidr.network());
        let offset = u32::from(ip).wrapping_sub(base);
        let last = u32::from(subnet.cidr.broadcast()).wrapping_sub(base);
        if subnet.cidr.prefix() <= 28 && (offset < 4 || offset == last) {
            let role = match offset {
                0 => "the network address",
                1 => "the VPC router",
                2 => "the Amazon DNS server",
                3 => "reserved for future use",
                _ => "the broadcast address",
            };
            let message = format!(
                "{ip} is reserved by AWS in subnet `{}` ({role}); the first four and the last address of a subnet cannot be assigned",
                subnet.id
            );
            self.problem(LoadCode::OutsideBlock, path, message);
        }
    }
}
