use graceful_exit::graceful_main;

#[graceful_main(exit_code = 300)]
fn main() {}
