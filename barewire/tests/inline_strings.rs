//! `#[bare(inline = N)]`: a string field whose inline part is `N` bytes, so
//! strings of up to `N` bytes live inside their record. The wire bytes and
//! the schema do not change; the image does, exactly as `docs/format.md`
//! says.

use barewire::layout::{self, LayoutBuf, LayoutTable};
use barewire::{Bare, Error};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Entry {
    id: u32,
    #[bare(inline = 12)]
    name: String,
}

#[derive(Bare, Debug, Clone, PartialEq)]
#[bare(rename = "Entry")]
struct Plain {
    id: u32,
    name: String,
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Borrowed<'a> {
    #[bare(inline = 16, intern)]
    tag: &'a str,
    #[bare(inline = 32)]
    label: Box<str>,
}

fn entry(name: &str) -> Entry {
    Entry {
        id: 7,
        name: name.into(),
    }
}

#[test]
fn short_strings_live_in_the_record_and_long_ones_out_of_line() {
    // Both fields are 4-aligned: declaration order, `id` then `name`.
    let image = barewire::to_layout(&entry("hello"));
    assert_eq!(
        &image[..],
        [
            7, 0, 0, 0, // id
            b'h', b'e', b'l', b'l', b'o', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // name
        ]
    );
    let exactly = barewire::to_layout(&entry("twelve bytes"));
    assert_eq!(&exactly[4..16], b"twelve bytes");
    assert_eq!(exactly.len(), 16);
    let empty = barewire::to_layout(&entry(""));
    assert_eq!(&empty[4..16], [0xff; 12]);

    // 13 bytes: out of line, as an 8-byte repr would be (its offset relative
    // to byte 4 of the repr, at 8), then 4 zero bytes.
    let long = barewire::to_layout(&entry("thirteen byte"));
    assert_eq!(
        &long[..16],
        [7, 0, 0, 0, 0x80 | 13, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(&long[16..29], b"thirteen byte");

    for name in [
        "",
        "hello",
        "twelve bytes",
        "thirteen byte",
        "hé",
        "a much longer name than twelve",
    ] {
        let value = entry(name);
        let image = barewire::to_layout(&value);
        let view = barewire::view::<Entry>(&image).unwrap();
        assert_eq!(view.name().as_str().unwrap(), name);
        assert_eq!(view.name().len(), name.len());
        assert_eq!(view.id(), 7);
        assert!(layout::check_full::<Entry>(&image).is_ok());
        assert_eq!(layout::to_owned::<Entry>(&image).unwrap(), value);
        let mut copy = image.clone();
        assert!(layout::view_mut::<Entry>(&mut copy).is_ok());
    }
}

#[test]
fn wire_bytes_and_schema_are_those_without_the_hint() {
    let value = entry("a name longer than twelve");
    let plain = Plain {
        id: value.id,
        name: value.name.clone(),
    };
    assert_eq!(barewire::to_vec(&value), barewire::to_vec(&plain));
    assert_eq!(barewire::schema::<Entry>(), barewire::schema::<Plain>());
    assert_eq!(
        barewire::from_slice::<Entry>(&barewire::to_vec(&plain)).unwrap(),
        value
    );
    let table = LayoutTable::of::<Entry>();
    assert_eq!(table.fields[1].hints, "inline=12");
    assert_eq!(table.fields[1].size, 12);
    assert_eq!(LayoutTable::of::<Plain>().fields[1].size, 8);
}

#[test]
fn borrowed_and_boxed_fields_and_interning() {
    let long = "a tag long enough to go out of line";
    let values = vec![
        Borrowed {
            tag: long,
            label: "short".into(),
        },
        Borrowed {
            tag: long,
            label: "a label of more than thirty-two bytes, out of line".into(),
        },
    ];
    let image = barewire::to_layout(&values);
    // The long tag is stored once.
    let copies = image
        .windows(long.len())
        .filter(|w| *w == long.as_bytes())
        .count();
    assert_eq!(copies, 1);
    let back: Vec<Borrowed<'_>> = layout::to_owned(&image).unwrap();
    assert_eq!(back, values);
    let view = barewire::view::<Vec<Borrowed<'_>>>(&image).unwrap();
    assert_eq!(view.get(0).unwrap().label().as_str().unwrap(), "short");
}

fn refused(image: &LayoutBuf) -> Error {
    match layout::check_full::<Entry>(image) {
        Ok(_) => panic!("a malformed inline string was accepted"),
        Err(e) => e,
    }
}

#[test]
fn malformed_inline_parts_are_errors() {
    // Bytes after the first 0xff that are not 0xff.
    let mut image = barewire::to_layout(&entry("hello"));
    image[11] = b'x';
    let view = barewire::view::<Entry>(&image).unwrap();
    assert!(view.name().as_str().is_err());
    assert!(matches!(refused(&image), Error::InvalidLayout { .. }));
    assert!(layout::to_owned::<Entry>(&image).is_err());

    // Not UTF-8.
    let mut image = barewire::to_layout(&entry("hello"));
    image[5] = 0xc3;
    assert!(matches!(refused(&image), Error::InvalidUtf8 { .. }));

    // An out-of-line repr followed by bytes that are not zero.
    let mut image = barewire::to_layout(&entry("thirteen byte"));
    image[13] = 1;
    assert!(matches!(refused(&image), Error::InvalidLayout { .. }));

    // An out-of-line string that would fit inline (not canonical).
    let mut image = barewire::to_layout(&entry("thirteen byte"));
    image[4] = 0x80 | 5;
    assert!(matches!(refused(&image), Error::InvalidLayout { .. }));

    // Its offset out of the image.
    let mut image = barewire::to_layout(&entry("thirteen byte"));
    image[8] = 0x7f;
    assert!(matches!(refused(&image), Error::InvalidLayout { .. }));
}
