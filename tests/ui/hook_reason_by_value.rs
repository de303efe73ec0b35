use graceful_exit::{on_shutdown, ShutdownReason};

#[on_shutdown]
fn report(reason: ShutdownReason) {
    let _ = reason;
}

fn main() {
    report(ShutdownReason::Returned);
}
