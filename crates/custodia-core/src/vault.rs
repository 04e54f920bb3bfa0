//! The vault as a whole: creating and opening it (lock, key slots, database, reconcile), closing it, and
//! changing the ways it can be unlocked. Items, verification and the log build on this in their modules.

use crate::blobs::BlobStore;
use crate::checkpoint;
use crate::custody::{self, Action, Session};
use crate::error::Result;
use crate::keys::{KdfParams, KeySlots, MasterKey, PassphraseKek, Purpose, SlotInfo, SlotKind, StrengthPolicy, Unlock};
use crate::reconcile::{self, Reconciliation};
use crate::{faults, fsutil, store};
use rusqlite::Connection;
use secrecy::SecretString;
use serde_json::json;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

#[cfg(test)]
mod format1_tests;
mod opening;
mod panic;
mod rollback;
mod rotation;

pub use panic::{panic_wipe, PanicReport};
pub use rollback::MIN_ROLLBACK_REASON_CHARS;
pub use rotation::{NewRecoveryKey, PassphraseChanged};

pub const KEYSLOTS_FILE: &str = "keyslots.json";
pub const DATABASE_FILE: &str = "vault.db";

/// Errors about the vault as a whole and the files it is given.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    #[error(
        "{0} is not a Custodia vault (it has no keyslots.json); check the path, or create a vault with `custodia init`"
    )]
    NotAVault(PathBuf),
    #[error("{0} already exists and is not empty; choose a new folder for the vault")]
    AlreadyExists(PathBuf),
    #[error("another Custodia window or command is using this vault; close it and try again")]
    Busy,
    #[error("vault.db belongs to another vault than keyslots.json, so this folder was put together from two vaults; nothing was changed. Keep the folder as it is and have it examined: do not put older files back, which would lose evidence")]
    MismatchedFiles,
    #[error("no item with id {0}; `custodia list` shows the ids")]
    ItemNotFound(String),
    #[error("{0} already exists; Custodia never overwrites a file: choose another name")]
    OutputExists(PathBuf),
    #[error("{0} is inside the vault folder, where a decrypted copy must never be written; choose a folder outside the vault")]
    OutputInsideVault(PathBuf),
    #[error("{0} does not exist; check the path")]
    SourceNotFound(PathBuf),
    #[error("{0} is a folder; add the files inside it instead")]
    SourceIsDirectory(PathBuf),
    #[error("{0} is not a regular file (a device, pipe or socket) and cannot be added")]
    SourceNotAFile(PathBuf),
    #[error("{path} cannot be read ({source}); check its permissions")]
    SourceUnreadable { path: PathBuf, source: std::io::Error },
    #[error("the {field} is too long: at most {max} characters")]
    TextTooLong { field: &'static str, max: usize },
    #[error("the {field} contains control characters, which are not allowed")]
    TextHasControlChars { field: &'static str },
    #[error("the stored copy of {item} does not match its recorded SHA-256 (expected {expected}, found {actual}); nothing was written. Run `custodia verify`")]
    ContentMismatch { item: String, expected: String, actual: String },
    #[error("{item} is larger than {max_bytes} bytes and cannot be previewed; save a copy instead")]
    TooLargeToPreview { item: String, max_bytes: u64 },
    #[error("could not {op} {path}: {source}")]
    Io { op: &'static str, path: PathBuf, source: std::io::Error },
    #[error("{}", rollback::describe(.0))]
    RolledBack(Box<checkpoint::Rollback>),
    #[error("say in a few words why you go on with an older copy of the vault (at least {MIN_ROLLBACK_REASON_CHARS} characters, no control characters): the custody log keeps the reason")]
    RollbackReasonNeeded,
    #[error("the vault is closed and its checkpoint signed, but this computer's copy of the checkpoint could not be written to {path} ({source}); the next open cannot check for an older copy until a close writes it")]
    LocalCopyNotWritten { path: PathBuf, source: std::io::Error },
}

/// The vault folder as `open` and `create` hold it: its lock, and the listing of its content folders
/// (started during the key derivation) that the reconcile uses.
struct Taken {
    lock: File,
    listing: reconcile::PendingListing,
}

/// How an open was asked for: the secret it unlocked with (none at creation), and the user's reason to
/// go on with a folder older than this computer last saw, if given.
#[derive(Default)]
struct Opening<'a> {
    unlock: Option<&'a Unlock>,
    accept_rollback: Option<&'a str>,
}

pub(crate) fn io_error<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> VaultError + 'a {
    move |source| VaultError::Io { op, path: path.to_path_buf(), source }
}

/// Refuses over-long text and control characters (other than line breaks and tabs) in user-supplied fields:
/// records' fields and the do-no-harm gate's justifications.
pub(crate) fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), VaultError> {
    if text.chars().count() > max {
        return Err(VaultError::TextTooLong { field, max });
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')) {
        return Err(VaultError::TextHasControlChars { field });
    }
    Ok(())
}

/// An open, unlocked vault. Holds the only connection to its database and an exclusive lock on its folder.
pub struct Vault {
    pub(crate) root: PathBuf,
    pub(crate) conn: Connection,
    pub(crate) blobs: BlobStore,
    pub(crate) session: Session,
    pub(crate) slots: KeySlots,
    pub(crate) master: MasterKey,
    opened_with: String,
    opened_kind: SlotKind,
    /// The passphrase's key-encryption key from the unlock (or its last check), to wrap a new master key
    /// for the same passphrase when the recovery key is replaced.
    passphrase_kek: Option<PassphraseKek>,
    /// How an interrupted key rotation found at the open was settled (`finished`, `rolled_back`).
    resumed_rotation: Option<&'static str>,
    reconciliation: Reconciliation,
    /// What the open found in this computer's copy of the newest checkpoint, when worth saying.
    local_notice: Option<checkpoint::LocalNotice>,
    _lock: File,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("root", &self.root).field("vault_id", &self.vault_id()).finish_non_exhaustive()
    }
}

/// Takes the vault's exclusive lock without writing anything, so a failed unlock changes no file.
fn lock(root: &Path) -> Result<File> {
    #[cfg(unix)]
    let handle = File::open(root).map_err(io_error("open", root))?;
    #[cfg(not(unix))]
    let handle =
        fs::OpenOptions::new().create(true).write(true).open(root.join(".lock")).map_err(io_error("open", root))?;
    match handle.try_lock() {
        Ok(()) => Ok(handle),
        Err(std::fs::TryLockError::WouldBlock) => Err(VaultError::Busy.into()),
        Err(std::fs::TryLockError::Error(e)) => Err(VaultError::Io { op: "lock", path: root.into(), source: e }.into()),
    }
}

/// Leaves the vault's own files and folders to their owner alone (0600 / 0700), whatever the umask was
/// or an older version left. Runs after the unlock, so a failed unlock still changes nothing.
fn make_private(root: &Path) -> Result<()> {
    let files = [KEYSLOTS_FILE, DATABASE_FILE, "vault.db-wal", "vault.db-shm"].map(|f| (f, false));
    let folders = ["blobs", "tmp", reconcile::QUARANTINE_DIR].map(|f| (f, true));
    for (name, folder) in files.into_iter().chain(folders) {
        let path = root.join(name);
        if fs::symlink_metadata(&path).is_ok() {
            fsutil::make_private(&path, folder).map_err(io_error("protect", &path))?;
        }
    }
    Ok(())
}

pub(crate) fn meta(conn: &Connection, key: &str) -> Result<String> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))?)
}

impl Vault {
    /// Creates a vault in `root` (a new or empty folder), protected by `passphrase`, which must be strong
    /// unless `policy` allows a weak one (recorded in the log).
    pub fn create(
        root: &Path,
        passphrase: &SecretString,
        policy: StrengthPolicy,
        kdf: KdfParams,
        session: Session,
    ) -> Result<Vault> {
        let empty = match fs::read_dir(root) {
            Ok(mut entries) => entries.next().is_none(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(VaultError::Io { op: "read", path: root.into(), source: e }.into()),
        };
        if !empty || root.is_file() {
            return Err(VaultError::AlreadyExists(root.into()).into());
        }
        // A weak passphrase is refused before any folder or key exists.
        let verdict = policy.check(passphrase, crate::keys::MIN_PASSPHRASE_CHARS)?;
        let vault_id = crate::keys::random_hex(16)?;
        let master = MasterKey::generate()?;
        let mut slots = KeySlots::new(&vault_id);
        // Derive the slot first: a too-short passphrase or bad KDF settings fail before anything is written.
        let (slot_id, kek) = slots.add_passphrase(&master, passphrase, kdf)?;
        fsutil::create_private_dir(root).map_err(io_error("create", root))?;
        for dir in [root.join("tmp"), root.join("blobs")] {
            fsutil::create_dir_durable(&dir).map_err(io_error("create", &dir))?;
        }
        let lock = lock(root)?;
        let listing = reconcile::PendingListing::Ready(Box::new(reconcile::Listing::read(root)));
        let database = root.join(DATABASE_FILE);
        fsutil::create_private_file(&database).map_err(io_error("create", &database))?;
        let mut conn = store::open(&root.join(DATABASE_FILE), &master.derive(Purpose::Database, &vault_id), true)?;
        let identity = age::x25519::Identity::generate();
        let signing_key = {
            let mut seed = zeroize::Zeroizing::new([0u8; 32]);
            crate::keys::random_fill(seed.as_mut())?;
            zeroize::Zeroizing::new(hex::encode(seed.as_ref()))
        };
        let tx = conn.transaction()?;
        {
            use secrecy::ExposeSecret;
            let mut put = tx.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)")?;
            put.execute(["vault_id", &vault_id])?;
            put.execute(["blob_identity", identity.to_string().expose_secret()])?;
            put.execute(["signing_key", signing_key.as_str()])?;
        }
        let mut created = json!({ "format": 1 });
        verdict.mark(&mut created);
        custody::append(&tx, &session, Action::VaultCreated, Some(&vault_id), created)?;
        let mut slot = json!({ "kind": "passphrase", "kdf": kdf });
        verdict.mark(&mut slot);
        custody::append(&tx, &session, Action::KeySlotAdded, Some(&slot_id), slot)?;
        tx.commit()?;
        // keyslots.json is written last: its presence marks a complete vault.
        slots.save(&root.join(KEYSLOTS_FILE))?;
        let opened = opening::Opened {
            slots,
            master,
            slot: slot_id,
            kind: SlotKind::Passphrase,
            kek: Some(kek),
            at_next: false,
        };
        Self::assemble(root, conn, opened, Taken { lock, listing }, session, Opening::default())
    }

    /// Opens the vault in `root`. A wrong secret returns an error and leaves every file untouched.
    /// When the session keeps checkpoints on this computer and the folder holds an older state than the
    /// last close here, the open is refused (`VaultError::RolledBack`) and nothing is changed.
    pub fn open(root: &Path, unlock: &Unlock, session: Session) -> Result<Vault> {
        Self::open_checked(root, unlock, session, None)
    }

    /// `open`, going on with a folder that holds an older state than this computer last saw: `reason`
    /// (the user's words) goes into the custody log with both checkpoints. Without such a rollback it is
    /// an ordinary open.
    pub fn open_accepting_rollback(root: &Path, unlock: &Unlock, session: Session, reason: &str) -> Result<Vault> {
        let reason = rollback::check_reason(reason)?;
        Self::open_checked(root, unlock, session, Some(reason))
    }

    fn open_checked(root: &Path, unlock: &Unlock, session: Session, accept_rollback: Option<&str>) -> Result<Vault> {
        let lock = Self::lock_folder(root)?;
        // Reconcile's listing of the content folders reads only names and writes nothing, so it runs on
        // another core during the key derivation; the sweep that uses it still runs before `open` returns.
        let listing = reconcile::PendingListing::start(root);
        let (conn, opened) = opening::unlock(root, unlock)?;
        let how = Opening { unlock: Some(unlock), accept_rollback };
        Self::assemble(root, conn, opened, Taken { lock, listing }, session, how)
    }

    /// Checks that `root` is a vault and takes its lock, writing nothing.
    fn lock_folder(root: &Path) -> Result<File> {
        if !root.is_dir() || !root.join(KEYSLOTS_FILE).exists() && !root.join(DATABASE_FILE).exists() {
            return Err(VaultError::NotAVault(root.into()).into());
        }
        lock(root)
    }

    fn assemble(
        root: &Path,
        conn: Connection,
        opened: opening::Opened,
        taken: Taken,
        session: Session,
        how: Opening<'_>,
    ) -> Result<Vault> {
        if meta(&conn, "vault_id")? != opened.slots.vault_id() {
            return Err(VaultError::MismatchedFiles.into());
        }
        // The blob key's text is wiped once parsed; the parsed key wipes itself when the vault goes.
        let identity_text = zeroize::Zeroizing::new(meta(&conn, "blob_identity")?);
        let identity: age::x25519::Identity = identity_text.parse().map_err(|_| VaultError::MismatchedFiles)?;
        drop(identity_text);
        let names = opening::blob_name_key(&conn, &opened.master, opened.slots.vault_id())?;
        let blobs = BlobStore::new(root, names, identity);
        let opening::Opened { slots, master, slot, kind, kek, at_next } = opened;
        let mut vault = Vault {
            root: root.to_path_buf(),
            conn,
            blobs,
            session,
            slots,
            master,
            opened_with: slot,
            opened_kind: kind,
            passphrase_kek: kek,
            resumed_rotation: None,
            reconciliation: Reconciliation::default(),
            local_notice: None,
            _lock: taken.lock,
        };
        // Before anything is written (the reconcile would move an older copy's unknown files away).
        let accepted = vault.check_local_copy(how.accept_rollback)?;
        vault.settle_rotation(at_next)?;
        if let Some(Unlock::Recovery(key)) = how.unlock {
            vault.upgrade_recovery_slot(key)?;
        }
        let mut reconciliation = reconcile::run(root, &vault.conn, taken.listing)?;
        reconcile::settle_exports(&mut vault.conn, &vault.session, &mut reconciliation)?;
        vault.reconciliation = reconciliation;
        make_private(root)?;
        vault.record_open(accepted)?;
        Ok(vault)
    }

    fn record_open(&mut self, accepted: Option<rollback::Accepted>) -> Result<()> {
        let tx = self.conn.transaction()?;
        if let Some(accepted) = &accepted {
            rollback::record(&tx, &self.session, self.slots.vault_id(), accepted)?;
        }
        let found = &self.reconciliation;
        if !found.is_clean() {
            custody::append(&tx, &self.session, Action::VaultReconciled, None, found.to_details())?;
        }
        let kind = match self.opened_kind {
            SlotKind::Recovery => "recovery",
            SlotKind::Passphrase => "passphrase",
        };
        custody::append(
            &tx,
            &self.session,
            Action::VaultOpened,
            None,
            json!({ "key_slot": self.opened_with, "kind": kind }),
        )?;
        faults::commit(tx, "open.commit")?;
        if accepted.is_some() {
            // The older copy is now the one this computer knows: a crash before the close must not
            // raise the same alarm again.
            self.write_local_copy(&self.current_note()?)?;
        }
        Ok(())
    }

    /// Opens the decrypted database for forensic inspection with SQL, without the vault's own checks or
    /// events. For examiners and tests; the vault's files are otherwise left as they are.
    pub fn open_raw_database(root: &Path, unlock: &Unlock) -> Result<Connection> {
        let _lock = Self::lock_folder(root)?;
        Ok(opening::unlock(root, unlock)?.0)
    }

    /// Records the close, signs a checkpoint of the log including it, and folds the write-ahead log back
    /// into the database file.
    pub fn close(self) -> Result<()> {
        self.close_signed().map(|_| ())
    }

    /// `close`, returning the checkpoint it signed (what `custodia checkpoint` prints).
    pub fn close_signed(mut self) -> Result<checkpoint::StoredCheckpoint> {
        self.close_in_place()
    }

    /// The work of `close`, leaving the connection open for a last read of the log just signed.
    pub(crate) fn close_in_place(&mut self) -> Result<checkpoint::StoredCheckpoint> {
        let tx = self.conn.transaction()?;
        custody::append(&tx, &self.session, Action::VaultClosed, None, json!({}))?;
        let signed = checkpoint::make(&tx, self.slots.vault_id(), checkpoint::CheckpointReason::Close)?;
        faults::commit(tx, "close.commit")?;
        faults::hit("close.wal_checkpoint").map_err(io_error("fold the write-ahead log of", &self.root))?;
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        // After the fold: the copy never names a state that only the write-ahead log holds.
        self.write_local_copy(&signed.note)?;
        Ok(signed)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn vault_id(&self) -> &str {
        self.slots.vault_id()
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// What the open found in this computer's copy of the newest checkpoint, when worth saying: none
    /// here yet (a vault new to this computer), a copy that could not be used, or a rollback accepted.
    pub fn local_notice(&self) -> Option<&checkpoint::LocalNotice> {
        self.local_notice.as_ref()
    }

    /// What the open-time reconcile found and moved to quarantine.
    pub fn reconciliation(&self) -> &Reconciliation {
        &self.reconciliation
    }

    pub fn key_slots(&self) -> Vec<SlotInfo> {
        self.slots.list()
    }

    /// Checks a passphrase against the vault's slots without changing anything (before a sensitive
    /// change). A right one is remembered as its key-encryption key, so that replacing the recovery key
    /// can keep this passphrase working with the new master key.
    pub fn check_passphrase(&mut self, passphrase: &SecretString) -> Result<()> {
        let unwrapped = self.slots.unwrap_passphrase(passphrase)?;
        if !self.slots.is_next(&unwrapped.slot) {
            self.passphrase_kek = unwrapped.kek;
        }
        Ok(())
    }

    /// Custody events matching `query`, newest first.
    pub fn events(&self, query: &custody::EventQuery) -> Result<Vec<custody::Event>> {
        Ok(custody::query(&self.conn, query)?)
    }

    /// The distinct actors and actions in the log.
    pub fn event_facets(&self) -> Result<(Vec<String>, Vec<String>)> {
        Ok(custody::facets(&self.conn)?)
    }

    /// Every custody event in order, streamed to `f`.
    pub fn for_each_event(
        &self,
        f: impl FnMut(custody::Event) -> std::result::Result<(), custody::CustodyError>,
    ) -> Result<()> {
        Ok(custody::for_each(&self.conn, f)?)
    }
}
