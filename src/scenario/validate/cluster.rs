//! The cluster: name, region, API endpoint (given or derived), endpoint access, public
//! allowlist and addresses, security groups and the EKS-owned ENIs in the cluster VPC.

use std::net::{Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::Name;
use ipnetwork::{IpNetwork, Ipv4Network, Ipv6Network};

use super::Validator;
use crate::diagnostic::LoadCode;
use crate::scenario::model::*;
use crate::scenario::raw::RawCluster;
use crate::scenario::spans::{join_index, join_key};

impl Validator<'_> {
    pub(super) fn cluster(&mut self, raw: &RawCluster, scenario: &Scenario) -> Option<Cluster> {
        let path = "cluster";
        let name = self
            .required(&raw.name, path, "name")
            .map(|text| text.0.clone());
        let region = self
            .required(&raw.region, path, "region")
            .map(|text| text.0.clone());
        let access = match &raw.endpoint_access {
            None => Some(EndpointAccess::Public),
            Some(text) => {
                let access = EndpointAccess::parse(text);
                if access.is_none() {
                    self.problem(LoadCode::BadValue, "cluster.endpointAccess", format!("unknown endpoint access `{text}`: expected public, public-and-private or private"));
                }
                access
            }
        };
        let ip_family = match &raw.ip_family {
            None => Some(Family::Ipv4),
            Some(text) => {
                let family = Family::parse(text);
                if family.is_none() {
                    self.problem(
                        LoadCode::BadValue,
                        "cluster.ipFamily",
                        format!("unknown ipFamily `{text}`: expected ipv4 or ipv6"),
                    );
                }
                family
            }
        };
        let (public_access_cidrs, public_access_cidrs_default) = match &raw.public_access_cidrs {
            // The IPv6 default `::/0` is added below once the endpoint is known.
            None => (
                vec![IpNetwork::V4(
                    Ipv4Network::new(Ipv4Addr::UNSPECIFIED, 0)
                        .unwrap_or(Ipv4Network::from(Ipv4Addr::UNSPECIFIED)),
                )],
                true,
            ),
            Some(list) => (
                list.iter()
                    .enumerate()
                    .filter_map(|(i, text)| {
                        self.cidr(text, &join_index("cluster.publicAccessCidrs", i))
                    })
                    .collect(),
                false,
            ),
        };
        let (public_endpoint_ips, public_endpoint_ipv6, public_endpoint_ips_placeholder) =
            match &raw.public_endpoint_ips {
                None => (PLACEHOLDER_PUBLIC_IPS.to_vec(), Vec::new(), true),
                Some(list) => {
                    let (v4, v6) = self.ip_list(list, "cluster.publicEndpointIps");
                    (v4, v6, false)
                }
            };
        let vpc = self
            .required(&raw.vpc, path, "vpc")
            .cloned()
            .and_then(|id| self.vpc_ref(&id, "cluster.vpc"));
        let security_groups = raw
            .security_groups
            .iter()
            .enumerate()
            .filter_map(|(i, id)| {
                let path = join_index("cluster.securityGroups", i);
                self.attached_sg_ref(scenario, id, &path, vpc, "the cluster's ENIs are")
            })
            .collect();
        let mut enis = Vec::new();
        for (i, raw_eni) in raw.enis.iter().enumerate() {
            let eni_path = join_index("cluster.enis", i);
            let subnet = self
                .required(&raw_eni.subnet, &eni_path, "subnet")
                .cloned()
                .and_then(|id| self.subnet_ref(&id, &join_key(&eni_path, "subnet")));
            let ip = self
                .required(&raw_eni.ip, &eni_path, "ip")
                .cloned()
                .and_then(|text| self.ipv4_beside(&text, &join_key(&eni_path, "ip"), Some("ipv6")));
            let ipv6_path = join_key(&eni_path, "ipv6");
            let ipv6 = raw_eni
                .ipv6
                .as_ref()
                .and_then(|text| self.ipv6(text, &ipv6_path, "ip"));
            let (Some(subnet_ix), Some(ip)) = (subnet, ip) else {
                continue;
            };
            let Some(subnet) = scenario.subnet(subnet_ix) else {
                continue;
            };
            if vpc.is_some_and(|vpc| vpc != subnet.vpc) {
                let message = format!(
                    "subnet `{}` is not in the cluster VPC: the EKS-owned ENIs sit in the cluster VPC's subnets",
                    subnet.id
                );
                self.problem(LoadCode::Conflict, &join_key(&eni_path, "subnet"), message);
            }
            self.check_host_address(ip, subnet, &join_key(&eni_path, "ip"));
            if let Some(ipv6) = ipv6 {
                self.check_ipv6_in_subnet(ipv6, subnet, &ipv6_path);
            }
            // An ENI of an IPv6 cluster without a written `ipv6` gets a labelled placeholder
            // in its subnet's /64 (SPEC 7.2, choice); none when the subnet has no IPv6 block
            // (EKS021 reports that).
            let derived = match (ipv6, ip_family) {
                (None, Some(Family::Ipv6)) => subnet
                    .ipv6_cidr
                    .map(|block| host_in(block, subnet.cidr, ip)),
                _ => None,
            };
            enis.push(Eni {
                subnet: subnet_ix,
                ip,
                ipv6: ipv6.or(derived),
                ipv6_placeholder: derived.is_some(),
            });
        }
        self.public_endpoint_ips_at_enis(raw);
        let endpoint = match &raw.endpoint {
            Some(text) => self
                .domain(text, "cluster.endpoint")
                .and_then(|name| self.endpoint_name(name, text)),
            None => {
                let zone = match ip_family {
                    Some(Family::Ipv6) => "api.aws",
                    _ => "eks.amazonaws.com",
                };
                let derived = name
                    .as_deref()
                    .zip(region.as_deref())
                    .and_then(|(name, region)| derived_endpoint(name, region, zone));
                // The name only enters through its hash: only the region can spoil the
                // hostname. Say so, or the scenario fails to load without a word.
                if derived.is_none()
                    && name.is_some()
                    && let Some(region) = &region
                {
                    let message = format!(
                        "`{region}` cannot be part of the endpoint hostname <id>.gr7.{region}.eks.amazonaws.com (a region is a DNS label such as eu-west-1); set cluster.endpoint to give the hostname"
                    );
                    self.problem(LoadCode::BadValue, "cluster.region", message);
                }
                derived
            }
        };
        let ip_family = ip_family?;
        let dual_stack = ip_family == Family::Ipv6
            && endpoint.as_ref().is_some_and(|name| {
                DUAL_STACK_DOMAINS.iter().any(|zone| {
                    Name::from_ascii(format!("{zone}.")).is_ok_and(|zone| zone.zone_of(name))
                })
            });
        let mut public_access_cidrs = public_access_cidrs;
        if public_access_cidrs_default && dual_stack {
            // "The default value is 0.0.0.0/0 and additionally ::/0 for dual-stack IPv6
            // clusters" (EKS API, VpcConfigResponse).
            public_access_cidrs.push(IpNetwork::V6(
                Ipv6Network::new(Ipv6Addr::UNSPECIFIED, 0)
                    .unwrap_or(Ipv6Network::from(Ipv6Addr::UNSPECIFIED)),
            ));
        }
        let (public_endpoint_ipv6, public_endpoint_ipv6_placeholder) =
            if dual_stack && public_endpoint_ipv6.is_empty() {
                (PLACEHOLDER_PUBLIC_IPV6S.to_vec(), true)
            } else {
                (public_endpoint_ipv6, false)
            };
        let hybrid = self.hybrid_config(raw);
        Some(Cluster {
            name: name?,
            region: region?,
            endpoint: endpoint?,
            endpoint_derived: raw.endpoint.is_none(),
            access: access?,
            public_access_cidrs,
            public_access_cidrs_default,
            public_endpoint_ips,
            public_endpoint_ips_placeholder,
            ip_family,
            dual_stack,
            public_endpoint_ipv6,
            public_endpoint_ipv6_placeholder,
            vpc: vpc?,
            security_groups,
            enis,
            hybrid,
        })
    }

    /// `serviceIpv4Cidr` and `remoteNetworkConfig` (SPEC 9.1): IPv4 blocks that parse. What
    /// the EKS API refuses in them (public ranges, overlaps) is left to findings EKS031–EKS033.
    fn hybrid_config(&mut self, raw: &RawCluster) -> HybridConfig {
        let service_ipv4_cidr = raw
            .service_ipv4_cidr
            .as_ref()
            .and_then(|text| self.cidr4_beside(text, "cluster.serviceIpv4Cidr", None));
        let remote = raw.remote_network_config.as_ref().map(|config| {
            let path = "cluster.remoteNetworkConfig";
            RemoteNetworkConfig {
                node_networks: self.cidr4_list_beside(
                    &config.remote_node_networks,
                    &join_key(path, "remoteNodeNetworks"),
                    None,
                ),
                pod_networks: self.cidr4_list_beside(
                    &config.remote_pod_networks,
                    &join_key(path, "remotePodNetworks"),
                    None,
                ),
            }
        });
        HybridConfig {
            service_ipv4_cidr,
            remote,
        }
    }
}

/// The DNS zones EKS names API endpoints in (SPEC 7.2): IPv4 clusters, and IPv6 clusters
/// made before October 2024, under `eks.amazonaws.com` (`eks.amazonaws.com.cn` in China);
/// dual-stack endpoints under `api.aws` (`api.amazonwebservices.com.cn`).
const ENDPOINT_ZONES: [&str; 4] = [
    "eks.amazonaws.com.",
    "eks.amazonaws.com.cn.",
    "api.aws.",
    "api.amazonwebservices.com.cn.",
];

impl Validator<'_> {
    /// `cluster.endpoint` names a host inside one of [`ENDPOINT_ZONES`]: the resolver model
    /// (the EKS private hosted zone, forward rules for `.` or `com` that do not hide it) is
    /// about such a name, and `.` or `eks.amazonaws.com` itself is no cluster's endpoint.
    fn endpoint_name(&mut self, name: Name, text: &str) -> Option<Name> {
        let inside = ENDPOINT_ZONES.iter().any(|zone| {
            Name::from_ascii(zone)
                .is_ok_and(|zone| zone.zone_of(&name) && name.num_labels() > zone.num_labels())
        });
        if inside {
            return Some(name);
        }
        let message = format!(
            "`{text}` is not an EKS API endpoint hostname: EKS names endpoints under eks.amazonaws.com (<id>.gr7.<region>.eks.amazonaws.com), api.aws, eks.amazonaws.com.cn or api.amazonwebservices.com.cn; leave cluster.endpoint out to derive one"
        );
        self.problem(LoadCode::BadValue, "cluster.endpoint", message);
        None
    }

    /// An address in `publicEndpointIps` that an EKS-owned ENI holds: public DNS would
    /// answer with the cluster's private address as if it were public, and the one address
    /// would be checked both against the allowlist and against the ENI security groups.
    /// The public endpoint's addresses are AWS public addresses, never the ENIs'.
    fn public_endpoint_ips_at_enis(&mut self, raw: &RawCluster) {
        let Some(list) = &raw.public_endpoint_ips else {
            return;
        };
        let enis: Vec<(usize, Ipv4Addr)> = raw
            .enis
            .iter()
            .enumerate()
            .filter_map(|(i, eni)| Some((i, eni.ip.as_ref()?.trim().parse().ok()?)))
            .collect();
        for (i, text) in list.iter().enumerate() {
            let Ok(ip) = text.trim().parse::<Ipv4Addr>() else {
                continue;
            };
            if let Some((eni, _)) = enis.iter().find(|(_, eni_ip)| *eni_ip == ip) {
                let message = format!(
                    "{ip} is the address of an EKS-owned ENI (cluster.enis[{eni}]): the public endpoint answers from AWS public addresses, never from the cluster's private ones"
                );
                self.problem(
                    LoadCode::Conflict,
                    &join_index("cluster.publicEndpointIps", i),
                    message,
                );
            }
        }
    }
}

/// IPv6 public endpoint addresses used on a dual-stack endpoint when `publicEndpointIps`
/// has no IPv6 entry: documentation addresses (RFC 3849), labelled like the IPv4 ones.
pub const PLACEHOLDER_PUBLIC_IPV6S: [Ipv6Addr; 2] = [
    Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10),
    Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x11),
];

/// The address at `ip`'s host number (its offset in `cidr`) inside the IPv6 `block`:
/// `10.0.1.10` in `10.0.1.0/24` → `<prefix>::a`.
pub(super) fn host_in(block: Ipv6Network, cidr: Ipv4Network, ip: Ipv4Addr) -> Ipv6Addr {
    let host = u32::from(ip).wrapping_sub(u32::from(cidr.network()));
    Ipv6Addr::from(u128::from(block.network()).wrapping_add(u128::from(host)))
}

/// Public endpoint addresses used when `publicEndpointIps` is absent: documentation
/// addresses (RFC 5737), so nobody mistakes them for the real NLB addresses.
pub const PLACEHOLDER_PUBLIC_IPS: [Ipv4Addr; 2] =
    [Ipv4Addr::new(192, 0, 2, 10), Ipv4Addr::new(192, 0, 2, 11)];

/// `<32 upper-case hex>.gr7.<region>.eks.amazonaws.com`, the hex a 128-bit FNV-1a hash of the
/// cluster name with each half passed through MurmurHash3's finaliser (so similar names get
/// unrelated hostnames): the same cluster always gets the same hostname.
/// `zone` is `eks.amazonaws.com`, or `api.aws` for an IPv6 cluster (SPEC 7.2, choice: the
/// unique part stays the same, only the suffix changes).
fn derived_endpoint(name: &str, region: &str, zone: &str) -> Option<Name> {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let hash = name.bytes().fold(OFFSET, |hash, byte| {
        (hash ^ u128::from(byte)).wrapping_mul(PRIME)
    });
    let mix = |mut x: u64| {
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    };
    let high = mix((hash >> 64) as u64);
    let low = mix(hash as u64 ^ high);
    let mut endpoint =
        Name::from_ascii(format!("{high:016X}{low:016X}.gr7.{region}.{zone}")).ok()?;
    endpoint.set_fqdn(true);
    Some(endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_endpoint_is_stable_and_shaped_like_eks() {
        let a = derived_endpoint("prod", "eu-west-1", "eks.amazonaws.com")
            .unwrap()
            .to_ascii();
        let b = derived_endpoint("prod", "eu-west-1", "eks.amazonaws.com")
            .unwrap()
            .to_ascii();
        assert_eq!(a, b);
        let (hex, rest) = a.split_once('.').unwrap();
        assert_eq!(hex.len(), 32);
        assert!(
            hex.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
        assert_eq!(rest, "gr7.eu-west-1.eks.amazonaws.com.");
        assert_ne!(
            a,
            derived_endpoint("staging", "eu-west-1", "eks.amazonaws.com")
                .unwrap()
                .to_ascii()
        );
    }
}
