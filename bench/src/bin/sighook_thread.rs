//! `signal-hook` 0.3's `Signals` iterator on a thread of its own, as its docs
//! show: the thread blocks on signal-hook's self-pipe, runs the hook, then
//! ends the process by the signal (`emulate_default_handler`). `main` parks.

#[cfg(unix)]
fn main() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP]).expect("install signal-hook");
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            graceful_exit_bench::say("hook");
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
    graceful_exit_bench::say("ready");
    graceful_exit_bench::idle()
}

#[cfg(not(unix))]
fn main() {
    graceful_exit_bench::unix_only()
}
