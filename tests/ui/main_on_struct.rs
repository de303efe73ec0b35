use graceful_exit::graceful_main;

#[graceful_main]
struct App;

fn main() {
    let _ = App;
}
