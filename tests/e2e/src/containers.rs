//! PID namespaces and containers for the end-to-end tests.
//!
//! Two sandboxes, from light to real:
//!
//! - [`pid_namespace`]: `unshare --pid --fork --kill-child --mount-proc CMD…`
//!   makes `CMD` PID 1 of a fresh PID namespace with its own `/proc`, which
//!   is all a container does to signals. The host sees every process in it
//!   under a host pid; [`namespace_init`] finds the namespace's PID 1.
//! - [`Podman`]: real containers from an offline image ([`Podman::import`]:
//!   the binary, the libraries `ldd` lists, busybox as `/bin/sh`), with a
//!   private `containers.conf` (`CONTAINERS_CONF`, nothing under `/etc` is
//!   touched). [`Image`] and [`Container`] remove themselves on drop, also
//!   when a test fails.
//!
//! Both need root. Their probes ([`pid_namespace_usable`],
//! [`Podman::usable`]) say why they cannot run, and [`or_skip`] prints that
//! reason so the test can return early instead of failing where the machine
//! cannot do it (a laptop without root, an unprivileged container).
//!
//! Every command runs through the harness ([`Program`]) with a safety
//! timeout and is killed if it overruns.

use std::fmt::Write as _;
use std::fs;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::{is_root, on_path, Ended, Program, Running, SAFETY};

/// Prints why the calling test is skipped and returns `None`, or passes the
/// probe's value through. Use as `let Some(x) = or_skip(probe()) else { return };`.
pub fn or_skip<T>(probe: Result<T, String>) -> Option<T> {
    match probe {
        Ok(value) => Some(value),
        Err(why) => {
            let test = thread::current().name().unwrap_or("test").to_owned();
            eprintln!("skipping {test}: {why}");
            None
        }
    }
}

/// Runs `command` to the end (killing it after `limit`) and returns how it
/// ended.
#[track_caller]
pub fn run(command: &mut Command, limit: Duration) -> Ended {
    let taken = std::mem::replace(command, Command::new("true"));
    Program::from_command(taken).start().wait_within(limit)
}

/// Like [`run`], and fails the test unless the command exits with 0.
#[track_caller]
pub fn run_ok(command: &mut Command, limit: Duration) -> Ended {
    let shown = format!("{command:?}");
    let ended = run(command, limit);
    if !ended.status.success() {
        ended.fail(&format!("{shown} failed"));
    }
    ended
}

/// Quotes `text` for `sh -c`.
pub fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

// ---------------------------------------------------------------------------
// The host's process table.

/// One process as the host's `/proc/PID/stat` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessInfo {
    /// The host pid.
    pub pid: i32,
    /// The host pid of its parent.
    pub ppid: i32,
    /// `R`, `S`, `Z` (zombie), …
    pub state: char,
    /// The process name (`/proc/PID/comm`).
    pub comm: String,
}

impl ProcessInfo {
    /// Whether it has exited and waits to be reaped.
    pub fn is_zombie(&self) -> bool {
        self.state == 'Z'
    }
}

/// The process `pid`, if it exists (zombies included).
pub fn process(pid: i32) -> Option<ProcessInfo> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat.get(open + 1..close)?.to_owned();
    let mut rest = stat.get(close + 1..)?.split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some(ProcessInfo {
        pid,
        ppid,
        state,
        comm,
    })
}

/// Every process whose parent is `pid`.
pub fn children(pid: i32) -> Vec<ProcessInfo> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found: Vec<ProcessInfo> = entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(process)
        .filter(|info| info.ppid == pid)
        .collect();
    found.sort_by_key(|info| info.pid);
    found
}

/// Waits (up to [`SAFETY`]) until `pid` has exactly one child and returns it.
#[track_caller]
pub fn only_child(pid: i32) -> ProcessInfo {
    let until = Instant::now() + SAFETY;
    loop {
        let mut found = children(pid);
        if found.len() == 1 {
            return found.remove(0);
        }
        assert!(
            Instant::now() < until,
            "pid {pid} did not get exactly one child within {SAFETY:?}: {found:?}"
        );
        thread::sleep(Duration::from_millis(10));
    }
}

/// Polls `check` every 20 ms until it returns `true` or `limit` passes.
/// Returns whether it succeeded.
pub fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------------------
// PID namespaces.

/// Whether this machine can make PID namespaces: root, `unshare` on `PATH`,
/// and a trial `unshare --pid --fork --mount-proc true` that works (it does
/// not in an unprivileged container).
pub fn pid_namespace_usable() -> Result<(), String> {
    if !is_root() {
        return Err("needs root to create PID namespaces".into());
    }
    if !on_path("unshare") {
        return Err("`unshare` (util-linux) is not on PATH".into());
    }
    let trial = run(&mut pid_namespace(&["true"]), SAFETY);
    if !trial.status.success() {
        return Err(format!(
            "`unshare --pid --fork --mount-proc true` failed ({}): {}",
            trial.status,
            trial.stderr.trim()
        ));
    }
    Ok(())
}

/// `unshare --pid --fork --kill-child --mount-proc ARGS…`: `ARGS[0]` runs as
/// PID 1 of a new PID namespace with its own `/proc`. `--kill-child` takes
/// the namespace down when `unshare` is killed (as the harness does on
/// drop), so nothing outlives the test.
///
/// `unshare` waits for its child and exits with the child's status (or dies
/// by the child's signal).
pub fn pid_namespace(args: &[&str]) -> Command {
    let mut command = Command::new("unshare");
    command
        .args(["--pid", "--fork", "--kill-child", "--mount-proc"])
        .args(args);
    command
}

/// The namespace's PID 1, seen from the host: the child `unshare` forked.
#[track_caller]
pub fn namespace_init(unshare: &Running) -> ProcessInfo {
    only_child(i32::try_from(unshare.pid()).unwrap_or(i32::MAX))
}

// ---------------------------------------------------------------------------
// Podman.

/// What the tests tell Podman: no rlimit defaults (the machine's may exceed
/// the container's), runc, cgroups managed directly (no systemd in CI
/// containers), logs in files so `podman logs` works without journald.
const CONTAINERS_CONF: &str = r#"[containers]
default_ulimits = []
log_driver = "k8s-file"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
"#;

/// How long one Podman command may take.
const PODMAN_LIMIT: Duration = Duration::from_secs(45);

/// Podman with a private `containers.conf`. Only one `Podman` exists at a
/// time on the machine: [`Podman::usable`] waits for the previous one to be
/// dropped, so each test has Podman to itself and its timings hold.
pub struct Podman {
    config: TempDir,
    _exclusive: Exclusive,
}

impl Podman {
    /// Podman, when this machine can run containers: root, `podman`, `runc`,
    /// `busybox` (for the image's `/bin/sh`), `ldd` and `tar` on `PATH`, and
    /// `podman info` working. Waits for any other test's `Podman` to be
    /// dropped first.
    pub fn usable() -> Result<Podman, String> {
        if !is_root() {
            return Err("needs root to run Podman containers".into());
        }
        for program in ["podman", "runc", "busybox", "ldd", "tar"] {
            if !on_path(program) {
                return Err(format!("`{program}` is not on PATH"));
            }
        }
        let exclusive = machine_lock();
        let config = TempDir::new("podman");
        fs::write(config.path().join("containers.conf"), CONTAINERS_CONF)
            .map_err(|error| format!("cannot write containers.conf: {error}"))?;
        let podman = Podman {
            config,
            _exclusive: exclusive,
        };
        let info = run(&mut podman.command(&["info"]), PODMAN_LIMIT);
        if !info.status.success() {
            return Err(format!(
                "`podman info` failed ({}): {}",
                info.status,
                info.stderr.trim()
            ));
        }
        Ok(podman)
    }

    /// `podman ARGS…` with the private configuration.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("podman");
        command
            .env(
                "CONTAINERS_CONF",
                self.config.path().join("containers.conf"),
            )
            .args(args);
        command
    }

    /// Runs `podman ARGS…` and fails the test unless it succeeds.
    #[track_caller]
    pub fn run_ok(&self, args: &[&str]) -> Ended {
        run_ok(&mut self.command(args), PODMAN_LIMIT)
    }

    /// Imports an offline image named `localhost/graceful-exit-e2e:TAG-PID`
    /// holding `binary` as `/app`, the shared libraries `ldd` lists for it,
    /// and busybox as `/bin/sh`. Its default command is the exec form
    /// `["/app"]`.
    #[track_caller]
    pub fn import<'a>(&'a self, binary: &Path, tag: &str) -> Image<'a> {
        let work = TempDir::new("image");
        let root = work.path().join("root");
        for dir in ["bin", "tmp"] {
            fs::create_dir_all(root.join(dir)).expect("create rootfs dirs");
        }
        copy_into(&root, binary, Path::new("/app"));
        let busybox = which("busybox").expect("busybox is on PATH");
        copy_into(&root, &busybox, Path::new("/bin/busybox"));
        std::os::unix::fs::symlink("busybox", root.join("bin/sh")).expect("link /bin/sh");
        let mut libraries = shared_libraries(binary);
        libraries.extend(shared_libraries(&busybox));
        libraries.sort();
        libraries.dedup();
        for library in &libraries {
            copy_into(&root, library, library);
        }
        let tarball = work.path().join("rootfs.tar");
        run_ok(
            Command::new("tar")
                .arg("-C")
                .arg(&root)
                .arg("-cf")
                .arg(&tarball)
                .arg("."),
            PODMAN_LIMIT,
        );
        let image = Image {
            podman: self,
            name: format!("localhost/graceful-exit-e2e:{tag}-{}", std::process::id()),
        };
        let tarball = tarball.to_str().expect("temp path is UTF-8");
        self.run_ok(&[
            "import",
            "--change",
            r#"CMD ["/app"]"#,
            tarball,
            &image.name,
        ]);
        image
    }
}

/// Takes a machine-wide lock (an `flock` on a file in the temp dir) so that
/// Podman tests, from this process or any other (two checkouts tested at
/// once), run one at a time: concurrent Podman commands wait on each other's
/// locks, which would blur the stop times the tests measure. Waits up to two
/// minutes, then goes on without it.
fn machine_lock() -> Exclusive {
    let path = std::env::temp_dir().join("graceful-exit-e2e-podman.lock");
    let file = match fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(error) => {
            eprintln!("cannot open {}: {error}; going on unlocked", path.display());
            return Exclusive { _file: None };
        }
    };
    let locked = eventually(Duration::from_secs(120), || {
        // SAFETY: `flock` on a file descriptor we own; no memory involved.
        unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
    });
    if locked {
        Exclusive { _file: Some(file) }
    } else {
        eprintln!(
            "{} stayed locked for 2 minutes; going on unlocked",
            path.display()
        );
        Exclusive { _file: None }
    }
}

/// Holds the machine-wide Podman lock until dropped (closing the file
/// releases it).
struct Exclusive {
    _file: Option<fs::File>,
}

/// An image; removed on drop.
pub struct Image<'a> {
    podman: &'a Podman,
    /// `localhost/graceful-exit-e2e:TAG-PID`.
    pub name: String,
}

impl<'a> Image<'a> {
    /// Starts a detached container `graceful-exit-e2e-NAME-PID` from this
    /// image, without a network, with the runtime's progress lines on (so
    /// `Ended::hooks` reads its logs), `options` before the image and
    /// `command` (empty: the image's `CMD`) after it.
    #[track_caller]
    pub fn start(&self, name: &str, options: &[&str], command: &[&str]) -> Container<'a> {
        let container = Container {
            podman: self.podman,
            name: format!("graceful-exit-e2e-{name}-{}", std::process::id()),
        };
        let mut args = vec![
            "run",
            "--detach",
            "--pull=never",
            "--network=none",
            "--env=GRACEFUL_EXIT_LOG=debug",
            "--name",
            &container.name,
        ];
        args.extend_from_slice(options);
        args.push(&self.name);
        args.extend_from_slice(command);
        self.podman.run_ok(&args);
        container
    }
}

impl Drop for Image<'_> {
    fn drop(&mut self) {
        cleanup(&mut self.podman.command(&["rmi", "--force", &self.name]));
    }
}

/// A container; removed (killed first if needed) on drop.
pub struct Container<'a> {
    podman: &'a Podman,
    /// `graceful-exit-e2e-NAME-PID`.
    pub name: String,
}

impl Container<'_> {
    /// Everything the container printed so far: its stdout lines and its
    /// stderr.
    #[track_caller]
    pub fn logs(&self) -> Ended {
        self.podman.run_ok(&["logs", &self.name])
    }

    /// Waits (up to [`SAFETY`]) for a stdout line starting with `prefix`.
    #[track_caller]
    pub fn wait_for(&self, prefix: &str) {
        let found = eventually(SAFETY, || {
            self.logs()
                .stdout
                .iter()
                .any(|line| line.starts_with(prefix))
        });
        if !found {
            let state =
                self.podman
                    .run_ok(&["inspect", "--format", "{{.State.Status}}", &self.name]);
            self.logs().fail(&format!(
                "container {} (state {:?}) printed no line starting with {prefix:?} within {SAFETY:?}",
                self.name, state.stdout
            ));
        }
    }

    /// `podman stop -t GRACE`: SIGTERM to the container's PID 1, SIGKILL
    /// after `grace` seconds. Returns how long the command took.
    #[track_caller]
    pub fn stop(&self, grace: u32) -> Duration {
        let grace = grace.to_string();
        let started = Instant::now();
        self.podman.run_ok(&["stop", "--time", &grace, &self.name]);
        started.elapsed()
    }

    /// The exit code of the container's PID 1, once it has stopped.
    #[track_caller]
    pub fn exit_code(&self) -> i32 {
        let inspect =
            self.podman
                .run_ok(&["inspect", "--format", "{{.State.ExitCode}}", &self.name]);
        let text = inspect.stdout.join("");
        text.trim()
            .parse()
            .unwrap_or_else(|_| inspect.fail("`podman inspect` gave no exit code"))
    }
}

impl Drop for Container<'_> {
    fn drop(&mut self) {
        cleanup(
            &mut self
                .podman
                .command(&["rm", "--force", "--time", "0", &self.name]),
        );
    }
}

/// Runs a cleanup command from a `Drop`, which may run while a failed test
/// unwinds: it never panics (a second panic would abort the test binary) and
/// kills the command if it overruns [`PODMAN_LIMIT`].
fn cleanup(command: &mut Command) {
    let spawned = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            eprintln!("cleanup: cannot run {command:?}: {error}");
            return;
        }
    };
    let done = eventually(PODMAN_LIMIT, || !matches!(child.try_wait(), Ok(None)));
    if !done {
        eprintln!("cleanup: {command:?} did not finish within {PODMAN_LIMIT:?}; killed it");
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// The shared libraries `ldd` lists for `binary` (none for a static one).
fn shared_libraries(binary: &Path) -> Vec<PathBuf> {
    let ldd = run(Command::new("ldd").arg(binary), PODMAN_LIMIT);
    if !ldd.status.success() {
        // "not a dynamic executable"
        return Vec::new();
    }
    ldd.stdout
        .iter()
        .filter_map(|line| {
            // `libc.so.6 => /lib/…/libc.so.6 (0x…)` or `/lib64/ld-…so.2 (0x…)`;
            // `linux-vdso.so.1 (0x…)` has no file.
            let target = line.split("=>").last()?.split_whitespace().next()?;
            target.starts_with('/').then(|| PathBuf::from(target))
        })
        .collect()
}

/// Copies `from` (following symlinks) to the absolute path `to` inside
/// `root`, keeping its permissions.
#[track_caller]
fn copy_into(root: &Path, from: &Path, to: &Path) {
    let target = root.join(to.strip_prefix("/").unwrap_or(to));
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).expect("create dirs in rootfs");
    }
    fs::copy(from, &target).unwrap_or_else(|error| {
        panic!(
            "cannot copy {} to {}: {error}",
            from.display(),
            target.display()
        )
    });
}

/// The first `program` on `PATH`.
fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

// ---------------------------------------------------------------------------

/// A directory under the system temp dir, removed with its contents on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `graceful-exit-e2e-LABEL-PID-N`.
    #[track_caller]
    pub fn new(label: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let mut name = String::from("graceful-exit-e2e-");
        let _ = write!(
            name,
            "{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path)
            .unwrap_or_else(|error| panic!("cannot create {}: {error}", path.display()));
        TempDir(path)
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
