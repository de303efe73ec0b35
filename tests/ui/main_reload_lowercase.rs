use graceful_exit::graceful_main;

#[graceful_main(reload = [hup])]
fn main() {}
