//! A `Type=notify` service: `eco_systemd ready` calls `notify_ready()` before
//! printing `ready`; `eco_systemd silent` does not. Then waits for shutdown.
use graceful_exit::graceful_main;

#[graceful_main]
fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("ready") => graceful_exit::notify_ready(),
        Some("silent") => {}
        other => panic!("usage: eco_systemd ready | silent; got {other:?}"),
    }
    println!("ready");
    graceful_exit::wait();
}
