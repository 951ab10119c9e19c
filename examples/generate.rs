//! Writes the generated benchmark scenario to standard output, for timing the whole command:
//!
//! ```sh
//! cargo run --release --example generate -- 10000 > /tmp/generated.yaml
//! perf stat -r 10 target/release/eksflow check /tmp/generated.yaml > /dev/null
//! ```

#[path = "../benches/generated.rs"]
mod generated;

fn main() {
    let clients = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(10_000);
    print!("{}", generated::generated(clients));
}
