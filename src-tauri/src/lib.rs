//! The Custodia desktop shell: a thin Tauri layer over custodia-core. Commands (`commands/`) delegate to
//! the core; IPC types (`ipc.rs`) are converted by hand; long work runs as jobs with progress events
//! (`jobs.rs`); the idle lock is enforced here (`idle.rs`), as is the lock when the machine sleeps or
//! the screen locks (`lock_signals.rs`); file paths come only from native dialogs and
//! drops (`dialogs.rs`), never from the page.

mod commands;
mod dialogs;
mod events;
mod idle;
pub mod ipc;
mod jobs;
mod lock_signals;
mod reauth;
mod state;
#[cfg(test)]
mod testing;

use custodia_core::Session;
use state::AppState;
use std::path::PathBuf;
use tauri::Manager;
use tauri_specta::{collect_commands, collect_events};

/// Where the committed TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

/// The typed command and event set; also what the bindings are generated from.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::vault::app_status,
            commands::vault::passphrase_strength,
            commands::vault::create_vault,
            commands::vault::unlock_vault,
            commands::vault::unlock_with_recovery_key,
            commands::vault::lock_vault,
            commands::vault::touch_activity,
            commands::vault::confirm_passphrase,
            commands::vault::create_recovery_key,
            commands::vault::change_passphrase,
            commands::vault::save_settings,
            commands::items::list_items,
            commands::items::item_detail,
            commands::items::update_item,
            commands::items::add_files,
            commands::items::cancel_job,
            commands::items::save_item_copy,
            commands::items::item_preview,
            commands::custody::custody_events,
            commands::custody::custody_facets,
            commands::custody::verify_vault,
            commands::custody::custody_review,
            commands::custody::make_report,
            commands::persons::list_persons,
            commands::persons::check_person,
            commands::persons::add_person,
            commands::persons::person_detail,
            commands::persons::reveal_person,
            commands::persons::reveal_pair,
            commands::persons::reveal_person_history,
            commands::persons::edit_person,
            commands::interviews::list_interviews,
            commands::interviews::interview_detail,
            commands::interviews::check_interview,
            commands::interviews::add_interview,
            commands::interviews::read_interview,
            commands::interviews::interview_history,
            commands::interviews::edit_interview,
            commands::interviews::set_referral,
            commands::interviews::complete_interview,
            commands::interviews::list_interviewers,
            commands::interviews::set_interviewer,
            commands::consent::record_consent,
            commands::consent::withdraw_consent,
            commands::consent::consent_history,
            commands::incidents::list_incidents,
            commands::incidents::add_incident,
            commands::incidents::link_incident,
            commands::incidents::search_records,
            commands::review::person_duplicates,
            commands::review::review_same,
            commands::review::review_different,
            commands::review::harm_settings,
            commands::review::save_harm_settings,
            commands::bundles::address_book,
            commands::bundles::add_recipient,
            commands::bundles::plan_export,
            commands::bundles::export_bundle,
            commands::receiving::receiving_files,
            commands::receiving::choose_bundle_file,
            commands::receiving::choose_key_file,
            commands::receiving::make_key,
            commands::receiving::check_bundle,
            commands::receiving::extract_bundle,
            commands::receiving::import_bundle,
            commands::remotes::list_remotes,
            commands::remotes::add_remote,
            commands::remotes::remove_remote,
            commands::remotes::test_remote,
            commands::remotes::push_remote,
            commands::remotes::verify_remote,
            commands::remotes::offsite_status,
            commands::panic::panic_wipe,
            commands::restore::restore_vault,
        ])
        .events(collect_events![
            events::JobProgress,
            events::FileAdded,
            events::FileFailed,
            events::JobFinished,
            events::VerifyProgress,
            events::VerifyFinished,
            events::VaultLocked,
        ])
        // One constant: tauri-specta writes several in hash order, which would make the file unstable.
        .constant("CATALOG", ipc::Catalog::new())
}

/// The bindings text, as committed under `BINDINGS_PATH`.
pub fn bindings() -> Result<String, String> {
    use specta_typescript::{BigIntExportBehavior, Typescript};
    let ts = Typescript::default().bigint(BigIntExportBehavior::Number).header("// @ts-nocheck\n/* eslint-disable */");
    specta_builder().export_str(ts).map_err(|e| e.to_string())
}

fn vault_dir() -> PathBuf {
    match std::env::var_os("CUSTODIA_VAULT").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("custodia").join("vault"),
    }
}

fn settings_path() -> PathBuf {
    dirs::config_dir().unwrap_or_else(|| PathBuf::from(".")).join("custodia").join("settings.json")
}

fn session() -> Session {
    let actor = ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok())
        .or_else(custodia_core::host::login_name)
        .unwrap_or_else(|| "unknown".into());
    let session = Session::new(&actor, &custodia_core::host::this_device_id())
        .or_else(|_| Session::new("unknown", &custodia_core::host::this_device_id()))
        .unwrap_or_else(|_| unreachable_session());
    // This computer's copy of each vault's newest checkpoint: a folder put back from an older copy is
    // found at unlock.
    match custodia_core::checkpoint::LocalCopies::default_dir() {
        Some(dir) => session.keeping_checkpoints(custodia_core::checkpoint::LocalCopies::new(dir)),
        None => session,
    }
}

/// `Session::new` only refuses empty or control-character names; these literals are neither.
fn unreachable_session() -> Session {
    Session::new("unknown", "dev-unknown").unwrap_or_else(|e| panic!("fixed session refused: {e}"))
}

/// The window opens at 1280x800 and may not shrink below 1024x640 (tauri.conf.json); on a smaller screen
/// (a netbook, a projector) both give way to the screen's work area, so no part of the page is off screen.
fn fit_to_screen(window: &tauri::WebviewWindow) {
    let Ok(Some(monitor)) = window.current_monitor() else { return };
    let work_area = monitor.work_area();
    let area = work_area.size.to_logical::<f64>(monitor.scale_factor());
    let fit = |(width, height): (f64, f64)| tauri::LogicalSize::new(width.min(area.width), height.min(area.height));
    let _ = window.set_min_size(Some(fit((1024.0, 640.0))));
    if area.width < 1280.0 || area.height < 800.0 {
        let _ = window.set_size(fit((1280.0, 800.0)));
        // The window fills the work area, so it starts at its corner. Not `center()`: before the window
        // is mapped it centres a window of size 0, and on a 1024x640 screen without a window manager the
        // window then started at (512, 320), half off the screen.
        let _ = window.set_position(work_area.position);
    }
}

/// Starts the app and blocks until its window closes.
pub fn run() {
    let builder = specta_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState::new(vault_dir(), settings_path(), session()))
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            if let Some(window) = app.get_webview_window("main") {
                fit_to_screen(&window);
            }
            idle::watch(app.handle().clone());
            let handle = app.handle().clone();
            // The watch runs on its own threads; the app does not wait for the buses.
            let _ =
                lock_signals::watch(lock_signals::Buses::of_this_desktop(), move |reason| idle::lock(&handle, reason));
            Ok(())
        })
        .on_window_event(|window, event| match event {
            // Dropped files come from the operating system, not from the page.
            tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) => {
                let _ = jobs::start_add(window.app_handle(), paths.clone());
            }
            // Focus comes from the window system: the page's activity reports count only with it.
            tauri::WindowEvent::Focused(focused) => {
                window.app_handle().state::<AppState>().set_focused(*focused);
            }
            tauri::WindowEvent::Destroyed => {
                window.app_handle().state::<AppState>().lock_vault();
            }
            _ => {}
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("custodia-app: could not start the desktop app: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn committed_typescript_bindings_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(super::BINDINGS_PATH);
        let committed = std::fs::read_to_string(&path).expect("ui/src/lib/bindings.ts is committed");
        let fresh = super::bindings().expect("bindings export");
        assert!(committed == fresh, "ui/src/lib/bindings.ts is stale: run `make bindings` and commit the result");
    }

    /// The core's codes and the shell's cross as one union of names: a shell code named like a core one
    /// would be read back as the core's.
    #[test]
    fn no_shell_error_code_is_named_like_a_core_one() {
        let mut codes: Vec<String> = super::ipc::Catalog::new()
            .error_codes
            .iter()
            .map(|c| serde_json::to_value(c).expect("code").as_str().expect("a name").to_string())
            .collect();
        let before = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), before, "an error code is named twice");
    }
}

#[cfg(test)]
mod permission_tests {
    /// `app-commands.txt` (which build.rs turns into permissions), the registered commands, and the
    /// capability file must name the same commands, or a command is either unreachable or over-exposed.
    #[test]
    fn the_capability_allows_exactly_the_registered_commands() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let listed: std::collections::BTreeSet<String> = std::fs::read_to_string(dir.join("app-commands.txt"))
            .expect("list")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let bindings = super::bindings().expect("bindings");
        let registered: std::collections::BTreeSet<String> = bindings
            .split("TAURI_INVOKE(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(String::from)
            .collect();
        assert_eq!(listed, registered, "app-commands.txt differs from the registered commands");
        let capability: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("capabilities/default.json")).expect("capability"))
                .expect("json");
        let allowed: std::collections::BTreeSet<String> = capability["permissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .filter_map(|p| p.as_str())
            .filter_map(|p| p.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        assert_eq!(allowed, registered, "capabilities/default.json must allow exactly the registered commands");
        let others: Vec<&str> = capability["permissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .filter_map(|p| p.as_str())
            .filter(|p| !p.starts_with("allow-"))
            .collect();
        assert_eq!(others, ["core:event:allow-listen", "core:event:allow-unlisten"], "no other permission");
    }
}
