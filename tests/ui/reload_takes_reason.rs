use graceful_exit::{on_reload, ShutdownReason};

#[on_reload]
fn reload_config(reason: &ShutdownReason) {
    eprintln!("{reason}");
}

fn main() {
    reload_config(&ShutdownReason::Requested);
}
