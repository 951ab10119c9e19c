//! The whole command line on files in a temporary directory: every command, the lint walk
//! and every output format, through the binary's own `src/cli`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    eksflow_fuzz::command_line(data);
});
