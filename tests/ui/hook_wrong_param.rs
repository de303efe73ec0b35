use graceful_exit::on_shutdown;

#[on_shutdown]
fn flush(x: i32) {
    let _ = x;
}

fn main() {
    flush(1);
}
