//! Clients, the places whose view of the cluster endpoint is checked, and node groups, which
//! add one implicit client per subnet (their nodes must reach the API server too).
//!
//! A client in a subnet must have an address an instance can hold there; one in a network
//! must sit in the network's CIDRs.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnetwork::{Ipv4Network, Ipv6Network};

use super::Validator;
use super::ids::{Element, Kind};
use crate::diagnostic::LoadCode;
use crate::scenario::model::*;
use crate::scenario::raw::{RawNodeGroup, RawScenario, Text};
use crate::scenario::spans::{join_index, join_key};

impl Validator<'_> {
    /// A client in a subnet at the address an EKS-owned ENI holds: AWS gives one private
    /// address in a subnet to one interface, so no instance can be there, and a flow from
    /// the ENI's own address to itself is nothing the model can follow. (A client in a
    /// network at such an address is a network overlapping the VPC: EKS014 reports that.)
    pub(super) fn clients_at_eni_addresses(&mut self, raw: &RawScenario, cluster: &Cluster) {
        for (i, raw_client) in raw.clients.iter().enumerate() {
            let (Some(from), Some(ip)) = (&raw_client.from, &raw_client.ip) else {
                continue;
            };
            let Ok(ip) = ip.trim().parse::<Ipv4Addr>() else {
                continue;
            };
            if from.0 == "internet" {
                continue;
            }
            let Some(eni) = cluster.enis.iter().position(|eni| eni.ip == ip) else {
                continue;
            };
            let in_subnet = matches!(
                self.ids.get(from.0.as_str()),
                Some((Element::Subnet(subnet), _))
                    if cluster.enis.get(eni).is_some_and(|e| e.subnet == *subnet)
            );
            if in_subnet {
                let message = format!(
                    "{ip} is the address of an EKS-owned ENI (cluster.enis[{eni}]) in subnet `{}`: one address in a subnet belongs to one network interface",
                    from.0
                );
                self.problem(
                    LoadCode::Conflict,
                    &join_key(&join_index("clients", i), "ip"),
                    message,
                );
            }
        }
    }

    pub(super) fn clients(&mut self, raw: &RawScenario, scenario: &Scenario) -> Vec<Client> {
        let mut out: Vec<Client> = Vec::with_capacity(raw.clients.len());
        let mut names: HashMap<String, String> = HashMap::with_capacity(raw.clients.len());
        for (i, raw_client) in raw.clients.iter().enumerate() {
            let path = join_index("clients", i);
            let name = self
                .required(&raw_client.name, &path, "name")
                .map(|name| name.0.clone());
            if let Some(name) = &name {
                if let Some(first) = names.get(name) {
                    let message = format!("duplicate client name `{name}` (also at {first})");
                    self.problem(LoadCode::DuplicateId, &join_key(&path, "name"), message);
                } else {
                    names.insert(name.clone(), path.clone());
                }
            }
            let from_path = join_key(&path, "from");
            let location = self
                .required(&raw_client.from, &path, "from")
                .cloned()
                .and_then(|from| {
                    if from.0 == "internet" {
                        return Some(ClientLocation::Internet);
                    }
                    match self.lookup(&from, &from_path, &[Kind::Subnet, Kind::Network]) {
                        Some(Element::Subnet(subnet)) => Some(ClientLocation::Subnet(subnet)),
                        Some(Element::Network(network)) => Some(ClientLocation::Network(network)),
                        _ => None,
                    }
                });
            let ip_path = join_key(&path, "ip");
            let ip = self
                .required(&raw_client.ip, &path, "ip")
                .cloned()
                .and_then(|text| self.ipv4_beside(&text, &ip_path, Some("ipv6")));
            let ipv6_path = join_key(&path, "ipv6");
            let ipv6 = raw_client
                .ipv6
                .as_ref()
                .and_then(|text| self.ipv6(text, &ipv6_path, "ip"));
            match (location, ipv6) {
                (Some(ClientLocation::Subnet(subnet)), Some(ipv6)) => {
                    if let Some(subnet) = scenario.subnet(subnet) {
                        self.check_ipv6_in_subnet(ipv6, subnet, &ipv6_path);
                    }
                }
                (Some(ClientLocation::Network(network)), Some(ipv6)) => {
                    if let Some(network) = scenario.network(network)
                        && !network.ipv6_cidrs.iter().any(|block| block.contains(ipv6))
                    {
                        self.problem(
                            LoadCode::OutsideBlock,
                            &ipv6_path,
                            format!("{ipv6} is outside network `{}`'s ipv6Cidrs", network.id),
                        );
                    }
                }
                _ => {}
            }
            match (location, ip) {
                (Some(ClientLocation::Subnet(subnet)), Some(ip)) => {
                    if let Some(subnet) = scenario.subnet(subnet) {
                        self.check_host_address(ip, subnet, &ip_path);
                    }
                }
                (Some(ClientLocation::Network(network)), Some(ip)) => {
                    if let Some(network) = scenario.network(network)
                        && !network.cidrs.is_empty()
                        && !network.contains(ip)
                    {
                        self.problem(
                            LoadCode::OutsideBlock,
                            &ip_path,
                            format!("{ip} is outside network `{}`'s CIDRs", network.id),
                        );
                    }
                }
                _ => {}
            }
            let public_ip = raw_client
                .public_ip
                .as_ref()
                .and_then(|text| self.ipv4(text, &join_key(&path, "publicIp")));
            let sg_path = join_key(&path, "securityGroups");
            let client_vpc = match location {
                Some(ClientLocation::Subnet(subnet)) => scenario.subnet(subnet).map(|s| s.vpc),
                _ => None,
            };
            let security_groups = raw_client
                .security_groups
                .iter()
                .enumerate()
                .filter_map(|(j, id)| {
                    let path = join_index(&sg_path, j);
                    self.attached_sg_ref(scenario, id, &path, client_vpc, "the client is")
                })
                .collect();
            let expect = raw_client.expect.as_ref().map(|raw_expect| {
                let answer = raw_expect.answer.as_ref().and_then(|text| {
                    let answer = ExpectedAnswer::parse(text);
                    if answer.is_none() {
                        self.problem(
                            LoadCode::BadValue,
                            &join_key(&join_key(&path, "expect"), "answer"),
                            format!("unknown answer `{text}`: expected public, private or none"),
                        );
                    }
                    answer
                });
                let family = raw_expect.family.as_ref().and_then(|text| {
                    let family = Family::parse(text);
                    if family.is_none() {
                        self.problem(
                            LoadCode::BadValue,
                            &join_key(&join_key(&path, "expect"), "family"),
                            format!("unknown family `{text}`: expected ipv4 or ipv6"),
                        );
                    }
                    family
                });
                Expectation {
                    answer,
                    reachable: raw_expect.reachable,
                    family,
                }
            });
            if let (Some(name), Some(location), Some(ip)) = (name, location, ip) {
                out.push(Client {
                    name,
                    path,
                    location,
                    ip,
                    ipv6,
                    public_ip,
                    security_groups,
                    expect,
                    node_group: None,
                    proxy: None,
                });
            }
        }
        out
    }

    /// Node groups, and their implicit clients (one per subnet, after the written clients).
    pub(super) fn node_groups(
        &mut self,
        raw: &RawScenario,
        scenario: &Scenario,
        cluster: &Cluster,
    ) -> (Vec<NodeGroup>, Vec<Client>) {
        let mut groups: Vec<NodeGroup> = Vec::new();
        let mut clients = Vec::new();
        for (i, raw_group) in raw.node_groups.iter().enumerate() {
            let path = join_index("nodeGroups", i);
            let Some(name) = self
                .required(&raw_group.name, &path, "name")
                .map(|n| n.0.clone())
            else {
                continue;
            };
            if let Some(twin) = groups.iter().find(|group| group.name == name) {
                let message = format!("duplicate node group name `{name}` (also at {})", twin.path);
                self.problem(LoadCode::DuplicateId, &join_key(&path, "name"), message);
                continue;
            }
            if let Some(network) = &raw_group.network {
                let group_ix = NodeGroupIx(groups.len());
                let first_client = scenario.clients.len() + clients.len();
                if let Some((group, implicit)) = self.hybrid_group(
                    raw_group,
                    network,
                    (name, path),
                    (group_ix, first_client),
                    scenario,
                    cluster,
                ) {
                    groups.push(group);
                    clients.extend(implicit);
                }
                continue;
            }
            let subnets_path = join_key(&path, "subnets");
            if raw_group.subnets.is_empty() {
                self.problem(
                    LoadCode::MissingField,
                    &path,
                    "missing required field `subnets` (the subnets the nodes run in)",
                );
            }
            let mut subnets = Vec::new();
            for (j, id) in raw_group.subnets.iter().enumerate() {
                let subnet_path = join_index(&subnets_path, j);
                let Some(subnet_ix) = self.subnet_ref(id, &subnet_path) else {
                    continue;
                };
                match scenario.subnet(subnet_ix) {
                    Some(subnet) if subnet.vpc != cluster.vpc => {
                        let message = format!(
                            "subnet `{}` is not in the cluster VPC: node groups run in the cluster VPC's subnets",
                            subnet.id
                        );
                        self.problem(LoadCode::Conflict, &subnet_path, message);
                    }
                    Some(_) => subnets.push(subnet_ix),
                    None => {}
                }
            }
            let (security_groups, default_security_groups) = match &raw_group.security_groups {
                // EKS attaches the cluster security group to managed node groups that do not
                // name their own (EKS user guide, sec-group-reqs).
                None => (
                    cluster
                        .security_groups
                        .first()
                        .copied()
                        .into_iter()
                        .collect(),
                    true,
                ),
                Some(list) => {
                    let list_path = join_key(&path, "securityGroups");
                    let groups: Vec<SgIx> = list
                        .iter()
                        .enumerate()
                        .filter_map(|(j, id)| {
                            let path = join_index(&list_path, j);
                            let vpc = Some(cluster.vpc);
                            self.attached_sg_ref(
                                scenario,
                                id,
                                &path,
                                vpc,
                                "the node group's nodes are",
                            )
                        })
                        .collect();
                    (groups, false)
                }
            };
            let public_ip = raw_group
                .public_ip
                .as_ref()
                .and_then(|text| self.ipv4(text, &join_key(&path, "publicIp")));
            let group_ix = NodeGroupIx(groups.len());
            let mut implicit = Vec::new();
            for (j, subnet_ix) in subnets.iter().enumerate() {
                let Some(subnet) = scenario.subnet(*subnet_ix) else {
                    continue;
                };
                implicit.push(ClientIx(scenario.clients.len() + clients.len()));
                clients.push(Client {
                    name: format!("{name}@{}", subnet.id),
                    path: join_index(&subnets_path, j),
                    location: ClientLocation::Subnet(*subnet_ix),
                    ip: representative_address(subnet.cidr),
                    // "Nodes: All nodes are assigned an IPv4 and IPv6 address" (EKS user
                    // guide, cni-ipv6): base + 4 of the subnet's /64, as for IPv4.
                    ipv6: match cluster.ip_family {
                        Family::Ipv6 => subnet.ipv6_cidr.map(representative_ipv6),
                        Family::Ipv4 => None,
                    },
                    public_ip,
                    security_groups: security_groups.clone(),
                    expect: None,
                    node_group: Some(group_ix),
                    proxy: None,
                });
            }
            groups.push(NodeGroup {
                name,
                path,
                subnets,
                security_groups,
                default_security_groups,
                public_ip,
                clients: implicit,
                network: None,
                ips: Vec::new(),
                ips_written: false,
            });
        }
        (groups, clients)
    }

    /// An EKS Hybrid Nodes group (SPEC 9.1): `network` instead of `subnets`, no security
    /// groups or public IP (the nodes are not EC2 instances), node addresses in the
    /// network's CIDRs. One implicit client per node address, `from` the network.
    fn hybrid_group(
        &mut self,
        raw_group: &RawNodeGroup,
        network: &Text,
        (name, path): (String, String),
        (group_ix, first_client): (NodeGroupIx, usize),
        scenario: &Scenario,
        cluster: &Cluster,
    ) -> Option<(NodeGroup, Vec<Client>)> {
        let network_path = join_key(&path, "network");
        if !raw_group.subnets.is_empty() {
            self.problem(LoadCode::Conflict,
                &join_key(&path, "subnets"),
                "a node group has either `subnets` (EC2 nodes in the cluster VPC) or `network` (hybrid nodes on premises), not both",
            );
        }
        if raw_group.security_groups.is_some() {
            self.problem(LoadCode::Conflict,
                &join_key(&path, "securityGroups"),
                "a hybrid node group (`network`) takes no `securityGroups`: hybrid nodes are not EC2 instances; on-premises firewalls are not modelled",
            );
        }
        if raw_group.public_ip.is_some() {
            self.problem(LoadCode::Conflict,
                &join_key(&path, "publicIp"),
                "a hybrid node group (`network`) takes no `publicIp`: it reaches the internet through the network's `internetEgressIp`",
            );
        }
        let network_ix = match self.lookup(network, &network_path, &[Kind::Network]) {
            Some(Element::Network(ix)) => ix,
            _ => return None,
        };
        let site = scenario.network(network_ix)?;
        let ips_path = join_key(&path, "ips");
        let (ips, ips_written) = match &raw_group.ips {
            Some(list) => {
                let mut ips = Vec::with_capacity(list.len());
                let mut seen = std::collections::HashSet::with_capacity(list.len());
                for (j, text) in list.iter().enumerate() {
                    let ip_path = join_index(&ips_path, j);
                    let Some(ip) = self.ipv4(text, &ip_path) else {
                        continue;
                    };
                    if !site.contains(ip) {
                        self.problem(
                            LoadCode::OutsideBlock,
                            &ip_path,
                            format!("{ip} is outside network `{}`'s CIDRs", site.id),
                        );
                        continue;
                    }
                    // Each address is one node (`name@ip`): twice would be two nodes
                    // with one name and one address.
                    if !seen.insert(ip) {
                        self.problem(
                            LoadCode::DuplicateId,
                            &ip_path,
                            format!("{ip} is listed twice in `ips`: each address is one node"),
                        );
                        continue;
                    }
                    ips.push(ip);
                }
                if list.is_empty() {
                    self.problem(
                        LoadCode::BadValue,
                        &ips_path,
                        "`ips` is empty: a hybrid node group needs at least one node address \
                         (or leave `ips` out for one node at the default address)",
                    );
                }
                (ips, true)
            }
            None => (
                default_hybrid_address(site, cluster).into_iter().collect(),
                false,
            ),
        };
        let implicit: Vec<Client> = ips
            .iter()
            .enumerate()
            .map(|(j, ip)| Client {
                name: format!("{name}@{ip}"),
                path: if ips_written {
                    join_index(&ips_path, j)
                } else {
                    network_path.clone()
                },
                location: ClientLocation::Network(network_ix),
                ip: *ip,
                ipv6: None,
                public_ip: None,
                security_groups: Vec::new(),
                expect: None,
                node_group: Some(group_ix),
                proxy: None,
            })
            .collect();
        let group = NodeGroup {
            name,
            path,
            subnets: Vec::new(),
            security_groups: Vec::new(),
            default_security_groups: false,
            public_ip: None,
            clients: (first_client..first_client + implicit.len())
                .map(ClientIx)
                .collect(),
            network: Some(network_ix),
            ips,
            ips_written,
        };
        Some((group, implicit))
    }
}

/// A hybrid node's address when `ips` is absent (SPEC 9.1): base + 4 of the first
/// `remoteNodeNetworks` block inside the network's CIDRs, else of the network's first CIDR.
fn default_hybrid_address(site: &Network, cluster: &Cluster) -> Option<Ipv4Addr> {
    let remote = cluster
        .hybrid
        .remote
        .iter()
        .flat_map(|remote| remote.node_networks.iter())
        .find(|block| site.contains(block.network()))
        .copied();
    remote
        .or_else(|| site.cidrs.first().copied())
        .map(representative_address)
}

/// The address eksflow gives a node group's nodes in a subnet: the first one AWS lets an
/// instance have (base + 4; the first four are reserved).
fn representative_address(cidr: Ipv4Network) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(cidr.network()).saturating_add(4))
}

/// The IPv6 address eksflow gives a node group's nodes in a subnet: base + 4 of its /64.
fn representative_ipv6(block: Ipv6Network) -> Ipv6Addr {
    Ipv6Addr::from(u128::from(block.network()).saturating_add(4))
}

impl Validator<'_> {
    /// `proxy` and `proxyPort` of clients and node groups (SPEC 10.1), once every client,
    /// implicit ones included, exists. A proxy is another client, named or given by an
    /// address that is exactly one client's `ip` or `publicIp`; a client naming itself, or a
    /// proxy that has a proxy itself, is refused.
    pub(super) fn proxies(&mut self, raw: &RawScenario, scenario: &mut Scenario) {
        let mut wanted: Vec<(ClientIx, String, &Text, Option<u64>)> = Vec::new();
        for (i, raw_client) in raw.clients.iter().enumerate() {
            if let Some(proxy) = &raw_client.proxy {
                wanted.push((
                    ClientIx(i),
                    join_index("clients", i),
                    proxy,
                    raw_client.proxy_port,
                ));
            }
        }
        for (i, raw_group) in raw.node_groups.iter().enumerate() {
            let (Some(proxy), Some(group)) = (&raw_group.proxy, scenario.node_groups.get(i)) else {
                continue;
            };
            for ix in &group.clients {
                wanted.push((
                    *ix,
                    join_index("nodeGroups", i),
                    proxy,
                    raw_group.proxy_port,
                ));
            }
        }
        let mut resolved = Vec::with_capacity(wanted.len());
        for (ix, path, text, port) in wanted {
            let proxy_path = join_key(&path, "proxy");
            let port_path = join_key(&path, "proxyPort");
            let port_value = match port {
                None => Some(DEFAULT_PROXY_PORT),
                Some(p) => match u16::try_from(p) {
                    Ok(p) if p > 0 => Some(p),
                    _ => {
                        self.problem(
                            LoadCode::BadValue,
                            &port_path,
                            format!("proxyPort {p} is not a TCP port (1-65535)"),
                        );
                        None
                    }
                },
            };
            let Some(target) = self.proxy_client(scenario, text, &proxy_path) else {
                continue;
            };
            if target == ix {
                self.problem(
                    LoadCode::Conflict,
                    &proxy_path,
                    format!("a client cannot be its own proxy (`{text}`)"),
                );
                continue;
            }
            if let Some(port_value) = port_value {
                resolved.push((
                    ix,
                    proxy_path,
                    ProxyRef {
                        client: target,
                        port: port_value,
                        written: text.0.clone(),
                        port_written: port.is_some(),
                    },
                ));
            }
        }
        let proxied: Vec<ClientIx> = resolved.iter().map(|(ix, _, _)| *ix).collect();
        for (ix, path, proxy) in resolved {
            if proxied.contains(&proxy.client) {
                let name = scenario
                    .client(proxy.client)
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                self.problem(LoadCode::Conflict, &path, format!("proxy `{name}` itself connects through a proxy: eksflow models one proxy hop"));
                continue;
            }
            if let Some(client) = scenario.clients.get_mut(ix.0) {
                client.proxy = Some(proxy);
            }
        }
    }

    /// The client a `proxy` value names: by name, else by an address that is exactly one
    /// client's `ip` or `publicIp`.
    fn proxy_client(&mut self, scenario: &Scenario, text: &Text, path: &str) -> Option<ClientIx> {
        if let Some(i) = scenario.clients.iter().position(|c| c.name == text.0) {
            return Some(ClientIx(i));
        }
        let Ok(ip) = text.trim().parse::<Ipv4Addr>() else {
            let hint = crate::suggest::did_you_mean(
                &text.0,
                scenario.clients.iter().map(|client| client.name.as_str()),
            );
            self.problem(
                LoadCode::DanglingReference,
                path,
                format!("no client named `{text}` to use as proxy{hint}"),
            );
            return None;
        };
        let holders: Vec<usize> = scenario
            .clients
            .iter()
            .enumerate()
            .filter(|(_, c)| c.ip == ip || c.public_ip == Some(ip))
            .map(|(i, _)| i)
            .collect();
        match holders.as_slice() {
            [one] => Some(ClientIx(*one)),
            [] => {
                self.problem(
                    LoadCode::DanglingReference,
                    path,
                    format!("no client has the address {ip} to use as proxy"),
                );
                None
            }
            _ => {
                self.problem(
                    LoadCode::Conflict,
                    path,
                    format!(
                        "{ip} is the address of several clients; name the proxy client instead"
                    ),
                );
                None
            }
        }
    }
}
