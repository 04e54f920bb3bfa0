//! The idle lock's decision on a fake clock: time slept counts, a job defers the lock only for its
//! bound, and the page's activity reports count only with focus and at most once per ten seconds.

use super::{expired, PAGE_ACTIVITY_EVERY};
use crate::jobs::JobKind;
use crate::testing::ClockedVault;
use std::sync::atomic::Ordering;
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);
const SECOND: Duration = Duration::from_secs(1);

#[test]
fn the_lock_is_due_exactly_when_the_idle_time_has_passed_since_the_last_activity() {
    let (last, idle) = (Duration::from_secs(1000), 15 * MINUTE);
    assert!(!expired(last + idle - SECOND, last, idle, &[]), "one second short of the idle time is not idle");
    assert!(expired(last + idle, last, idle, &[]), "the idle time reached locks");
}

#[test]
fn a_job_defers_the_lock_until_its_deadline_and_no_longer() {
    let idle = 15 * MINUTE;
    let deadline = 2 * 60 * MINUTE;
    assert!(!expired(idle, Duration::ZERO, idle, &[deadline]), "a job within its bound defers the lock");
    assert!(expired(deadline, Duration::ZERO, idle, &[deadline]), "a job past its bound no longer defers it");
    assert!(
        !expired(deadline, Duration::ZERO, idle, &[deadline, deadline + SECOND]),
        "every job within its bound defers"
    );
}

#[test]
fn a_clock_jump_by_the_idle_time_as_across_a_suspend_makes_the_lock_due() {
    let vault = ClockedVault::new("suspend");
    assert!(!vault.state.idle_expired(), "just unlocked, the vault is not idle");
    // What CLOCK_BOOTTIME does across a suspend: one jump, with no check in between.
    vault.clock.advance(vault.idle_time());
    assert!(vault.state.idle_expired(), "the idle time slept through must lock at the first check after waking");
}

#[test]
fn the_lock_is_not_due_for_a_locked_vault() {
    let vault = ClockedVault::new("locked");
    vault.state.lock_vault();
    vault.clock.advance(vault.idle_time());
    assert!(!vault.state.idle_expired(), "nothing is due when nothing is open");
}

#[test]
fn a_job_longer_than_its_bound_no_longer_defers_and_the_lock_cancels_it() {
    let vault = ClockedVault::new("job-bound");
    let (_, cancel) = vault.state.start_job(JobKind::Verify);
    vault.clock.advance(vault.idle_time());
    assert!(!vault.state.idle_expired(), "a running verification defers the idle lock within its bound");
    vault.clock.advance(JobKind::Verify.idle_bound() - vault.idle_time() - SECOND);
    assert!(!vault.state.idle_expired(), "one second short of its bound, the job still defers");
    vault.clock.advance(SECOND);
    assert!(vault.state.idle_expired(), "past its bound, the job no longer keeps the idle vault open");
    assert!(vault.state.lock_vault(), "the vault was open until the lock");
    assert!(cancel.load(Ordering::SeqCst), "the lock cancels the job that overran its bound");
}

#[test]
fn every_job_kind_has_a_finite_bound_of_at_most_two_hours() {
    for kind in [JobKind::Add, JobKind::Verify, JobKind::SaveCopy, JobKind::Export, JobKind::Bundle] {
        let bound = kind.idle_bound();
        assert!(bound > Duration::ZERO && bound <= 2 * 60 * MINUTE, "{kind:?} may defer the lock for {bound:?}");
    }
}

#[test]
fn the_idle_check_does_not_wait_for_a_job_that_holds_the_vault() {
    let vault = ClockedVault::new("held");
    vault.state.start_job(JobKind::Verify);
    vault.clock.advance(JobKind::Verify.idle_bound());
    // A verification holds the vault for its whole length; the check runs meanwhile (on this thread
    // here, which would deadlock if the check took the vault's lock).
    let due = vault.state.with_vault(|_| Ok(vault.state.idle_expired())).expect("the vault is open");
    assert!(due, "the overrunning job must be stoppable while it holds the vault");
}

#[test]
fn finishing_a_job_is_not_activity() {
    let vault = ClockedVault::new("finish");
    let (job, _) = vault.state.start_job(JobKind::Add);
    vault.clock.advance(vault.idle_time());
    vault.state.finish_job(job);
    assert!(vault.state.idle_expired(), "the idle time passed while the job ran; its end does not restart it");
}

#[test]
fn page_activity_without_focus_does_not_defer_the_lock() {
    let vault = ClockedVault::new("unfocused");
    vault.state.set_focused(false);
    vault.clock.advance(vault.idle_time() - MINUTE);
    assert!(!vault.state.page_activity(), "a report from a page whose window lacks focus does not count");
    vault.clock.advance(MINUTE);
    assert!(vault.state.idle_expired(), "the uncounted report did not postpone the lock");
}

#[test]
fn page_activity_with_focus_defers_the_lock() {
    let vault = ClockedVault::new("focused");
    vault.state.set_focused(true);
    vault.clock.advance(vault.idle_time() - MINUTE);
    assert!(vault.state.page_activity(), "a report while the window has focus counts");
    vault.clock.advance(vault.idle_time() - SECOND);
    assert!(!vault.state.idle_expired(), "the idle time starts again from the counted report");
    vault.clock.advance(SECOND);
    assert!(vault.state.idle_expired(), "and runs out as usual");
}

#[test]
fn losing_focus_stops_page_activity_from_counting() {
    let vault = ClockedVault::new("focus-lost");
    vault.state.set_focused(true);
    vault.state.set_focused(false);
    vault.clock.advance(MINUTE);
    assert!(!vault.state.page_activity(), "once the window lost focus, reports no longer count");
}

#[test]
fn page_activity_counts_at_most_once_per_ten_seconds() {
    let vault = ClockedVault::new("rate");
    vault.state.set_focused(true);
    vault.clock.advance(PAGE_ACTIVITY_EVERY);
    assert!(vault.state.page_activity(), "the first report after ten seconds counts");
    vault.clock.advance(PAGE_ACTIVITY_EVERY - SECOND);
    assert!(!vault.state.page_activity(), "a report nine seconds later does not");
    // The idle time runs from the report that counted, not the one that did not.
    vault.clock.advance(vault.idle_time() - PAGE_ACTIVITY_EVERY + SECOND);
    assert!(vault.state.idle_expired(), "the ignored report did not postpone the lock");
}

#[test]
fn reports_within_ten_seconds_of_unlocking_do_not_count() {
    let vault = ClockedVault::new("after-unlock");
    vault.state.set_focused(true);
    vault.clock.advance(PAGE_ACTIVITY_EVERY - SECOND);
    assert!(!vault.state.page_activity(), "unlocking was activity nine seconds ago: the report adds nothing");
}
