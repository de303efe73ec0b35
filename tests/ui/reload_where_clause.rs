use graceful_exit::on_reload;

#[on_reload]
fn reload_config()
where
    u8: Copy,
{
}

fn main() {
    reload_config();
}
