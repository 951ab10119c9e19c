//! The control plane's connection to a node's kubelet (TCP 10250), from one EKS-owned ENI.
//!
//! The API server connects to the kubelet for `kubectl exec` and `logs`, and to reach
//! admission webhooks behind the nodes. The connection starts in the cluster VPC, so the
//! route must be local. Checked in the order the packet meets each element: cluster security
//! group egress → ENI subnet NACL outbound → local route from the ENI subnet → node subnet
//! NACL inbound → node security group ingress → node subnet NACL outbound (reply) → ENI
//! subnet NACL inbound (reply). The node's ingress rules may name a cluster security group,
//! which the ENI carries.
//!
//! Network ACLs do not filter traffic between instances of the same subnet (VPC FAQ): when the
//! ENI and the node share a subnet, one step says so and the NACL checks are skipped.

use std::net::IpAddr;

use super::filters::{Direction, sg_egress_allows, sg_ingress_allows};
use super::walk::{Check, Walk, unreachable_blocked};
use super::{KUBELET, Leg, Step, Tracer, VpcNextHop, lookup_subnet, routes};
use crate::reason::Reason;
use crate::scenario::{Client, Eni, PortRange};

impl<'s> Tracer<'s> {
    pub(super) fn kubelet_walk(
        &self,
        walk: &mut Walk<'s>,
        eni: &'s Eni,
        node: &'s Client,
        (from, to): (IpAddr, IpAddr),
    ) -> Check {
        let scenario = self.scenario;
        let cluster = &scenario.cluster;
        let (Some(eni_subnet), Some((_, node_subnet))) =
            (scenario.subnet(eni.subnet), self.subnet_of(node))
        else {
            return Err(unreachable_blocked());
        };
        let kubelet = PortRange {
            from: KUBELET,
            to: KUBELET,
        };
        let same_subnet = std::ptr::eq(eni_subnet, node_subnet);
        match sg_egress_allows(
            scenario,
            &cluster.security_groups,
            KUBELET,
            to,
            &node.security_groups,
        ) {
            Some(found) => walk.pass(Step::SgEgress {
                proto: crate::scenario::Protocol::Tcp,
                groups: &cluster.security_groups,
                found,
                port: KUBELET,
                to,
            }),
            None => {
                let names = scenario.sg_names(&cluster.security_groups);
                return walk.block(
                    names.clone(),
                    Reason::SgEgressDeny,
                    format!("the cluster security groups {names} allow no egress to tcp/{KUBELET} at {} (node group {})", to, node.name),
                );
            }
        }
        if same_subnet {
            walk.pass(Step::SameSubnet {
                subnet: node_subnet,
            });
        } else {
            self.nacl(
                walk,
                eni_subnet,
                Direction::Outbound,
                to,
                kubelet,
                Leg::Request,
            )?;
        }
        let (table, next) = lookup_subnet(scenario, eni_subnet, to);
        match next {
            VpcNextHop::Local => {
                let Some(vpc) = scenario.vpc(eni_subnet.vpc) else {
                    return Err(unreachable_blocked());
                };
                walk.pass(Step::LocalRoute {
                    subnet: eni_subnet,
                    table,
                    vpc,
                });
            }
            _ => {
                let table_name = routes::table_name(scenario, eni_subnet, table);
                return walk.block(
                    table_name.clone(),
                    Reason::NoRoute,
                    format!(
                        "route table {table_name} of ENI subnet {} has no local route to node {}",
                        eni_subnet.id, to
                    ),
                );
            }
        }
        if !same_subnet {
            self.nacl(
                walk,
                node_subnet,
                Direction::Inbound,
                from,
                kubelet,
                Leg::Request,
            )?;
        }
        match sg_ingress_allows(
            scenario,
            &node.security_groups,
            KUBELET,
            from,
            &cluster.security_groups,
        ) {
            Some(found) => walk.pass(Step::SgIngress {
                proto: crate::scenario::Protocol::Tcp,
                groups: &node.security_groups,
                found,
                port: KUBELET,
                from,
            }),
            None => {
                let names = scenario.sg_names(&node.security_groups);
                let names = if names.is_empty() {
                    "(none)".to_owned()
                } else {
                    names
                };
                return walk.block(
                    names.clone(),
                    Reason::SgIngressDeny,
                    format!(
                        "the node security groups {names} allow no tcp/{KUBELET} from the control plane ({} or the cluster security groups {})",
                        from,
                        scenario.sg_names(&cluster.security_groups)
                    ),
                );
            }
        }
        if !same_subnet {
            self.nacl(
                walk,
                node_subnet,
                Direction::Outbound,
                from,
                PortRange::EPHEMERAL,
                Leg::Reply,
            )?;
            self.nacl(
                walk,
                eni_subnet,
                Direction::Inbound,
                to,
                PortRange::EPHEMERAL,
                Leg::Reply,
            )?;
        }
        Ok(())
    }
}
