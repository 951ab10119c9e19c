//! Hostile input: files written to hang, crash or exhaust eksflow. Each runs the real binary
//! under a budget of 20 seconds wall time and 2 GiB of address space (README, "Limits"):
//! the budgets are tens of times what the runs take, so they only catch an explosion, not a
//! slow machine. Each must end in exit 2 with one clear line naming the file and the limit,
//! or, for inputs that are odd but valid, load and be analysed.
//!
//! Invalid UTF-8, NUL bytes, a byte order mark, CRLF line ends and tabs, and values of the
//! wrong type run here under the budget too; their exact messages are pinned in
//! tests/it/invalid.rs (fixtures wrong-types.yaml and strings-for-numbers.yaml).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

const WALL_BUDGET: Duration = Duration::from_secs(20);
const MEMORY_BUDGET_KIB: u64 = 2 * 1024 * 1024;

use crate::budget;
use budget::Run;

/// Runs `eksflow ARGS` under this file's wall and memory budgets.
fn run(args: &[&str]) -> Run {
    budget::run_within(args, WALL_BUDGET, MEMORY_BUDGET_KIB)
}

/// Writes `contents` to a fresh file under the target directory's scratch space.
fn scratch(name: &str, contents: &[u8]) -> String {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(contents)
        .unwrap();
    path.to_string_lossy().into_owned()
}

/// `check FILE` must refuse the file: exit 2, nothing on stdout, and one line on stderr
/// naming the file and containing `expected`.
fn refused(path: &str, expected: &str) -> String {
    let run = run(&["check", path]);
    assert_eq!(run.code, Some(2), "{path}: {}", run.stderr);
    assert!(run.stdout.is_empty(), "{path}: printed a report");
    assert!(
        run.stderr.starts_with(&format!("{path}:")),
        "does not name the file: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(expected),
        "{path}: expected {expected:?} in:\n{}",
        run.stderr
    );
    run.stderr
}

/// The small valid scenario the hostile files grow from.
fn base() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid/base.yaml"
    ))
    .unwrap()
}

/// Ten levels of ten aliases each: 10^9 leaves if anything expanded them.
fn alias_bomb() -> String {
    let mut bomb = String::from("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("x{i}: &a{i} [{refs}]\n"));
    }
    bomb
}

#[test]
fn a_billion_laughs_alias_bomb_is_refused_without_expanding() {
    // In unknown fields only: each is reported, none is expanded.
    let text = format!("{}{}", base(), alias_bomb());
    let path = scratch("alias-bomb-unknown.yaml", text.as_bytes());
    let stderr = refused(&path, "x9: unknown field `x9`");
    assert_eq!(stderr.lines().count(), 10, "{stderr}");
    // Aimed at a field that wants a string: a type error, found before any expansion.
    let text = format!("{}{}description: *a9\n", base(), alias_bomb());
    let path = scratch("alias-bomb.yaml", text.as_bytes());
    refused(
        &path,
        "description: invalid type: sequence, expected a string",
    );
}

#[test]
fn ten_thousand_levels_of_nesting_are_refused_at_the_limit() {
    let text = format!(
        "{}description: {}{}\n",
        base(),
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let path = scratch("deep-flow.yaml", text.as_bytes());
    refused(&path, "nested more than 64 levels deep");
    let mapping = format!(
        "{}imported: {}1{}\n",
        base(),
        "{a: ".repeat(10_000),
        "}".repeat(10_000)
    );
    let path = scratch("deep-mapping.yaml", mapping.as_bytes());
    refused(&path, "nested more than 64 levels deep");
}

#[test]
fn deep_block_nesting_is_an_ordinary_error() {
    // Block nesting costs its indentation in bytes, so the file size bounds it; libyaml is
    // linear in it. 1,500 levels is 1 MiB of indentation.
    let mut text = base();
    text.push_str("description:\n");
    for level in 1..1_500 {
        text.push_str(&" ".repeat(level));
        text.push_str("- \n");
    }
    let path = scratch("deep-block.yaml", text.as_bytes());
    let run = run(&["check", &path]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("description"), "{}", run.stderr);
}

#[test]
fn a_100_mb_file_is_refused_at_16_mib() {
    let mut text = base().into_bytes();
    let padding = b"# padding padding padding padding padding padding padding padding padding\n";
    while text.len() < 100 * 1024 * 1024 {
        text.extend_from_slice(padding);
    }
    let path = scratch("huge.yaml", &text);
    refused(&path, "larger than 16 MiB");
    std::fs::remove_file(&path).ok();
}

#[test]
fn a_10_mb_line_is_refused_at_1_mib() {
    let text = format!("{}description: {}\n", base(), "a".repeat(10 * 1024 * 1024));
    let path = scratch("long-line.yaml", text.as_bytes());
    let stderr = refused(&path, "line longer than 1 MiB");
    let line = base().lines().count() + 1;
    assert!(
        stderr.contains(&format!("long-line.yaml:{line}:")),
        "{stderr}"
    );
}

#[test]
fn addresses_with_leading_zeros_mapped_ipv6_or_bad_prefixes_are_refused() {
    let cases = [
        (
            "ip: 10.0.1.50,",
            "ip: \"010.0.1.50\",",
            "leading zeros are ambiguous",
        ),
        (
            "ip: 10.0.1.50,",
            "ip: \"::ffff:10.0.1.50\",",
            "write the IPv4-mapped address as `10.0.1.50`",
        ),
        (
            "cidrs: [10.0.0.0/16]",
            "cidrs: [10.0.0.0/33]",
            "prefix length `33` is not in 0-32",
        ),
        (
            "cidrs: [10.0.0.0/16]",
            "cidrs: [10.0.0.0/016]",
            "prefix length `016` is not in 0-32",
        ),
        (
            "cidrs: [10.0.0.0/16]",
            "cidrs: [\"::ffff:10.0.0.0/112\"]",
            "is an IPv6 block",
        ),
    ];
    for (i, (from, to, expected)) in cases.iter().enumerate() {
        let text = base();
        assert!(text.contains(from));
        let path = scratch(
            &format!("address-{i}.yaml"),
            text.replacen(from, to, 1).as_bytes(),
        );
        let stderr = refused(&path, expected);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn a_hundred_thousand_clients_are_refused_before_any_analysis() {
    let mut text = base();
    for i in 0..100_000u32 {
        text.push_str(&format!(
            "  - {{ name: c{i}, from: internet, ip: 198.18.{}.{} }}\n",
            (i / 256) % 256,
            i % 256
        ));
    }
    let path = scratch("many-clients.yaml", text.as_bytes());
    refused(
        &path,
        "100001 clients (node-group subnets included): eksflow checks at most 10000",
    );
}

#[test]
fn ten_thousand_routes_in_a_table_are_refused_at_aws_quota() {
    let mut routes = String::from("    routeTables:\n      - id: rt-big\n        routes:\n");
    for i in 0..10_000u32 {
        routes.push_str(&format!(
            "          - {{ destination: 172.16.{}.{}/32, target: local }}\n",
            i / 256,
            i % 256
        ));
    }
    let text = base().replacen(
        "    securityGroups:\n",
        &format!("{routes}    securityGroups:\n"),
        1,
    );
    let path = scratch("many-routes.yaml", text.as_bytes());
    refused(
        &path,
        "vpcs[0].routeTables[0].routes: 10000 routes: AWS allows at most 1000 per route table",
    );
}

#[test]
fn network_acl_and_security_group_rule_counts_stop_at_aws_quotas() {
    let acl_rules: String = (1..=41)
        .map(|n| {
            format!("          - {{ rule: {n}, protocol: all, cidr: 0.0.0.0/0, action: allow }}\n")
        })
        .collect();
    let text = base().replacen(
        "    securityGroups:\n",
        &format!("    networkAcls:\n      - id: acl-big\n        inbound:\n{acl_rules}    securityGroups:\n"),
        1,
    );
    let path = scratch("many-acl-rules.yaml", text.as_bytes());
    refused(
        &path,
        "41 inbound rules: AWS allows at most 40 per network ACL and direction",
    );

    let sg_rules: String = (0..1001)
        .map(|n| {
            format!(
                "          - {{ protocol: tcp, ports: {}, cidr: 10.0.0.0/16 }}\n",
                1000 + n
            )
        })
        .collect();
    let text = base().replacen(
        "        ingress: [{ protocol: all, sourceSecurityGroup: sg-cluster }]\n",
        &format!("        ingress:\n{sg_rules}"),
        1,
    );
    let path = scratch("many-sg-rules.yaml", text.as_bytes());
    refused(
        &path,
        "1001 ingress rules: AWS allows at most 1000 per security group",
    );
}

/// `n` custom DNS servers in one network, each forwarding the endpoint's domain to all the
/// others: without a budget the resolver would try (n-1)^8 paths.
fn forwarding_mesh(n: u8) -> String {
    let servers: Vec<String> = (1..=n).map(|i| format!("192.168.0.{i}")).collect();
    let base = base();
    let (head, _) = base.split_once("clients:\n").unwrap();
    let mut text = format!(
        "{head}networks:\n  - {{ id: office, cidrs: [192.168.0.0/16], dnsServers: [192.168.0.1] }}\ndnsServers:\n"
    );
    for (i, server) in servers.iter().enumerate() {
        let others: Vec<&str> = servers
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, s)| s.as_str())
            .collect();
        text.push_str(&format!(
            "  - {{ ip: {server}, forward: [{{ domain: eks.amazonaws.com, to: [{}] }}] }}\n",
            others.join(", ")
        ));
    }
    text.push_str("clients:\n  - { name: admin, from: office, ip: 192.168.1.20 }\n");
    text
}

#[test]
fn a_forwarding_mesh_ends_in_dns_forward_loop_within_the_query_budget() {
    let path = scratch("forward-mesh.yaml", forwarding_mesh(12).as_bytes());
    let run = run(&["check", &path, "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let flow = &json[0]["flows"][0];
    assert_eq!(flow["client"], "admin");
    assert_eq!(flow["reachable"], false);
    assert_eq!(flow["reason"], "DNS_FORWARD_LOOP", "{flow:#}");
    // The budget stops the fan-out: 64 servers asked, each leaving a line or two.
    let trail = flow["dns"]["trail"].as_array().unwrap();
    assert!(trail.len() < 200, "{} trail lines", trail.len());
    assert!(
        trail
            .last()
            .and_then(|line| line.as_str())
            .is_some_and(|line| line.contains("not asked, 64 servers already tried")),
        "{trail:#?}"
    );
}

#[test]
fn encoding_oddities_and_wrong_types_stay_within_the_budget() {
    // Invalid UTF-8 deep into a large file, and a NUL byte: refused at their line.
    let mut latin1 = base().into_bytes();
    latin1.extend(b"# ".repeat(200_000));
    latin1.extend(b"caf\xe9\n");
    refused(
        &scratch("latin1.yaml", &latin1),
        "not valid UTF-8 (byte 0xE9)",
    );
    let nul = base().replacen("name: valid base", "name: valid\0base", 1);
    refused(&scratch("nul.yaml", nul.as_bytes()), "NUL byte in the file");
    // A byte order mark, CRLF line ends and tabs after values: read as the same scenario.
    let windows = format!(
        "\u{feff}{}",
        base()
            .replace("name: valid base", "name:\tvalid base")
            .replace('\n', "\r\n")
    );
    let run = run(&["check", &scratch("windows.yaml", windows.as_bytes())]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("valid base"), "{}", run.stdout);
    // Numbers where strings belong and strings where numbers belong.
    for fixture in ["wrong-types.yaml", "strings-for-numbers.yaml"] {
        refused(&format!("tests/fixtures/invalid/{fixture}"), "invalid type");
    }
}

#[test]
fn a_security_group_id_of_65536_characters_traces_without_a_panic() {
    // `trace` pads the hop labels to one column; a label past u16::MAX characters once
    // overflowed the width argument of `format!` and panicked.
    let long = format!("sg-{}", "a".repeat(65_536));
    let text = base().replace("sg-cluster", &long);
    let path = scratch("long-sg.yaml", text.as_bytes());
    let run = run(&["trace", &path, "--client", "node"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    // The short labels are padded to the long one's width, so the details line up.
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("  ✓ "))
        .collect();
    let long_hop = lines.iter().find(|l| l.contains(&long)).unwrap();
    let column = long_hop.find(&long).unwrap() + long.len() + 2;
    assert!(lines.len() > 1, "{}", run.stdout.len());
    for line in &lines {
        assert!(line.len() > column, "{line}");
        assert!(line.is_char_boundary(column), "{line}");
        assert_ne!(
            line[column..].chars().next(),
            Some(' '),
            "misaligned: {:.200}",
            line
        );
        assert_eq!(
            line[..column].chars().last(),
            Some(' '),
            "misaligned: {:.200}",
            line
        );
    }
}
