//! `eksflow import … --clients FILE` input → merged into an imported scenario; it must load
//! or fail the import, and the import's YAML writer must keep it well-formed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = eksflow_fuzz::import_clients(data);
});
