// An explicit struct with in-place fields has no wire codec: its offsets
// mean something only inside its image.
use barewire::{BarePtr, BareStr, Layout};

#[derive(Layout)]
#[repr(C)]
struct Node {
    name: BareStr,
    next: Option<BarePtr<Node>>,
}

fn main() {
    let image = barewire::layout::Builder::<Node>::new().finish();
    let view = barewire::view_unchecked::<Node>(&image);
    let node: &Node = view.get().unwrap();
    let _ = barewire::to_vec(node);
}
