//! A library with a shutdown hook of its own. A binary that uses this crate
//! gets the hook without registering anything.
use graceful_exit::on_shutdown;

/// Something the binary calls, so the library is linked in.
pub fn connect() -> &'static str {
    "hooklib connected"
}

/// Runs between the binary's order-0 and order-10 hooks.
#[on_shutdown(order = 5)]
fn hooklib_disconnect() {
    println!("hook: hooklib_disconnect");
}
