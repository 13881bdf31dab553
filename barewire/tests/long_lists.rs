//! Recursive data of any length: a list whose link to the next node is the
//! last field (`Box<Path>` or `Option<Box<Path>>`, generic or not) is
//! walked in a loop by the derived code, so a million nodes go through
//! every path on a thread with a 2 MiB stack, in debug builds too, under the
//! default limits; recursion that is not in tail position still stops with
//! an error, never a stack overflow.
//!
//! The types drop their chains in a loop (the `Drop` idiom of the derive
//! docs): Rust's own drop of a `Box` chain recurses once per node.

use barewire::layout::{self, Writer};
use barewire::{Bare, Error, Limits};

const N: usize = 1_000_000;

/// The founding design's list, a BARE union.
#[derive(Bare)]
enum List<T> {
    Empty,
    Node(T, Box<List<T>>),
}

impl<T> Drop for List<T> {
    fn drop(&mut self) {
        // Detach the tail, then drop each node once its own tail is gone.
        let mut rest = match self {
            List::Node(_, next) => core::mem::replace(&mut **next, List::Empty),
            List::Empty => return,
        };
        while let List::Node(_, next) = &mut rest {
            rest = core::mem::replace(&mut **next, List::Empty);
        }
    }
}

/// The struct shape: the optional link is the last field.
#[derive(Bare)]
struct Node<T> {
    value: T,
    next: Option<Box<Node<T>>>,
}

impl<T> Drop for Node<T> {
    fn drop(&mut self) {
        let mut next = self.next.take();
        while let Some(mut node) = next {
            next = node.next.take();
        }
    }
}

/// Links spelled `Self`, two linked variants, one optional link in a
/// variant, named fields and a skipped field after the link.
#[derive(Bare)]
enum Path {
    Stop,
    Left(u8, Box<Self>),
    Right {
        label: String,
        next: Box<Path>,
    },
    Maybe {
        weight: u16,
        next: Option<Box<Self>>,
        #[bare(skip)]
        seen: bool,
    },
}

impl Drop for Path {
    fn drop(&mut self) {
        let mut rest = take_path(self);
        while let Some(mut node) = rest {
            rest = take_path(&mut node);
        }
    }
}

fn take_path(p: &mut Path) -> Option<Path> {
    match p {
        Path::Left(_, next) | Path::Right { next, .. } => {
            Some(core::mem::replace(&mut **next, Path::Stop))
        }
        Path::Maybe { next, .. } => next.take().map(|b| *b),
        Path::Stop => None,
    }
}

/// Runs `f` on a thread with the stack Rust gives spawned threads (2 MiB):
/// an overflow aborts the test process.
fn on_2mib_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn list(n: usize) -> List<u64> {
    let mut list = List::Empty;
    for i in (0..n as u64).rev() {
        list = List::Node(i, Box::new(list));
    }
    list
}

fn assert_list(list: &List<u64>, n: usize) {
    let mut i = 0;
    let mut node = list;
    while let List::Node(value, next) = node {
        assert_eq!(*value, i as u64);
        i += 1;
        node = next;
    }
    assert_eq!(i, n);
}

fn chain(n: usize) -> Option<Box<Node<String>>> {
    let mut next = None;
    for i in (0..n).rev() {
        next = Some(Box::new(Node {
            value: i.to_string(),
            next,
        }));
    }
    next
}

fn assert_chain(head: &Node<String>, n: usize) {
    let mut i = 0;
    let mut node = Some(head);
    while let Some(n) = node {
        assert_eq!(n.value, i.to_string());
        i += 1;
        node = n.next.as_deref();
    }
    assert_eq!(i, n);
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_million_node_union_list_goes_through_every_path_on_a_2mib_stack() {
    on_2mib_stack(|| {
        let value = list(N);
        let bytes = barewire::to_vec(&value);
        // Tag 1 and a u64 per node, tag 0 at the end.
        assert_eq!(bytes.len(), 9 * N + 1);
        assert_eq!(bytes[..10], [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        let back: List<u64> = barewire::from_slice(&bytes).unwrap();
        assert_list(&back, N);
        assert!(barewire::to_vec(&back) == bytes);

        let image = barewire::to_layout(&value);
        let view = barewire::view::<List<u64>>(&image).unwrap();
        let mut node = view;
        let mut i = 0u64;
        while let Some((value, next)) = node.as_node() {
            assert_eq!(value, i);
            i += 1;
            node = next;
        }
        assert!(node.is_empty());
        assert_eq!(i, N as u64);
        layout::check_full::<List<u64>>(&image).unwrap();
        let owned: List<u64> = layout::to_owned(&image).unwrap();
        assert_list(&owned, N);
        assert!(barewire::to_layout(&owned)[..] == image[..]);
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_million_node_struct_chain_goes_through_every_path_on_a_2mib_stack() {
    on_2mib_stack(|| {
        let value = chain(N).unwrap();
        let bytes = barewire::to_vec(&*value);
        let back: Node<String> = barewire::from_slice(&bytes).unwrap();
        assert_chain(&back, N);
        assert!(barewire::to_vec(&back) == bytes);

        let image = barewire::to_layout(&*value);
        let view = barewire::view::<Node<String>>(&image).unwrap();
        let mut node = Some(view);
        let mut i = 0usize;
        while let Some(n) = node {
            assert_eq!(n.value().as_str().unwrap(), i.to_string());
            i += 1;
            node = n.next();
        }
        assert_eq!(i, N);
        assert_eq!(
            format!("{view:?}"),
            r#"NodeLayout { value: "0", next: Some(..) }"#
        );
        layout::check_full::<Node<String>>(&image).unwrap();
        let owned: Node<String> = layout::to_owned(&image).unwrap();
        assert_chain(&owned, N);
        assert!(barewire::to_layout(&owned)[..] == image[..]);
    });
}

fn path(n: usize) -> Path {
    let mut p = Path::Stop;
    for i in (0..n).rev() {
        p = match i % 3 {
            0 => Path::Left(i as u8, Box::new(p)),
            1 => Path::Right {
                label: format!("r{i}"),
                next: Box::new(p),
            },
            _ => Path::Maybe {
                weight: i as u16,
                next: Some(Box::new(p)),
                seen: true,
            },
        };
    }
    p
}

fn path_len(p: &Path) -> usize {
    let mut n = 0;
    let mut node = p;
    loop {
        match node {
            Path::Left(v, next) => {
                assert_eq!(usize::from(*v), n % 256);
                node = next;
            }
            Path::Right { label, next } => {
                assert_eq!(*label, format!("r{n}"));
                node = next;
            }
            Path::Maybe { weight, next, seen } => {
                assert_eq!(usize::from(*weight), n % 65536);
                assert!(!seen, "skipped fields decode as their default");
                match next {
                    Some(next) => node = next,
                    None => return n + 1,
                }
            }
            Path::Stop => return n,
        }
        n += 1;
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn several_linked_variants_walk_in_one_loop() {
    on_2mib_stack(|| {
        let value = path(N);
        let bytes = barewire::to_vec(&value);
        let back: Path = barewire::from_slice(&bytes).unwrap();
        assert_eq!(path_len(&back), N);
        let image = barewire::to_layout(&value);
        layout::check_full::<Path>(&image).unwrap();
        let owned: Path = layout::to_owned(&image).unwrap();
        assert_eq!(path_len(&owned), N);
        assert!(barewire::to_vec(&owned) == bytes);
        // An optional link that ends the chain.
        let end = Path::Maybe {
            weight: 0,
            next: None,
            seen: true,
        };
        let bytes = barewire::to_vec(&end);
        assert_eq!(bytes, [3, 0, 0, 0]);
        assert_eq!(path_len(&barewire::from_slice(&bytes).unwrap()), 1);
    });
}

/// The same shapes with links the derive does not see as links (spelled
/// through an alias), so their code recurses as all code did before: the
/// reference for the bytes the loops write.
type RecNext = Option<Box<RecNode>>;

#[derive(Bare)]
struct RecNode {
    value: String,
    next: RecNext,
}

type RecBox = Box<RecList>;

#[derive(Bare)]
enum RecList {
    Empty,
    Node(u64, RecBox),
}

#[test]
fn the_loops_write_what_the_recursion_wrote() {
    let mut rec_list = RecList::Empty;
    let mut rec_node = None;
    for i in (0..40u64).rev() {
        rec_list = RecList::Node(i, Box::new(rec_list));
        rec_node = Some(Box::new(RecNode {
            value: format!("node number {i}"),
            next: rec_node,
        }));
    }
    let rec_node = rec_node.unwrap();
    let list = list(40);
    let mut node = None;
    for i in (0..40u64).rev() {
        node = Some(Box::new(Node {
            value: format!("node number {i}"),
            next: node,
        }));
    }
    let node = node.unwrap();
    assert_eq!(barewire::to_vec(&list), barewire::to_vec(&rec_list));
    assert_eq!(barewire::to_vec(&*node), barewire::to_vec(&*rec_node));
    assert!(barewire::to_layout(&list)[..] == barewire::to_layout(&rec_list)[..]);
    assert!(barewire::to_layout(&*node)[..] == barewire::to_layout(&*rec_node)[..]);
    assert_eq!(
        barewire::schema::<List<u64>>().replace("ListU64", "RecList"),
        barewire::schema::<RecList>()
    );
}

#[test]
fn short_chains_have_the_bytes_of_their_types() {
    // Exact wire bytes of a short chain: value, tag 1, value, tag 0.
    let two = chain(2).unwrap();
    assert_eq!(barewire::to_vec(&*two), [1, b'0', 1, 1, b'1', 0]);
    // The image: the root, then each node right after the one before it
    // (its string inline), each link pointing forward.
    let image = barewire::to_layout(&*two);
    let size = <Node<String> as layout::Layout>::SIZE;
    assert_eq!(image.len(), 2 * size);
    let next_at = layout::LayoutTable::of::<Node<String>>()
        .fields
        .iter()
        .find(|f| f.name == "next")
        .unwrap()
        .offset;
    let rel = i32::from_le_bytes(image[next_at..next_at + 4].try_into().unwrap());
    assert_eq!(rel as usize, size - next_at);
    assert!(image[size + next_at..size + next_at + 4] == [0; 4]);
}

// ---- hostile input ---------------------------------------------------------

#[test]
#[cfg_attr(miri, ignore)]
fn a_hostile_million_node_list_is_an_error_or_a_value_in_linear_work() {
    on_2mib_stack(|| {
        // Truncated: a million nodes and no end tag.
        let mut bytes = barewire::to_vec(&list(N));
        bytes.pop();
        assert!(matches!(
            barewire::from_slice::<List<u64>>(&bytes),
            Err(Error::UnexpectedEnd { .. })
        ));
        // An unknown tag at the end.
        bytes.push(9);
        assert!(matches!(
            barewire::from_slice::<List<u64>>(&bytes),
            Err(Error::UnknownUnionTag { tag: 9, .. })
        ));
        // A million optional links, the last one invalid.
        let mut bytes = Vec::with_capacity(2 * N);
        for _ in 0..N {
            bytes.extend_from_slice(&[0, 1]);
        }
        *bytes.last_mut().unwrap() = 2;
        assert!(matches!(
            barewire::from_slice::<Node<String>>(&bytes),
            Err(Error::InvalidOptionTag { byte: 2, .. })
        ));
        // The same chain with a valid end decodes: empty strings.
        *bytes.last_mut().unwrap() = 0;
        // A message that fails after the whole chain decoded drops it
        // (through `Node`'s loop `Drop`).
        assert!(matches!(
            barewire::from_slice::<(Node<String>, u8)>(&bytes),
            Err(Error::UnexpectedEnd { .. })
        ));
        let back = barewire::from_slice::<Node<String>>(&bytes).unwrap();
        let mut n = 0;
        let mut node = Some(&back);
        while let Some(x) = node {
            assert!(x.value.is_empty());
            n += 1;
            node = x.next.as_deref();
        }
        assert_eq!(n, N);
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_cyclic_chain_image_is_an_error() {
    on_2mib_stack(|| {
        let value = Node {
            value: 1u64,
            next: Some(Box::new(Node {
                value: 2,
                next: None,
            })),
        };
        let image = barewire::to_layout(&value);
        let size = <Node<u64> as layout::Layout>::SIZE;
        let next_at = layout::LayoutTable::of::<Node<u64>>().fields[1].offset;
        // The second node's link points back at the root.
        let mut bad = image.to_vec();
        let field = size + next_at;
        bad[field..field + 4].copy_from_slice(&(-(field as i32)).to_le_bytes());
        let bad = layout::LayoutBuf::from_bytes(&bad);
        for err in [
            barewire::view::<Node<u64>>(&bad).map(|_| ()).unwrap_err(),
            layout::check_full::<Node<u64>>(&bad)
                .map(|_| ())
                .unwrap_err(),
            layout::to_owned::<Node<u64>>(&bad).map(|_| ()).unwrap_err(),
        ] {
            assert!(matches!(err, Error::InvalidLayout { .. }), "{err}");
        }
        // A link to no node at all, in the `Box` of a union.
        let image = barewire::to_layout(&list(2));
        let size = <List<u64> as layout::Layout>::SIZE;
        let link = (0..size)
            .step_by(4)
            .find(|&at| image[at..at + 4] == ((size - at) as i32).to_le_bytes())
            .expect("the root's link to the second node");
        let mut bad = image.to_vec();
        let field = size + link;
        bad[field..field + 4].copy_from_slice(&0x10000i32.to_le_bytes());
        let bad = layout::LayoutBuf::from_bytes(&bad);
        let err = barewire::view::<List<u64>>(&bad).map(|_| ()).unwrap_err();
        assert!(matches!(err, Error::InvalidLayout { .. }), "{err}");
        bad_null(&image, field);
    });
}

/// A null link in a `Box` is an error (zero means "absent" only in an
/// `Option<Box<_>>`).
fn bad_null(image: &[u8], field: usize) {
    let mut bad = image.to_vec();
    bad[field..field + 4].copy_from_slice(&[0; 4]);
    let bad = layout::LayoutBuf::from_bytes(&bad);
    let err = barewire::view::<List<u64>>(&bad).map(|_| ()).unwrap_err();
    assert!(matches!(err, Error::InvalidLayout { .. }), "{err}");
    assert!(layout::to_owned::<List<u64>>(&bad).is_err());
}

/// Recursion through a list: not a tail link, so it nests.
#[derive(Bare)]
struct Nest(Vec<Nest>);

/// Recursion that is not the last field: not a tail link either.
#[derive(Bare)]
enum Tree {
    Leaf,
    Node(Box<Tree>, u8),
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_million_nested_lists_are_an_error_not_an_overflow() {
    on_2mib_stack(|| {
        let mut bytes = vec![1u8; N];
        bytes.push(0);
        let err = barewire::from_slice::<Nest>(&bytes)
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(err, Error::DepthLimit { limit: 256, .. }), "{err}");
        // A raised depth limit leaves the stack budget.
        let deep = Limits::DEFAULT.with_max_depth(u32::MAX);
        let err = barewire::from_slice_with::<Nest>(&bytes, deep)
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(err, Error::StackLimit { .. }), "{err}");

        // The image: a million spans of one item, each pointing at the next.
        let mut w = Writer::with_capacity(8 * (N + 1));
        let mut at = w.alloc(8, 4);
        for _ in 0..N {
            let next = w.alloc(8, 4);
            w.put_offset(at, next);
            w.put(at + 4, &1u32.to_le_bytes());
            at = next;
        }
        let image = w.finish();
        let err = barewire::view::<Nest>(&image).map(|_| ()).unwrap_err();
        assert!(matches!(err, Error::DepthLimit { .. }), "{err}");
        let err = layout::view_with::<Nest>(&image, deep)
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(err, Error::StackLimit { .. }), "{err}");
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_million_levels_of_non_tail_recursion_are_an_error_not_an_overflow() {
    on_2mib_stack(|| {
        let mut bytes = vec![1u8; N];
        bytes.push(0);
        bytes.extend(std::iter::repeat_n(7u8, N));
        let err = barewire::from_slice::<Tree>(&bytes)
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(err, Error::DepthLimit { limit: 256, .. }), "{err}");
        let deep = Limits::DEFAULT.with_max_depth(u32::MAX);
        let err = barewire::from_slice_with::<Tree>(&bytes, deep)
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(err, Error::StackLimit { .. }), "{err}");

        // The image: tag 1 and a pointer to the next node, a million times.
        let size = <Tree as layout::Layout>::SIZE;
        let align = <Tree as layout::Layout>::ALIGN;
        let probe = barewire::to_layout(&Tree::Node(Box::new(Tree::Leaf), 7));
        let ptr_at = (0..size)
            .step_by(4)
            .find(|&at| probe[at..at + 4] == ((size - at) as i32).to_le_bytes())
            .expect("the pointer to the leaf");
        let mut w = Writer::with_capacity(size * (N + 1));
        let mut at = w.alloc(size, align);
        for _ in 0..N {
            let next = w.alloc(size, align);
            w.put(at, &[1]);
            w.put_offset(at + ptr_at, next);
            at = next;
        }
        let image = w.finish();
        let err = barewire::view::<Tree>(&image).map(|_| ()).unwrap_err();
        assert!(matches!(err, Error::DepthLimit { .. }), "{err}");
        let err = layout::to_owned::<Tree>(&image).map(|_| ()).unwrap_err();
        assert!(matches!(err, Error::DepthLimit { .. }), "{err}");
        let err = layout::view_with::<Tree>(&image, deep)
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(err, Error::StackLimit { .. }), "{err}");
    });
}

#[test]
fn short_lists_round_trip_under_miri_too() {
    let value = list(3);
    let bytes = barewire::to_vec(&value);
    assert_list(&barewire::from_slice(&bytes).unwrap(), 3);
    let image = barewire::to_layout(&value);
    assert_list(&layout::to_owned(&image).unwrap(), 3);
    let two = chain(2).unwrap();
    assert_chain(&barewire::from_slice(&barewire::to_vec(&*two)).unwrap(), 2);
    assert_chain(&layout::to_owned(&barewire::to_layout(&*two)).unwrap(), 2);
}

/// Borrowed fields in a chain, a const parameter, and a field after the
/// link that is skipped.
#[derive(Bare, Debug, PartialEq)]
struct Words<'a, const N: usize> {
    word: &'a str,
    counts: [u8; N],
    next: Option<Box<Words<'a, N>>>,
    #[bare(skip)]
    seen: bool,
}

#[test]
fn borrowed_chains_borrow_from_the_input() {
    let words = Words {
        word: "first",
        counts: [1, 2],
        next: Some(Box::new(Words {
            word: "second",
            counts: [3, 4],
            next: None,
            seen: true,
        })),
        seen: true,
    };
    let bytes = barewire::to_vec(&words);
    assert_eq!(bytes[..9], [5, b'f', b'i', b'r', b's', b't', 1, 2, 1]);
    let back: Words<'_, 2> = barewire::from_slice(&bytes).unwrap();
    let second = back.next.as_deref().unwrap();
    assert_eq!(
        (second.word, second.counts, second.seen),
        ("second", [3, 4], false)
    );
    assert!(bytes.as_ptr_range().contains(&second.word.as_ptr()));
    let image = barewire::to_layout(&words);
    let owned: Words<'_, 2> = layout::to_owned(&image).unwrap();
    assert_eq!(owned, back);
}
