//! Declares the app's commands to Tauri so that each gets an `allow-<command>` permission: a command the
//! capability file does not list cannot be called from the page. The list lives in `app-commands.txt`; a
//! test checks it against the registered commands and the capability file.

fn main() {
    println!("cargo:rerun-if-changed=app-commands.txt");
    let list = std::fs::read_to_string("app-commands.txt").expect("src-tauri/app-commands.txt is readable");
    let commands: Vec<&'static str> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| &*Box::leak(l.to_string().into_boxed_str()))
        .collect();
    let manifest = tauri_build::AppManifest::new().commands(Box::leak(commands.into_boxed_slice()));
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build step");
}
