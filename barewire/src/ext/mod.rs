//! Impls of the wire codec, the schema (and the layout where natural) for
//! types of common crates, each behind a feature of the crate's name:
//! `uuid`, `bytes`, `smallvec`, `arrayvec`, `indexmap`, `hashbrown`,
//! `heapless`. See the README's "Using barewire with ..." section.

/// `Layout` of a bounded string type, as `str` (read in place as a [`StrView`]),
/// and `FromLayout` with its capacity checked.
///
/// [`StrView`]: crate::layout::StrView
#[cfg(any(feature = "arrayvec", feature = "heapless"))]
macro_rules! string_layout {
    (impl[$($g:tt)*] $t:ty, $cap:expr, |$s:ident| $build:expr) => {
        impl<$($g)*> crate::layout::Layout for $t {
            const SIZE: usize = <&str as crate::layout::Layout>::SIZE;
            const ALIGN: usize = <&str as crate::layout::Layout>::ALIGN;
            const TRIVIAL_VIEW: bool = <&str as crate::layout::Layout>::TRIVIAL_VIEW;
            type View<'a> = crate::layout::StrView<'a>;
            type ViewMut<'a> = crate::layout::StrView<'a>;
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
            unsafe fn view(
                buf: &[u8],
                at: usize,
                trust: crate::layout::Trust,
            ) -> crate::layout::StrView<'_> {
                // SAFETY: the check is `&str`'s; the rest is the caller's.
                unsafe { <&str as crate::layout::Layout>::view(buf, at, trust) }
            }
            #[inline]
            fn view_mut(buf: &mut [u8], at: usize) -> crate::layout::StrView<'_> {
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

/// The wire codec, the schema and `FromLayout` of a hashed map type
/// (`$map<K, V, S>` with `with_hasher` and `insert`): entries in the map's
/// iteration order on the wire, a repeated key an error.
#[cfg(any(feature = "hashbrown", feature = "indexmap"))]
macro_rules! hashed_map {
    ($map:ident) => {
        impl<K: crate::wire::Encode + crate::wire::MapKey, V: crate::wire::Encode, S>
            crate::wire::Encode for $map<K, V, S>
        {
            #[inline]
            fn encode(&self, out: &mut alloc::vec::Vec<u8>) {
                crate::wire::impls::encode_map(self.len(), self.iter(), out);
            }
        }

        impl<'de, K, V, S> crate::wire::Decode<'de> for $map<K, V, S>
        where
            K: crate::wire::Decode<'de> + crate::wire::MapKey + Eq + core::hash::Hash,
            V: crate::wire::Decode<'de>,
            S: core::hash::BuildHasher + Default,
        {
            #[inline]
            fn decode(r: &mut crate::wire::Reader<'de>) -> Result<Self, crate::error::Error> {
                let mut map = $map::with_hasher(S::default());
                crate::wire::impls::decode_map(r, |k, v| map.insert(k, v).is_none())?;
                Ok(map)
            }
        }

        impl<K: crate::schema::Describe, V: crate::schema::Describe, S> crate::schema::Describe
            for $map<K, V, S>
        {
            fn describe(b: &mut crate::schema::Builder) -> crate::schema::Type {
                let k = K::describe(b);
                crate::schema::Type::Map(
                    alloc::boxed::Box::new(k),
                    alloc::boxed::Box::new(V::describe(b)),
                )
            }
        }

        impl<'a, K, V, S> crate::layout::FromLayout<'a> for $map<K, V, S>
        where
            K: crate::layout::FromLayout<'a> + crate::layout::LayoutKey + Eq + core::hash::Hash,
            V: crate::layout::FromLayout<'a>,
            S: core::hash::BuildHasher + Default,
        {
            fn from_layout(
                buf: &'a [u8],
                at: usize,
                cx: &mut crate::layout::Check,
            ) -> Result<Self, crate::error::Error> {
                let mut map = $map::with_hasher(S::default());
                crate::layout::map::map_from_layout(buf, at, cx, |k, v| {
                    map.insert(k, v);
                })?;
                Ok(map)
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
