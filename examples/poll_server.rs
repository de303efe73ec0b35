//! A server whose accept loop blocks in `poll` and wakes the moment shutdown
//! starts, through [`graceful_exit::shutdown_fd`]: no timeouts, no polling
//! of `is_shutting_down`. Built on `mio`; the same fd works with `poll(2)`,
//! `select(2)` or `epoll` directly.
//!
//! ```text
//! cargo run --example poll_server      # prints its address; Ctrl-C stops it
//! ```
//!
//! Each connection gets one line and is closed. On Ctrl-C or SIGTERM the
//! shutdown fd becomes readable, `poll` returns, `main` closes the listener
//! and returns, then the hooks run.
#[cfg(unix)]
fn main() {
    server::main();
}

#[cfg(not(unix))]
fn main() {
    eprintln!("this example uses a Unix file descriptor; see `async_tokio` for a portable one");
}

#[cfg(unix)]
mod server {
    use std::io::{self, ErrorKind, Write};
    use std::os::fd::AsRawFd;

    use graceful_exit::{graceful_main, on_shutdown};
    use mio::net::TcpListener;
    use mio::unix::SourceFd;
    use mio::{Events, Interest, Poll, Token};

    const LISTENER: Token = Token(0);
    const SHUTDOWN: Token = Token(1);

    #[on_shutdown]
    fn goodbye() {
        println!("hook: goodbye");
    }

    #[graceful_main]
    pub(super) fn main() -> io::Result<()> {
        let address = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:0".to_owned());
        let mut listener = TcpListener::bind(address.parse().map_err(io::Error::other)?)?;
        let mut poll = Poll::new()?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)?;
        let shutdown = graceful_exit::shutdown_fd().as_raw_fd();
        poll.registry()
            .register(&mut SourceFd(&shutdown), SHUTDOWN, Interest::READABLE)?;
        println!("ready: listening on {}", listener.local_addr()?);
        let mut served = 0u64;
        let mut events = Events::with_capacity(16);
        'serve: loop {
            if let Err(error) = poll.poll(&mut events, None) {
                if error.kind() == ErrorKind::Interrupted {
                    continue;
                }
                return Err(error);
            }
            for event in &events {
                if event.token() == SHUTDOWN {
                    break 'serve;
                }
                loop {
                    match listener.accept() {
                        Ok((mut stream, _)) => {
                            served += 1;
                            let _ = stream.write_all(format!("hello {served}\n").as_bytes());
                        }
                        Err(error) if error.kind() == ErrorKind::WouldBlock => break,
                        Err(error) => return Err(error),
                    }
                }
            }
        }
        println!("main: served {served} connections; stopping");
        Ok(())
    }
}
