//! JSON to BARE by a schema: arbitrary schema and JSON text read with
//! `barewire::value::Codec::from_json` and encoded (the path `barewire
//! encode` takes).
//!
//! Input: schema text (repetitions expanded, up to 16 KiB), a zero byte, a
//! byte choosing the type, then the JSON text.
//!
//! Properties: no panics, no stack overflow (serde_json stops at 128 levels,
//! the codec at the depth limit); what `from_json` accepts encodes unless a
//! map repeats a key; what encodes decodes back (only the depth or stack
//! limit may stop that) to a value that re-encodes to the same bytes.
#![no_main]

use barewire::Error;
use barewire::schema::{ParseOptions, parse_with};
use barewire::value::{Codec, ValueError};
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
    let Some((&pick, json)) = rest.split_first() else {
        return;
    };
    let Ok(json) = std::str::from_utf8(json) else {
        return;
    };
    let Some(def) = usize::from(pick).checked_rem(schema.defs.len()).and_then(|i| schema.defs.get(i)) else {
        return;
    };
    let codec = Codec::new(&schema);
    let Ok(value) = codec.from_json(&def.name, json) else {
        return;
    };
    let bytes = match codec.encode(&def.name, &value) {
        Ok(bytes) => bytes,
        Err(ValueError::Mismatch { message, .. }) if message.contains("map key twice") => return,
        Err(e) => panic!("JSON that was accepted does not encode: {e}"),
    };
    match codec.decode(&def.name, &bytes) {
        Ok(back) => assert_eq!(
            codec.encode(&def.name, &back).expect("re-encodes"),
            bytes,
            "decoding what was encoded changed it"
        ),
        Err(ValueError::Wire(Error::DepthLimit { .. } | Error::StackLimit { .. })) => {}
        Err(e) => panic!("an encoded value does not decode: {e}"),
    }
});
