use graceful_exit::on_reload;

#[on_reload]
fn reload_config() -> bool {
    true
}

fn main() {
    let _ = reload_config();
}
