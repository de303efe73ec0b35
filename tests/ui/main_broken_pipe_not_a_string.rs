use graceful_exit::graceful_main;

#[graceful_main(broken_pipe = exit)]
fn main() {}
