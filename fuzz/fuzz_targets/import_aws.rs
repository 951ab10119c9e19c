//! `eksflow import aws` input → inventory → scenarios; every scenario produced must load.
#![no_main]

use eksflow::import::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = eksflow_fuzz::import(Kind::Aws, data);
});
