//! `reap_zombies = true`: as PID 1 it reaps the orphaned grandchild it leaves
//! behind (the same orphan as `ct_app orphan`, which does not reap).

use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn reaper() {
    println!("hook: reaper");
}

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
