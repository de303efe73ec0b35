use graceful_exit::on_shutdown;

#[on_shutdown]
extern "C" fn flush() {}

fn main() {
    flush();
}
