use graceful_exit::on_shutdown;

#[on_shutdown]
const fn flush() {}

fn main() {
    flush();
}
