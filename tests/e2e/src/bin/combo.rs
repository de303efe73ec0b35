//! Hooks that panic, fail and hang together under `deadline = "1s"`.
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn panics() {
    println!("hook: panics");
    panic!("boom");
}

#[on_shutdown(order = 1)]
fn fails() -> Result<(), &'static str> {
    println!("hook: fails");
    Err("no route to host")
}

#[on_shutdown(order = 2)]
fn hangs_forever() {
    println!("hook: hangs_forever");
    loop {
        std::thread::park();
    }
}

#[on_shutdown(order = 3)]
fn never_reached() {
    println!("hook: never_reached");
}

#[graceful_main(deadline = "1s")]
fn main() {
    println!("ready");
    // Returns once the shutdown starts: the hooks run after it.
    graceful_exit::wait();
}
