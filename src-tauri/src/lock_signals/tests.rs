//! The lock on sleep and screen lock, against `dbus-daemon`s the tests start on private sockets (one as
//! the system bus, one as the session bus): each signal locks the vault, a bus that is not there is a
//! silent no-op, and only a signal saying "starting" with a well-formed body is a reason to lock.

use super::{locking_reason, watch, Buses, Watching, SESSION_SIGNALS, SYSTEM_SIGNALS};
use crate::idle::LockReason;
use crate::testing::ClockedVault;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::Duration;
use zbus::Message;

/// Long enough for a loaded machine, short enough that a broken watch fails the test instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

/// A `dbus-daemon` of the test's own, listening on a socket in a temporary folder; stopped on drop.
struct PrivateBus {
    daemon: Child,
    address: String,
    dir: PathBuf,
}

impl PrivateBus {
    fn start(name: &str) -> PrivateBus {
        let dir = std::env::temp_dir().join(format!("custodia-bus-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary folder");
        // Anyone may own any name and send anything: the test plays logind and the screen saver.
        let config = format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            dir.display()
        );
        let config_path = dir.join("bus.conf");
        std::fs::write(&config_path, config).expect("bus configuration");
        // Its complaints (running as root, it cannot raise its file limit) go to a log, shown if it fails.
        let log_path = dir.join("daemon.log");
        let log = std::fs::File::create(&log_path).expect("daemon log");
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config_path.display()))
            .args(["--nofork", "--print-address"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("dbus-daemon runs (scripts/install-deps.sh installs it)");
        // The daemon prints its address once it listens: reading it is waiting for it to be ready.
        let mut address = String::new();
        let stdout = daemon.stdout.take().expect("the daemon's output");
        BufReader::new(stdout).read_line(&mut address).expect("the daemon's address");
        let address = address.trim().to_string();
        let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
        assert!(address.starts_with("unix:"), "dbus-daemon did not start: it printed {address:?}; its log: {}", log());
        PrivateBus { daemon, address, dir }
    }

    fn connect(&self) -> zbus::blocking::Connection {
        zbus::blocking::connection::Builder::address(self.address.as_str())
            .expect("address")
            .build()
            .expect("a connection to the test's bus")
    }

    fn emit(&self, path: &str, interface: &str, member: &str, starting: bool) {
        let connection = self.connect();
        connection.emit_signal(None::<&str>, path, interface, member, &starting).expect("signal sent");
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An unlocked vault, a system and a session bus, and a watch of both that locks the vault and reports
/// each lock's reason.
struct Setup {
    vault: Arc<ClockedVault>,
    system: PrivateBus,
    session: PrivateBus,
    watching: Watching,
    locked: mpsc::Receiver<LockReason>,
}

impl Setup {
    fn new(name: &str) -> Setup {
        let vault = Arc::new(ClockedVault::new(name));
        let system = PrivateBus::start(&format!("{name}-system"));
        let session = PrivateBus::start(&format!("{name}-session"));
        let (report, locked) = mpsc::channel();
        let watched = vault.clone();
        let buses = Buses { system: Some(system.address.clone()), session: Some(session.address.clone()) };
        let watching = watch(buses, move |reason| {
            watched.state.lock_vault();
            let _ = report.send(reason);
        });
        for _ in 0..2 {
            watching.subscribed.recv_timeout(PATIENCE).expect("both buses have the watch's match rules");
        }
        Setup { vault, system, session, watching, locked }
    }

    /// Stops both buses and waits for the watch to end, as it must when its buses go away.
    fn finish(self) {
        let Setup { vault, system, session, watching, locked } = self;
        drop((system, session));
        for thread in watching.threads {
            assert!(thread.join().is_ok(), "a watch thread panicked");
        }
        assert!(locked.try_recv().is_err(), "nothing else locked the vault");
        drop(vault);
    }
}

#[test]
fn the_vault_locks_when_logind_announces_sleep() {
    let setup = Setup::new("sleep");
    assert!(setup.vault.state.is_unlocked(), "the vault is open before the signal");
    setup.system.emit("/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep", true);
    let reason = setup.locked.recv_timeout(PATIENCE).expect("PrepareForSleep(true) locks the vault");
    assert_eq!(reason, LockReason::Sleep, "the page is told the machine went to sleep");
    assert!(!setup.vault.state.is_unlocked(), "the vault is locked before the machine sleeps");
    setup.finish();
}

#[test]
fn the_vault_locks_when_the_freedesktop_screen_saver_comes_on() {
    let setup = Setup::new("screensaver");
    setup.session.emit("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged", true);
    let reason = setup.locked.recv_timeout(PATIENCE).expect("ActiveChanged(true) locks the vault");
    assert_eq!(reason, LockReason::ScreenLocked, "the page is told the screen locked");
    assert!(!setup.vault.state.is_unlocked(), "the vault is locked with the screen");
    setup.finish();
}

#[test]
fn the_vault_locks_when_the_gnome_screen_saver_comes_on() {
    let setup = Setup::new("gnome");
    setup.session.emit("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", true);
    let reason = setup.locked.recv_timeout(PATIENCE).expect("GNOME's ActiveChanged(true) locks the vault");
    assert_eq!(reason, LockReason::ScreenLocked, "the page is told the screen locked");
    assert!(!setup.vault.state.is_unlocked(), "the vault is locked with the screen");
    setup.finish();
}

#[test]
fn buses_that_are_not_there_are_a_silent_no_op() {
    let vault = ClockedVault::new("no-bus");
    let nowhere = std::env::temp_dir().join(format!("custodia-no-bus-{}", std::process::id()));
    let address = format!("unix:path={}/bus", nowhere.display());
    let watching = watch(Buses { system: Some(address.clone()), session: Some(address) }, |_| {
        panic!("nothing can signal without a bus")
    });
    for thread in watching.threads {
        assert!(thread.join().is_ok(), "a missing bus ends the watch quietly, without a panic");
    }
    assert!(
        matches!(watching.subscribed.try_recv(), Err(mpsc::TryRecvError::Disconnected)),
        "no bus was subscribed to"
    );
    assert!(vault.state.is_unlocked(), "a missing bus does not lock the vault");
}

fn signal<B: serde::Serialize + zbus::zvariant::DynamicType>(interface: &str, member: &str, body: &B) -> Message {
    Message::signal("/test", interface, member).expect("signal header").build(body).expect("signal")
}

const LOGIND: &str = "org.freedesktop.login1.Manager";
const SCREEN_SAVER: &str = "org.freedesktop.ScreenSaver";

#[test]
fn only_a_signal_that_says_starting_is_a_reason_to_lock() {
    let sleep = signal(LOGIND, "PrepareForSleep", &true);
    assert_eq!(locking_reason(&sleep, SYSTEM_SIGNALS), Some(LockReason::Sleep), "going to sleep locks");
    let resume = signal(LOGIND, "PrepareForSleep", &false);
    assert_eq!(locking_reason(&resume, SYSTEM_SIGNALS), None, "waking up does not lock");
    let screen_off = signal(SCREEN_SAVER, "ActiveChanged", &false);
    assert_eq!(locking_reason(&screen_off, SESSION_SIGNALS), None, "the screen saver going away does not lock");
}

#[test]
fn a_signal_is_read_only_on_its_own_bus() {
    let sleep = signal(LOGIND, "PrepareForSleep", &true);
    assert_eq!(locking_reason(&sleep, SESSION_SIGNALS), None, "logind speaks on the system bus only");
    let screen_on = signal(SCREEN_SAVER, "ActiveChanged", &true);
    assert_eq!(locking_reason(&screen_on, SYSTEM_SIGNALS), None, "the screen saver speaks on the session bus only");
}

#[test]
fn a_malformed_signal_is_no_reason_to_lock() {
    let text = signal(SCREEN_SAVER, "ActiveChanged", &"true");
    assert_eq!(locking_reason(&text, SESSION_SIGNALS), None, "a string where a boolean belongs is ignored");
    let empty = signal(SCREEN_SAVER, "ActiveChanged", &());
    assert_eq!(locking_reason(&empty, SESSION_SIGNALS), None, "a signal without its argument is ignored");
    let other = signal(SCREEN_SAVER, "WakeUpScreen", &true);
    assert_eq!(locking_reason(&other, SESSION_SIGNALS), None, "another member of the interface is ignored");
    let call = Message::method_call("/test", "ActiveChanged")
        .and_then(|call| call.interface(SCREEN_SAVER))
        .and_then(|call| call.build(&true))
        .expect("method call");
    assert_eq!(locking_reason(&call, SESSION_SIGNALS), None, "a method call under the same name is not the signal");
}
