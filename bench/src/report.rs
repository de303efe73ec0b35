//! The measurements as markdown: figures and ratios, no verdicts.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::fs;
use std::process::Command;

use crate::runner::{workspace_root, Program};

/// Everything measured for one program.
#[derive(Default)]
pub struct Measured {
    /// Samples by figure: `startup`, `hook`, `exit` (ms), `hwm` (KiB),
    /// `threads`, `wakeups` (per second), `binary`, `stripped` (KiB).
    samples: BTreeMap<&'static str, Vec<f64>>,
    failures: Vec<String>,
}

impl Measured {
    pub fn add(&mut self, figure: &'static str, value: f64) {
        self.samples.entry(figure).or_default().push(value);
    }

    pub fn add_trial(&mut self, trial: Result<Vec<(&'static str, f64)>, String>) {
        match trial {
            Ok(figures) => figures
                .into_iter()
                .for_each(|(key, value)| self.add(key, value)),
            Err(error) => self.failures.push(error),
        }
    }

    /// Median and 90th percentile (nearest rank) of a figure.
    fn dist(&self, figure: &str) -> Option<(f64, f64)> {
        let mut sorted = self.samples.get(figure)?.clone();
        sorted.sort_by(f64::total_cmp);
        Some((percentile(&sorted, 0.5)?, percentile(&sorted, 0.9)?))
    }

    fn median(&self, figure: &str) -> Option<f64> {
        self.dist(figure).map(|(median, _)| median)
    }
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
#[allow(clippy::cast_precision_loss)]
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.max(1) - 1).copied()
}

/// The main table's columns: figure, header, decimals, whether to add p90.
const FIGURES: [(&str, &str, usize, bool); 8] = [
    ("startup", "startup", 3, true),
    ("hook", "SIGTERM → hook", 3, true),
    ("exit", "SIGTERM → exit", 3, true),
    ("hwm", "VmHWM KiB", 0, false),
    ("threads", "threads", 0, false),
    ("wakeups", "wake-ups/s", 1, true),
    ("binary", "binary KiB", 1, false),
    ("stripped", "stripped KiB", 1, false),
];

/// The comparison columns: header, figure, program compared with, and
/// `None` for a ratio or `Some(decimals)` for a difference (of medians).
const RATIOS: [(&str, &str, &str, Option<usize>); 7] = [
    ("hook ÷ ctrlc", "hook", "ctrlc_prog", None),
    ("hook ÷ floor", "hook", "raw_thread", None),
    ("exit ÷ floor", "exit", "raw_thread", None),
    ("startup − plain, ms", "startup", "plain_prog", Some(3)),
    ("VmHWM − plain, KiB", "hwm", "plain_prog", Some(0)),
    ("binary − plain, KiB", "binary", "plain_prog", Some(1)),
    ("stripped − plain, KiB", "stripped", "plain_prog", Some(1)),
];

/// One cell: the median, with the p90 in parentheses when `spread`.
fn cell(measured: &Measured, figure: &str, decimals: usize, spread: bool) -> String {
    match measured.dist(figure) {
        Some((median, p90)) if spread => format!("{median:.decimals$} ({p90:.decimals$})"),
        Some((median, _)) => format!("{median:.decimals$}"),
        None => "—".to_owned(),
    }
}

fn header<'h>(out: &mut String, first: &str, columns: impl Iterator<Item = &'h str>) {
    let columns: Vec<&str> = columns.collect();
    let _ = writeln!(out, "| {first} | {} |", columns.join(" | "));
    let _ = writeln!(out, "|---|{}", "--:|".repeat(columns.len()));
}

/// Programs and their measurements, looked up by name.
struct Table<'a>(Vec<(&'a Program, &'a Measured)>);

impl<'a> Table<'a> {
    fn get(&self, name: &str) -> (&'a Program, &'a Measured) {
        let found = self.0.iter().find(|(program, _)| program.name == name);
        *found.unwrap_or_else(|| panic!("no program named {name}"))
    }

    /// One line per program: times, resources and sizes.
    fn figures(&self, out: &mut String, names: &[&str]) {
        header(out, "program", FIGURES.iter().map(|column| column.1));
        for name in names {
            let (_, measured) = self.get(name);
            let _ = write!(out, "| `{name}` |");
            for (figure, _, decimals, spread) in FIGURES {
                let _ = write!(out, " {} |", cell(measured, figure, decimals, spread));
            }
            out.push('\n');
        }
        out.push('\n');
    }

    /// One line per program: its medians against ctrlc, the floor and plain.
    fn ratios(&self, out: &mut String, names: &[&str]) {
        header(out, "program", RATIOS.iter().map(|column| column.0));
        for name in names {
            let _ = write!(out, "| `{name}` |");
            for (_, figure, base, difference) in RATIOS {
                let a = self.get(name).1.median(figure);
                let b = self.get(base).1.median(figure).filter(|b| *b > 0.0);
                let cell = match (a.zip(b), difference) {
                    (Some((a, b)), None) => format!("{:.2}×", a / b),
                    (Some((a, b)), Some(decimals)) => format!("{:+.decimals$}", a - b),
                    (None, _) => "—".to_owned(),
                };
                let _ = write!(out, " {cell} |");
            }
            out.push('\n');
        }
        out.push('\n');
    }

    /// Shutdown time against the number of run-time hooks.
    fn hooks(&self, out: &mut String, names: &[&str]) {
        let columns = ["SIGTERM → first hook", "SIGTERM → exit", "µs per hook"];
        header(out, "run-time hooks", columns.into_iter());
        let base = self.get(names[0]).1.median("exit");
        for name in names {
            let (program, measured) = self.get(name);
            let per_hook = match (measured.median("exit"), base, f64::from(program.hooks)) {
                (Some(exit), Some(base), hooks) if hooks > 0.0 => {
                    format!("{:.3}", (exit - base) * 1e3 / hooks)
                }
                _ => "—".to_owned(),
            };
            let hook = cell(measured, "hook", 3, true);
            let exit = cell(measured, "exit", 3, true);
            let _ = writeln!(out, "| {} | {hook} | {exit} | {per_hook} |", program.hooks);
        }
        out.push('\n');
    }
}

const NOTES: &str = "\
## How to read this

Times in ms, median (p90), as the runner sees them: spawn → `ready` line; `kill(SIGTERM)` → \
`hook` line, and → program reaped. The floor is `raw_thread`; `raw_same` runs its hook on the \
signalled thread, which a library that leaves `main` to the user cannot do. VmHWM (peak RSS) \
and threads are read from `/proc/<pid>/status` while the program idles after `ready`. Wake-ups: \
context switches per second, all threads, while idle. `binary`: the file `cargo build \
--release` leaves (symbols kept); `stripped`: after `strip --strip-all`. µs per hook: (exit \
with N hooks − exit with 0) ÷ N. Details: [README.md](README.md).
";

/// The whole `RESULTS.md`; `run` says how the run went.
pub fn document(programs: &[Program], measured: &[Measured], run: &str) -> String {
    let table = Table(programs.iter().zip(measured).collect());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# graceful-exit benchmark results\n\n\
         Written by `cargo run --release -p graceful-exit-bench` from one run; \
         [README.md](README.md) describes the programs and the method.\n\n{}- run: {run}\n",
        facts()
    );
    let main = [
        "ge_wait",
        "ge_park",
        "ctrlc_prog",
        "sighook_thread",
        "raw_thread",
    ];
    out.push_str("## Programs\n\n");
    table.figures(&mut out, &[&main[..], &["plain_prog"]].concat());
    out.push_str("## Against ctrlc, the floor (`raw_thread`) and the baseline (`plain_prog`)\n\n");
    table.ratios(&mut out, &main);
    out.push_str("## Same thread: the hook on the signalled thread (a reference, not a floor)\n\n");
    table.figures(&mut out, &["raw_same"]);
    table.ratios(&mut out, &["raw_same"]);
    out.push_str("## Many hooks: `ge_hooks`, run-time hooks after the one that prints\n\n");
    table.hooks(&mut out, &["ge_hooks_0", "ge_hooks_1000", "ge_hooks_10000"]);
    for (program, measured) in &table.0 {
        if let Some(first) = measured.failures.first() {
            let count = measured.failures.len();
            let name = program.name;
            let _ = writeln!(out, "`{name}` failed {count} trial(s); first: {first}\n");
        }
    }
    out.push_str(NOTES);
    out
}

/// When, what and where, as markdown list items (run in the workspace root).
const FACTS: &str = r#"
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
dirty=$(git status --porcelain | cut -c4- | cut -d/ -f1 | sort -u | paste -sd, -)
echo "- commit: $(git rev-parse --short HEAD), ${dirty:+dirty tree: uncommitted changes in }${dirty:-clean tree}"
echo "- machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), $(nproc) cores, $(uname -sr)"
echo "- toolchain: $(rustc -V)"
"#;

fn facts() -> String {
    let output = Command::new("sh")
        .args(["-c", FACTS])
        .current_dir(workspace_root())
        .output();
    output.map_or_else(
        |error| format!("(sh: {error})\n"),
        |output| String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// The 1, 5 and 15 minute load averages.
pub fn load_average() -> String {
    let text = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank() {
        let values: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), Some(100.0));
        assert_eq!(percentile(&values, 0.9), Some(180.0));
        assert_eq!(percentile(&[7.0], 0.9), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
