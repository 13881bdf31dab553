//! Dynamic values: a schema and a message, both arbitrary, read with
//! `barewire::value::Codec` (the path `barewire decode` takes).
//!
//! Input: schema text (repetitions expanded, `barewire_fuzz::expand`, up to
//! 16 KiB), a zero byte, a byte choosing the type (an index into the
//! schema's definitions), then the message.
//!
//! Properties: no panics, no stack overflow, time linear in the input (a
//! list of `void` claiming 2^60 items, a fixed list of 2^64 of them, deep
//! recursion all stop at a limit); what decodes re-encodes to exactly the
//! input (maps keep their wire order); its JSON reads back and encodes
//! (NaN payloads and `optional` of a `null` type may change the bytes, so
//! only success is checked there); and `schema::compat` of the
//! schema with itself says `compatible`, in linear time.
#![no_main]

use barewire::Limits;
use barewire::schema::{ParseOptions, parse_with};
use barewire::value::Codec;
use barewire_fuzz::expand;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(zero) = data.iter().position(|&b| b == 0) else {
        return;
    };
    let text = expand(&data[..zero], 16 << 10, true);
    let Ok(text) = std::str::from_utf8(&text) else {
        return;
    };
    let Ok(schema) = parse_with(text, ParseOptions::legacy()) else {
        return;
    };
    let rest = &data[zero + 1..];
    let Some((&pick, message)) = rest.split_first() else {
        return;
    };
    let Some(def) = usize::from(pick).checked_rem(schema.defs.len()).and_then(|i| schema.defs.get(i)) else {
        return;
    };
    // The compatibility checker: a schema against itself is compatible.
    let report = barewire::schema::compat(&schema, &schema);
    assert_eq!(
        report.verdict,
        barewire::schema::Verdict::Compatible,
        "{report}"
    );
    let codec = Codec::with_limits(&schema, Limits::DEFAULT.with_max_size(1 << 20));
    let Ok(value) = codec.decode(&def.name, message) else {
        return;
    };
    let bytes = codec.encode(&def.name, &value).expect("a decoded value encodes");
    assert_eq!(bytes, message, "decode then encode changed the bytes");
    let json = codec.to_json(&def.name, &value).expect("a decoded value has a JSON form");
    let back = codec.from_json(&def.name, &json).expect("its JSON form reads back");
    codec.encode(&def.name, &back).expect("and encodes");
});
