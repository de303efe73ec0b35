//! No reload hook at all: SIGHUP stops the program, as before reloads
//! existed.
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn stop() {
    println!("hook: stop");
}

#[graceful_main]
fn main() {
    println!("ready");
    graceful_exit::wait();
    println!("main: stopped after {} reloads", graceful_exit::reloads());
}
