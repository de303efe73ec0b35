//! (5) The baseline: no signal handling at all.
//!
//! Prints `ready` and blocks in `pause()`; SIGTERM's default action kills
//! it. There is no hook, so it has no `SIGTERM → hook` time.

use std::io::Write;

fn main() {
    {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(b"ready\n");
        let _ = out.flush();
    }
    loop {
        // SAFETY: pause(2) has no preconditions.
        unsafe {
            libc::pause();
        }
    }
}
