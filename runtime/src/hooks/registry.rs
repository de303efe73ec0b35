//! The registry of run-time hooks, and the lists a shutdown or a reload
//! takes from it, merged with the declared hooks in run order.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::slot::{Action, Slot};
use super::{declared, merge, Call, Entry, Kind, Place, SortKey};

/// A run-time hook in the registry.
struct Registered {
    sequence: u64,
    name: Cow<'static, str>,
    order: i32,
    timeout: Option<Duration>,
    kind: Kind,
    slot: Arc<Slot>,
}

struct Registry {
    hooks: Vec<Registered>,
    /// A shutdown has begun: no more shutdown hooks are taken.
    closed: bool,
    next: u64,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    hooks: Vec::new(),
    closed: false,
    next: 0,
});

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why a registration was refused.
pub(crate) struct Closed;

/// Adds a run-time hook; refused once a shutdown has begun (for a shutdown
/// hook). Returns its registration number, the key of [`unregister`].
pub(crate) fn register(
    name: Cow<'static, str>,
    order: i32,
    timeout: Option<Duration>,
    slot: Arc<Slot>,
) -> Result<u64, Closed> {
    let kind = match slot.action().as_ref() {
        Some(Action::Repeat(_)) => Kind::Reload,
        _ => Kind::Shutdown,
    };
    let mut registry = registry();
    if registry.closed && kind == Kind::Shutdown {
        return Err(Closed);
    }
    if kind == Kind::Reload {
        crate::events::reload_hooks_exist();
    }
    let sequence = registry.next;
    registry.next += 1;
    registry.hooks.push(Registered {
        sequence,
        name,
        order,
        timeout,
        kind,
        slot,
    });
    Ok(sequence)
}

/// Removes a run-time hook that was cancelled.
pub(crate) fn unregister(sequence: u64) {
    registry().hooks.retain(|hook| hook.sequence != sequence);
}

/// Ends registration of shutdown hooks, runs `then` while no registration
/// can slip in (the caller marks the shutdown started there), and returns
/// every shutdown hook in run order. Run-time shutdown hooks leave the
/// registry: they run at most once.
pub(crate) fn close(then: impl FnOnce()) -> Vec<Entry> {
    let mut registry = registry();
    registry.closed = true;
    then();
    let taken = take_kind(&mut registry, Kind::Shutdown);
    drop(registry);
    merge(Kind::Shutdown, taken)
}

/// Every shutdown hook in run order, without ending registration: for
/// `testing::run_hooks`. Run-time hooks are taken, so each runs once.
pub(crate) fn take_shutdown_hooks() -> Vec<Entry> {
    let taken = take_kind(&mut registry(), Kind::Shutdown);
    merge(Kind::Shutdown, taken)
}

/// Every reload hook in run order. They stay registered.
pub(crate) fn reload_hooks() -> Vec<Entry> {
    let registry = registry();
    let kept: Vec<(SortKey, Entry)> = registry
        .hooks
        .iter()
        .filter(|hook| hook.kind == Kind::Reload)
        .map(|hook| (registered_key(hook), registered_entry(hook)))
        .collect();
    drop(registry);
    merge(Kind::Reload, kept)
}

/// Whether the program declares a reload hook (`#[on_reload]`).
pub(crate) fn declares_reload_hooks() -> bool {
    declared().any(|hook| hook.kind == Kind::Reload)
}

fn take_kind(registry: &mut Registry, kind: Kind) -> Vec<(SortKey, Entry)> {
    let (taken, kept) = std::mem::take(&mut registry.hooks)
        .into_iter()
        .partition(|hook| hook.kind == kind);
    registry.hooks = kept;
    taken
        .iter()
        .map(|hook| (registered_key(hook), registered_entry(hook)))
        .collect()
}

fn registered_key(hook: &Registered) -> SortKey {
    SortKey {
        order: hook.order,
        place: Place::Registered {
            sequence: hook.sequence,
        },
    }
}

fn registered_entry(hook: &Registered) -> Entry {
    Entry {
        name: hook.name.clone(),
        timeout: hook.timeout,
        call: Call::Dynamic(Arc::clone(&hook.slot)),
    }
}
