//! Level 3: `#[derive(Layout)]` on a hand-written `#[repr(C)]` struct.

use barewire::layout::{self, LayoutTable};
use barewire::{Bare, Layout};

/// A particle laid out by hand: the id first on the wire, the position first
/// in memory, explicit padding before the 8-aligned id.
#[derive(Layout, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
struct Particle {
    #[bare(field = 1)]
    position: [f32; 3],
    #[bare(field = 2)]
    mass: f32,
    #[bare(field = 0)]
    id: u64,
    #[bare(field = 3)]
    alive: bool,
    #[bare(padding)]
    _pad: [u8; 7],
}

#[derive(Bare, Debug, Clone, Copy, PartialEq)]
struct SameWire {
    id: u64,
    position: [f32; 3],
    mass: f32,
    alive: bool,
}

#[test]
fn explicit_layout_matches_memory_and_wire_order_is_separate() {
    let p = Particle {
        position: [1.0, 2.0, 3.0],
        mass: 0.5,
        id: 7,
        alive: true,
        _pad: [0; 7],
    };
    // The wire follows `field = N`, the same bytes as a struct declared in that order.
    let same = SameWire {
        id: 7,
        position: [1.0, 2.0, 3.0],
        mass: 0.5,
        alive: true,
    };
    let wire = barewire::to_vec(&p);
    assert_eq!(wire, barewire::to_vec(&same));
    assert_eq!(barewire::from_slice::<Particle>(&wire).unwrap(), p);
    assert_eq!(
        barewire::schema::<Particle>(),
        "type Particle struct {\n  id: u64\n  position: list<f32>[3]\n  mass: f32\n  alive: bool\n}\n"
    );

    // The layout is the declaration order, exactly Rust's memory.
    let table = LayoutTable::of::<Particle>();
    assert_eq!(table.size, core::mem::size_of::<Particle>());
    let offsets: Vec<(&str, usize)> = table.fields.iter().map(|f| (f.name, f.offset)).collect();
    assert_eq!(
        offsets,
        [
            ("position", 0),
            ("mass", 12),
            ("id", 16),
            ("alive", 24),
            ("_pad", 25)
        ]
    );
    assert!(<Particle as barewire::Layout>::PLAIN.is_plain());

    let many = vec![p; 10];
    let image = barewire::to_layout(&many);
    let view = barewire::view::<Vec<Particle>>(&image).unwrap();
    assert_eq!(view.get(3).unwrap().id(), 7);
    assert_eq!(view.get(3).unwrap().position().as_slice(), &[1.0, 2.0, 3.0]);
    assert!(view.get(9).unwrap().alive());
    assert_eq!(layout::to_owned::<Vec<Particle>>(&image).unwrap(), many);
}

/// Padding at the end left to `#[repr(C)]`, which adds the same 7 bytes as
/// the layout: the struct is 16 bytes, not plain (so it is encoded field by
/// field), and reads and writes like any explicit struct.
#[derive(Layout, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
struct Tail {
    #[bare(field = 0)]
    big: u64,
    #[bare(field = 1)]
    small: u8,
}

#[test]
fn padding_at_the_end_may_be_implicit() {
    assert_eq!(core::mem::size_of::<Tail>(), 16);
    assert_eq!(LayoutTable::of::<Tail>().size, 16);
    assert!(!<Tail as barewire::Layout>::PLAIN.is_plain());
    let tails = vec![Tail { big: 1, small: 2 }, Tail { big: 3, small: 4 }];
    let image = barewire::to_layout(&tails);
    // The span at 0, the items from 8: `big`, `small`, then 7 zero bytes.
    assert_eq!(
        &image[8..24],
        [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]
    );
    let view = barewire::view::<Vec<Tail>>(&image).unwrap();
    assert_eq!(view.get(1).unwrap().small(), 4);
    assert_eq!(layout::to_owned::<Vec<Tail>>(&image).unwrap(), tails);
    let wire = barewire::to_vec(&tails);
    assert_eq!(
        wire,
        [2, 1, 0, 0, 0, 0, 0, 0, 0, 2, 3, 0, 0, 0, 0, 0, 0, 0, 4]
    );
    assert_eq!(barewire::from_slice::<Vec<Tail>>(&wire).unwrap(), tails);
}
