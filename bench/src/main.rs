//! The graceful-exit benchmark runner.
//!
//! ```sh
//! cargo run --release -p graceful-exit-bench                # 200 trials per program
//! cargo run --release -p graceful-exit-bench -- --trials 500 --no-build-time
//! ```
//!
//! It builds the five measured programs (`src/bin/*.rs`) in the runner's own
//! profile, runs them round-robin (one trial of each program per round, the
//! starting program rotating), and prints one markdown report, which it also
//! writes to `bench/RESULTS.md`. See `bench/README.md` for what each figure
//! means.

mod measure;
mod report;
mod sys;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// One measured program.
pub struct Program {
    /// The bin's name in this package.
    pub bin: &'static str,
    /// What the tables call it.
    pub label: &'static str,
    /// Whether it prints `hook` on SIGTERM.
    pub has_hook: bool,
}

pub const PROGRAMS: [Program; 5] = [
    Program {
        bin: "ge_macro",
        label: "(1) graceful-exit",
        has_hook: true,
    },
    Program {
        bin: "ctrlc_prog",
        label: "(2) ctrlc",
        has_hook: true,
    },
    Program {
        bin: "sighook_prog",
        label: "(3) signal-hook",
        has_hook: true,
    },
    Program {
        bin: "raw_prog",
        label: "(4) raw sigaction",
        has_hook: true,
    },
    Program {
        bin: "plain_prog",
        label: "(5) plain",
        has_hook: false,
    },
];
pub const GE: usize = 0;
pub const RAW: usize = 3;
pub const PLAIN: usize = 4;

/// Command-line options.
pub struct Options {
    pub trials: usize,
    pub warmup: usize,
    pub settle: Duration,
    pub idle_rounds: usize,
    pub idle_window: Duration,
    pub build_time: bool,
    pub build_bins: bool,
    pub out: Option<PathBuf>,
}

const USAGE: &str = "\
usage: cargo run --release -p graceful-exit-bench -- [options]

  --trials N        timed trials per program (default 200)
  --warmup N        untimed rounds first (default 10)
  --settle-ms N     pause between `ready` and SIGTERM (default 5)
  --idle-rounds N   rounds of the idle wake-up count (default 3)
  --idle-ms N       length of each idle window (default 1000)
  --no-build-time   skip the clean build of graceful-exit-macros
  --no-build        do not run `cargo build` for the measured programs
  --out PATH        where to write the report (default bench/RESULTS.md)
  --no-write        print the report only";

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        trials: 200,
        warmup: 10,
        settle: Duration::from_millis(5),
        idle_rounds: 3,
        idle_window: Duration::from_millis(1000),
        build_time: true,
        build_bins: true,
        out: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("RESULTS.md")),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            args.next()
                .and_then(|value| value.parse().ok())
                .ok_or_else(|| format!("{name} needs a whole number\n\n{USAGE}"))
        };
        match arg.as_str() {
            "--trials" => options.trials = usize::try_from(number(&arg)?.max(1)).unwrap_or(1),
            "--warmup" => options.warmup = usize::try_from(number(&arg)?).unwrap_or(0),
            "--settle-ms" => options.settle = Duration::from_millis(number(&arg)?),
            "--idle-rounds" => options.idle_rounds = usize::try_from(number(&arg)?).unwrap_or(0),
            "--idle-ms" => options.idle_window = Duration::from_millis(number(&arg)?.max(1)),
            "--no-build-time" => options.build_time = false,
            "--no-build" => options.build_bins = false,
            "--out" => {
                options.out = Some(
                    args.next()
                        .ok_or_else(|| format!("--out needs a path\n\n{USAGE}"))?
                        .into(),
                );
            }
            "--no-write" => options.out = None,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
        }
    }
    Ok(options)
}

pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new(".."))
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Builds the measured programs in the runner's own profile, so they land
/// next to it.
fn build_bins() -> Result<(), String> {
    let mut command = cargo();
    command.arg("build");
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    command
        .args(["-p", "graceful-exit-bench", "--bins", "--manifest-path"])
        .arg(workspace_root().join("Cargo.toml"));
    eprintln!("building the measured programs: {command:?}");
    let status = command
        .status()
        .map_err(|error| format!("running cargo: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo build failed: {status}"))
    }
}

/// Clean build times of `graceful-exit-macros` in a fresh target directory.
pub struct BuildTime {
    /// The crate and all its dependencies, from nothing.
    pub clean: Duration,
    /// The crate alone, its dependencies already built.
    pub crate_only: Option<Duration>,
    /// The crates compiled by the clean build.
    pub compiled: Vec<String>,
}

fn timed_cargo(args: &[&str], target_dir: &Path) -> Result<(Duration, String), String> {
    let mut command = cargo();
    command
        .args(args)
        .arg("--manifest-path")
        .arg(workspace_root().join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_TERM_COLOR", "never")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|error| format!("running cargo: {error}"))?;
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        Ok((took, stderr))
    } else {
        Err(format!("`cargo {}` failed:\n{stderr}", args.join(" ")))
    }
}

fn measure_build_time() -> Result<BuildTime, String> {
    let target_dir =
        std::env::temp_dir().join(format!("graceful-exit-bench-build-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&target_dir);
    eprintln!(
        "timing a clean `cargo build --release -p graceful-exit-macros` in {}",
        target_dir.display()
    );
    let build = ["build", "--release", "-p", "graceful-exit-macros"];
    let result = timed_cargo(&build, &target_dir).map(|(clean, log)| {
        let compiled = log
            .lines()
            .filter_map(|line| line.trim().strip_prefix("Compiling "))
            .map(|name| name.split(" (").next().unwrap_or(name).to_owned())
            .collect();
        // Only the temporary target directory is cleaned here.
        let clean_one = ["clean", "--release", "-p", "graceful-exit-macros"];
        let crate_only = timed_cargo(&clean_one, &target_dir)
            .and_then(|_| timed_cargo(&build, &target_dir))
            .map(|(took, _)| took)
            .ok();
        BuildTime {
            clean,
            crate_only,
            compiled,
        }
    });
    let _ = std::fs::remove_dir_all(&target_dir);
    result
}

/// File size and stripped size of a binary.
pub struct Size {
    pub file: u64,
    pub stripped: Option<u64>,
}

fn binary_size(path: &Path, scratch: &Path) -> Result<Size, String> {
    let file = std::fs::metadata(path)
        .map_err(|error| format!("{}: {error}", path.display()))?
        .len();
    let copy = scratch.join(format!(
        "{}.stripped",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("bin")
    ));
    let stripped = Command::new("strip")
        .arg("--strip-all")
        .arg("-o")
        .arg(&copy)
        .arg(path)
        .stderr(Stdio::null())
        .status()
        .ok()
        .filter(|status| status.success())
        .and_then(|_| std::fs::metadata(&copy).ok())
        .map(|meta| meta.len());
    let _ = std::fs::remove_file(&copy);
    Ok(Size { file, stripped })
}

/// Everything measured for one program.
#[derive(Default)]
pub struct Measured {
    pub startup: Vec<Duration>,
    pub hook: Vec<Duration>,
    pub exit: Vec<Duration>,
    pub idle_hwm_kib: Vec<u64>,
    pub hwm_after_hook_kib: Vec<u64>,
    pub threads: Vec<u64>,
    pub idle_rates: Vec<f64>,
    pub failures: Vec<String>,
    pub size: Option<Size>,
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "?".to_owned())
}

fn run(options: &Options) -> Result<report::Report, String> {
    if cfg!(debug_assertions) {
        eprintln!("warning: this is a debug build; run with `--release` for meaningful figures");
    }
    if options.build_bins {
        build_bins()?;
    }
    let exe = std::env::current_exe().map_err(|error| format!("current_exe: {error}"))?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    let paths: Vec<PathBuf> = PROGRAMS.iter().map(|p| dir.join(p.bin)).collect();
    for path in &paths {
        if !path.is_file() {
            return Err(format!(
                "{} is missing: build it with `cargo build --release -p graceful-exit-bench --bins`",
                path.display()
            ));
        }
    }
    let mut measured: Vec<Measured> = PROGRAMS.iter().map(|_| Measured::default()).collect();
    let load_before = load_average();
    let started = Instant::now();

    let rounds = options.warmup + options.trials;
    eprintln!(
        "{} warm-up + {} timed rounds of {} programs, round-robin",
        options.warmup,
        options.trials,
        PROGRAMS.len()
    );
    for round in 0..rounds {
        for step in 0..PROGRAMS.len() {
            let index = (round + step) % PROGRAMS.len();
            let program = &PROGRAMS[index];
            let result = measure::trial(&paths[index], program.has_hook, options.settle);
            if round < options.warmup {
                continue;
            }
            let into = &mut measured[index];
            match result {
                Ok(trial) => {
                    into.startup.push(trial.startup);
                    into.hook.extend(trial.hook);
                    into.exit.push(trial.exit);
                    into.idle_hwm_kib.push(trial.idle_hwm_kib);
                    into.threads.push(trial.threads);
                }
                Err(error) => into.failures.push(error),
            }
        }
        if (round + 1) % 50 == 0 {
            eprintln!("  round {}/{rounds}", round + 1);
        }
    }

    eprintln!(
        "{} idle rounds of {} ms",
        options.idle_rounds,
        options.idle_window.as_millis()
    );
    let idle_programs: Vec<(&Path, bool)> = paths
        .iter()
        .zip(&PROGRAMS)
        .map(|(path, program)| (path.as_path(), program.has_hook))
        .collect();
    for _ in 0..options.idle_rounds {
        let results = measure::idle_round(
            &idle_programs,
            Duration::from_millis(50),
            options.idle_window,
        )?;
        for (into, idle) in measured.iter_mut().zip(results) {
            into.idle_rates.push(idle.rate);
            into.hwm_after_hook_kib.extend(idle.hwm_after_hook_kib);
        }
    }
    let run_time = started.elapsed();
    let load_after = load_average();

    let scratch = std::env::temp_dir();
    for (into, path) in measured.iter_mut().zip(&paths) {
        into.size = Some(binary_size(path, &scratch)?);
    }

    let build_time = if options.build_time {
        match measure_build_time() {
            Ok(build) => Some(build),
            Err(error) => {
                eprintln!("build time not measured: {error}");
                None
            }
        }
    } else {
        None
    };

    Ok(report::Report {
        measured,
        build_time,
        trials: options.trials,
        warmup: options.warmup,
        settle: options.settle,
        idle_rounds: options.idle_rounds,
        idle_window: options.idle_window,
        run_time,
        load_before,
        load_after,
    })
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let report = match run(&options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("graceful-exit-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    let tables = report.tables();
    println!("{tables}");
    if let Some(out) = &options.out {
        let document = report.document(&tables);
        if let Err(error) = std::fs::write(out, document) {
            eprintln!("could not write {}: {error}", out.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {}", out.display());
    }
    ExitCode::SUCCESS
}
