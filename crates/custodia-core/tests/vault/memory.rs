//! What "Lock now" leaves in memory: after a vault was created, unlocked, given a person and checked for
//! duplicates, and then locked, neither the passphrase nor the person's name may be found anywhere in the
//! process's readable memory (freed heap, thread stacks, SQLCipher's page cache).
//!
//! The check runs in a child process (this test binary started again with one test selected), so the
//! memory scanned holds this scenario and nothing that other tests running in parallel left behind.

use crate::common::session;
use crate::memscan::{self, Masked};
use custodia_core::harm::PersonChecker;
use custodia_core::{KdfParams, PersonInput, SecretString, StrengthPolicy, Unlock, Vault};
use zeroize::Zeroize;

const CHILD: &str = "CUSTODIA_MEMORY_SCAN_CHILD";
const TEST_NAME: &str = "memory::locking_leaves_neither_the_passphrase_nor_a_name_in_memory";

#[test]
fn locking_leaves_neither_the_passphrase_nor_a_name_in_memory() {
    memscan::in_child_process(CHILD, TEST_NAME, lock_then_scan);
}

/// A passphrase no other data in the process shares: random letters, digits and punctuation.
fn marker_passphrase() -> Masked {
    let mut text = memscan::random_text(b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789#%+=@", 40);
    Masked::take("the passphrase", &mut text)
}

/// A person's name as a documenter would type it, made of random letters: two capitalised words.
fn marker_name() -> Masked {
    let mut given = memscan::random_text(b"bcdfghjklmnprstvz", 9);
    let mut family = memscan::random_text(b"aeiouy", 9);
    let mut text = String::with_capacity(given.len() + family.len() + 1);
    // Interleave consonants and vowels so the words look like names, capitalised like a name.
    for (i, (c, v)) in given.chars().zip(family.chars()).enumerate() {
        let c = if i == 0 { c.to_ascii_uppercase() } else { c };
        text.push(c);
        text.push(v);
    }
    text.push(' ');
    for (i, (c, v)) in family.chars().rev().zip(given.chars().rev()).enumerate() {
        let v = if i == 0 { v.to_ascii_uppercase() } else { v };
        text.push(v);
        text.push(c);
    }
    given.zeroize();
    family.zeroize();
    Masked::take("the person's name", &mut text)
}

fn wipe(input: &mut PersonInput) {
    input.full_name.zeroize();
}

fn lock_then_scan() {
    let passphrase = marker_passphrase();
    let name = marker_name();
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("vault");

    let secret = SecretString::from(passphrase.reveal());
    Vault::create(&root, &secret, StrengthPolicy::WeakAllowed, KdfParams::FLOOR, session())
        .expect("create")
        .close()
        .expect("close");
    // Unlocking again goes through the key slot file, as every session after the first does.
    let unlock = Unlock::Passphrase(secret);
    let mut vault = Vault::open(&root, &unlock, session()).expect("open");
    drop(unlock);

    let mut checker = PersonChecker::default();
    let person = |full_name| PersonInput {
        full_name,
        birth_date: "1990-04-16".into(),
        birth_place: "Nyala".into(),
        ..PersonInput::default()
    };
    let mut input = person(name.reveal());
    vault.add_person_with(&mut checker, &input, None).expect("add the person");
    wipe(&mut input);
    // The live duplicate check, as the page runs it while a second record is typed: it builds the index.
    let mut again = person(name.reveal());
    let findings = vault.check_person_with(&mut checker, &again).expect("check");
    assert!(!findings.is_empty(), "the same name again must be flagged as a possible duplicate");
    wipe(&mut again);
    drop(findings);

    // What "Lock now" does: the person index goes, then the vault (and its keys) with its close recorded.
    drop(checker);
    vault.close().expect("close");

    let (hits, scanned) = memscan::scan(&[&passphrase, &name]);
    assert!(scanned > 1 << 20, "the scan read only {scanned} bytes of memory");
    assert!(
        hits.is_empty(),
        "after lock, {} cop(ies) of the secrets remain in memory ({scanned} bytes scanned):\n{}",
        hits.len(),
        memscan::describe(&hits)
    );
    println!("scanned {scanned} bytes of memory: no secret found");
}
