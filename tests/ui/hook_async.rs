use graceful_exit::on_shutdown;

#[on_shutdown]
async fn flush() {}

fn main() {
    drop(flush());
}
