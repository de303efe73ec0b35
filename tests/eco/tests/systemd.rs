//! With the `systemd` feature, `notify_ready()` sends `READY=1` and
//! the start of shutdown sends `STOPPING=1` to `$NOTIFY_SOCKET`, here a
//! datagram socket the test binds in place of systemd. A
//! reload sends `RELOADING=1` with `MONOTONIC_USEC=`, then `READY=1` once
//! its hooks are done (`Type=notify-reload`).
// Unix only: it sends POSIX signals and reads how a process died.
#![cfg(unix)]
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use graceful_exit_e2e::{Ended, Program, Running, Signal, SAFETY};

/// A fake systemd notification socket in its own temporary directory,
/// removed on drop.
struct FakeSystemd {
    socket: UnixDatagram,
    /// The value for `NOTIFY_SOCKET`.
    address: String,
    dir: Option<PathBuf>,
}

fn unique() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "graceful-exit-notify-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

impl FakeSystemd {
    fn at_path() -> FakeSystemd {
        let dir = std::env::temp_dir().join(unique());
        std::fs::create_dir(&dir).expect("create the socket's directory");
        let path = dir.join("notify");
        let socket = UnixDatagram::bind(&path).expect("bind the notify socket");
        FakeSystemd::new(
            socket,
            path.to_str().expect("a UTF-8 path").to_owned(),
            Some(dir),
        )
    }

    #[cfg(target_os = "linux")]
    fn abstract_name() -> FakeSystemd {
        use std::os::linux::net::SocketAddrExt;
        use std::os::unix::net::SocketAddr;
        let name = unique();
        let address = SocketAddr::from_abstract_name(name.as_bytes()).expect("abstract address");
        let socket = UnixDatagram::bind_addr(&address).expect("bind the abstract socket");
        FakeSystemd::new(socket, format!("@{name}"), None)
    }

    fn new(socket: UnixDatagram, address: String, dir: Option<PathBuf>) -> FakeSystemd {
        socket
            .set_read_timeout(Some(SAFETY))
            .expect("set a read timeout");
        FakeSystemd {
            socket,
            address,
            dir,
        }
    }

    /// The next message, failing the test if none comes within `SAFETY`.
    fn receive(&self, app: &mut Running) -> String {
        self.next().unwrap_or_else(|error| {
            app.kill()
                .fail(&format!("no notification within {SAFETY:?}: {error}"))
        })
    }

    /// The next message, or the error of waiting `SAFETY` for it.
    fn next(&self) -> std::io::Result<String> {
        let mut buffer = [0; 4096];
        let length = self.socket.recv(&mut buffer)?;
        Ok(String::from_utf8_lossy(&buffer[..length]).into_owned())
    }

    /// Whether a message is waiting, without blocking.
    fn pending(&self) -> Option<String> {
        self.socket.set_nonblocking(true).expect("non-blocking");
        let mut buffer = [0; 4096];
        let message = self
            .socket
            .recv(&mut buffer)
            .ok()
            .map(|length| String::from_utf8_lossy(&buffer[..length]).into_owned());
        self.socket.set_nonblocking(false).expect("blocking");
        message
    }
}

impl Drop for FakeSystemd {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn start(mode: &str, notify_socket: Option<&str>) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eco_systemd"));
    command
        .arg(mode)
        .env_remove("GRACEFUL_EXIT_LOG")
        .env_remove("NOTIFY_SOCKET");
    if let Some(address) = notify_socket {
        command.env("NOTIFY_SOCKET", address);
    }
    let mut proc = Program::from_command(command).start();
    proc.wait_ready();
    proc
}

fn stop(proc: &mut Running) -> Ended {
    proc.signal(Signal::TERM);
    let ended = proc.wait();
    ended.expect_signal(Signal::TERM);
    ended
}

fn ready_then_stopping(systemd: &FakeSystemd) {
    let mut proc = start("ready", Some(&systemd.address));
    // Sent before `ready` was printed, so it is already queued.
    assert_eq!(systemd.receive(&mut proc), "READY=1");
    proc.signal(Signal::TERM);
    assert_eq!(systemd.receive(&mut proc), "STOPPING=1");
    let ended = proc.wait();
    ended.expect_signal(Signal::TERM);
    if !ended.stderr.is_empty() {
        ended.fail("nothing should be printed on stderr");
    }
    assert_eq!(systemd.pending(), None, "one STOPPING=1 only");
}

#[test]
fn ready_and_stopping_reach_a_path_socket() {
    ready_then_stopping(&FakeSystemd::at_path());
}

#[cfg(target_os = "linux")]
#[test]
fn ready_and_stopping_reach_an_abstract_socket() {
    ready_then_stopping(&FakeSystemd::abstract_name());
}

#[test]
fn ready_is_sent_only_when_asked() {
    let systemd = FakeSystemd::at_path();
    let mut proc = start("silent", Some(&systemd.address));
    let ended = stop(&mut proc);
    assert_eq!(systemd.receive(&mut proc), "STOPPING=1", "{ended:?}");
    assert_eq!(systemd.pending(), None, "{ended:?}");
}

#[test]
fn without_notify_socket_nothing_happens() {
    let mut proc = start("ready", None);
    let ended = stop(&mut proc);
    if !ended.stderr.is_empty() {
        ended.fail("nothing should be printed on stderr");
    }
}

#[test]
fn an_unreachable_socket_is_reported_and_shutdown_goes_on() {
    let mut proc = start("ready", Some("/nonexistent/graceful-exit/notify"));
    let ended = stop(&mut proc);
    for state in ["READY=1", "STOPPING=1"] {
        let report = format!("graceful-exit: could not send `{state}` to systemd");
        if !ended.stderr.lines().any(|line| line.starts_with(&report)) {
            ended.fail(&format!("expected a report starting with {report:?}"));
        }
    }
}

#[test]
fn a_relative_socket_name_is_reported() {
    let mut proc = start("ready", Some("notify.sock"));
    let ended = stop(&mut proc);
    if !ended
        .stderr
        .contains("not an absolute path or an @abstract socket name")
    {
        ended.fail("expected the bad NOTIFY_SOCKET to be reported");
    }
}

/// `CLOCK_MONOTONIC` now, in microseconds: the clock systemd reads
/// `MONOTONIC_USEC=` against, the same for every process.
fn monotonic_micros() -> u64 {
    // SAFETY: `now` is a live, writable `timespec`, as clock_gettime(2)
    // requires; CLOCK_MONOTONIC always exists.
    let now = unsafe {
        let mut now: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now);
        now
    };
    let seconds = u64::try_from(now.tv_sec).expect("a monotonic time");
    let nanos = u64::try_from(now.tv_nsec).expect("a monotonic time");
    seconds * 1_000_000 + nanos / 1_000
}

#[test]
fn a_reload_sends_reloading_then_ready_once_its_hooks_are_done() {
    let systemd = FakeSystemd::at_path();
    let gate = systemd.dir.as_ref().expect("a directory").join("gate");
    let mut app = Program::new(env!("CARGO_BIN_EXE_eco_reload"))
        .env("NOTIFY_SOCKET", &systemd.address)
        .env("ECO_RELOAD_GATE", &gate)
        .start();
    app.wait_ready();
    assert_eq!(systemd.receive(&mut app), "READY=1");
    for _ in 0..2 {
        let before = monotonic_micros();
        app.signal(Signal::HUP);
        let reloading = systemd.receive(&mut app);
        let after = monotonic_micros();
        let usec: u64 = reloading
            .strip_prefix("RELOADING=1\nMONOTONIC_USEC=")
            .and_then(|usec| usec.parse().ok())
            .unwrap_or_else(|| panic!("not RELOADING=1 with MONOTONIC_USEC=: {reloading:?}"));
        assert!(
            (before..=after).contains(&usec),
            "MONOTONIC_USEC={usec} outside {before}..={after}"
        );
        app.wait_for_line("reload: started");
        // The hook waits for the gate: the reload is not over yet.
        assert_eq!(systemd.pending(), None, "READY=1 before the hook was done");
        std::fs::write(&gate, "").expect("open the gate");
        assert_eq!(systemd.receive(&mut app), "READY=1");
        app.wait_for_line("reload: done");
    }
    app.signal(Signal::TERM);
    assert_eq!(systemd.receive(&mut app), "STOPPING=1");
    app.wait()
        .expect_signal(Signal::TERM)
        .expect_hooks(&["reread", "reread"]);
    assert_eq!(systemd.pending(), None, "nothing after STOPPING=1");
}

#[test]
fn a_reload_without_notify_socket_only_reloads() {
    let mut program = Program::new(env!("CARGO_BIN_EXE_eco_reload")).progress(false);
    program.command().env_remove("NOTIFY_SOCKET");
    let mut app = program.start();
    app.wait_ready();
    app.signal(Signal::HUP);
    app.wait_for_line("reload: done");
    app.signal(Signal::TERM);
    let ended = app.wait();
    ended.expect_signal(Signal::TERM);
    if !ended.stderr.is_empty() {
        ended.fail("nothing should be printed on stderr");
    }
}
