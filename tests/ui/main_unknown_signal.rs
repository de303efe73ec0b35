use graceful_exit::graceful_main;

#[graceful_main(signals = [SIGTERM, SIGFOO])]
fn main() {}
