//! A run-time hook's closure and where it stands: pending, running, done
//! or cancelled. Shared by the registry, a running sequence and the user's
//! `HookHandle`, so each shutdown closure runs at most once whoever asks.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::Outcome;
use crate::ShutdownReason;

/// A run-time hook's closure.
pub(crate) enum Action {
    /// A shutdown hook: runs once.
    Once(Box<dyn FnOnce(&ShutdownReason) -> Outcome + Send>),
    /// A reload hook: runs at every reload.
    Repeat(Box<dyn FnMut() -> Outcome + Send>),
}

const PENDING: u8 = 0;
const RUNNING: u8 = 1;
const DONE: u8 = 2;
const CANCELLED: u8 = 3;

/// A run-time hook's closure and where it stands, shared by the registry,
/// the running sequence and the user's `HookHandle`.
pub(crate) struct Slot {
    state: AtomicU8,
    action: Mutex<Option<Action>>,
}

impl Slot {
    pub(crate) fn new(action: Action) -> Slot {
        Slot {
            state: AtomicU8::new(PENDING),
            action: Mutex::new(Some(action)),
        }
    }

    pub(super) fn action(&self) -> MutexGuard<'_, Option<Action>> {
        self.action.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs the closure, unless it was cancelled (`None`). A shutdown
    /// closure runs at most once; panics propagate to the caller.
    pub(super) fn call(&self, reason: &ShutdownReason) -> Option<Outcome> {
        if self
            .state
            .compare_exchange(PENDING, RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return None;
        }
        /// Puts the state where it belongs when the closure ends or panics.
        struct Finish<'a>(&'a AtomicU8, u8);
        impl Drop for Finish<'_> {
            fn drop(&mut self) {
                self.0.store(self.1, Ordering::Release);
            }
        }
        let mut action = self.action();
        if let Some(Action::Repeat(f)) = action.as_mut() {
            // Called where it lies: a panic leaves it in place for the next
            // reload (taken out, the unwinding would drop it).
            let _finish = Finish(&self.state, PENDING);
            return Some(f());
        }
        match action.take() {
            Some(Action::Once(f)) => {
                drop(action);
                let _finish = Finish(&self.state, DONE);
                Some(f(reason))
            }
            _ => {
                self.state.store(DONE, Ordering::Release);
                None
            }
        }
    }

    /// Whether the hook was cancelled (it will not run).
    pub(crate) fn is_cancelled(&self) -> bool {
        self.state.load(Ordering::Acquire) == CANCELLED
    }

    /// Cancels a hook that is not running: `false` if it is running now or
    /// (a shutdown hook) already ran.
    pub(crate) fn cancel(&self) -> bool {
        let cancelled = self
            .state
            .compare_exchange(PENDING, CANCELLED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if cancelled {
            drop(self.action().take());
        }
        cancelled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ShutdownReason;

    #[test]
    fn a_cancelled_slot_does_not_run() {
        let slot = Slot::new(Action::Once(Box::new(|_| Err("ran".into()))));
        assert!(slot.cancel());
        assert!(!slot.cancel());
        assert_eq!(slot.call(&ShutdownReason::Requested), None);
    }

    #[test]
    fn a_shutdown_slot_runs_once() {
        let slot = Slot::new(Action::Once(Box::new(|_| Ok(()))));
        assert_eq!(slot.call(&ShutdownReason::Requested), Some(Ok(())));
        assert_eq!(slot.call(&ShutdownReason::Requested), None);
        assert!(!slot.cancel());
    }

    #[test]
    fn a_reload_slot_runs_again_after_a_panic() {
        let mut count = 0;
        let slot = Slot::new(Action::Repeat(Box::new(move || {
            count += 1;
            assert!(count > 1, "first call");
            Ok(())
        })));
        let reason = ShutdownReason::Requested;
        let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| slot.call(&reason)));
        assert!(first.is_err());
        assert_eq!(slot.call(&reason), Some(Ok(())));
    }

    #[test]
    fn a_reload_slot_runs_every_time() {
        let mut count = 0;
        let slot = Slot::new(Action::Repeat(Box::new(move || {
            count += 1;
            Err(count.to_string())
        })));
        let reason = ShutdownReason::Requested;
        assert_eq!(slot.call(&reason), Some(Err("1".into())));
        assert_eq!(slot.call(&reason), Some(Err("2".into())));
        assert!(slot.cancel());
    }
}
