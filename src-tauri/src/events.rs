//! Events the shell sends to the page while long work runs, and when the vault locks itself.

use crate::idle::LockReason;
use crate::ipc::{IpcError, ItemDto, VerifyReportDto};
use crate::jobs::JobKind;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri_specta::Event;

/// Progress of one file of an add job, or of a copy being saved.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct JobProgress {
    pub job_id: u32,
    /// `add` or `save`.
    pub kind: JobKind,
    pub file_name: String,
    pub file_index: u32,
    pub file_count: u32,
    pub done: f64,
    pub total: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct FileAdded {
    pub job_id: u32,
    pub file_name: String,
    pub item: ItemDto,
    pub already_stored: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct FileFailed {
    pub job_id: u32,
    pub file_name: String,
    pub error: IpcError,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct JobFinished {
    pub job_id: u32,
    pub cancelled: bool,
    pub added: u32,
    pub failed: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct VerifyProgress {
    pub job_id: u32,
    pub done: f64,
    pub total: f64,
}

#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct VerifyFinished {
    pub job_id: u32,
    pub report: Option<VerifyReportDto>,
    pub error: Option<IpcError>,
}

/// The vault locked itself (idle, sleep, the screen locked) or the user locked it.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct VaultLocked {
    pub reason: LockReason,
}
