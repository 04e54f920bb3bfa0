//! A time-stamping authority's reply (RFC 3161 TimeStampResp), read as the vault reads one: status,
//! token, TSTInfo, signer, signed attributes and signature; the same bytes as a kept token checked again,
//! and as the certificate a user gives to check tokens against.
#![no_main]

use custodia_core::checkpoint::timestamp::TsaCertificate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = custodia_core::fuzzing::timestamp_reply(data);
    let _ = TsaCertificate::parse(data);
});
