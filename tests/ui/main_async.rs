use graceful_exit::graceful_main;

#[graceful_main]
async fn main() {}
