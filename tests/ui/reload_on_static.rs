use graceful_exit::on_reload;

#[on_reload]
static RELOADS: u32 = 0;

fn main() {
    let _ = RELOADS;
}
