use graceful_exit::on_shutdown;

#[on_shutdown]
unsafe fn flush() {}

fn main() {
    unsafe { flush() }
}
