//! The custody log view and vault verification.

use super::blocking;
use crate::dialogs;
use crate::ipc::{
    CustodyReview, EventFilter, EventPage, Facets, IpcError, MadeReportDto, ReportFormatDto, ReportScopeDto,
    ShellErrorCode,
};
use crate::jobs;
use custodia_core::report::ReportScope;
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

/// Makes a custody report of `scope` (issue 11, point 7: "Make a report"): gathered and checked by the
/// core first, so an unknown id is refused before any dialog; then saved where the user picks in a native
/// dialog (the page never names a path), rendered in `language` (one of the report's languages, else
/// refused), written as a new file and recorded as `report.made`. `None` when the user cancels the dialog.
#[tauri::command]
#[specta::specta]
pub async fn make_report(
    app: AppHandle,
    scope: ReportScopeDto,
    format: ReportFormatDto,
    language: String,
    title: String,
) -> Result<Option<MadeReportDto>, IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        let Some(lang) = custodia_report::LANGUAGES.iter().copied().find(|l| *l == language) else {
            return Err(IpcError::new(ShellErrorCode::BadSettings, "the report's language is not one Custodia has"));
        };
        let data = state.with_vault(|vault| vault.report(&scope.into()))?;
        let (bytes, extension, format_name) = match format {
            ReportFormatDto::Pdf => {
                let pdf = custodia_report::pdf(&data, lang, custodia_report::Paper::A4);
                (pdf.map_err(|e| IpcError::new(ShellErrorCode::Internal, e))?, "pdf", "pdf")
            }
            ReportFormatDto::Html => (custodia_report::html(&data, lang).into_bytes(), "html", "html"),
        };
        let suggested = format!("custody-report-{}.{extension}", report_name(&data.scope));
        let Some(path) = dialogs::save_file(&handle, &dialogs::Title::from_page(&title), &suggested) else {
            return Ok(None);
        };
        let sha256 = state.with_vault(|vault| vault.save_report(&data, &path, format_name, &bytes))?;
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let events = data.all_events().count() as f64;
        Ok(Some(MadeReportDto { file_name, sha256, items: data.items.len() as f64, events, ok: data.ok() }))
    })
    .await
}

/// The scope in a file name: the record's code (the core found it, so it is one of its ids), or `all`.
fn report_name(scope: &ReportScope) -> String {
    match scope {
        ReportScope::Item(id) | ReportScope::Interview(id) | ReportScope::Incident(id) | ReportScope::Bundle(id) => {
            id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(40).collect()
        }
        ReportScope::All => "all".into(),
    }
}
