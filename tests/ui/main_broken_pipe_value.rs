use graceful_exit::graceful_main;

#[graceful_main(broken_pipe = "ignore")]
fn main() {}
