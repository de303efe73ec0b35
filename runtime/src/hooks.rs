//! The one place that owns the ordered hook list.
//!
//! Hooks come from two sources: `#[on_shutdown]` functions, collected at link
//! time into [`HOOKS`] (a `linkme` distributed slice), and closures registered
//! at run time with [`on_shutdown_fn`]. [`take_all`] merges both into one list
//! sorted by an explicit key, so the order never depends on link order.
#![forbid(unsafe_code)]

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::ShutdownReason;

/// A hook registered by `#[on_shutdown]`. Built only by the macro's expansion.
#[doc(hidden)]
pub struct Hook {
    /// Shown in reports: the function name, or `name = "…"`.
    pub name: &'static str,
    /// Ascending run order.
    pub order: i32,
    /// `module_path!()` where the hook was declared: the first tie-breaker.
    pub module_path: &'static str,
    /// `line!()` where the hook was declared: the second tie-breaker.
    pub line: u32,
    /// `timeout = "…"`: how long the hook may run before it is abandoned.
    pub timeout: Option<Duration>,
    /// Calls the user's function and turns its result into a report.
    pub run: fn(&ShutdownReason) -> HookResult,
}

impl fmt::Debug for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hook")
            .field("name", &self.name)
            .field("order", &self.order)
            .field("module_path", &self.module_path)
            .field("line", &self.line)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// What a hook reports: `Err` holds the error's `Display` text.
#[doc(hidden)]
pub type HookResult = Result<(), String>;

/// Every `#[on_shutdown]` function of the program, in link order.
#[doc(hidden)]
#[linkme::distributed_slice]
pub static HOOKS: [Hook];

/// Converts what a hook returns into the runtime's report format.
///
/// Implemented for `()` and for `Result<(), E>` where `E: Display`, the two
/// return types `#[on_shutdown]` accepts.
#[doc(hidden)]
pub trait IntoHookResult {
    /// `Err` holds the error's `Display` text.
    fn into_hook_result(self) -> Result<(), String>;
}

impl IntoHookResult for () {
    fn into_hook_result(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: fmt::Display> IntoHookResult for Result<(), E> {
    fn into_hook_result(self) -> Result<(), String> {
        self.map_err(|error| error.to_string())
    }
}

type DynFn = Box<dyn FnOnce(&ShutdownReason) + Send + 'static>;

struct DynHook {
    name: &'static str,
    order: i32,
    f: DynFn,
}

static DYNAMIC: Mutex<Vec<DynHook>> = Mutex::new(Vec::new());

/// Registers a hook at run time, ordered among the `#[on_shutdown]` hooks by
/// `order`.
///
/// At equal `order`, `#[on_shutdown]` hooks run first, then run-time hooks in
/// the order they were registered. A hook registered after shutdown has
/// started does not run. The closure runs at most once; a panic inside it is
/// reported with `name` and the remaining hooks still run.
pub fn on_shutdown_fn(
    name: &'static str,
    order: i32,
    f: impl FnOnce(&ShutdownReason) + Send + 'static,
) {
    DYNAMIC
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(DynHook {
            name,
            order,
            f: Box::new(f),
        });
}

/// What a hook does when it runs.
pub(crate) enum Action {
    Static(fn(&ShutdownReason) -> Result<(), String>),
    Dynamic(Mutex<Option<DynFn>>),
}

/// One entry of the ordered list the shutdown sequence walks.
pub(crate) struct Entry {
    pub(crate) name: &'static str,
    pub(crate) timeout: Option<Duration>,
    pub(crate) action: Action,
}

impl Entry {
    /// Runs the hook on the calling thread. Panics propagate to the caller.
    pub(crate) fn call(&self, reason: &ShutdownReason) -> Result<(), String> {
        match &self.action {
            Action::Static(run) => run(reason),
            Action::Dynamic(slot) => {
                let f = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
                if let Some(f) = f {
                    f(reason);
                }
                Ok(())
            }
        }
    }
}

/// The sort key: `(order, source, module path, line, name, registration index)`.
/// Macro hooks (source 0) come before run-time hooks (source 1) at equal order;
/// the index only separates entries that agree on everything else.
type Key = (i32, u8, &'static str, u32, &'static str, usize);

/// Takes every hook registered so far, sorted into run order.
pub(crate) fn take_all() -> Vec<Entry> {
    let dynamic = std::mem::take(&mut *DYNAMIC.lock().unwrap_or_else(PoisonError::into_inner));
    let mut keyed: Vec<(Key, Entry)> = Vec::with_capacity(HOOKS.len() + dynamic.len());
    for (index, hook) in HOOKS.iter().enumerate() {
        let key = (hook.order, 0, hook.module_path, hook.line, hook.name, index);
        keyed.push((
            key,
            Entry {
                name: hook.name,
                timeout: hook.timeout,
                action: Action::Static(hook.run),
            },
        ));
    }
    for (index, hook) in dynamic.into_iter().enumerate() {
        let key = (hook.order, 1, "", 0, "", index);
        keyed.push((
            key,
            Entry {
                name: hook.name,
                timeout: None,
                action: Action::Dynamic(Mutex::new(Some(hook.f))),
            },
        ));
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, entry)| entry).collect()
}
