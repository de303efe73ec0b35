use graceful_exit::on_shutdown;

#[on_shutdown(order = 1, order = 2)]
fn flush() {}

fn main() {
    flush();
}
