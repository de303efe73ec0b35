use graceful_exit::graceful_main;

#[graceful_main(reload = [SIGUSR1], signals = [SIGTERM, USR1])]
fn main() {}
