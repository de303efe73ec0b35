use graceful_exit::on_reload;

#[on_reload]
unsafe fn reload_config() {}

fn main() {
    unsafe { reload_config() }
}
