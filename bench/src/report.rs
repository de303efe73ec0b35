//! Turning the measurements into markdown.

use std::fmt::Write;
use std::process::Command;
use std::time::Duration;

use crate::{BuildTime, Measured, GE, PLAIN, PROGRAMS, RAW};

/// The goals from the issue.
const LATENCY_RATIO: f64 = 1.2;
const STARTUP_EXTRA_MS: f64 = 0.3;
const RSS_EXTRA_KIB: f64 = 300.0;
const BINARY_EXTRA_KIB: f64 = 150.0;

/// How to read the tables; printed into `RESULTS.md`.
const NOTES: &str = "\
### How to read this

- Latencies are wall-clock times seen by the runner (`Instant` just before `kill(SIGTERM)` to the \
`hook` line arriving on the pipe, and to `wait4` returning), so they include the kernel's signal \
delivery and the runner's own wake-up, the same for every program. Ratios against (4) raw are the \
goal's yardstick; on a 2-core machine shared with builds, p90/p99 mostly show scheduling noise.
- RSS is `VmHWM` from `/proc/<pid>/status` (peak resident set, file-backed code pages included) \
read just before SIGTERM; \"after `hook`\" is read after the `hook` line from programs started with \
`GE_BENCH_HOLD_MS=300`, which keeps them alive after the hook, in untimed rounds. `wait4`'s \
`ru_maxrss` is not used: Linux folds the high-water mark of the pre-`exec` image (the runner) into it.
- Idle wake-ups: voluntary + involuntary context switches summed over `/proc/<pid>/task/*/status` \
(every thread, not just the main one) across each idle window.
- Binary size: `strip --strip-all` of a copy of the release binary (the \"file\" column is the \
unstripped release file, which keeps its symbol table).

";

pub struct Report {
    pub measured: Vec<Measured>,
    pub build_time: Option<BuildTime>,
    pub trials: usize,
    pub warmup: usize,
    pub settle: Duration,
    pub idle_rounds: usize,
    pub idle_window: Duration,
    pub run_time: Duration,
    pub load_before: String,
    pub load_after: String,
}

/// Nearest-rank percentile of sorted values, `p` in (0, 1].
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let rank = (p * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[derive(Clone, Copy)]
struct Dist {
    median: f64,
    p90: f64,
    p99: f64,
}

fn dist(values: impl IntoIterator<Item = f64>) -> Option<Dist> {
    let mut sorted: Vec<f64> = values.into_iter().collect();
    sorted.sort_by(f64::total_cmp);
    Some(Dist {
        median: percentile(&sorted, 0.5)?,
        p90: percentile(&sorted, 0.9)?,
        p99: percentile(&sorted, 0.99)?,
    })
}

fn millis(durations: &[Duration]) -> Option<Dist> {
    dist(durations.iter().map(|d| d.as_secs_f64() * 1e3))
}

#[allow(clippy::cast_precision_loss)]
fn median_u64(values: &[u64]) -> Option<f64> {
    dist(values.iter().map(|&v| v as f64)).map(|d| d.median)
}

fn show_dist(dist: Option<Dist>) -> String {
    dist.map_or_else(
        || "—".to_owned(),
        |d| format!("{:.3} / {:.3} / {:.3}", d.median, d.p90, d.p99),
    )
}

fn show(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.decimals$}"))
}

fn signed(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:+.decimals$}"))
}

/// Figures derived for one program.
struct Row {
    startup: Option<Dist>,
    hook: Option<Dist>,
    exit: Option<Dist>,
    idle_rss: Option<f64>,
    /// Median `VmHWM` right after `hook`, and how many samples it has.
    hook_rss: Option<f64>,
    hook_rss_samples: usize,
    threads: Option<f64>,
    idle_max: Option<f64>,
    idle_mean: Option<f64>,
    /// Stripped size when `strip` worked, else file size; KiB.
    binary: Option<f64>,
    file: Option<f64>,
    stripped: bool,
    failures: usize,
}

impl Row {
    #[allow(clippy::cast_precision_loss)]
    fn of(measured: &Measured) -> Row {
        let idle_max = measured.idle_rates.iter().copied().reduce(f64::max);
        let idle_mean = (!measured.idle_rates.is_empty())
            .then(|| measured.idle_rates.iter().sum::<f64>() / measured.idle_rates.len() as f64);
        let size = measured.size.as_ref();
        Row {
            startup: millis(&measured.startup),
            hook: millis(&measured.hook),
            exit: millis(&measured.exit),
            idle_rss: median_u64(&measured.idle_hwm_kib),
            hook_rss: median_u64(&measured.hwm_after_hook_kib),
            hook_rss_samples: measured.hwm_after_hook_kib.len(),
            threads: median_u64(&measured.threads),
            idle_max,
            idle_mean,
            binary: size.map(|s| s.stripped.unwrap_or(s.file) as f64 / 1024.0),
            file: size.map(|s| s.file as f64 / 1024.0),
            stripped: size.is_some_and(|s| s.stripped.is_some()),
            failures: measured.failures.len(),
        }
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

fn times(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}×"))
}

/// A goal cell: the figure, then pass or miss with how far over.
fn verdict(figure: String, over: Option<f64>, unit: &str, decimals: usize) -> String {
    match over {
        None => format!("{figure} — n/a"),
        Some(over) if over <= 0.0 => format!("{figure} — pass"),
        Some(over) => format!("{figure} — **miss** by {over:.decimals$} {unit}"),
    }
}

impl Report {
    /// The three tables and the build time, as markdown.
    pub fn tables(&self) -> String {
        let rows: Vec<Row> = self.measured.iter().map(Row::of).collect();
        let mut out = String::new();
        self.results_table(&rows, &mut out);
        Self::ratio_table(&rows, &mut out);
        Self::goal_table(&rows, &mut out);
        self.build_section(&mut out);
        self.failures_section(&mut out);
        out
    }

    fn results_table(&self, rows: &[Row], out: &mut String) {
        let stripped = rows.iter().all(|row| row.stripped);
        let _ = writeln!(
            out,
            "### Results ({} trials per program; times in ms as median / p90 / p99)\n",
            self.trials
        );
        let _ = writeln!(
            out,
            "| program | startup (spawn → `ready`) | SIGTERM → `hook` | SIGTERM → exit | idle RSS KiB | RSS after `hook` KiB (n) | threads | idle ctx switches/s (max / mean) | binary KiB ({}) | file KiB | failed |",
            if stripped { "stripped" } else { "file size: strip failed" }
        );
        let _ = writeln!(out, "|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|");
        for (program, row) in PROGRAMS.iter().zip(rows) {
            let _ = writeln!(
                out,
                "| {} (`{}`) | {} | {} | {} | {} | {} | {} | {} / {} | {} | {} | {} |",
                program.label,
                program.bin,
                show_dist(row.startup),
                if program.has_hook {
                    show_dist(row.hook)
                } else {
                    "— (no hook)".to_owned()
                },
                show_dist(row.exit),
                show(row.idle_rss, 0),
                if program.has_hook {
                    format!("{} ({})", show(row.hook_rss, 0), row.hook_rss_samples)
                } else {
                    "—".to_owned()
                },
                show(row.threads, 0),
                show(row.idle_max, 1),
                show(row.idle_mean, 1),
                show(row.binary, 1),
                show(row.file, 1),
                row.failures,
            );
        }
        out.push('\n');
    }

    fn ratio_table(rows: &[Row], out: &mut String) {
        let raw = &rows[RAW];
        let plain = &rows[PLAIN];
        let _ = writeln!(
            out,
            "### Against (4) raw and (5) plain\n\n\
             | program | hook ÷ raw (median / p99) | exit ÷ raw (median / p99) | exit ÷ plain (median) | startup − plain ms (median) | startup ÷ plain | idle RSS − plain KiB | RSS after `hook` − plain idle KiB | binary − plain KiB |\n\
             |---|--:|--:|--:|--:|--:|--:|--:|--:|"
        );
        for (program, row) in PROGRAMS.iter().zip(rows) {
            let median = |d: Option<Dist>| d.map(|d| d.median);
            let p99 = |d: Option<Dist>| d.map(|d| d.p99);
            let _ = writeln!(
                out,
                "| {} | {} / {} | {} / {} | {} | {} | {} | {} | {} | {} |",
                program.label,
                times(ratio(median(row.hook), median(raw.hook))),
                times(ratio(p99(row.hook), p99(raw.hook))),
                times(ratio(median(row.exit), median(raw.exit))),
                times(ratio(p99(row.exit), p99(raw.exit))),
                times(ratio(median(row.exit), median(plain.exit))),
                signed(diff(median(row.startup), median(plain.startup)), 3),
                times(ratio(median(row.startup), median(plain.startup))),
                signed(diff(row.idle_rss, plain.idle_rss), 0),
                signed(diff(row.hook_rss, plain.idle_rss), 0),
                signed(diff(row.binary, plain.binary), 1),
            );
        }
        out.push('\n');
    }

    fn goal_table(rows: &[Row], out: &mut String) {
        let raw = &rows[RAW];
        let plain = &rows[PLAIN];
        let candidates = [GE, 1, 2];
        let _ = write!(out, "### Goals (from the issue)\n\n| goal |");
        for &index in &candidates {
            let _ = write!(out, " {} |", PROGRAMS[index].label);
        }
        let _ = writeln!(out, "\n|---|{}", "---|".repeat(candidates.len()));

        type Cell = fn(&Row, &Row, &Row) -> String;
        let goals: [(&str, Cell); 7] = [
            (
                "SIGTERM → `hook` latency ≤ 1.2× raw (median)",
                |row, raw, _| latency_goal(row.hook, raw.hook),
            ),
            (
                "SIGTERM → exit latency ≤ 1.2× raw (median)",
                |row, raw, _| latency_goal(row.exit, raw.exit),
            ),
            ("startup ≤ plain + 0.3 ms (median)", |row, _, plain| {
                let extra = diff(
                    row.startup.map(|d| d.median),
                    plain.startup.map(|d| d.median),
                );
                verdict(
                    format!("{} ms", signed(extra, 3)),
                    extra.map(|e| e - STARTUP_EXTRA_MS),
                    "ms",
                    3,
                )
            }),
            (
                "0 idle wake-ups (context switches, all threads)",
                |row, _, _| {
                    verdict(
                        format!("{}/s", show(row.idle_max, 1)),
                        row.idle_max,
                        "switches/s",
                        1,
                    )
                },
            ),
            (
                "idle RSS ≤ plain + 300 KiB (VmHWM before SIGTERM)",
                |row, _, plain| {
                    let extra = diff(row.idle_rss, plain.idle_rss);
                    verdict(
                        format!("{} KiB", signed(extra, 0)),
                        extra.map(|e| e - RSS_EXTRA_KIB),
                        "KiB",
                        0,
                    )
                },
            ),
            (
                "RSS through shutdown ≤ plain + 300 KiB (VmHWM after `hook` vs plain idle)",
                |row, _, plain| {
                    let extra = diff(row.hook_rss, plain.idle_rss);
                    verdict(
                        format!("{} KiB", signed(extra, 0)),
                        extra.map(|e| e - RSS_EXTRA_KIB),
                        "KiB",
                        0,
                    )
                },
            ),
            ("binary ≤ plain + 150 KiB (stripped)", |row, _, plain| {
                let extra = diff(row.binary, plain.binary);
                verdict(
                    format!("{} KiB", signed(extra, 1)),
                    extra.map(|e| e - BINARY_EXTRA_KIB),
                    "KiB",
                    1,
                )
            }),
        ];
        for (goal, cell) in goals {
            let _ = write!(out, "| {goal} |");
            for &index in &candidates {
                let _ = write!(out, " {} |", cell(&rows[index], raw, plain));
            }
            out.push('\n');
        }
        out.push('\n');
    }

    fn build_section(&self, out: &mut String) {
        match &self.build_time {
            None => {
                let _ = writeln!(
                    out,
                    "Clean build of `graceful-exit-macros`: not measured (`--no-build-time` or it failed).\n"
                );
            }
            Some(build) => {
                let _ = writeln!(
                    out,
                    "Clean build of `graceful-exit-macros` (`cargo build --release -p graceful-exit-macros`, fresh `CARGO_TARGET_DIR`, one run, default jobs): \
                     **{:.1} s** for {} crates ({}); the macros crate alone, its dependencies already built: {}.\n",
                    build.clean.as_secs_f64(),
                    build.compiled.len(),
                    build.compiled.join(", "),
                    build
                        .crate_only
                        .map_or_else(|| "not measured".to_owned(), |d| format!("{:.1} s", d.as_secs_f64())),
                );
            }
        }
    }

    fn failures_section(&self, out: &mut String) {
        for (program, measured) in PROGRAMS.iter().zip(&self.measured) {
            if let Some(first) = measured.failures.first() {
                let _ = writeln!(
                    out,
                    "{} failed {} trial(s); first: {first}\n",
                    program.label,
                    measured.failures.len()
                );
            }
        }
    }

    /// The whole `RESULTS.md`: when, where, how, then the tables.
    pub fn document(&self, tables: &str) -> String {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|line| line.strip_prefix("model name")?.split_once(':'))
                    .map(|(_, model)| model.trim().to_owned())
            })
            .unwrap_or_else(|| "?".to_owned());
        let mut out = String::new();
        let _ = writeln!(out, "# graceful-exit benchmark results\n");
        let _ = writeln!(
            out,
            "Written by `cargo run --release -p graceful-exit-bench`; see [README.md](README.md) for what each figure means.\n"
        );
        let _ = writeln!(out, "- date: {}", command_line("date", &["-u"]));
        let _ = writeln!(
            out,
            "- machine: {} cores (`nproc`), {cpu}, {}",
            command_line("nproc", &[]),
            command_line("uname", &["-sr"])
        );
        let _ = writeln!(out, "- toolchain: {}", command_line("rustc", &["-V"]));
        let _ = writeln!(out, "- graceful-exit source: {}", source_state());
        let _ = writeln!(
            out,
            "- run: {} warm-up + {} timed rounds, round-robin over the five programs (starting program rotates each round), {} ms settle between `ready` and SIGTERM; idle wake-ups over {} × {} ms; {:.0} s in all",
            self.warmup,
            self.trials,
            self.settle.as_millis(),
            self.idle_rounds,
            self.idle_window.as_millis(),
            self.run_time.as_secs_f64()
        );
        let _ = writeln!(
            out,
            "- load average (1/5/15 min) before / after the timed part: {} / {} — other builds may share the machine\n",
            self.load_before, self.load_after
        );
        out.push_str(tables);
        out.push_str(NOTES);
        let _ = writeln!(
            out,
            "## How to rerun\n\n\
             ```sh\n\
             cargo run --release -p graceful-exit-bench                       # rewrites bench/RESULTS.md\n\
             cargo run --release -p graceful-exit-bench -- --trials 1000 --no-build-time\n\
             cargo run --release -p graceful-exit-bench -- --help\n\
             ```"
        );
        out
    }
}

fn latency_goal(row: Option<Dist>, raw: Option<Dist>) -> String {
    let r = ratio(row.map(|d| d.median), raw.map(|d| d.median));
    let over = match (row, raw) {
        (Some(row), Some(raw)) => Some(row.median - LATENCY_RATIO * raw.median),
        _ => None,
    };
    verdict(times(r), over, "ms", 3)
}

/// The commit the measured graceful-exit was built from, and whether the
/// crates it is built from had uncommitted changes.
fn source_state() -> String {
    let root = crate::workspace_root().to_string_lossy().into_owned();
    let commit = command_line("git", &["-C", &root, "rev-parse", "--short", "HEAD"]);
    let dirty = Command::new("git")
        .args(["-C", &root, "status", "--porcelain", "--"])
        .args(["src", "runtime", "macros", "Cargo.toml"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| {
            let mut dirs: Vec<String> = String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter_map(|line| line.get(3..)?.split('/').next().map(str::to_owned))
                .collect();
            dirs.dedup();
            dirs
        });
    match dirty {
        Some(dirs) if dirs.is_empty() => format!("commit {commit}, clean"),
        Some(dirs) => format!(
            "commit {commit} plus uncommitted changes in {}",
            dirs.join(", ")
        ),
        None => format!("commit {commit}"),
    }
}

/// The first line a command prints, or `?`.
fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| {
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .next()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "?".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let values: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), Some(100.0));
        assert_eq!(percentile(&values, 0.9), Some(180.0));
        assert_eq!(percentile(&values, 0.99), Some(198.0));
        assert_eq!(percentile(&[7.0], 0.99), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict("x".into(), Some(0.0), "ms", 3), "x — pass");
        assert_eq!(
            verdict("x".into(), Some(0.25), "ms", 3),
            "x — **miss** by 0.250 ms"
        );
    }
}
