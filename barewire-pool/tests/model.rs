//! Model-based property test: random sequences of allocate, free, reset and
//! region enter/exit, checked against a simple model after every step.
//!
//! * Arena side: raw allocations (`try_alloc_layout`) are filled with a byte
//!   and remembered with the region depth they were made at; region exit and
//!   reset drop them from the model. After every step every live allocation
//!   must be aligned, keep its bytes and overlap no other live allocation.
//! * Pool side: handles are kept forever (live or stale) and checked against
//!   a map of what is live; stale handles must always be refused, with the
//!   right error. `Owned` values live in a second pool.

use std::alloc::Layout;
use std::ptr::NonNull;

use barewire_pool::{AllocError, Arena, HandleError, Owned, Pool, Region, Stats};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Alloc {
        len: usize,
        align_shift: u8,
        fill: u8,
    },
    Enter,
    Exit,
    Reset,
    Insert(u64),
    Get(usize),
    Set(usize, u64),
    Free(usize),
    OwnedAlloc(u64),
    OwnedDrop(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (1usize..200, 0u8..5, any::<u8>()).prop_map(|(len, align_shift, fill)| Op::Alloc { len, align_shift, fill }),
        2 => Just(Op::Enter),
        2 => Just(Op::Exit),
        1 => Just(Op::Reset),
        3 => any::<u64>().prop_map(Op::Insert),
        2 => any::<usize>().prop_map(Op::Get),
        1 => (any::<usize>(), any::<u64>()).prop_map(|(i, v)| Op::Set(i, v)),
        2 => any::<usize>().prop_map(Op::Free),
        2 => any::<u64>().prop_map(Op::OwnedAlloc),
        2 => any::<usize>().prop_map(Op::OwnedDrop),
    ]
}

struct Live {
    ptr: NonNull<u8>,
    len: usize,
    align: usize,
    fill: u8,
    depth: usize,
}

struct Model<'o> {
    live: Vec<Live>,
    pool: Pool<u64>,
    other: Pool<u64>,
    /// Every handle ever issued, with the value it should see if live.
    handles: Vec<(barewire_pool::Handle<u64>, Option<u64>)>,
    owned_pool: &'o Pool<u64>,
    owned: Vec<(Owned<'o, u64>, u64)>,
}

impl Model<'_> {
    fn check(&self) {
        for a in &self.live {
            assert_eq!(a.ptr.as_ptr() as usize % a.align, 0, "misaligned");
            // SAFETY: the allocation is live (the model says so), so its
            // `len` bytes are valid and were initialized with `fill`.
            let bytes = unsafe { std::slice::from_raw_parts(a.ptr.as_ptr(), a.len) };
            assert!(bytes.iter().all(|&b| b == a.fill), "contents changed");
        }
        let mut spans: Vec<(usize, usize)> = self
            .live
            .iter()
            .map(|a| (a.ptr.as_ptr() as usize, a.len))
            .collect();
        spans.sort_unstable();
        for w in spans.windows(2) {
            assert!(w[0].0 + w[0].1 <= w[1].0, "live allocations overlap");
        }
        for (h, expect) in &self.handles {
            match expect {
                Some(v) => assert_eq!(self.pool.get(*h), Ok(v)),
                None => assert!(matches!(
                    self.pool.get(*h),
                    Err(HandleError::UseAfterFree { .. })
                )),
            }
            assert!(matches!(
                self.other.get(*h),
                Err(HandleError::WrongPool { .. })
            ));
        }
        for (o, v) in &self.owned {
            assert_eq!(**o, *v);
        }
        let handle_live = self.handles.iter().filter(|(_, v)| v.is_some()).count();
        assert_eq!(self.pool.len(), handle_live);
        assert_eq!(self.owned_pool.len(), self.owned.len());
    }

    /// Pool operations; returns false for arena operations.
    fn pool_op(&mut self, op: &Op) -> bool {
        let n = self.handles.len();
        match *op {
            Op::Insert(v) => {
                let h = self.pool.insert(v);
                self.handles.push((h, Some(v)));
            }
            Op::Get(i) if n > 0 => {
                let (h, expect) = self.handles[i % n];
                assert_eq!(self.pool.get(h).ok(), expect.as_ref());
            }
            Op::Set(i, v) if n > 0 => {
                let (h, expect) = &mut self.handles[i % n];
                match self.pool.get_mut(*h) {
                    Ok(slot) => {
                        assert!(expect.is_some());
                        *slot = v;
                        *expect = Some(v);
                    }
                    Err(e) => {
                        assert!(expect.is_none());
                        assert!(matches!(e, HandleError::UseAfterFree { .. }));
                    }
                }
            }
            Op::Free(i) if n > 0 => {
                let (h, expect) = &mut self.handles[i % n];
                match expect.take() {
                    Some(v) => assert_eq!(self.pool.remove(*h), Ok(v)),
                    None => assert!(matches!(
                        self.pool.free(*h),
                        Err(HandleError::DoubleFree { .. })
                    )),
                }
            }
            Op::OwnedAlloc(v) => self.owned.push((self.owned_pool.alloc(v), v)),
            Op::OwnedDrop(i) if !self.owned.is_empty() => {
                let i = i % self.owned.len();
                drop(self.owned.swap_remove(i));
            }
            Op::Alloc { .. } | Op::Enter | Op::Exit | Op::Reset => return false,
            _ => {}
        }
        true
    }
}

/// The arena itself or a region of it: what the model uses of each.
trait Scope {
    fn try_alloc_layout(&self, layout: Layout) -> Result<NonNull<u8>, AllocError>;
    fn stats(&self) -> Stats;
    fn child(&mut self) -> Region<'_>;
    fn reset_scope(&mut self);
}

/// `Scope` for the arena and for a region: the same methods by name (a
/// region is not an arena; it has the arena's methods of its own).
macro_rules! scope {
    ($($ty:ty),*) => {$(
        impl Scope for $ty {
            fn try_alloc_layout(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
                self.try_alloc_layout(layout)
            }
            fn stats(&self) -> Stats {
                self.stats()
            }
            fn child(&mut self) -> Region<'_> {
                self.region()
            }
            fn reset_scope(&mut self) {
                self.reset()
            }
        }
    )*};
}

scope!(Arena, Region<'_>);

/// Runs ops at region depth `depth` until an `Exit` (returns true) or the
/// end of the ops (returns false).
fn run<S: Scope>(
    scope: &mut S,
    depth: usize,
    ops: &mut std::slice::Iter<'_, Op>,
    m: &mut Model<'_>,
) -> bool {
    while let Some(op) = ops.next() {
        if !m.pool_op(op) {
            match *op {
                Op::Alloc {
                    len,
                    align_shift,
                    fill,
                } => {
                    let align = 1usize << align_shift;
                    let layout = Layout::from_size_align(len, align).unwrap();
                    match scope.try_alloc_layout(layout) {
                        Ok(ptr) => {
                            // SAFETY: `ptr` is valid for `len` bytes (the
                            // arena's contract) and nothing else uses them.
                            unsafe { ptr.as_ptr().write_bytes(fill, len) };
                            m.live.push(Live {
                                ptr,
                                len,
                                align,
                                fill,
                                depth,
                            });
                        }
                        Err(e) => {
                            assert_eq!(e.requested, len);
                            assert!(scope.stats().fixed);
                        }
                    }
                }
                Op::Enter => {
                    let mut child = scope.child();
                    let exited = run(&mut child, depth + 1, ops, m);
                    drop(child);
                    m.live.retain(|a| a.depth <= depth);
                    if !exited {
                        return false;
                    }
                }
                Op::Exit if depth > 0 => return true,
                Op::Reset => {
                    scope.reset_scope();
                    m.live.retain(|a| a.depth < depth);
                }
                _ => {}
            }
        }
        m.check();
    }
    false
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 3 } else { 256 },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    proptest::collection::vec(op(), 0..if cfg!(miri) { 40 } else { 300 })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arena_and_pool_match_the_model(fixed in any::<bool>(), ops in ops()) {
        let mut arena = if fixed { Arena::with_capacity_fixed(2048) } else { Arena::with_capacity(256) };
        let owned_pool = Pool::new();
        let mut m = Model {
            live: Vec::new(),
            pool: Pool::new(),
            other: Pool::new(),
            handles: Vec::new(),
            owned_pool: &owned_pool,
            owned: Vec::new(),
        };
        let mut iter = ops.iter();
        run(&mut arena, 0, &mut iter, &mut m);
        m.check();
        // Allocations made at depth 0 still count as in use.
        let live: usize = m.live.iter().map(|a| a.len).sum();
        prop_assert!(arena.bytes_in_use() >= live);
        drop(m);
        arena.reset();
        prop_assert_eq!(arena.bytes_in_use(), 0);
    }
}
