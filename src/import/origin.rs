//! Where a finding in an imported scenario points in the source the user wrote: a
//! scenario path (`cluster.publicAccessCidrs[2]`) translated into the path of the source
//! element it was imported from (`vpc.publicAccessCIDRs[2]` in an eksctl config,
//! `Resources.Cluster.Properties.ResourcesVpcConfig.PublicAccessCidrs[2]` in CloudFormation).
//! Elements without a counterpart point at the element that defines the cluster (eksctl
//! `metadata`, the CloudFormation cluster resource), the nearest thing in the source the
//! finding is about. Only YAML and JSON sources whose nodes have positions get a map.

use super::Kind;
use crate::scenario::SourceMap;
use crate::scenario::spans::DocumentSpans;

/// The map for one imported cluster of `text`; `scenario` is the YAML the import wrote for
/// it, which says which source element each scenario element came from.
pub fn source_map(
    kind: Kind,
    text: &str,
    cluster: &str,
    scenario: &str,
    spans: DocumentSpans,
) -> SourceMap {
    match kind {
        Kind::Eksctl => {
            let remote = Remote::of(
                serde_yaml::from_str::<serde_yaml::Value>(text)
                    .ok()
                    .as_ref()
                    .and_then(|root| root.get("remoteNetworkConfig")),
                ["remoteNodeNetworks", "remotePodNetworks", "cidrs"],
            );
            SourceMap::new(spans, move |path| Some(eksctl(path, &remote))).with_fallback("metadata")
        }
        Kind::CloudFormation => match cloudformation_cluster(text, cluster) {
            Some(id) => {
                let resource = format!("Resources.{id}");
                // The template is read once for both maps: Resolver resources and the
                // cluster's remote network blocks.
                let template = serde_yaml::from_str::<serde_yaml::Value>(text).ok();
                let resolver = resolver_elements(template.as_ref(), scenario);
                let remote = Remote::of(
                    template
                        .as_ref()
                        .and_then(|root| root.get("Resources")?.get(id.as_str())?.get("Properties"))
                        .and_then(|properties| properties.get("RemoteNetworkConfig")),
                    ["RemoteNodeNetworks", "RemotePodNetworks", "Cidrs"],
                );
                SourceMap::new(spans, move |path| {
                    Some(
                        resolver_path(&resolver, path)
                            .unwrap_or_else(|| cloudformation(&id, path, &remote)),
                    )
                })
                .with_fallback(resource)
            }
            None => SourceMap::unknown(),
        },
        Kind::Terraform | Kind::Aws => SourceMap::unknown(),
    }
}

/// `rest` of `path` after `prefix`, when `path` is `prefix` or goes on with `[` or `.`.
fn under<'p>(path: &'p str, prefix: &str) -> Option<&'p str> {
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with(['[', '.'])).then_some(rest)
}

/// Where each block of the scenario's flattened `remoteNodeNetworks` and `remotePodNetworks`
/// stands in the source's `[{cidrs: [...]}]` lists: (entry, block) indices, in the order the
/// import flattens them. A block the import leaves out (a string that is not an IPv4 CIDR)
/// takes no index; an item that is not a string (a CloudFormation intrinsic) is counted as
/// the one block it most likely resolves to.
#[derive(Debug, Default)]
struct Remote {
    keys: [&'static str; 3],
    nodes: Vec<(usize, usize)>,
    pods: Vec<(usize, usize)>,
}

impl Remote {
    /// `keys`: the node list, the pod list and each entry's block list, as the source
    /// spells them.
    fn of(config: Option<&serde_yaml::Value>, keys: [&'static str; 3]) -> Self {
        let [nodes, pods, cidrs] = keys;
        let blocks = |list: &str| -> Vec<(usize, usize)> {
            let Some(entries) = config
                .and_then(|c| c.get(list))
                .and_then(serde_yaml::Value::as_sequence)
            else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for (entry, network) in entries.iter().enumerate() {
                let Some(items) = network.get(cidrs).and_then(serde_yaml::Value::as_sequence)
                else {
                    continue;
                };
                for (block, item) in items.iter().enumerate() {
                    let kept = item
                        .as_str()
                        .is_none_or(|text| text.trim().parse::<ipnetwork::Ipv4Network>().is_ok());
                    if kept {
                        out.push((entry, block));
                    }
                }
            }
            out
        };
        Remote {
            keys,
            nodes: blocks(nodes),
            pods: blocks(pods),
        }
    }

    /// `path`'s source path under `prefix` (the source's `remoteNetworkConfig`), when
    /// `path` is in the scenario's `cluster.remoteNetworkConfig`.
    fn translate(&self, path: &str, prefix: &str) -> Option<String> {
        let rest = under(path, "cluster.remoteNetworkConfig")?;
        let [nodes, pods, cidrs] = self.keys;
        for (list, source, origins) in [
            ("remoteNodeNetworks", nodes, &self.nodes),
            ("remotePodNetworks", pods, &self.pods),
        ] {
            let Some(rest) = rest.strip_prefix('.').and_then(|rest| under(rest, list)) else {
                continue;
            };
            let index = rest
                .strip_prefix('[')
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(i, _)| i.parse::<usize>().ok());
            return Some(match index.and_then(|i| origins.get(i)) {
                Some((entry, block)) => format!("{prefix}.{source}[{entry}].{cidrs}[{block}]"),
                None => format!("{prefix}.{source}"),
            });
        }
        Some(prefix.to_owned())
    }
}

fn eksctl(path: &str, remote: &Remote) -> String {
    if let Some(rest) = under(path, "cluster.publicAccessCidrs") {
        return format!("vpc.publicAccessCIDRs{rest}");
    }
    if under(path, "cluster.serviceIpv4Cidr").is_some() {
        return "kubernetesNetworkConfig.serviceIPv4CIDR".to_owned();
    }
    if let Some(source) = remote.translate(path, "remoteNetworkConfig") {
        return source;
    }
    if under(path, "cluster.endpointAccess").is_some() {
        return "vpc.clusterEndpoints".to_owned();
    }
    if under(path, "cluster.securityGroups").is_some() {
        return "vpc.controlPlaneSecurityGroupIDs".to_owned();
    }
    if under(path, "vpcs").is_some() {
        return "vpc".to_owned();
    }
    "metadata".to_owned()
}

fn cloudformation(id: &str, path: &str, remote: &Remote) -> String {
    let properties = format!("Resources.{id}.Properties");
    if under(path, "cluster.serviceIpv4Cidr").is_some() {
        return format!("{properties}.KubernetesNetworkConfig.ServiceIpv4Cidr");
    }
    if let Some(source) = remote.translate(path, &format!("{properties}.RemoteNetworkConfig")) {
        return source;
    }
    let config = format!("{properties}.ResourcesVpcConfig");
    if let Some(rest) = under(path, "cluster.publicAccessCidrs") {
        return format!("{config}.PublicAccessCidrs{rest}");
    }
    if under(path, "cluster.endpointAccess").is_some() {
        return format!("{config}.EndpointPublicAccess");
    }
    if let Some(rest) = under(path, "cluster.securityGroups") {
        return format!("{config}.SecurityGroupIds{rest}");
    }
    format!("Resources.{id}")
}

/// The scenario's Resolver endpoints and forward rules that are resources of the template:
/// (scenario path, logical ID). The import names them by logical ID.
fn resolver_elements(
    template: Option<&serde_yaml::Value>,
    scenario: &str,
) -> Vec<(String, String)> {
    let (Some(template), Ok(scenario)) = (
        template,
        serde_yaml::from_str::<serde_yaml::Value>(scenario),
    ) else {
        return Vec::new();
    };
    let resources = template.get("Resources");
    let mut out = Vec::new();
    let vpcs = scenario
        .get("vpcs")
        .and_then(serde_yaml::Value::as_sequence);
    for (v, vpc) in vpcs.into_iter().flatten().enumerate() {
        for list in ["inboundEndpoints", "outboundEndpoints", "forwardRules"] {
            let items = vpc
                .get("resolver")
                .and_then(|r| r.get(list))
                .and_then(serde_yaml::Value::as_sequence);
            for (i, element) in items.into_iter().flatten().enumerate() {
                if let Some(id) = element.get("id").and_then(serde_yaml::Value::as_str)
                    && resources.and_then(|r| r.get(id)).is_some()
                {
                    out.push((format!("vpcs[{v}].resolver.{list}[{i}]"), id.to_owned()));
                }
            }
        }
    }
    out
}

/// The template path of a Resolver endpoint's or forward rule's scenario path: its resource,
/// or the property a field came from (`ips` from `IpAddresses`, `securityGroups` from
/// `SecurityGroupIds`, `targetIps` from `TargetIps`, `outboundEndpoint` from
/// `ResolverEndpointId`). Lists point at the whole property: the import may leave items out,
/// so indexes need not match.
fn resolver_path(elements: &[(String, String)], path: &str) -> Option<String> {
    let (rest, id) = elements
        .iter()
        .find_map(|(prefix, id)| Some((under(path, prefix)?, id)))?;
    let properties = format!("Resources.{id}.Properties");
    let property = [
        (".ips", "IpAddresses"),
        (".securityGroups", "SecurityGroupIds"),
        (".targetIps", "TargetIps"),
        (".outboundEndpoint", "ResolverEndpointId"),
        (".domain", "DomainName"),
    ]
    .iter()
    .find(|(field, _)| under(rest, field).is_some())
    .map(|(_, property)| format!("{properties}.{property}"));
    Some(property.unwrap_or_else(|| format!("Resources.{id}")))
}

/// The logical ID of the template's cluster resource called `cluster` (by its `Name`
/// property or its logical ID), else of its only cluster resource.
fn cloudformation_cluster(text: &str, cluster: &str) -> Option<String> {
    let template: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
    let resources = template.get("Resources")?.as_mapping()?;
    let clusters: Vec<(&str, &serde_yaml::Value)> = resources
        .iter()
        .filter_map(|(id, resource)| Some((id.as_str()?, resource)))
        .filter(|(_, resource)| {
            matches!(
                resource.get("Type").and_then(serde_yaml::Value::as_str),
                Some("AWS::EKS::Cluster" | "AWSQS::EKS::Cluster")
            )
        })
        .collect();
    let named = clusters.iter().find(|(id, resource)| {
        *id == cluster
            || resource
                .get("Properties")
                .and_then(|p| p.get("Name"))
                .and_then(serde_yaml::Value::as_str)
                == Some(cluster)
    });
    match (named, clusters.as_slice()) {
        (Some((id, _)), _) | (None, [(id, _)]) => Some((*id).to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_remote() -> Remote {
        Remote::default()
    }

    #[test]
    fn eksctl_allowlist_entries_point_at_public_access_cidrs() {
        let remote = no_remote();
        assert_eq!(
            eksctl("cluster.publicAccessCidrs[3]", &remote),
            "vpc.publicAccessCIDRs[3]"
        );
        assert_eq!(
            eksctl("cluster.endpointAccess", &remote),
            "vpc.clusterEndpoints"
        );
        assert_eq!(eksctl("imported.missing[2]", &remote), "metadata");
        assert_eq!(eksctl("vpcs[0].subnets[1]", &remote), "vpc");
    }

    #[test]
    fn cloudformation_paths_point_into_the_cluster_resource() {
        let remote = no_remote();
        assert_eq!(
            cloudformation("Eks", "cluster.publicAccessCidrs[0]", &remote),
            "Resources.Eks.Properties.ResourcesVpcConfig.PublicAccessCidrs[0]"
        );
        assert_eq!(cloudformation("Eks", "vpcs[0]", &remote), "Resources.Eks");
        assert_eq!(
            cloudformation("Eks", "cluster.serviceIpv4Cidr", &remote),
            "Resources.Eks.Properties.KubernetesNetworkConfig.ServiceIpv4Cidr"
        );
    }

    /// A flattened remote block points at the entry and block it came from, skipping a
    /// block the import leaves out; a block past the known ones points at the list.
    #[test]
    fn remote_blocks_point_at_their_entry_and_block_in_the_source() {
        let config: serde_yaml::Value = serde_yaml::from_str(
            "remoteNodeNetworks:\n  - cidrs: [10.80.0.0/24, nonsense, 10.80.1.0/24]\n  - cidrs: [10.81.0.0/16]\nremotePodNetworks:\n  - cidrs: [10.86.0.0/23]\n",
        )
        .unwrap();
        let remote = Remote::of(
            Some(&config),
            ["remoteNodeNetworks", "remotePodNetworks", "cidrs"],
        );
        let at = |path: &str| eksctl(path, &remote);
        assert_eq!(
            at("cluster.remoteNetworkConfig.remoteNodeNetworks[0]"),
            "remoteNetworkConfig.remoteNodeNetworks[0].cidrs[0]"
        );
        assert_eq!(
            at("cluster.remoteNetworkConfig.remoteNodeNetworks[1]"),
            "remoteNetworkConfig.remoteNodeNetworks[0].cidrs[2]"
        );
        assert_eq!(
            at("cluster.remoteNetworkConfig.remoteNodeNetworks[2]"),
            "remoteNetworkConfig.remoteNodeNetworks[1].cidrs[0]"
        );
        assert_eq!(
            at("cluster.remoteNetworkConfig.remoteNodeNetworks[9]"),
            "remoteNetworkConfig.remoteNodeNetworks"
        );
        assert_eq!(
            at("cluster.remoteNetworkConfig.remotePodNetworks[0]"),
            "remoteNetworkConfig.remotePodNetworks[0].cidrs[0]"
        );
        assert_eq!(at("cluster.remoteNetworkConfig"), "remoteNetworkConfig");
        assert_eq!(
            at("cluster.serviceIpv4Cidr"),
            "kubernetesNetworkConfig.serviceIPv4CIDR"
        );
    }

    #[test]
    fn resolver_findings_point_at_the_endpoint_or_rule_resource() {
        let template = "Resources:\n  Eks: {Type: AWS::EKS::Cluster}\n  InboundResolver: {Type: AWS::Route53Resolver::ResolverEndpoint}\n  CorpRule: {Type: AWS::Route53Resolver::ResolverRule}\n";
        let scenario = "vpcs:\n  - id: Vpc\n    resolver:\n      inboundEndpoints:\n        - id: InboundResolver\n      forwardRules:\n        - id: CorpRule\n        - id: not-in-the-template\n";
        let template = serde_yaml::from_str::<serde_yaml::Value>(template).ok();
        let elements = resolver_elements(template.as_ref(), scenario);
        let at = |path| resolver_path(&elements, path);
        assert_eq!(
            at("vpcs[0].resolver.inboundEndpoints[0]").as_deref(),
            Some("Resources.InboundResolver")
        );
        assert_eq!(
            at("vpcs[0].resolver.inboundEndpoints[0].ips[1].ip").as_deref(),
            Some("Resources.InboundResolver.Properties.IpAddresses")
        );
        assert_eq!(
            at("vpcs[0].resolver.forwardRules[0].outboundEndpoint").as_deref(),
            Some("Resources.CorpRule.Properties.ResolverEndpointId")
        );
        assert_eq!(at("vpcs[0].resolver.forwardRules[1]"), None);
        assert_eq!(at("vpcs[0].resolver.inboundEndpoints[10]"), None);
    }
}
