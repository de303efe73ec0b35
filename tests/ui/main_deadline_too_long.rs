use graceful_exit::graceful_main;

#[graceful_main(deadline = "6000000h")]
fn main() {}
