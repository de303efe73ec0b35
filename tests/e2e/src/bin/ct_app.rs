//! The program the PID-namespace tests put behind shells and inits: three
//! hooks (one declared, two registered at run time), `ready` once the
//! handlers are installed, then it waits for a signal.
//!
//! With the argument `orphan` it first leaves an orphaned grandchild behind
//! (see `ct_reaper`), without reaping it: the control for the reaper test.

#[cfg(unix)]
use graceful_exit::graceful_main;
use graceful_exit::on_shutdown;

#[on_shutdown]
fn first() {
    println!("hook: first");
}

/// The other two hooks, registered at run time.
#[cfg(unix)]
fn register_hooks() {
    graceful_exit::on_shutdown_fn("second", 10, |_| println!("hook: second"));
    graceful_exit::on_shutdown_fn("third", 20, |reason: &graceful_exit::ShutdownReason| {
        println!("hook: third reason={reason}");
    });
}

// Unix only: it reports its parent pid and leaves an orphan for PID 1 to
// reap, which only the Linux PID-namespace tests look at.
#[cfg(not(unix))]
fn main() {
    eprintln!("ct_app: a Unix-only test program (PID 1 and orphans)");
    std::process::exit(2);
}

#[cfg(unix)]
#[graceful_main]
fn main() {
    register_hooks();
    println!(
        "pid {} ppid {}",
        std::process::id(),
        std::os::unix::process::parent_id()
    );
    if std::env::args().nth(1).as_deref() == Some("orphan") {
        println!("orphan: {}", graceful_exit_e2e::leave_orphan());
    }
    println!("ready");
    // Returns once the shutdown starts: the hooks run after it.
    graceful_exit::wait();
}
