use graceful_exit::{on_reload, ShutdownReason};

#[on_reload(order = "first", timeout = "1s1s", nmae = "config")]
async fn reload_config(reason: &ShutdownReason) -> u8 {
    drop(reason);
    0
}

fn main() {
    drop(reload_config(&ShutdownReason::Requested));
}
