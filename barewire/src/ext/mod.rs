//! Impls of the wire codec, the schema (and the layout where natural) for
//! types of common crates, each behind a feature of the crate's name:
//! `uuid`, `bytes`, `smallvec`, `arrayvec`, `indexmap`, `hashbrown`,
//! `heapless`. See the README's "Using barewire with ..." section.

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
