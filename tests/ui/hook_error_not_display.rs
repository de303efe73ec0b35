use graceful_exit::on_shutdown;

struct NotDisplay;

#[on_shutdown]
fn flush() -> Result<(), NotDisplay> {
    Err(NotDisplay)
}

fn main() {
    let _ = flush();
}
