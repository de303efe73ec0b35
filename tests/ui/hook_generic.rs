use graceful_exit::on_shutdown;

#[on_shutdown]
fn flush<T: Default>() {
    drop(T::default());
}

fn main() {
    flush::<u8>();
}
