//! The one place that owns the hook lists, their order, and "each shutdown
//! hook runs at most once".
//!
//! Hooks come from two sources: functions marked `#[on_shutdown]` /
//! `#[on_reload]`, registered before `main` (`inventory`), and hooks
//! registered at run time ([`Hook`](crate::Hook), [`on_shutdown_fn`],
//! [`guard`](crate::guard)). [`close`] ends registration when a shutdown
//! begins and returns both merged into one list sorted by [`SortKey`], so
//! the order never depends on link or registration order. [`sequence`] runs such a list.
#![forbid(unsafe_code)]

pub(crate) mod api;
pub(crate) mod guard;
mod registry;
pub(crate) mod sequence;
mod slot;

pub(crate) use self::registry::{
    close, declares_reload_hooks, register, reload_hooks, take_shutdown_hooks, unregister, Closed,
};
pub(crate) use self::slot::{Action, Slot};

use std::borrow::Cow;
use std::collections::BinaryHeap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::ShutdownReason;

/// What a hook function returns, reduced to its report: `Err` holds the
/// error's `Display` text.
pub(crate) type Outcome = Result<(), String>;

/// What a hook may return: `()` or `Result<(), E>` with `E: Display` (an
/// `Err` is reported with the hook's name). Not meant to be implemented for
/// other types.
pub trait HookResult {
    /// The report: `Err` holds the error's `Display` text.
    #[doc(hidden)]
    fn into_outcome(self) -> Result<(), String>;
}

impl HookResult for () {
    fn into_outcome(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: fmt::Display> HookResult for Result<(), E> {
    fn into_outcome(self) -> Result<(), String> {
        self.map_err(|error| error.to_string())
    }
}

/// When a hook runs.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Once, at shutdown (`#[on_shutdown]`).
    Shutdown,
    /// At every reload (`#[on_reload]`).
    Reload,
}

/// A hook declared with `#[on_shutdown]` or `#[on_reload]`. Built only by
/// the macros' expansion.
#[doc(hidden)]
pub struct StaticHook {
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
    /// Shutdown or reload.
    pub kind: Kind,
    /// Calls the user's function and turns its result into a report.
    pub run: fn(&ShutdownReason) -> Result<(), String>,
}

impl fmt::Debug for StaticHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticHook")
            .field("name", &self.name)
            .field("order", &self.order)
            .field("module_path", &self.module_path)
            .field("line", &self.line)
            .field("timeout", &self.timeout)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

// Every `#[on_shutdown]` and `#[on_reload]` function of the program: each
// expansion's `inventory::submit!` adds its `StaticHook` from a constructor
// that runs before `main`, in no particular order.
inventory::collect!(StaticHook);

/// The declared hooks, in the order `inventory` yields them (no meaning:
/// [`SortKey`] decides the run order).
fn declared() -> impl Iterator<Item = &'static StaticHook> {
    inventory::iter::<StaticHook>.into_iter()
}

/// Where a hook sorts among others of the same `order`: declared hooks
/// first, by module path, line and name (the order they registered in only
/// as the last resort), then run-time hooks in registration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Declared {
        module_path: &'static str,
        line: u32,
        name: &'static str,
        registration: usize,
    },
    Registered {
        sequence: u64,
    },
}

/// The sort key: ascending `order`, then [`Place`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SortKey {
    order: i32,
    place: Place,
}

/// One hook of a list the sequence walks.
pub(crate) struct Entry {
    pub(crate) name: Cow<'static, str>,
    pub(crate) timeout: Option<Duration>,
    call: Call,
}

enum Call {
    Static(fn(&ShutdownReason) -> Outcome),
    Dynamic(Arc<Slot>),
}

impl Entry {
    /// Runs the hook on the calling thread; `None` if it was cancelled.
    /// Panics propagate to the caller.
    /// Whether it was cancelled after the list was taken: skip it.
    pub(crate) fn is_cancelled(&self) -> bool {
        match &self.call {
            Call::Static(_) => false,
            Call::Dynamic(slot) => slot.is_cancelled(),
        }
    }

    pub(crate) fn call(&self, reason: &ShutdownReason) -> Option<Outcome> {
        match &self.call {
            Call::Static(run) => Some(run(reason)),
            Call::Dynamic(slot) => slot.call(reason),
        }
    }
}

/// The declared hooks of `kind` plus `registered`, in run order.
fn merge(kind: Kind, mut keyed: Vec<(SortKey, Entry)>) -> Vec<Entry> {
    for (registration, hook) in declared().enumerate() {
        if hook.kind != kind {
            continue;
        }
        let key = SortKey {
            order: hook.order,
            place: Place::Declared {
                module_path: hook.module_path,
                line: hook.line,
                name: hook.name,
                registration,
            },
        };
        let entry = Entry {
            name: Cow::Borrowed(hook.name),
            timeout: hook.timeout,
            call: Call::Static(hook.run),
        };
        keyed.push((key, entry));
    }
    // A heap sort of (key, position): O(n log n), and much less code in
    // every binary than the general slice sort.
    let keys: Vec<(SortKey, usize)> = keyed
        .iter()
        .enumerate()
        .map(|(position, (key, _))| (*key, position))
        .collect();
    let order = BinaryHeap::from(keys).into_sorted_vec();
    let mut entries: Vec<Option<Entry>> = keyed.into_iter().map(|(_, entry)| Some(entry)).collect();
    order
        .into_iter()
        .filter_map(|(_, position)| entries.get_mut(position)?.take())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_hooks_sort_before_registered_ones_at_equal_order() {
        let declared = SortKey {
            order: 0,
            place: Place::Declared {
                module_path: "zzz",
                line: 99,
                name: "z",
                registration: 9,
            },
        };
        let registered = SortKey {
            order: 0,
            place: Place::Registered { sequence: 0 },
        };
        let earlier = SortKey {
            order: -1,
            place: Place::Registered { sequence: 5 },
        };
        let mut keys = [registered, declared, earlier];
        keys.sort_unstable();
        assert_eq!(keys, [earlier, declared, registered]);
    }
}
