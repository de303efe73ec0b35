//! `signals = [SIGTERM]`: SIGINT keeps its default action.
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn cleanup() {
    println!("hook: cleanup");
}

#[graceful_main(signals = [SIGTERM])]
fn main() {
    println!("ready");
    loop {
        std::thread::park();
    }
}
