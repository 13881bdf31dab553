// The layout claim of one type cannot stand for another's, not even through
// the claim of an array.
use barewire::__private::Check;
use barewire::layout::{Layout, Writer};

#[repr(C)]
struct Padded {
    a: u8,
    b: u64,
}

impl Layout for Padded {
    const SIZE: usize = 16;
    const ALIGN: usize = 8;
    const PLAIN: barewire::plain::Plain<Self, barewire::plain::IntoLayout> =
        <[u64; 2] as Layout>::PLAIN;
    type View<'a> = ();
    type ViewMut<'a> = ();
    fn write(&self, _: &mut Writer, _: usize) {}
    fn check(_: &[u8], _: usize, _: &mut Check) -> Result<(), barewire::Error> {
        Ok(())
    }
    unsafe fn view(_: &[u8], _: usize, _: barewire::layout::Trust) {}
    fn view_mut(_: &mut [u8], _: usize) {}
}

fn main() {}
