use graceful_exit::on_shutdown;

#[on_shutdown(order)]
fn flush() {}

fn main() {
    flush();
}
