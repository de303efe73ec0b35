//! The `docker stop` story in a real container: the Docker example server
//! (`examples/docker/server.rs`, built here as `ct_docker_server`) in an
//! offline Podman image, stopped with `podman stop -t 5` (what `docker stop`
//! does, with a 5 s grace period instead of 10 s).
//!
//! - Shell form, the shell stays PID 1: SIGTERM is dropped, the stop takes
//!   the full grace period and ends in SIGKILL (137), no hook runs, and the
//!   log holds graceful-exit's warning.
//! - Exec form, the server is PID 1: it stops in well under a second, every
//!   hook runs, and it exits with 143 (128 + SIGTERM, as PID 1).
//! - `sh -c "true && exec /app"`: the same; `exec` is the compose fix.
//! - `--init` (catatonit as PID 1): the same, and no warning.
//! - `--init` in front of the shell form: fast and 143, but no hook ran; the
//!   init does not make up for the missing `exec`.
//!
//! Needs root and Podman; skips with a printed reason where they are
//! missing. The tests take Podman one at a time (a machine-wide lock) so the
//! stop times are not skewed by each other; containers and images are
//! removed even when a test fails.
// Unix only: Linux containers.
#![cfg(unix)]
use std::path::Path;
use std::time::Duration;

use graceful_exit_e2e::containers::{or_skip, Podman};
use graceful_exit_e2e::Ended;

const SERVER: &str = env!("CARGO_BIN_EXE_ct_docker_server");
const HOOKS: [&str; 3] = ["finish_jobs", "save_state", "goodbye"];
const WARNING: &str = "graceful-exit: this process (pid ";
/// The `podman stop` grace period, in seconds.
const GRACE: u32 = 5;
/// A clean stop must take less than this. It measures 0.1–0.9 s here (the
/// job in progress plus Podman's bookkeeping); the margin is for a loaded CI
/// machine, and still far from the 5 s a lost SIGTERM costs.
const FAST: Duration = Duration::from_secs(3);

/// Starts the server in a fresh image and container, waits until it is
/// ready, stops it with `podman stop -t 5`, and returns how long the stop
/// took, the exit code, and the logs.
fn stop_server(podman: &Podman, name: &str, options: &[&str], command: &[&str]) -> Stopped {
    let image = podman.import(Path::new(SERVER), name);
    let container = image.start(name, options, command);
    container.wait_for("ready");
    let took = container.stop(GRACE);
    let stopped = Stopped {
        took,
        code: container.exit_code(),
        logs: container.logs(),
    };
    eprintln!(
        "{name}: `podman stop -t {GRACE}` took {:?}, exit code {}",
        stopped.took, stopped.code
    );
    stopped
}

struct Stopped {
    took: Duration,
    code: i32,
    logs: Ended,
}

impl Stopped {
    /// Whether the server said it runs as PID 1 (its `listening on … (pid N)`
    /// line), if it said anything.
    fn server_is_pid1(&self) -> Option<bool> {
        self.logs
            .lines_starting("listening on ")
            .first()
            .map(|line| line.ends_with("(pid 1)"))
    }

    #[track_caller]
    fn fail(&self, why: &str) -> ! {
        self.logs.fail(&format!(
            "{why} (stop took {:?}, exit code {})",
            self.took, self.code
        ))
    }

    #[track_caller]
    fn assert_clean_fast_stop(&self) {
        if self.took >= FAST {
            self.fail(&format!("the stop should take less than {FAST:?}"));
        }
        if self.code != 143 {
            self.fail("expected exit code 143 (128 + SIGTERM)");
        }
        if self.logs.hooks() != HOOKS {
            self.fail(&format!(
                "hooks ran as {:?}, expected {HOOKS:?}",
                self.logs.hooks()
            ));
        }
        if self.logs.lines_starting("hook: goodbye") != ["hook: goodbye (reason: SIGTERM)"] {
            self.fail("the last hook did not see SIGTERM");
        }
        // `wait_for_main`: main stopped accepting before the hooks ran.
        let main_done = self
            .logs
            .stdout
            .iter()
            .position(|line| line == "main: stopped accepting connections");
        let first_hook = self
            .logs
            .stdout
            .iter()
            .position(|line| line.starts_with("hook: "));
        if main_done.is_none() || main_done > first_hook {
            self.fail("main should return before the hooks run");
        }
        if self.logs.stderr.contains(WARNING) {
            self.fail("unexpected container warning");
        }
    }
}

#[test]
fn shell_form_keeps_sh_as_pid1_sigterm_is_lost_and_sigkill_ends_it() {
    let Some(podman) = or_skip(Podman::usable()) else {
        return;
    };
    // `; echo done` keeps the shell around: busybox (and bash) would
    // otherwise exec a lone last command, dash never does.
    let stopped = stop_server(&podman, "shell", &[], &["sh", "-c", "/app; echo done"]);
    if stopped.took < Duration::from_secs(u64::from(GRACE) - 1) {
        stopped.fail("the stop should wait out the whole grace period");
    }
    if stopped.code != 137 {
        stopped.fail("expected exit code 137 (128 + SIGKILL)");
    }
    if !stopped.logs.hooks().is_empty() {
        stopped.fail("no hook can run when SIGTERM never arrives");
    }
    if !stopped.logs.lines_starting("done").is_empty() {
        stopped.fail("the shell should have been killed too");
    }
    if !stopped.logs.stderr.contains(WARNING) {
        stopped.fail("the log should hold graceful-exit's warning");
    }
}

#[test]
fn exec_form_makes_the_server_pid1_and_it_stops_in_well_under_a_second() {
    let Some(podman) = or_skip(Podman::usable()) else {
        return;
    };
    // No command: the image's exec-form `CMD ["/app"]`.
    let stopped = stop_server(&podman, "exec", &[], &[]);
    stopped.assert_clean_fast_stop();
    if stopped.server_is_pid1() != Some(true) {
        stopped.fail("the server should be PID 1");
    }
}

#[test]
fn shell_with_exec_stops_as_fast_as_exec_form() {
    let Some(podman) = or_skip(Podman::usable()) else {
        return;
    };
    // The compose fix: keep the shell for the build step, `exec` the server.
    let stopped = stop_server(&podman, "sh-exec", &[], &["sh", "-c", "true && exec /app"]);
    stopped.assert_clean_fast_stop();
}

#[test]
fn init_forwards_sigterm_and_there_is_no_warning() {
    let Some(podman) = or_skip(Podman::usable()) else {
        return;
    };
    // `--init` (compose `init: true`): catatonit is PID 1 and forwards
    // SIGTERM; the server, its child, dies by it and catatonit reports 143.
    let stopped = stop_server(&podman, "init", &["--init"], &[]);
    stopped.assert_clean_fast_stop();
    if stopped.server_is_pid1() != Some(false) {
        stopped.fail("with --init the server should not be PID 1");
    }
}

#[test]
fn init_in_front_of_a_shell_without_exec_is_fast_but_skips_the_hooks() {
    let Some(podman) = or_skip(Podman::usable()) else {
        return;
    };
    // `--init` alone does not fix the shell form: catatonit forwards SIGTERM
    // to its child, the shell, which dies of it; catatonit exits and the
    // kernel SIGKILLs the server. Fast, a clean-looking 143, and no hook.
    let stopped = stop_server(
        &podman,
        "init-sh",
        &["--init"],
        &["sh", "-c", "/app; echo done"],
    );
    if stopped.took >= FAST {
        stopped.fail(&format!("the stop should take less than {FAST:?}"));
    }
    if stopped.code != 143 {
        stopped.fail("expected exit code 143 (the shell died by SIGTERM)");
    }
    if !stopped.logs.hooks().is_empty() {
        stopped.fail("the server should have been killed before any hook ran");
    }
}
