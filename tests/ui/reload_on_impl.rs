use graceful_exit::on_reload;

struct Config;

#[on_reload]
impl Config {
    fn reload() {}
}

fn main() {
    Config::reload();
}
