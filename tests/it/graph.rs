//! Pictures: `eksflow graph` (Mermaid and DOT snapshots; every bundled scenario's DOT
//! rendered by Graphviz when `dot` is installed) and the Mermaid path of each blocked flow in
//! the Markdown reports. IDs from the input can hold anything, so a hostile scenario's
//! pictures are checked to keep their syntax whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Write;
use std::process::Stdio;

use assert_cmd::Command;

fn run_with(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut command = Command::cargo_bin("eksflow").unwrap();
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args);
    if let Some(text) = stdin {
        command.write_stdin(text);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn run(args: &[&str]) -> String {
    let (code, out, err) = run_with(args, None);
    assert!(code <= 1, "exit {code}: {err}");
    out
}

#[test]
fn graph_mermaid_office_vpn_private() {
    insta::assert_snapshot!(run(&["graph", "scenarios/office-vpn-private.yaml"]));
}

#[test]
fn graph_dot_centralised_egress() {
    insta::assert_snapshot!(run(&[
        "graph",
        "scenarios/centralised-egress.yaml",
        "--format",
        "dot"
    ]));
}

#[test]
fn graph_mermaid_transit_gateway_in_private_mode() {
    insta::assert_snapshot!(run(&[
        "graph",
        "scenarios/transit-gateway.yaml",
        "--mode",
        "private"
    ]));
}

#[test]
fn check_markdown_draws_the_path_of_each_blocked_flow() {
    insta::assert_snapshot!(run(&[
        "check",
        "scenarios/allowlist-forgets-nat.yaml",
        "--format",
        "markdown"
    ]));
}

#[test]
fn a_dns_failure_ends_the_path_at_the_answer() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/private.yaml"
    ))
    .unwrap()
    .replace("enableDnsSupport: true", "enableDnsSupport: false");
    let (_, out, _) = run_with(&["check", "-", "--format", "markdown"], Some(&text));
    let block = mermaid_blocks(&out).next().unwrap();
    assert!(
        block.contains("⛔ no answer · DNS_SUPPORT_DISABLED"),
        "{block}"
    );
    assert!(!block.contains(":443"), "no address to connect to: {block}");
}

fn mermaid_blocks(markdown: &str) -> impl Iterator<Item = &str> {
    markdown
        .split("~~~mermaid\n")
        .skip(1)
        .map(|rest| rest.split_once("~~~\n").unwrap().0)
}

#[test]
fn every_markdown_report_draws_blocked_flows_and_only_those() {
    // Two blocked clients, one reachable.
    let check = run(&[
        "check",
        "scenarios/allowlist-forgets-nat.yaml",
        "--format",
        "markdown",
    ]);
    assert_eq!(mermaid_blocks(&check).count(), 2);
    assert!(check.contains("**Path of `node-a`**") && check.contains("**Path of `node-b`**"));
    assert!(!check.contains("Path of `office-dev`"));

    // Every client reaches the API: no picture at all.
    for clean in [
        "scenarios/vpn-office-resolver-inbound.yaml",
        "scenarios/custom-dhcp-dns.yaml",
    ] {
        let out = run(&["check", clean, "--format", "markdown"]);
        assert!(!out.contains("mermaid"), "{clean}");
    }

    let lint = run(&[
        "lint",
        "scenarios/allowlist-forgets-nat.yaml",
        "--format",
        "markdown",
    ]);
    assert_eq!(mermaid_blocks(&lint).count(), 2);

    let compare = run(&[
        "compare",
        "scenarios/allowlist-forgets-nat.yaml",
        "--format",
        "markdown",
    ]);
    assert!(compare.contains("**Path of `node-a` in mode public**"));

    let diff = run(&[
        "diff",
        "tests/fixtures/diff/public.yaml",
        "tests/fixtures/diff/public-allowlist-drops-nat.yaml",
        "--format",
        "markdown",
    ]);
    // Three broken flows, each blocked after the change.
    assert_eq!(mermaid_blocks(&diff).count(), 3, "{diff}");
    let fixed = run(&[
        "diff",
        "tests/fixtures/diff/public-allowlist-drops-nat.yaml",
        "tests/fixtures/diff/public.yaml",
        "--format",
        "markdown",
    ]);
    assert_eq!(
        mermaid_blocks(&fixed).count(),
        0,
        "fixed flows reach: {fixed}"
    );
}

#[test]
fn graph_colours_clients_by_the_analysis_verdict() {
    let out = run(&["graph", "scenarios/allowlist-forgets-nat.yaml"]);
    let class = |name: &str| {
        out.lines()
            .find_map(|line| line.trim().strip_prefix("class ")?.strip_suffix(name))
            .unwrap()
            .trim()
            .split(',')
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let node = |client: &str| {
        out.lines()
            .find(|line| line.contains(&format!("([\"{client}<br/>")))
            .unwrap()
            .trim()
            .split_once('(')
            .unwrap()
            .0
            .to_owned()
    };
    assert!(class("blocked").contains(&node("node-a")));
    assert!(class("blocked").contains(&node("node-b")));
    assert!(class("reachable").contains(&node("office-dev")));
}

#[test]
fn graph_fails_like_check_on_an_invalid_file_and_draws_each_document() {
    let (code, out, err) = run_with(&["graph", "tests/fixtures/invalid/dangling.yaml"], None);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("dangling.yaml"), "{err}");

    let one = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/private.yaml"
    ))
    .unwrap();
    let stream = format!("{one}\n---\n{one}");
    let (code, out, _) = run_with(&["graph", "-", "--format", "dot"], Some(&stream));
    assert_eq!(code, 0);
    assert_eq!(out.matches("digraph eksflow {").count(), 2);
}

/// Runs Graphviz on `dot_text`; `None` when `dot` is not installed.
fn graphviz(dot_text: &str, format: &str) -> Option<std::process::Output> {
    let mut child = std::process::Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot_text.as_bytes())
        .unwrap();
    Some(child.wait_with_output().unwrap())
}

#[test]
fn graphviz_renders_every_bundled_scenario() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let file = file.to_str().unwrap();
        let dot_text = run(&["graph", file, "--format", "dot"]);
        let Some(output) = graphviz(&dot_text, "svg") else {
            println!("note: Graphviz `dot` is not installed; DOT output not rendered");
            return;
        };
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "{file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("<svg"));
    }
}

/// `private.yaml` with its VPC and a client renamed to IDs that would break a diagram whose
/// renderer pasted them in: quotes, brackets, Mermaid's `end` and entity escapes, HTML, a
/// fence, DOT escape sequences and terminal control characters.
fn hostile() -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/private.yaml"
    ))
    .unwrap();
    let vpc = r##""end\"]; subgraph x[\"#quot;<br/>|a|` \\N\\G \e[2J\a ~~~\n```""##;
    let client = r##""laptop\"] --> n0{{x}} %% \e]0;pwned\a""##;
    text.replace("vpc-ledger", vpc)
        .replace("name: laptop", &format!("name: {client}"))
}

/// Whether every double-quoted string of `line` is closed (`\` escaping the next character
/// when `escapes`), so no label ran on past its quotes.
fn strings_closed(line: &str, escapes: bool) -> bool {
    let mut inside = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if inside && escapes => {
                chars.next();
            }
            '"' => inside = !inside,
            _ => {}
        }
    }
    !inside
}

#[test]
fn hostile_ids_stay_inside_their_labels() {
    let text = hostile();
    let (code, _, err) = run_with(&["check", "-"], Some(&text));
    assert!(code <= 1, "the hostile scenario loads: {err}");

    let (_, mermaid, _) = run_with(&["graph", "-"], Some(&text));
    let (_, markdown, _) = run_with(&["check", "-", "--format", "markdown"], Some(&text));
    let path = mermaid_blocks(&markdown).next().unwrap().to_owned();
    for diagram in [mermaid.as_str(), path.as_str()] {
        assert!(!diagram.chars().any(|c| c.is_control() && c != '\n'));
        for line in diagram.lines() {
            let line = line.trim();
            assert!(strings_closed(line, false), "{line}");
            // Outside the quotes, only the diagram's own syntax.
            let outside: String = line.split('"').step_by(2).collect();
            assert!(
                outside
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || " _-.,:;#|[](){}>".contains(c)),
                "{line}"
            );
            for inside in line.split('"').skip(1).step_by(2) {
                let bare = inside.replace("<br/>", "");
                assert!(!bare.contains(['<', '>', '`', '|', '~', '\\']), "{line}");
            }
        }
        let opened = diagram
            .lines()
            .filter(|l| l.trim().starts_with("subgraph "))
            .count();
        let closed = diagram.lines().filter(|l| l.trim() == "end").count();
        assert_eq!(opened, closed);
    }
    assert!(mermaid.contains("end#34;]#59; subgraph x[#34;#35;quot#59;#60;br/#62;"));
    assert!(
        !markdown.contains("\n```"),
        "no fence from the input closes the block"
    );

    let (_, dot_text, _) = run_with(&["graph", "-", "--format", "dot"], Some(&text));
    assert!(!dot_text.chars().any(|c| c.is_control() && c != '\n'));
    for line in dot_text.lines() {
        assert!(strings_closed(line, true), "{line}");
    }
    assert!(dot_text.contains(r#"laptop\"] --> n0{{x}} %% \\u{1b}]0;pwned\\u{7}"#));
    if let Some(output) = graphviz(&dot_text, "plain") {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        // Graphviz read the label back whole: the name, its escape sequences as text.
        let plain = String::from_utf8_lossy(&output.stdout);
        assert!(plain.contains(r"\\N\\G"), "{plain}");
    } else {
        println!("note: Graphviz `dot` is not installed; hostile DOT not rendered");
    }
}
