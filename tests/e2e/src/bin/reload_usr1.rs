//! `reload = [SIGUSR1]`: SIGUSR1 runs the reload hook; SIGHUP, left out of
//! `reload` but in the default `signals`, stops the program.
use std::time::Duration;

use graceful_exit::{graceful_main, on_reload, on_shutdown};

#[on_reload]
fn reread() {
    println!("reload: reread");
}

#[on_shutdown]
fn stop() {
    println!("hook: stop");
}

#[graceful_main(reload = [SIGUSR1])]
fn main() {
    // Cooperate before saying `ready`: a shutdown then waits for `main` to
    // return, so its last line is always printed.
    let _ = graceful_exit::is_shutting_down();
    println!("ready");
    let mut seen = 0;
    while graceful_exit::sleep(Duration::from_millis(5)) {
        let now = graceful_exit::reloads();
        if now != seen {
            seen = now;
            println!("main: reloads={now}");
        }
    }
    println!("main: stopped after {} reloads", graceful_exit::reloads());
}
