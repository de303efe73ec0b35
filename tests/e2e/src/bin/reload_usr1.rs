//! `reload = [SIGUSR1]`: SIGUSR1 runs the reload hook; SIGHUP, left out of
//! `reload` but in the default `signals`, stops the program.
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
    graceful_exit_e2e::report_reloads_until_shutdown(|| {});
}
