//! Impls of the wire codec, the schema (and the layout where natural) for
//! types of common crates, each behind a feature of the crate's name:
//! `uuid`, `bytes`, `smallvec`, `arrayvec`, `indexmap`, `hashbrown`,
//! `heapless`. See the README's "Using barewire with ..." section.

/// `Layout` of a bounded string type, as `str` (a [`BareStr`] in place),
/// and `FromLayout` with its capacity checked.
///
/// [`BareStr`]: crate::layout::BareStr
#[cfg(any(feature = "arrayvec", feature = "heapless"))]
macro_rules! string_layout {
    (impl[$($g:tt)*] $t:ty, $cap:expr, |$s:ident| $build:expr) => {
        impl<$($g)*> crate::layout::Layout for $t {
            const SIZE: usize = <&str as crate::layout::Layout>::SIZE;
            const ALIGN: usize = <&str as crate::layout::Layout>::ALIGN;
            const TRIVIAL_VIEW: bool = <&str as crate::layout::Layout>::TRIVIAL_VIEW;
            type View<'a> = crate::layout::BareStr<'a>;
            type ViewMut<'a> = crate::layout::BareStr<'a>;
            #[inline]
            fn write(&self, w: &mut crate::layout::Writer, at: usize) {
                crate::layout::Layout::write(&self.as_str(), w, at);
            }
            #[inline]
            fn out_of_line_hint(&self) -> usize {
                crate::layout::Layout::out_of_line_hint(&self.as_str())
            }
            #[inline]
            fn check(
                buf: &[u8],
                at: usize,
                cx: &mut crate::layout::Check,
            ) -> Result<(), crate::error::Error> {
                <&str as crate::layout::Layout>::check(buf, at, cx)
            }
            #[inline]
            fn view(buf: &[u8], at: usize) -> crate::layout::BareStr<'_> {
                <&str as crate::layout::Layout>::view(buf, at)
            }
            #[inline]
            fn view_mut(buf: &mut [u8], at: usize) -> crate::layout::BareStr<'_> {
                <&str as crate::layout::Layout>::view_mut(buf, at)
            }
        }

        impl<'a, $($g)*> crate::layout::FromLayout<'a> for $t {
            fn from_layout(
                buf: &'a [u8],
                at: usize,
                cx: &mut crate::layout::Check,
            ) -> Result<Self, crate::error::Error> {
                let $s: &str = crate::layout::FromLayout::from_layout(buf, at, cx)?;
                if $s.len() > $cap {
                    return Err(crate::error::Error::InvalidLayout {
                        offset: at,
                        reason: "string longer than the capacity of its type",
                    });
                }
                $build.ok_or(crate::error::Error::InvalidLayout {
                    offset: at,
                    reason: "string longer than the capacity of its type",
                })
            }
        }
    };
}

#[cfg(feature = "arrayvec")]
mod arrayvec;
#[cfg(any(feature = "arrayvec", feature = "heapless"))]
mod bounded;
#[cfg(feature = "bytes")]
mod bytes;
#[cfg(feature = "hashbrown")]
mod hashbrown;
#[cfg(feature = "heapless")]
mod heapless;
#[cfg(feature = "indexmap")]
mod indexmap;
#[cfg(feature = "smallvec")]
mod smallvec;
#[cfg(feature = "uuid")]
mod uuid;

#[cfg(feature = "bytes")]
pub use self::bytes::from_bytes;

/// The schema type of `T` as text, for the tests.
#[cfg(test)]
pub(crate) fn type_of<T: crate::schema::Describe + ?Sized>() -> alloc::string::String {
    use alloc::string::ToString;
    let mut b = crate::schema::Builder::new();
    T::describe(&mut b).to_string()
}
