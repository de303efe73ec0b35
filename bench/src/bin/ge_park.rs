//! graceful-exit, `main` blocked on something unrelated to shutdown (here it
//! parks for good): the runtime alone takes the signal to the hook.

use graceful_exit::{graceful_main, on_shutdown};
use graceful_exit_bench::{idle, say};

#[on_shutdown]
fn hook() {
    say("hook");
}

#[graceful_main]
fn main() {
    say("ready");
    idle()
}
