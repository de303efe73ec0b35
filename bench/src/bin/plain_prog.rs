//! The baseline: no signal handling at all. Prints `ready` and parks;
//! SIGTERM's default action kills it, so it has no hook.

fn main() {
    graceful_exit_bench::say("ready");
    graceful_exit_bench::idle()
}
