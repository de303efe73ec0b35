use graceful_exit::on_reload;

#[on_reload]
fn reload_config(path: &str) {
    drop(path);
}

fn main() {
    reload_config("app.toml");
}
