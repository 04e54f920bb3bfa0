//! What the CLI gathers from its surroundings for the core: the vault folder, the acting person and device,
//! and secrets from files or the terminal.

use crate::args::Global;
use anyhow::{bail, Context, Result};
use custodia_core::keys::secret_text;
use custodia_core::{host, RecoveryKey, SecretString, Session, Unlock};
use secrecy::ExposeSecret;
use std::path::{Path, PathBuf};

const SECRET_FILE_MAX: usize = 4096;

/// The vault folder: `--vault`, else `$CUSTODIA_VAULT`, else the platform data directory.
pub fn vault_dir(global: &Global) -> Result<PathBuf> {
    if let Some(dir) = &global.vault {
        return Ok(dir.clone());
    }
    if let Some(dir) = std::env::var_os("CUSTODIA_VAULT").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let data = dirs::data_dir().context("no data directory is known for this account; give --vault DIR")?;
    Ok(data.join("custodia").join("vault"))
}

/// The actor (`--actor`, else the login name) and a device id derived from the machine id.
pub fn session(global: &Global) -> Result<Session> {
    let actor = global
        .actor
        .clone()
        .or_else(|| ["USER", "USERNAME", "LOGNAME"].iter().find_map(|k| std::env::var(k).ok()))
        .or_else(host::login_name)
        .unwrap_or_else(|| "unknown".into());
    Session::new(&actor, &host::this_device_id()).map_err(|e| anyhow::anyhow!("--actor: {e}"))
}

/// Reads a one-line secret file, bounded, without its trailing line break. The text is read into one
/// buffer wiped on drop and copied once into the `SecretString`, so no grown or trimmed copy is left behind.
fn read_secret_file(path: &Path, what: &str) -> Result<SecretString> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot read the {what} file {}", path.display()))?;
    let bytes = secret_text::read_bounded(file, SECRET_FILE_MAX)
        .with_context(|| format!("cannot read the {what} file {}", path.display()))?;
    if bytes.len() > SECRET_FILE_MAX {
        bail!("the {what} file {} is larger than {SECRET_FILE_MAX} bytes; it should hold one line", path.display());
    }
    let Ok(text) = std::str::from_utf8(&bytes) else {
        bail!("the {what} file {} is not readable UTF-8 text", path.display());
    };
    let line = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(text);
    if line.is_empty() {
        bail!("the {what} file {} is empty", path.display());
    }
    Ok(SecretString::from(line))
}

fn prompt(label: &str) -> Result<SecretString> {
    let text = rpassword::prompt_password(label)
        .context("cannot ask for the passphrase: no terminal; give --passphrase-file FILE")?;
    Ok(secret_text::take_string(text))
}

/// How to unlock: `--recovery-file`, `--passphrase-file`, or a prompt.
pub fn unlock(global: &Global) -> Result<Unlock> {
    if let Some(path) = &global.recovery_file {
        let text = read_secret_file(path, "recovery key")?;
        return Ok(Unlock::Recovery(RecoveryKey::parse(text.expose_secret())?));
    }
    match &global.passphrase_file {
        Some(path) => Ok(Unlock::Passphrase(read_secret_file(path, "passphrase")?)),
        None => Ok(Unlock::Passphrase(prompt("Passphrase: ")?)),
    }
}

/// A new passphrase: from `file`, or asked twice at the terminal.
pub fn new_passphrase(file: Option<&Path>) -> Result<SecretString> {
    if let Some(path) = file {
        return read_secret_file(path, "passphrase");
    }
    eprintln!("Choose a passphrase of several words. If it is lost and there is no recovery key, the vault cannot be opened by anyone.");
    let first = prompt("New passphrase: ")?;
    let second = prompt("Repeat it: ")?;
    if first.expose_secret() != second.expose_secret() {
        bail!("the two passphrases differ; nothing was changed");
    }
    Ok(first)
}
