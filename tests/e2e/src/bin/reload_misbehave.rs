//! Reload hooks that misbehave, between two that behave: one panics, one
//! returns `Err`, one outlives its timeout, and a run-time one
//! (`Hook::register_reload`) panics too. Every reload reports each by name,
//! runs the rest, and the program goes on. `main` prints `main: reloads=N`
//! whenever `reloads()` changes.
use graceful_exit::{graceful_main, on_reload, on_shutdown, Hook};

#[on_reload]
fn ok_a() {
    println!("reload: ok_a");
}

#[on_reload(order = 10)]
fn panics() {
    panic!("reload exploded");
}

#[on_reload(order = 20)]
fn fails() -> Result<(), String> {
    Err("config unreadable".to_owned())
}

#[on_reload(order = 30, timeout = "300ms")]
fn hangs() {
    println!("reload: hangs");
    // Never returns: abandoned after its timeout, its thread left behind.
    loop {
        std::thread::park();
    }
}

#[on_reload(order = 50)]
fn ok_b() {
    println!("reload: ok_b");
}

#[on_shutdown]
fn stop() {
    println!("hook: stop");
}

#[graceful_main]
fn main() {
    let _runtime = Hook::new("runtime_panics")
        .order(40)
        .register_reload(|| -> Result<(), String> { panic!("run-time reload hook exploded") });
    graceful_exit_e2e::report_reloads_until_shutdown(|| {});
}
