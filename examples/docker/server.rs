//! Placeholder: a small server-like program for the Docker example.
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn drain() {
    println!("hook: drain");
}

#[graceful_main]
fn main() {
    println!("ready");
    graceful_exit::wait();
}
