//! Documents: the list, one item's detail, edits, adding files, saving a copy, previews.

use super::blocking;
use crate::dialogs;
use crate::ipc::{IpcError, ItemChunk, ItemDetail, ItemDto, ItemEditDto, PreviewDto, SavedCopy, ShellErrorCode};
use crate::jobs;
use crate::state::AppState;
use base64::Engine;
use custodia_core::{Flow, ItemEdit, Vault};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

/// Images up to this size are previewed in memory; larger ones are saved as copies instead.
const PREVIEW_MAX_BYTES: u64 = 25 << 20;
const PREVIEWABLE: [&str; 5] = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff"];

/// Rows in the first chunk: a screen of the list and some to scroll, sent before the rest is read.
pub(crate) const FIRST_CHUNK_ROWS: usize = 100;
/// Rows in each later chunk: large enough that per-message costs vanish, small enough that the page
/// parses one while the shell reads the next.
pub(crate) const CHUNK_ROWS: usize = 10_000;

/// Streams the whole evidence list, newest first, through `on_chunk`; the last chunk says `done`.
/// Returns how many items were sent.
#[tauri::command]
#[specta::specta]
pub async fn list_items(app: AppHandle, on_chunk: Channel<ItemChunk>) -> Result<u32, IpcError> {
    blocking(app, move |state| {
        state.with_vault(|vault| {
            stream_items(vault, [FIRST_CHUNK_ROWS, CHUNK_ROWS], |chunk| on_chunk.send(chunk).is_ok())
        })
    })
    .await
}

/// Reads the list once, cutting it into chunks of `[first, then]` rows for `send`, which answers false
/// when the page is gone (the reading stops there).
pub(crate) fn stream_items(
    vault: &Vault,
    [first, then]: [usize; 2],
    mut send: impl FnMut(ItemChunk) -> bool,
) -> custodia_core::Result<u32> {
    let mut chunk = ItemChunk::default();
    let mut limit = first;
    let mut count = 0u32;
    let mut open = true;
    vault.for_each_item_summary(|item| {
        chunk.push(item);
        count += 1;
        if chunk.len() >= limit {
            open = send(std::mem::take(&mut chunk));
            limit = then;
        }
        if open {
            Flow::Continue
        } else {
            Flow::Cancel
        }
    })?;
    if open {
        send(ItemChunk { done: true, ..chunk });
    }
    Ok(count)
}

#[tauri::command]
#[specta::specta]
pub async fn item_detail(app: AppHandle, id: String) -> Result<ItemDetail, IpcError> {
    blocking(app, move |state| {
        state.with_vault(|vault| {
            let item = vault.item(&id)?;
            let events = vault.item_events(&item.id)?.into_iter().map(Into::into).collect();
            let previewable = PREVIEWABLE.contains(&item.media_type.as_str()) && item.size <= PREVIEW_MAX_BYTES;
            Ok(ItemDetail { item: item.into(), events, previewable })
        })
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn update_item(app: AppHandle, id: String, edit: ItemEditDto) -> Result<ItemDto, IpcError> {
    blocking(app, move |state| {
        let edit = ItemEdit { description: Some(edit.description), source: Some(edit.source) };
        state.with_vault(|vault| Ok(vault.edit_item(&id, &edit)?.into()))
    })
    .await
}

/// Opens the native file picker (titled `title`, in the reader's language) and starts adding what the
/// user chose. `None` when they cancel.
#[tauri::command]
#[specta::specta]
pub async fn add_files(app: AppHandle, title: String) -> Result<Option<u32>, IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        if !state.is_unlocked() {
            return Err(IpcError::locked());
        }
        match dialogs::pick_files(&handle, &dialogs::Title::from_page(&title)) {
            Some(paths) if !paths.is_empty() => jobs::start_add(&handle, paths).map(Some),
            _ => Ok(None),
        }
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn cancel_job(state: State<'_, AppState>, job_id: u32) -> bool {
    state.cancel_job(job_id)
}

/// Asks where to save a decrypted copy and writes it (hash-checked, logged, with progress events and
/// cancellable through `cancel_job`). `None` when the user cancels the dialog or the copy.
#[tauri::command]
#[specta::specta]
pub async fn save_item_copy(app: AppHandle, id: String, title: String) -> Result<Option<SavedCopy>, IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        let name = state.with_vault(|vault| Ok(vault.item(&id)?.name))?;
        let Some(path) = dialogs::save_file(&handle, &dialogs::Title::from_page(&title), &name) else {
            return Ok(None);
        };
        jobs::save_copy(&handle, &id, &path)
    })
    .await
}

/// An image decrypted in memory for display; never written to disk.
#[tauri::command]
#[specta::specta]
pub async fn item_preview(app: AppHandle, id: String) -> Result<PreviewDto, IpcError> {
    blocking(app, move |state| {
        let item = state.with_vault(|vault| vault.item(&id))?;
        if !PREVIEWABLE.contains(&item.media_type.as_str()) {
            return Err(IpcError::new(
                ShellErrorCode::NotPreviewable,
                "this item is not an image that can be previewed",
            ));
        }
        let bytes = state.with_vault(|vault| vault.read_item(&item.id, PREVIEW_MAX_BYTES))?;
        let data_base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        Ok(PreviewDto { media_type: item.media_type, data_base64 })
    })
    .await
}
