use graceful_exit::on_shutdown;

#[on_shutdown(ordr = 1)]
fn flush() {}

fn main() {
    flush();
}
