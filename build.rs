//! Sets `EKSFLOW_VERSION` for `eksflow --version`: the package version, and the commit when
//! built from a git checkout (`0.1.0 (3f2a9c1)`), so a bug report names the exact build.
//! Without git (a crates.io tarball, no `git` on the machine) it is the version alone.

use std::process::Command;

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let commit = git(&["rev-parse", "--short=10", "HEAD"])
        .filter(|commit| commit.chars().all(|c| c.is_ascii_hexdigit()));
    match commit {
        Some(commit) => println!("cargo:rustc-env=EKSFLOW_VERSION={version} ({commit})"),
        None => println!("cargo:rustc-env=EKSFLOW_VERSION={version}"),
    }
    // A new commit changes the version: rebuild when HEAD or a branch moves. The paths are
    // git's own (`.git` is a file in a worktree), and without git only this script counts.
    println!("cargo:rerun-if-changed=build.rs");
    for (flag, file) in [
        ("--git-dir", "HEAD"),
        ("--git-common-dir", "refs/heads"),
        ("--git-common-dir", "packed-refs"),
    ] {
        if let Some(dir) = git(&["rev-parse", flag]) {
            let path = std::path::Path::new(&dir).join(file);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
}

/// What `git ARGS` prints, trimmed, when it succeeds.
fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}
