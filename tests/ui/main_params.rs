use graceful_exit::graceful_main;

#[graceful_main]
fn main(args: Vec<String>) {
    let _ = args;
}
