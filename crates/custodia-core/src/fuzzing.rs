//! Entry points for the fuzz targets in `fuzz/` only, not an API: thin wrappers that reach the parsers of
//! received data which are crate-internal (the checks over a received bag, a bundle's signature file, a
//! person's field checks, a time-stamping authority's reply). Each wrapper calls the parser as the vault does and adds no logic of its own, so
//! what the fuzzer finds is a finding about the parser. The parsers reachable through the public API
//! (`KeySlots::load`, `verify_bundle`, `Checkpoint::verify`, `merkle::verify_*`, `read_csv`) are fuzzed
//! through that API directly.

use crate::bundle::read::{Collected, Seen};
use crate::bundle::{signature, BundleReport};
use crate::records::persons::PersonInput;
use sha2::{Digest, Sha256};

/// Runs every check of a received bundle over `files` (paths relative to the bag), as if the tar walk had
/// read exactly these files: the tag files and the item list kept, every file hashed and counted.
pub fn check_bag(files: &[(String, Vec<u8>)], expected_signer: Option<&str>) -> BundleReport {
    let mut collected = Collected { bag: "bag".into(), ..Collected::default() };
    for (path, content) in files {
        let seen = Seen { sha256: Sha256::digest(content).into(), size: content.len() as u64 };
        collected.files.insert(path.clone(), seen);
        // A superset of what the walk keeps (`read::kept`); the checks look up only the names they need.
        if !path.starts_with("data/") || path == "data/records/items.json" {
            collected.kept.insert(path.clone(), content.clone());
        }
    }
    crate::bundle::checks::check(&collected, expected_signer)
}

/// Parses a bundle's `custody/signature` file and checks it over `signed`: `None` when it does not parse.
pub fn bundle_signature_verifies(text: &str, signed: &[u8]) -> Option<bool> {
    signature::parse(text).ok().map(|parsed| parsed.verifies(signed))
}

/// The field checks a person typed into the app or read from a CSV row goes through before it is stored.
pub fn check_person(input: &PersonInput) -> crate::Result<()> {
    input.check().map(drop)
}

/// A time-stamping authority's reply to a request over a fixed note, read as the vault reads one (with no
/// certificate to check it against), and the same bytes checked as a kept token: whether either holds.
pub fn timestamp_reply(reply: &[u8]) -> bool {
    use crate::checkpoint::timestamp::request::{recheck, Request};
    const NOTE: &str = "custodia.vault/fuzz\n1\nAAAA\n";
    let Ok(request) = Request::for_note(NOTE) else { return false };
    let accepted = request.accept(reply, None).is_ok();
    accepted || recheck(reply, NOTE, None).is_ok()
}
