//! DNS messages: arbitrary wire bytes through the decoder into the dig renderer, and the
//! answer `resolve` builds (name, A records, SERVFAIL) through the encode/decode round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = eksflow_fuzz::dns_decode(data);
    let _ = eksflow_fuzz::dns_answer(data);
});
