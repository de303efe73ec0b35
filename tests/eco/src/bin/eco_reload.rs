//! A `Type=notify-reload` service: calls `notify_ready()`, prints `ready`,
//! waits for shutdown. Its reload hook prints `reload: started`, then waits
//! (at most 10 s) for the file named by `ECO_RELOAD_GATE` to exist, removes
//! it and prints `reload: done`: the test decides when the reload ends.
use std::path::PathBuf;
use std::time::{Duration, Instant};

use graceful_exit::{graceful_main, on_reload};

#[on_reload]
fn reread() -> Result<(), String> {
    println!("reload: started");
    let gate = std::env::var_os("ECO_RELOAD_GATE").map(PathBuf::from);
    if let Some(gate) = gate {
        let until = Instant::now() + Duration::from_secs(10);
        while std::fs::remove_file(&gate).is_err() {
            if Instant::now() > until {
                return Err(format!("{} never appeared", gate.display()));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    println!("reload: done");
    Ok(())
}

#[graceful_main]
fn main() {
    graceful_exit::notify_ready();
    println!("ready");
    graceful_exit::wait();
}
