//! systemd integration: `sd_notify(3)` messages over `$NOTIFY_SOCKET`.
//!
//! With the `systemd` feature (Unix only), `STOPPING=1` is sent once when
//! shutdown starts, `RELOADING=1` (with `MONOTONIC_USEC=`) and then
//! `READY=1` around each reload, and [`notify_ready`] sends `READY=1` when
//! the program calls it. Without the feature, or where `NOTIFY_SOCKET` is not set (not
//! started by systemd with `Type=notify`), both do nothing.
//!
//! A message is one datagram on an unbound `AF_UNIX` socket, sent without
//! blocking so a stuck service manager cannot hold up a shutdown. Failures
//! are reported through `output`, never returned: the program should go on
//! either way.
#![forbid(unsafe_code)]

/// Tells systemd that the service is ready: sends `READY=1` to
/// `$NOTIFY_SOCKET`.
///
/// Call it once the program is ready to serve (listening sockets open,
/// configuration loaded) when it runs as a `Type=notify` systemd service;
/// systemd then considers the start finished and starts the units that
/// depend on it. Without a call, a `Type=notify` service fails to start when
/// `TimeoutStartSec=` passes.
///
/// Does nothing when `NOTIFY_SOCKET` is not set (the program was not started
/// by systemd as `Type=notify`), on non-Unix targets, and **always without
/// the `systemd` feature**, so a program can call it unconditionally. A
/// failure to send is reported on stderr (or through `log` / `tracing`); the
/// program goes on.
///
/// With the feature, `STOPPING=1` is also sent when shutdown starts, so
/// `systemctl status` shows the service as deactivating while the hooks run.
/// See `docs/systemd.md` in the repository for a unit file.
pub fn notify_ready() {
    notify("READY=1");
}

/// Called once when shutdown starts, on the thread that starts it.
pub(crate) fn notify_stopping() {
    notify("STOPPING=1");
}

/// Called when a reload starts (`Type=notify-reload`, systemd 253+):
/// `RELOADING=1` with the monotonic time systemd matches it against.
pub(crate) fn notify_reloading() {
    #[cfg(all(unix, feature = "systemd"))]
    notify(&format!(
        "RELOADING=1\nMONOTONIC_USEC={}",
        crate::platform::monotonic_micros()
    ));
}

/// Called when the reload hooks are done: `READY=1` again.
pub(crate) fn notify_reloaded() {
    notify("READY=1");
}

#[cfg(not(all(unix, feature = "systemd")))]
fn notify(_state: &str) {}

#[cfg(all(unix, feature = "systemd"))]
fn notify(state: &str) {
    use crate::output;

    // Not started by systemd as `Type=notify`: nothing to tell, nothing to
    // print (progress output stays the same as without the feature).
    let Some(socket) = std::env::var_os(NOTIFY_SOCKET_ENV) else {
        return;
    };
    // One line per report, whatever the message holds.
    let shown = state.replace('\n', " ");
    match send(&socket, state) {
        Ok(()) => output::debug(format_args!("sent `{shown}` to systemd")),
        Err(error) => output::error(format_args!(
            "could not send `{shown}` to systemd ({NOTIFY_SOCKET_ENV}={}): {error}",
            socket.to_string_lossy()
        )),
    }
}

/// The variable systemd sets for `Type=notify` services.
#[cfg(all(unix, feature = "systemd"))]
const NOTIFY_SOCKET_ENV: &str = "NOTIFY_SOCKET";

/// Sends `state` as one datagram to the socket named by `socket`: an
/// absolute path, or `@name` for a Linux abstract socket.
#[cfg(all(unix, feature = "systemd"))]
fn send(socket: &std::ffi::OsStr, state: &str) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    use std::os::unix::net::UnixDatagram;

    let address = address(socket)?;
    let sender = UnixDatagram::unbound()?;
    // A full receive queue must not block the shutdown: fail and report.
    sender.set_nonblocking(true)?;
    let sent = sender.send_to_addr(state.as_bytes(), &address)?;
    if sent == state.len() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::WriteZero,
            format!("only {sent} of {} bytes sent", state.len()),
        ))
    }
}

#[cfg(all(unix, feature = "systemd"))]
fn address(socket: &std::ffi::OsStr) -> std::io::Result<std::os::unix::net::SocketAddr> {
    use std::io::{Error, ErrorKind};
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::net::SocketAddr;

    match socket.as_bytes() {
        [b'/', ..] => SocketAddr::from_pathname(socket),
        [b'@', name @ ..] => abstract_address(name),
        _ => Err(Error::new(
            ErrorKind::InvalidInput,
            "not an absolute path or an @abstract socket name",
        )),
    }
}

#[cfg(all(feature = "systemd", any(target_os = "linux", target_os = "android")))]
fn abstract_address(name: &[u8]) -> std::io::Result<std::os::unix::net::SocketAddr> {
    #[cfg(target_os = "android")]
    use std::os::android::net::SocketAddrExt;
    #[cfg(target_os = "linux")]
    use std::os::linux::net::SocketAddrExt;

    std::os::unix::net::SocketAddr::from_abstract_name(name)
}

#[cfg(all(
    unix,
    feature = "systemd",
    not(any(target_os = "linux", target_os = "android"))
))]
fn abstract_address(_name: &[u8]) -> std::io::Result<std::os::unix::net::SocketAddr> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "abstract sockets (`@name`) exist only on Linux",
    ))
}

#[cfg(all(test, unix, feature = "systemd"))]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn rejects_relative_names() {
        let error = address(OsStr::new("run/notify")).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(address(OsStr::new("")).is_err());
    }

    #[test]
    fn accepts_paths() {
        let address = address(OsStr::new("/run/systemd/notify")).unwrap();
        assert_eq!(
            address.as_pathname(),
            Some(std::path::Path::new("/run/systemd/notify"))
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn accepts_abstract_names() {
        use std::os::linux::net::SocketAddrExt;
        let address = address(OsStr::new("@graceful-exit/test")).unwrap();
        assert_eq!(address.as_abstract_name(), Some(&b"graceful-exit/test"[..]));
    }
}
