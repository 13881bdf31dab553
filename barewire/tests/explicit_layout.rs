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
