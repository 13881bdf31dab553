//! The founding design's level-3 example: explicit `#[repr(C)]` structs with
//! in-place fields, written by the builder, read in place, and the same
//! image as their derived twins. One change from the design's text:
//! `Document`'s `align = 8` fields make its layout 8-aligned, 24 bytes, so
//! the struct says `#[repr(C, align(8))]` and Rust adds the same 4 bytes of
//! padding at its end (the alternative is an explicit
//! `#[bare(padding)] _pad: [u8; 4]` field, as the README shows).

use barewire::layout::{Builder, LayoutTable};
use barewire::{Bare, BarePtr, BareSpan, BareStr};

#[derive(barewire::Layout)]
#[repr(C, align(8))]
struct Document {
    #[bare(field = 0, align = 8)]
    id: BareStr,
    #[bare(field = 1, align = 8)]
    text: BareStr,
    #[bare(field = 2, align = 8)]
    metadata: BarePtr<MetadataMap>,
}
#[derive(barewire::Layout)]
#[repr(C)]
struct MetadataMap {
    #[bare(field = 0)]
    count: i32,
    #[bare(field = 1)]
    entries: BareSpan<MetadataEntry>,
}
#[derive(barewire::Layout)]
#[repr(C)]
struct MetadataEntry {
    #[bare(field = 0)]
    key: BareStr,
    #[bare(field = 1)]
    value: BareStr,
}

/// The derived twin of `Document`, fields in declaration order.
#[derive(Bare, Debug, PartialEq)]
#[bare(order = "declared", rename = "Document")]
struct OwnedDocument {
    #[bare(align = 8)]
    id: String,
    #[bare(align = 8)]
    text: String,
    #[bare(align = 8)]
    metadata: Box<OwnedMetadataMap>,
}

#[derive(Bare, Debug, PartialEq)]
#[bare(order = "declared", rename = "MetadataMap")]
struct OwnedMetadataMap {
    count: i32,
    entries: Vec<OwnedMetadataEntry>,
}

#[derive(Bare, Debug, PartialEq)]
#[bare(order = "declared", rename = "MetadataEntry")]
struct OwnedMetadataEntry {
    key: String,
    value: String,
}

fn twin() -> OwnedDocument {
    OwnedDocument {
        id: "doc-42".into(),
        text: "the founding example, as written".into(),
        metadata: Box::new(OwnedMetadataMap {
            count: 2,
            entries: vec![
                OwnedMetadataEntry {
                    key: "status".into(),
                    value: "active".into(),
                },
                OwnedMetadataEntry {
                    key: "keywords".into(),
                    value: "explicit, in place, zero copy".into(),
                },
            ],
        }),
    }
}

#[test]
fn the_founding_example_reads_in_place_and_matches_its_twin() {
    assert_eq!(std::mem::size_of::<Document>(), 24);
    let table = LayoutTable::of::<Document>();
    assert_eq!((table.size, table.align), (24, 8));
    let offsets: Vec<_> = table.fields.iter().map(|f| f.offset).collect();
    assert_eq!(offsets, [0, 8, 16]);
    assert_eq!(table.fields[2].padding_after, 4);
    assert_eq!(
        barewire::schema::<Document>(),
        barewire::schema::<OwnedDocument>()
    );

    // Written by the builder in the order `to_layout` writes the twin: the
    // same bytes, trailing padding zero.
    let value = twin();
    let mut b = Builder::<Document>::new();
    let id = b.str(&value.id);
    let text = b.str(&value.text);
    let map = b.reserve::<MetadataMap>();
    let entries = b.reserve_span::<MetadataEntry>(value.metadata.entries.len());
    for (i, e) in value.metadata.entries.iter().enumerate() {
        let entry = MetadataEntry {
            key: b.str(&e.key),
            value: b.str(&e.value),
        };
        b.put_item(entries, i, &entry);
    }
    let metadata = MetadataMap {
        count: value.metadata.count,
        entries: b.span_of(entries),
    };
    b.put(map, &metadata);
    let document = Document {
        id,
        text,
        metadata: b.ptr(map),
    };
    b.put(b.root(), &document);
    let image = b.finish();
    assert_eq!(&image[20..24], [0; 4], "trailing padding is zero");
    assert_eq!(&image[..], &barewire::to_layout(&value)[..]);

    // Read in place, by reference.
    let view = barewire::view::<Document>(&image).unwrap();
    let doc: &Document = view.get().unwrap();
    assert_eq!(view.str(&doc.id).unwrap(), "doc-42");
    let map: &MetadataMap = view.resolve(&doc.metadata).unwrap();
    assert_eq!(map.count, 2);
    let entries: &[MetadataEntry] = view.span(&map.entries).unwrap();
    assert_eq!(
        view.str(&entries[1].value).unwrap(),
        "explicit, in place, zero copy"
    );
    // The twin reads the same image, and rebuilds the value.
    assert_eq!(
        barewire::layout::to_owned::<OwnedDocument>(&image).unwrap(),
        value
    );
}
