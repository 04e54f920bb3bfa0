//! A crash at every durable step of a passphrase change and a recovery key replacement (fault points,
//! `--features failpoints`): afterwards the old or the new secret opens the vault, verify passes and the
//! item is there. Fault points are process-wide, so each test holds `FailScenario`'s lock.

use crate::common::*;
use crate::keys::{new_unlock, opens_whole, recovery, vault_with_item_and_recovery, NEW_PASSPHRASE};
use custodia_core::{KdfParams, StrengthPolicy, Unlock, Vault};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `act` with a panic injected at `point`, as a crash there would stop it.
fn crash_at(point: &str, act: impl FnOnce()) {
    fail::cfg(point, "panic").expect("configure the fault point");
    let crashed = catch_unwind(AssertUnwindSafe(act)).is_err();
    fail::remove(point);
    assert!(crashed, "the operation reached the fault point {point}");
}

fn refuses(tv: &TestVault, unlock: &Unlock, what: &str, code: &str) {
    let err = Vault::open(&tv.root, unlock, session()).expect_err(what);
    assert_eq!(err.code(), code, "{what}: {err}");
}

#[test]
fn a_crash_at_any_step_of_a_passphrase_change_leaves_the_old_or_the_new_passphrase_working() {
    let scenario = fail::FailScenario::setup();
    // (fault point, whether the change took effect)
    let points = [("passphrase.slots_pending", false), ("passphrase.rekeyed", true), ("passphrase.slots_final", true)];
    for (point, took_effect) in points {
        let (tv, key, item) = vault_with_item_and_recovery();
        let mut vault = tv.open();
        crash_at(point, || {
            let _ = vault.change_passphrase(&pass(NEW_PASSPHRASE), StrengthPolicy::Required, KdfParams::FLOOR);
        });
        drop(vault);
        let (works, revoked) = if took_effect { (new_unlock(), unlock()) } else { (unlock(), new_unlock()) };
        let vault = opens_whole(&tv, &works, &item);
        let expected = if point == "passphrase.slots_final" {
            None
        } else {
            Some(if took_effect { "finished" } else { "rolled_back" })
        };
        assert_eq!(vault.resumed_rotation(), expected, "after {point}");
        vault.close().expect("close");
        refuses(&tv, &revoked, &format!("after {point}, the other passphrase"), "wrong_passphrase");
        opens_whole(&tv, &recovery(&key), &item).close().expect("the recovery key still opens");
    }
    scenario.teardown();
}

#[test]
fn a_crash_at_any_step_of_a_recovery_key_replacement_leaves_the_old_or_the_shown_key_working() {
    let scenario = fail::FailScenario::setup();
    // (fault point, whether the old key was retired)
    let points = [
        ("recovery.slot_pending", false),
        ("recovery.shown", false),
        ("recovery.slots_pending", false),
        ("recovery.rekeyed", true),
        ("recovery.slots_final", true),
    ];
    for (point, retired) in points {
        let (tv, old, item) = vault_with_item_and_recovery();
        let mut vault = tv.open();
        let mut shown = None;
        crash_at(point, || {
            let new = vault.begin_recovery_key().expect("begin");
            shown = Some(
                custodia_core::RecoveryKey::parse(secrecy::ExposeSecret::expose_secret(&new.key().to_display()))
                    .expect("parse"),
            );
            vault.confirm_recovery_key(&new).expect("confirm");
        });
        drop(vault);
        opens_whole(&tv, &unlock(), &item).close().expect("the passphrase opens after every step");
        if retired {
            refuses(&tv, &recovery(&old), &format!("after {point}, the old key"), "wrong_recovery_key");
        } else {
            opens_whole(&tv, &recovery(&old), &item).close().expect("the old key still opens");
        }
        if let Some(new) = shown {
            opens_whole(&tv, &recovery(&new), &item).close().expect("the shown key opens");
        }
        // The passphrase, carried over by the settling, still allows the next replacement.
        let mut vault = tv.open();
        vault.create_recovery_key().expect("the passphrase still counts after the settling");
        vault.close().expect("close");
    }
    scenario.teardown();
}
