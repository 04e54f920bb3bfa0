//! The tar walk of a received bundle: the input is the plaintext tar, sealed with age to the fuzzing
//! identity so that every input reaches the walk (paths, entry types, PAX and GNU extensions, limits) and,
//! past it, the checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sealed = custodia_fuzz::seal(data);
    let _ = custodia_fuzz::with_file("fuzz.custodia.age", &sealed, custodia_fuzz::verify);
});
