//! Installing the runtime, and the watcher thread it starts.
//!
//! [`install`] decides what each signal does ([`Role`]), starts the
//! watcher, and only then installs the handlers: if the thread cannot
//! start, no handler is installed and every signal keeps its default
//! action. The watcher starts the watchdog, off the program's start-up
//! path; should that fail, signals still work and the failure is reported.
//!
//! The watcher blocks on its doorbell (no wake-ups while idle). A signal's
//! handler, or a request from code, rings it; it then starts the shutdown
//! and runs its hooks itself, or runs the hooks of a shutdown begun on
//! another thread, or a reload, or reaps children.
#![forbid(unsafe_code)]

use std::fmt;
use std::sync::Arc;

use crate::events::{self, Role};
use crate::hooks::sequence::{Ran, Sequence};
use crate::platform::{self, Doorbell};
use crate::reload::{self, Reloaded};
use crate::settings::{BrokenPipe, Settings};
use crate::{broken_pipe, diag, hooks, output, shutdown, state, watchdog, Signal};

/// Installs the runtime with `settings`.
pub(crate) fn install(settings: Settings) -> Result<(), InstallError> {
    if !state::mark_installed() || !state::set_settings(settings) {
        // Installed before, or a shutdown already began with the defaults.
        return Err(InstallError::AlreadyInstalled);
    }
    let settings = state::settings();
    if settings.debug_log {
        output::force_debug();
    }
    let plan = plan(settings);
    let numbers: Vec<i32> = plan
        .iter()
        .map(|(number, _)| *number)
        .filter(|&number| handled_by_backend(number))
        .collect();
    // The runtime's threads start with these signals blocked, for good: the
    // kernel delivers them to the program's threads.
    let blocked = platform::Blocked::new(&numbers);
    let started = start();
    drop(blocked);
    started.map_err(InstallError::Thread)?;
    for (number, role) in &plan {
        events::set_role(*number, *role);
    }
    let report = platform::Report {
        signal: events::signal_arrived,
        stop: events::stop_signal_arrived,
    };
    let handled = platform::install_handlers(&numbers, report).map_err(|error| {
        for number in &numbers {
            events::set_role(*number, Role::Ignore);
        }
        InstallError::Signal(error)
    })?;
    for &number in numbers.iter().filter(|number| !handled.contains(number)) {
        output::debug(format_args!(
            "{} was ignored when the program started (`nohup`, `cmd &` in a script); it stays ignored",
            Signal::from_number(number).map_or("a signal", Signal::name)
        ));
    }
    if settings.broken_pipe == BrokenPipe::Exit {
        broken_pipe::install();
    }
    if platform::CHILD_SIGNAL.is_some_and(|child| handled.contains(&child)) {
        platform::reap_children();
    }
    diag::warn_if_behind_shell();
    Ok(())
}

/// Whether the backend can handle `number`; if not, says so.
fn handled_by_backend(number: i32) -> bool {
    if platform::can_handle(number) {
        return true;
    }
    if platform::CHILD_SIGNAL == Some(number) {
        output::error(format_args!(
            "reap_zombies needs the signal-hook backend; zombies will not be reaped"
        ));
    } else {
        output::error(format_args!(
            "the {} backend cannot handle {}; it keeps its default action (the default signal-hook backend can)",
            platform::BACKEND,
            Signal::from_number(number).map_or("this signal", Signal::name)
        ));
    }
    false
}

/// Each signal to handle, with what it does.
fn plan(settings: &Settings) -> Vec<(i32, Role)> {
    let reload = settings.reload.as_deref();
    let mut plan: Vec<(i32, Role)> = Vec::new();
    let mut add = |signal: Signal, role: Role| {
        if !plan.iter().any(|(number, _)| *number == signal.number()) {
            plan.push((signal.number(), role));
        }
    };
    for &signal in &settings.signals {
        let role = match reload {
            Some(list) if list.contains(&signal) => Role::Reload,
            None if signal == Signal::HUP => Role::ReloadIfHooks,
            _ => Role::Shutdown,
        };
        add(signal, role);
    }
    let declared = hooks::declares_reload_hooks();
    if declared {
        events::reload_hooks_exist();
    }
    match reload {
        Some(list) => list.iter().for_each(|&signal| add(signal, Role::Reload)),
        None if declared => add(Signal::HUP, Role::Reload),
        None => {}
    }
    if settings.reap_zombies && std::process::id() == 1 {
        if let Some(child) = platform::CHILD_SIGNAL {
            plan.push((child, Role::Child));
        }
    }
    plan
}

/// Starts the watcher thread.
fn start() -> std::io::Result<()> {
    let doorbell = Arc::new(Doorbell::new()?);
    let own = Arc::clone(&doorbell);
    events::spawn("graceful-exit", None, Box::new(move || run(&own)))?;
    let _ = events::WATCHER.set(doorbell);
    Ok(())
}

/// The watcher thread: starts the watchdog (off the program's start-up
/// path), then watches.
fn run(doorbell: &Doorbell) {
    watchdog::start();
    watch(doorbell);
}

/// The watcher's loop. Returns when this thread stops being the watcher
/// (its reload hook was abandoned and a new thread took over).
fn watch(doorbell: &Doorbell) {
    while dispatch() {
        doorbell.wait(None);
    }
}

/// Does everything asked for so far. `false` if this thread must stop.
fn dispatch() -> bool {
    loop {
        if events::take_child() {
            platform::reap_children();
        }
        if events::take_run() {
            shutdown::run_requested();
        }
        if let Some(signal) = events::first_signal() {
            if state::has_started() {
                // Perhaps a second signal: the watchdog judges.
                events::ring_watchdog();
            } else {
                shutdown::deliver_signal(signal);
            }
        }
        match reload::run(resume_reload) {
            Reloaded::Abandoned => return false,
            // A shutdown signal may have cut the reload short: look again.
            Reloaded::Done if events::first_signal().is_some() && !state::has_started() => {}
            Reloaded::Done => return true,
        }
    }
}

/// On a new thread, after a reload hook was abandoned: finishes the reload,
/// then takes over as the watcher.
fn resume_reload(sequence: Arc<Sequence>, generation: u64) {
    if sequence.run(generation) == Ran::Finished {
        reload::finish();
    }
    if let Some(doorbell) = events::WATCHER.get() {
        let doorbell = Arc::clone(doorbell);
        if dispatch() {
            watch(&doorbell);
        }
    }
}

/// Why [`Config::install`](crate::Config::install) failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum InstallError {
    /// The runtime is already installed in this process.
    AlreadyInstalled,
    /// A signal handler could not be installed.
    Signal(std::io::Error),
    /// The runtime's threads could not be started.
    Thread(std::io::Error),
}

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstallError::AlreadyInstalled => {
                f.write_str("the shutdown runtime is already installed in this process")
            }
            InstallError::Signal(error) => {
                write!(f, "could not install the signal handlers: {error}")
            }
            InstallError::Thread(error) => {
                write!(f, "could not start the runtime's threads: {error}")
            }
        }
    }
}

impl std::error::Error for InstallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InstallError::AlreadyInstalled => None,
            InstallError::Signal(error) | InstallError::Thread(error) => Some(error),
        }
    }
}
