//! The floor: a raw `sigaction` handler and a self-pipe (libc only), read by
//! a second thread that runs the hook and re-raises the signal, while `main`
//! parks. The least any library can do that, like graceful-exit, runs hooks
//! on a thread of its own.

#[cfg(unix)]
fn main() {
    use graceful_exit_bench::raw;

    let read_fd = raw::install();
    std::thread::spawn(move || {
        let signal = raw::wait(read_fd);
        graceful_exit_bench::say("hook");
        raw::die_by(signal)
    });
    graceful_exit_bench::say("ready");
    graceful_exit_bench::idle()
}

#[cfg(not(unix))]
fn main() {
    graceful_exit_bench::unix_only()
}
