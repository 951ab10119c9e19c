//! Benchmarks (`cargo bench`): loading and analysing each bundled scenario, and a generated
//! scenario of 10,000 clients, 20 VPCs, 40 public CIDRs and 200 security-group rules, at
//! several client counts to show that the cost grows linearly with clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use eksflow::{analysis, scenario};

#[path = "generated.rs"]
mod generated;
use generated::generated;

fn main() {
    divan::main();
}

const BUNDLED: &[&str] = &[
    "allowlist-forgets-nat",
    "custom-dhcp-dns",
    "dns-hostnames-off",
    "nacl-return-traffic",
    "peered-vpc",
    "private",
    "public",
    "public-and-private",
    "transit-gateway",
    "vpn-office-public-dns",
    "vpn-office-resolver-inbound",
];

fn bundled(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/scenarios/{name}.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Load (parse, index, validate) and analyse one bundled scenario.
#[divan::bench(args = BUNDLED)]
fn bundled_scenario(bencher: divan::Bencher, name: &str) {
    let text = bundled(name);
    bencher.bench(|| {
        let scenario = scenario::load_one("bench.yaml", divan::black_box(&text)).unwrap();
        analysis::analyse(&scenario, None).flows.len()
    });
}

/// Load and analyse the generated scenario (the 10,000-client target is under 100 ms).
#[divan::bench(args = [1_000, 2_500, 5_000, 10_000], sample_count = 10)]
fn generated_end_to_end(bencher: divan::Bencher, clients: usize) {
    let text = generated(clients);
    bencher.bench(|| {
        let scenario = scenario::load_one("generated.yaml", divan::black_box(&text)).unwrap();
        analysis::analyse(&scenario, None).flows.len()
    });
}

/// The analysis alone (resolve + trace + rules), without parsing.
#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn generated_analysis_only(bencher: divan::Bencher, clients: usize) {
    let scenario = scenario::load_one("generated.yaml", &generated(clients)).unwrap();
    bencher.bench(|| {
        analysis::analyse(divan::black_box(&scenario), None)
            .flows
            .len()
    });
}

/// `lint` over a directory of 1,000 scenario files (the bundled ones, copied round-robin):
/// walk, load, analyse and render, as one CI run does. Target: under 1 s.
#[divan::bench(sample_count = 10)]
fn lint_1000_files(bencher: divan::Bencher) {
    let dir = std::env::temp_dir().join(format!("eksflow-bench-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..1000 {
        let name = BUNDLED[i % BUNDLED.len()];
        std::fs::write(dir.join(format!("{i:04}-{name}.yaml")), bundled(name)).unwrap();
    }
    let paths = vec![dir.to_string_lossy().into_owned()];
    let selection = eksflow::lint::Selection::default();
    bencher.bench(|| {
        let walk = eksflow::lint::walk(&paths, &eksflow::lint::WalkOptions::default());
        let keep = eksflow::lint::Keep::Messages;
        let linted = eksflow::lint::run(&walk.inputs, None, &selection, &keep);
        eksflow::report::lint::text::render(&linted.files, linted.totals, false).len()
    });
    let _ = std::fs::remove_dir_all(&dir);
}
