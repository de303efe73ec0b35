//! [`Guard`]: a value that a shutdown hook finishes, and `main` uses
//! meanwhile.
#![forbid(unsafe_code)]

use std::cell::Cell;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::api::{Hook, HookHandle};
use super::{Action, HookResult};
use crate::{exit, output};

/// A value owned by a shutdown hook: the hook finishes it (flushes a
/// writer, commits a transaction) at shutdown, while the program uses it
/// through [`lock`](Guard::lock) until then. Made by [`Hook::guard`] or
/// [`guard`].
///
/// The value is finished exactly once: by the hook at shutdown, or by the
/// value's own `Drop` when the `Guard` is dropped first (which unregisters
/// the hook). In a program that cooperates, `main` usually returns, and so
/// drops the guard, before the hooks run: then the value's `Drop` is what
/// finishes it. The closure runs when `main` is still running at shutdown. While the program holds [`lock`](Guard::lock), the hook waits
/// for it, so a record written under the lock is never cut in half. Once the
/// hook has taken the value, `lock` blocks until the process ends.
///
/// ```no_run
/// # use graceful_exit_runtime as graceful_exit;
/// use std::io::{BufWriter, Write};
///
/// fn real_main() -> std::io::Result<()> {
///     let file = std::fs::File::create("records.txt")?;
///     let out = graceful_exit::guard("flush records", BufWriter::new(file), |mut out| out.flush());
///     for n in 0.. {
///         if graceful_exit::is_shutting_down() {
///             break;
///         }
///         writeln!(out.lock(), "record {n}")?;
///     }
///     Ok(())
/// }
/// # fn main() { graceful_exit::Config::new().run(real_main) }
/// ```
pub struct Guard<T> {
    shared: Arc<Shared<T>>,
    handle: Option<HookHandle>,
}

struct Shared<T> {
    value: Mutex<Option<T>>,
    /// The thread holding [`Guard::lock`], as [`this_thread`] says; 0 when
    /// nobody does.
    owner: AtomicUsize,
}

impl<T> Shared<T> {
    fn value(&self) -> MutexGuard<'_, Option<T>> {
        self.value.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A number that tells threads apart: the address of a thread-local.
fn this_thread() -> usize {
    thread_local!(static MARK: Cell<u8> = const { Cell::new(0) });
    MARK.with(|mark| std::ptr::from_ref(mark) as usize)
}

impl<T: Send + 'static> Guard<T> {
    pub(crate) fn new<R: HookResult>(
        hook: Hook,
        value: T,
        finish: impl FnOnce(T) -> R + Send + 'static,
    ) -> Guard<T> {
        let shared = Arc::new(Shared {
            value: Mutex::new(Some(value)),
            owner: AtomicUsize::new(0),
        });
        let for_hook = Arc::clone(&shared);
        let action = Action::Once(Box::new(move |_reason| {
            if for_hook.owner.load(Ordering::Acquire) == this_thread() {
                // `exit` was called while this very thread held the lock:
                // waiting for it would wait forever.
                return Err("its lock is held by the thread running the hooks (`exit` called while holding `Guard::lock`); the value was not finished".to_owned());
            }
            // Waits for a record in progress under `lock`.
            let value = for_hook.value().take();
            value.map_or(Ok(()), |value| finish(value).into_outcome())
        }));
        let name = hook.name().to_owned();
        let handle = match hook.try_register(action) {
            Ok(handle) => Some(handle),
            Err(_) => {
                output::error(format_args!(
                    "guard `{name}` was made after the shutdown started; its hook will not run, the value is finished when the guard is dropped"
                ));
                None
            }
        };
        Guard { shared, handle }
    }
}

impl<T> Guard<T> {
    /// Locks the value for the calling thread. The shutdown hook waits while
    /// it is held. Once the hook has taken the value (the shutdown is under
    /// way), this blocks until the process ends.
    pub fn lock(&self) -> GuardLock<'_, T> {
        let value = self.shared.value();
        if value.is_none() {
            drop(value);
            exit::park_forever();
        }
        self.shared.owner.store(this_thread(), Ordering::Release);
        GuardLock {
            value,
            owner: &self.shared.owner,
        }
    }
}

impl<T> Drop for Guard<T> {
    fn drop(&mut self) {
        let finish_here = self.handle.take().is_none_or(HookHandle::cancel);
        if finish_here {
            // The hook will not run: the value's own `Drop` finishes it.
            drop(self.shared.value().take());
        }
    }
}

impl<T> fmt::Debug for Guard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("hook", &self.handle)
            .finish_non_exhaustive()
    }
}

/// The value of a [`Guard`], locked; returned by [`Guard::lock`].
pub struct GuardLock<'a, T> {
    value: MutexGuard<'a, Option<T>>,
    owner: &'a AtomicUsize,
}

impl<T> Deref for GuardLock<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self.value.as_ref() {
            Some(value) => value,
            // `lock` saw it and nobody can take it while we hold the lock.
            None => exit::park_forever(),
        }
    }
}

impl<T> DerefMut for GuardLock<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match self.value.as_mut() {
            Some(value) => value,
            None => exit::park_forever(),
        }
    }
}

impl<T> Drop for GuardLock<'_, T> {
    fn drop(&mut self) {
        self.owner.store(0, Ordering::Release);
    }
}

/// Hands `value` to a shutdown hook named `name`, which finishes it with `f`
/// at shutdown: the shorthand for `Hook::new(name).guard(value, f)`. See
/// [`Guard`].
pub fn guard<T, R>(
    name: impl Into<std::borrow::Cow<'static, str>>,
    value: T,
    f: impl FnOnce(T) -> R + Send + 'static,
) -> Guard<T>
where
    T: Send + 'static,
    R: HookResult,
{
    Hook::new(name).guard(value, f)
}
