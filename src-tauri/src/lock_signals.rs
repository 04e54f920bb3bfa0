//! Locks the vault when the machine is about to sleep or the screen locks, from the desktop's D-Bus
//! signals: `org.freedesktop.login1.Manager.PrepareForSleep(true)` on the system bus (logind, before a
//! suspend or hibernation), and `ActiveChanged(true)` of `org.freedesktop.ScreenSaver` or
//! `org.gnome.ScreenSaver` on the session bus (the screen saver or lock screen came on).
//!
//! Each bus is watched by a thread of its own with zbus's blocking API: it connects, asks the bus for
//! the signals (one match rule each), and reads messages until the bus goes away. A bus that cannot be
//! reached (no system bus in a container, no session bus, a desktop without a screen saver) is no
//! error: the watch ends silently and the idle lock (`idle.rs`) still applies; there is no reconnect.
//! The threads only ever lock, which is the safe direction, so a signal sent by some other program on
//! the bus under those names locks too: the worst it can do is ask for the passphrase again. The
//! addresses are given by the caller: the app passes the desktop's own (`Buses::of_this_desktop`),
//! tests start their own `dbus-daemon`.

use crate::idle::LockReason;
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use zbus::blocking::{connection, fdo::DBusProxy, MessageIterator};
use zbus::message::Type;
use zbus::{MatchRule, Message};

/// A signal that locks the vault when its one argument is `true`.
#[derive(Debug, Clone, Copy)]
struct LockingSignal {
    interface: &'static str,
    member: &'static str,
    reason: LockReason,
}

const SYSTEM_SIGNALS: &[LockingSignal] = &[LockingSignal {
    interface: "org.freedesktop.login1.Manager",
    member: "PrepareForSleep",
    reason: LockReason::Sleep,
}];

const SESSION_SIGNALS: &[LockingSignal] = &[
    LockingSignal {
        interface: "org.freedesktop.ScreenSaver",
        member: "ActiveChanged",
        reason: LockReason::ScreenLocked,
    },
    LockingSignal { interface: "org.gnome.ScreenSaver", member: "ActiveChanged", reason: LockReason::ScreenLocked },
];

/// The D-Bus addresses to watch; a bus without an address is not watched.
#[derive(Debug, Clone, Default)]
pub struct Buses {
    pub system: Option<String>,
    pub session: Option<String>,
}

impl Buses {
    /// This desktop's buses, found as the D-Bus specification says: the environment's addresses, else
    /// the system bus's well-known socket and the session bus in the user's runtime folder.
    pub fn of_this_desktop() -> Buses {
        let from_env = |name: &str| std::env::var(name).ok().filter(|address| !address.is_empty());
        let system = from_env("DBUS_SYSTEM_BUS_ADDRESS")
            .unwrap_or_else(|| "unix:path=/var/run/dbus/system_bus_socket".to_string());
        let session = from_env("DBUS_SESSION_BUS_ADDRESS").or_else(|| {
            let runtime = std::env::var_os("XDG_RUNTIME_DIR")?;
            let socket = Path::new(&runtime).join("bus");
            Some(format!("unix:path={}", escape_address_value(socket.to_str()?)))
        });
        Buses { system: Some(system), session }
    }
}

/// A value for a D-Bus address: bytes outside the spec's unescaped set become `%xx`, so a folder name
/// with `,` or `;` cannot add keys or addresses.
fn escape_address_value(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'-' | b'_' | b'/' | b'.' | b'\\' | b'*' => char::from(byte).to_string(),
            _ if byte.is_ascii_alphanumeric() => char::from(byte).to_string(),
            _ => format!("%{byte:02x}"),
        })
        .collect()
}

/// The running watch: `subscribed` receives one message per bus once the bus has the match rules, so a
/// signal sent after that reaches the watcher, and `threads` end when their bus goes away (the app
/// waits for neither; tests do).
#[derive(Debug)]
#[cfg_attr(not(test), expect(dead_code, reason = "the app starts the watch and waits for neither"))]
pub struct Watching {
    pub subscribed: mpsc::Receiver<()>,
    pub threads: Vec<JoinHandle<()>>,
}

/// Watches `buses` on threads of their own and calls `on_lock` with the reason of each locking signal.
pub fn watch(buses: Buses, on_lock: impl Fn(LockReason) + Send + Sync + 'static) -> Watching {
    let on_lock: Arc<dyn Fn(LockReason) + Send + Sync> = Arc::new(on_lock);
    let (subscribed, watching) = mpsc::channel();
    let watched = [(buses.system, SYSTEM_SIGNALS), (buses.session, SESSION_SIGNALS)];
    let mut threads = Vec::new();
    for (address, signals) in watched {
        let Some(address) = address else { continue };
        let (on_lock, subscribed) = (on_lock.clone(), subscribed.clone());
        let thread = std::thread::Builder::new().name("custodia-lock-signals".into()).spawn(move || {
            // Any failure (no bus, refused, gone) ends this watch; see the module comment.
            let _ = listen(&address, signals, &*on_lock, &subscribed);
        });
        // Without a thread there is no watch of that bus; the idle lock still applies.
        threads.extend(thread.ok());
    }
    Watching { subscribed: watching, threads }
}

/// Connects to the bus at `address`, subscribes to `signals` and calls `on_lock` for each one that
/// locks, until the bus goes away.
fn listen(
    address: &str,
    signals: &[LockingSignal],
    on_lock: &(dyn Fn(LockReason) + Send + Sync),
    subscribed: &mpsc::Sender<()>,
) -> zbus::Result<()> {
    let connection = connection::Builder::address(address)?.build()?;
    // The stream exists before the rules, so no signal is missed between the two.
    let messages = MessageIterator::from(&connection);
    let bus = DBusProxy::new(&connection)?;
    for signal in signals {
        let rule =
            MatchRule::builder().msg_type(Type::Signal).interface(signal.interface)?.member(signal.member)?.build();
        bus.add_match_rule(rule)?;
    }
    let _ = subscribed.send(());
    for message in messages {
        // An error here means the connection broke: the watch ends.
        if let Some(reason) = locking_reason(&message?, signals) {
            on_lock(reason);
        }
    }
    Ok(())
}

/// The reason to lock for `message`: one of `signals` with `true` as its only argument. Anything else,
/// including a malformed body, is not a reason.
fn locking_reason(message: &Message, signals: &[LockingSignal]) -> Option<LockReason> {
    let header = message.header();
    if header.message_type() != Type::Signal {
        return None;
    }
    let (interface, member) = (header.interface()?, header.member()?);
    let signal =
        signals.iter().find(|signal| signal.interface == interface.as_str() && signal.member == member.as_str())?;
    let starting: bool = message.body().deserialize().ok()?;
    starting.then_some(signal.reason)
}

#[cfg(test)]
mod tests;
