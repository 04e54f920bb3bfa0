//! The one door to remote storage: Apache OpenDAL's blocking API on a small tokio runtime this value
//! owns, for a folder, WebDAV, S3-compatible stores and SFTP. Everything read from a remote is hostile:
//! sizes are checked before and while reading, and nothing is read past the bound the caller gives. Each
//! call is retried a few times with a bounded, growing pause when the error is a passing one.
//!
//! SFTP goes through the system's OpenSSH client (`ssh`, which OpenDAL drives through the `openssh`
//! crate), so the user's ssh configuration, agent and keys apply. The server's host key is always
//! checked strictly (`StrictHostKeyChecking=yes`, never `accept-new` or `no`): against the user's
//! `~/.ssh/known_hosts`, or against the file the credentials name as `known_hosts`. An object is written
//! under a temporary name and renamed into place (OpenSSH's atomic `posix-rename`), so a name on the
//! server never holds half an object, however the connection ends.

use super::credentials::Credentials;
use super::url::RemoteUrl;
use super::RemoteError;
use opendal::blocking;
use opendal::layers::TimeoutLayer;
use opendal::{ErrorKind, HttpTransporter, OperationContext, Operator};
use opendal_http_transport_reqwest::ReqwestTransport;
use std::io::{Read, Write};
use std::time::Duration;

/// How often a call that failed with a passing error is tried in all.
const ATTEMPTS: u32 = 4;
/// The first pause between attempts; each next one doubles.
const FIRST_PAUSE: Duration = Duration::from_millis(250);
/// A whole call without I/O progress for this long is given up.
const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// Bytes sent per write of a streamed upload.
const CHUNK: usize = 1 << 20;

/// A connected remote.
pub(crate) struct Storage {
    op: blocking::Operator,
    /// Writes go to `<path>.partial` first and are renamed into place (SFTP, whose writes land in place).
    rename_into_place: bool,
    // Dropped after the operator, whose handle points into it.
    _runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage").finish_non_exhaustive()
    }
}

/// The longest description of a storage error passed on (a server's reply may be long).
const MAX_ERROR_CHARS: usize = 400;

/// A storage error in the user's terms: a refusal (HTTP 401 or 403, or the storage's own permission
/// error) is the credentials; a full storage (HTTP 507, a quota, a disk with no space left) is said as
/// such, since the user's remedy is another; anything else is the storage not being reached or not
/// answering as one.
fn storage_error(e: opendal::Error) -> RemoteError {
    let text: String = e.to_string().chars().take(MAX_ERROR_CHARS).collect();
    let status = text.split("status: ").nth(1).and_then(|rest| rest.get(..3)).and_then(|s| s.parse::<u16>().ok());
    match (e.kind(), status) {
        (ErrorKind::PermissionDenied, _) | (_, Some(401 | 403)) => {
            RemoteError::Refused(status.map_or_else(|| e.kind().to_string(), |s| format!("HTTP status {s}")))
        }
        (_, Some(507)) => RemoteError::Full(text),
        _ if says_full(&text) => RemoteError::Full(text),
        _ => match ssh_error(&e) {
            Some(named) => named,
            None => RemoteError::Unreachable(text),
        },
    }
}

/// Whether a storage's own words say it is full: a local or SFTP disk (`ENOSPC`, as the system words it),
/// an S3 or WebDAV quota.
fn says_full(text: &str) -> bool {
    const FULL: [&str; 5] =
        ["no space left on device", "insufficient storage", "quotaexceeded", "quota exceeded", "disk quota"];
    let text = text.to_lowercase();
    FULL.iter().any(|words| text.contains(words))
}

/// What the OpenSSH client said, when an SFTP call failed because of it, in the user's terms: the program
/// missing, the server's host key not trusted, the key refused.
fn ssh_error(e: &opendal::Error) -> Option<RemoteError> {
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        if let Some(ssh) = inner.downcast_ref::<openssh::Error>() {
            return Some(match ssh {
                // Spawning `ssh` failed: the program is not there (or not runnable).
                openssh::Error::Connect(io)
                    if io.raw_os_error().is_some() && io.kind() == std::io::ErrorKind::NotFound =>
                {
                    RemoteError::SshMissing
                }
                openssh::Error::Connect(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
                    RemoteError::Refused(clipped(&io.to_string()))
                }
                openssh::Error::Connect(io) if io.to_string().contains("Host key verification failed") => {
                    RemoteError::HostKeyNotTrusted(host_key_detail(&io.to_string()))
                }
                other => {
                    let detail = std::error::Error::source(other).map(|s| format!(": {s}")).unwrap_or_default();
                    RemoteError::Unreachable(clipped(&format!("{other}{detail}")))
                }
            });
        }
        source = inner.source();
    }
    None
}

/// What ssh said of a host key it did not trust, shortened: its warning about a changed key is a
/// screenful, of which the user needs the fact and the fingerprint the server showed.
fn host_key_detail(text: &str) -> String {
    if !text.contains("HAS CHANGED") {
        return clipped(text);
    }
    let shown = text.split_whitespace().find(|w| w.starts_with("SHA256:"));
    let shown = shown.map(|f| format!("; the server showed {}", f.trim_end_matches('.'))).unwrap_or_default();
    format!(
        "the key the server showed is not the one trusted for it: it was changed, or someone is in the middle{shown}"
    )
}

/// One line of at most `MAX_ERROR_CHARS` characters from what ssh wrote (it may span lines).
fn clipped(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(MAX_ERROR_CHARS).collect()
}

impl Storage {
    /// Builds the operator for `url` with `credentials`. Nothing is sent yet.
    pub(crate) fn connect(url: &RemoteUrl, credentials: &Credentials) -> Result<Storage, RemoteError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("custodia-remote")
            .build()
            .map_err(|e| RemoteError::Unreachable(e.to_string()))?;
        let op = match url {
            RemoteUrl::Folder { path } => {
                let builder = opendal::services::Fs::default().root(path).atomic_write_dir(&format!("{path}/.partial"));
                Operator::new(builder).map_err(storage_error)?
            }
            RemoteUrl::WebDav { tls, host, port, path } => {
                let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                let endpoint = format!("{}://{host}{port}", if *tls { "https" } else { "http" });
                let mut builder = opendal::services::Webdav::default().endpoint(&endpoint).root(path);
                if let Some(user) = credentials.get("user") {
                    builder = builder.username(user);
                }
                if let Some(password) = credentials.get("password") {
                    builder = builder.password(password);
                }
                if let Some(token) = credentials.get("token") {
                    builder = builder.token(token);
                }
                Operator::new(builder).map_err(storage_error)?
            }
            RemoteUrl::S3 { bucket, prefix, endpoint, region } => {
                // No configuration from the environment or files, and no instance metadata service: the
                // only address contacted is the endpoint the user wrote.
                let mut builder = opendal::services::S3::default()
                    .bucket(bucket)
                    .root(&format!("/{prefix}"))
                    .endpoint(endpoint)
                    .region(region)
                    .disable_config_load()
                    .disable_ec2_metadata();
                match (credentials.get("access_key_id"), credentials.get("secret_access_key")) {
                    (Some(id), Some(secret)) => builder = builder.access_key_id(id).secret_access_key(secret),
                    _ => builder = builder.skip_signature(),
                }
                if let Some(token) = credentials.get("session_token") {
                    builder = builder.session_token(token);
                }
                Operator::new(builder).map_err(storage_error)?
            }
            RemoteUrl::Sftp { user, host, port, path } => {
                // Strict host key checking is OpenDAL's default; it is set here all the same so that no
                // change of default could ever make a server's key accepted unseen.
                let port = port.unwrap_or(22);
                let mut builder = opendal::services::Sftp::default()
                    .endpoint(&format!("ssh://{host}:{port}"))
                    .user(user)
                    .root(path)
                    .known_hosts_strategy("strict");
                if let Some(key) = credentials.get("key_file") {
                    builder = builder.key(key);
                }
                if let Some(file) = credentials.get("known_hosts") {
                    builder = builder.known_hosts_file(file);
                }
                Operator::new(builder).map_err(storage_error)?
            }
        };
        let rename_into_place = matches!(url, RemoteUrl::Sftp { .. });
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| RemoteError::Unreachable(e.to_string()))?;
        let context = OperationContext::new().with_http_transport(HttpTransporter::new(ReqwestTransport::new(client)));
        let op =
            op.with_context(context).layer(TimeoutLayer::new().with_timeout(IO_TIMEOUT).with_io_timeout(IO_TIMEOUT));
        let op = {
            let _entered = runtime.enter();
            blocking::Operator::new(op).map_err(storage_error)?
        };
        Ok(Storage { op, rename_into_place, _runtime: runtime })
    }

    /// Runs `call`, again after a pause when it fails with a passing error, at most `ATTEMPTS` times.
    fn retrying<T>(&self, mut call: impl FnMut() -> opendal::Result<T>) -> Result<T, RemoteError> {
        let mut pause = FIRST_PAUSE;
        let mut attempt = 1;
        loop {
            match call() {
                Ok(value) => return Ok(value),
                Err(e) if e.is_temporary() && attempt < ATTEMPTS => {
                    std::thread::sleep(pause);
                    pause *= 2;
                    attempt += 1;
                }
                Err(e) => return Err(storage_error(e)),
            }
        }
    }

    /// The size of the object at `path`, `None` when there is none.
    pub(crate) fn size_of(&self, path: &str) -> Result<Option<u64>, RemoteError> {
        let found = self.retrying(|| match self.op.stat(path) {
            Ok(meta) => Ok(Some(meta.content_length())),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        })?;
        Ok(found)
    }

    /// Writes `bytes` to `path` in one call.
    pub(crate) fn put(&self, path: &str, bytes: &[u8]) -> Result<(), RemoteError> {
        let buffer = opendal::Buffer::from(bytes.to_vec());
        let target = self.write_name(path);
        self.retrying(|| self.op.write(&target, buffer.clone()).map(|_| ()))?;
        self.rename_into_place_of(&target, path)
    }

    /// The name an object is written under before it is whole.
    fn write_name(&self, path: &str) -> String {
        if self.rename_into_place {
            format!("{path}.partial")
        } else {
            path.to_string()
        }
    }

    /// Renames a whole object written under `written` to `path` (nothing to do where writes are whole).
    fn rename_into_place_of(&self, written: &str, path: &str) -> Result<(), RemoteError> {
        if written == path {
            return Ok(());
        }
        self.retrying(|| self.op.rename(written, path))
    }

    /// Sends the local file `source` to `path`; a failure part way is retried from the start. Streamed in
    /// chunks where the storage takes several writes per object (a folder, S3 multipart uploads); WebDAV
    /// takes one PUT per object, so there the file is read whole and sent in one write (memory of its size).
    pub(crate) fn put_file(&self, path: &str, source: &std::path::Path) -> Result<(), RemoteError> {
        let local = |e: std::io::Error| RemoteError::Local { path: source.to_path_buf(), source: e };
        if !self.op.info().capability().write_can_multi {
            let bytes = std::fs::read(source).map_err(local)?;
            return self.put(path, &bytes);
        }
        let target = self.write_name(path);
        self.retrying(|| {
            let mut file = match std::fs::File::open(source) {
                Ok(file) => file,
                Err(e) => return Ok(Err(e)),
            };
            let mut writer = self.op.writer_options(
                &target,
                opendal::options::WriteOptions { chunk: Some(CHUNK * 8), ..Default::default() },
            )?;
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = match file.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) => return Ok(Err(e)),
                };
                writer.write(buf[..n].to_vec())?;
            }
            writer.close()?;
            Ok(Ok(()))
        })?
        .map_err(local)?;
        self.rename_into_place_of(&target, path)
    }

    /// Reads the whole object at `path`, refused when it is (or turns out) larger than `max` bytes;
    /// `None` when there is no such object.
    pub(crate) fn get_bounded(&self, path: &str, max: u64) -> Result<Option<Vec<u8>>, RemoteError> {
        let Some(size) = self.size_of(path)? else { return Ok(None) };
        if size > max {
            return Err(RemoteError::TooLarge { path: path.to_string(), max });
        }
        let mut out = Vec::with_capacity(size as usize);
        self.copy_to(path, size, &mut out)?;
        Ok(Some(out))
    }

    /// Streams the object at `path`, whose listed size is `size`, into `sink`; more or fewer bytes than
    /// `size` is an error (the reader is bounded to `size` + 1, so a growing object cannot flood).
    pub(crate) fn copy_to(&self, path: &str, size: u64, sink: &mut impl Write) -> Result<u64, RemoteError> {
        let reader = self.retrying(|| self.op.reader(path))?;
        let std_reader = reader.into_std_read(0..size).map_err(storage_error)?;
        let mut bounded = std_reader.take(size + 1);
        let copied = std::io::copy(&mut bounded, sink).map_err(|e| RemoteError::Unreachable(e.to_string()))?;
        if copied != size {
            return Err(RemoteError::SizeChanged { path: path.to_string(), expected: size, found: copied });
        }
        Ok(copied)
    }

    /// Removes the object at `path` (older database snapshots only: a push never removes stored copies).
    pub(crate) fn delete(&self, path: &str) -> Result<(), RemoteError> {
        self.retrying(|| self.op.delete(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(kind: ErrorKind, text: &str) -> RemoteError {
        storage_error(opendal::Error::new(kind, text))
    }

    #[test]
    fn a_full_storage_is_named_apart_from_refusals_and_silences() {
        let full = [
            named(ErrorKind::Unexpected, "write failed, status: 507 Insufficient Storage"),
            named(ErrorKind::Unexpected, "io error: No space left on device (os error 28)"),
            named(ErrorKind::Unexpected, "<Code>QuotaExceeded</Code>"),
        ];
        for error in full {
            assert!(matches!(error, RemoteError::Full(_)), "{error:?}");
        }
        assert!(matches!(named(ErrorKind::Unexpected, "status: 403 Forbidden"), RemoteError::Refused(_)));
        assert!(matches!(named(ErrorKind::Unexpected, "connection refused"), RemoteError::Unreachable(_)));
    }
}
