//! The shell's "Lock now" leaves neither the passphrase nor a person's name in the process's memory: the
//! vault created from a passphrase as it arrives over IPC, a person added and checked live through the
//! state's person index, then `lock_vault`. Checked in a child process (this test binary started again with
//! this one test) so that other tests' data is not in the memory scanned. Linux only (`/proc/self/mem`).
//!
//! Tauri's own request buffers are not part of this: they hold the JSON the page sent, which the shell
//! cannot wipe (see `ipc::secret`).

#[path = "../../../crates/custodia-core/tests/vault/memscan.rs"]
mod memscan;

use super::persons;
use crate::ipc::{PersonInputDto, Secret};
use crate::state::AppState;
use custodia_core::{KdfParams, Session, StrengthPolicy, Vault};
use memscan::Masked;
use zeroize::Zeroize;

const CHILD: &str = "CUSTODIA_APP_MEMORY_SCAN_CHILD";
const TEST_NAME: &str = "commands::memory_tests::locking_the_app_leaves_neither_the_passphrase_nor_a_name_in_memory";

#[test]
fn locking_the_app_leaves_neither_the_passphrase_nor_a_name_in_memory() {
    memscan::in_child_process(CHILD, TEST_NAME, lock_then_scan);
}

/// The passphrase as the page sends it: a JSON string argument, read into the IPC `Secret` type.
fn from_the_page(secret: &Masked) -> Secret {
    let text = secret.reveal();
    let mut json = String::with_capacity(text.len() + 2);
    json.push('"');
    json.push_str(&text);
    json.push('"');
    let mut text = text;
    text.zeroize();
    let parsed: Secret = serde_json::from_str(&json).expect("a JSON string is a secret");
    json.zeroize();
    parsed
}

fn lock_then_scan() {
    let mut passphrase_text =
        memscan::random_text(b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789#%+=@", 40);
    let passphrase = Masked::take("the passphrase", &mut passphrase_text);
    let mut name_text = String::with_capacity(24);
    name_text.push('Q');
    name_text.push_str(&memscan::random_text(b"aeiou", 10));
    name_text.push(' ');
    name_text.push('Z');
    name_text.push_str(&memscan::random_text(b"bdfglmnrstvz", 11));
    let name = Masked::take("the person's name", &mut name_text);

    let dir = std::env::temp_dir().join(format!("custodia-app-memory-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let session = Session::new("tester", "dev-test").expect("session");
    let state = AppState::new(dir.join("vault"), dir.join("settings.json"), session.clone());
    // What `create_vault` does with its argument.
    let secret = from_the_page(&passphrase).into_secret_string();
    let vault = Vault::create(&state.vault_dir, &secret, StrengthPolicy::WeakAllowed, KdfParams::FLOOR, session)
        .expect("create");
    drop(secret);
    state.set_vault(vault);

    let person = || PersonInputDto {
        full_name: name.reveal(),
        birth_date: "1990-04-16".into(),
        birth_place: "Nyala".into(),
        ..PersonInputDto::default()
    };
    persons::add(&state, person(), None).expect("add the person");
    let findings = persons::check(&state, person()).expect("the live check");
    assert!(!findings.is_empty(), "the same name again must be flagged as a possible duplicate");
    drop(findings);
    assert!(state.lock_vault(), "the vault was open and is now locked");

    let (hits, scanned) = memscan::scan(&[&passphrase, &name]);
    assert!(scanned > 1 << 20, "the scan read only {scanned} bytes of memory");
    assert!(
        hits.is_empty(),
        "after lock, {} cop(ies) of the secrets remain in memory ({scanned} bytes scanned):\n{}",
        hits.len(),
        memscan::describe(&hits)
    );
    let _ = std::fs::remove_dir_all(&dir);
    println!("scanned {scanned} bytes of memory: no secret found");
}
