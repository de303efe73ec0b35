use graceful_exit::on_reload;

#[on_reload]
extern "C" fn reload_config() {}

fn main() {
    reload_config();
}
