//! An async server inside a sync `main`: a tokio runtime built by hand, its
//! accept loop stopped by [`graceful_exit::wait_async`], a plain future that
//! needs no particular executor.
//!
//! ```text
//! cargo run --example async_tokio      # prints its address; Ctrl-C stops it
//! ```
//!
//! On Ctrl-C or SIGTERM the future completes, `select!` leaves the loop,
//! `block_on` returns, `main` returns, then the hooks run.
use graceful_exit::{graceful_main, on_shutdown};
use tokio::io::AsyncWriteExt;

#[on_shutdown]
fn goodbye() {
    println!("hook: goodbye");
}

#[graceful_main]
fn main() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    let served = runtime.block_on(async {
        let address = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:0".to_owned());
        let listener = tokio::net::TcpListener::bind(address).await?;
        println!("ready: listening on {}", listener.local_addr()?);
        let mut served = 0u64;
        let shutdown = graceful_exit::wait_async();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                accepted = listener.accept() => {
                    let (mut stream, _) = accepted?;
                    served += 1;
                    stream.write_all(format!("hello {served}\n").as_bytes()).await?;
                }
            }
        }
        Ok::<_, std::io::Error>(served)
    })?;
    println!("main: served {served} connections; stopping");
    Ok(())
}
