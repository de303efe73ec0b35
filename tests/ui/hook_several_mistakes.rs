use graceful_exit::on_shutdown;

#[on_shutdown(ordr = 1, timeout = "2 parsecs", name = flush)]
async fn flush(x: i32) -> i32 {
    x
}

fn main() {
    drop(flush(1));
}
