//! The program registers its own signal-hook handler for SIGTERM next to
//! graceful-exit's: both must see the signal.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use graceful_exit::{graceful_main, on_shutdown};

static OWN_HANDLER: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();

/// Both handlers run for the same delivery, ours first (registered first),
/// so the hook can start a moment before the program's own action has set
/// its flag: wait for it, bounded.
#[on_shutdown]
fn report() {
    let until = Instant::now() + Duration::from_secs(2);
    let seen = loop {
        let seen = OWN_HANDLER
            .get()
            .is_some_and(|flag| flag.load(Ordering::SeqCst));
        if seen || Instant::now() >= until {
            break seen;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    println!("hook: report own_handler_saw_sigterm={seen}");
}

#[graceful_main]
fn main() -> std::io::Result<()> {
    let flag = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGTERM, Arc::clone(&flag))?;
    let _ = OWN_HANDLER.set(flag);
    println!("ready");
    loop {
        std::thread::park();
    }
}
