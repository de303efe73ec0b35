use graceful_exit::on_reload;

#[on_reload]
fn reload_config<T: Default>() {
    drop(T::default());
}

fn main() {
    reload_config::<u8>();
}
