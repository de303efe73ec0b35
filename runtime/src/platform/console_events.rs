//! Windows console control events and what the runtime does with each: the
//! decisions of the Windows backend, apart from the system calls, so that
//! their unit tests run on every platform (CI can deliver only Ctrl-C to a
//! real Windows program, under Wine).
//!
//! | event | signal | taken when `signals` lists | taken: | left out: |
//! |---|---|---|---|---|
//! | Ctrl-C, Ctrl-Break | `SIGINT` | `SIGINT` | `ctrlc`'s routine records it | Windows' default: the process ends at once |
//! | close, logoff, shutdown | `SIGTERM` | `SIGTERM` or `SIGHUP` | our routine records it and blocks until the shutdown ends the process | Windows' default: the process ends at once |
//!
//! Windows calls a process's control routines last registered first, until
//! one returns `TRUE`; the last one is Windows' default, which ends the
//! process. Ours is registered in front of `ctrlc`'s, which returns `TRUE`
//! for every event and cannot tell them apart: so events for `ctrlc` are
//! passed on, and no other event may reach it.
//!
//! A logoff in session 0 is always another session's (no user logs on to
//! session 0): it is where services run, and Windows' default for a service
//! is to go on running, so it does not start a shutdown.

use crate::Signal;

/// Ctrl-C (`wincon.h`; on Windows a test checks `windows-sys` agrees).
pub(crate) const CTRL_C_EVENT: u32 = 0;
/// Ctrl-Break.
pub(crate) const CTRL_BREAK_EVENT: u32 = 1;
/// The console window was closed (or its task ended from Task Manager).
pub(crate) const CTRL_CLOSE_EVENT: u32 = 2;
/// A user is logging off.
pub(crate) const CTRL_LOGOFF_EVENT: u32 = 5;
/// The system is shutting down.
pub(crate) const CTRL_SHUTDOWN_EVENT: u32 = 6;

/// The signal a console event stands for, and names the shutdown it
/// starts: `SIGINT` for Ctrl-C and Ctrl-Break, `SIGTERM` for close, logoff
/// and shutdown (as Go does). `None` for a code Windows does not document.
pub(crate) fn signal_of(event: u32) -> Option<Signal> {
    match event {
        CTRL_C_EVENT | CTRL_BREAK_EVENT => Some(Signal::INT),
        CTRL_CLOSE_EVENT | CTRL_LOGOFF_EVENT | CTRL_SHUTDOWN_EVENT => Some(Signal::TERM),
        _ => None,
    }
}

/// Which console events the program takes, from the signals it handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Taken {
    /// Ctrl-C and Ctrl-Break: `SIGINT` is handled, so `ctrlc`'s routine is
    /// installed.
    pub(crate) interrupt: bool,
    /// Close, logoff and shutdown: `SIGTERM` or `SIGHUP` is handled.
    pub(crate) ending: bool,
}

impl Taken {
    /// From the numbers of the signals to handle (whatever their role: a
    /// Ctrl-C listed in `reload = [..]` reloads; an ending event always
    /// starts a shutdown, since Windows ends the process after it anyway).
    pub(crate) fn from_numbers(numbers: &[i32]) -> Taken {
        let has = |signal: Signal| numbers.contains(&signal.number());
        Taken {
            interrupt: has(Signal::INT),
            ending: has(Signal::TERM) || has(Signal::HUP),
        }
    }

    /// Whether any routine is to be installed. When only `SIGINT` is
    /// handled, ours still goes in front of `ctrlc`'s to keep the other
    /// events from it.
    pub(crate) fn any(self) -> bool {
        self.interrupt || self.ending
    }

    /// The signals handled on Windows, of `numbers`: those that stand for
    /// an event taken.
    pub(crate) fn handled(self, numbers: &[i32]) -> Vec<i32> {
        numbers
            .iter()
            .copied()
            .filter(|&number| {
                (self.interrupt && number == Signal::INT.number())
                    || (self.ending
                        && (number == Signal::TERM.number() || number == Signal::HUP.number()))
            })
            .collect()
    }
}

/// What our control routine does with an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Return `FALSE`: the next routine decides, `ctrlc`'s for Ctrl-C and
    /// Ctrl-Break, else Windows' default.
    PassOn,
    /// Return `TRUE` having recorded nothing, so that `ctrlc`'s routine
    /// never sees the event. Windows then does what it does with a handled
    /// event: ends the process after close, logoff and shutdown, as its
    /// default would, or, for a service, lets it run on.
    Absorb,
    /// Record this signal as starting a shutdown (whatever its role) and
    /// block until the shutdown ends the process: Windows would end it the
    /// moment the routine returned.
    ShutdownAndBlock(Signal),
}

/// What to do with `event`, for a program that takes `taken`, running in
/// session 0 or not.
pub(crate) fn action(event: u32, taken: Taken, session_zero: bool) -> Action {
    match signal_of(event) {
        Some(Signal::INT) => Action::PassOn,
        Some(_) if event == CTRL_LOGOFF_EVENT && session_zero => not_taken(taken),
        Some(signal) if taken.ending => Action::ShutdownAndBlock(signal),
        _ => not_taken(taken),
    }
}

/// An event the program leaves to Windows: passed on, unless `ctrlc`'s
/// routine is next, which would report it as Ctrl-C.
fn not_taken(taken: Taken) -> Action {
    if taken.interrupt {
        Action::Absorb
    } else {
        Action::PassOn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENTS: [u32; 5] = [
        CTRL_C_EVENT,
        CTRL_BREAK_EVENT,
        CTRL_CLOSE_EVENT,
        CTRL_LOGOFF_EVENT,
        CTRL_SHUTDOWN_EVENT,
    ];
    const ENDING: [u32; 3] = [CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT];

    fn taken(signals: &[Signal]) -> Taken {
        let numbers: Vec<i32> = signals.iter().map(|signal| signal.number()).collect();
        Taken::from_numbers(&numbers)
    }

    #[test]
    fn the_mapping() {
        assert_eq!(signal_of(CTRL_C_EVENT), Some(Signal::INT));
        assert_eq!(signal_of(CTRL_BREAK_EVENT), Some(Signal::INT));
        for event in ENDING {
            assert_eq!(signal_of(event), Some(Signal::TERM), "event {event}");
        }
        assert_eq!(signal_of(3), None);
        assert_eq!(signal_of(4), None);
    }

    #[test]
    fn signals_decide_what_is_taken() {
        let default = taken(&[Signal::INT, Signal::TERM, Signal::HUP]);
        assert_eq!(
            default,
            Taken {
                interrupt: true,
                ending: true
            }
        );
        assert!(taken(&[Signal::HUP]).ending, "SIGHUP alone takes them too");
        assert!(!taken(&[Signal::HUP]).interrupt);
        assert_eq!(
            taken(&[Signal::INT]),
            Taken {
                interrupt: true,
                ending: false
            }
        );
        let none = taken(&[Signal::QUIT, Signal::USR1]);
        assert!(!none.any(), "no Windows event stands for these");
        assert_eq!(
            default.handled(&[2, 15, 1, 10]),
            [2, 15, 1],
            "SIGUSR1 is never handled on Windows"
        );
        assert_eq!(taken(&[Signal::INT]).handled(&[2]), [2]);
    }

    /// Every signal set, every event, in and out of session 0.
    #[test]
    fn every_event_for_every_choice() {
        for interrupt in [false, true] {
            for ending in [false, true] {
                let taken = Taken { interrupt, ending };
                for session_zero in [false, true] {
                    for event in EVENTS {
                        let expected = match event {
                            CTRL_C_EVENT | CTRL_BREAK_EVENT => Action::PassOn,
                            CTRL_LOGOFF_EVENT if session_zero && interrupt => Action::Absorb,
                            CTRL_LOGOFF_EVENT if session_zero => Action::PassOn,
                            _ if ending => Action::ShutdownAndBlock(Signal::TERM),
                            _ if interrupt => Action::Absorb,
                            _ => Action::PassOn,
                        };
                        assert_eq!(
                            action(event, taken, session_zero),
                            expected,
                            "event {event}, {taken:?}, session 0: {session_zero}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn ctrl_c_and_break_always_go_on_to_ctrlc_or_the_default() {
        for event in [CTRL_C_EVENT, CTRL_BREAK_EVENT] {
            let all = taken(&[Signal::INT, Signal::TERM]);
            assert_eq!(action(event, all, false), Action::PassOn);
        }
    }

    #[test]
    fn ending_events_block_only_when_taken() {
        let all = taken(&[Signal::INT, Signal::TERM, Signal::HUP]);
        for event in ENDING {
            assert_eq!(
                action(event, all, false),
                Action::ShutdownAndBlock(Signal::TERM)
            );
        }
        // `signals = [SIGINT]`: ctrlc's routine must not see them.
        let interrupt_only = taken(&[Signal::INT]);
        for event in ENDING {
            assert_eq!(action(event, interrupt_only, false), Action::Absorb);
        }
        // `signals = [SIGTERM]`: Ctrl-C keeps Windows' default.
        let term_only = taken(&[Signal::TERM]);
        assert_eq!(action(CTRL_C_EVENT, term_only, false), Action::PassOn);
    }

    #[test]
    fn a_services_logoff_is_someone_elses() {
        let all = taken(&[Signal::INT, Signal::TERM]);
        assert_eq!(action(CTRL_LOGOFF_EVENT, all, true), Action::Absorb);
        assert_eq!(
            action(CTRL_SHUTDOWN_EVENT, all, true),
            Action::ShutdownAndBlock(Signal::TERM),
            "a service stops with the system"
        );
        let term_only = taken(&[Signal::TERM]);
        assert_eq!(action(CTRL_LOGOFF_EVENT, term_only, true), Action::PassOn);
    }

    #[test]
    fn undocumented_codes_never_reach_ctrlc() {
        let all = taken(&[Signal::INT, Signal::TERM]);
        assert_eq!(action(3, all, false), Action::Absorb);
        assert_eq!(action(3, taken(&[Signal::TERM]), false), Action::PassOn);
    }

    /// Our values are the system's.
    #[cfg(windows)]
    #[test]
    fn constants_agree_with_windows_sys() {
        use windows_sys::Win32::System::Console as console;
        assert_eq!(CTRL_C_EVENT, console::CTRL_C_EVENT);
        assert_eq!(CTRL_BREAK_EVENT, console::CTRL_BREAK_EVENT);
        assert_eq!(CTRL_CLOSE_EVENT, console::CTRL_CLOSE_EVENT);
        assert_eq!(CTRL_LOGOFF_EVENT, console::CTRL_LOGOFF_EVENT);
        assert_eq!(CTRL_SHUTDOWN_EVENT, console::CTRL_SHUTDOWN_EVENT);
    }
}
