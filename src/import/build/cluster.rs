//! The `cluster` section: name, region, endpoint and access mode, the public allowlist, the
//! VPC, the security groups on the EKS-owned ENIs and the ENIs themselves. Built before the
//! VPCs because it settles the cluster security group, which the cluster VPC then defines
//! when the source does not (EKS creates one admitting all traffic from itself).

use std::collections::HashSet;
use std::net::Ipv4Addr;

use ipnetwork::Ipv4Network;

use super::Scenario;
use super::labels::sanitize;
use crate::import::inventory::{EniDef, SubnetDef};
use crate::import::yaml::{MapBuilder, Value, flow, item, text};

impl Scenario<'_> {
    pub(super) fn cluster_map(&mut self, region: &str) -> Value {
        let cluster = self.cluster;
        let mut map = MapBuilder::new();
        map.push("name", text(&cluster.name));
        map.push("region", text(region));
        match cluster.ip_family.as_deref() {
            Some(family) if family.eq_ignore_ascii_case("ipv6") => {
                // "If you don't specify a value, ipv4 is used by default" (EKS API,
                // KubernetesNetworkConfigRequest); ipv6 makes the scenario dual-stack.
                map.push_noted(
                    "ipFamily",
                    text("ipv6"),
                    Some(format!("{family} in the source")),
                );
                if cluster.endpoint.is_none() {
                    self.note(format!(
                        "{}: endpoint not in the source; the dual-stack <id>.gr7.{region}.api.aws name EKS gives IPv6 clusters created since October 2024 is assumed (one created before has an IPv4-only endpoint under eks.amazonaws.com: set cluster.endpoint to it)",
                        cluster.origin
                    ));
                }
            }
            Some(family) if !family.eq_ignore_ascii_case("ipv4") => {
                self.note(format!(
                    "{}: ipFamily `{family}` is neither ipv4 nor ipv6; the EKS default ipv4 is assumed",
                    cluster.origin
                ));
            }
            _ => {}
        }
        if let Some(endpoint) = &cluster.endpoint {
            let host = endpoint
                .trim_start_matches("https://")
                .trim_end_matches('/');
            map.push("endpoint", text(host));
        }
        let public = cluster.public_access.unwrap_or(true);
        let private = cluster.private_access.unwrap_or(false);
        let mode = match (public, private) {
            (true, false) => "public",
            (true, true) => "public-and-private",
            (false, true) => "private",
            (false, false) => {
                self.note(format!(
                    "{}: public and private access both off, which EKS rejects; private is assumed",
                    cluster.origin
                ));
                "private"
            }
        };
        let note = match (cluster.public_access, cluster.private_access) {
            (None, None) => {
                Some("endpoint access not set: the EKS default (public only)".to_owned())
            }
            (None, _) | (_, None) => {
                Some("the unset flag takes its default (public on, private off)".to_owned())
            }
            _ => None,
        };
        map.push_noted("endpointAccess", text(mode), note);
        match &cluster.public_access_cidrs {
            // With public access off, EKS ignores the list (state files still carry the
            // default 0.0.0.0/0): writing it would only raise EKS005.
            Some(cidrs) if !cidrs.is_empty() && public => {
                map.push("publicAccessCidrs", flow(cidrs))
            }
            Some(_) => {}
            None if public => {
                self.note(format!("{}: publicAccessCidrs not set or unknown; the EKS default 0.0.0.0/0 is assumed", cluster.origin));
            }
            None => {}
        }
        map.push_noted("vpc", text(&self.cluster_vpc), self.synthesised_vpc.clone());
        let groups = self.cluster_groups();
        map.push("securityGroups", flow(&groups));
        map.push("enis", self.enis());
        if let Some(cidr) = self.service_ipv4_cidr() {
            map.push("serviceIpv4Cidr", cidr);
        }
        if let Some(remote) = self.remote_network_config() {
            map.push("remoteNetworkConfig", remote);
        }
        map.build()
    }

    /// The cluster security group (given or synthesised) and the additional ones that exist.
    fn cluster_groups(&mut self) -> Vec<String> {
        let cluster = self.cluster;
        let inventory = self.inventory;
        let included: Vec<String> = self.vpcs.iter().map(|v| v.id.clone()).collect();
        let known = |id: &str| {
            inventory
                .security_groups
                .iter()
                .any(|g| g.id == id && g.vpc.as_ref().is_none_or(|v| included.contains(v)))
        };
        let cluster_sg = match &cluster.cluster_security_group {
            Some(id) if known(id) => id.clone(),
            Some(id) => {
                self.synthesised_cluster_sg = true;
                self.note(format!("{id}: the cluster security group's rules are not in the source; EKS's default (all traffic from itself) is assumed"));
                id.clone()
            }
            None => {
                self.synthesised_cluster_sg = true;
                format!("eks-cluster-sg-{}", sanitize(&cluster.name))
            }
        };
        self.cluster_sg = cluster_sg.clone();
        let mut groups = vec![cluster_sg];
        for id in &cluster.security_groups {
            if known(id) {
                if !groups.contains(id) {
                    groups.push(id.clone());
                }
            } else {
                self.note(format!(
                    "{}: security group {id} is not in the source; it is left off the ENIs",
                    cluster.origin
                ));
            }
        }
        groups
    }

    fn enis(&mut self) -> Value {
        let inventory = self.inventory;
        let cluster = self.cluster;
        let known: Vec<&EniDef> = inventory
            .enis
            .iter()
            .filter(|eni| {
                eni.cluster == cluster.name && self.included_subnet(&eni.subnet).is_some()
            })
            .collect();
        let mut items = Vec::new();
        if !known.is_empty() {
            for eni in known.iter().take(4) {
                let mut map = MapBuilder::new()
                    .set("subnet", text(&eni.subnet))
                    .set("ip", text(&eni.ip));
                // Without `ipv6` the loader puts one in the subnet's /64 (SPEC 7.2).
                if let Some(ipv6) = &eni.ipv6
                    && self.ipv6_fits(&eni.subnet, ipv6)
                {
                    map.push("ipv6", text(ipv6));
                }
                items.push(item(map.build(), vec![]));
            }
            return Value::List(items);
        }
        // One ENI in each cluster subnet, different AZs first, at most four.
        let mut subnets: Vec<&SubnetDef> = cluster
            .subnets
            .iter()
            .filter_map(|id| self.included_subnet(id))
            .collect();
        if subnets.is_empty() {
            subnets = self
                .subnets
                .iter()
                .filter(|s| s.vpc.as_deref() == Some(self.cluster_vpc.as_str()))
                .collect();
        }
        let mut chosen: Vec<&SubnetDef> = Vec::new();
        let mut zones = HashSet::new();
        for subnet in &subnets {
            if zones.insert(subnet.az.clone()) {
                chosen.push(subnet);
            }
        }
        for subnet in &subnets {
            if !chosen.iter().any(|c| c.id == subnet.id) {
                chosen.push(subnet);
            }
        }
        chosen.truncate(4);
        let mut lines = Vec::new();
        for (i, subnet) in chosen.iter().enumerate() {
            let Some(cidr) = subnet
                .cidr
                .as_ref()
                .and_then(|c| c.parse::<Ipv4Network>().ok())
            else {
                continue;
            };
            let offset = if cidr.prefix() <= 28 { 10 } else { 4 };
            let ip = Ipv4Addr::from(u32::from(cidr.network()).saturating_add(offset));
            let above = if i == 0 {
                vec!["The EKS-owned ENIs are not in the source: one is assumed in each cluster subnet.".to_owned()]
            } else {
                vec![]
            };
            lines.push(item(
                MapBuilder::new()
                    .set("subnet", text(&subnet.id))
                    .set("ip", text(&ip.to_string()))
                    .build(),
                above,
            ));
        }
        if !lines.is_empty() {
            self.note(format!("{}: EKS-owned ENI addresses are not known; one ENI per cluster subnet at its base + 10 is assumed", cluster.origin));
        }
        Value::List(lines)
    }
}
