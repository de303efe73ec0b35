//! Container diagnostics. This module only reads `/proc` and prints; it never
//! changes what the runtime does.
//!
//! The classic bug: a container whose command is `sh -c "build && ./app"`
//! keeps the shell as PID 1. `docker stop` sends SIGTERM to PID 1 only, and a
//! shell as PID 1 has no handler for it, so the kernel drops it; ten seconds
//! later SIGKILL ends everything and no shutdown hook runs.
#![forbid(unsafe_code)]

use crate::output;

/// Process names of shells that do not forward SIGTERM to their children.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "busybox", "zsh", "ksh", "mksh"];

/// Prints the warning when this process sits behind a shell that is PID 1.
pub(crate) fn warn_if_behind_shell() {
    if let Some(shell) = shell_as_pid1_parent() {
        output::warn(format_args!(
            "this process (pid {pid}) was started by `{shell}`, which is PID 1 of its container or PID namespace. \
             A shell running as PID 1 does not pass SIGTERM on, so `docker stop` (or `podman stop`, or Kubernetes) will wait its grace period \
             and then SIGKILL this process: no shutdown hook will run.",
            pid = std::process::id()
        ));
        output::warn(format_args!(
            "fix: start the program with `exec` (`sh -c \"... && exec ./app\"`), use the exec form `CMD [\"./app\"]` in the Dockerfile, \
             or run an init as PID 1 (`docker run --init`, compose `init: true`). Set GRACEFUL_EXIT_QUIET=1 to silence this warning."
        ));
    }
}

/// The parent's process name when the parent is PID 1 of this PID namespace,
/// is a shell, and this process is not PID 1 itself.
#[cfg(target_os = "linux")]
fn shell_as_pid1_parent() -> Option<String> {
    if std::process::id() == 1 || std::os::unix::process::parent_id() != 1 {
        return None;
    }
    // `/proc/1` is the parent only when `/proc` belongs to our PID namespace,
    // as in any container; on a host it names the host's init, not a shell.
    // A process name is at most 15 bytes and a newline.
    let mut comm = [0u8; 32];
    let read =
        std::io::Read::read(&mut std::fs::File::open("/proc/1/comm").ok()?, &mut comm).ok()?;
    let name = std::str::from_utf8(&comm[..read]).ok()?.trim();
    is_shell(name).then(|| name.to_owned())
}

#[cfg(not(target_os = "linux"))]
fn shell_as_pid1_parent() -> Option<String> {
    None
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn is_shell(name: &str) -> bool {
    SHELLS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shells() {
        assert!(is_shell("sh"));
        assert!(is_shell("bash"));
        assert!(is_shell("busybox"));
        assert!(!is_shell("tini"));
        assert!(!is_shell("dumb-init"));
        assert!(!is_shell("systemd"));
        assert!(!is_shell("catatonit"));
    }
}
