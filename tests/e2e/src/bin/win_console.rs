//! Windows only: delivers a console control event to itself the way Windows
//! does, for the events Wine cannot send (Ctrl-Break, close, logoff,
//! shutdown), and then plays Windows' part after the delivery.
//!
//! ```text
//! win_console EVENT [SIGNAL...]    # EVENT: break, close, logoff, shutdown
//! ```
//!
//! Windows (conhost, through user32) delivers an event by starting a thread
//! in the process at `CtrlRoutine(event)`, which calls the process's control
//! routines, last registered first, until one returns `TRUE`
//! (microsoft/terminal, `doc/ConsoleCtrlEvent.md`). This program starts that
//! same thread on itself, with kernel32's own `CtrlRoutine`. What Windows
//! does next is played here too: once the routine has returned from close,
//! logoff or shutdown, Windows ends the process (here: `ExitProcess` with
//! `STATUS_CONTROL_C_EXIT`, after 500 ms so that a misrouted event would
//! have time to show as hook lines); if the routine has not returned within
//! 5 s (Windows' timeout for close), Windows ends it too. After Ctrl-Break
//! it does nothing.
//!
//! Prints `session N`, `ready`, then `console: ...` lines for what the
//! routine did; the hooks print `hook: NAME ...`. `SIGNAL...` (names, e.g.
//! `SIGINT`) replace the default `signals`.

#[cfg(windows)]
mod console {
    use std::ffi::{c_char, c_void};
    use std::time::{Duration, Instant};

    type Routine = unsafe extern "system" fn(*mut c_void) -> u32;

    #[link(name = "kernel32")]
    extern "system" {
        fn GetModuleHandleA(name: *const c_char) -> *mut c_void;
        fn GetProcAddress(module: *mut c_void, name: *const c_char) -> *const c_void;
        fn CreateThread(
            attributes: *const c_void,
            stack: usize,
            start: Routine,
            parameter: *mut c_void,
            flags: u32,
            id: *mut u32,
        ) -> *mut c_void;
        fn WaitForSingleObject(handle: *mut c_void, milliseconds: u32) -> u32;
        fn ExitProcess(code: u32) -> !;
        fn GetCurrentProcessId() -> u32;
        fn ProcessIdToSessionId(process: u32, session: *mut u32) -> i32;
    }

    const WAIT_OBJECT_0: u32 = 0;
    const STATUS_CONTROL_C_EXIT: u32 = 0xC000_013A;
    /// Windows' timeout for a routine handling close (`SPI_GETHUNGAPPTIMEOUT`).
    const WINDOWS_TIMEOUT: Duration = Duration::from_secs(5);

    pub fn event_code(name: &str) -> Option<u32> {
        match name {
            "break" => Some(1),
            "close" => Some(2),
            "logoff" => Some(5),
            "shutdown" => Some(6),
            _ => None,
        }
    }

    pub fn session() -> u32 {
        let mut session = u32::MAX;
        // SAFETY: plain integers in, one `u32` written through a pointer to
        // a live local.
        unsafe { ProcessIdToSessionId(GetCurrentProcessId(), &mut session) };
        session
    }

    /// Delivers `event` as Windows does, then does what Windows would.
    pub fn deliver(event: u32) -> ! {
        // SAFETY: C string literals; kernel32 is loaded in every process.
        let routine = unsafe {
            GetProcAddress(
                GetModuleHandleA(c"kernel32.dll".as_ptr()),
                c"CtrlRoutine".as_ptr(),
            )
        };
        assert!(!routine.is_null(), "kernel32 has no CtrlRoutine");
        // SAFETY: CtrlRoutine is the `DWORD WINAPI (LPVOID)` thread start
        // routine Windows itself starts console event threads at.
        let routine: Routine = unsafe { std::mem::transmute(routine) };
        let started = Instant::now();
        // SAFETY: default attributes and stack; the event code travels in
        // the parameter, as Windows passes it; no id asked for.
        let thread = unsafe {
            CreateThread(
                std::ptr::null(),
                0,
                routine,
                event as usize as *mut c_void,
                0,
                std::ptr::null_mut(),
            )
        };
        assert!(!thread.is_null(), "CreateThread failed");
        let limit = u32::try_from(WINDOWS_TIMEOUT.as_millis()).expect("fits");
        // SAFETY: a thread handle we own.
        let waited = unsafe { WaitForSingleObject(thread, limit) };
        if event == 1 {
            println!("console: routine returned after Ctrl-Break");
            loop {
                std::thread::park();
            }
        }
        if waited == WAIT_OBJECT_0 {
            println!(
                "console: routine returned after {:?}; Windows ends the process",
                started.elapsed()
            );
            std::thread::sleep(Duration::from_millis(500));
        } else {
            println!("console: Windows' timeout passed; Windows ends the process");
        }
        // SAFETY: ends the process, as Windows would.
        unsafe { ExitProcess(STATUS_CONTROL_C_EXIT) }
    }
}

use graceful_exit::{on_shutdown, ShutdownReason};

#[on_shutdown]
fn first() {
    println!("hook: first");
}

/// Takes a moment, as real cleanup does: well inside Windows' 5 s.
#[on_shutdown(order = 1)]
fn last(reason: &ShutdownReason) {
    std::thread::sleep(std::time::Duration::from_millis(300));
    println!("hook: last reason={reason}");
}

#[cfg(windows)]
fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_default();
    let event = console::event_code(&name)
        .unwrap_or_else(|| panic!("unknown event {name:?}: break, close, logoff or shutdown"));
    let signals: Vec<graceful_exit::Signal> = args
        .map(|name| graceful_exit::Signal::from_name(&name).expect("a signal name"))
        .collect();
    let mut config = graceful_exit::Config::new();
    if !signals.is_empty() {
        config = config.signals(&signals);
    }
    config.run(move || {
        println!("session {}", console::session());
        println!("ready");
        console::deliver(event)
    })
}

#[cfg(not(windows))]
fn main() {
    eprintln!("win_console is a Windows test program (tests/e2e/tests/wine.rs runs it under Wine)");
    std::process::exit(2);
}
