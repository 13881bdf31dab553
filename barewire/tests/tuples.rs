//! Tuples up to twelve items: the wire codec, the schema and the layout
//! alike.

type T12 = (
    u8,
    u16,
    u32,
    u64,
    i8,
    i16,
    i32,
    i64,
    bool,
    String,
    Vec<u8>,
    Option<u32>,
);

#[test]
fn tuples_of_twelve_have_the_wire_codec_the_schema_and_the_layout() {
    let value: T12 = (
        1,
        2,
        3,
        4,
        -5,
        -6,
        -7,
        -8,
        true,
        "twelve".into(),
        vec![9, 9],
        Some(11),
    );
    let bytes = barewire::to_vec(&value);
    assert_eq!(barewire::from_slice::<T12>(&bytes).unwrap(), value);
    let image = barewire::to_layout(&value);
    assert_eq!(barewire::layout::to_owned::<T12>(&image).unwrap(), value);
    let view = barewire::view::<T12>(&image).unwrap();
    assert_eq!(view.9.as_str().unwrap(), "twelve");
    assert_eq!(view.11, Some(11));
    #[derive(barewire::Bare)]
    struct Holder {
        all: T12,
    }
    assert!(barewire::schema::<Holder>().contains("struct"));
}
