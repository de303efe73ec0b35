use graceful_exit::graceful_main;

#[graceful_main(reload = SIGUSR1)]
fn main() {}
