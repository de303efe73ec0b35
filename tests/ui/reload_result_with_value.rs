use graceful_exit::on_reload;

#[on_reload]
fn reload_config() -> Result<String, std::io::Error> {
    std::fs::read_to_string("app.toml")
}

fn main() {
    let _ = reload_config();
}
