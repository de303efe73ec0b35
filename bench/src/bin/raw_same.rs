//! `raw_thread` without the second thread: `main` itself blocks on the
//! self-pipe and runs the hook. No thread wake-up between the handler and the
//! hook, which a library cannot offer without taking over `main`: a
//! reference point, not a yardstick.

#[cfg(unix)]
fn main() {
    use graceful_exit_bench::raw;

    let read_fd = raw::install();
    graceful_exit_bench::say("ready");
    let signal = raw::wait(read_fd);
    graceful_exit_bench::say("hook");
    raw::die_by(signal)
}

#[cfg(not(unix))]
fn main() {
    graceful_exit_bench::unix_only()
}
