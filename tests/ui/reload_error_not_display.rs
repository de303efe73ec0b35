use graceful_exit::on_reload;

struct NotDisplay;

#[on_reload]
fn reload_config() -> Result<(), NotDisplay> {
    Err(NotDisplay)
}

fn main() {
    let _ = reload_config();
}
