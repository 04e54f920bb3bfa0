//! Sensitive commands against a real vault: each is refused with `reauth_required` until the passphrase
//! is confirmed, runs inside the grace window, and is refused again once the window expires or the vault
//! is locked; a wrong passphrase opens nothing.

use super::tests::{TempVault, PASSPHRASE};
use super::{persons, vault};
use crate::ipc::{PersonInputDto, SettingsDto, ShellErrorCode};
use crate::reauth::GRACE;
use custodia_core::{ErrorCode, Unlock, Vault};

fn refused_for_reauth<T: std::fmt::Debug>(result: Result<T, crate::ipc::IpcError>, what: &str) {
    let err = result.expect_err(what);
    assert_eq!(err.code, ShellErrorCode::ReauthRequired.into(), "{what}: {}", err.message);
}

fn recovery_slots(t: &TempVault) -> usize {
    let slots = t.state.with_vault(|vault| Ok(vault.key_slots())).expect("slots");
    slots.iter().filter(|s| s.kind == custodia_core::keys::SlotKind::Recovery).count()
}

#[test]
fn a_new_recovery_key_needs_the_passphrase_confirmed_and_again_after_expiry_or_lock() {
    let t = TempVault::new("reauth-recovery");
    refused_for_reauth(vault::new_recovery_key(&t.state), "no confirmation yet");
    assert_eq!(recovery_slots(&t), 0, "a refused request adds no recovery slot");

    vault::confirm(&t.state, PASSPHRASE.into()).expect("the right passphrase is confirmed");
    let key = vault::new_recovery_key(&t.state).expect("allowed inside the grace window");
    assert!(!key.is_empty(), "the key is shown once");
    assert_eq!(recovery_slots(&t), 1, "the recovery slot was added");

    t.state.reauth().backdate(GRACE);
    refused_for_reauth(vault::new_recovery_key(&t.state), "the grace window expired");

    vault::confirm(&t.state, PASSPHRASE.into()).expect("confirmed again");
    t.state.lock_vault();
    let unlock = Unlock::Passphrase(PASSPHRASE.to_string().into());
    t.state.set_vault(Vault::open(&t.dir().join("vault"), &unlock, t.state.session.clone()).expect("unlock"));
    refused_for_reauth(vault::new_recovery_key(&t.state), "the lock closed the grace window");
}

#[test]
fn a_wrong_passphrase_is_refused_and_closes_the_window() {
    let t = TempVault::new("reauth-wrong");
    let err = vault::confirm(&t.state, "not the passphrase at all".into()).expect_err("wrong passphrase");
    assert_eq!(err.code, ErrorCode::WrongPassphrase.into(), "{}", err.message);
    refused_for_reauth(vault::new_recovery_key(&t.state), "a wrong passphrase opens nothing");
    vault::confirm(&t.state, PASSPHRASE.into()).expect("confirmed");
    vault::confirm(&t.state, "not the passphrase at all".into()).expect_err("wrong passphrase");
    refused_for_reauth(vault::new_recovery_key(&t.state), "a wrong passphrase closes an open window");
}

#[test]
fn confirming_while_locked_is_answered_locked() {
    let t = TempVault::new("reauth-locked");
    t.state.lock_vault();
    let err = vault::confirm(&t.state, PASSPHRASE.into()).expect_err("locked");
    assert_eq!(err.code, ShellErrorCode::Locked.into());
}

#[test]
fn raising_the_idle_lock_needs_the_passphrase_but_lowering_it_or_the_language_does_not() {
    let t = TempVault::new("reauth-settings");
    let current = t.state.settings();
    let with = |language: &str, minutes: u32| SettingsDto { language: language.into(), idle_lock_minutes: minutes };
    refused_for_reauth(vault::save(&t.state, with("en", current.idle_lock_minutes + 1)), "a longer idle lock");
    assert_eq!(t.state.settings(), current, "a refused change changes nothing");
    vault::save(&t.state, with("fr", current.idle_lock_minutes)).expect("the language is not protection");
    vault::save(&t.state, with("fr", 2)).expect("a shorter idle lock only protects more");
    vault::confirm(&t.state, PASSPHRASE.into()).expect("confirmed");
    let saved = vault::save(&t.state, with("fr", 240)).expect("allowed inside the grace window");
    assert_eq!(saved.idle_lock_minutes, 240);
}

#[test]
fn revealing_both_persons_of_a_pair_needs_the_passphrase_confirmed() {
    let t = TempVault::new("reauth-pair");
    let person = |name: &str| PersonInputDto { full_name: name.into(), sex: "F".into(), ..Default::default() };
    let a = persons::add(&t.state, person("Hawa Ibrahim Musa"), None).expect("a").person.id;
    let b = persons::add(&t.state, person("Khadija Osman Ali"), None).expect("b").person.id;
    let revealed = |t: &TempVault| {
        let query =
            custodia_core::EventQuery { action: Some("person.revealed".into()), limit: 10, ..Default::default() };
        t.state.with_vault(|vault| vault.events(&query)).expect("events").len()
    };
    refused_for_reauth(persons::reveal_both(&t.state, &a, &b), "no confirmation yet");
    assert_eq!(revealed(&t), 0, "a refused reveal shows and logs nothing");
    vault::confirm(&t.state, PASSPHRASE.into()).expect("confirmed");
    let both = persons::reveal_both(&t.state, &a, &b).expect("allowed inside the grace window");
    assert_eq!(both.len(), 2, "both identities");
    assert_eq!(both[0].full_name, "Hawa Ibrahim Musa");
    assert_eq!(revealed(&t), 2, "each reveal is logged");
}
