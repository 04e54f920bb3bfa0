//! What the CLI gathers from its surroundings for the core: the vault folder, the acting person and device,
//! and secrets from files or the terminal.

use crate::args::Global;
use crate::output::safe;
use crate::t;
use anyhow::{bail, Context, Result};
use custodia_core::checkpoint::LocalCopies;
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
    let data = dirs::data_dir().with_context(|| t!("cli.context.no_data_dir"))?;
    Ok(data.join("custodia").join("vault"))
}

/// The actor (`--actor`, else the login name) and a device id derived from the machine id; the vault's
/// newest checkpoint is kept in this user's state directory, to find a vault put back from an older copy.
pub fn session(global: &Global) -> Result<Session> {
    let actor = global
        .actor
        .clone()
        .or_else(|| ["USER", "USERNAME", "LOGNAME"].iter().find_map(|k| std::env::var(k).ok()))
        .or_else(host::login_name)
        .unwrap_or_else(|| "unknown".into());
    let session = Session::new(&actor, &host::this_device_id())
        .map_err(|e| anyhow::anyhow!("--actor: {}", safe(&e.to_string())))?;
    Ok(match LocalCopies::default_dir() {
        Some(dir) => session.keeping_checkpoints(LocalCopies::new(dir)),
        None => session,
    })
}

/// Reads a one-line secret file, bounded, without its trailing line break. The text is read into one
/// buffer wiped on drop and copied once into the `SecretString`, so no grown or trimmed copy is left behind.
fn read_secret_file(path: &Path) -> Result<SecretString> {
    let file = safe(&path.display().to_string());
    let opened = std::fs::File::open(path).with_context(|| t!("cli.file.cannot_read", file = file))?;
    let bytes =
        secret_text::read_bounded(opened, SECRET_FILE_MAX).with_context(|| t!("cli.file.cannot_read", file = file))?;
    if bytes.len() > SECRET_FILE_MAX {
        bail!("{}", t!("cli.secret_file.too_large", file = file, max = SECRET_FILE_MAX));
    }
    let Ok(text) = std::str::from_utf8(&bytes) else {
        bail!("{}", t!("cli.file.not_text", file = file));
    };
    let line = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(text);
    if line.is_empty() {
        bail!("{}", t!("cli.secret_file.empty", file = file));
    }
    Ok(SecretString::from(line))
}

fn prompt(label: &str) -> Result<SecretString> {
    let text = rpassword::prompt_password(label).with_context(|| t!("cli.prompt.no_terminal"))?;
    Ok(secret_text::take_string(text))
}

/// How to unlock: `--recovery-file`, `--passphrase-file`, or a prompt.
pub fn unlock(global: &Global) -> Result<Unlock> {
    if let Some(path) = &global.recovery_file {
        let text = read_secret_file(path)?;
        return Ok(Unlock::Recovery(RecoveryKey::parse(text.expose_secret())?));
    }
    match &global.passphrase_file {
        Some(path) => Ok(Unlock::Passphrase(read_secret_file(path)?)),
        None => Ok(Unlock::Passphrase(prompt(&t!("cli.prompt.passphrase"))?)),
    }
}

/// A new passphrase: from `file`, or asked twice at the terminal.
pub fn new_passphrase(file: Option<&Path>) -> Result<SecretString> {
    if let Some(path) = file {
        return read_secret_file(path);
    }
    eprintln!("{}", t!("cli.prompt.choose_passphrase"));
    let first = prompt(&t!("cli.prompt.new_passphrase"))?;
    let second = prompt(&t!("cli.prompt.repeat"))?;
    if first.expose_secret() != second.expose_secret() {
        bail!("{}", t!("cli.prompt.passphrases_differ"));
    }
    Ok(first)
}
