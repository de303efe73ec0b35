use graceful_exit::graceful_main;

#[graceful_main(signals = [SIGTERM, SIGFOO], exit_code = 300, deadline = "soon", dedline = "8s", reap_zombies = yes, exit_code = 1)]
fn main() {}
