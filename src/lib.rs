//! graceful-exit (docs to come)
#![forbid(unsafe_code)]
pub use graceful_exit_macros::{graceful_main, on_shutdown};
pub use graceful_exit_runtime::{
    exit, is_shutting_down, on_shutdown_fn, request_shutdown, sleep, wait, Config, InstallError,
    ShutdownReason, Signal, DEADLINE_ENV, DEFAULT_DEADLINE, QUIET_ENV,
};

#[doc(hidden)]
pub mod __private {
    pub use graceful_exit_runtime::__private::*;
}
