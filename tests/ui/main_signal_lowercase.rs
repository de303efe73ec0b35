use graceful_exit::graceful_main;

#[graceful_main(signals = [sigterm, int])]
fn main() {}
