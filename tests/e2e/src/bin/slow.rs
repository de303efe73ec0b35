//! A hook that takes 5 s: a second Ctrl-C must not wait for it.
use std::time::Duration;

use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn slow_hook() {
    println!("hook: slow_hook started");
    std::thread::sleep(Duration::from_secs(5));
    println!("hook: slow_hook finished");
}

#[graceful_main(deadline = "none")]
fn main() {
    println!("ready");
    loop {
        std::thread::park();
    }
}
