use graceful_exit::on_shutdown;

#[on_shutdown]
fn flush() -> i32 {
    0
}

fn main() {
    let _ = flush();
}
