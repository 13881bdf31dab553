//! Arenas, regions, typed pools and move-only handles: the explicit-control
//! level of barewire's "memory management by choice".
//!
//! * [`Arena`]: bump allocation over chunks of bytes, growing or of a fixed
//!   capacity (exhaustion, a request over `isize::MAX` bytes or a system out
//!   of memory is an [`AllocError`] value from the `try_` methods, which never
//!   panic), with [`Arena::reset`] and nested [`Region`]s that give back
//!   everything allocated in them when they end. A region has the arena's
//!   allocation methods but is not an arena: its [`Region::stats`] count
//!   only what was allocated since it began.
//! * [`Pool<T>`]: typed slots with an O(1) free list, up to
//!   [`Pool::MAX_CAPACITY`] values (a larger [`Pool::with_capacity`] panics
//!   before allocating anything; [`Pool::try_with_capacity`] returns a
//!   [`CapacityError`]). Values that own each other with `Owned` links of
//!   their pool (lists, trees) live in a scoped pool, [`Pool::scope`] (see
//!   "Recursive structures in a pool").
//! * [`Owned<'p, T>`](Owned): the move-only owner of a value in an arena,
//!   region or pool. Not `Copy` or `Clone`; borrowed through `Deref`; copied
//!   only by [`Owned::copy`]; dropping it runs `T`'s drop and gives the memory
//!   back; it cannot outlive its allocator. Long chains drop without recursion.
//! * [`Handle<T>`]: a `'static`, `Copy` key (pool identity + slot +
//!   generation) whose every use is checked: use after free, double free and
//!   the wrong pool are [`HandleError`]s.
//! * [`Linear<T>`]: a value that must be consumed; dropping it unconsumed is
//!   reported.
//! * [`Blit`]: plain data that copies freely: `Copy` with a plain barewire
//!   layout (`Layout::PLAIN`), copied in and out of pools and arenas as
//!   slices and values.
//! * [`diag`]: bytes in use, peaks, counts (arena allocations with the
//!   `count` feature), exhaustion events, per-call-site counts (the `track`
//!   feature) and a readable [`Report`] with suggestions;
//!   and for any code, [`diag::TrackingAllocator`] with [`diag::measure`]
//!   scopes ([`diag::global`]).
//! * [`par_batches`]: batched parallel processing with a scratch region per
//!   batch, over slices; [`par_batches_over`] runs it directly over a list
//!   of records in a layout image (`barewire::layout::SpanView`) or any
//!   [`Batchable`] input, with results in push order and in input order
//!   ([`BatchRun::into_input_order`]).
//! * Decoding into an arena: [`from_slice_in`] decodes a message into an
//!   arena or region, with [`ArenaString`], [`ArenaVec`] and [`Owned`] in
//!   place of `String`, `Vec` and `Box` (see "Decoding into an arena").
//! * Zero-copy images: [`Arena::alloc_image`] writes a value's barewire
//!   layout image into an arena or region (64-byte aligned), where
//!   `barewire::view` reads it in place (see "Pools that hold images").
//!
//! ```
//! use barewire_pool::{Arena, Pool};
//!
//! let mut arena = Arena::with_capacity_fixed(64 << 10);
//! {
//!     let scratch = arena.region();
//!     let words = scratch.alloc_slice_copy(&[4u32, 2]);
//!     assert_eq!(words.len(), 2);
//! } // the region's bytes are back
//!
//! let pool = Pool::new();
//! let node = pool.alloc((1, "one"));
//! assert_eq!(node.0, 1);
//! println!("{}", arena.report());
//! ```
//!
//! # Linear ownership, checked by the compiler
//!
//! The rules the compiler enforces are tested as compile-fail cases
//! (`tests/ui/`): using an `Owned` after it moved, giving it a second owner,
//! letting it outlive its arena, region or pool, cloning or copying it,
//! allocating from a parent while a region borrows it, and sending it to
//! another thread (one short error that names `Owned`). What the compiler
//! cannot see (a `Handle` stored elsewhere, a `Linear` left unconsumed) is
//! checked at run time.
//!
//! # Threads
//!
//! Allocators are **per thread**: `Arena` and `Pool<T>` are `Send` (when `T`
//! is) but not `Sync`. A bump allocator or free list shared between threads
//! needs an atomic or a lock on every allocation, which is exactly the cost
//! these types exist to avoid; one allocator per thread keeps the fast path a
//! few plain instructions and still lets an allocator be built on one thread
//! and handed to another. An `Arena` holds values of any type, `!Send` ones
//! included, and is still `Send`: it can only move when nothing borrows it,
//! and then no drop of its values is running or queued (see below), so no
//! value is dropped on another thread. `Owned` is not `Send` (it borrows a
//! non-`Sync` allocator), while `Handle<T>` is `Send + Sync + 'static` and can travel
//! anywhere. For parallel work, [`par_batches`] and [`par_batches_over`] give
//! each worker thread its own scratch arena and a region per batch; views of
//! a layout image are `Send + Sync`, so the workers share one image.
//!
//! # Non-recursive drop
//!
//! Dropping an `Owned` whose value holds the next `Owned` of the same
//! allocator (a linked list) does not recurse: each arena and pool has a drop
//! queue; drops that start while one of its drops is running are queued and
//! run in a loop by the outermost one. A million-node list drops in constant
//! stack depth, and every node is gone when the head's drop returns.
//!
//! A drop that panics does not stop the others: the rest of the chain is still
//! dropped (a pool slot is freed even if its value's drop panicked), and then
//! the first panic continues. Nothing is left queued for a later reset, so an
//! allocator that saw a panicking drop can be moved, sent, reset or dropped.
//!
//! # Recursive structures in a pool
//!
//! A list node that owns the next node of its pool is a
//! `Node<'p> { next: Option<Owned<'p, Node<'p>>> }` in a `Pool<Node<'p>>`
//! borrowed for `'p`: a pool that borrows itself, which a plain local cannot
//! be on stable Rust (E0597: the pool's `Drop` would run while `'p` still
//! borrows it; `tests/ui/pool_of_self_links.rs`). [`Pool::scope`] lends such
//! a pool to a closure, for a lifetime nothing can carry out of it (a
//! compile error, `tests/ui/scope_*.rs`), and frees it when the closure
//! returns or panics. Node types name themselves for it with [`Scoped`].
//!
//! ```
//! use barewire_pool::{Owned, Pool, Scoped};
//!
//! struct Node<'p> {
//!     value: u32,
//!     next: Option<Owned<'p, Node<'p>>>,
//! }
//! impl Scoped for Node<'_> {
//!     type At<'p> = Node<'p>;
//! }
//!
//! let sum = Pool::<Node>::scope(|pool| {
//!     let mut head = None;
//!     for value in 1..=10 {
//!         head = Some(pool.alloc(Node { value, next: head }));
//!     }
//!     let (mut sum, mut at) = (0, head.as_deref());
//!     while let Some(node) = at {
//!         sum += node.value;
//!         at = node.next.as_deref();
//!     }
//!     sum
//! }); // every node was dropped in the closure, and the pool is freed
//! assert_eq!(sum, 55);
//! ```
//!
//! Every `Owned` is dropped inside the scope; values still in the pool at
//! the end (held for handles, or by forgotten `Owned`s) are freed without
//! running their drops, since they may borrow each other.
//!
//! # Pools that hold images
//!
//! An arena or region can hold barewire layout images instead of Rust
//! values: what it holds is then already the bytes a file, another process
//! or a socket receives, viewed in place with `barewire::view` and given back
//! with the region. [`Arena::alloc_image`] (and [`Arena::try_alloc_image`] for
//! fixed arenas) writes `value`'s image with `barewire::to_layout` and copies
//! it once into 64-byte-aligned arena memory; [`Arena::alloc_image_bytes`]
//! holds an image that already exists (received bytes).
//!
//! ```
//! use barewire::Bare;
//! use barewire_pool::Arena;
//!
//! #[derive(Bare)]
//! struct Order {
//!     id: u64,
//!     item: String,
//! }
//!
//! let mut arena = Arena::new();
//! {
//!     let batch = arena.region();
//!     let images: Vec<&[u8]> = (0..3)
//!         .map(|id| &*batch.alloc_image(&Order { id, item: format!("item {id}") }))
//!         .collect();
//!     let second = barewire::view::<Order>(images[1]).unwrap();
//!     assert_eq!(second.item().as_str().unwrap(), "item 1");
//! } // every image is given back here
//! assert_eq!(arena.bytes_in_use(), 0);
//! ```
//!
//! # Decoding into an arena
//!
//! [`from_slice_in`] decodes a BARE message into an [`Arena`] or a
//! [`Region`]: it copies the message into the arena once, then decodes it
//! with the arena as the reader's context. A type meant for it uses the
//! arena types where its twin uses the heap, and `#[derive(Bare)]` treats
//! them alike (the same wire bytes, schema and layout):
//!
//! | heap | arena | decoded as |
//! |---|---|---|
//! | `String` | [`ArenaString<'a>`](ArenaString) (or `&'a str`) | borrowed from the arena's copy of the message |
//! | `Vec<u8>` | `&'a [u8]` | borrowed from the copy |
//! | `Vec<T>` | [`ArenaVec<'a, T>`](ArenaVec) | allocated in the arena, its length checked against the input first |
//! | `Box<T>` | [`Owned<'a, T>`](Owned) | allocated in the arena (dropped without recursion) |
//!
//! The value borrows the arena, not the input; a decode into an arena with
//! room makes no global allocation; a fixed arena that runs out gives
//! `barewire::Error::ArenaFull`, and an arena type decoded without an arena
//! (`barewire::from_slice`) gives `barewire::Error::NoArena`, never a
//! panic. Everything is given back at once by [`Arena::reset`] or the end
//! of a region, so a server can decode each message of a stream into one
//! region and reset it for the next:
//!
//! ```
//! use barewire::Bare;
//! use barewire_pool::{Arena, ArenaString, ArenaVec, from_slice_in};
//!
//! #[derive(Bare)]
//! struct Request<'a> {
//!     path: ArenaString<'a>,
//!     headers: ArenaVec<'a, (ArenaString<'a>, ArenaString<'a>)>,
//!     body: &'a [u8],
//! }
//!
//! // What the client sent: the same bytes as its `String`/`Vec` twin's.
//! let requests: Vec<Vec<u8>> = (0..3)
//!     .map(|i| {
//!         let headers = vec![("host".to_string(), format!("h{i}"))];
//!         barewire::to_vec(&(format!("/item/{i}"), headers, vec![i as u8; 3]))
//!     })
//!     .collect();
//!
//! let mut arena = Arena::with_capacity_fixed(16 << 10);
//! let mut region = arena.region();
//! for bytes in &requests {
//!     let request: Request<'_> = from_slice_in(&region, bytes)?;
//!     assert!(request.path.starts_with("/item/"));
//!     assert_eq!(request.headers[0].0, "host");
//!     assert_eq!(request.body.len(), 3);
//!     drop(request); // it holds a list, which has a drop: end it first
//!     region.reset(); // every byte of this request is given back
//! }
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! # Features
//!
//! * `count`: arenas and regions count their allocations
//!   ([`Stats::allocations`] is `None` without it; pools always count). Off
//!   by default: the count is one more memory write per allocation, about a
//!   fifth of a bump allocation's time.
//! * `track`: per-call-site allocation counts through `#[track_caller]`, for
//!   the report's call-site lines and region suggestions; turns on `count`.
//!   Off by default, so the plain allocation path is a bare pointer bump.
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

mod arena;
mod blit;
mod decode;
pub mod diag;
mod drop_queue;
mod error;
mod handle;
mod key;
pub mod linear;
mod owned;
mod parallel;
mod pool;
mod region;
mod stamp;

pub use arena::Arena;
pub use blit::Blit;
pub use decode::{ArenaLike, ArenaString, ArenaVec, from_slice_in, from_slice_in_with};
pub use diag::{Report, Stats};
pub use error::{AllocError, CapacityError};
pub use handle::{Handle, HandleError};
pub use linear::Linear;
pub use owned::{Destination, Owned};
pub use parallel::{
    BatchConfig, BatchRun, Batchable, Origin, Output, par_batches, par_batches_over,
};
pub use pool::{Pool, Scoped};
pub use region::Region;
