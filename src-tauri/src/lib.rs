//! The Custodia desktop shell. For now it opens the app window over the bundled front end; the vault
//! commands arrive with the desktop issue, each a few lines delegating to custodia-core.

/// Starts the app and blocks until its window closes.
pub fn run() {
    let result = tauri::Builder::default().run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("custodia-app: could not start the desktop app: {e}");
        std::process::exit(1);
    }
}
