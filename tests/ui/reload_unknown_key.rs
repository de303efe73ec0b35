use graceful_exit::on_reload;

#[on_reload(signals = [SIGHUP])]
fn reload_config() {}

fn main() {
    reload_config();
}
