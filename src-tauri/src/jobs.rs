//! Long work with progress events and a cancel flag: adding files (from the picker or from a drop) and
//! verifying the vault on background threads; saving a copy, writing and reading bundles on the calling
//! worker thread (`run`). Each job has a kind, whose bound limits how long it may keep an idle vault
//! open (`JobKind::idle_bound`).

use crate::events::{FileAdded, FileFailed, JobFinished, JobProgress, VerifyFinished, VerifyProgress};
use crate::ipc::{IpcError, SavedCopy};
use crate::state::AppState;
use custodia_core::{AddOptions, Flow};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

const HOUR: Duration = Duration::from_secs(60 * 60);

/// What a job does, as its progress events name it to the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Adding files from the picker or a drop.
    Add,
    /// Verifying the whole vault.
    Verify,
    /// Saving a decrypted copy of one item.
    #[serde(rename = "save")]
    SaveCopy,
    /// Writing an evidence bundle.
    Export,
    /// Checking, extracting or importing a received bundle.
    Bundle,
    /// Pushing to an off-site copy.
    Push,
    /// Checking an off-site copy.
    RemoteVerify,
    /// Restoring the vault from an off-site copy on the first run.
    Restore,
}

impl JobKind {
    /// How long after its start a job of this kind may still defer the idle lock. A running job keeps
    /// the vault open while nobody touches the app (the user may watch a long export), but not without
    /// limit: once the idle time and this bound have both passed, the lock fires and cancels the job.
    /// The bounds are generous for their work on a slow disk (two hours stream a few hundred gigabytes
    /// at the benchmarks' pace, one item at most a few), so only work far beyond the ordinary is cut
    /// short; what an add or import stored before it stays stored, and an export or copy leaves nothing.
    pub fn idle_bound(self) -> Duration {
        match self {
            JobKind::Add
            | JobKind::Verify
            | JobKind::Export
            | JobKind::Bundle
            | JobKind::Push
            | JobKind::RemoteVerify
            | JobKind::Restore => 2 * HOUR,
            JobKind::SaveCopy => HOUR,
        }
    }
}

fn flow(cancel: &AtomicBool) -> Flow {
    if cancel.load(Ordering::SeqCst) {
        Flow::Cancel
    } else {
        Flow::Continue
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Starts adding `paths` in the background. Each file takes the vault for its own duration only, so the
/// page can still list and show between files.
pub fn start_add(app: &AppHandle, paths: Vec<PathBuf>) -> Result<u32, IpcError> {
    let state = app.state::<AppState>();
    if !state.is_unlocked() {
        return Err(IpcError::locked());
    }
    let (job_id, cancel) = state.start_job(JobKind::Add);
    let app = app.clone();
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        let (mut added, mut failed) = (0u32, 0u32);
        let count = paths.len() as u32;
        for (index, path) in paths.iter().enumerate() {
            if cancel.load(Ordering::SeqCst) {
                break;
            }
            let name = file_name(path);
            let total = std::fs::metadata(path).map(|m| m.len() as f64).unwrap_or(0.0);
            let mut report = |done: u64| {
                let progress = JobProgress {
                    job_id,
                    kind: JobKind::Add,
                    file_name: name.clone(),
                    file_index: index as u32,
                    file_count: count,
                    done: done as f64,
                    total,
                };
                let _ = progress.emit(&app);
                flow(&cancel)
            };
            let result = state.with_vault(|vault| vault.add_file(path, &AddOptions::default(), &mut report));
            match result {
                Ok(done) => {
                    added += 1;
                    let event = FileAdded {
                        job_id,
                        file_name: name,
                        item: done.item.into(),
                        already_stored: !done.newly_stored,
                    };
                    let _ = event.emit(&app);
                }
                Err(error) if error.is_cancelled() => break,
                Err(error) => {
                    failed += 1;
                    let _ = FileFailed { job_id, file_name: name, error }.emit(&app);
                }
            }
        }
        let cancelled = cancel.load(Ordering::SeqCst);
        state.finish_job(job_id);
        let _ = JobFinished { job_id, cancelled, added, failed }.emit(&app);
    });
    Ok(job_id)
}

/// Runs `work` as a cancellable job of `kind` on the caller's (worker) thread: progress events naming
/// `name`, then `JobFinished`. The page learns the job id from the first progress event, and may cancel
/// through `cancel_job`. A cancelled job answers `None` (the core keeps nothing half-written).
pub fn run<T>(
    app: &AppHandle,
    kind: JobKind,
    name: &str,
    work: impl FnOnce(&mut dyn FnMut(u64, u64) -> Flow) -> Result<T, IpcError>,
) -> Result<Option<T>, IpcError> {
    let state = app.state::<AppState>();
    let (job_id, cancel) = state.start_job(kind);
    let mut report = |done: u64, total: u64| {
        let progress = JobProgress {
            job_id,
            kind,
            file_name: name.into(),
            file_index: 0,
            file_count: 1,
            done: done as f64,
            total: total as f64,
        };
        let _ = progress.emit(app);
        flow(&cancel)
    };
    let result = work(&mut report);
    state.finish_job(job_id);
    let cancelled = matches!(&result, Err(e) if e.is_cancelled());
    let _ = JobFinished { job_id, cancelled, added: 0, failed: 0 }.emit(app);
    match result {
        Ok(done) => Ok(Some(done)),
        Err(_) if cancelled => Ok(None),
        Err(e) => Err(e),
    }
}

/// Saves a decrypted, hash-checked copy of item `id` to `path` as a cancellable job with progress events.
/// Runs on the caller's (worker) thread; a cancelled save leaves no file and answers `None`.
pub fn save_copy(app: &AppHandle, id: &str, path: &std::path::Path) -> Result<Option<SavedCopy>, IpcError> {
    let state = app.state::<AppState>();
    let item = state.with_vault(|vault| vault.item(id))?;
    let saved = run(app, JobKind::SaveCopy, &item.name, |report| {
        state.with_vault(|vault| vault.extract(&item.id, path, &mut |done| report(done, item.size)))
    })?;
    Ok(saved.map(|done| SavedCopy { path: path.display().to_string(), sha256: done.sha256 }))
}

/// Starts a full verification in the background; the report arrives as a `VerifyFinished` event.
pub fn start_verify(app: &AppHandle) -> Result<u32, IpcError> {
    let state = app.state::<AppState>();
    if !state.is_unlocked() {
        return Err(IpcError::locked());
    }
    let (job_id, cancel) = state.start_job(JobKind::Verify);
    let app = app.clone();
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        let result = state.with_vault(|vault| {
            vault.verify(&mut |p| {
                let _ = VerifyProgress { job_id, done: p.done as f64, total: p.total as f64 }.emit(&app);
                flow(&cancel)
            })
        });
        state.finish_job(job_id);
        let (report, error) = match result {
            Ok(report) => (Some(report.into()), None),
            Err(e) => (None, Some(e)),
        };
        let _ = VerifyFinished { job_id, report, error }.emit(&app);
    });
    Ok(job_id)
}
