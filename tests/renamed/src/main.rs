//! graceful-exit depended on as `ge`: there is no `::graceful_exit` here, so
//! the expansions only compile if they follow `crate = ::ge`.
#![deny(unused_qualifications, missing_docs, clippy::all, clippy::pedantic)]

/// A hook through the renamed crate.
#[ge::on_shutdown(crate = ::ge)]
fn cleanup() {
    println!("hook: cleanup");
}

/// A hook taking the reason, through the renamed crate.
#[ge::on_shutdown(crate = ::ge, order = 1, timeout = "2s")]
fn report(reason: &ge::ShutdownReason) -> Result<(), std::fmt::Error> {
    if matches!(reason, ge::ShutdownReason::Panic) {
        return Err(std::fmt::Error);
    }
    println!("hook: {reason}");
    Ok(())
}

/// A reload hook through the renamed crate.
#[ge::on_reload(crate = ::ge, timeout = "250ms")]
fn reload() {
    println!("hook: reload");
}

#[ge::graceful_main(
    crate = ::ge,
    signals = [SIGTERM],
    deadline = "2s",
    broken_pipe = "panic",
    reload = []
)]
fn main() {
    println!("renamed: running");
}
