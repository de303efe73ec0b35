use graceful_exit::on_shutdown;

#[on_shutdown(timeout = "30s1m")]
fn flush() {}

fn main() {
    flush();
}
