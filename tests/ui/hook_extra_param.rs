use graceful_exit::{on_shutdown, ShutdownReason};

#[on_shutdown]
fn flush(reason: &ShutdownReason, verbose: bool) {
    let _ = (reason, verbose);
}

fn main() {
    flush(&ShutdownReason::Returned, true);
}
