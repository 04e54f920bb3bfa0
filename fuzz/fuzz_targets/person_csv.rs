//! The person CSV importer: the header, quoting, byte-order mark, UTF-8, and every row's field checks,
//! all before anything would be written.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = custodia_core::records::import::read_csv(data);
});
