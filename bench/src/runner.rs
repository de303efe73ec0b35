//! The measured programs and the interleaved run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::measure;
use crate::report::{self, Measured};

/// One measured program: a bin of this package, with a hook count for
/// `ge_hooks` (`GE_BENCH_HOOKS`) and an idle style for `ge`
/// (`GE_BENCH_IDLE`); the other programs ignore both.
pub struct Program {
    /// How the report names and finds it.
    pub name: &'static str,
    pub bin: &'static str,
    pub hooks: u32,
    pub idle: &'static str,
}

impl Program {
    pub fn has_hook(&self) -> bool {
        self.bin != "plain_prog"
    }
}

const fn bin(name: &'static str) -> Program {
    Program {
        name,
        bin: name,
        hooks: 0,
        idle: "",
    }
}

const fn ge(name: &'static str, idle: &'static str) -> Program {
    Program {
        name,
        bin: "ge",
        hooks: 0,
        idle,
    }
}

const fn ge_hooks(name: &'static str, hooks: u32) -> Program {
    Program {
        name,
        bin: "ge_hooks",
        hooks,
        idle: "",
    }
}

/// The programs; `src/bin/*.rs` say what each one is.
pub const PROGRAMS: &[Program] = &[
    ge("ge_wait", "wait"),
    ge("ge_park", "park"),
    bin("ctrlc_prog"),
    bin("sighook_thread"),
    bin("raw_thread"),
    bin("plain_prog"),
    bin("raw_same"),
    ge_hooks("ge_hooks_0", 0),
    ge_hooks("ge_hooks_1000", 1000),
    ge_hooks("ge_hooks_10000", 10_000),
];

const WARMUP_ROUNDS: usize = 10;
const IDLE_WINDOWS: usize = 3;
const IDLE_WINDOW: Duration = Duration::from_secs(1);

const USAGE: &str = "usage: cargo run --release -p graceful-exit-bench -- [--trials N] [--no-write]

Builds the measured programs, runs N interleaved rounds (default 150), prints
the report and writes it to bench/RESULTS.md (not with --no-write).";

pub fn workspace_root() -> &'static Path {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR"));
    bench.parent().unwrap_or(bench)
}

/// Builds the measured programs in the runner's own profile, next to it.
fn build_programs() -> Result<(), String> {
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
    cargo.args(["build", "--bins", "-p", "graceful-exit-bench"]);
    if !cfg!(debug_assertions) {
        cargo.arg("--release");
    }
    eprintln!("building the measured programs: {cargo:?}");
    match cargo.current_dir(workspace_root()).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("cargo build: {status}")),
        Err(error) => Err(format!("cargo build: {error}")),
    }
}

/// Records the size in KiB of `path` as built, and of a stripped copy.
#[allow(clippy::cast_precision_loss)]
fn add_sizes(into: &mut Measured, path: &Path) -> Result<(), String> {
    let size = |path: &Path| std::fs::metadata(path).map(|meta| meta.len() as f64 / 1024.0);
    let file = size(path).map_err(|error| format!("{path:?}: {error}"))?;
    into.add("binary", file);
    let copy = std::env::temp_dir().join(format!("ge-bench-{}", std::process::id()));
    let mut strip = Command::new("strip");
    strip.arg("--strip-all").arg("-o").arg(&copy).arg(path);
    if strip.status().is_ok_and(|status| status.success()) {
        into.add("stripped", size(&copy).map_err(|error| error.to_string())?);
    }
    let _ = std::fs::remove_file(&copy);
    Ok(())
}

fn run(trials: usize) -> Result<String, String> {
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build measures debug programs; run with --release");
    }
    build_programs()?;
    let exe = std::env::current_exe().map_err(|error| format!("current_exe: {error}"))?;
    let programs: Vec<(&Program, PathBuf)> = PROGRAMS
        .iter()
        .map(|p| (p, exe.with_file_name(p.bin)))
        .collect();
    let mut measured: Vec<Measured> = PROGRAMS.iter().map(|_| Measured::default()).collect();
    let load_before = report::load_average();
    let started = Instant::now();
    eprintln!("{WARMUP_ROUNDS} warm-up + {trials} timed rounds");
    for round in 0..WARMUP_ROUNDS + trials {
        // Every program once per round, starting one further along each
        // time, so noise from the rest of the machine falls on all alike.
        for step in 0..PROGRAMS.len() {
            let index = (round + step) % PROGRAMS.len();
            let (program, path) = &programs[index];
            let trial = measure::trial(program, path);
            if round >= WARMUP_ROUNDS {
                measured[index].add_trial(trial);
            }
        }
    }
    eprintln!("{IDLE_WINDOWS} idle windows of {IDLE_WINDOW:?}, all programs at once");
    for _ in 0..IDLE_WINDOWS {
        let rates = measure::wakeups(&programs, IDLE_WINDOW)?;
        for (into, rate) in measured.iter_mut().zip(rates) {
            into.add("wakeups", rate);
        }
    }
    let run = format!(
        "{WARMUP_ROUNDS} warm-up + {trials} timed rounds, each running every program once, the \
         first one rotating; 5 ms between `ready` and SIGTERM; wake-ups over {IDLE_WINDOWS} × \
         {IDLE_WINDOW:?}; {:.0} s; load average (1/5/15 min) before / after: {load_before} / {}",
        started.elapsed().as_secs_f64(),
        report::load_average(),
    );
    for (into, (_, path)) in measured.iter_mut().zip(&programs) {
        add_sizes(into, path)?;
    }
    Ok(report::document(PROGRAMS, &measured, &run))
}

/// Parses the options, runs, prints the report and writes `RESULTS.md`.
pub fn main() -> Result<(), String> {
    let (mut trials, mut write) = (150, true);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = || args.next()?.parse().ok().filter(|&n| n > 0);
        match arg.as_str() {
            "--trials" => trials = number().ok_or(USAGE)?,
            "--no-write" => write = false,
            _ => return Err(USAGE.to_owned()),
        }
    }
    let document = run(trials)?;
    println!("{document}");
    if write {
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("RESULTS.md");
        std::fs::write(&out, document).map_err(|error| format!("{out:?}: {error}"))?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}
