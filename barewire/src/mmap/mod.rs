//! Layout images in files: written with a small typed header, opened with a
//! memory map and read in place (feature `mmap`).
//!
//! A file is a 64-byte [`ImageHeader`] followed by the layout image of one
//! root value, so the image starts at file offset 64 and a (page-aligned)
//! mapping puts it at a 64-byte-aligned address, as views need.
//!
//! ```
//! use barewire::mmap::{self, ImageFile};
//!
//! #[derive(barewire::Bare, Debug, PartialEq)]
//! struct Log { address: [u8; 4], request: String, code: u16, size: u64 }
//!
//! let path = std::env::temp_dir().join(format!("barewire-doc-{}.img", std::process::id()));
//! let log = Log { address: [10, 0, 0, 1], request: "GET /".into(), code: 200, size: 512 };
//! mmap::write_file(&path, &log)?;
//!
//! // SAFETY: nothing modifies or truncates this file while it is open.
//! let file = unsafe { ImageFile::<Log>::open(&path)? }; // O(1): header, type, length
//! let view = file.view()?;                               // structural check, then in place
//! assert_eq!(view.code(), 200);
//! file.verify()?;                                        // checksum: reads every byte
//!
//! // Without `unsafe`: read the image into memory instead of mapping it.
//! let copy = ImageFile::<Log>::load(&path)?;
//! assert_eq!(copy.to_owned()?, log);
//! # drop(file); std::fs::remove_file(&path)?;
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! # Cost of opening
//!
//! [`ImageFile::open`] reads nothing but the header: it checks the magic,
//! the format version, the header's own check word, the type
//! [`fingerprint`], the file length and that the root's inline part fits.
//! Pages of the image are read by the kernel only when something touches
//! them, so opening a 1 GiB file and reading one record costs about what it
//! costs for a 1 MiB file (the `boundaries` bench shows it).
//!
//! [`ImageFile::view`] then runs [`barewire::view`](crate::layout::view)'s
//! structural check of everything reachable from the root. That is O(1) for
//! fixed-size data and lists of plain records (their items need no check),
//! and O(image) for images with many strings, boxes or unions. When the
//! image is known good (you wrote it, or [`ImageFile::verify`] matched the
//! checksum of an image you checked before), [`ImageFile::view_unchecked`]
//! skips the check.
//!
//! # Mapped files that other processes can change
//!
//! One policy for every file barewire maps, here and in `barewire::ipc`
//! (feature `ipc`):
//!
#![doc = include_str!("policy.md")]
//!
//! For an image file, what that means:
//!
//! - A mapping shows the file as it is *now*, not as it was when opened.
//!   If any process **truncates** the file while it is mapped, touching a
//!   page past the new end raises `SIGBUS` and kills the process. If any
//!   process **modifies** the file, the bytes behind a `&[u8]` or a view
//!   change while it is borrowed, which Rust's rules do not allow for any
//!   reference.
//! - So [`ImageFile::open`] is `unsafe`, like `memmap2::Mmap::map`: the
//!   caller promises that nobody truncates or modifies the file while it is
//!   open. Within that promise the header and the image are still checked
//!   like any untrusted input.
//! - barewire's writers ([`write_file`], [`write_image_file`]) never modify
//!   a file in place: they write a new file beside it and rename it over
//!   the old one, so readers that mapped the old file keep seeing the old,
//!   complete image. Among programs that only use these writers the promise
//!   holds.
//! - [`ImageFile::load`] is the safe alternative: it reads the image into a
//!   private, aligned [`LayoutBuf`] with `read` (one copy, O(file), no
//!   mapping), after which nothing another process does to the file can
//!   affect it. A file that changes *while* it is read gives a copy that
//!   may mix old and new bytes; the header and the structural check see
//!   that copy, never the file.

pub(crate) mod atomic_file;
mod header;

pub use crate::fingerprint::{fingerprint, fingerprint_text};
pub use header::{FORMAT_VERSION, HEADER_LEN, ImageHeader, MAGIC, checksum};

use core::marker::PhantomData;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use memmap2::Mmap;

use crate::error::Error;
use crate::image::{Image, StableBuffer};
use crate::layout::{FromLayout, Layout, LayoutBuf};
use crate::schema::Describe;

/// Writes `header ++ image` to `out`: the file form of an image of a `T`.
///
/// ```
/// let image = barewire::to_layout(&42u32);
/// let mut file = Vec::new();
/// barewire::mmap::write_image::<u32, _>(&mut file, &image)?;
/// assert_eq!(file.len(), 64 + image.len());
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn write_image<T: Layout + Describe + ?Sized, W: Write>(
    mut out: W,
    image: &[u8],
) -> Result<(), Error> {
    let header = ImageHeader::for_image::<T>(image);
    out.write_all(&header.to_bytes())?;
    out.write_all(image)?;
    out.flush()?;
    Ok(())
}

/// Writes the image of `value` to the file at `path`, replacing it
/// atomically (see [`write_image_file`]).
pub fn write_file<T: Layout + Describe + ?Sized>(
    path: impl AsRef<Path>,
    value: &T,
) -> Result<(), Error> {
    let image = crate::layout::to_layout(value);
    write_image_file::<T>(path, &image)
}

/// Writes `image`, an image of a `T`, to the file at `path`.
///
/// The bytes go to a new file beside `path` that is then renamed over it, so
/// a reader never sees a half-written file, and processes that have the old
/// file mapped keep their complete old image. The data is not `fsync`ed: after
/// a power loss the file may be missing or short, which opening reports
/// ([`Error::TruncatedFile`]) rather than misreads.
pub fn write_image_file<T: Layout + Describe + ?Sized>(
    path: impl AsRef<Path>,
    image: &[u8],
) -> Result<(), Error> {
    atomic_file::replace(path.as_ref(), |file| {
        write_image::<T, _>(std::io::BufWriter::new(file), image)
    })
}

enum Backing {
    /// The whole file, mapped read-only; the image is at 64.
    Mapped(Mmap),
    /// The image alone, read into memory.
    Loaded(LayoutBuf),
}

/// The image bytes of an opened image file: a mapping of the file (the
/// image after its 64-byte header) or a copy in memory. The buffer of the
/// [`Image`] that [`ImageFile::into_image`] returns.
///
/// ```
/// # let path = std::env::temp_dir().join(format!("barewire-doc-fb-{}.img", std::process::id()));
/// barewire::mmap::write_file(&path, &7u32)?;
/// let image = barewire::mmap::ImageFile::<u32>::load(&path)?.into_image()?;
/// let bytes: &barewire::mmap::FileBytes = image.buffer();
/// assert!(!bytes.is_mapped());
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), barewire::Error>(())
/// ```
pub struct FileBytes(Backing);

impl FileBytes {
    /// Whether the bytes are a mapping of the file.
    pub fn is_mapped(&self) -> bool {
        matches!(self.0, Backing::Mapped(_))
    }

    fn bytes(&self) -> &[u8] {
        match &self.0 {
            // `open` checked that the map holds at least the header.
            Backing::Mapped(map) => map.get(HEADER_LEN..).unwrap_or_default(),
            Backing::Loaded(buf) => buf,
        }
    }
}

impl core::fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FileBytes")
            .field("mapped", &self.is_mapped())
            .field("len", &self.bytes().len())
            .finish()
    }
}

// SAFETY: `stable_bytes` returns the same bytes on every call:
// 1. a `Mmap` is a mapping that does not move with the value, and its
//    contents stay unchanged by the promise made to `ImageFile::open` (the
//    `unsafe` constructor of the only `FileBytes` holding a map), which
//    covers the returned value and everything made from it;
// 2. a `LayoutBuf` is a heap allocation that `&FileBytes` cannot change;
// 3. the range `HEADER_LEN..` is a constant, and `FileBytes` offers no
//    `&mut` access to either.
unsafe impl StableBuffer for FileBytes {
    #[inline]
    fn stable_bytes(&self) -> &[u8] {
        self.bytes()
    }
}

/// An image file of a `T`, opened: mapped ([`open`](Self::open)) or read
/// into memory ([`load`](Self::load)).
///
/// See the [module docs](self) for the costs and for what mapping cannot
/// protect against.
pub struct ImageFile<T> {
    bytes: FileBytes,
    header: ImageHeader,
    _type: PhantomData<fn() -> T>,
}

impl<T> core::fmt::Debug for ImageFile<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ImageFile")
            .field("type", &core::any::type_name::<T>())
            .field("mapped", &self.bytes.is_mapped())
            .field("header", &self.header)
            .finish()
    }
}

impl<T: Layout + Describe> ImageFile<T> {
    /// Maps the file at `path` and checks its header for a `T`: magic,
    /// version, header check word, fingerprint, file length, and room for
    /// the root's inline part. Reads only the header: O(1).
    ///
    /// Errors: [`Error::FileHeader`] (not an image file, or a damaged
    /// header), [`Error::UnsupportedVersion`], [`Error::WrongType`],
    /// [`Error::TruncatedFile`], [`Error::Io`].
    ///
    /// # Safety
    ///
    /// While the returned value or anything borrowed from it lives, the file
    /// must not be truncated or modified by this or any other process (the
    /// contract of `memmap2::Mmap::map`). Truncation makes reads raise
    /// `SIGBUS`; modification changes bytes behind shared references.
    /// Files written only by [`write_file`] / [`write_image_file`], which
    /// replace files by renaming, keep this promise. Use
    /// [`load`](Self::load) when you cannot promise it. This is barewire's
    /// one policy for mapped files, stated in the
    /// [module docs](self#mapped-files-that-other-processes-can-change).
    pub unsafe fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        if len < HEADER_LEN as u64 {
            // Too short to map usefully: read what there is for the error.
            let mut bytes = Vec::new();
            (&file).take(HEADER_LEN as u64).read_to_end(&mut bytes)?;
            ImageHeader::parse(&bytes)?;
            return Err(Error::TruncatedFile {
                expected: HEADER_LEN as u64,
                actual: bytes.len() as u64,
            });
        }
        // SAFETY: `Mmap::map` requires that the file is neither modified
        // nor truncated while the map lives:
        // 1. the caller promises it for as long as the returned value or a
        //    borrow of it lives (this function's `# Safety`);
        // 2. the map lives only in the returned value (or is dropped on an
        //    error below), and every borrow of its bytes (`image`, `view`,
        //    ...) borrows that value.
        let map = unsafe { Mmap::map(&file)? };
        // The mapping has the file's length at the time of the map, which
        // may differ from the `metadata` above if the file changed between
        // the two (before the promise above began to hold): check again.
        let Some(head) = map.get(..HEADER_LEN) else {
            return Err(Error::TruncatedFile {
                expected: HEADER_LEN as u64,
                actual: map.len() as u64,
            });
        };
        let header = ImageHeader::parse(head)?;
        header.check_for::<T>(map.len() as u64)?;
        Ok(ImageFile {
            bytes: FileBytes(Backing::Mapped(map)),
            header,
            _type: PhantomData,
        })
    }

    /// Reads the file at `path` into memory (an aligned [`LayoutBuf`]) and
    /// checks its header like [`open`](Self::open): safe whatever other
    /// processes do to the file, at the cost of reading all of it.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let mut file = File::open(path)?;
        let mut head = Vec::with_capacity(HEADER_LEN);
        (&mut file).take(HEADER_LEN as u64).read_to_end(&mut head)?;
        let header = ImageHeader::parse(&head)?;
        let file_len = file.metadata()?.len();
        header.check_for::<T>(file_len)?;
        let mut image = LayoutBuf::zeroed(header.image_len as usize);
        file.read_exact(&mut image).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => Error::TruncatedFile {
                expected: HEADER_LEN as u64 + header.image_len,
                actual: file_len,
            },
            _ => Error::Io(e),
        })?;
        Ok(ImageFile {
            bytes: FileBytes(Backing::Loaded(image)),
            header,
            _type: PhantomData,
        })
    }

    /// The file's header.
    pub fn header(&self) -> &ImageHeader {
        &self.header
    }

    /// Whether the image is memory-mapped (from [`open`](Self::open)) rather
    /// than read into memory.
    pub fn is_mapped(&self) -> bool {
        self.bytes.is_mapped()
    }

    /// The image bytes (after the header), aligned to 64.
    pub fn image(&self) -> &[u8] {
        self.bytes.bytes()
    }

    /// Checks the structure of the image (see [`barewire::view`](crate::layout::view))
    /// and returns the view of the root, read in place. Each call checks
    /// again; [`into_image`](Self::into_image) checks once for good.
    pub fn view(&self) -> Result<T::View<'_>, Error> {
        Image::<T, &[u8]>::new(self.image()).map(Image::into_view)
    }

    /// Like [`view`](Self::view), checking the UTF-8 of every string too.
    pub fn check_full(&self) -> Result<T::View<'_>, Error> {
        Image::<T, &[u8]>::new_full(self.image()).map(Image::into_view)
    }

    /// Checks the structure of the image once and keeps the file as an
    /// [`Image`]: views from it are then free (no check), it can be stored
    /// and sent to other threads, and the header is dropped.
    ///
    /// ```
    /// # let path = std::env::temp_dir().join(format!("barewire-doc-ii-{}.img", std::process::id()));
    /// barewire::mmap::write_file(&path, &vec![1u32, 2, 3])?;
    /// let image = barewire::mmap::ImageFile::<Vec<u32>>::load(&path)?.into_image()?;
    /// let sum = std::thread::spawn(move || image.view().iter().sum::<u32>()).join().unwrap();
    /// assert_eq!(sum, 6);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn into_image(self) -> Result<Image<T, FileBytes>, Error> {
        Image::new(self.bytes)
    }

    /// The view of the root without the structural check: O(1). For an
    /// image known good, for example one written by barewire for this `T`
    /// whose [`verify`](Self::verify) passed. As with
    /// [`barewire::view_unchecked`](crate::layout::view_unchecked), reads
    /// never leave the image, but on an image [`view`](Self::view) would
    /// refuse they may panic or return meaningless values.
    pub fn view_unchecked(&self) -> T::View<'_> {
        crate::layout::view_unchecked::<T>(self.image())
    }

    /// Hashes the whole image and compares it with the header's checksum:
    /// catches damaged contents that a structural check cannot (a changed
    /// number). O(image); run it when you want to, opening does not.
    pub fn verify(&self) -> Result<(), Error> {
        self.header.verify(self.image())
    }

    /// Checks the image (UTF-8 included) and rebuilds the value.
    pub fn to_owned<'a>(&'a self) -> Result<T, Error>
    where
        T: FromLayout<'a>,
    {
        Image::<T, &[u8]>::new(self.image())?.into_owned()
    }
}
