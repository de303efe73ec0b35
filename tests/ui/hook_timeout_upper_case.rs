use graceful_exit::on_shutdown;

#[on_shutdown(timeout = "2S")]
fn flush() {}

fn main() {
    flush();
}
