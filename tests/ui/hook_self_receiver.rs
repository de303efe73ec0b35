use graceful_exit::on_shutdown;

struct Database;

impl Database {
    #[on_shutdown]
    fn close(&self) {}
}

fn main() {
    Database.close();
}
