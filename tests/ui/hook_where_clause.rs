use graceful_exit::on_shutdown;

#[on_shutdown]
fn flush()
where
    u8: Copy,
{
}

fn main() {
    flush();
}
