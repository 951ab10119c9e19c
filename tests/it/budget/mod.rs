//! Running the real binary under a time and memory budget, for the tests of hostile inputs
//! (`tests/it/hostile.rs`, `tests/it/bounds.rs`): a run past its wall time is
//! killed and fails the test, one past its address space is killed by the kernel and fails
//! the test as a signal.
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// A run's output as the bytes it wrote (for checking that no control byte got through).
pub struct RawRun {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs `eksflow ARGS` in the crate's directory under `wall` and `memory_kib` of address
/// space (`ulimit -v`); a run over either fails the test.
pub fn run_within(args: &[&str], wall: Duration, memory_kib: u64) -> Run {
    let raw = run_raw(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        args,
        wall,
        memory_kib,
    );
    Run {
        code: raw.code,
        stdout: String::from_utf8_lossy(&raw.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&raw.stderr).into_owned(),
    }
}

/// Runs `eksflow ARGS` in `dir` under `wall` and `memory_kib`, keeping its output as bytes.
/// `NO_COLOR` is removed so a test's `CLICOLOR_FORCE` is what decides colour.
pub fn run_raw(dir: &Path, args: &[&str], wall: Duration, memory_kib: u64) -> RawRun {
    let binary = env!("CARGO_BIN_EXE_eksflow");
    let mut script = format!("ulimit -v {memory_kib} && exec \"$0\"");
    for i in 1..=args.len() {
        script.push_str(&format!(" \"${i}\""));
    }
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(binary)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // Drain the pipes on threads so a large report cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut bytes).ok();
        bytes
    });
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut bytes).ok();
        bytes
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > wall {
            child.kill().ok();
            panic!("eksflow {args:?} ran past {wall:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let run = RawRun {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    assert!(
        run.code.is_some(),
        "eksflow {args:?} was killed by a signal (out of memory?): {}",
        String::from_utf8_lossy(&run.stderr)
    );
    run
}
