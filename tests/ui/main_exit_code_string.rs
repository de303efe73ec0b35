use graceful_exit::graceful_main;

#[graceful_main(exit_code = "x")]
fn main() {}
