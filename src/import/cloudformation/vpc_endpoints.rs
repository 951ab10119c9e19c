//! VPC endpoints.
//!
//! CloudFormation defaults (AWS CloudFormation Template Reference, `AWS::EC2::VPCEndpoint`):
//! `VpcEndpointType` defaults to `Gateway` and `PrivateDnsEnabled` to false (unlike the EC2
//! console and the scenario format). The service name usually comes with the region
//! (`com.amazonaws.${AWS::Region}.ecr.api`); when the region is unknown, what follows it still
//! names the service, so the endpoint is not lost.

use serde_yaml::Value;

use super::intrinsics::Outcome;
use super::{Reader, Resource};
use crate::import::inventory::VpcEndpointDef;

impl<'t> Reader<'t> {
    pub(super) fn vpc_endpoint(&mut self, r: &Resource<'t>) -> Outcome<()> {
        let Some(service) = self.service_name(r)? else {
            self.eval.note(format!(
                "{}: the service name is unknown; the endpoint is left out",
                r.origin()
            ));
            return Ok(());
        };
        // CloudFormation's defaults, not the console's: a Gateway endpoint, and no private
        // DNS unless asked for.
        let kind = self
            .text(r, "VpcEndpointType")?
            .unwrap_or_else(|| "Gateway".to_owned());
        let private_dns = match self.flag(r, "PrivateDnsEnabled")? {
            Some(flag) => Some(flag),
            None if kind.eq_ignore_ascii_case("Interface") => Some(false),
            None => None,
        };
        let endpoint = VpcEndpointDef {
            id: r.id.to_owned(),
            origin: r.origin(),
            vpc: self.text(r, "VpcId")?,
            service,
            kind: Some(kind),
            private_dns,
            subnets: self.texts(r, "SubnetIds")?,
            route_tables: self.texts(r, "RouteTableIds")?,
        };
        self.inventory.vpc_endpoints.push(endpoint);
        Ok(())
    }

    /// The endpoint's service. `com.amazonaws.${AWS::Region}.ecr.api` names `ecr.api`
    /// whatever the region, so an unknown region does not lose the service.
    fn service_name(&mut self, r: &Resource<'t>) -> Outcome<Option<String>> {
        if self.eval.region().is_none()
            && let Some(short) = r
                .properties
                .and_then(|p| p.get("ServiceName"))
                .and_then(service_after_region)
        {
            return Ok(Some(short));
        }
        self.text(r, "ServiceName")
    }
}

/// The service named after the region in `Fn::Sub "com.amazonaws.${AWS::Region}.ecr.api"`
/// or `Fn::Join ["", ["com.amazonaws.", !Ref AWS::Region, ".ecr.api"]]`.
fn service_after_region(raw: &Value) -> Option<String> {
    let short = match (raw.get("Fn::Sub"), raw.get("Fn::Join")) {
        (Some(Value::String(text)), _) => text.split_once("${AWS::Region}")?.1.to_owned(),
        (_, Some(Value::Sequence(join))) => {
            let [Value::String(delimiter), Value::Sequence(items)] = join.as_slice() else {
                return None;
            };
            let region = items
                .iter()
                .position(|item| item.get("Ref").and_then(Value::as_str) == Some("AWS::Region"))?;
            let after: Option<Vec<&str>> =
                items.iter().skip(region + 1).map(Value::as_str).collect();
            format!("{delimiter}{}", after?.join(delimiter))
        }
        _ => return None,
    };
    let short = short.trim_start_matches('.');
    (!short.is_empty() && !short.contains("${")).then(|| short.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_after_the_region_survives_an_unknown_region() {
        let sub: Value =
            serde_yaml::from_str(r#"{"Fn::Sub": "com.amazonaws.${AWS::Region}.ecr.api"}"#).unwrap();
        assert_eq!(service_after_region(&sub).as_deref(), Some("ecr.api"));
        let join: Value = serde_yaml::from_str(
            r#"{"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".s3"]]}"#,
        )
        .unwrap();
        assert_eq!(service_after_region(&join).as_deref(), Some("s3"));
        let dotted: Value = serde_yaml::from_str(
            r#"{"Fn::Join": [".", ["com", "amazonaws", {"Ref": "AWS::Region"}, "ecr", "dkr"]]}"#,
        )
        .unwrap();
        assert_eq!(service_after_region(&dotted).as_deref(), Some("ecr.dkr"));
    }
}
