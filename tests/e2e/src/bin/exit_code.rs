//! `exit_code = 7`: a signal ends the process with 7 instead of dying by it.
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn cleanup() {
    println!("hook: cleanup");
}

#[graceful_main(exit_code = 7)]
fn main() {
    println!("ready");
    // Returns once the shutdown starts: the hooks run after it.
    graceful_exit::wait();
}
