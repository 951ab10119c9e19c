//! Route lookup: longest prefix match in a subnet's route table or a network's routes.

use std::net::IpAddr;

use crate::scenario::{NetworkRoute, Route, RouteTable, RouteTarget, Scenario, Subnet};

/// Where a subnet's route table sends a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VpcNextHop<'a> {
    /// The destination is inside the VPC: the implicit local route delivers it.
    Local,
    /// The most specific matching route.
    Route(&'a Route),
    /// No route matches.
    None,
}

/// Looks `destination` up in the route table of `subnet`. The local route for each VPC CIDR is
/// implicit, and AWS allows no route more specific than it towards a gateway or connection,
/// so a destination inside the VPC is always local. A subnet without a route table uses the
/// VPC's main route table, which eksflow models with only the local routes.
pub fn lookup_subnet<'a>(
    scenario: &'a Scenario,
    subnet: &Subnet,
    destination: IpAddr,
) -> (Option<&'a RouteTable>, VpcNextHop<'a>) {
    let table = subnet.route_table.and_then(|rt| scenario.route_table(rt));
    if scenario
        .vpc(subnet.vpc)
        .is_some_and(|vpc| vpc.holds(destination))
    {
        return (table, VpcNextHop::Local);
    }
    let Some(table) = table else {
        return (None, VpcNextHop::None);
    };
    let best = table
        .routes
        .iter()
        .filter(|route| route.destination.contains(destination))
        .max_by_key(|route| route.destination.prefix());
    let hop = match best {
        Some(route) if route.target == RouteTarget::Local => VpcNextHop::Local,
        Some(route) => VpcNextHop::Route(route),
        None => VpcNextHop::None,
    };
    (Some(table), hop)
}

/// The most specific route of a network for `destination`, if any.
pub fn lookup_network(routes: &[NetworkRoute], destination: IpAddr) -> Option<&NetworkRoute> {
    routes
        .iter()
        .filter(|route| route.destination.contains(destination))
        .max_by_key(|route| route.destination.prefix())
}

/// `rt-private` or, for a subnet without one, `main (vpc-x)`: read as "route table main
/// (vpc-x) of subnet …".
pub fn table_name(scenario: &Scenario, subnet: &Subnet, table: Option<&RouteTable>) -> String {
    match table {
        Some(table) => table.id.clone(),
        None => format!(
            "main ({})",
            scenario
                .vpc(subnet.vpc)
                .map(|vpc| vpc.id.as_str())
                .unwrap_or_default()
        ),
    }
}
