//! Scenario bytes → load → validate → analyse (own mode and all three) → every report
//! format, `check`, `compare`, `trace`, `resolve` and `lint` alike.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    eksflow_fuzz::scenario(data);
});
