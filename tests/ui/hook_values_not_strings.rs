use graceful_exit::on_shutdown;

#[on_shutdown(name = flush, timeout = 2)]
fn flush() {}

fn main() {
    flush();
}
