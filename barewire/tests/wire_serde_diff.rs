//! Differential tests against serde_bare, an independent implementation of
//! the same format: for types whose Rust-to-BARE mapping agrees, our bytes
//! equal serde_bare's, and each side decodes the other's bytes to the value.

use std::collections::BTreeMap;
use std::fmt::Debug;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use barewire::{DecodeOwned, Encode};

/// Our bytes equal serde_bare's, and both decoders read them back to `value`.
fn agree<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Encode + DecodeOwned + Serialize + DeserializeOwned + PartialEq + Debug,
{
    let ours = barewire::to_vec(value);
    let theirs = serde_bare::to_vec(value).expect("serde_bare encodes");
    prop_assert_eq!(&ours, &theirs, "bytes of {:?}", value);
    let back: T = barewire::from_slice(&theirs).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, value);
    let back: T = serde_bare::from_slice(&ours).expect("serde_bare decodes our bytes");
    prop_assert_eq!(&back, value);
    Ok(())
}

/// Like [`agree`] for values with floats, compared by the bits of their
/// encoding (so NaN payloads count).
fn agree_bits<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Encode + DecodeOwned + Serialize + DeserializeOwned + Debug,
{
    let ours = barewire::to_vec(value);
    let theirs = serde_bare::to_vec(value).expect("serde_bare encodes");
    prop_assert_eq!(&ours, &theirs, "bytes of {:?}", value);
    let back: T = barewire::from_slice(&theirs).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(
        barewire::to_vec(&back),
        ours.clone(),
        "bits after our decode"
    );
    let back: T = serde_bare::from_slice(&ours).expect("serde_bare decodes our bytes");
    prop_assert_eq!(
        barewire::to_vec(&back),
        ours,
        "bits after serde_bare's decode"
    );
    Ok(())
}

/// u64s of every magnitude, with the varint group boundaries well covered.
fn any_magnitude_u64() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>().prop_map(|x| x >> (x % 64)),
        (0u32..64, -1i64..=1).prop_map(|(shift, d)| (1u64 << shift).wrapping_add_signed(d)),
        Just(0),
        Just(u64::MAX),
    ]
}

fn any_magnitude_i64() -> impl Strategy<Value = i64> {
    prop_oneof![
        any_magnitude_u64().prop_map(|x| x as i64),
        any_magnitude_u64().prop_map(|x| (x >> 1) as i64),
        any_magnitude_u64().prop_map(|x| -((x >> 1) as i64)),
        Just(i64::MIN),
        Just(i64::MAX),
    ]
}

/// Floats of every class, NaNs with arbitrary payloads and signs included.
fn any_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        any::<u32>().prop_map(f32::from_bits),
        (any::<bool>(), 1u32..(1 << 23)).prop_map(|(sign, payload)| f32::from_bits(
            u32::from(sign) << 31 | 0x7f80_0000 | payload
        )),
        any::<f32>(),
    ]
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        (any::<bool>(), 1u64..(1 << 52)).prop_map(|(sign, payload)| f64::from_bits(
            u64::from(sign) << 63 | 0x7ff0_0000_0000_0000 | payload
        )),
        any::<f64>(),
    ]
}

fn short_string() -> impl Strategy<Value = String> {
    prop_oneof![".{0,12}", "[a-z]{0,4}", ".{100,200}"]
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fixed_width_integers(
        a in any::<u8>(), b in any::<u16>(), c in any::<u32>(), d in any::<u64>(),
        e in any::<i8>(), f in any::<i16>(), g in any::<i32>(), h in any::<i64>(),
    ) {
        agree(&a)?; agree(&b)?; agree(&c)?; agree(&d)?;
        agree(&e)?; agree(&f)?; agree(&g)?; agree(&h)?;
        agree(&(a, b, c, d, e, f, g, h))?;
    }

    #[test]
    fn floats_bit_for_bit(x in any_f32(), y in any_f64()) {
        agree_bits(&x)?;
        agree_bits(&y)?;
        agree_bits(&(x, y))?;
        let ours: f32 = barewire::from_slice(&serde_bare::to_vec(&x).unwrap()).unwrap();
        prop_assert_eq!(ours.to_bits(), x.to_bits());
        let ours: f64 = barewire::from_slice(&serde_bare::to_vec(&y).unwrap()).unwrap();
        prop_assert_eq!(ours.to_bits(), y.to_bits());
    }

    #[test]
    fn float_lists_bit_for_bit(xs in vec(any_f32(), 0..16), ys in vec(any_f64(), 0..16)) {
        agree_bits(&xs)?;
        agree_bits(&ys)?;
        agree_bits(&[xs.first().copied().unwrap_or(0.0); 3])?;
    }

    #[test]
    fn bools_and_strings(b in any::<bool>(), s in short_string()) {
        agree(&b)?;
        agree(&s)?;
        agree(&(s.clone(), b))?;
        // Borrowed decode of serde_bare's bytes.
        let theirs = serde_bare::to_vec(&s).unwrap();
        let borrowed: &str = barewire::from_slice(&theirs).unwrap();
        prop_assert_eq!(borrowed, s.as_str());
    }

    #[test]
    fn data_and_lists(d in vec(any::<u8>(), 0..300), w in vec(any::<u32>(), 0..64)) {
        // serde_bare writes Vec<u8> as list<u8>: the same bytes as data.
        agree(&d)?;
        agree(&w)?;
        let theirs = serde_bare::to_vec(&d).unwrap();
        let borrowed: &[u8] = barewire::from_slice(&theirs).unwrap();
        prop_assert_eq!(borrowed, &d[..]);
    }

    #[test]
    fn optionals(x in any::<Option<u16>>(), y in any::<Option<Option<bool>>>()) {
        agree(&x)?;
        agree(&y)?;
    }

    #[test]
    fn nested_lists_of_optional_strings(v in vec(proptest::option::of(short_string()), 0..8)) {
        agree(&v)?;
        agree(&vec![v.clone(), vec![], v])?;
    }

    #[test]
    fn maps(m in btree_map(short_string(), any::<u32>(), 0..8),
            n in btree_map(any::<i16>(), vec(any::<u8>(), 0..4), 0..8)) {
        agree(&m)?;
        agree(&n)?;
    }

    #[test]
    fn tuples_and_arrays(
        t in (any::<u8>(), short_string(), any::<Option<i32>>(), vec(any::<u16>(), 0..8)),
        a in any::<[u8; 4]>(),
        b in any::<[u16; 3]>(),
    ) {
        agree(&t)?;
        agree(&a)?;
        agree(&b)?;
        agree(&(a, t, ()))?;
    }

    #[test]
    fn varints(u in any_magnitude_u64(), i in any_magnitude_i64()) {
        let ours = barewire::to_vec(&barewire::Uint(u));
        let theirs = serde_bare::to_vec(&serde_bare::Uint(u)).unwrap();
        prop_assert_eq!(&ours, &theirs);
        prop_assert_eq!(barewire::from_slice::<barewire::Uint>(&theirs).unwrap(), barewire::Uint(u));
        prop_assert_eq!(serde_bare::from_slice::<serde_bare::Uint>(&ours).unwrap(), serde_bare::Uint(u));

        let ours = barewire::to_vec(&barewire::Int(i));
        let theirs = serde_bare::to_vec(&serde_bare::Int(i)).unwrap();
        prop_assert_eq!(&ours, &theirs);
        prop_assert_eq!(barewire::from_slice::<barewire::Int>(&theirs).unwrap(), barewire::Int(i));
        prop_assert_eq!(serde_bare::from_slice::<serde_bare::Int>(&ours).unwrap(), serde_bare::Int(i));

        // Inside structures and lists, too.
        let ours = barewire::to_vec(&(barewire::Uint(u), vec![barewire::Int(i)], "x"));
        let theirs = serde_bare::to_vec(&(serde_bare::Uint(u), vec![serde_bare::Int(i)], "x")).unwrap();
        prop_assert_eq!(ours, theirs);
    }

    #[test]
    fn varint_maps(m in btree_map(any_magnitude_u64(), any_magnitude_i64(), 0..6)) {
        let ours: BTreeMap<barewire::Uint, barewire::Int> =
            m.iter().map(|(&k, &v)| (barewire::Uint(k), barewire::Int(v))).collect();
        let theirs: BTreeMap<u64, serde_bare::Int> =
            m.iter().map(|(&k, &v)| (k, serde_bare::Int(v))).collect();
        // serde_bare has no Ord on Uint; u64 keys are fixed-width there, so
        // compare the list of (uint, int) pairs instead.
        let pairs: Vec<(serde_bare::Uint, serde_bare::Int)> =
            theirs.iter().map(|(&k, v)| (serde_bare::Uint(k), serde_bare::Int(v.0))).collect();
        let their_bytes = serde_bare::to_vec(&pairs).unwrap();
        let our_bytes = barewire::to_vec(&ours);
        prop_assert_eq!(&our_bytes, &their_bytes);
        let back: BTreeMap<barewire::Uint, barewire::Int> = barewire::from_slice(&their_bytes).unwrap();
        prop_assert_eq!(back, ours);
    }
}
