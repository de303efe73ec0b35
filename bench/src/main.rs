//! The graceful-exit benchmark runner: `cargo run --release -p
//! graceful-exit-bench` builds the measured programs (`src/bin/*.rs`), runs
//! them interleaved, prints a markdown report and writes it to
//! `bench/RESULTS.md`; `bench/README.md` describes the method. It measures
//! only on Linux (it reads `/proc`); elsewhere it says so and exits 0.

#[cfg(target_os = "linux")]
mod measure;
#[cfg(target_os = "linux")]
mod report;
#[cfg(target_os = "linux")]
mod runner;

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    match runner::main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("graceful-exit-bench: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("graceful-exit-bench measures only on Linux (it reads /proc); nothing to do here.");
}
