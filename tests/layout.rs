#![allow(clippy::unwrap_used, clippy::expect_used)]
use eksflow::report::{Style, table};

fn scenario(name: &str) -> eksflow::scenario::Scenario {
    let file = format!("scenarios/{name}.yaml");
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&file)).unwrap();
    eksflow::scenario::load_one(&file, &text).unwrap()
}

#[test]
fn repro() {
    for name in ["vpn-office-resolver-inbound", "transit-gateway", "allowlist-forgets-nat"] {
        let s = scenario(name);
        let a = eksflow::analysis::analyse(&s, None);
        let c = eksflow::analysis::compare(&s);
        for w in [None, Some(80), Some(60)] {
            let style = Style { color: false, width: w };
            println!("===== {name} {w:?}\n{}", table::check(&a, style));
            println!("{}", table::compare(&c, style));
        }
    }
}
