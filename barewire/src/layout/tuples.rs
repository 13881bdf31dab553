//! [`Layout`] and [`FromLayout`] of tuples: laid out as structs of their
//! fields, in order.

use super::check::Check;
use super::facts::LayoutFacts;
use super::{FromLayout, Layout, Trust, Writer};
use crate::error::Error;

macro_rules! tuples {
    ($(($n:literal; $($name:ident $idx:tt),+))*) => {$(
        /// A tuple is laid out as a struct of its fields, in order.
        impl<$($name: Layout),+> Layout for ($($name,)+) {
            const SIZE: usize = Self::LAYOUT.size;
            const ALIGN: usize = Self::LAYOUT.align;
            const TRIVIAL: bool = true $(&& $name::TRIVIAL)+;
            const TRIVIAL_VIEW: bool = true $(&& $name::TRIVIAL_VIEW)+;
            type View<'a> = ($($name::View<'a>,)+);
            type ViewMut<'a> = ($($name::View<'a>,)+);
            fn layout_facts(facts: &mut LayoutFacts) {
                if facts.enter::<Self>("") {
                    $($name::layout_facts(facts);)+
                }
            }
            fn write(&self, w: &mut Writer, at: usize) {
                $(self.$idx.write(w, at + Self::LAYOUT.offsets[$idx]);)+
            }
            fn out_of_line_hint(&self) -> usize {
                0 $(+ self.$idx.out_of_line_hint())+
            }
            fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
                $($name::check(buf, at + Self::LAYOUT.offsets[$idx], cx)?;)+
                Ok(())
            }
            #[inline]
            unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> Self::View<'_> {
                // SAFETY: `check` checked each item at its offset; the rest
                // of the contract is the caller's.
                unsafe { ($($name::view(buf, at + Self::LAYOUT.offsets[$idx], trust),)+) }
            }
            #[inline]
            fn view_mut(buf: &mut [u8], at: usize) -> Self::ViewMut<'_> {
                let buf: &[u8] = buf;
                // SAFETY: `Trust::Lazy` asks nothing.
                unsafe { ($($name::view(buf, at + Self::LAYOUT.offsets[$idx], Trust::Lazy),)+) }
            }
        }

        impl<$($name: Layout),+> TupleLayout<$n> for ($($name,)+) {
            const LAYOUT: super::StructLayout<$n> =
                super::StructLayout::compute([$(($name::SIZE, $name::ALIGN)),+], true, 1);
        }

        impl<'a, $($name: FromLayout<'a>),+> FromLayout<'a> for ($($name,)+) {
            fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
                Ok(($($name::from_layout(buf, at + Self::LAYOUT.offsets[$idx], cx)?,)+))
            }
        }
    )*};
}

/// The computed layout of a tuple.
trait TupleLayout<const N: usize> {
    const LAYOUT: super::StructLayout<N>;
}

tuples! {
    (1; A 0)
    (2; A 0, B 1)
    (3; A 0, B 1, C 2)
    (4; A 0, B 1, C 2, D 3)
    (5; A 0, B 1, C 2, D 3, E 4)
    (6; A 0, B 1, C 2, D 3, E 4, F 5)
    (7; A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (8; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (9; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (10; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (11; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (12; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}
