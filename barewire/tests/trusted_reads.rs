//! Views that trust their image: `view`'s and `Image::new`'s read numbers
//! without a bounds check; `check_full`'s, `view_trusted`'s and
//! `Image::new_full`'s also read strings without a second UTF-8 check.
//! What they read must be what was written, and an image the check refuses
//! never gives such a view. Run under Miri (see `scripts/sanitize.sh`).

use std::collections::BTreeMap;

use barewire::layout::{self, Trust};
use barewire::{Bare, BareStr, Error, Image};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Entry {
    name: String,
    #[bare(inline = 16)]
    tag: String,
    #[bare(intern)]
    kind: String,
    notes: Option<Box<str>>,
    words: Vec<String>,
    attrs: BTreeMap<String, String>,
}

fn entries() -> Vec<Entry> {
    (0..12)
        .map(|i| Entry {
            name: format!("entry number {i} with a name longer than eight bytes"),
            tag: if i % 2 == 0 {
                "short".into()
            } else {
                "a tag that is too long to be inline".into()
            },
            kind: if i % 3 == 0 {
                "the first kind, interned once".into()
            } else {
                "kind".into()
            },
            notes: (i % 4 == 0).then(|| "ünïcödé notes, out of line".into()),
            words: (0..i).map(|w| format!("wörd {w}")).collect(),
            attrs: (0..i % 3)
                .map(|k| (format!("key {k}"), format!("välue {k} of {i}")))
                .collect(),
        })
        .collect()
}

/// Every string of every entry, read through `view`, as owned values.
fn read_all(view: &<Vec<Entry> as barewire::Layout>::View<'_>) -> Result<Vec<Entry>, Error> {
    view.iter()
        .map(|e| {
            Ok(Entry {
                name: e.name().as_str()?.into(),
                tag: e.tag().as_str()?.into(),
                kind: e.kind().as_str()?.into(),
                notes: e.notes().map(|n| n.as_str().map(Into::into)).transpose()?,
                words: e
                    .words()
                    .iter()
                    .map(|w| w.as_str().map(Into::into))
                    .collect::<Result<_, _>>()?,
                attrs: e
                    .attrs()
                    .iter()
                    .map(|(k, v)| Ok((k.as_str()?.into(), v.as_str()?.into())))
                    .collect::<Result<_, Error>>()?,
            })
        })
        .collect()
}

#[test]
fn every_trusting_view_reads_what_was_written() {
    let data = entries();
    let image = barewire::to_layout(&data);
    let full = layout::check_full::<Vec<Entry>>(&image).unwrap();
    assert_eq!(read_all(&full).unwrap(), data);
    // SAFETY: `image` is what `to_layout` wrote for this type, unchanged.
    let trusted = unsafe { layout::view_trusted::<Vec<Entry>>(&image) };
    assert_eq!(read_all(&trusted).unwrap(), data);
    let structure = barewire::view::<Vec<Entry>>(&image).unwrap();
    assert_eq!(read_all(&structure).unwrap(), data);
    let lazy = barewire::view_unchecked::<Vec<Entry>>(&image);
    assert_eq!(read_all(&lazy).unwrap(), data);
    let owned = Image::<Vec<Entry>, _>::new_full(image.clone()).unwrap();
    assert_eq!(read_all(&owned.view()).unwrap(), data);
    let borrowed = Image::<Vec<Entry>, &[u8]>::new_full(&image).unwrap();
    assert_eq!(read_all(&borrowed.into_view()).unwrap(), data);
}

/// An image with one string's byte changed to invalid UTF-8: the full check
/// refuses it (so no trusting view exists), the lazy view reads it as an
/// error, and `Image::new_full` refuses it too.
#[test]
fn invalid_utf8_never_reaches_a_trusting_view() {
    let data = entries();
    let image = barewire::to_layout(&data);
    let target = "ünïcödé notes".as_bytes();
    let at = image
        .windows(target.len())
        .position(|w| w == target)
        .expect("the notes are in the image");
    let mut bad = layout::LayoutBuf::from_bytes(&image);
    bad[at + 1] = 0xff;
    assert!(matches!(
        layout::check_full::<Vec<Entry>>(&bad),
        Err(Error::InvalidUtf8 { .. })
    ));
    assert!(Image::<Vec<Entry>, _>::new_full(bad.clone()).is_err());
    let lazy = barewire::view::<Vec<Entry>>(&bad).unwrap();
    assert!(matches!(read_all(&lazy), Err(Error::InvalidUtf8 { .. })));
}

/// The positions of the out-of-line bytes of the strings of a
/// `(String, String, String)` image: each repr's relative offset followed.
fn targets(image: &[u8]) -> [usize; 3] {
    std::array::from_fn(|i| {
        let at = 8 * i;
        let rel = i32::from_le_bytes(image[at + 4..at + 8].try_into().unwrap());
        (at as i64 + 4 + rel as i64) as usize
    })
}

/// Points the string repr at `at` to `target` with length `len` (longer
/// than 8 bytes: stored out of line).
fn repoint(image: &mut [u8], at: usize, target: usize, len: usize) {
    let head = [
        0x80 | (len & 0x3f) as u8,
        (len >> 6) as u8,
        (len >> 14) as u8,
        (len >> 22) as u8,
    ];
    image[at..at + 4].copy_from_slice(&head);
    let rel = (target as i64 - (at + 4) as i64) as i32;
    image[at + 4..at + 8].copy_from_slice(&rel.to_le_bytes());
}

/// Strings that share bytes: the check validates each start once, and a
/// string that starts where a validated one does, or inside it, is checked
/// for ending (or starting) on a character boundary, in whatever order the
/// check meets them.
#[test]
fn strings_that_share_bytes_are_checked_at_their_own_bounds() {
    let long = "é".repeat(40); // 80 bytes, a character every 2
    let value = (long.clone(), "x".repeat(70), "y".repeat(70));
    let image = barewire::to_layout(&value);
    let [first, ..] = targets(&image);

    // The third string: the first's bytes, cut inside a character.
    let mut cut = layout::LayoutBuf::from_bytes(&image);
    repoint(&mut cut, 16, first, 79);
    assert!(matches!(
        layout::check_full::<(String, String, String)>(&cut),
        Err(Error::InvalidUtf8 { .. })
    ));

    // The third string: from the first's second character, to its end:
    // met after a later start, valid.
    let mut inner = layout::LayoutBuf::from_bytes(&image);
    repoint(&mut inner, 16, first + 2, 78);
    let view = layout::check_full::<(String, String, String)>(&inner).unwrap();
    assert_eq!(view.2.as_str().unwrap(), &long[2..]);
    assert_eq!(view.0.as_str().unwrap(), long);

    // The second string starts inside a character of the first.
    let mut odd = layout::LayoutBuf::from_bytes(&image);
    repoint(&mut odd, 8, first + 1, 70);
    assert!(matches!(
        layout::check_full::<(String, String, String)>(&odd),
        Err(Error::InvalidUtf8 { .. })
    ));
}

#[derive(barewire::Layout)]
#[repr(C)]
struct Named {
    #[bare(field = 0)]
    name: BareStr,
    #[bare(field = 1)]
    count: u32,
    #[bare(field = 2)]
    _pad: [u8; 4],
}

#[derive(Bare)]
#[bare(order = "declared")]
struct NamedOwned {
    name: String,
    count: u32,
    _pad: [u8; 4],
}

/// An explicit struct's field accessors pass the trust on too; reading
/// through its `image()` (`InPlace`, which takes any `&BareStr`) checks
/// each string, trusted or not.
#[test]
fn explicit_fields_read_through_a_fully_checked_view() {
    let image = barewire::to_layout(&NamedOwned {
        name: "an explicit record's name".into(),
        count: 3,
        _pad: [0; 4],
    });
    let view = layout::check_full::<Named>(&image).unwrap();
    assert_eq!(view.name().as_str().unwrap(), "an explicit record's name");
    assert_eq!(view.count(), 3);
    let record = view.get().unwrap();
    assert_eq!(view.str(&record.name).unwrap(), "an explicit record's name");
}

/// `Trust` is a plain value; what makes `Full` safe is that only `unsafe`
/// code can hand it to `Layout::view` (see `tests/ui/api`).
#[test]
fn trust_is_compared_and_printed() {
    assert_ne!(Trust::Lazy, Trust::Full);
    assert_eq!(format!("{:?}", Trust::Full), "Full");
}
