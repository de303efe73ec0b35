//! A program with a shutdown hook that forgot `#[graceful_main]`: `exit`
//! still runs the hook, and says that no signal would have.
use graceful_exit::on_shutdown;

#[on_shutdown]
fn flush() {
    println!("hook: flush");
}

fn main() {
    println!("ready");
    if std::env::args().nth(1).as_deref() == Some("exit") {
        graceful_exit::exit(0);
    }
    loop {
        std::thread::park();
    }
}
