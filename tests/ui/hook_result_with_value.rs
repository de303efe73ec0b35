use graceful_exit::on_shutdown;

#[on_shutdown]
fn flush() -> Result<usize, std::io::Error> {
    Ok(0)
}

fn main() {
    let _ = flush();
}
