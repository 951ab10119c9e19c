//! Two inputs → load → check → `diff` → every diff format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    eksflow_fuzz::diff(data);
});
