//! A received bundle file as it is: age's header read within its bound, the stream decrypted on its own
//! thread, then the tar walk and the checks, through the public `verify_bundle`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = custodia_fuzz::with_file("fuzz.custodia.age", data, custodia_fuzz::verify);
});
