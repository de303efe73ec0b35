use graceful_exit::graceful_main;

#[graceful_main]
fn main() -> i32 {
    0
}
