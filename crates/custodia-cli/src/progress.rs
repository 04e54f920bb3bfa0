//! Long work: the progress bar on standard error, and Ctrl-C, which cancels the work cleanly through the
//! core's `Flow::Cancel` (the core removes what it had half-written).

use crate::exit::Exit;
use custodia_core::Flow;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// A bar over `len` bytes (0 when the total is not known yet: the work sets it), named by `label`, which
/// the caller has already made safe for the terminal.
pub fn bar(len: u64, label: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_string());
    bar
}

/// A bar over `len` things counted one by one (objects of an off-site copy), named by `label`, already
/// made safe for the terminal.
pub fn count_bar(len: u64, label: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_string());
    bar
}

/// The first Ctrl-C during long work asks it to stop ([`flow`] answers `Cancel`). A second one exits at
/// once, leaving staging files that the next open moves to quarantine: the one `process::exit` of the
/// command line, since the work that ignored the first may be blocked where nothing else can reach it.
pub fn catch_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(Exit::Interrupted.code().into());
        }
    });
}

/// Moves `bar` to `done` of `total` and answers the core's progress callback: the body of every callback
/// whose work reports a total.
pub fn advance(bar: &ProgressBar, done: u64, total: u64) -> Flow {
    bar.set_length(total);
    bar.set_position(done);
    flow()
}

/// What the core's progress callbacks answer: go on, or stop after Ctrl-C.
pub fn flow() -> Flow {
    if INTERRUPTED.load(Ordering::SeqCst) {
        Flow::Cancel
    } else {
        Flow::Continue
    }
}

/// Returned when the user interrupted; main turns it into [`Exit::Interrupted`].
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::t!("cli.interrupted"))
    }
}

impl std::error::Error for Interrupted {}
