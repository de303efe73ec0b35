//! Unix helpers shared by both backends: reading and restoring signal
//! dispositions, re-raising, and reaping children.

use libc::c_int;

use crate::Signal;

/// A signal's disposition, saved to be put back later.
pub(super) struct Disposition(libc::sigaction);

/// The current disposition of `number`, or `None` if it cannot be read.
pub(super) fn disposition(number: c_int) -> Option<Disposition> {
    // SAFETY: `sigaction` with a null `act` only reads the current
    // disposition into `old`, a zero-initialised struct of the right type
    // that lives for the whole call. It changes nothing.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        (libc::sigaction(number, std::ptr::null(), &mut old) == 0).then_some(Disposition(old))
    }
}

impl Disposition {
    /// Whether this is `SIG_IGN`: whoever started us wanted it ignored.
    pub(super) fn is_ignored(&self) -> bool {
        self.0.sa_sigaction == libc::SIG_IGN
    }

    /// The handler function, when this disposition is a handler.
    #[cfg(feature = "ctrlc")]
    pub(super) fn handler(&self) -> Option<libc::sighandler_t> {
        let handler = self.0.sa_sigaction;
        (handler != libc::SIG_IGN && handler != libc::SIG_DFL).then_some(handler)
    }

    /// Installs `handler` for `number`, keeping this disposition's flags and
    /// mask. Only for dispositions without `SA_SIGINFO`, whose handlers take
    /// just the signal number.
    #[cfg(feature = "ctrlc")]
    pub(super) fn replace_handler(
        &self,
        number: c_int,
        handler: extern "C" fn(c_int),
    ) -> std::io::Result<()> {
        if self.0.sa_flags & libc::SA_SIGINFO != 0 {
            return Err(std::io::Error::from(std::io::ErrorKind::Unsupported));
        }
        let mut action = Disposition(self.0);
        action.0.sa_sigaction = handler as libc::sighandler_t;
        action.restore(number)
    }

    /// Puts this disposition back for `number`.
    #[cfg(feature = "ctrlc")]
    pub(super) fn restore(&self, number: c_int) -> std::io::Result<()> {
        // SAFETY: `self.0` is a disposition the kernel gave us for a signal;
        // installing it again is always valid. `old` may be null.
        let result = unsafe { libc::sigaction(number, &self.0, std::ptr::null_mut()) };
        if result == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }
}

/// Blocks `numbers` on the calling thread until the guard drops (then the
/// previous mask comes back and pending signals are delivered).
#[cfg(feature = "ctrlc")]
pub(super) struct Blocked(libc::sigset_t);

#[cfg(feature = "ctrlc")]
impl Blocked {
    pub(super) fn new(numbers: &[c_int]) -> Blocked {
        // SAFETY: both sets are zeroed locals initialised with sigemptyset
        // before use; pthread_sigmask only reads `set` and writes `old`.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for number in numbers {
                libc::sigaddset(&mut set, *number);
            }
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut old);
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
            Blocked(old)
        }
    }
}

#[cfg(feature = "ctrlc")]
impl Drop for Blocked {
    fn drop(&mut self) {
        // SAFETY: `self.0` is the mask pthread_sigmask gave us; setting it
        // back is always valid.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.0, std::ptr::null_mut());
        }
    }
}

/// Whether `number` was ignored (`SIG_IGN`) when we looked.
#[cfg(not(feature = "ctrlc"))]
pub(super) fn is_ignored(number: c_int) -> bool {
    disposition(number).is_some_and(|d| d.is_ignored())
}

/// Reaps every child that has exited, without blocking.
#[cfg(not(feature = "ctrlc"))]
pub(super) fn reap_children() {
    loop {
        let mut status: c_int = 0;
        // SAFETY: `waitpid` with `WNOHANG` never blocks; `status` is a valid,
        // writable `c_int` for the duration of the call.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            break;
        }
    }
}

/// Restores the default action of `signal`, unblocks it and raises it.
/// Returns only if that did not end the process.
pub(crate) fn die_by_signal(signal: Signal) {
    let number = signal.number();
    // SAFETY: all calls take valid arguments: a zeroed `sigaction` with
    // `SIG_DFL` (an empty mask and no flags), a sigset built with
    // sigemptyset/sigaddset on a local, and a null pointer for the old mask.
    // Errors only mean the signal will not kill us; the caller handles that.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut default.sa_mask);
        libc::sigaction(number, &default, std::ptr::null_mut());
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, number);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(number);
    }
}
