// An arena is `Send`, but never while a drop of one of its values can be
// pending: every such value is owned by an `Owned` that borrows the arena, so
// the arena cannot move to another thread (here with a `!Send` `Rc`) until
// the value is dropped. (A panicking drop leaves nothing queued either: the
// drop queue is empty before the drop unwinds; see `tests/drop_panics.rs`.)
use std::rc::Rc;

use barewire_pool::Arena;

fn main() {
    let arena = Arena::new();
    let value = arena.alloc(Rc::new(1));
    let worker = std::thread::spawn(move || drop(arena));
    drop(value);
    worker.join().unwrap();
}
