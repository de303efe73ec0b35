//! No reload hook at all: SIGHUP stops the program, as before reloads
//! existed.
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn stop() {
    println!("hook: stop");
}

#[graceful_main]
fn main() {
    // Cooperate before saying `ready`: a shutdown then waits for `main` to
    // return, so its last line is always printed.
    let _ = graceful_exit::is_shutting_down();
    println!("ready");
    graceful_exit::wait();
    println!("main: stopped after {} reloads", graceful_exit::reloads());
}
