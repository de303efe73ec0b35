//! The same CLI without `broken_pipe = "exit"`: Rust's own behaviour stays
//! the default (a panic, exit status 101).
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn cleanup() {
    eprintln!("hook: cleanup");
}

#[graceful_main]
fn main() {
    for n in 0..1_000_000 {
        println!("line {n}");
    }
}
