//! What eksflow prints about files anyone can put in a pull request, run in CI, into a log
//! anyone can read (issue 11, items 3, 6 and 7):
//!
//! - control characters from the input (names, IDs, misspelt fields, file names) reach no
//!   terminal raw in any command or format: each shows as `\u{1b}`, and JUnit stays XML;
//! - a file that is not a file (a FIFO, a link to one) is refused without blocking, `lint`
//!   follows no link out of its tree, and a load error quotes only a short excerpt;
//! - values that loaded silently but cannot be modelled are load errors.
//!
//! Every run goes through [`run`]: the real binary under the wall and memory budgets of
//! tests/it/hostile.rs, so a hang fails the test instead of stalling CI.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use eksflow::report::Style;

const WALL_BUDGET: Duration = Duration::from_secs(20);
const MEMORY_BUDGET_KIB: u64 = 2 * 1024 * 1024;

use crate::budget::RawRun as Run;

/// The output of a run as text, and both streams together.
trait Text {
    fn stdout(&self) -> String;
    fn stderr(&self) -> String;
    fn both(&self) -> String {
        format!("{}{}", self.stdout(), self.stderr())
    }
}

impl Text for Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Runs `eksflow ARGS` in `dir` under the wall and memory budgets (as tests/it/hostile.rs).
fn run_in(dir: &Path, args: &[&str]) -> Run {
    crate::budget::run_raw(dir, args, WALL_BUDGET, MEMORY_BUDGET_KIB)
}

/// A fresh, empty scratch directory for one test.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("safety")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn base() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid/base.yaml"
    ))
    .unwrap()
}

/// The base scenario with terminal escapes in its name, description, cluster name, VPC,
/// subnet and security group IDs and client names (YAML's `\e` is ESC, `\a` BEL). One
/// client is blocked with a failed expectation, so IDs reach the blocked and findings lines.
fn hostile() -> String {
    const VPC: &str = r#""vpc-\e]0;pwned\a\e[2J""#;
    const SUBNET: &str = r#""subnet-\e[1ma""#;
    const SG: &str = r#""sg-\e[31mred""#;
    base()
        .replace(
            "name: valid base",
            "name: \"x\\e[31m hostile\"\ndescription: \"d\\e[2J\"",
        )
        .replace("name: c\n", "name: \"c\\e[1m\"\n")
        .replace("vpc-a", VPC)
        .replace("subnet-a", SUBNET)
        .replace("sg-cluster", SG)
        .replace("name: node,", r#"name: "node\e[31m","#)
        + "  - { name: \"out\\aside\", from: "
        + SUBNET
        + ", ip: 10.0.1.51, expect: { reachable: true } }\n"
        + "  - { name: \"laptop\\e[2J\", from: internet, ip: 198.51.100.7 }\n"
}

/// The client name as the command line passes it (the real ESC).
const CLIENT: &str = "node\u{1b}[31m";

fn assert_no_raw_controls(what: &str, run: &Run) {
    for (stream, bytes) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let raw = bytes.iter().position(|&b| b == 0x1b || b == 0x07);
        assert!(
            raw.is_none(),
            "{what}: a raw control byte on {stream}:\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn every_command_and_format_shows_control_characters_escaped() {
    let dir = scratch_dir("escapes");
    let scenario = hostile();
    std::fs::write(dir.join("h.yaml"), &scenario).unwrap();
    // A file name with an escape in it, and a misspelt field with one.
    std::fs::write(dir.join("bad\u{1b}[2J.yaml"), &scenario).unwrap();
    std::fs::write(
        dir.join("field.yaml"),
        scenario.replacen("version: 1\n", "version: 1\n\"\\e[2Jendpoint\": x\n", 1),
    )
    .unwrap();
    let bad = "bad\u{1b}[2J.yaml";
    let human: Vec<Vec<&str>> = vec![
        vec!["check", "h.yaml"],
        vec!["check", bad],
        vec!["check", "--format", "markdown", "h.yaml"],
        vec!["check", "field.yaml"],
        vec!["compare", "h.yaml"],
        vec!["compare", "--format", "markdown", "h.yaml"],
        vec!["trace", "--client", CLIENT, "h.yaml"],
        vec!["trace", "--client", "nobody\u{1b}[2J", "h.yaml"],
        vec!["resolve", "--client", CLIENT, "h.yaml"],
        vec!["lint", "."],
        vec!["lint", "--format", "github", "."],
        vec!["lint", "--format", "markdown", "."],
        vec!["lint", "--format", "junit", "."],
        vec!["diff", "h.yaml", bad],
        vec!["diff", "h.yaml", "field.yaml"],
        vec!["diff", "--format", "markdown", "h.yaml", bad],
        vec!["diff", "--format", "markdown", "h.yaml", "field.yaml"],
    ];
    for args in &human {
        let run = run_in(&dir, args);
        let what = format!("eksflow {args:?}");
        assert_ne!(run.code, None, "{what}");
        assert_no_raw_controls(&what, &run);
        assert!(
            run.both().contains("\\u{1b}"),
            "{what}: the escape is not shown:\n{}",
            run.both()
        );
    }
    // What the table shows, field by field: names, IDs inside sentences, the file name.
    let table = run_in(&dir, &["check", bad]).stdout();
    for shown in [
        "x\\u{1b}[31m hostile",
        "bad\\u{1b}[2J.yaml",
        "node\\u{1b}[31m",
        "out\\u{7}side",
        "vpc-\\u{1b}]0;pwned\\u{7}\\u{1b}[2J",
        "sg-\\u{1b}[31mred",
    ] {
        assert!(table.contains(shown), "{shown} not in:\n{table}");
    }
    let field = run_in(&dir, &["check", "field.yaml"]);
    assert_eq!(field.code, Some(2));
    assert!(
        field
            .stderr()
            .contains("unknown field `\\u{1b}[2Jendpoint`"),
        "{}",
        field.stderr()
    );
    // JSON and SARIF escape by themselves: no raw byte, and the value is still there.
    for args in [
        vec!["check", "--format", "json", "h.yaml"],
        vec!["compare", "--format", "json", "h.yaml"],
        vec!["trace", "--format", "json", "--client", CLIENT, "h.yaml"],
        vec!["lint", "--format", "json", "."],
        vec!["lint", "--format", "sarif", "."],
        vec!["diff", "--format", "json", "h.yaml", bad],
    ] {
        let run = run_in(&dir, &args);
        assert_no_raw_controls(&format!("eksflow {args:?}"), &run);
        let json: serde_json::Value = serde_json::from_slice(&run.stdout)
            .unwrap_or_else(|error| panic!("{args:?}: {error}\n{}", run.stdout()));
        assert!(json.to_string().contains("\\u001b"), "{args:?}: {json}");
    }
}

#[test]
fn a_coloured_narrow_table_escapes_before_it_measures() {
    let scenario = eksflow::scenario::load_one("h.yaml", &hostile()).unwrap();
    let checked = eksflow::checked::check(&scenario, None);
    for width in [60u16, 100, 160, 400] {
        let style = Style {
            color: true,
            width: Some(width),
        };
        let text = eksflow::report::table::check(&checked, style);
        // The only escape sequences left are the table's own colours (`ESC [ 3 1 m` …).
        let plain = strip_colours(&text);
        assert!(!plain.contains('\u{1b}'), "{plain}");
        assert!(!plain.contains('\u{7}'), "{plain}");
        assert!(plain.contains("node\\u{1b}[31m"), "{plain}");
        // Measured as printed: no line is wider than the terminal, unless it is one word
        // wider than the whole line (the endpoint name).
        for line in plain.lines() {
            let columns = line.chars().count();
            assert!(
                columns <= usize::from(width) || !line.trim().contains(' '),
                "{columns} > {width}: {line}\n{plain}"
            );
        }
    }
}

/// `text` without SGR sequences (`ESC [ digits ; digits m`); any other ESC stays.
fn strip_colours(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let digits = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(after.len());
        if after[digits..].starts_with('m') {
            rest = &after[digits + 1..];
        } else {
            out.push('\u{1b}');
            rest = &rest[at + 1..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn junit_is_well_formed_xml_whatever_the_names_hold() {
    let dir = scratch_dir("junit");
    // U+FFFE and U+FFFF are not XML characters, not even as references; ESC is not either.
    let scenario = base().replace(
        "name: node,",
        r#"name: "node\uFFFE\uFFFF\e[2J<&>'", expect: { reachable: false },"#,
    );
    std::fs::write(dir.join("x\u{fffe}.yaml"), &scenario).unwrap();
    std::fs::write(
        dir.join("broken.yaml"),
        "version: 1\nname: \"\\uFFFE\\e\"\nbogus\u{fffe}: 1\n",
    )
    .unwrap();
    let run = run_in(&dir, &["lint", "--format", "junit", "."]);
    // Exit 2: broken.yaml does not load (its EKS000 is a JUnit error case).
    assert_eq!(run.code, Some(2), "{}", run.stderr());
    assert_no_raw_controls("junit", &run);
    let xml = run.stdout();
    let document =
        roxmltree::Document::parse(&xml).unwrap_or_else(|error| panic!("{error}\n{xml}"));
    let names: Vec<&str> = document
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
        .filter_map(|node| node.attribute("name"))
        .collect();
    assert!(
        names.contains(&"flow node\\u{fffe}\\u{ffff}\\u{1b}[2J<&>'"),
        "{names:?}"
    );
    let suites: Vec<&str> = document
        .descendants()
        .filter(|node| node.has_tag_name("testsuite"))
        .filter_map(|node| node.attribute("name"))
        .collect();
    assert!(
        suites.iter().any(|name| name.contains("x\\u{fffe}.yaml")),
        "{suites:?}"
    );
    let errors = document
        .descendants()
        .filter(|node| node.has_tag_name("error"))
        .count();
    assert!(errors >= 1, "{xml}");
}

/// Makes a FIFO at `path` with mkfifo(1); false (with a note) where there is none.
fn mkfifo(path: &Path) -> bool {
    match Command::new("mkfifo").arg(path).status() {
        Ok(status) if status.success() => true,
        outcome => {
            eprintln!("note: mkfifo unavailable ({outcome:?}); FIFO test skipped");
            false
        }
    }
}

#[test]
fn a_fifo_or_a_link_to_one_is_refused_without_blocking() {
    let dir = scratch_dir("fifo");
    if !mkfifo(&dir.join("pipe.yaml")) {
        return;
    }
    std::fs::write(dir.join("ok.yaml"), base()).unwrap();
    std::os::unix::fs::symlink("pipe.yaml", dir.join("link.yaml")).unwrap();
    std::fs::create_dir(dir.join("aws")).unwrap();
    assert!(mkfifo(&dir.join("aws/describe-cluster.json")));
    for file in ["pipe.yaml", "link.yaml"] {
        for command in ["check", "lint"] {
            let run = run_in(&dir, &[command, file]);
            assert_eq!(run.code, Some(2), "{command} {file}: {}", run.both());
            assert!(
                run.both().contains("is a named pipe (FIFO)"),
                "{command} {file}: {}",
                run.both()
            );
        }
    }
    // In a walk the FIFO is passed over (it is no regular file), and the rest is linted.
    let run = run_in(&dir, &["lint", "."]);
    assert_eq!(run.code, Some(0), "{}", run.both());
    assert!(run.stdout().contains("in 1 file"), "{}", run.stdout());
    // `import aws DIR` reads every `*.json` of the directory: a FIFO among them is refused.
    let run = run_in(&dir, &["import", "aws", "aws"]);
    assert_eq!(run.code, Some(2), "{}", run.both());
    assert!(
        run.stderr().contains("is a named pipe (FIFO)"),
        "{}",
        run.stderr()
    );
}

const TOKEN: &str = "ghp_abcdefghijklmnopqrstuvwxyz0123456789ABCD";

#[test]
fn lint_follows_no_link_out_of_its_tree_and_errors_quote_only_an_excerpt() {
    let dir = scratch_dir("links");
    let outside = dir.join("outside");
    let tree = dir.join("tree");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(tree.join("inner")).unwrap();
    // A credentials file that parses as YAML, shaped so its value lands in a type error.
    let secret =
        format!("version: 1\nname: x\ncluster: \"https://x-access-token:{TOKEN}@github.com\"\n");
    std::fs::write(outside.join("credentials"), &secret).unwrap();
    std::fs::write(tree.join("inner/ok.yaml"), base()).unwrap();
    std::os::unix::fs::symlink(outside.join("credentials"), tree.join("creds.yaml")).unwrap();
    std::os::unix::fs::symlink(&outside, tree.join("elsewhere")).unwrap();
    std::os::unix::fs::symlink("inner/ok.yaml", tree.join("inside.yaml")).unwrap();
    let token_tail = &TOKEN[TOKEN.len() - 12..];

    // Named on the command line, through a link out of the working directory: refused.
    for args in [
        vec!["lint", "creds.yaml"],
        vec!["lint", "elsewhere"],
        vec!["lint", "elsewhere/credentials"],
        vec!["lint", "--format", "json", "creds.yaml"],
    ] {
        let run = run_in(&tree, &args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.both());
        assert!(
            !run.both().contains("x-access-token"),
            "{args:?}: {}",
            run.both()
        );
        assert!(
            run.both()
                .contains("symbolic link that leads out of the working directory"),
            "{args:?}: {}",
            run.both()
        );
    }
    // A link that stays inside the tree is read when named.
    let run = run_in(&tree, &["lint", "inside.yaml"]);
    assert_eq!(run.code, Some(0), "{}", run.both());
    // Walked: links are never followed, in or out; the real file is linted once.
    let run = run_in(&tree, &["lint", "."]);
    assert_eq!(run.code, Some(0), "{}", run.both());
    assert!(!run.both().contains("x-access-token"), "{}", run.both());
    assert!(run.stdout().contains("in 1 file"), "{}", run.stdout());

    // Named directly (no link), the file is read, and its error quotes 40 characters.
    let run = run_in(&outside, &["check", "credentials"]);
    assert_eq!(run.code, Some(2));
    let stderr = run.stderr();
    assert!(
        stderr.contains("invalid type: string \"https://x-access-token:ghp_abcdefghijklm…\""),
        "{stderr}"
    );
    assert!(!stderr.contains(token_tail), "{stderr}");
    // The same excerpt in JSON, where a CI log shows it too, and for a validator's message.
    let run = run_in(&outside, &["lint", "--format", "json", "credentials"]);
    assert!(!run.stdout().contains(token_tail), "{}", run.stdout());
    std::fs::write(
        outside.join("ip.yaml"),
        base().replace(
            "ip: 10.0.1.50",
            &format!("ip: \"https://x-access-token:{TOKEN}@github.com\""),
        ),
    )
    .unwrap();
    let run = run_in(&outside, &["check", "ip.yaml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr()
            .contains("`https://x-access-token:ghp_abcdefghijklm…`"),
        "{}",
        run.stderr()
    );
    assert!(!run.stderr().contains(token_tail), "{}", run.stderr());
}

/// `check` on the base scenario edited by `edit`: its exit code and standard error.
fn check_edited(name: &str, edit: impl Fn(String) -> String) -> (Option<i32>, String) {
    let dir = scratch_dir(name);
    std::fs::write(dir.join("s.yaml"), edit(base())).unwrap();
    let run = run_in(&dir, &["check", "--format", "json", "s.yaml"]);
    (run.code, run.stderr())
}

#[test]
fn a_binary_tagged_value_is_refused_not_read_as_its_base64_text() {
    let (code, stderr) = check_edited("binary", |text| {
        text.replace("name: valid base", "name: !!binary aGVsbG8=")
    });
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("s.yaml:3:7: YAML tag `!!binary` is not supported"),
        "{stderr}"
    );
    // `!!str` says what the value already is, and still loads.
    let (code, stderr) = check_edited("str-tag", |text| {
        text.replace("name: valid base", "name: !!str 443")
    });
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn spaces_around_a_port_or_protocol_are_insignificant_as_around_an_address() {
    let dir = scratch_dir("spaces");
    let rule = "{ protocol: all, sourceSecurityGroup: sg-cluster }";
    let plain = base().replace(
        rule,
        "{ protocol: tcp, ports: 443, sourceSecurityGroup: sg-cluster }",
    );
    let spaced = base().replace(
        rule,
        "{ protocol: \"tcp \", ports: \"443 \", sourceSecurityGroup: sg-cluster }",
    );
    std::fs::write(dir.join("plain.yaml"), &plain).unwrap();
    std::fs::write(dir.join("spaced.yaml"), &spaced).unwrap();
    let json = |file: &str| {
        let run = run_in(&dir, &["check", "--format", "json", file]);
        assert_eq!(run.code, Some(0), "{file}: {}", run.stderr());
        let mut value: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        value[0]["file"] = serde_json::Value::Null;
        value
    };
    assert_eq!(json("plain.yaml"), json("spaced.yaml"));
}

#[test]
fn an_endpoint_outside_the_eks_zones_is_a_load_error() {
    for endpoint in [".", "eks.amazonaws.com", "com", "example.com"] {
        let (code, stderr) = check_edited("endpoint", |text| {
            text.replace(
                "  region: eu-west-1\n",
                &format!("  region: eu-west-1\n  endpoint: \"{endpoint}\"\n"),
            )
        });
        assert_eq!(code, Some(2), "{endpoint}");
        assert!(
            stderr.contains(&format!(
                "cluster.endpoint: `{endpoint}` is not an EKS API endpoint hostname"
            )),
            "{endpoint}: {stderr}"
        );
    }
    for endpoint in [
        "ABC.gr7.eu-west-1.eks.amazonaws.com",
        "abc.gr7.eu-west-1.eks.amazonaws.com.",
        "abc.gr7.eu-west-1.api.aws",
        "abc.cn-north-1.eks.amazonaws.com.cn",
    ] {
        let (code, stderr) = check_edited("endpoint-ok", |text| {
            text.replace(
                "  region: eu-west-1\n",
                &format!("  region: eu-west-1\n  endpoint: {endpoint}\n"),
            )
        });
        assert_eq!(code, Some(0), "{endpoint}: {stderr}");
    }
}

#[test]
fn an_enis_address_is_no_clients_and_no_public_endpoints() {
    let (code, stderr) = check_edited("client-at-eni", |text| {
        text.replace("ip: 10.0.1.50", "ip: 10.0.1.10")
    });
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains(
            "clients[0].ip: 10.0.1.10 is the address of an EKS-owned ENI (cluster.enis[0])"
        ),
        "{stderr}"
    );
    let (code, stderr) = check_edited("public-at-eni", |text| {
        text.replace(
            "  endpointAccess: private\n",
            "  endpointAccess: public-and-private\n  publicEndpointIps: [3.0.0.10, 10.0.2.10]\n",
        )
    });
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains(
            "cluster.publicEndpointIps[1]: 10.0.2.10 is the address of an EKS-owned ENI (cluster.enis[1])"
        ),
        "{stderr}"
    );
    // A client at another address of the ENI's subnet is fine.
    let (code, stderr) = check_edited("client-beside-eni", |text| {
        text.replace("ip: 10.0.1.50", "ip: 10.0.1.11")
    });
    assert_eq!(code, Some(0), "{stderr}");
}
