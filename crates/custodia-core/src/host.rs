//! Facts about the machine the shells need for the custody log, read from files (never from the
//! environment, which is the shells' business): this device's id and the login name of this process.

/// A stable, non-identifying id for this machine: a hash of `/etc/machine-id` (or the hostname).
pub fn this_device_id() -> String {
    let machine = ["/etc/machine-id", "/var/lib/dbus/machine-id", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read(p).ok())
        .unwrap_or_else(|| b"unknown-device".to_vec());
    crate::custody::device_id(&machine)
}

/// The login name of this process's user, from `/etc/passwd`, for sessions without `$USER`.
pub fn login_name() -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
        let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
        passwd
            .lines()
            .map(|l| l.split(':').collect::<Vec<_>>())
            .find(|f| f.len() > 2 && f[2] == uid)
            .map(|f| f[0].to_string())
    }
    #[cfg(not(unix))]
    None
}
