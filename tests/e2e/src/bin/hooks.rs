//! Three hooks of its own plus one from `hooklib`; `main` does what its first
//! argument says. Prints `ready` once the handlers are installed.
use std::io::Write;
use std::process::ExitCode;

use graceful_exit::{graceful_main, on_shutdown, ShutdownReason};

#[on_shutdown]
fn first() {
    println!("hook: first");
}

#[on_shutdown(order = 10)]
fn second() -> Result<(), std::io::Error> {
    println!("hook: second");
    Ok(())
}

#[on_shutdown(order = 20)]
fn last(reason: &ShutdownReason) {
    println!("hook: last reason={reason}");
}

enum Outcome {
    Unit,
    Err(&'static str),
    Code(ExitCode),
}

impl std::process::Termination for Outcome {
    fn report(self) -> ExitCode {
        match self {
            Outcome::Unit => ExitCode::SUCCESS,
            Outcome::Err(error) => Err::<(), _>(error).report(),
            Outcome::Code(code) => code,
        }
    }
}

#[graceful_main]
fn main() -> Outcome {
    let mode = std::env::args().nth(1).unwrap_or_default();
    println!("{}", hooklib::connect());
    println!("ready");
    // Unflushed on purpose for "unflushed": the runtime must flush it.
    let _ = std::io::stdout().flush();
    match mode.as_str() {
        "return" => Outcome::Unit,
        "err" => Outcome::Err("disk on fire"),
        "code3" => Outcome::Code(ExitCode::from(3)),
        "panic" => panic!("main blew up"),
        "exit7" => graceful_exit::exit(7),
        "request" => {
            graceful_exit::request_shutdown();
            Outcome::Unit
        }
        "unflushed" => {
            print!("partial line without newline");
            graceful_exit::exit(0)
        }
        _ => loop {
            std::thread::park();
        },
    }
}
