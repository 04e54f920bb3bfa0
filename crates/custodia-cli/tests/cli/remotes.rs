//! Off-site copies against real servers on 127.0.0.1, started and killed by each test: WebDAV from
//! Debian's `rclone serve webdav`, S3 from `s3s-fs`, SFTP from OpenSSH's `sshd` with throwaway host and
//! user keys (all installed by `scripts/install-deps.sh`). The same push, check and restore run against
//! each, then the faults: the server down, killed in the middle of a push (the next push sends only what
//! is missing), an object altered or removed (named; restore refuses), the signed pointer put back to an
//! older push (named), wrong credentials; for SFTP also a server whose host key is not the trusted one.
//! No byte the servers stored holds a marker written into the vault.

use super::common::{assert_success, json_lines, path_str, stderr, Env, XorShift};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const MARKER: &str = "MARKER-7c1e-survivor-testimony";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    WebDav,
    S3,
    Sftp,
}

/// A storage server on 127.0.0.1 over a folder of the test's; killed on drop.
struct Server {
    kind: Kind,
    data: PathBuf,
    port: u16,
    child: Option<Child>,
    /// SFTP: sshd's throwaway configuration, keys and log, and the user it lets in.
    ssh: Option<Ssh>,
}

/// A throwaway OpenSSH server set-up in its own folder: a host key, the user's key (authorised), another
/// key (not authorised), a known_hosts file holding the host key for 127.0.0.1 and the port, and one
/// holding another key for them.
struct Ssh {
    dir: tempfile::TempDir,
    user: String,
}

impl Ssh {
    fn new(port: u16) -> Ssh {
        let dir = tempfile::tempdir().expect("ssh folder");
        for key in ["host_key", "user_key", "other_key"] {
            let out = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", key, "-f"])
                .arg(dir.path().join(key))
                .output()
                .expect("ssh-keygen runs (openssh-client; run scripts/install-deps.sh)");
            assert!(out.status.success(), "ssh-keygen: {}", String::from_utf8_lossy(&out.stderr));
        }
        let public = |key: &str| {
            let text = std::fs::read_to_string(dir.path().join(format!("{key}.pub"))).expect("public key");
            text.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
        };
        std::fs::write(dir.path().join("authorized_keys"), format!("{}\n", public("user_key"))).expect("keys");
        std::fs::write(dir.path().join("known_hosts"), format!("[127.0.0.1]:{port} {}\n", public("host_key")))
            .expect("known_hosts");
        std::fs::write(dir.path().join("other_known_hosts"), format!("[127.0.0.1]:{port} {}\n", public("other_key")))
            .expect("known_hosts");
        let user = Command::new("id").arg("-un").output().expect("id");
        let user = String::from_utf8_lossy(&user.stdout).trim().to_string();
        let path = |name: &str| dir.path().join(name).display().to_string();
        // This server's own configuration only: nothing of the machine's sshd is read or changed.
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nPidFile {}\n\
             StrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
             PermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\n",
            path("host_key"),
            path("authorized_keys"),
            path("sshd.pid"),
        );
        std::fs::write(dir.path().join("sshd_config"), config).expect("sshd_config");
        // sshd's privilege-separation folder, which the openssh-server package's service would make at boot.
        if user == "root" && !Path::new("/run/sshd").exists() {
            std::fs::create_dir_all("/run/sshd").expect("/run/sshd");
        }
        Ssh { dir, user }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Every process descending from `pid` (read from /proc), children before their own children.
fn descendants(pid: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .expect("/proc")
        .flatten()
        .filter_map(|entry| {
            let child: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // After the command's name in parentheses: state, then the parent's id.
            let parent = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()?;
            Some((child, parent))
        })
        .collect();
    let mut out = Vec::new();
    let mut next = vec![pid];
    while let Some(p) = next.pop() {
        for &(child, _) in parents.iter().filter(|(_, parent)| *parent == p) {
            out.push(child);
            next.push(child);
        }
    }
    out
}

fn signal(signal: &str, pid: u32) {
    let _ = Command::new("kill").args([signal, &pid.to_string()]).stderr(Stdio::null()).status();
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn s3s_fs() -> PathBuf {
    let home = std::env::var_os("HOME").expect("HOME");
    PathBuf::from(home).join(".cache/custodia/s3s-fs/bin/s3s-fs")
}

impl Server {
    fn start(kind: Kind, data: &Path) -> Server {
        std::fs::create_dir_all(data.join("evidence")).expect("server folder");
        let port = free_port();
        let ssh = (kind == Kind::Sftp).then(|| Ssh::new(port));
        let mut server = Server { kind, data: data.to_path_buf(), port, child: None, ssh };
        server.restart();
        server
    }

    fn restart(&mut self) {
        let port = self.port.to_string();
        let mut command = match self.kind {
            Kind::WebDav => {
                let mut c = Command::new("rclone");
                // No directory cache: the tests change the server's folder behind its back, as a
                // tampered store would be, and a cached listing would still show what was removed.
                c.args(["serve", "webdav", "--config", "/dev/null", "--dir-cache-time", "0s", "--addr"])
                    .arg(format!("127.0.0.1:{port}"))
                    .args(["--user", "amal", "--pass", "dav-secret"])
                    .arg(&self.data);
                c
            }
            Kind::S3 => {
                let mut c = Command::new(s3s_fs());
                c.args([
                    "--host",
                    "127.0.0.1",
                    "--port",
                    &port,
                    "--access-key",
                    "AKCUSTODIA",
                    "--secret-key",
                    "s3-secret",
                ])
                .arg(&self.data);
                c
            }
            Kind::Sftp => {
                let ssh = self.ssh.as_ref().expect("ssh set-up");
                let mut c = Command::new("/usr/sbin/sshd");
                c.args(["-D", "-e", "-f"]).arg(ssh.file("sshd_config"));
                let log = std::fs::File::create(ssh.file("sshd.log")).expect("sshd log");
                c.stderr(log);
                c
            }
        };
        if self.kind != Kind::Sftp {
            command.stderr(Stdio::null());
        }
        let child = command
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{:?} server does not start ({e}); run scripts/install-deps.sh", self.kind));
        self.child = Some(child);
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
        // Bounded wait for the server to listen: at most 10 s.
        for _ in 0..400 {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let log = self.ssh.as_ref().and_then(|ssh| std::fs::read_to_string(ssh.file("sshd.log")).ok());
        panic!("{:?} server did not listen on {addr}: {}", self.kind, log.unwrap_or_default());
    }

    /// Kills the server at once, as a power cut would; for sshd, also the processes serving the
    /// connections it accepted (each in a session of its own, so not in its process group): the listener
    /// is stopped first, so that it makes no new one while they are found.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            if self.kind == Kind::Sftp {
                signal("-STOP", child.id());
                for pid in descendants(child.id()) {
                    signal("-KILL", pid);
                }
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self) -> String {
        match self.kind {
            Kind::WebDav => format!("dav://127.0.0.1:{}/evidence/team-a", self.port),
            Kind::S3 => format!("s3://evidence/team-a?endpoint=http://127.0.0.1:{}&region=us-east-1", self.port),
            Kind::Sftp => {
                let user = &self.ssh.as_ref().expect("ssh set-up").user;
                format!("sftp://{user}@127.0.0.1:{}{}/evidence/team-a", self.port, self.data.display())
            }
        }
    }

    /// Where the server keeps the object at `path` of the copy.
    fn object(&self, path: &str) -> PathBuf {
        self.data.join("evidence/team-a").join(path)
    }

    fn credentials(&self, env: &Env, good: bool) -> PathBuf {
        let secret = if good { "" } else { "-wrong" };
        let text = match self.kind {
            Kind::WebDav => format!("user=amal\npassword=dav-secret{secret}\n"),
            Kind::S3 => format!("access_key_id=AKCUSTODIA\nsecret_access_key=s3-secret{secret}\n"),
            // A key the server does not know; the host key is the right one.
            Kind::Sftp => self.ssh_credentials(if good { "user_key" } else { "other_key" }, "known_hosts"),
        };
        env.file(if good { "creds.txt" } else { "bad-creds.txt" }, text.as_bytes())
    }

    /// An SFTP credentials file: the private key's path and the known_hosts file to trust.
    fn ssh_credentials(&self, key: &str, known_hosts: &str) -> String {
        let ssh = self.ssh.as_ref().expect("ssh set-up");
        format!("key_file={}\nknown_hosts={}\n", ssh.file(key).display(), ssh.file(known_hosts).display())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Every file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A vault with a recovery key (written to `recovery.txt`) and one remote `off` on `server`.
fn vault_with_remote(server: &Server) -> (Env, PathBuf) {
    let env = Env::new();
    let recovery = env.dir.path().join("recovery.txt");
    assert_success(&env.run(&["recovery", "create", "--output", path_str(&recovery)]), "recovery create");
    let creds = server.credentials(&env, true);
    let out = env.run(&["remote", "add", "off", &server.url(), "--credentials-file", path_str(&creds)]);
    assert_success(&out, "remote add");
    (env, recovery)
}

/// Runs `custodia --vault VAULT --recovery-file RECOVERY ARGS...` (a vault opened with its recovery key).
fn with_recovery(env: &Env, vault: &Path, recovery: &Path, args: &[&str]) -> Output {
    env.command()
        .arg("--vault")
        .arg(vault)
        .arg("--recovery-file")
        .arg(recovery)
        .args(args)
        .output()
        .expect("run custodia")
}

/// Runs `custodia --recovery-file RECOVERY restore --from URL --to TARGET --credentials-file CREDS ARGS...`.
fn restore(env: &Env, server: &Server, recovery: &Path, target: &Path, args: &[&str]) -> Output {
    let creds = server.credentials(env, true);
    env.command()
        .arg("--recovery-file")
        .arg(recovery)
        .args(["restore", "--from", &server.url(), "--to", path_str(target)])
        .args(["--credentials-file", path_str(&creds)])
        .args(args)
        .output()
        .expect("run restore")
}

fn verifier_key(env: &Env) -> String {
    let out = env.run(&["signer", "--json"]);
    assert_success(&out, "signer");
    json_lines(&out)[0]["verifier_key"].as_str().expect("verifier key").to_string()
}

fn push_json(env: &Env) -> serde_json::Value {
    let out = env.run(&["--json", "push"]);
    assert_success(&out, "push");
    json_lines(&out).remove(0)
}

fn roundtrip(kind: Kind) {
    let data = tempfile::tempdir().expect("server folder");
    let server = Server::start(kind, data.path());
    let (env, recovery) = vault_with_remote(&server);
    let first = env.file("statement.txt", format!("{MARKER} first statement").as_bytes());
    assert_success(&env.run(&["add", path_str(&first), "--description", MARKER]), "add");
    let pushed = push_json(&env);
    assert_eq!((pushed["seq"].as_u64(), pushed["sent"].as_u64()), (Some(1), Some(3)), "{pushed}");
    let second = env.file("photo.jpg", format!("{MARKER} second").as_bytes());
    assert_success(&env.run(&["add", path_str(&second)]), "add");
    let pushed = push_json(&env);
    assert_eq!(pushed["sent"].as_u64(), Some(3), "only the new stored copy, the database and the slots: {pushed}");
    assert_eq!(pushed["objects"].as_u64(), Some(4), "{pushed}");

    let out = env.run(&["remote", "verify", "off", "--full"]);
    assert_success(&out, "remote verify --full");
    assert!(stdout(&out).contains("OK: everything holds"), "{}", stdout(&out));

    // A lawyer or IT person: no vault, no passphrase, the verifier key and the credentials only.
    let key = verifier_key(&env);
    let creds = server.credentials(&env, true);
    let out = env
        .command()
        .args(["remote", "verify", &server.url(), "--full", "--key", &key, "--credentials-file", path_str(&creds)])
        .output()
        .expect("run");
    assert_success(&out, "remote verify with the public key alone");

    let slots: Vec<PathBuf> = files(&server.object("keyslots"));
    assert!(!slots.is_empty(), "key slots were pushed");
    for slot in &slots {
        let text = std::fs::read_to_string(slot).expect("slots");
        assert!(!text.contains("\"passphrase\""), "no passphrase slot is pushed by default: {text}");
    }
    for file in files(data.path()) {
        let bytes = std::fs::read(&file).expect("read stored file");
        for marker in [MARKER.as_bytes(), b"SQLite format 3", b"first statement"] {
            assert!(
                !bytes.windows(marker.len()).any(|w| w == marker),
                "{} on the {kind:?} server holds {:?} in plaintext",
                file.display(),
                String::from_utf8_lossy(marker)
            );
        }
    }

    // Another computer: this one's copy of the checkpoint would rightly name the copy as older than the
    // vault it last saw (the pushes and closes after the snapshot).
    env.forget_local_checkpoints();
    let target = env.dir.path().join("new-laptop");
    let out = restore(&env, &server, &recovery, &target, &["--key", &key]);
    assert_success(&out, "restore");
    assert!(stdout(&out).contains("OK: everything holds"), "the restored vault verifies: {}", stdout(&out));
    let out = with_recovery(&env, &target, &recovery, &["log"]);
    assert_success(&out, "log of the restored vault");
    assert!(stdout(&out).contains("vault.restored"), "the restore is a custody event: {}", stdout(&out));
    let out = with_recovery(&env, &target, &recovery, &["list"]);
    assert!(stdout(&out).contains("statement.txt") && stdout(&out).contains("photo.jpg"), "{}", stdout(&out));
}

#[test]
fn a_vault_pushed_to_webdav_verifies_and_restores_with_the_recovery_key() {
    roundtrip(Kind::WebDav);
}

#[test]
fn a_vault_pushed_to_s3_verifies_and_restores_with_the_recovery_key() {
    roundtrip(Kind::S3);
}

#[test]
fn a_vault_pushed_over_sftp_verifies_and_restores_with_the_recovery_key() {
    roundtrip(Kind::Sftp);
}

/// Local stored copies whose copy on the server is missing or of another size.
fn not_on_server(env: &Env, server: &Server) -> usize {
    files(&env.vault.join("blobs"))
        .iter()
        .filter(|local| {
            let rel = local.strip_prefix(&env.vault).expect("under vault");
            let remote = server.object(path_str(rel));
            std::fs::metadata(&remote).map(|m| m.len()).ok() != std::fs::metadata(local).map(|m| m.len()).ok()
        })
        .count()
}

fn faults(kind: Kind) {
    let data = tempfile::tempdir().expect("server folder");
    let mut server = Server::start(kind, data.path());
    let (env, recovery) = vault_with_remote(&server);
    let mut rng = XorShift(0x005e_ed13);
    let sources: Vec<PathBuf> = (0..48)
        .map(|i| {
            let bytes: Vec<u8> = (0..(1 << 20) / 8).flat_map(|_| rng.next().to_le_bytes()).collect();
            env.file(&format!("video-{i}.bin"), &bytes)
        })
        .collect();
    let mut add = vec!["add"];
    add.extend(sources.iter().map(|p| path_str(p)));
    assert_success(&env.run(&add), "add");

    // The server down: a clear error, and nothing lost here.
    server.kill();
    let out = env.run(&["push"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("could not be reached"), "{}", stderr(&out));
    assert_success(&env.run(&["verify"]), "the vault still verifies");

    // The server killed in the middle of a push.
    server.restart();
    let push = env
        .command()
        .arg("--vault")
        .arg(&env.vault)
        .arg("--passphrase-file")
        .arg(&env.pass_file)
        .arg("push")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("push");
    let blobs = server.object("blobs");
    for _ in 0..4000 {
        if files(&blobs).len() >= 4 {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    server.kill();
    let out = push.wait_with_output().expect("push ends");
    assert_eq!(out.status.code(), Some(1), "the push fails when its server dies: {}", stderr(&out));
    assert!(!server.object("manifest/latest").exists(), "an interrupted push leaves no signed manifest");
    server.restart();
    let out = env.run(&["remote", "verify", "off"]);
    assert_eq!(out.status.code(), Some(1), "an interrupted push is no copy: {}", stderr(&out));
    assert!(stderr(&out).contains("no complete copy"), "{}", stderr(&out));
    let missing = not_on_server(&env, &server);
    assert!(missing < 48, "some stored copies reached the server before it died: {:?}", files(&blobs));
    let pushed = push_json(&env);
    assert_eq!(
        pushed["sent"].as_u64(),
        Some(missing as u64 + 2),
        "the next push sends only what is missing, the database and the slots: {pushed}"
    );
    assert_success(&env.run(&["remote", "verify", "off", "--full"]), "the resumed copy holds");
    let old_latest = std::fs::read(server.object("manifest/latest")).expect("pointer");
    push_json(&env);

    // An object altered on the server: named by a full check, and restore refuses.
    // Stored copies only: a server may keep the leftovers of the upload it was killed in under other names.
    let stored: Vec<PathBuf> = files(&blobs)
        .into_iter()
        .filter(|p| {
            p.file_name().is_some_and(|n| n.len() == 64 && n.to_string_lossy().bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .collect();
    let altered = &stored[0];
    let mut bytes = std::fs::read(altered).expect("read");
    bytes[1000] ^= 0x40;
    std::fs::write(altered, &bytes).expect("alter");
    let rel = altered.strip_prefix(server.object("")).expect("under").to_string_lossy().into_owned();
    let out = env.run(&["remote", "verify", "off", "--full"]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert!(stdout(&out).contains(&rel), "the altered object {rel} is named: {}", stdout(&out));
    let target = env.dir.path().join("restored");
    let out = restore(&env, &server, &recovery, &target, &[]);
    assert_eq!(out.status.code(), Some(1), "restore refuses an altered copy: {}", stdout(&out));
    assert!(stderr(&out).contains(&rel), "and names the object: {}", stderr(&out));
    assert!(!target.join("keyslots.json").exists(), "no vault is left behind");

    // An object removed.
    let removed = &stored[1];
    std::fs::remove_file(removed).expect("remove");
    let rel_removed = removed.strip_prefix(server.object("")).expect("under").to_string_lossy().into_owned();
    let out = env.run(&["remote", "verify", "off"]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert!(stdout(&out).contains(&format!("{rel_removed} is missing")), "{}", stdout(&out));

    // The signed pointer put back to an older push.
    std::fs::write(server.object("manifest/latest"), old_latest).expect("roll back");
    let out = env.run(&["remote", "verify", "off"]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert!(stdout(&out).contains("rolled back"), "the rolled-back remote is named: {}", stdout(&out));

    // Wrong credentials: a clear refusal.
    let bad = server.credentials(&env, false);
    let key = verifier_key(&env);
    let out = env
        .command()
        .args(["remote", "verify", &server.url(), "--key", &key, "--credentials-file", path_str(&bad)])
        .output()
        .expect("verify");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("refused access"), "{}", stderr(&out));
}

#[test]
fn faults_on_webdav_are_named_and_a_killed_push_resumes() {
    faults(Kind::WebDav);
}

#[test]
fn faults_on_s3_are_named_and_a_killed_push_resumes() {
    faults(Kind::S3);
}

#[test]
fn faults_on_sftp_are_named_and_a_killed_push_resumes() {
    faults(Kind::Sftp);
}

/// A push to an SFTP remote whose credentials name the private key `key` and the known_hosts file
/// `known_hosts` (of the throwaway set-up) fails, says `expected`, and leaves the server and the vault as
/// they were.
fn sftp_refused(key: &str, known_hosts: &str, expected: &str) {
    let data = tempfile::tempdir().expect("server folder");
    let server = Server::start(Kind::Sftp, data.path());
    let env = Env::new();
    let recovery = env.dir.path().join("recovery.txt");
    assert_success(&env.run(&["recovery", "create", "--output", path_str(&recovery)]), "recovery create");
    let source = env.file("statement.txt", format!("{MARKER} statement").as_bytes());
    assert_success(&env.run(&["add", path_str(&source)]), "add");
    let creds = env.file("sftp-creds.txt", server.ssh_credentials(key, known_hosts).as_bytes());
    let out = env.run(&["remote", "add", "off", &server.url(), "--credentials-file", path_str(&creds)]);
    assert_success(&out, "remote add");
    let out = env.run(&["push"]);
    assert_eq!(out.status.code(), Some(1), "the push fails: {}", stderr(&out));
    assert!(stderr(&out).contains(expected), "the error says {expected:?}: {}", stderr(&out));
    assert!(files(&server.object("")).is_empty(), "nothing reached the server: {:?}", files(data.path()));
    assert_success(&env.run(&["verify"]), "the vault still verifies");
    let log = stdout(&env.run(&["log"]));
    assert!(!log.contains("remote.pushed"), "no push is recorded: {log}");
    let list = stdout(&env.run(&["remote", "list"]));
    assert!(list.contains("off"), "the remote stays configured: {list}");
}

#[test]
fn an_sftp_key_the_server_does_not_know_is_a_clear_refusal_that_changes_nothing() {
    sftp_refused("other_key", "known_hosts", "refused access");
}

#[test]
fn an_sftp_server_whose_host_key_is_not_the_trusted_one_gets_nothing() {
    sftp_refused("user_key", "other_known_hosts", "host key is not one this computer trusts");
}

#[test]
fn after_a_panic_no_passphrase_opens_the_folder_and_the_off_site_copy_brings_it_back() {
    let data = tempfile::tempdir().expect("server folder");
    let server = Server::start(Kind::WebDav, data.path());
    let (env, recovery) = vault_with_remote(&server);
    let source = env.file("statement.txt", b"the witness statement");
    assert_success(&env.run(&["add", path_str(&source)]), "add");
    let out = env.run(&["panic", "--yes", "--push", "off"]);
    assert_success(&out, "panic");
    let out = env.run(&["list"]);
    assert_eq!(out.status.code(), Some(1), "the passphrase no longer opens the folder");
    let out = with_recovery(&env, &env.vault, &recovery, &["list"]);
    assert_eq!(out.status.code(), Some(1), "nor does the recovery key, on this computer");
    assert!(env.vault.join("vault.db").exists(), "the ciphertext was kept (no --remove-ciphertext)");

    let target = env.dir.path().join("restored");
    let out = restore(&env, &server, &recovery, &target, &[]);
    assert_success(&out, "restore after panic");
    let out = with_recovery(&env, &target, &recovery, &["list"]);
    assert!(stdout(&out).contains("statement.txt"), "the item is back: {}", stdout(&out));

    let out = env.run(&["panic", "--yes", "--remove-ciphertext"]);
    assert_success(&out, "a second panic removes the ciphertext left by the first");
    assert!(!env.vault.exists(), "the folder is gone");
}
