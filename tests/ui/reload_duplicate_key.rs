use graceful_exit::on_reload;

#[on_reload(timeout = "1s", timeout = "2s")]
fn reload_config() {}

fn main() {
    reload_config();
}
