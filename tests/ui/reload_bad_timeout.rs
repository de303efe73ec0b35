use graceful_exit::on_reload;

#[on_reload(timeout = "2 sec")]
fn reload_config() {}

fn main() {
    reload_config();
}
