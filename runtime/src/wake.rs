//! Wake-ups for every kind of loop: a file descriptor for `poll`/`select`/
//! mio loops ([`shutdown_fd`], Unix) and a future for async executors
//! ([`wait_async`]). Both are made on first use, cost nothing until then,
//! and count as cooperation (see
//! [`Config::wait_for_main`](crate::Config::wait_for_main)).
#![forbid(unsafe_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use crate::state;

/// Tells every fd and future waiter that the shutdown has started.
pub(crate) fn announce() {
    #[cfg(unix)]
    if let Some(Ok(fd)) = fd::FD.get() {
        fd.ring();
    }
    if HAS_WAKERS.load(Ordering::Acquire) {
        let wakers = std::mem::take(&mut *WAKERS.lock().unwrap_or_else(PoisonError::into_inner));
        for waker in wakers {
            waker.wake();
        }
    }
}

#[cfg(unix)]
pub use self::fd::{shutdown_fd, try_shutdown_fd};

#[cfg(unix)]
mod fd {
    use std::io;
    use std::os::fd::BorrowedFd;
    use std::sync::OnceLock;

    use crate::platform::Doorbell;
    use crate::state;

    pub(super) static FD: OnceLock<io::Result<Doorbell>> = OnceLock::new();

    /// A file descriptor that becomes readable (`POLLIN`) once the shutdown
    /// starts, and stays readable: add it to a `poll`/`select`/`epoll` set or
    /// a mio `SourceFd` to wake a loop blocked on sockets. Never read from it.
    ///
    /// It is the read end of a pipe, non-blocking and close-on-exec (it does
    /// not leak into child processes), made on first call; it works before
    /// the runtime is installed too (a shutdown can start by
    /// [`exit`](crate::exit)). Calling it marks the program as one that
    /// cooperates.
    ///
    /// # Panics
    ///
    /// If the pipe cannot be made (the process is out of file descriptors).
    /// [`try_shutdown_fd`] returns that error instead.
    #[must_use]
    pub fn shutdown_fd() -> BorrowedFd<'static> {
        match try_shutdown_fd() {
            Ok(fd) => fd,
            Err(error) => panic!("graceful_exit::shutdown_fd: cannot make a pipe: {error}"),
        }
    }

    /// [`shutdown_fd`], returning the error if the pipe cannot be made.
    ///
    /// # Errors
    ///
    /// The `pipe(2)` error, e.g. `EMFILE`. It is kept: later calls return it
    /// too.
    pub fn try_shutdown_fd() -> io::Result<BorrowedFd<'static>> {
        state::cooperate();
        let made = FD.get_or_init(|| {
            let doorbell = Doorbell::new()?;
            if state::has_started() {
                doorbell.ring();
            }
            Ok(doorbell)
        });
        match made {
            Ok(doorbell) => Ok(doorbell.fd()),
            Err(error) => Err(io::Error::new(error.kind(), error.to_string())),
        }
    }
}

static WAKERS: Mutex<Vec<Waker>> = Mutex::new(Vec::new());
static HAS_WAKERS: AtomicBool = AtomicBool::new(false);

/// A future that completes once the shutdown starts: `.await` it in async
/// code run from a sync `main` (any executor; no runtime dependency), e.g.
/// in `tokio::select!` next to an accept loop.
///
/// Calling it marks the program as one that cooperates, as
/// [`is_shutting_down`](crate::is_shutting_down) does.
pub fn wait_async() -> impl Future<Output = ()> + Send + 'static {
    state::cooperate();
    ShutdownStarted
}

struct ShutdownStarted;

impl Future for ShutdownStarted {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if state::has_started() {
            return Poll::Ready(());
        }
        {
            let mut wakers = WAKERS.lock().unwrap_or_else(PoisonError::into_inner);
            if !wakers.iter().any(|waker| waker.will_wake(cx.waker())) {
                wakers.push(cx.waker().clone());
            }
            HAS_WAKERS.store(true, Ordering::Release);
        }
        // Started meanwhile: `announce` may have taken the list before our
        // waker was in it.
        if state::has_started() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
