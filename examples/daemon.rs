//! A long-running daemon that behaves the way operators expect of one:
//! `SIGHUP` re-reads its configuration and reopens its log file, `SIGTERM`
//! stops it cleanly, and systemd hears about all of it.
//!
//! ```text
//! printf 'greeting = hello\n' > /tmp/daemon.conf
//! cargo run --example daemon -- /tmp/daemon.conf /tmp/daemon.log
//! # in another terminal:
//! printf 'greeting = bonjour\n' > /tmp/daemon.conf
//! kill -HUP <pid>                 # main now prints "bonjour"
//! mv /tmp/daemon.log /tmp/daemon.log.1
//! kill -HUP <pid>                 # new lines go to a fresh /tmp/daemon.log
//! kill -TERM <pid>                # flushes the log, removes the pid file
//! ```
//!
//! # The story
//!
//! **Reload on `SIGHUP`.** nginx, sshd, rsyslog and most Unix daemons read
//! their configuration again on `SIGHUP` instead of stopping: the operator
//! edits the file and sends `kill -HUP`, and connections in flight are not
//! cut. A program with an `#[on_reload]` hook gets exactly that: `SIGHUP`
//! runs the reload hooks (in `order`, each isolated like a shutdown hook)
//! on the runtime's thread, and `main` goes on. Here `reload_config` swaps
//! the configuration `main` reads at every tick. A configuration that does
//! not parse is reported by name (`hook `reload_config` failed: …`) and the
//! old one stays, as `nginx -s reload` keeps the old workers when the new
//! file is broken.
//!
//! **logrotate.** logrotate renames `daemon.log` to `daemon.log.1`, then
//! (`postrotate`) sends `SIGHUP`. A process that keeps its file descriptor
//! would go on writing into `daemon.log.1`; `reopen_log` opens the path
//! again, so new lines go to a fresh `daemon.log`. (With logrotate's
//! `copytruncate` no signal is needed, but lines written between the copy
//! and the truncation are lost: reopening is the safe way.)
//!
//! **systemd.** With the `systemd` feature, `notify_ready()` sends
//! `READY=1` once the configuration is loaded, each reload sends
//! `RELOADING=1` and then `READY=1` when the reload hooks are done (what
//! `Type=notify-reload` waits for), and the shutdown sends `STOPPING=1`.
//! Without the feature, or outside systemd, those calls do nothing. A unit
//! with `ExecReload=kill -HUP $MAINPID` makes `systemctl reload daemon`
//! run the reload hooks (see `docs/systemd.md`).
//!
//! **Stopping.** `SIGTERM` (or Ctrl-C) makes `sleep` return `false`: `main`
//! finishes its tick and returns, then the shutdown hooks run in order:
//! `flush_log` writes the last line and syncs the file, `remove_pid_file`
//! cleans up. The reload hooks never run at shutdown. The process dies by
//! `SIGTERM`, which systemd counts as a clean stop.
//!
//! Paths come from the arguments (`daemon CONFIG LOG`) or the environment
//! (`DAEMON_CONFIG`, `DAEMON_LOG`); `DAEMON_PID_FILE` names an optional pid
//! file and `DAEMON_INTERVAL_MS` the time between ticks (default 1000).
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, LineWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use graceful_exit::{graceful_main, on_reload, on_shutdown, ShutdownReason};

/// What the configuration file holds: `key = value` lines, `#` comments.
#[derive(Debug)]
struct Settings {
    greeting: String,
}

impl Settings {
    fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = fs::read_to_string(path).map_err(|error| ConfigError {
            path: path.to_path_buf(),
            line: 0,
            what: error.to_string(),
        })?;
        let fail = |line: usize, what: &str| ConfigError {
            path: path.to_path_buf(),
            line,
            what: what.to_owned(),
        };
        let mut greeting = None;
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(fail(index + 1, "expected `key = value`"));
            };
            match key.trim() {
                "greeting" => greeting = Some(value.trim().to_owned()),
                _ => return Err(fail(index + 1, "unknown key (known: greeting)")),
            }
        }
        let greeting = greeting.ok_or_else(|| fail(0, "no `greeting`"))?;
        Ok(Settings { greeting })
    }
}

/// Why a configuration file was refused.
struct ConfigError {
    path: PathBuf,
    /// 0 when it is about the whole file.
    line: usize,
    what: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "{}: {}", self.path.display(), self.what),
            line => write!(f, "{}:{line}: {}", self.path.display(), self.what),
        }
    }
}

// What `main` prints for an `Err` (`Error: …`): the same as `Display`.
impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ConfigError {}

/// Everything the hooks share with `main`, set once `main` has loaded it.
struct Daemon {
    config_path: PathBuf,
    log_path: PathBuf,
    pid_file: Option<PathBuf>,
    settings: Mutex<Settings>,
    /// Line-buffered: every line is in the file once written.
    log: Mutex<LineWriter<File>>,
}

static DAEMON: OnceLock<Daemon> = OnceLock::new();

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn daemon() -> Result<&'static Daemon, &'static str> {
    DAEMON.get().ok_or("the daemon has not started yet")
}

fn open_log(path: &Path) -> io::Result<LineWriter<File>> {
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    Ok(LineWriter::new(file))
}

/// `SIGHUP`, first: read the configuration again. On error the old one
/// stays and the runtime reports the error with the hook's name.
#[on_reload]
fn reload_config() -> Result<(), Box<dyn std::error::Error>> {
    let daemon = daemon()?;
    let settings = Settings::load(&daemon.config_path)?;
    println!("reloaded config: greeting={}", settings.greeting);
    *lock(&daemon.settings) = settings;
    Ok(())
}

/// `SIGHUP`, second: reopen the log at its path (logrotate moved it).
#[on_reload(order = 10, timeout = "2s")]
fn reopen_log() -> Result<(), Box<dyn std::error::Error>> {
    let daemon = daemon()?;
    let mut fresh = open_log(&daemon.log_path)?;
    writeln!(fresh, "log reopened")?;
    let mut old = std::mem::replace(&mut *lock(&daemon.log), fresh);
    old.flush()?;
    println!("reopened log {}", daemon.log_path.display());
    Ok(())
}

/// Shutdown, first: the last line, and the file on disk.
#[on_shutdown(timeout = "2s")]
fn flush_log(reason: &ShutdownReason) -> io::Result<()> {
    let Ok(daemon) = daemon() else { return Ok(()) };
    let mut log = lock(&daemon.log);
    writeln!(log, "stopping: {reason}")?;
    log.flush()?;
    log.get_ref().sync_all()
}

/// Shutdown, last: the pid file goes, so nobody signals a stale pid.
#[on_shutdown(order = 10)]
fn remove_pid_file() -> io::Result<()> {
    match daemon().ok().and_then(|daemon| daemon.pid_file.as_ref()) {
        Some(path) => fs::remove_file(path),
        None => Ok(()),
    }
}

/// An argument, else an environment variable, else `default`.
fn setting(position: usize, env: &str, default: &str) -> PathBuf {
    std::env::args_os()
        .nth(position)
        .or_else(|| std::env::var_os(env))
        .map_or_else(|| PathBuf::from(default), PathBuf::from)
}

#[graceful_main]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config_path = setting(1, "DAEMON_CONFIG", "daemon.conf");
    let log_path = setting(2, "DAEMON_LOG", "daemon.log");
    let pid_file = std::env::var_os("DAEMON_PID_FILE").map(PathBuf::from);
    let interval = match std::env::var("DAEMON_INTERVAL_MS") {
        Ok(ms) => Duration::from_millis(ms.parse()?),
        Err(_) => Duration::from_secs(1),
    };
    // A bad configuration at start is fatal (exit status 1); at a reload it
    // is only reported.
    let settings = Settings::load(&config_path)?;
    let log = open_log(&log_path)?;
    if let Some(path) = &pid_file {
        fs::write(path, format!("{}\n", std::process::id()))?;
    }
    let daemon = DAEMON.get_or_init(|| Daemon {
        config_path,
        log_path,
        pid_file,
        settings: Mutex::new(settings),
        log: Mutex::new(log),
    });
    // From the first look on, a shutdown lets `main` finish its tick before
    // the hooks close the log. Look before telling anyone we are ready.
    if graceful_exit::is_shutting_down() {
        return Ok(());
    }
    // READY=1 under systemd (`Type=notify`, `notify-reload`); else nothing.
    graceful_exit::notify_ready();
    println!("ready: pid {}", std::process::id());

    let mut tick = 0u64;
    // The periodic work. `sleep` returns `false` as soon as a shutdown
    // starts; a reload does not disturb it.
    while graceful_exit::sleep(interval) {
        tick += 1;
        let greeting = lock(&daemon.settings).greeting.clone();
        writeln!(lock(&daemon.log), "tick {tick}: {greeting}")?;
        println!("config: greeting={greeting} tick={tick}");
    }
    println!(
        "main: stopped after {tick} ticks and {} reloads",
        graceful_exit::reloads()
    );
    Ok(())
}
