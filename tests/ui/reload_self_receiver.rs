use graceful_exit::on_reload;

struct Config;

impl Config {
    #[on_reload]
    fn reload(&self) {}
}

fn main() {
    Config.reload();
}
