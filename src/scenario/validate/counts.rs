//! Counts: the sizes [`limits`] caps, checked before anything else so that a file over a cap
//! is refused before any work in proportion to it.

use crate::scenario::limits;
use crate::scenario::raw::RawScenario;
use crate::scenario::spans::{join_index, join_key};

use super::Validator;

impl Validator<'_> {
    /// Checks the counts [`limits`] caps; false (with a problem for each) when one is over.
    pub(super) fn within_limits(&mut self, raw: &RawScenario) -> bool {
        let before = self.problems.len();
        let implicit: usize = raw.node_groups.iter().map(|g| g.subnets.len()).sum();
        let clients = raw.clients.len().saturating_add(implicit);
        if clients > limits::MAX_CLIENTS {
            let path = if raw.clients.len() > limits::MAX_CLIENTS {
                "clients"
            } else {
                "nodeGroups"
            };
            self.problem(
                path,
                format!(
                    "{clients} clients (node-group subnets included): eksflow checks at most {} per scenario; split the scenario",
                    limits::MAX_CLIENTS
                ),
            );
        }
        for (v, vpc) in raw.vpcs.iter().enumerate() {
            let vpc_path = join_index("vpcs", v);
            for (t, table) in vpc.route_tables.iter().enumerate() {
                if table.routes.len() > limits::MAX_ROUTES {
                    let path = join_key(
                        &join_index(&join_key(&vpc_path, "routeTables"), t),
                        "routes",
                    );
                    self.problem(
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
                        self.problem(
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
