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

/// The map for one imported cluster of `text`.
pub fn source_map(kind: Kind, text: &str, cluster: &str, spans: DocumentSpans) -> SourceMap {
    match kind {
        Kind::Eksctl => SourceMap::new(spans, |path| Some(eksctl(path))).with_fallback("metadata"),
        Kind::CloudFormation => match cloudformation_cluster(text, cluster) {
            Some(id) => {
                let resource = format!("Resources.{id}");
                SourceMap::new(spans, move |path| Some(cloudformation(&id, path)))
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

fn eksctl(path: &str) -> String {
    if let Some(rest) = under(path, "cluster.publicAccessCidrs") {
        return format!("vpc.publicAccessCIDRs{rest}");
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

fn cloudformation(id: &str, path: &str) -> String {
    let config = format!("Resources.{id}.Properties.ResourcesVpcConfig");
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

    #[test]
    fn eksctl_allowlist_entries_point_at_public_access_cidrs() {
        assert_eq!(
            eksctl("cluster.publicAccessCidrs[3]"),
            "vpc.publicAccessCIDRs[3]"
        );
        assert_eq!(eksctl("cluster.endpointAccess"), "vpc.clusterEndpoints");
        assert_eq!(eksctl("imported.missing[2]"), "metadata");
        assert_eq!(eksctl("vpcs[0].subnets[1]"), "vpc");
    }

    #[test]
    fn cloudformation_paths_point_into_the_cluster_resource() {
        assert_eq!(
            cloudformation("Eks", "cluster.publicAccessCidrs[0]"),
            "Resources.Eks.Properties.ResourcesVpcConfig.PublicAccessCidrs[0]"
        );
        assert_eq!(cloudformation("Eks", "vpcs[0]"), "Resources.Eks");
    }
}
