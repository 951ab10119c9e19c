//! Counts: the sizes [`limits`] caps, checked before anything else so that a file over a cap
//! is refused before any work in proportion to it.

use crate::diagnostic::LoadCode;
use crate::scenario::limits;
use crate::scenario::raw::RawScenario;
use crate::scenario::spans::{join_index, join_key};

use super::Validator;

impl Validator<'_> {
    /// Checks the counts [`limits`] caps; false (with a problem for each) when one is over.
    pub(super) fn within_limits(&mut self, raw: &RawScenario) -> bool {
        let before = self.problems.len();
        // A hybrid group holds one client per node address, or one at a derived address.
        let implicit: usize = raw
            .node_groups
            .iter()
            .map(|g| match (&g.network, &g.ips) {
                (Some(_), Some(ips)) => ips.len(),
                (Some(_), None) => 1,
                (None, _) => g.subnets.len(),
            })
            .fold(0, usize::saturating_add);
        let clients = raw.clients.len().saturating_add(implicit);
        if clients > limits::MAX_CLIENTS {
            let path = if raw.clients.len() > limits::MAX_CLIENTS {
                "clients"
            } else {
                "nodeGroups"
            };
            self.problem(LoadCode::LimitExceeded,
                path,
                format!(
                    "{clients} clients (node-group subnets included): eksflow checks at most {} per scenario; split the scenario",
                    limits::MAX_CLIENTS
                ),
            );
        }
        if let Some(cluster) = &raw.cluster {
            let public = cluster.public_endpoint_ips.as_deref().unwrap_or_default();
            for (field, count) in [
                ("cluster.enis", cluster.enis.len()),
                ("cluster.publicEndpointIps", public.len()),
            ] {
                if count > limits::MAX_ENDPOINT_ADDRESSES {
                    self.problem(LoadCode::LimitExceeded,
                        field,
                        format!(
                            "{count} addresses: the endpoint answers with a handful (EKS creates 2 to 4 ENIs); eksflow reads at most {}",
                            limits::MAX_ENDPOINT_ADDRESSES
                        ),
                    );
                }
            }
        }
        for (s, server) in raw.dns_servers.iter().enumerate() {
            for (f, forwarder) in server.forward.iter().enumerate() {
                if forwarder.to.len() > limits::MAX_FORWARDER_TARGETS {
                    let path = join_key(
                        &join_index(&join_key(&join_index("dnsServers", s), "forward"), f),
                        "to",
                    );
                    self.problem(LoadCode::LimitExceeded,
                        &path,
                        format!(
                            "{} forwarding targets: one resolution asks at most {} servers, so eksflow reads at most {} per forwarder",
                            forwarder.to.len(),
                            limits::MAX_DNS_QUERIES,
                            limits::MAX_FORWARDER_TARGETS
                        ),
                    );
                }
            }
        }
        for (v, vpc) in raw.vpcs.iter().enumerate() {
            let vpc_path = join_index("vpcs", v);
            let rules = vpc.resolver.iter().flat_map(|r| r.forward_rules.iter());
            for (r, rule) in rules.enumerate() {
                if rule.target_ips.len() > limits::MAX_RULE_TARGETS {
                    let path = join_key(
                        &join_index(&join_key(&vpc_path, "resolver.forwardRules"), r),
                        "targetIps",
                    );
                    self.problem(
                        LoadCode::LimitExceeded,
                        &path,
                        format!(
                            "{} target IPs: Route 53 Resolver allows at most {} per rule",
                            rule.target_ips.len(),
                            limits::MAX_RULE_TARGETS
                        ),
                    );
                }
            }
            for (t, table) in vpc.route_tables.iter().enumerate() {
                if table.routes.len() > limits::MAX_ROUTES {
                    let path = join_key(
                        &join_index(&join_key(&vpc_path, "routeTables"), t),
                        "routes",
                    );
                    self.problem(
                        LoadCode::LimitExceeded,
                        &path,
                        format!(
                            "{} routes: AWS allows at most {} per route table",
                            table.routes.len(),
                            limits::MAX_ROUTES
                        ),
                    );
                }
            }
            for (a, acl) in vpc.network_acls.iter().enumerate() {
                let acl_path = join_index(&join_key(&vpc_path, "networkAcls"), a);
                for (direction, rules) in [("inbound", &acl.inbound), ("outbound", &acl.outbound)] {
                    if rules.len() > limits::MAX_NACL_RULES {
                        self.problem(LoadCode::LimitExceeded,
                            &join_key(&acl_path, direction),
                            format!(
                                "{} {direction} rules: AWS allows at most {} per network ACL and direction",
                                rules.len(),
                                limits::MAX_NACL_RULES
                            ),
                        );
                    }
                }
            }
            for (g, group) in vpc.security_groups.iter().enumerate() {
                let group_path = join_index(&join_key(&vpc_path, "securityGroups"), g);
                let egress = group.egress.as_deref().unwrap_or_default();
                for (direction, rules) in
                    [("ingress", group.ingress.as_slice()), ("egress", egress)]
                {
                    if rules.len() > limits::MAX_SG_RULES {
                        self.problem(
                            LoadCode::LimitExceeded,
                            &join_key(&group_path, direction),
                            format!(
                                "{} {direction} rules: AWS allows at most {} per security group",
                                rules.len(),
                                limits::MAX_SG_RULES
                            ),
                        );
                    }
                }
            }
        }
        self.problems.len() == before
    }
}
