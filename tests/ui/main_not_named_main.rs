use graceful_exit::graceful_main;

#[graceful_main]
fn run() {}

fn main() {
    run();
}
