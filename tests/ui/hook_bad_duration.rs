use graceful_exit::on_shutdown;

#[on_shutdown(timeout = "2 parsecs")]
fn flush() {}

fn main() {
    flush();
}
