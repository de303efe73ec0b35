//! `exit_code = 7`: a signal ends the process with 7 instead of dying by it.
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn cleanup() {
    println!("hook: cleanup");
}

#[graceful_main(exit_code = 7)]
fn main() {
    println!("ready");
    graceful_exit::wait();
    loop {
        std::thread::park();
    }
}
