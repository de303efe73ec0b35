use graceful_exit::on_shutdown;

#[on_shutdown]
struct Cleanup;

fn main() {
    let _ = Cleanup;
}
