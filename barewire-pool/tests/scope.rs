//! `Pool::scope`: pools whose values own each other with `Owned` links.
//! Every `Owned` is dropped once, inside the scope (also when it panics);
//! what is left at the end (handle values, forgotten `Owned`s) is freed
//! without running its drop; long chains drop without recursion.
//! Runs under Miri (`scripts/sanitize.sh`), with shorter chains.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use barewire_pool::{Owned, Pool, Scoped};

/// Chain length: a million nodes natively, fewer under Miri.
const LONG: u64 = if cfg!(miri) { 2_000 } else { 1_000_000 };

/// A list node that counts its drops.
struct Node<'p> {
    value: u64,
    next: Option<Owned<'p, Node<'p>>>,
    drops: Rc<Cell<u64>>,
}

impl Scoped for Node<'_> {
    type At<'p> = Node<'p>;
}

impl Drop for Node<'_> {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
    }
}

fn push<'p>(
    pool: &'p Pool<Node<'p>>,
    head: Option<Owned<'p, Node<'p>>>,
    value: u64,
    drops: &Rc<Cell<u64>>,
) -> Owned<'p, Node<'p>> {
    pool.alloc(Node {
        value,
        next: head,
        drops: drops.clone(),
    })
}

fn sum(mut at: Option<&Node<'_>>) -> u64 {
    let mut sum = 0;
    while let Some(node) = at {
        sum += node.value;
        at = node.next.as_deref();
    }
    sum
}

/// The founding design's list, a million nodes long, on a 2 MiB thread:
/// built, walked and dropped in constant stack, each node dropped once.
#[test]
fn a_million_node_list_drops_once_each_without_recursion() {
    let run = || {
        let drops = Rc::new(Cell::new(0));
        let (total, len, capacity) = Pool::<Node>::scope(|pool| {
            let mut head = None;
            for value in 1..=LONG {
                head = Some(push(pool, head, value, &drops));
            }
            let total = sum(head.as_deref());
            let len = pool.len();
            drop(head);
            assert_eq!(pool.len(), 0, "every slot is free once the head is dropped");
            (total, len, pool.capacity())
        });
        assert_eq!(total, LONG * (LONG + 1) / 2);
        assert_eq!(len as u64, LONG);
        assert!(capacity as u64 >= LONG);
        assert_eq!(drops.get(), LONG);
    };
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

/// An `Owned` still held when the closure returns is dropped as the
/// closure's locals are: before the pool is freed.
#[test]
fn owned_values_left_in_locals_are_dropped_at_the_end_of_the_closure() {
    let drops = Rc::new(Cell::new(0));
    let len = Pool::<Node>::scope(|pool| {
        let a = push(pool, None, 1, &drops);
        let b = push(pool, Some(a), 2, &drops);
        let _kept = push(pool, Some(b), 3, &drops);
        pool.len()
    });
    assert_eq!(len, 3);
    assert_eq!(drops.get(), 3);
}

/// A panic in the closure: its `Owned`s are dropped while it unwinds, each
/// once, the pool is freed, and the panic goes on to the caller.
#[test]
fn a_panic_in_the_scope_drops_each_owned_once_and_frees_the_pool() {
    let drops = Rc::new(Cell::new(0));
    let caught = catch_unwind(AssertUnwindSafe(|| {
        Pool::<Node>::scope(|pool| {
            let mut head = None;
            for value in 0..100 {
                head = Some(push(pool, head, value, &drops));
            }
            if head.is_some() {
                panic!("inside the scope");
            }
            0
        })
    }));
    let payload = caught.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"inside the scope"));
    assert_eq!(drops.get(), 100);
}

/// A node whose drop panics: the rest of the chain is still dropped, once.
#[test]
fn a_panicking_node_drop_still_drops_the_rest_of_the_chain() {
    struct Bomb<'p> {
        fuse: bool,
        _next: Option<Owned<'p, Bomb<'p>>>,
        drops: Rc<Cell<u64>>,
    }
    impl Scoped for Bomb<'_> {
        type At<'p> = Bomb<'p>;
    }
    impl Drop for Bomb<'_> {
        fn drop(&mut self) {
            self.drops.set(self.drops.get() + 1);
            if self.fuse {
                panic!("bomb");
            }
        }
    }
    let drops = Rc::new(Cell::new(0));
    let caught = catch_unwind(AssertUnwindSafe(|| {
        Pool::<Bomb>::scope(|pool| {
            let mut head = None;
            for i in 0..10 {
                head = Some(pool.alloc(Bomb {
                    fuse: i == 5,
                    _next: head,
                    drops: drops.clone(),
                }));
            }
            drop(head);
        })
    }));
    assert!(caught.is_err());
    assert_eq!(drops.get(), 10);
}

thread_local! {
    /// Drops of `Tally` values on this thread (the leaking tests use no
    /// heap, so Miri's and AddressSanitizer's leak checks stay quiet).
    static TALLY: Cell<u64> = const { Cell::new(0) };
}

/// A node without heap memory of its own, counting drops in `TALLY`.
struct Tally<'p> {
    name: &'static str,
    _next: Option<Owned<'p, Tally<'p>>>,
    other: Option<&'p Tally<'p>>,
}

impl Scoped for Tally<'_> {
    type At<'p> = Tally<'p>;
}

impl Drop for Tally<'_> {
    fn drop(&mut self) {
        // Reads what it borrows: a dropped or freed value would show here.
        let seen = self.other.map_or(1, |o| o.name.len() as u64);
        TALLY.with(|t| t.set(t.get() + seen));
    }
}

fn tally<'p>(
    name: &'static str,
    next: Option<Owned<'p, Tally<'p>>>,
    other: Option<&'p Tally<'p>>,
) -> Tally<'p> {
    Tally {
        name,
        _next: next,
        other,
    }
}

/// A forgotten `Owned` and values held for handles are freed with the pool
/// without running their drops (never twice, never on freed memory).
#[test]
fn forgotten_and_handle_values_are_freed_without_their_drops() {
    TALLY.with(|t| t.set(0));
    let live = Pool::<Tally>::scope(|pool| {
        let a = pool.alloc(tally("a", None, None));
        let b = pool.alloc(tally("b", Some(a), None));
        std::mem::forget(b); // b and the a it owns stay taken
        let h = pool.insert(tally(
            "held",
            Some(pool.alloc(tally("c", None, None))),
            None,
        ));
        assert_eq!(pool.get(h).map(|n| n.name), Ok("held"));
        let leaked: &mut Tally<'_> = pool.alloc(tally("d", None, None)).leak();
        leaked.name = "e";
        pool.len()
    });
    assert_eq!(live, 5);
    assert_eq!(TALLY.with(Cell::get), 0);
}

/// Values may borrow each other for `'p`: a node holds `&'p` to a value held
/// for a handle and reads it in its own drop. The held value is never
/// dropped, so that read is never of a dropped value.
#[test]
fn borrows_between_values_stay_valid_to_the_end() {
    TALLY.with(|t| t.set(0));
    Pool::<Tally>::scope(|pool| {
        let h = pool.insert(tally("held", None, None));
        let held: &Tally<'_> = pool.get(h).unwrap();
        // A value held for a handle that borrows an `Owned` value can only
        // borrow it through a leak, which keeps that value for good too.
        let a: &Tally<'_> = pool.alloc(tally("a", None, Some(held))).leak();
        pool.insert(tally("b", None, Some(a)));
        let c = pool.alloc(tally("c", None, Some(held)));
        drop(c); // reads `held` in its drop
    });
    assert_eq!(TALLY.with(Cell::get), 4);
}

/// A tree whose nodes own their children: freed from the root, each once.
#[test]
fn trees_drop_from_the_root() {
    struct Tree<'p> {
        children: Vec<Owned<'p, Tree<'p>>>,
        drops: Rc<Cell<u64>>,
    }
    impl Scoped for Tree<'_> {
        type At<'p> = Tree<'p>;
    }
    impl Drop for Tree<'_> {
        fn drop(&mut self) {
            self.drops.set(self.drops.get() + 1);
        }
    }
    fn build<'p>(
        pool: &'p Pool<Tree<'p>>,
        depth: u32,
        drops: &Rc<Cell<u64>>,
    ) -> Owned<'p, Tree<'p>> {
        let children = if depth == 0 {
            Vec::new()
        } else {
            (0..3).map(|_| build(pool, depth - 1, drops)).collect()
        };
        pool.alloc(Tree {
            children,
            drops: drops.clone(),
        })
    }
    let drops = Rc::new(Cell::new(0));
    let nodes = Pool::<Tree>::scope_with_capacity(121, |pool| {
        let root = build(pool, 4, &drops);
        assert_eq!(root.children.len(), 3);
        let n = pool.len();
        drop(root);
        assert!(pool.is_empty());
        n
    });
    assert_eq!(nodes, 1 + 3 + 9 + 27 + 81);
    assert_eq!(drops.get(), nodes as u64);
}

/// Scopes nest; each pool is its own, and freed at its own end.
#[test]
fn scopes_nest() {
    let drops = Rc::new(Cell::new(0));
    let outer = Pool::<Node>::scope(|outer| {
        let a = push(outer, None, 1, &drops);
        let inner_len = Pool::<Node>::scope(|inner| {
            let b = push(inner, None, 2, &drops);
            // A copy into the outer pool is made from a value, not a link.
            assert_ne!(inner.id(), outer.id());
            sum(Some(&b)) as usize + inner.len()
        });
        assert_eq!(drops.get(), 1);
        sum(Some(&a)) as usize + inner_len
    });
    assert_eq!(outer, 1 + 3);
    assert_eq!(drops.get(), 2);
}

/// With a capacity too large for any pool, the scope panics before `f`.
#[test]
fn scope_with_an_impossible_capacity_panics_before_running() {
    let ran = Cell::new(false);
    let caught = catch_unwind(AssertUnwindSafe(|| {
        Pool::<Node>::scope_with_capacity(usize::MAX, |_| ran.set(true))
    }));
    assert!(caught.is_err());
    assert!(!ran.get());
}
