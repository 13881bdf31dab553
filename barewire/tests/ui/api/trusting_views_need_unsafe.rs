// A view that reads strings without checking them again is reached from
// safe code only through `check_full`: making one by hand, whether through
// `Layout::view`, a derived view's cursor or `view_trusted`, takes `unsafe`.
use barewire::layout::{Layout, Trust};

#[derive(barewire::Bare)]
struct Named {
    name: String,
}

fn main() {
    let image = barewire::to_layout(&Named { name: "a name".into() });
    let _ = <String as Layout>::view(&image, 0, Trust::Full);
    let _ = <Named as Layout>::view(&image, 0, Trust::Full);
    let _ = barewire::__private::Cursor::<&[u8], Named>::new(&image, 0, Trust::Full);
    let _ = barewire::layout::view_trusted::<Named>(&image);
}
