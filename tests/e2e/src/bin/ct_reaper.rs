//! `reap_zombies = true`: as PID 1 it reaps the orphaned grandchild it leaves
//! behind (the same orphan as `ct_app orphan`, which does not reap). With
//! the argument `during`, its hook leaves another orphan and, 600 ms later,
//! counts its own zombie children: reaping goes on during the shutdown.

#[cfg(unix)]
use graceful_exit::graceful_main;
use graceful_exit::on_shutdown;

#[on_shutdown]
fn reaper() {
    println!("hook: reaper");
    #[cfg(unix)]
    if std::env::args().nth(1).as_deref() == Some("during") {
        println!(
            "orphan during shutdown: {}",
            graceful_exit_e2e::leave_orphan()
        );
        std::thread::sleep(std::time::Duration::from_millis(600));
        println!("zombies during shutdown: {}", zombie_children());
    }
}

/// How many children of this process are zombies, from `/proc`.
#[cfg(unix)]
fn zombie_children() -> usize {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path().join("stat")).ok())
        .filter(|stat| {
            // `pid (comm) state ppid …`; comm may hold spaces.
            let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            let mut fields = rest.split_whitespace();
            fields.next() == Some("Z") && fields.next() == Some(me.as_str())
        })
        .count()
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
