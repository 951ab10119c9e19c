//! The region the template is written for.
//!
//! A template does not name its region (`AWS::Region` is the stack's), but a literal often
//! gives it away: a subnet's Availability Zone (`us-west-2b`) or a VPC endpoint's service name
//! (`com.amazonaws.eu-west-1.s3`), written out or as a parameter default. With it,
//! `AWS::Region` and `Fn::GetAZs ""` evaluate; without it they stay unknown, and are noted.

use serde_yaml::Value;

use super::Resource;
use super::intrinsics::Template;

/// The region the template is written for, when a literal says: a subnet's Availability
/// Zone (`us-west-2b`) or a VPC endpoint's service name (`com.amazonaws.eu-west-1.s3`),
/// written out or as a parameter default.
pub(super) fn region_hint(resources: &[Resource<'_>], template: Template<'_>) -> Option<String> {
    let literal = |r: &Resource<'_>, key: &str| -> Option<String> {
        match r.properties?.get(key)? {
            Value::String(text) => Some(text.clone()),
            other => {
                let parameter = other.get("Ref")?.as_str()?;
                let default = template.parameters?.get(parameter)?.get("Default")?;
                default.as_str().map(str::to_owned)
            }
        }
    };
    resources.iter().find_map(|r| match r.kind {
        "AWS::EC2::Subnet" => literal(r, "AvailabilityZone").and_then(|az| region_of_zone(&az)),
        "AWS::EC2::VPCEndpoint" => literal(r, "ServiceName").and_then(|s| region_of_service(&s)),
        _ => None,
    })
}

/// `us-west-2b` → `us-west-2`; `us-gov-west-1a` → `us-gov-west-1`; a Local Zone
/// `us-west-2-lax-1a` → `us-west-2`.
fn region_of_zone(zone: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in zone.split('-') {
        if part.starts_with(|c: char| c.is_ascii_digit()) {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            if parts.len() < 2
                || !parts
                    .iter()
                    .all(|p| p.chars().all(|c| c.is_ascii_lowercase()))
            {
                return None;
            }
            return Some(format!("{}-{digits}", parts.join("-")));
        }
        parts.push(part);
    }
    None
}

/// `com.amazonaws.eu-west-1.ecr.api` → `eu-west-1`.
fn region_of_service(service: &str) -> Option<String> {
    let region = service.strip_prefix("com.amazonaws.")?.split('.').next()?;
    let looks_like_region = region.contains('-') && region.ends_with(|c: char| c.is_ascii_digit());
    looks_like_region.then(|| region.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_come_from_zone_and_service_names() {
        assert_eq!(region_of_zone("us-west-2b").as_deref(), Some("us-west-2"));
        assert_eq!(
            region_of_zone("us-gov-west-1a").as_deref(),
            Some("us-gov-west-1")
        );
        assert_eq!(
            region_of_zone("us-west-2-lax-1a").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(region_of_zone("use1-az1"), None);
        assert_eq!(
            region_of_service("com.amazonaws.eu-west-1.ecr.api").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(region_of_service("com.amazonaws.vpce.svc-123"), None);
    }
}
