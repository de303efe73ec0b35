use graceful_exit::on_reload;

#[on_reload]
async fn reload_config() {}

fn main() {
    drop(reload_config());
}
