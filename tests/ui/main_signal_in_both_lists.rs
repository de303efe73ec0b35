use graceful_exit::graceful_main;

#[graceful_main(signals = [SIGINT, SIGTERM, SIGHUP], reload = [HUP, SIGUSR1])]
fn main() {}
