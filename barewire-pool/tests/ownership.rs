//! Owned, regions, drops, handles, Linear and the parallel helper.

use std::cell::Cell;
use std::rc::Rc;

use barewire_pool::{Arena, BatchConfig, HandleError, Linear, Owned, Pool, par_batches};

/// Counts drops.
struct Noisy(Rc<Cell<usize>>);

impl Drop for Noisy {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn owned_drop_runs_value_drop_once() {
    let drops = Rc::new(Cell::new(0));
    let arena = Arena::new();
    let pool = Pool::new();
    {
        let _a = arena.alloc(Noisy(drops.clone()));
        let _b = pool.alloc(Noisy(drops.clone()));
        let c = pool.alloc(Noisy(drops.clone()));
        let inner = c.into_inner();
        assert_eq!(drops.get(), 0);
        drop(inner);
        assert_eq!(drops.get(), 1);
    }
    assert_eq!(drops.get(), 3);
    assert!(pool.is_empty());
}

#[test]
fn copy_is_explicit_and_independent() {
    let pool = Pool::new();
    let a = pool.alloc(vec![1, 2, 3]);
    let mut b = a.copy();
    b.push(4);
    assert_eq!(a.len(), 3);
    assert_eq!(b.len(), 4);
    assert_eq!(pool.len(), 2);
}

#[test]
fn leaked_values_stay_valid_while_borrowed() {
    // Plain arrays: a leaked value's drop never runs, so a heap-owning value
    // here would be a real leak (which Miri reports).
    let pool = Pool::new();
    let x = pool.alloc(*b"kept").leak();
    let y = pool.alloc(*b"shrt");
    assert_eq!(x, b"kept");
    drop(y);
    // The leaked slot is not reused.
    let z = pool.alloc(*b"new!");
    assert_eq!(x, b"kept");
    assert_eq!(&*z, b"new!");
}

#[allow(dead_code)] // the fields are only dropped
enum List<'p> {
    Empty,
    Node(u64, Owned<'p, List<'p>>),
}

#[cfg(not(miri))]
const LONG: u64 = 1_000_000;
#[cfg(miri)]
const LONG: u64 = 2_000;

/// Runs `f` on a thread with a 256 KiB stack: recursion per node would
/// overflow it long before a million nodes.
fn small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

/// A `Pool<T>` drops the values it still holds, so dropck rejects a `T` that
/// borrows its own pool unless the pool outlives every borrow: here it is
/// kept behind a raw pointer for the test and freed by hand at the end.
#[test]
fn million_node_pool_list_drops_without_recursion() {
    small_stack(|| {
        let raw = Box::into_raw(Box::new(Pool::with_capacity(LONG as usize + 1)));
        // SAFETY: `raw` is a live, unique allocation; it is freed below only
        // after the last use of `pool`.
        let pool: &'static Pool<List<'static>> = unsafe { &*raw };
        let mut head = pool.alloc(List::Empty);
        for i in 0..LONG {
            head = pool.alloc(List::Node(i, head));
        }
        assert_eq!(pool.len(), LONG as usize + 1);
        drop(head);
        assert!(pool.is_empty());
        assert_eq!(pool.stats().frees, LONG + 1);
        // SAFETY: `raw` came from `Box::into_raw`; every `Owned` of the pool
        // has been dropped and `pool` is not used after this.
        drop(unsafe { Box::from_raw(raw) });
    });
}

#[test]
fn million_node_arena_list_drops_without_recursion() {
    small_stack(|| {
        let mut arena = Arena::new();
        {
            let region = arena.region();
            let mut head = region.alloc(List::Empty);
            for i in 0..LONG {
                head = region.alloc(List::Node(i, head));
            }
            drop(head);
        }
        assert_eq!(arena.bytes_in_use(), 0);
    });
}

/// A tree (fan-out 2) in an arena also drops fully, and every value exactly once.
#[test]
fn deferred_drops_run_every_value_once() {
    struct Tree<'p> {
        _children: Vec<Owned<'p, Tree<'p>>>,
        _noisy: Noisy,
    }
    fn build<'p>(pool: &'p Arena, depth: u32, drops: &Rc<Cell<usize>>) -> Owned<'p, Tree<'p>> {
        let children = if depth == 0 {
            Vec::new()
        } else {
            vec![build(pool, depth - 1, drops), build(pool, depth - 1, drops)]
        };
        pool.alloc(Tree {
            _children: children,
            _noisy: Noisy(drops.clone()),
        })
    }
    let drops = Rc::new(Cell::new(0));
    let arena = Arena::new();
    let root = build(&arena, 8, &drops);
    assert_eq!(arena.stats().allocations, counted(511));
    drop(root);
    assert_eq!(drops.get(), 511);
}

#[test]
fn a_panicking_drop_leaves_the_pool_usable() {
    struct Bomb<'p>(bool, #[allow(dead_code)] Option<Owned<'p, Bomb<'p>>>);
    impl Drop for Bomb<'_> {
        fn drop(&mut self) {
            if self.0 {
                panic!("boom");
            }
        }
    }
    let pool = Arena::new();
    let inner = pool.alloc(Bomb(false, None));
    let outer = pool.alloc(Bomb(true, Some(inner)));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(outer)));
    assert!(caught.is_err());
    // The pool still allocates and drops.
    let x = pool.alloc(Bomb(false, None));
    drop(x);
}

#[test]
fn regions_nest_and_rewind() {
    let mut arena = Arena::with_capacity_fixed(1 << 16);
    arena.alloc_slice_copy(&[1u8; 10]);
    let before = arena.bytes_in_use();
    {
        let mut outer = arena.region();
        let a = outer.alloc_slice_copy(&[2u8; 100]);
        assert_eq!(a[99], 2);
        {
            let mut inner = outer.region();
            inner.alloc_slice_copy(&[3u8; 1000]);
            inner.reset();
            assert_eq!(inner.bytes_in_use(), 0);
            inner.alloc_slice_copy(&[3u8; 50]);
        }
        assert_eq!(outer.bytes_in_use(), 100);
        // The outer region's own figures: its peak includes the inner
        // region's, and nothing the arena held before it.
        let s = outer.stats();
        assert_eq!((s.bytes_in_use, s.peak_bytes), (100, 1100));
        assert_eq!((s.allocations, s.regions, s.resets), (counted(3), 1, 0));
    }
    assert_eq!(arena.bytes_in_use(), before);
    let stats = arena.stats();
    assert_eq!(stats.regions, 2);
    assert_eq!(stats.peak_bytes, 10 + 100 + 1000);
    let report = arena.report();
    assert_eq!(
        report.regions.len(),
        1 + usize::from(cfg!(feature = "track"))
    );
    let max_region_peak = report.regions.iter().map(|r| r.peak_bytes).max().unwrap();
    assert_eq!(max_region_peak, 1100);
}

#[test]
fn fixed_arena_exhaustion_is_an_error_value() {
    let arena = Arena::with_capacity_fixed(64);
    let _a = arena.alloc([0u8; 40]);
    let err = arena.try_alloc([0u8; 40]).unwrap_err();
    assert_eq!(err.requested, 40);
    assert_eq!(err.remaining, 24);
    assert_eq!(err.capacity, 64);
    let stats = arena.stats();
    assert_eq!(stats.exhaustions, 1);
    let text = arena.report().to_string();
    assert!(text.contains("ran out"), "{text}");
}

#[test]
#[should_panic(expected = "arena exhausted")]
fn alloc_panics_on_exhaustion() {
    let arena = Arena::with_capacity_fixed(4);
    arena.alloc(0u64);
}

#[test]
fn growing_arena_grows_and_reuses_chunks() {
    let mut arena = Arena::new();
    for round in 0..3 {
        for i in 0..10_000u32 {
            let v = arena.alloc(i + round);
            assert_eq!(*v, i + round);
        }
        let cap = arena.capacity();
        arena.reset();
        assert_eq!(arena.capacity(), cap, "reset keeps the chunks");
    }
    let big = arena.alloc_slice_copy(&vec![7u64; 100_000]);
    assert_eq!(big.len(), 100_000);
    let aligned = arena.alloc_layout(std::alloc::Layout::from_size_align(8, 4096).unwrap());
    assert_eq!(aligned.as_ptr() as usize % 4096, 0);
}

#[test]
fn zero_sized_allocations() {
    let arena = Arena::with_capacity_fixed(0);
    let unit = arena.alloc(());
    assert_eq!(*unit, ());
    let empty: &mut [u64] = arena.alloc_slice_copy(&[]);
    assert!(empty.is_empty());
    assert_eq!(arena.bytes_in_use(), 0);
}

#[test]
fn handles_catch_stale_double_and_foreign_use() {
    let mut a = Pool::new();
    let b = Pool::<String>::new();
    let h = a.insert(String::from("x"));
    assert!(matches!(b.get(h), Err(HandleError::WrongPool { .. })));
    assert_eq!(a.remove(h), Ok(String::from("x")));
    assert!(matches!(a.get(h), Err(HandleError::UseAfterFree { .. })));
    assert!(matches!(
        a.get_mut(h),
        Err(HandleError::UseAfterFree { .. })
    ));
    assert!(matches!(a.free(h), Err(HandleError::DoubleFree { .. })));
    // The slot is reused at the next generation; the old handle still fails.
    let h2 = a.insert(String::from("y"));
    assert_eq!(h2.index(), h.index());
    assert!(a.get(h).is_err());
    assert_eq!(a.get(h2).map(String::as_str), Ok("y"));
}

/// A slot taken by an `Owned` keeps its stamp (no handle can refer to it):
/// a stale handle of the slot's earlier value still fails while the `Owned`
/// holds it and after, and the next handle's generation is the next one.
#[test]
fn stale_handles_fail_on_a_slot_an_owned_took() {
    let mut pool = Pool::new();
    let h = pool.insert(1u32);
    pool.free(h).unwrap();
    let o = pool.alloc(2u32);
    assert!(matches!(pool.get(h), Err(HandleError::UseAfterFree { .. })));
    assert!(!pool.contains(h));
    assert_eq!(*o, 2);
    drop(o);
    assert!(matches!(pool.free(h), Err(HandleError::DoubleFree { .. })));
    let h2 = pool.insert(3u32);
    assert_eq!(h2.index(), h.index());
    assert_eq!(h2.generation(), h.generation() + 1);
    assert!(pool.get(h).is_err());
    assert_eq!(pool.get(h2), Ok(&3));
    // `Owned`s cycling through the slot spend no generation.
    pool.free(h2).unwrap();
    for v in 0..100 {
        assert_eq!(*pool.alloc(v), v);
    }
    let h3 = pool.insert(4u32);
    assert_eq!(
        (h3.index(), h3.generation()),
        (h.index(), h.generation() + 2)
    );
    assert_eq!(pool.len(), 1);
}

#[test]
fn handles_are_static_send_and_sync() {
    fn assert_traits<T: Send + Sync + Copy + 'static>(_: T) {}
    let pool = Pool::new();
    assert_traits(pool.insert(1u32));
    fn assert_send<T: Send>() {}
    assert_send::<Arena>();
    assert_send::<Pool<String>>();
}

#[test]
fn pool_drop_drops_handle_values() {
    let drops = Rc::new(Cell::new(0));
    {
        let pool = Pool::new();
        for _ in 0..5 {
            pool.insert(Noisy(drops.clone()));
        }
    }
    assert_eq!(drops.get(), 5);
}

#[test]
fn linear_consumed_is_silent() {
    let l = Linear::new(5);
    assert_eq!(*l + 1, 6);
    assert_eq!(l.into_inner(), 5);
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "dropped without into_inner")]
fn linear_unconsumed_panics_in_debug() {
    let _l = Linear::new(5);
}

#[test]
fn linear_forget_is_the_way_around() {
    let before = barewire_pool::linear::unconsumed_count();
    // `forget` skips the inner value's drop too (a `String` would leak).
    std::mem::forget(Linear::new([7u8; 8]));
    assert_eq!(barewire_pool::linear::unconsumed_count(), before);
}

#[test]
fn linear_dropped_while_panicking_is_counted_not_aborted() {
    let before = barewire_pool::linear::unconsumed_count();
    let result = std::panic::catch_unwind(|| {
        let _l = Linear::new(1);
        panic!("unwinding");
    });
    assert!(result.is_err());
    assert!(barewire_pool::linear::unconsumed_count() > before);
}

#[test]
fn par_batches_uses_a_region_per_batch() {
    let input: Vec<u32> = (0..1000).collect();
    let config = BatchConfig::new(100).threads(2).scratch_capacity(16 << 10);
    let run = par_batches(&input, &config, |scratch, batch, out| {
        assert_eq!(scratch.bytes_in_use(), 0, "each batch starts empty");
        let doubled = scratch.alloc_slice_copy(batch);
        for x in doubled.iter_mut() {
            *x *= 2;
        }
        for x in doubled.iter() {
            out.push(*x).unwrap();
        }
    });
    assert_eq!(run.batches, 10);
    let mut results = run.results;
    results.sort_unstable();
    assert_eq!(results, (0..1000).map(|x| x * 2).collect::<Vec<_>>());
    let regions: u64 = run.reports.iter().map(|r| r.stats.regions).sum();
    assert_eq!(regions, 10);
    for r in &run.reports {
        assert_eq!(r.stats.bytes_in_use, 0);
        assert!(r.stats.peak_bytes <= 400);
    }
}

/// An arena's allocation count as `Stats` reports it: counted with the
/// `count` feature only.
fn counted(n: u64) -> Option<u64> {
    cfg!(feature = "count").then_some(n)
}
