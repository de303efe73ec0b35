use graceful_exit::on_reload;

#[on_reload]
const fn reload_config() {}

fn main() {
    reload_config();
}
