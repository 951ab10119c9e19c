//! Sets `EKSFLOW_VERSION` for `eksflow --version`: the package version, and the commit when
//! built from a git checkout (`0.1.0 (3f2a9c1)`), so a bug report names the exact build.
//! Without git (a crates.io tarball, no `git` on the machine) it is the version alone.

use std::process::Command;

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let commit = Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|commit| commit.trim().to_owned())
        .filter(|commit| !commit.is_empty() && commit.chars().all(|c| c.is_ascii_hexdigit()));
    match commit {
        Some(commit) => println!("cargo:rustc-env=EKSFLOW_VERSION={version} ({commit})"),
        None => println!("cargo:rustc-env=EKSFLOW_VERSION={version}"),
    }
    // A new commit changes the version: rebuild when HEAD moves.
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
}
