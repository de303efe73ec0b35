//! `deadline = "1s"` with a hook that never returns.
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn stuck() {
    println!("hook: stuck");
    loop {
        std::thread::park();
    }
}

#[on_shutdown(order = 1)]
fn never_reached() {
    println!("hook: never_reached");
}

#[graceful_main(deadline = "1s")]
fn main() {
    println!("ready");
    loop {
        std::thread::park();
    }
}
