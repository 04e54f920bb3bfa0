//! Custody events' canonical bytes (RFC 8785) and hashes (RFC 6962 leaf) against
//! `tests/vectors/custody-event` (written by `scripts/make-vectors.py` with its own canonical JSON).

use super::vectors;
use crate::custody::Event;
use serde_json::Value;

fn event(body: &str, prev: &str) -> Event {
    let fields: Value = serde_json::from_str(body).expect("the body is an event as JSON");
    let text = |name: &str| fields[name].as_str().unwrap_or_else(|| panic!("no {name}")).to_string();
    Event {
        seq: fields["seq"].as_u64().expect("seq"),
        time: text("time"),
        actor: text("actor"),
        device: text("device"),
        action: text("action"),
        subject: fields["subject"].as_str().map(str::to_string),
        details: fields["details"].clone(),
        prev_hash: prev.to_string(),
        hash: String::new(),
    }
}

#[test]
fn custody_events_match_the_vectors() {
    for vector in vectors("custody-event", 5) {
        let event = event(&vector.body, vector.header("prev"));
        let canonical = event.canonical_bytes().expect("canonical bytes");
        assert_eq!(String::from_utf8(canonical).expect("UTF-8"), vector.header("canonical"), "{}", vector.name);
        assert_eq!(event.compute_hash().expect("hash"), vector.header("hash"), "{}", vector.name);
    }
}
