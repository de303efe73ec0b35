use graceful_exit::on_shutdown;

#[on_shutdown(order = "x")]
fn flush() {}

fn main() {
    flush();
}
