//! `main` returning `Result<(), E: Debug>`: an `Err` prints `Error: …` and
//! exits 1, as without the macro.
use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn cleanup() {
    println!("hook: cleanup");
}

#[graceful_main]
fn main() -> Result<(), String> {
    println!("ready");
    match std::env::args().nth(1).as_deref() {
        Some("err") => Err("config file missing".to_owned()),
        _ => Ok(()),
    }
}
