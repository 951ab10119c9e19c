//! The path tracer rules (SPEC section 3, *Path*): one AWS behaviour per test, and every
//! reason code of SPEC section 5.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::common;

use common::{addresses, flow, flow_mode, reason};
use eksflow::path::{Denial, Direction, EndpointKind, Leg, SgMatch, SourceOrigin, VpcNextHop};
use eksflow::scenario::EndpointAccess::{Private, Public, PublicAndPrivate};
use eksflow::scenario::{PortRange, RouteTarget, SgPeer};

/// TCP 443 as a port range.
const HTTPS: PortRange = PortRange { from: 443, to: 443 };

// ---- private endpoint from inside the cluster VPC -------------------------------------

#[test]
fn a_node_in_the_cluster_vpc_reaches_the_enis_over_the_local_route() {
    let flow = flow(&[], "node");
    assert!(flow.reachable());
    assert_eq!(flow.endpoint, Some(EndpointKind::Private));
    assert!(
        flow.steps(0)
            .iter()
            .any(|step| matches!(step, Step::LocalRoute { vpc, .. } if vpc.id == "vpc-main"))
    );
    assert_eq!(reason(&flow), None);
}

#[test]
fn the_cluster_security_group_admits_its_own_members_only() {
    // bastion carries sg-node, which no ingress rule on the ENIs names.
    let flow = flow(&[], "bastion");
    assert_eq!(reason(&flow), Some("SG_INGRESS_DENY"));
    let Denial::SecurityGroups {
        groups,
        direction: Direction::Inbound,
        port: 443,
        ..
    } = flow.denial()
    else {
        panic!("not an ingress denial: {:?}", flow.denial());
    };
    assert_eq!(flow.sg_ids(groups), ["sg-cluster"]);
}

#[test]
fn a_cidr_ingress_rule_admits_the_client_address() {
    let flow = flow(
        &[(
            "{ protocol: tcp, ports: 443, cidr: 10.2.0.0/16 }",
            "{ protocol: tcp, ports: 443, cidr: 10.0.0.0/24 }",
        )],
        "bastion",
    );
    assert!(flow.reachable());
}

#[test]
fn an_ingress_rule_for_another_port_does_not_admit_443() {
    let flow = flow(
        &[(
            "{ protocol: tcp, ports: 443, cidr: 10.2.0.0/16 }",
            "{ protocol: tcp, ports: 80-442, cidr: 10.0.0.0/24 }",
        )],
        "bastion",
    );
    assert_eq!(reason(&flow), Some("SG_INGRESS_DENY"));
}

#[test]
fn client_security_group_egress_defaults_to_allow_all() {
    let flow = flow(&[], "node");
    let Step::SgEgress {
        found: SgMatch::DefaultEgress(group),
        port: 443,
        ..
    } = &flow.steps(0)[0]
    else {
        panic!("not the default egress: {:?}", flow.steps(0)[0]);
    };
    assert_eq!(flow.sg_ids(&[*group]), ["sg-cluster"]);
}

#[test]
fn client_security_group_egress_rules_must_allow_443() {
    let flow = flow(
        &[(
            "      - id: sg-node\n",
            "      - id: sg-node\n        egress: [{ protocol: tcp, ports: 80, cidr: 0.0.0.0/0 }]\n",
        )],
        "bastion",
    );
    assert_eq!(reason(&flow), Some("SG_EGRESS_DENY"));
    let Denial::SecurityGroups {
        groups,
        direction: Direction::Outbound,
        port: 443,
        ..
    } = flow.denial()
    else {
        panic!("not an egress denial: {:?}", flow.denial());
    };
    assert_eq!(flow.sg_ids(groups), ["sg-node"]);
}

#[test]
fn an_egress_rule_may_reference_the_destination_security_group() {
    let flow = flow(
        &[
            (
                "      - id: sg-node\n",
                "      - id: sg-node\n        egress: [{ protocol: tcp, ports: 443, destinationSecurityGroup: sg-cluster }]\n",
            ),
            (
                "{ protocol: tcp, ports: 443, cidr: 10.2.0.0/16 }",
                "{ protocol: tcp, ports: 443, sourceSecurityGroup: sg-node }",
            ),
        ],
        "bastion",
    );
    assert!(flow.reachable(), "{:?}", flow.blocked);
}

#[test]
fn network_acls_do_not_filter_traffic_within_one_subnet() {
    let deny_all = "networkAcl: acl-deny }\n      - { id: subnet-nodes";
    let flow = flow(
        &[
            (
                "routeTable: rt-private }\n      - { id: subnet-b",
                "routeTable: rt-private, networkAcl: acl-deny }\n      - { id: subnet-b",
            ),
            (
                "routeTable: rt-private }\n      - { id: subnet-nodes",
                &format!("routeTable: rt-private, {deny_all}"),
            ),
            (
                "      - id: sg-node\n",
                "      - id: sg-node\n    networkAcls:\n      - { id: acl-deny, inbound: [], outbound: [] }\n",
            ),
            (
                "{ name: node, from: subnet-nodes, ip: 10.0.16.20",
                "{ name: node, from: subnet-a, ip: 10.0.1.20",
            ),
        ],
        "node",
    );
    // The ENI in subnet-a shares the node's subnet; the one in subnet-b is behind the NACL.
    assert!(flow.targets[0].reachable(), "{:?}", flow.targets[0].blocked);
    assert!(!flow.targets[1].reachable());
    assert!(flow.reachable(), "reachable when one address is");
}

fn with_eni_acl(inbound: &str, outbound: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "routeTable: rt-private }\n      - { id: subnet-b",
            "routeTable: rt-private, networkAcl: acl-eni }\n      - { id: subnet-b".to_owned(),
        ),
        (
            "routeTable: rt-private }\n      - { id: subnet-nodes",
            "routeTable: rt-private, networkAcl: acl-eni }\n      - { id: subnet-nodes".to_owned(),
        ),
        (
            "      - id: sg-node\n",
            format!(
                "      - id: sg-node\n    networkAcls:\n      - id: acl-eni\n        inbound: {inbound}\n        outbound: {outbound}\n"
            ),
        ),
    ]
}

fn with_node_acl(inbound: &str, outbound: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "az: eu-west-1a, routeTable: rt-private }\n    natGateways",
            "az: eu-west-1a, routeTable: rt-private, networkAcl: acl-nodes }\n    natGateways"
                .to_owned(),
        ),
        (
            "      - id: sg-node\n",
            format!(
                "      - id: sg-node\n    networkAcls:\n      - id: acl-nodes\n        inbound: {inbound}\n        outbound: {outbound}\n"
            ),
        ),
    ]
}

fn edits<'a>(list: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    list.iter().map(|(from, to)| (*from, to.as_str())).collect()
}

#[test]
fn the_eni_subnet_nacl_must_allow_443_inbound() {
    // Rules in number order, first match wins: 100 denies before 200 allows.
    let list = with_eni_acl(
        "[{ rule: 200, protocol: all, cidr: 0.0.0.0/0, action: allow }, { rule: 100, protocol: tcp, ports: 443, cidr: 10.0.16.0/20, action: deny }]",
        "[{ rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }]",
    );
    let flow = flow(&edits(&list), "node");
    assert_eq!(reason(&flow), Some("NACL_INBOUND_DENY"));
    let Denial::Nacl {
        acl,
        subnet,
        direction: Direction::Inbound,
        leg: Leg::Request,
        ports,
        rule: Some(rule),
        ..
    } = flow.denial()
    else {
        panic!("not a deny rule inbound: {:?}", flow.denial());
    };
    assert_eq!(
        (acl.id.as_str(), subnet.id.as_str()),
        ("acl-eni", "subnet-a")
    );
    assert_eq!((rule.number, rule.allow, *ports), (100, false, HTTPS));
}

#[test]
fn nacls_are_stateless_so_the_reply_needs_ephemeral_ports_outbound() {
    let list = with_eni_acl(
        "[{ rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }]",
        "[{ rule: 100, protocol: tcp, ports: 443, cidr: 0.0.0.0/0, action: allow }]",
    );
    let flow = flow(&edits(&list), "node");
    assert_eq!(reason(&flow), Some("NACL_OUTBOUND_DENY"));
    // No rule lets the reply out on the ephemeral ports: the implicit deny drops it.
    let Denial::Nacl {
        acl,
        direction: Direction::Outbound,
        leg: Leg::Reply,
        ports,
        rule: None,
        ..
    } = flow.denial()
    else {
        panic!("not an implicit deny of the reply: {:?}", flow.denial());
    };
    assert_eq!(acl.id, "acl-eni");
    assert_eq!(*ports, PortRange::EPHEMERAL);
}

#[test]
fn the_reply_is_allowed_with_ephemeral_ports_1024_to_65535() {
    let list = with_eni_acl(
        "[{ rule: 100, protocol: tcp, ports: 443, cidr: 10.0.0.0/16, action: allow }, { rule: 110, protocol: tcp, ports: 1024-65535, cidr: 0.0.0.0/0, action: allow }]",
        "[{ rule: 100, protocol: tcp, ports: 443, cidr: 0.0.0.0/0, action: allow }, { rule: 110, protocol: tcp, ports: 1024-65535, cidr: 10.0.0.0/16, action: allow }]",
    );
    let flow = flow(&edits(&list), "node");
    // Both ENI subnets carry acl-eni: both directions pass for both addresses.
    assert!(flow.reachable(), "{:?}", flow.blocked);
}

#[test]
fn the_client_subnet_nacl_must_allow_the_request_out() {
    let list = with_node_acl(
        "[{ rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }]",
        "[{ rule: 100, protocol: tcp, ports: 443, cidr: 10.0.2.0/24, action: allow }]",
    );
    let flow = flow(&edits(&list), "node");
    // The node subnet lets requests out to subnet-b only: 10.0.1.10 is denied, 10.0.2.10 passes.
    assert_eq!(
        flow.targets[0].blocked.as_ref().unwrap().reason.code(),
        "NACL_OUTBOUND_DENY"
    );
    assert!(flow.targets[1].reachable());
    assert!(flow.reachable());
    assert_eq!(reason(&flow), None);
}

#[test]
fn the_client_subnet_nacl_must_allow_the_reply_in() {
    let list = with_node_acl(
        "[{ rule: 100, protocol: tcp, ports: 443, cidr: 0.0.0.0/0, action: allow }]",
        "[{ rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }]",
    );
    let flow = flow(&edits(&list), "node");
    assert_eq!(reason(&flow), Some("NACL_INBOUND_DENY"));
    let Denial::Nacl {
        acl,
        subnet,
        direction: Direction::Inbound,
        leg: Leg::Reply,
        ports,
        ..
    } = flow.denial()
    else {
        panic!("not the reply inbound: {:?}", flow.denial());
    };
    assert_eq!(
        (acl.id.as_str(), subnet.id.as_str()),
        ("acl-nodes", "subnet-nodes")
    );
    assert_eq!(*ports, PortRange::EPHEMERAL);
}

// ---- private endpoint from elsewhere -------------------------------------------------

#[test]
fn the_internet_cannot_reach_a_private_eni_address() {
    let flow = flow_mode(&[], "laptop", Private);
    assert_eq!(flow.endpoint, Some(EndpointKind::Private));
    assert_eq!(reason(&flow), Some("PRIVATE_ADDRESS_FROM_INTERNET"));
}

#[test]
fn a_peered_vpc_reaches_the_enis_with_routes_both_ways_and_a_cross_vpc_sg_reference() {
    let flow = flow_mode(&[], "tools", Private);
    assert!(flow.reachable(), "{:?}", flow.blocked);
    let steps = flow.steps(0);
    assert!(steps.iter().any(|step| matches!(
        step,
        Step::Delivered { connection, vpc } if connection.id == "pcx-tools" && vpc.id == "vpc-main"
    )));
    // The ENIs admit the client by the rule naming its group in the peer VPC.
    let found = steps.iter().find_map(|step| match step {
        Step::SgIngress {
            found: SgMatch::Rule(group, rule),
            ..
        } => Some((*group, rule.peer)),
        _ => None,
    });
    let Some((group, SgPeer::Group(peer))) = found else {
        panic!("no group-reference ingress rule: {found:?}");
    };
    assert_eq!(flow.sg_ids(&[group, peer]), ["sg-cluster", "sg-tools"]);
}

#[test]
fn the_eni_subnet_needs_a_return_route_over_the_same_connection() {
    let flow = flow_mode(
        &[(
            "          - { destination: 10.1.0.0/16, target: pcx-tools }\n",
            "",
        )],
        "tools",
        Private,
    );
    assert_eq!(reason(&flow), Some("NO_RETURN_ROUTE"));
    // rt-private sends the reply to the NAT gateway, not back over pcx-tools.
    let Denial::ReturnRoute {
        subnet,
        table: Some(table),
        next: VpcNextHop::Route(route),
        over: Some(over),
    } = flow.denial()
    else {
        panic!("not a return route over a connection: {:?}", flow.denial());
    };
    assert_eq!(
        (subnet.id.as_str(), table.id.as_str(), over.id.as_str()),
        ("subnet-a", "rt-private", "pcx-tools")
    );
    assert!(matches!(route.target, RouteTarget::Nat(_)), "{route:?}");
}

#[test]
fn a_client_without_a_route_to_the_cluster_vpc_sends_private_addresses_to_its_nat() {
    let flow = flow_mode(
        &[(
            "          - { destination: 10.0.0.0/16, target: pcx-tools }\n",
            "",
        )],
        "tools",
        Private,
    );
    assert_eq!(reason(&flow), Some("NO_ROUTE"));
    let Denial::Route {
        table: Some(table),
        next: VpcNextHop::Route(route),
        ..
    } = flow.denial()
    else {
        panic!("not a route to a gateway: {:?}", flow.denial());
    };
    assert_eq!(table.id, "rt-tools");
    let RouteTarget::Nat(nat) = route.target else {
        panic!("not a route to a NAT gateway: {route:?}");
    };
    assert_eq!(flow.scenario.nat_gateway(nat).unwrap().id, "nat-tools");
}

#[test]
fn vpc_peering_is_not_transitive() {
    // shared routes the cluster VPC to the tools VPC's peering... via a peering with tools.
    let flow = flow_mode(
        &[
            (
                "  - { id: tgw-hub, type: transit-gateway, attachments: [vpc-main, vpc-shared] }",
                "  - { id: tgw-hub, type: transit-gateway, attachments: [vpc-main, vpc-shared] }\n  - { id: pcx-shared-tools, type: peering, vpcs: [vpc-shared, vpc-tools] }",
            ),
            (
                "          - { destination: 10.0.0.0/16, target: tgw-hub }",
                "          - { destination: 10.0.0.0/16, target: pcx-shared-tools }",
            ),
        ],
        "shared",
        Private,
    );
    assert_eq!(reason(&flow), Some("PEERING_NO_TRANSIT"));
}

#[test]
fn a_transit_gateway_routes_between_its_attachments() {
    let flow = flow_mode(&[], "shared", Private);
    assert!(flow.reachable(), "{:?}", flow.blocked);
    assert!(flow.hops(0).iter().any(|hop| hop.at == "tgw-hub"));
}

#[test]
fn security_group_references_do_not_work_across_a_transit_gateway() {
    let flow = flow_mode(
        &[(
            "{ protocol: tcp, ports: 443, cidr: 10.2.0.0/16 }",
            "{ protocol: tcp, ports: 443, sourceSecurityGroup: sg-shared }",
        )],
        "shared",
        Private,
    );
    assert_eq!(reason(&flow), Some("SG_INGRESS_DENY"));
    // The packet arrives over the transit gateway, where the ingress check sees none of the
    // client's groups (sg-shared) for a reference to match.
    assert!(flow.steps(0).iter().any(
        |step| matches!(step, Step::Delivered { connection, .. } if connection.id == "tgw-hub")
    ));
    assert_eq!(flow.sg_ids(&flow.client.security_groups), ["sg-shared"]);
    let Denial::SecurityGroups {
        groups,
        direction: Direction::Inbound,
        peer_groups,
        ..
    } = flow.denial()
    else {
        panic!("not an ingress denial: {:?}", flow.denial());
    };
    assert_eq!(flow.sg_ids(groups), ["sg-cluster"]);
    assert!(peer_groups.is_empty(), "{peer_groups:?}");
}

#[test]
fn a_transit_gateway_without_the_cluster_vpc_attached_has_no_route() {
    let flow = flow_mode(
        &[
            (
                "attachments: [vpc-main, vpc-shared]",
                "attachments: [vpc-shared, vpc-tools]",
            ),
            (
                "          - { destination: 10.2.0.0/16, target: tgw-hub }\n",
                "",
            ),
        ],
        "shared",
        Private,
    );
    assert_eq!(reason(&flow), Some("NO_ROUTE"));
    assert_eq!(flow.blocked_at(), "tgw-hub");
}

#[test]
fn an_office_reaches_the_enis_over_vpn() {
    let flow = flow(&[], "admin");
    assert!(flow.reachable(), "{:?}", flow.blocked);
    assert!(flow.hops(0).iter().any(|hop| hop.at == "vpn-office"));
}

#[test]
fn an_office_without_a_route_to_the_vpc_cannot_reach_the_enis() {
    let flow = flow(
        &[(
            "    routes:\n      - { destination: 10.0.0.0/16, target: vpn-office }\n",
            "",
        )],
        "admin",
    );
    assert_eq!(reason(&flow), Some("NO_ROUTE"));
    // The office's own route lookup finds nothing: no step before the block.
    assert_eq!(flow.blocked_at(), "office");
    assert_eq!(flow.steps(0).len(), 1);
}

#[test]
fn a_vpn_into_a_hub_vpc_does_not_continue_over_its_peering() {
    let flow = flow_mode(
        &[
            (
                "  - { id: vpn-office, type: vpn, vpc: vpc-main, network: office }",
                "  - { id: vpn-office, type: vpn, vpc: vpc-main, network: office }\n  - { id: vpn-tools, type: vpn, vpc: vpc-tools, network: office }",
            ),
            (
                "      - { destination: 10.0.0.0/16, target: vpn-office }",
                "      - { destination: 10.0.0.0/16, target: vpn-tools }",
            ),
        ],
        "admin",
        Private,
    );
    assert_eq!(reason(&flow), Some("PEERING_NO_TRANSIT"));
}

// ---- public endpoint --------------------------------------------------------------------

#[test]
fn a_nat_gateways_public_ip_is_the_source_the_allowlist_sees() {
    let flow = flow_mode(&[], "node", Public);
    assert!(flow.reachable(), "{:?}", flow.blocked);
    let steps = flow.steps(0);
    assert!(steps.iter().any(|step| matches!(
        step,
        Step::Nat { nat, public_ip, .. } if nat.id == "nat-a" && public_ip.to_string() == "198.51.100.20"
    )));
    assert!(steps.iter().any(|step| matches!(
        step,
        Step::Allowlist { source, origin: SourceOrigin::Nat(nat), cidr }
            if source.to_string() == "198.51.100.20" && nat.id == "nat-a" && cidr.to_string() == "198.51.100.20/32"
    )));
}

#[test]
fn an_allowlist_without_the_nat_gateway_ip_refuses_the_nodes() {
    let flow = flow_mode(
        &[(
            "publicAccessCidrs: [198.51.100.20/32, 203.0.113.0/24]",
            "publicAccessCidrs: [203.0.113.0/24]",
        )],
        "node",
        Public,
    );
    assert_eq!(reason(&flow), Some("PUBLIC_CIDR_DENY"));
    assert_eq!(
        allowlist_denial(&flow),
        ("198.51.100.20".to_owned(), Some("nat-a".to_owned()))
    );
}

#[test]
fn the_allowlist_defaults_to_the_whole_internet() {
    let flow = flow_mode(
        &[(
            "  publicAccessCidrs: [198.51.100.20/32, 203.0.113.0/24]\n",
            "",
        )],
        "tools",
        PublicAndPrivate,
    );
    assert!(flow.reachable(), "{:?}", flow.blocked);
}

#[test]
fn an_internet_gateway_route_needs_an_instance_public_ip() {
    let flow = flow_mode(&[("publicIp: 54.0.0.40, ", "")], "bastion", Public);
    assert_eq!(reason(&flow), Some("NO_PUBLIC_IP"));
    assert_eq!(flow.blocked_at(), "igw-main");
}

#[test]
fn an_internet_gateway_translates_to_the_instance_public_ip() {
    let flow = flow_mode(
        &[(
            "publicAccessCidrs: [198.51.100.20/32, 203.0.113.0/24]",
            "publicAccessCidrs: [54.0.0.0/24]",
        )],
        "bastion",
        Public,
    );
    assert!(flow.reachable(), "{:?}", flow.blocked);
}

#[test]
fn a_nat_gateway_needs_an_internet_route_in_its_own_subnet() {
    let flow = flow_mode(
        &[(
            "          - { destination: 0.0.0.0/0, target: igw-main }\n",
            "",
        )],
        "node",
        Public,
    );
    assert_eq!(reason(&flow), Some("NAT_NO_INTERNET"));
    assert_eq!(flow.blocked_at(), "nat-a");
}

#[test]
fn a_private_nat_gateway_cannot_reach_the_internet() {
    let flow = flow_mode(
        &[(
            "{ id: nat-a, subnet: subnet-pub, publicIp: 198.51.100.20 }",
            "{ id: nat-a, subnet: subnet-pub }",
        )],
        "node",
        Public,
    );
    assert_eq!(reason(&flow), Some("NAT_NO_INTERNET"));
}

#[test]
fn a_subnet_without_a_default_route_cannot_reach_the_public_endpoint() {
    let flow = flow_mode(&[], "shared", Public);
    assert_eq!(reason(&flow), Some("NO_ROUTE"));
    let Denial::Route {
        subnet,
        table: Some(table),
        next: VpcNextHop::None,
    } = flow.denial()
    else {
        panic!("not a missing route: {:?}", flow.denial());
    };
    assert_eq!(
        (subnet.id.as_str(), table.id.as_str()),
        ("subnet-shared", "rt-shared")
    );
}

#[test]
fn a_peering_connection_does_not_carry_traffic_to_the_internet() {
    let flow = flow_mode(
        &[(
            "          - { destination: 10.0.0.0/16, target: pcx-tools }\n          - { destination: 0.0.0.0/0, target: nat-tools }",
            "          - { destination: 0.0.0.0/0, target: pcx-tools }",
        )],
        "tools",
        Public,
    );
    assert_eq!(reason(&flow), Some("PEERING_NO_TRANSIT"));
}

#[test]
fn a_network_client_uses_its_internet_egress_ip() {
    let flow = flow_mode(&[], "admin", Public);
    assert!(flow.reachable(), "{:?}", flow.blocked);
    assert!(flow.steps(0).iter().any(|step| matches!(
        step,
        Step::NetworkEgress { network, egress } if network.id == "office" && egress.to_string() == "203.0.113.50"
    )));
}

#[test]
fn a_network_without_internet_egress_cannot_reach_the_public_endpoint() {
    let flow = flow_mode(
        &[("    internetEgressIp: 203.0.113.50\n", "")],
        "admin",
        Public,
    );
    assert_eq!(reason(&flow), Some("NO_INTERNET_EGRESS"));
}

#[test]
fn an_internet_client_outside_the_allowlist_is_refused() {
    let flow = flow(&[("ip: 203.0.113.99", "ip: 192.0.2.99")], "laptop");
    assert_eq!(reason(&flow), Some("PUBLIC_CIDR_DENY"));
    assert_eq!(addresses(&flow), ["3.0.0.10", "3.0.0.11"]);
}

#[test]
fn a_flow_with_several_blocked_targets_reports_the_first_targets_reason() {
    let flow = flow_mode(
        &[(
            "publicAccessCidrs: [198.51.100.20/32, 203.0.113.0/24]",
            "publicAccessCidrs: [203.0.113.0/24]",
        )],
        "node",
        Public,
    );
    assert_eq!(flow.targets.len(), 2);
    assert!(flow.targets.iter().all(|t| !t.reachable()));
    assert_eq!(flow.blocked, flow.targets[0].blocked);
}

// ---- node groups -----------------------------------------------------------------------

/// A node group in the public subnet, with `extra` appended to its entry.
fn public_node_group(extra: &str) -> Vec<(&'static str, String)> {
    vec![(
        "clients:\n",
        format!("nodeGroups:\n  - {{ name: edge, subnets: [subnet-pub]{extra} }}\nclients:\n"),
    )]
}

fn node_flow(
    edits: &[(&'static str, String)],
    mode: eksflow::scenario::EndpointAccess,
) -> common::Traced {
    let edits: Vec<(&str, &str)> = edits.iter().map(|(a, b)| (*a, b.as_str())).collect();
    flow_mode(&edits, "edge@subnet-pub", mode)
}

#[test]
fn a_node_in_a_public_subnet_without_a_public_ip_cannot_use_the_internet_gateway() {
    let flow = node_flow(&public_node_group(""), Public);
    assert_eq!(reason(&flow), Some("NO_PUBLIC_IP"));
}

#[test]
fn a_node_groups_public_ip_is_its_source_through_the_internet_gateway() {
    // 203.0.113.0/24 is in the base allowlist.
    let allowed = node_flow(&public_node_group(", publicIp: 203.0.113.7"), Public);
    assert!(allowed.reachable(), "{:?}", allowed.blocked);
    assert_eq!(allowed.endpoint, Some(EndpointKind::Public));
    // An address outside it is refused by the allowlist, not by the gateway.
    let refused = node_flow(&public_node_group(", publicIp: 54.0.0.7"), Public);
    assert_eq!(reason(&refused), Some("PUBLIC_CIDR_DENY"));
    // With private access on, the node resolves the private ENIs and never needs its public IP.
    let private = node_flow(&public_node_group(", publicIp: 54.0.0.7"), PublicAndPrivate);
    assert!(private.reachable(), "{:?}", private.blocked);
    assert_eq!(private.endpoint, Some(EndpointKind::Private));
}

// ---- networks route too: loops and edge-to-edge routing -------------------------------

use eksflow::path::{Step, TransitHop};

/// The steps of the first target, each as the element it happened at (an ID) and whether
/// it was a pass or the block: the structure of the path, without its sentences.
fn path_of(flow: &common::Traced) -> Vec<(&'static str, String)> {
    flow.targets[0]
        .steps
        .iter()
        .zip(flow.hops(0))
        .map(|(step, hop)| {
            let kind = match step {
                Step::Route { .. } => "route",
                Step::Carried { .. } => "carried",
                Step::NetworkRoute { .. } => "network route",
                Step::Delivered { .. } => "delivered",
                Step::ConnectionToInternet { .. } => "to internet",
                Step::NetworkEgress { .. } => "egress",
                Step::Allowlist { .. } => "allowlist",
                Step::TransitRoute { reply: false, .. } => "transit route",
                Step::TransitRoute { reply: true, .. } => "transit reply",
                Step::AttachmentRoute { .. } => "attachment route",
                Step::Blocked { .. } => "blocked",
                _ => "filter",
            };
            (kind, hop.at)
        })
        .filter(|(kind, _)| *kind != "filter")
        .collect()
}

fn path(steps: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    steps
        .iter()
        .map(|(kind, at)| (*kind, (*at).to_owned()))
        .collect()
}

/// The cluster VPC's private subnets send everything they do not know over the VPN.
const FORCED_TUNNEL: (&str, &str) = (
    "          - { destination: 0.0.0.0/0, target: nat-a }\n",
    "          - { destination: 0.0.0.0/0, target: vpn-office }\n",
);

/// The office sends everything it does not know back over the same VPN.
const OFFICE_DEFAULT_OVER_VPN: (&str, &str) = (
    "      - { destination: 10.0.0.0/16, target: vpn-office }\n",
    "      - { destination: 10.0.0.0/16, target: vpn-office }\n      - { destination: 0.0.0.0/0, target: vpn-office }\n",
);

#[test]
fn a_network_routing_back_over_its_vpn_is_a_routing_loop() {
    // node → 0.0.0.0/0 → vpn-office → office, whose 0.0.0.0/0 → vpn-office leads back into
    // vpc-main: the packet loops; the office's internetEgressIp is never reached.
    let flow = flow_mode(&[FORCED_TUNNEL, OFFICE_DEFAULT_OVER_VPN], "node", Public);
    assert!(!flow.reachable());
    assert_eq!(reason(&flow), Some("ROUTING_LOOP"));
    assert_eq!(
        path_of(&flow),
        path(&[
            ("route", "rt-private"),
            ("carried", "vpn-office"),
            ("network route", "office"),
            ("blocked", "office"),
        ])
    );
    // The route that closes the loop is the office's 0.0.0.0/0.
    let Step::NetworkRoute { route, .. } = &flow.targets[0].steps[flow.targets[0].steps.len() - 2]
    else {
        panic!("no network route before the block");
    };
    assert_eq!(route.destination.to_string(), "0.0.0.0/0");
}

#[test]
fn a_forced_tunnel_leaves_through_the_networks_egress_ip_when_no_route_covers_the_address() {
    let flow = flow_mode(&[FORCED_TUNNEL], "node", Public);
    assert!(flow.reachable(), "{:?}", flow.blocked);
    assert_eq!(
        path_of(&flow),
        path(&[
            ("route", "rt-private"),
            ("to internet", "vpn-office"),
            ("allowlist", "publicAccessCidrs"),
        ])
    );
    let Some(Step::Allowlist { source, .. }) = flow.targets[0]
        .steps
        .iter()
        .find(|step| matches!(step, Step::Allowlist { .. }))
    else {
        panic!("no allowlist step");
    };
    assert_eq!(source.to_string(), "203.0.113.50");
}

#[test]
fn traffic_from_a_vpn_cannot_leave_through_the_vpc_nat_gateway() {
    // The office's own client follows the same 0.0.0.0/0 into vpc-main, whose NAT gateway
    // does not carry traffic that arrived over a VPN.
    let flow = flow_mode(&[OFFICE_DEFAULT_OVER_VPN], "admin", Public);
    assert_eq!(reason(&flow), Some("NO_EDGE_TO_EDGE"));
    assert_eq!(
        path_of(&flow),
        path(&[("network route", "office"), ("blocked", "vpn-office")])
    );
}

#[test]
fn traffic_from_direct_connect_cannot_leave_through_the_vpc_internet_gateway() {
    let flow = flow_mode(
        &[
            OFFICE_DEFAULT_OVER_VPN,
            (
                "{ id: vpn-office, type: vpn,",
                "{ id: vpn-office, type: direct-connect,",
            ),
        ],
        "admin",
        Public,
    );
    assert_eq!(reason(&flow), Some("NO_EDGE_TO_EDGE"));
}

#[test]
fn a_forced_tunnel_whose_network_has_no_egress_is_no_internet_egress() {
    let flow = flow_mode(
        &[FORCED_TUNNEL, ("    internetEgressIp: 203.0.113.50\n", "")],
        "node",
        Public,
    );
    assert_eq!(reason(&flow), Some("NO_INTERNET_EGRESS"));
    assert_eq!(
        path_of(&flow),
        path(&[("route", "rt-private"), ("blocked", "vpn-office")])
    );
}

/// A second VPN, from vpc-tools to the office, which the tools subnet uses for the cluster.
const TOOLS_VPN: [(&str, &str); 2] = [
    (
        "  - { id: vpn-office, type: vpn, vpc: vpc-main, network: office }",
        "  - { id: vpn-office, type: vpn, vpc: vpc-main, network: office }\n  - { id: vpn-tools, type: vpn, vpc: vpc-tools, network: office }",
    ),
    (
        "          - { destination: 10.0.0.0/16, target: pcx-tools }\n          - { destination: 0.0.0.0/0, target: nat-tools }",
        "          - { destination: 10.0.0.0/16, target: vpn-tools }\n          - { destination: 0.0.0.0/0, target: nat-tools }",
    ),
];

#[test]
fn an_office_router_carries_traffic_between_two_vpns() {
    // tools → vpn-tools → office → 10.0.0.0/16 → vpn-office → vpc-main; the reply goes back
    // over vpn-office, and the ENIs admit the tools CIDR (no SG reference across a VPN).
    let mut edits = TOOLS_VPN.to_vec();
    edits.push((
        "          - { destination: 10.1.0.0/16, target: pcx-tools }",
        "          - { destination: 10.1.0.0/16, target: vpn-office }",
    ));
    edits.push((
        "{ protocol: tcp, ports: 443, cidr: 10.2.0.0/16 }",
        "{ protocol: tcp, ports: 443, cidr: 10.2.0.0/16 }\n          - { protocol: tcp, ports: 443, cidr: 10.1.0.0/16 }",
    ));
    let flow = flow_mode(&edits, "tools", Private);
    assert!(flow.reachable(), "{:?}", flow.blocked);
    assert_eq!(
        path_of(&flow),
        path(&[
            ("route", "rt-tools"),
            ("carried", "vpn-tools"),
            ("network route", "office"),
            ("delivered", "vpn-office"),
        ])
    );
}

#[test]
fn an_office_sending_the_cluster_vpc_back_over_the_arriving_vpn_is_a_routing_loop() {
    let mut edits = TOOLS_VPN.to_vec();
    edits.push((
        "      - { destination: 10.0.0.0/16, target: vpn-office }\n",
        "      - { destination: 10.0.0.0/16, target: vpn-tools }\n",
    ));
    let flow = flow_mode(&edits, "tools", Private);
    assert_eq!(reason(&flow), Some("ROUTING_LOOP"));
    assert_eq!(
        path_of(&flow),
        path(&[
            ("route", "rt-tools"),
            ("carried", "vpn-tools"),
            ("network route", "office"),
            ("blocked", "office"),
        ])
    );
}

#[test]
fn the_forced_tunnel_fixture_loops_for_the_node_and_is_edge_to_edge_for_the_office() {
    let text = include_str!("../fixtures/path/vpn-routing-loop.yaml");
    let node = common::flow_in(text, "node", None);
    assert_eq!(reason(&node), Some("ROUTING_LOOP"));
    let admin = common::flow_in(text, "admin", None);
    assert_eq!(reason(&admin), Some("NO_EDGE_TO_EDGE"));
    assert!(node.expectation.is_some_and(|e| e.met));
    assert!(admin.expectation.is_some_and(|e| e.met));
}

// ---- centralised egress through a transit gateway --------------------------------------

/// An egress VPC on tgw-hub: its attachment subnet sends 0.0.0.0/0 to a NAT gateway, whose
/// public subnet routes the spoke vpc-shared back to the transit gateway; the transit gateway
/// sends 0.0.0.0/0 to the egress VPC (static), and vpc-shared sends 0.0.0.0/0 to it.
const EGRESS_VPC: &str = "  - id: vpc-egress
    cidrs: [10.9.0.0/16]
    internetGateway: igw-egress
    subnets:
      - { id: subnet-egress-pub, cidr: 10.9.0.0/24, az: eu-west-1a, routeTable: rt-egress-pub }
      - { id: subnet-egress-tgw, cidr: 10.9.1.0/24, az: eu-west-1a, routeTable: rt-egress-tgw }
      - { id: subnet-egress-tgw-b, cidr: 10.9.2.0/24, az: eu-west-1b, routeTable: rt-egress-pub }
    natGateways:
      - { id: nat-egress, subnet: subnet-egress-pub, publicIp: 198.51.100.90 }
    routeTables:
      - id: rt-egress-pub
        routes:
          - { destination: 0.0.0.0/0, target: igw-egress }
          - { destination: 10.2.0.0/16, target: tgw-hub }
      - id: rt-egress-tgw
        routes:
          - { destination: 0.0.0.0/0, target: nat-egress }
connections:
";

const HUB: &str = "  - { id: tgw-hub, type: transit-gateway, attachments: [vpc-main, vpc-shared] }";

const HUB_WITH_EGRESS: &str = "  - id: tgw-hub
    type: transit-gateway
    attachments: [vpc-main, vpc-shared, { vpc: vpc-egress, subnets: [subnet-egress-tgw] }]
    routes: [{ destination: 0.0.0.0/0, target: vpc-egress }]";

const SPOKE_DEFAULT: (&str, &str) = (
    "          - { destination: 10.0.0.0/16, target: tgw-hub }\n    securityGroups:\n      - id: sg-shared",
    "          - { destination: 10.0.0.0/16, target: tgw-hub }\n          - { destination: 0.0.0.0/0, target: tgw-hub }\n    securityGroups:\n      - id: sg-shared",
);

const ALLOW_EGRESS_NAT: (&str, &str) = (
    "publicAccessCidrs: [198.51.100.20/32, 203.0.113.0/24]",
    "publicAccessCidrs: [198.51.100.20/32, 203.0.113.0/24, 198.51.100.90/32]",
);

/// The centralised egress edits, with `hub` as the transit gateway and `extra` on top.
fn egress<'a>(hub: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut edits = vec![
        ("connections:\n", EGRESS_VPC),
        (HUB, hub),
        SPOKE_DEFAULT,
        ALLOW_EGRESS_NAT,
    ];
    edits.extend_from_slice(extra);
    edits
}

/// The source the allowlist refused the flow's first target, and the NAT gateway it is the
/// public IP of.
fn allowlist_denial(flow: &common::Traced) -> (String, Option<String>) {
    match flow.denial() {
        Denial::Allowlist { source, origin } => (
            source.to_string(),
            match origin {
                SourceOrigin::Nat(nat) => Some(nat.id.clone()),
                _ => None,
            },
        ),
        // Fails the caller's comparison, showing what blocked instead.
        other => (format!("not refused by the allowlist: {other:?}"), None),
    }
}

fn allowlist_source(flow: &common::Traced) -> (String, Option<String>) {
    flow.targets[0]
        .steps
        .iter()
        .find_map(|step| match step {
            Step::Allowlist { source, origin, .. } => Some((
                source.to_string(),
                match origin {
                    eksflow::path::SourceOrigin::Nat(nat) => Some(nat.id.clone()),
                    _ => None,
                },
            )),
            _ => None,
        })
        .expect("an allowlist step")
}

#[test]
fn a_spoke_reaches_the_public_endpoint_through_the_egress_vpcs_nat_gateway() {
    let flow = flow_mode(&egress(HUB_WITH_EGRESS, &[]), "shared", Public);
    assert!(flow.reachable(), "{:?}", flow.blocked);
    assert_eq!(flow.endpoint, Some(EndpointKind::Public));
    assert_eq!(
        path_of(&flow),
        path(&[
            ("route", "rt-shared"),
            ("transit route", "tgw-hub"),
            ("attachment route", "rt-egress-tgw"),
            ("allowlist", "publicAccessCidrs"),
            ("transit reply", "tgw-hub"),
        ])
    );
    // The NAT gateway of the egress VPC translates, and its subnet routes the reply back.
    let steps = &flow.targets[0].steps;
    assert!(steps.iter().any(
        |step| matches!(step, Step::Nat { nat, vpc, .. } if nat.id == "nat-egress" && vpc.id == "vpc-egress")
    ));
    assert!(steps.iter().any(|step| matches!(
        step,
        Step::ReturnRoute { subnet, route: Some(route), .. }
            if subnet.id == "subnet-egress-pub" && route.destination.to_string() == "10.2.0.0/16"
    )));
    // The transit gateway chose its static 0.0.0.0/0, and propagation routes the reply.
    let transit: Vec<(String, bool)> = steps
        .iter()
        .filter_map(|step| match step {
            Step::TransitRoute { route, .. } => Some((
                route.destination().to_string(),
                matches!(route, TransitHop::Static(_)),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        transit,
        [
            ("0.0.0.0/0".to_owned(), true),
            ("10.2.0.0/16".to_owned(), false)
        ]
    );
}

#[test]
fn the_allowlist_sees_the_egress_nat_gateways_ip() {
    let allowed = flow_mode(&egress(HUB_WITH_EGRESS, &[]), "shared", Public);
    assert_eq!(
        allowlist_source(&allowed),
        ("198.51.100.90".to_owned(), Some("nat-egress".to_owned()))
    );
    // Without the egress NAT gateway's IP, the public endpoint refuses the spoke, naming it.
    let mut edits = egress(HUB_WITH_EGRESS, &[]);
    edits.retain(|edit| *edit != ALLOW_EGRESS_NAT);
    let refused = flow_mode(&edits, "shared", Public);
    assert_eq!(reason(&refused), Some("PUBLIC_CIDR_DENY"));
    assert_eq!(
        allowlist_denial(&refused),
        ("198.51.100.90".to_owned(), Some("nat-egress".to_owned()))
    );
}

#[test]
fn a_spoke_node_group_refused_by_the_allowlist_names_the_egress_nat_ip() {
    // The cluster VPC's own private subnets egress centrally: 0.0.0.0/0 to the transit
    // gateway instead of nat-a, and the egress VPC routes vpc-main's replies back.
    let mut edits = egress(
        HUB_WITH_EGRESS,
        &[
            (
                "          - { destination: 0.0.0.0/0, target: nat-a }\n",
                "          - { destination: 0.0.0.0/0, target: tgw-hub }\n",
            ),
            (
                "target: igw-egress }\n",
                "target: igw-egress }\n          - { destination: 10.0.0.0/16, target: tgw-hub }\n",
            ),
            (
                "clients:\n",
                "nodeGroups:\n  - { name: workers, subnets: [subnet-nodes] }\nclients:\n",
            ),
        ],
    );
    edits.retain(|edit| *edit != ALLOW_EGRESS_NAT);
    let text = common::edited(&edits);
    let scenario = common::load(&text);
    let analysis = eksflow::analysis::analyse(&scenario, Some(Public));
    let findings = eksflow::rules::check(&analysis);
    let eks008: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == eksflow::rules::Code::Eks008)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(eks008, ["nodeGroups[0].subnets[0]"]);
    // The node group's flow is refused at the allowlist, seeing the egress NAT gateway's IP.
    // The finding's words (code, address, gateway) are pinned by the layout snapshots of
    // scenarios/centralised-egress-allowlist-forgets-nat.yaml.
    let workers = common::flow_in(&text, "workers@subnet-nodes", Some(Public));
    assert_eq!(reason(&workers), Some("PUBLIC_CIDR_DENY"));
    assert_eq!(
        allowlist_denial(&workers),
        ("198.51.100.90".to_owned(), Some("nat-egress".to_owned()))
    );
}

#[test]
fn a_bare_vpc_attachment_uses_the_main_route_table_with_only_local_routes() {
    let bare = "  - id: tgw-hub
    type: transit-gateway
    attachments: [vpc-main, vpc-shared, vpc-egress]
    routes: [{ destination: 0.0.0.0/0, target: vpc-egress }]";
    let flow = flow_mode(&egress(bare, &[]), "shared", Public);
    assert_eq!(reason(&flow), Some("NO_ROUTE"));
    assert_eq!(
        path_of(&flow),
        path(&[
            ("route", "rt-shared"),
            ("transit route", "tgw-hub"),
            ("blocked", "main (vpc-egress)"),
        ])
    );
}

#[test]
fn the_attachment_subnet_in_the_clients_availability_zone_routes_the_traffic() {
    // subnet-egress-tgw-b (eu-west-1b) is listed first and routes to the internet gateway;
    // the client sits in eu-west-1a, so the transit gateway uses subnet-egress-tgw.
    let hub = "  - id: tgw-hub
    type: transit-gateway
    attachments: [vpc-main, vpc-shared, { vpc: vpc-egress, subnets: [subnet-egress-tgw-b, subnet-egress-tgw] }]
    routes: [{ destination: 0.0.0.0/0, target: vpc-egress }]";
    let flow = flow_mode(&egress(hub, &[]), "shared", Public);
    assert!(flow.reachable(), "{:?}", flow.blocked);
    assert!(
        flow.targets[0].steps.iter().any(
            |step| matches!(step, Step::AttachmentRoute { subnet, .. } if subnet.id == "subnet-egress-tgw")
        )
    );
}

#[test]
fn an_internet_gateway_does_not_translate_traffic_from_a_transit_gateway() {
    let hub = "  - id: tgw-hub
    type: transit-gateway
    attachments: [vpc-main, vpc-shared, { vpc: vpc-egress, subnets: [subnet-egress-tgw-b] }]
    routes: [{ destination: 0.0.0.0/0, target: vpc-egress }]";
    let flow = flow_mode(&egress(hub, &[]), "shared", Public);
    assert_eq!(reason(&flow), Some("NO_PUBLIC_IP"));
    assert_eq!(
        path_of(&flow),
        path(&[
            ("route", "rt-shared"),
            ("transit route", "tgw-hub"),
            ("attachment route", "rt-egress-pub"),
            ("blocked", "igw-egress"),
        ])
    );
}

#[test]
fn no_tgw_route_is_no_route() {
    let no_static = "  - id: tgw-hub
    type: transit-gateway
    attachments: [vpc-main, vpc-shared, { vpc: vpc-egress, subnets: [subnet-egress-tgw] }]";
    let flow = flow_mode(&egress(no_static, &[]), "shared", Public);
    assert_eq!(reason(&flow), Some("NO_ROUTE"));
    assert_eq!(
        path_of(&flow),
        path(&[("route", "rt-shared"), ("blocked", "tgw-hub")])
    );
    assert!(
        matches!(flow.denial(), Denial::NoTransitRoute { connection } if connection.id == "tgw-hub"),
        "{:?}",
        flow.denial()
    );
}

#[test]
fn a_static_tgw_route_beats_propagation_by_longest_prefix() {
    // 0.0.0.0/0 (static) is less specific than vpc-main's propagated 10.0.0.0/16: the spoke
    // still reaches the private endpoint directly.
    let private = flow_mode(&egress(HUB_WITH_EGRESS, &[]), "shared", Private);
    assert!(private.reachable(), "{:?}", private.blocked);
    assert!(private.targets[0].steps.iter().any(
        |step| matches!(step, Step::Delivered { connection, vpc } if connection.id == "tgw-hub" && vpc.id == "vpc-main")
    ));
    // A static 10.0.1.0/24 is more specific than the propagated 10.0.0.0/16: the ENI in
    // subnet-a is sent to the egress VPC, whose attachment subnet only has the NAT gateway.
    // A static 10.0.0.0/16 ties with the propagated route, and the static one wins.
    for (destination, blocked) in [
        ("10.0.1.0/24", [true, false]),
        ("10.0.0.0/16", [true, true]),
    ] {
        let hub = format!(
            "  - id: tgw-hub
    type: transit-gateway
    attachments: [vpc-main, vpc-shared, {{ vpc: vpc-egress, subnets: [subnet-egress-tgw] }}]
    routes: [{{ destination: {destination}, target: vpc-egress }}]"
        );
        let hub: &'static str = Box::leak(hub.into_boxed_str());
        let flow = flow_mode(&egress(hub, &[]), "shared", Private);
        let verdicts: Vec<bool> = flow.targets.iter().map(|t| !t.reachable()).collect();
        assert_eq!(verdicts, blocked, "{destination}");
        let first = &flow.targets[0];
        assert_eq!(first.blocked.as_ref().unwrap().reason.code(), "NO_ROUTE");
        assert!(
            first
                .steps
                .iter()
                .any(|step| matches!(step, Step::Blocked { at, .. } if at == "rt-egress-tgw"))
        );
    }
}

#[test]
fn the_nat_gateways_subnet_needs_a_route_back_to_the_transit_gateway() {
    let flow = flow_mode(
        &egress(
            HUB_WITH_EGRESS,
            &[(
                "target: igw-egress }\n          - { destination: 10.2.0.0/16, target: tgw-hub }\n",
                "target: igw-egress }\n",
            )],
        ),
        "shared",
        Public,
    );
    assert_eq!(reason(&flow), Some("NO_RETURN_ROUTE"));
    // rt-egress-pub sends the reply for 10.2.1.30 to the internet gateway (0.0.0.0/0).
    let Denial::ReturnRoute {
        subnet,
        table: Some(table),
        next: VpcNextHop::Route(route),
        over: Some(over),
    } = flow.denial()
    else {
        panic!("not a return route over a connection: {:?}", flow.denial());
    };
    assert_eq!(
        (subnet.id.as_str(), table.id.as_str(), over.id.as_str()),
        ("subnet-egress-pub", "rt-egress-pub", "tgw-hub")
    );
    assert_eq!(route.target, RouteTarget::InternetGateway);
}

#[test]
fn an_egress_vpc_routing_back_to_the_transit_gateway_is_a_routing_loop() {
    let flow = flow_mode(
        &egress(
            HUB_WITH_EGRESS,
            &[(
                "          - { destination: 0.0.0.0/0, target: nat-egress }",
                "          - { destination: 0.0.0.0/0, target: tgw-hub }",
            )],
        ),
        "shared",
        Public,
    );
    assert_eq!(reason(&flow), Some("ROUTING_LOOP"));
    assert_eq!(
        path_of(&flow),
        path(&[
            ("route", "rt-shared"),
            ("transit route", "tgw-hub"),
            ("attachment route", "rt-egress-tgw"),
            ("transit route", "tgw-hub"),
            ("blocked", "tgw-hub"),
        ])
    );
}

#[test]
fn a_static_route_that_sends_the_reply_elsewhere_is_no_return_route() {
    // The request to the ENIs follows vpc-main's propagated route; the reply to 10.2.1.30
    // meets a static 10.2.0.0/16 to the egress VPC, which wins the tie with propagation.
    let hub = "  - id: tgw-hub
    type: transit-gateway
    attachments: [vpc-main, vpc-shared, { vpc: vpc-egress, subnets: [subnet-egress-tgw] }]
    routes: [{ destination: 10.2.0.0/16, target: vpc-egress }]";
    let flow = flow_mode(&egress(hub, &[]), "shared", Private);
    assert_eq!(reason(&flow), Some("NO_RETURN_ROUTE"));
    let Denial::TransitReturn {
        connection,
        route: Some(TransitHop::Static(route)),
        back_to,
    } = flow.denial()
    else {
        panic!("not a static route for the reply: {:?}", flow.denial());
    };
    assert_eq!(connection.id, "tgw-hub");
    assert_eq!(route.destination.to_string(), "10.2.0.0/16");
    assert_eq!(flow.place_id(route.target), "vpc-egress");
    assert_eq!(flow.place_id(*back_to), "vpc-shared");
}
