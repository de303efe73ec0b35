use graceful_exit::on_shutdown;

#[on_shutdown]
static NAME: &str = "cleanup";

fn main() {
    let _ = NAME;
}
