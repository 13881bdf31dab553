//! A value's drop that panics: every other value is still dropped exactly
//! once, before the panic leaves the outermost drop, and nothing is left
//! queued in the allocator (so moving it, sending it to another thread,
//! resetting or dropping it afterwards runs no stale drop).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use barewire_pool::{Arena, Owned, Pool};

/// Panics in its drop when `boom`; counts its drops; may own the next value.
struct Bomb<'p> {
    boom: bool,
    drops: Rc<Cell<usize>>,
    _next: Option<Owned<'p, Bomb<'p>>>,
}

impl Drop for Bomb<'_> {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
        if self.boom {
            panic!("boom");
        }
    }
}

/// A `Bomb` to allocate in an arena or a region.
fn bomb<'p>(boom: bool, drops: &Rc<Cell<usize>>, next: Option<Owned<'p, Bomb<'p>>>) -> Bomb<'p> {
    Bomb {
        boom,
        drops: drops.clone(),
        _next: next,
    }
}

fn panics(f: impl FnOnce()) -> bool {
    catch_unwind(AssertUnwindSafe(f)).is_err()
}

/// Before the fix, `inner`'s drop was queued while `outer`'s drop unwound and
/// stayed queued until the next reset: not dropped when the panic arrived.
#[test]
fn panicking_drop_still_drops_nested_values_before_unwinding() {
    let drops = Rc::new(Cell::new(0));
    let arena = Arena::new();
    let inner = arena.alloc(bomb(false, &drops, None));
    let outer = arena.alloc(bomb(true, &drops, Some(inner)));
    assert!(panics(|| drop(outer)));
    assert_eq!(
        drops.get(),
        2,
        "the nested value was dropped during the unwind"
    );
    // The arena still allocates and drops.
    drop(arena.alloc(bomb(false, &drops, None)));
    assert_eq!(drops.get(), 3);
}

/// The audit's case: a stale entry, run after the arena moved, dropped
/// `inner` (through the moved-from arena's queue) twice. Miri reported it.
#[test]
fn arena_moved_after_panicking_drop_drops_each_value_once() {
    let drops = Rc::new(Cell::new(0));
    let arena = Arena::new();
    {
        let inner = arena.alloc(bomb(false, &drops, None));
        let outer = arena.alloc(bomb(true, &drops, Some(inner)));
        assert!(panics(|| drop(outer)));
    }
    assert_eq!(drops.get(), 2);
    let mut moved = Box::new(arena);
    moved.reset();
    let mut again = *moved;
    again.reset();
    drop(again);
    assert_eq!(drops.get(), 2);
}

/// A value whose drop panics in the middle of a queued chain: the rest of
/// the chain is dropped, and the panic comes out once.
#[test]
fn panic_in_a_queued_drop_runs_the_rest_of_the_chain() {
    let drops = Rc::new(Cell::new(0));
    let arena = Arena::new();
    let mut head = arena.alloc(bomb(false, &drops, None));
    for i in 1..10 {
        head = arena.alloc(bomb(i == 5, &drops, Some(head)));
    }
    assert!(panics(|| drop(head)));
    assert_eq!(drops.get(), 10);
}

/// Two panicking drops in one chain: the first panic is the one that comes
/// out, every value is dropped, and the process does not abort.
#[test]
fn two_panicking_drops_give_the_first_panic() {
    #[allow(dead_code)] // some fields are only dropped
    struct Loud<'p>(&'static str, Option<Owned<'p, Loud<'p>>>);
    impl Drop for Loud<'_> {
        fn drop(&mut self) {
            if !self.0.is_empty() {
                std::panic::panic_any(self.0);
            }
        }
    }
    let arena = Arena::new();
    let last = arena.alloc(Loud("", None));
    let second = arena.alloc(Loud("second", Some(last)));
    let first = arena.alloc(Loud("first", Some(second)));
    let err = catch_unwind(AssertUnwindSafe(|| drop(first))).unwrap_err();
    assert_eq!(err.downcast_ref::<&str>(), Some(&"first"));
}

/// Regions give memory back through the same rewind; a panicking drop inside
/// a region leaves nothing queued that the region's end could free.
#[test]
fn region_after_panicking_drop_rewinds_cleanly() {
    let drops = Rc::new(Cell::new(0));
    let mut arena = Arena::new();
    {
        let mut region = arena.region();
        {
            let inner = region.alloc(bomb(false, &drops, None));
            let outer = region.alloc(bomb(true, &drops, Some(inner)));
            assert!(panics(|| drop(outer)));
            assert_eq!(drops.get(), 2);
        }
        region.reset();
        let x = region.alloc(bomb(false, &drops, None));
        drop(x);
    }
    assert_eq!(drops.get(), 3);
    assert_eq!(arena.bytes_in_use(), 0);
    let arena = Box::new(arena);
    drop(arena);
    assert_eq!(drops.get(), 3);
}

/// The pool: the nested value is dropped during the unwind, and both slots
/// are free again (before the fix the panicking value's slot stayed taken).
#[test]
fn pool_panicking_drop_frees_every_slot() {
    #[allow(dead_code)] // some fields are only dropped
    struct Node<'p>(bool, Rc<Cell<usize>>, Option<Owned<'p, Node<'p>>>);
    impl Drop for Node<'_> {
        fn drop(&mut self) {
            self.1.set(self.1.get() + 1);
            if self.0 {
                panic!("boom");
            }
        }
    }
    let drops = Rc::new(Cell::new(0));
    // A `Pool<T>` whose `T` borrows it must outlive every borrow (dropck), so
    // it sits behind a raw pointer and is freed by hand at the end.
    let raw = Box::into_raw(Box::new(Pool::new()));
    // SAFETY: `raw` is a live, unique allocation, freed below after the last
    // use of `pool`.
    let pool: &'static Pool<Node<'static>> = unsafe { &*raw };
    let inner = pool.alloc(Node(false, drops.clone(), None));
    let outer = pool.alloc(Node(true, drops.clone(), Some(inner)));
    assert!(panics(|| drop(outer)));
    assert_eq!(drops.get(), 2);
    assert!(pool.is_empty());
    assert_eq!(pool.stats().frees, 2);
    // Both slots are reused.
    let a = pool.alloc(Node(false, drops.clone(), None));
    let b = pool.alloc(Node(false, drops.clone(), None));
    assert!(a.0 == b.0 && pool.capacity() == 16);
    drop((a, b));
    // SAFETY: `raw` came from `Box::into_raw`; every `Owned` of the pool has
    // been dropped and `pool` is not used after this.
    drop(unsafe { Box::from_raw(raw) });
    assert_eq!(drops.get(), 4);
}

/// The audit's `Send` case: after a panicking drop, the arena is sent to
/// another thread and reset there. Before the fix, the stale entry dropped a
/// `!Send` value (an `Rc` clone) on that thread, racing with this one (Miri:
/// a data race in `Rc::drop`). Now the value is gone before the arena moves.
#[test]
fn arena_sent_after_panicking_drop_drops_nothing_on_the_other_thread() {
    #[allow(dead_code)] // some fields are only dropped
    struct Shared<'p>(Rc<()>, bool, Option<Owned<'p, Shared<'p>>>);
    impl Drop for Shared<'_> {
        fn drop(&mut self) {
            if self.1 {
                panic!("boom");
            }
        }
    }
    let rc = Rc::new(());
    let mut arena = Arena::new();
    {
        let inner = arena.alloc(Shared(rc.clone(), false, None));
        let outer = arena.alloc(Shared(rc.clone(), true, Some(inner)));
        assert!(panics(|| drop(outer)));
    }
    assert_eq!(Rc::strong_count(&rc), 1, "every clone was dropped here");
    arena = std::thread::spawn(move || {
        arena.reset();
        arena
    })
    .join()
    .unwrap();
    drop(arena);
    assert_eq!(Rc::strong_count(&rc), 1);
}
