use graceful_exit::graceful_main;

#[graceful_main(signals = SIGTERM)]
fn main() {}
