use graceful_exit::on_shutdown;

#[on_shutdown(timeout = "1.5")]
fn flush() {}

fn main() {
    flush();
}
