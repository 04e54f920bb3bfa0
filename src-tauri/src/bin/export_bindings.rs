//! Regenerates `ui/src/lib/bindings.ts` from the shell's commands and IPC types (`make bindings`).

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(custodia_app_lib::BINDINGS_PATH);
    match custodia_app_lib::bindings() {
        Ok(text) => {
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("export-bindings: cannot write {}: {e}", path.display());
                std::process::exit(1);
            }
            println!("wrote {}", path.display());
        }
        Err(e) => {
            eprintln!("export-bindings: {e}");
            std::process::exit(1);
        }
    }
}
