//! The ecosystem's hooks stay in step with the command definitions: the committed shell
//! completions and man page are what the binary generates, and `--version` names the build.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;

fn generated(args: &[&str]) -> String {
    let output = Command::cargo_bin("eksflow")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn committed(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|error| panic!("{path}: {error}"))
}

#[test]
fn the_committed_completions_are_what_eksflow_generates() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert_eq!(
            generated(&["completions", shell]),
            committed(&format!("completions/eksflow.{shell}")),
            "completions/eksflow.{shell} drifted: regenerate with `eksflow completions {shell}`"
        );
    }
}

#[test]
fn the_committed_man_page_is_what_eksflow_generates() {
    let page = generated(&["man"]);
    assert!(page.contains(".TH eksflow"), "{page}");
    assert!(page.contains("lint"), "every subcommand is listed");
    assert_eq!(
        page,
        committed("docs/eksflow.1"),
        "docs/eksflow.1 drifted: regenerate with `eksflow man > docs/eksflow.1`"
    );
}

#[test]
fn version_names_the_package_version() {
    let version = generated(&["--version"]);
    assert!(
        version.starts_with(&format!("eksflow {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
}

#[test]
fn the_pre_commit_hook_lints_the_tree() {
    let hooks = committed(".pre-commit-hooks.yaml");
    let hooks: serde_json::Value = serde_yaml::from_str(&hooks).unwrap();
    let hook = &hooks[0];
    assert_eq!(hook["id"], "eksflow-lint");
    assert_eq!(hook["entry"], "eksflow lint");
    assert_eq!(hook["args"][0], ".");
    assert_eq!(hook["pass_filenames"], false);
}
