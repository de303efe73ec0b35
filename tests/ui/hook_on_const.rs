use graceful_exit::on_shutdown;

#[on_shutdown]
const ORDER: i32 = 1;

fn main() {
    let _ = ORDER;
}
