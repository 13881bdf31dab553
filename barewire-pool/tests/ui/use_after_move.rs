// An `Owned` moves once; the old name cannot be used after the move.
use barewire_pool::Pool;

fn main() {
    let pool = Pool::new();
    let a = pool.alloc(String::from("one owner"));
    let b = a;
    println!("{} {}", *a, *b);
}
