//! The program without the macro: `Config` with every builder method, and a
//! run-time hook. Behaves like the `#[graceful_main]` form.
use std::time::Duration;

use graceful_exit::{Config, Signal};

fn real_main() -> Result<(), String> {
    graceful_exit::on_shutdown_fn("close", 0, |reason| {
        println!("hook: close reason={reason}");
    });
    println!("ready");
    graceful_exit::wait();
    Ok(())
}

fn main() {
    Config::new()
        .signals(&[Signal::INT, Signal::TERM])
        .exit_code(9)
        .deadline(Duration::from_secs(5))
        .wait_for_main(Duration::from_secs(1))
        .reap_zombies(false)
        .debug_log(true)
        .run(real_main)
}
