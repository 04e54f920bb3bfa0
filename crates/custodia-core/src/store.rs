//! The encrypted database: opening `vault.db` with SQLCipher under a raw key, the connection settings the
//! vault relies on, and versioned migrations.

use rusqlite::{Connection, OpenFlags};
use secrecy::{ExposeSecret, SecretBox};
use std::path::Path;
use std::time::Duration;
use zeroize::Zeroizing;

/// Errors opening or migrating the database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("this build of Custodia has no SQLCipher, so it cannot encrypt the database; install an official build")]
    NotSqlCipher,
    #[error("the vault database (vault.db) cannot be read with the key that this passphrase or recovery key unlocked: it was damaged or replaced by another vault's, or keyslots.json is older than it (after a passphrase change or a new recovery key, an older keyslots.json opens nothing); nothing was changed. Keep the folder as it is and have it examined: do not put an older copy back, which would lose evidence")]
    Unreadable(#[source] rusqlite::Error),
    #[error("the vault was written by a newer version of Custodia (schema {found}, this version knows {known}); update Custodia")]
    NewerSchema { found: i64, known: i64 },
    #[error("the disk is full: the vault could not write, and nothing of this action was saved; free some space, then try again")]
    DiskFull(#[source] rusqlite::Error),
    #[error("the disk could not read or write the vault ({0}); nothing of this action was saved. Check the disk or the drive's connection, then try again")]
    DiskError(#[source] rusqlite::Error),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl StoreError {
    /// Classifies a database error: a page that fails authentication or parsing is damage, not a bug.
    pub(crate) fn from_sqlite(e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode::{CannotOpen, DatabaseCorrupt, DiskFull, NotADatabase, SystemIoFailure};
        match e.sqlite_error_code() {
            Some(DatabaseCorrupt | NotADatabase) => StoreError::Unreadable(e),
            Some(DiskFull) => StoreError::DiskFull(e),
            Some(SystemIoFailure | CannotOpen) => StoreError::DiskError(e),
            _ => StoreError::Sqlite(e),
        }
    }
}

/// 8 KiB pages: measured to halve insert cost against SQLCipher's 4 KiB default.
const CIPHER_PAGE_SIZE: u32 = 8192;

/// Each entry upgrades the schema by one version; entries are never edited once released.
const MIGRATIONS: &[&str] = &[
    include_str!("store/v1.sql"),
    include_str!("store/v2.sql"),
    include_str!("store/v3.sql"),
    include_str!("store/v4.sql"),
    include_str!("store/v5.sql"),
    include_str!("store/v6.sql"),
    include_str!("store/v7.sql"),
    include_str!("store/v8.sql"),
    include_str!("store/v9.sql"),
    include_str!("store/v10.sql"),
];

/// Opens (or, with `create`, creates) the database at `path` with the raw 256-bit `key`.
pub(crate) fn open(path: &Path, key: &SecretBox<[u8; 32]>, create: bool) -> Result<Connection, StoreError> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(StoreError::from_sqlite)?;
    let cipher_version: Option<String> = conn.query_row("PRAGMA cipher_version", [], |row| row.get(0)).unwrap_or(None);
    if cipher_version.is_none_or(|v| v.is_empty()) {
        return Err(StoreError::NotSqlCipher);
    }
    // Before any key is used: SQLCipher then wipes every block it frees (decrypted pages, names read from
    // the person table, the key statement's own copy) for the whole process, so "Lock now" leaves none of
    // it in freed heap. It cannot be turned off again, and every connection after the first keeps it.
    conn.execute_batch("PRAGMA cipher_memory_security = ON;").map_err(StoreError::from_sqlite)?;
    conn.execute_batch(&key_pragma(key.expose_secret())).map_err(|e| StoreError::from_sqlite(without_sql(e)))?;
    // SQLCipher logs authentication failures to stderr itself; the vault reports them in its own words.
    // Set after the key: SQLCipher's first activation (at the key) raises an unset level to WARN.
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
    conn.execute_batch(&format!("PRAGMA cipher_page_size = {CIPHER_PAGE_SIZE};")).map_err(StoreError::from_sqlite)?;
    // One connection per vault (the folder lock sees to it), so SQLite may keep the write-ahead log's
    // index in heap memory instead of a memory-mapped `-shm` file. Set before the first read, as SQLite
    // requires; a mapped file on a full ext4 disk kills the process with SIGBUS instead of an error.
    conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE;").map_err(StoreError::from_sqlite)?;
    // The first read is where a damaged file or a wrong key shows.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0))
        .map_err(StoreError::from_sqlite)?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(StoreError::from_sqlite)?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(StoreError::from_sqlite)?;
    migrate(&conn)?;
    Ok(conn)
}

/// Re-encrypts every page of the database under `key`, in one transaction. SQLCipher's rekey rewrites
/// the pages in place through the pager, which a write-ahead log cannot carry (SQLite3MultipleCiphers and
/// libSQL refuse or corrupt a rekey in WAL mode), so the log is folded back first and the database is in
/// rollback-journal mode for the rekey: a crash during it leaves a hot journal whose pages SQLCipher
/// wrote under the old key, and the next open with the old key rolls it back.
pub(crate) fn rekey(conn: &Connection, path: &Path, key: &SecretBox<[u8; 32]>) -> Result<(), StoreError> {
    ensure_room_for_rekey(path)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(StoreError::from_sqlite)?;
    conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(())).map_err(StoreError::from_sqlite)?;
    let rekeyed = conn
        .execute_batch(&key_statement("rekey", key.expose_secret()))
        .map_err(|e| StoreError::from_sqlite(without_sql(e)));
    // Back to the write-ahead log even when the rekey failed (the database is then under the old key).
    let wal = conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())).map_err(StoreError::from_sqlite);
    rekeyed.and(wal)
}

/// The rekey's journal holds every page of the database: without that much room it would fail half way
/// (SQLCipher then reports a page it could not write), so it is refused as a full disk before it starts.
fn ensure_room_for_rekey(path: &Path) -> Result<(), StoreError> {
    const MARGIN: u64 = 1 << 20;
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let wal = path.with_extension("db-wal");
    let need = size(path).saturating_add(size(&wal)).saturating_add(MARGIN);
    let dir = path.parent().unwrap_or(Path::new("."));
    let free = crate::fsutil::free_bytes(dir).unwrap_or(u64::MAX);
    if free < need {
        let full = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL);
        return Err(StoreError::DiskFull(rusqlite::Error::SqliteFailure(full, Some("no room to rekey".into()))));
    }
    Ok(())
}

/// `PRAGMA key = "x'<hex>'";` built in one buffer of its final size and wiped on drop: `hex::encode` and
/// `format!` would leave the key in intermediate strings freed unwiped. rusqlite hands the text to SQLite
/// without copying it, and SQLite's own copy is wiped by memory security when the statement is finalised.
fn key_pragma(key: &[u8; 32]) -> Zeroizing<String> {
    key_statement("key", key)
}

/// `PRAGMA <pragma> = "x'<hex>'";` for `key` and `rekey`, built as `key_pragma` says.
fn key_statement(pragma: &str, key: &[u8; 32]) -> Zeroizing<String> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    const HEAD: &str = " = \"x'";
    const TAIL: &str = "'\";";
    let len = "PRAGMA ".len() + pragma.len() + HEAD.len() + 2 * key.len() + TAIL.len();
    let mut sql = Zeroizing::new(String::with_capacity(len));
    sql.push_str("PRAGMA ");
    sql.push_str(pragma);
    sql.push_str(HEAD);
    for byte in key {
        sql.push(char::from(HEX[usize::from(byte >> 4)]));
        sql.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    sql.push_str(TAIL);
    sql
}

/// A statement that SQLite refused carries its SQL text in rusqlite's error, and the key statement's
/// text is the key: it is dropped before the error goes anywhere it could be shown or logged.
fn without_sql(e: rusqlite::Error) -> rusqlite::Error {
    match e {
        rusqlite::Error::SqlInputError { error, .. } => rusqlite::Error::SqliteFailure(error, None),
        other => other,
    }
}

/// A consistent copy of the open database in `dest` (a new file), taken with SQLite's online backup: the
/// copy's pages are SQLCipher pages under the same key, so it is ciphertext like `vault.db` itself.
pub(crate) fn snapshot(conn: &Connection, dest: &Path, key: &SecretBox<[u8; 32]>) -> Result<(), StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut copy = Connection::open_with_flags(dest, flags).map_err(StoreError::from_sqlite)?;
    copy.execute_batch(&key_pragma(key.expose_secret())).map_err(|e| StoreError::from_sqlite(without_sql(e)))?;
    let _ = copy.execute_batch("PRAGMA cipher_log_level = NONE;");
    copy.execute_batch(&format!("PRAGMA cipher_page_size = {CIPHER_PAGE_SIZE};")).map_err(StoreError::from_sqlite)?;
    {
        let backup = rusqlite::backup::Backup::new(conn, &mut copy).map_err(StoreError::from_sqlite)?;
        backup.run_to_completion(1024, Duration::ZERO, None).map_err(StoreError::from_sqlite)?;
    }
    // The copy is read back as a check before it leaves: a page that fails SQLCipher's HMAC is refused.
    copy.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0))
        .map_err(StoreError::from_sqlite)?;
    copy.close().map_err(|(_, e)| StoreError::from_sqlite(e))
}

fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(StoreError::from_sqlite)?;
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        conn.execute_batch(&format!("BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"))
            .map_err(StoreError::from_sqlite)?;
    }
    Ok(())
}

/// Runs SQLCipher's page-by-page HMAC check. Returns one line per damaged page; empty when all pages hold.
pub(crate) fn integrity_problems(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let run = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
        rows.collect()
    };
    run().map_err(StoreError::from_sqlite)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether SQLCipher wipes the memory it frees in this process (see `open`).
    fn memory_security_on(conn: &Connection) -> bool {
        let value: String = conn.query_row("PRAGMA cipher_memory_security", [], |row| row.get(0)).expect("pragma");
        value == "1"
    }

    #[test]
    fn the_key_statement_is_the_key_in_lower_case_hex() {
        let mut key = [0u8; 32];
        key[0] = 0xab;
        key[31] = 0x0f;
        let sql = key_pragma(&key);
        let expected = format!("PRAGMA key = \"x'ab{}0f'\";", "00".repeat(30));
        assert_eq!(sql.as_str(), expected, "SQLCipher reads a raw key as x'<64 hex digits>'");
        assert_eq!(sql.capacity(), sql.len(), "the statement must be built without growing its buffer");
    }

    #[test]
    fn a_rekeyed_database_opens_with_the_new_key_only_and_keeps_its_rows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("vault.db");
        let (old, new) = (SecretBox::new(Box::new([1u8; 32])), SecretBox::new(Box::new([2u8; 32])));
        let conn = open(&path, &old, true).expect("create");
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (42);").expect("write");
        rekey(&conn, &path, &new).expect("rekey in a WAL database");
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
        assert_eq!(mode, "wal", "the write-ahead log is back after the rekey");
        conn.execute_batch("INSERT INTO t VALUES (43);").expect("write after the rekey");
        drop(conn);
        let err = open(&path, &old, false).expect_err("the old key no longer opens");
        assert!(matches!(err, StoreError::Unreadable(_)), "{err}");
        let conn = open(&path, &new, false).expect("the new key opens");
        let n: i64 = conn.query_row("SELECT sum(x) FROM t", [], |r| r.get(0)).expect("rows");
        assert_eq!(n, 85, "both rows survive the rekey");
    }

    #[test]
    fn an_open_database_wipes_what_sqlcipher_frees() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = SecretBox::new(Box::new([7u8; 32]));
        let conn = open(&dir.path().join("vault.db"), &key, true).expect("open a new database");
        assert!(
            memory_security_on(&conn),
            "PRAGMA cipher_memory_security must read back as on once a database is open"
        );
    }
}
