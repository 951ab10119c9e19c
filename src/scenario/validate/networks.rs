//! Networks outside AWS (on premises, other clouds): their CIDRs, internet egress address,
//! routes through connections and DNS servers.

use super::vpcs::SeenRoutes;
use super::{Validator, owned};
use crate::scenario::model::*;
use crate::scenario::raw::RawScenario;
use crate::scenario::spans::{join_index, join_key};

impl Validator<'_> {
    pub(super) fn networks(&mut self, raw: &RawScenario) -> Vec<Network> {
        let mut out = Vec::new();
        for (i, raw_network) in raw.networks.iter().enumerate() {
            let path = join_index("networks", i);
            let cidrs_path = join_key(&path, "cidrs");
            let cidrs = self.cidr4_list_beside(&raw_network.cidrs, &cidrs_path, Some("ipv6Cidrs"));
            let ipv6_cidrs = self.cidr6_list(
                &raw_network.ipv6_cidrs,
                &join_key(&path, "ipv6Cidrs"),
                "cidrs",
            );
            let internet_egress_ip = raw_network
                .internet_egress_ip
                .as_ref()
                .and_then(|text| self.ipv4(text, &join_key(&path, "internetEgressIp")));
            let mut routes = Vec::new();
            let mut seen = SeenRoutes::new();
            for (j, raw_route) in raw_network.routes.iter().enumerate() {
                let route_path = join_index(&join_key(&path, "routes"), j);
                let destination = self
                    .required(&raw_route.destination, &route_path, "destination")
                    .cloned()
                    .and_then(|text| self.cidr(&text, &join_key(&route_path, "destination")));
                let target = self
                    .required(&raw_route.target, &route_path, "target")
                    .cloned()
                    .and_then(|id| self.connection_ref(&id, &join_key(&route_path, "target")));
                if let Some(destination) = destination
                    && !self.first_route_for(&mut seen, destination, &route_path)
                {
                    continue;
                }
                if let (Some(destination), Some(target)) = (destination, target) {
                    routes.push(NetworkRoute {
                        destination,
                        target,
                        path: route_path,
                    });
                }
            }
            let dns_path = join_key(&path, "dnsServers");
            let dns_servers = self.ipv4_list(&raw_network.dns_servers, &dns_path);
            out.push(Network {
                id: owned(&raw_network.id),
                path,
                cidrs,
                ipv6_cidrs,
                internet_egress_ip,
                ipv6_internet: raw_network.ipv6_internet.unwrap_or(false),
                routes,
                dns_servers,
            });
        }
        out
    }
}
