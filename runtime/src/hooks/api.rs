//! Hooks registered at run time: [`Hook`], [`HookHandle`],
//! [`on_shutdown_fn`].
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::guard::Guard;
use super::{Action, Closed, HookResult, Slot};
use crate::{output, ShutdownReason};

/// A hook registered at run time, with every option `#[on_shutdown]` has.
///
/// ```no_run
/// # use graceful_exit_runtime as graceful_exit;
/// use std::time::Duration;
/// use graceful_exit::Hook;
///
/// let worker = 3;
/// let handle = Hook::new(format!("drain worker {worker}"))
///     .order(10)
///     .timeout(Duration::from_secs(2))
///     .register(move |reason| -> Result<(), std::io::Error> {
///         eprintln!("draining worker {worker} ({reason})");
///         Ok(())
///     });
/// // Changed our mind: the hook will not run.
/// assert!(handle.cancel());
/// ```
///
/// Run-time hooks sort among the `#[on_shutdown]` hooks by `order`; at equal
/// `order` the declared ones run first, then run-time ones in registration
/// order. A shutdown hook registered after the shutdown has started does not
/// run (that is reported). Like declared hooks, they need the runtime:
/// `#[graceful_main]`, [`Config::run`](crate::Config::run) or
/// [`Config::install`](crate::Config::install).
#[derive(Clone, Debug)]
#[must_use = "a `Hook` does nothing until `register` or `guard` is called"]
pub struct Hook {
    name: Cow<'static, str>,
    order: i32,
    timeout: Option<Duration>,
}

impl Hook {
    /// A hook named `name` (shown in reports), at order 0, without timeout.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Hook {
        Hook {
            name: name.into(),
            order: 0,
            timeout: None,
        }
    }

    /// Ascending run order, as `#[on_shutdown(order = N)]`.
    pub fn order(mut self, order: i32) -> Hook {
        self.order = order;
        self
    }

    /// How long the hook may run before it is reported and abandoned, as
    /// `#[on_shutdown(timeout = "…")]`. `Duration::ZERO` means no limit.
    pub fn timeout(mut self, timeout: Duration) -> Hook {
        self.timeout = (!timeout.is_zero()).then_some(timeout);
        self
    }

    /// Registers `f` to run once at shutdown. It may return `()` or
    /// `Result<(), E: Display>`; an `Err` or a panic is reported with the
    /// hook's name and the other hooks still run.
    pub fn register<R: HookResult>(
        self,
        f: impl FnOnce(&ShutdownReason) -> R + Send + 'static,
    ) -> HookHandle {
        let name = self.name.clone();
        self.try_register(Action::Once(Box::new(move |reason| {
            f(reason).into_outcome()
        })))
        .unwrap_or_else(|refused| {
            output::error(format_args!(
                "hook `{name}` was registered after the shutdown started; it will not run"
            ));
            refused
        })
    }

    /// Registers `f` to run at every reload (`SIGHUP`, or the signals of
    /// `reload = [...]`, or [`request_reload`](crate::request_reload)),
    /// as `#[on_reload]` does.
    pub fn register_reload<R: HookResult>(
        self,
        mut f: impl FnMut() -> R + Send + 'static,
    ) -> HookHandle {
        match self.try_register(Action::Repeat(Box::new(move || f().into_outcome()))) {
            Ok(handle) | Err(handle) => handle,
        }
    }

    /// Hands `value` to a hook: at shutdown `f` finishes it (flush, commit,
    /// close). Meanwhile [`Guard::lock`] lets the program use it. See
    /// [`Guard`].
    pub fn guard<T, R>(self, value: T, f: impl FnOnce(T) -> R + Send + 'static) -> Guard<T>
    where
        T: Send + 'static,
        R: HookResult,
    {
        Guard::new(self, value, f)
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Registers `action`; `Err` holds a handle to a hook that will not run
    /// because the shutdown has started.
    pub(crate) fn try_register(self, action: Action) -> Result<HookHandle, HookHandle> {
        let slot = Arc::new(Slot::new(action));
        match super::register(self.name, self.order, self.timeout, Arc::clone(&slot)) {
            Ok(sequence) => Ok(HookHandle {
                slot,
                sequence: Some(sequence),
            }),
            Err(Closed) => {
                slot.cancel();
                Err(HookHandle {
                    slot,
                    sequence: None,
                })
            }
        }
    }
}

/// A registered run-time hook; returned by [`Hook::register`].
///
/// Dropping the handle keeps the hook registered.
pub struct HookHandle {
    slot: Arc<Slot>,
    sequence: Option<u64>,
}

impl HookHandle {
    /// Unregisters the hook. Returns `false` if it is running now, or (a
    /// shutdown hook) has already run or was never registered because the
    /// shutdown had started.
    pub fn cancel(self) -> bool {
        let cancelled = self.slot.cancel();
        if let Some(sequence) = self.sequence {
            if cancelled {
                super::unregister(sequence);
            }
        }
        cancelled
    }
}

impl fmt::Debug for HookHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookHandle")
            .field("registered", &self.sequence.is_some())
            .finish_non_exhaustive()
    }
}

/// Registers a closure to run once at shutdown, at `order` among the other
/// hooks: the shorthand for `Hook::new(name).order(order).register(f)`.
///
/// `name` may be a `&'static str` or a `String`. At equal `order`,
/// `#[on_shutdown]` hooks run first, then run-time hooks in the order they
/// were registered. A panic inside `f` is reported with `name` and the
/// remaining hooks still run.
pub fn on_shutdown_fn(
    name: impl Into<Cow<'static, str>>,
    order: i32,
    f: impl FnOnce(&ShutdownReason) + Send + 'static,
) {
    let _handle = Hook::new(name).order(order).register(f);
}
