//! The custody log view and vault verification.

use super::blocking;
use crate::ipc::{CustodyReview, EventFilter, EventPage, Facets, IpcError};
use crate::jobs;
use custodia_core::EventQuery;
use tauri::AppHandle;

/// Events matching the filter, newest first, one page at a time.
#[tauri::command]
#[specta::specta]
pub async fn custody_events(app: AppHandle, filter: EventFilter) -> Result<EventPage, IpcError> {
    blocking(app, move |state| {
        let limit = filter.limit.clamp(1, 1000);
        let empty_is_none = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let query = EventQuery {
            subject: empty_is_none(filter.item),
            actor: empty_is_none(filter.actor),
            action: empty_is_none(filter.action),
            from: empty_is_none(filter.from),
            to: empty_is_none(filter.to),
            before_seq: filter.before_seq.filter(|s| s.is_finite() && *s >= 1.0).map(|s| s as u64),
            // One more than asked tells whether another page exists.
            limit: limit + 1,
        };
        state.with_vault(|vault| {
            let mut events = vault.events(&query)?;
            let more = events.len() > limit as usize;
            events.truncate(limit as usize);
            Ok(EventPage { events: events.into_iter().map(Into::into).collect(), more })
        })
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn custody_facets(app: AppHandle) -> Result<Facets, IpcError> {
    blocking(app, |state| {
        state.with_vault(|vault| {
            let (actors, actions) = vault.event_facets()?;
            Ok(Facets { actors, actions })
        })
    })
    .await
}

/// Starts verifying the whole vault; progress and the report arrive as events.
#[tauri::command]
#[specta::specta]
pub async fn verify_vault(app: AppHandle) -> Result<u32, IpcError> {
    let handle = app.clone();
    blocking(app, move |_| jobs::start_verify(&handle)).await
}

/// The custody review: checkpoints over time, how the log stands against the copies outside it, and the
/// anomalies worth a look, as the core gathers them.
#[tauri::command]
#[specta::specta]
pub async fn custody_review(app: AppHandle) -> Result<CustodyReview, IpcError> {
    blocking(app, |state| state.with_vault(|vault| vault.custody_review())).await
}
