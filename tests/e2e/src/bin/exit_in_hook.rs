//! A hook that calls `exit`: that hook ends there, the next one still runs,
//! and the process ends as the shutdown was heading. Built a second time
//! with `panic = "abort"` by `tests/abort.rs`.
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn calls_exit() {
    println!("hook: calls_exit");
    graceful_exit::exit(5);
}

#[on_shutdown(order = 1)]
fn after() {
    println!("hook: after");
}

#[graceful_main]
fn main() {
    println!(
        "ready panic={}",
        if cfg!(panic = "abort") {
            "abort"
        } else {
            "unwind"
        }
    );
    loop {
        std::thread::park();
    }
}
