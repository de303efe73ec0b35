//! Hooks that hang, panic and fail, between hooks that work: the sequence
//! must report each by name and still run the rest.
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn ok_a() {
    println!("hook: ok_a");
}

#[on_shutdown(order = 1, timeout = "300ms")]
fn hangs() {
    println!("hook: hangs");
    loop {
        std::thread::park();
    }
}

#[on_shutdown(order = 2)]
fn panics() {
    println!("hook: panics");
    panic!("hook exploded");
}

#[on_shutdown(order = 3, name = "fails")]
fn returns_err() -> Result<(), String> {
    println!("hook: fails");
    Err("disk full".to_owned())
}

#[on_shutdown(order = 4)]
fn ok_b() {
    println!("hook: ok_b");
}

#[graceful_main]
fn main() {
    graceful_exit::on_shutdown_fn("runtime_hook", 3, |reason| {
        println!("hook: runtime_hook reason={reason}");
    });
    println!("ready");
    loop {
        std::thread::park();
    }
}
