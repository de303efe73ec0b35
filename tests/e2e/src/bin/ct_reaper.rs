//! `reap_zombies = true`: as PID 1 it reaps the orphaned grandchild it leaves
//! behind (the same orphan as `ct_app orphan`, which does not reap).

#[cfg(unix)]
use graceful_exit::graceful_main;
use graceful_exit::on_shutdown;

#[on_shutdown]
fn reaper() {
    println!("hook: reaper");
}

// Unix only: it reports its parent pid and leaves an orphan for PID 1 to
// reap, which only the Linux PID-namespace tests look at.
#[cfg(not(unix))]
fn main() {
    eprintln!("ct_reaper: a Unix-only test program (PID 1 and orphans)");
    std::process::exit(2);
}

#[cfg(unix)]
#[graceful_main(reap_zombies = true)]
fn main() {
    println!(
        "pid {} ppid {}",
        std::process::id(),
        std::os::unix::process::parent_id()
    );
    println!("orphan: {}", graceful_exit_e2e::leave_orphan());
    println!("ready");
    // Returns once the shutdown starts: the hooks run after it.
    graceful_exit::wait();
}
