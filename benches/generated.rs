//! The generated benchmark scenario, shared by the benchmarks and `examples/generate.rs`.

use std::fmt::Write;

/// A scenario with `clients` clients spread over 20 VPCs (one peered to the cluster VPC,
/// one attached over a transit gateway, the rest isolated), an office over VPN, 40 public
/// CIDRs and 200 security-group rules on the cluster security group.
pub fn generated(clients: usize) -> String {
    let mut out = String::new();
    let cidrs: Vec<String> = (0..39)
        .map(|i| format!("198.51.{i}.0/24"))
        .chain(["203.0.113.0/24".to_owned()])
        .collect();
    let _ = write!(
        out,
        "version: 1\nname: generated\ncluster:\n  name: big\n  region: eu-west-1\n  endpointAccess: public-and-private\n  \
         publicAccessCidrs: [{}]\n  vpc: vpc-0\n  securityGroups: [sg-cluster]\n  enis:\n    - {{ subnet: subnet-0-a, ip: 10.0.1.10 }}\n    \
         - {{ subnet: subnet-0-b, ip: 10.0.2.10 }}\nvpcs:\n",
        cidrs.join(", ")
    );
    for v in 0..20 {
        let _ = write!(
            out,
            "  - id: vpc-{v}\n    cidrs: [10.{v}.0.0/16]\n    enableDnsHostnames: true\n    internetGateway: igw-{v}\n    subnets:\n      \
             - {{ id: subnet-{v}-pub, cidr: 10.{v}.0.0/24, az: eu-west-1a, routeTable: rt-{v}-pub }}\n      \
             - {{ id: subnet-{v}-a, cidr: 10.{v}.1.0/24, az: eu-west-1a, routeTable: rt-{v}, networkAcl: acl-{v} }}\n      \
             - {{ id: subnet-{v}-b, cidr: 10.{v}.2.0/24, az: eu-west-1b, routeTable: rt-{v} }}\n      \
             - {{ id: subnet-{v}-nodes, cidr: 10.{v}.64.0/18, az: eu-west-1a, routeTable: rt-{v} }}\n    \
             natGateways: [{{ id: nat-{v}, subnet: subnet-{v}-pub, publicIp: 198.51.{v}.20 }}]\n    routeTables:\n      \
             - {{ id: rt-{v}-pub, routes: [{{ destination: 0.0.0.0/0, target: igw-{v} }}] }}\n      - id: rt-{v}\n        routes:\n          \
             - {{ destination: 0.0.0.0/0, target: nat-{v} }}\n"
        );
        match v {
            0 => out.push_str("          - { destination: 10.1.0.0/16, target: pcx-1 }\n          - { destination: 10.2.0.0/16, target: tgw }\n          - { destination: 192.168.0.0/16, target: vpn-office }\n"),
            1 => out.push_str("          - { destination: 10.0.0.0/16, target: pcx-1 }\n"),
            2 => out.push_str("          - { destination: 10.0.0.0/16, target: tgw }\n"),
            _ => {}
        }
        let _ = write!(
            out,
            "    networkAcls:\n      - id: acl-{v}\n        inbound: [{{ rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }}]\n        \
             outbound: [{{ rule: 100, protocol: all, cidr: 0.0.0.0/0, action: allow }}]\n    securityGroups:\n"
        );
        if v == 0 {
            out.push_str("      - id: sg-cluster\n        ingress:\n          - { protocol: all, sourceSecurityGroup: sg-cluster }\n");
            for r in 0..199 {
                let _ = writeln!(
                    out,
                    "          - {{ protocol: tcp, ports: 443, cidr: 172.{}.{}.0/24 }}",
                    16 + r / 256,
                    r % 256
                );
            }
        } else {
            let _ = writeln!(out, "      - id: sg-{v}");
        }
    }
    out.push_str(
        "connections:\n  - { id: pcx-1, type: peering, vpcs: [vpc-0, vpc-1] }\n  - { id: tgw, type: transit-gateway, attachments: [vpc-0, vpc-2] }\n  \
         - { id: vpn-office, type: vpn, vpc: vpc-0, network: office }\nnetworks:\n  - id: office\n    cidrs: [192.168.0.0/16]\n    \
         internetEgressIp: 203.0.113.50\n    routes: [{ destination: 10.0.0.0/16, target: vpn-office }]\n    dnsServers: [192.168.0.2]\n\
         dnsServers:\n  - ip: 192.168.0.2\n    forward: [{ domain: eks.amazonaws.com, to: [10.0.1.53] }]\nclients:\n",
    );
    for c in 0..clients {
        let v = c % 20;
        let host = 10 + c / 20;
        let _ = writeln!(
            out,
            "  - {{ name: client-{c}, from: subnet-{v}-nodes, ip: 10.{v}.{}.{}, securityGroups: [{}] }}",
            64 + host / 250,
            host % 250 + 4,
            if v == 0 {
                "sg-cluster".to_owned()
            } else {
                format!("sg-{v}")
            }
        );
    }
    out
}
