//! `broken_pipe = "exit"` under a real `| head -1`: no panic message, the
//! hooks run, the process dies by SIGPIPE (141 in a shell), and the output
//! before the break is intact; the default stays Rust's panic.
// Unix only: shell pipelines and SIGPIPE.
#![cfg(unix)]
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use graceful_exit_e2e::{Ended, Program};

const CLI: &str = env!("CARGO_BIN_EXE_cli_pipe");

/// Runs `bash -c 'CLI ARGS | head -1; echo status=$PIPESTATUS[0] >&2'`
/// (bounded) and returns how the pipeline ended.
fn through_head(program: &str, args: &str, envs: &[(&str, &str)]) -> Ended {
    let script = format!("'{program}' {args} | head -1; echo \"status=${{PIPESTATUS[0]}}\" >&2");
    let mut command = Command::new("bash");
    command.args(["-c", &script]).envs(envs.iter().copied());
    Program::from_command(command)
        .start()
        .wait_within(Duration::from_secs(20))
}

#[track_caller]
fn expect_quiet_sigpipe(ended: &Ended) {
    if ended.stdout != ["line 0"] {
        ended.fail("head should print the first line, intact");
    }
    ended
        .expect_stderr("status=141")
        .expect_stderr("hook: cleanup reason=SIGPIPE");
    for noise in [
        "panicked",
        "failed printing",
        "Broken pipe",
        "graceful-exit:",
    ] {
        if ended.stderr.contains(noise) {
            ended.fail(&format!("stderr should be quiet, but has {noise:?}"));
        }
    }
}

#[test]
fn many_writes_into_head_end_quietly_by_sigpipe_after_the_hooks() {
    expect_quiet_sigpipe(&through_head(CLI, "many", &[]));
}

#[test]
fn a_worker_thread_writing_into_head_ends_the_same_way() {
    expect_quiet_sigpipe(&through_head(CLI, "worker", &[]));
}

#[test]
fn stdout_closed_before_the_first_write() {
    // The read end is closed before the program starts: its very first
    // write fails.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut child = Command::new(CLI)
        .arg("many")
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let status = child.wait().expect("wait");
    let mut stderr = String::new();
    let _ = std::io::Read::read_to_string(&mut child.stderr.take().expect("piped"), &mut stderr);
    assert_eq!(status.signal(), Some(libc::SIGPIPE), "{stderr}");
    assert!(stderr.contains("hook: cleanup reason=SIGPIPE"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn with_stderr_closed_too_the_hooks_still_run() {
    let mark = std::env::temp_dir().join(format!("graceful-exit-pipe-{}", std::process::id()));
    let mark_text = mark.to_str().expect("utf-8 temp path");
    let ended = through_head(CLI, "many 2>&-", &[("HOOK_MARK", mark_text)]);
    let marked = std::fs::read_to_string(&mark).unwrap_or_default();
    let _ = std::fs::remove_file(&mark);
    assert_eq!(ended.stdout, ["line 0"], "{ended:?}");
    ended.expect_stderr("status=141");
    assert_eq!(marked, "cleanup reason=SIGPIPE\n", "{ended:?}");
}

#[test]
fn a_program_that_handles_broken_pipe_itself_keeps_working_as_written() {
    let ended = through_head(CLI, "handles", &[]);
    assert_eq!(ended.stdout, ["line 0"], "{ended:?}");
    ended
        .expect_stderr("main: stdout closed after")
        .expect_stderr("hook: cleanup reason=main returned")
        .expect_stderr("status=0");
}

#[test]
fn without_the_key_rusts_panic_stays_the_default() {
    let ended = through_head(env!("CARGO_BIN_EXE_cli_pipe_default"), "", &[]);
    assert_eq!(ended.stdout, ["line 0"], "{ended:?}");
    ended
        .expect_stderr("failed printing to stdout")
        .expect_stderr("hook: cleanup")
        .expect_stderr("status=101");
}
