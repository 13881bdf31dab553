//! Writes the seed corpora: `seeds OUT_DIR [VECTORS_DIR]` creates
//! `OUT_DIR/<target>/` for every fuzz target and fills it with seeds from
//! encoded sample values and, when `VECTORS_DIR` (the shared
//! `bare-vectors` directory) exists, from its primitive vectors, go-bare
//! messages and schema corpus. Nothing from `VECTORS_DIR` is stored in the
//! repository: the corpora live in the git-ignored `fuzz/corpus`.

use std::fs;
use std::path::{Path, PathBuf};

use barewire::frame::encode_frame;
use barewire::ipc::{Receiver, Sender};
use barewire::{Uint, to_layout, to_vec};
use barewire_fuzz::{
    Canon, Item, Rich, repeat, sample_borrowed, sample_canon, sample_explicit, sample_rich,
};

struct Seeds {
    dir: PathBuf,
    count: usize,
}

impl Seeds {
    fn new(root: &Path, target: &str) -> Self {
        let dir = root.join(target);
        fs::create_dir_all(&dir).expect("create corpus directory");
        Seeds { dir, count: 0 }
    }

    fn add(&mut self, name: &str, bytes: &[u8]) {
        let file = self.dir.join(format!("seed-{name}-{}", self.count));
        fs::write(file, bytes).expect("write seed");
        self.count += 1;
    }
}

/// The `hex` values of `primitive-vectors.json` (a plain scan: the file's
/// format is one `"hex": "..."` pair per vector).
fn primitive_vectors(vectors: &Path) -> Vec<Vec<u8>> {
    let Ok(text) = fs::read_to_string(vectors.join("primitive-vectors.json")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for part in text.split("\"hex\"").skip(1) {
        let Some(start) = part.find('"') else {
            continue;
        };
        let rest = &part[start + 1..];
        let Some(end) = rest.find('"') else { continue };
        let hex = &rest[..end];
        if hex.len() % 2 != 0 {
            continue;
        }
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
            .collect();
        if let Some(bytes) = bytes {
            out.push(bytes);
        }
    }
    out
}

fn go_bare(vectors: &Path) -> Vec<(String, Vec<u8>)> {
    let dir = vectors.join("go-bare-example");
    let mut out = Vec::new();
    for name in ["customer", "employee", "terminated", "people"] {
        if let Ok(bytes) = fs::read(dir.join(format!("{name}.bin"))) {
            out.push((name.to_string(), bytes));
        }
    }
    out
}

fn schema_files(vectors: &Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if let Ok(text) = fs::read(vectors.join("go-bare-example/schema.bare")) {
        out.push(text);
    }
    for kind in ["valid", "invalid"] {
        let Ok(cases) = fs::read_dir(vectors.join("bare-ts-schema-corpus").join(kind)) else {
            continue;
        };
        let mut cases: Vec<PathBuf> = cases.filter_map(|e| e.ok().map(|e| e.path())).collect();
        cases.sort();
        for case in cases {
            if let Ok(text) = fs::read(case.join("schema.bare")) {
                out.push(text);
            }
        }
    }
    out
}

fn ipc_seed(value: &Rich, count: usize) -> Option<Vec<u8>> {
    let path = std::env::temp_dir().join(format!("barewire-seed-{}.chan", std::process::id()));
    // SAFETY: the channel contract: a fresh file private to this process,
    // never truncated; both ends are barewire's.
    let receiver = unsafe { Receiver::<Rich>::create(&path, 4096) }.ok()?;
    // SAFETY: as above.
    let mut sender = unsafe { Sender::<Rich>::open(&path) }.ok()?;
    for _ in 0..count {
        sender.try_send_image(&to_layout(value)).ok()?;
    }
    let bytes = fs::read(&path).ok();
    drop(sender);
    drop(receiver);
    bytes
}

fn main() {
    let mut args = std::env::args_os().skip(1);
    let out = PathBuf::from(args.next().expect("usage: seeds OUT_DIR [VECTORS_DIR]"));
    let vectors = args.next().map(PathBuf::from);
    let vectors = vectors.as_deref().filter(|v| v.is_dir());
    if vectors.is_none() {
        eprintln!("seeds: no bare-vectors directory; seeding from sample values only");
    }

    let canons: Vec<Canon> = (0..4).map(sample_canon).collect();
    let riches: Vec<Rich> = (0..3).map(sample_rich).collect();
    let items: Vec<Item> = canons[0].items.clone();
    let primitives = vectors.map(primitive_vectors).unwrap_or_default();
    let go = vectors.map(go_bare).unwrap_or_default();

    // Wire decoders.
    for target in ["wire_owned", "wire_borrowed", "arena_decode", "layout_roundtrip"] {
        let mut s = Seeds::new(&out, target);
        for c in &canons {
            s.add("canon", &to_vec(c));
        }
        for r in &riches {
            s.add("rich", &to_vec(r));
        }
        s.add("items", &to_vec(&items));
        s.add("borrowed", &to_vec(&sample_borrowed("hello, world")));
        s.add("words", &to_vec(&vec!["a", "bc", ""]));
        for p in &primitives {
            s.add("primitive", p);
        }
        for (name, bytes) in &go {
            s.add(name, bytes);
        }
    }

    // Streams: a control prefix (limits, chunk sizes), then messages.
    let mut s = Seeds::new(&out, "wire_stream");
    let mut stream = Vec::new();
    for c in &canons {
        barewire::encode_into(c, &mut stream);
    }
    for select in 0..4u8 {
        let mut seed = vec![select, 3, 0, 16];
        seed.extend_from_slice(&stream);
        s.add("canons", &seed);
    }
    let mut seed = vec![0, 1, 2, 0xff];
    for i in &items {
        barewire::encode_into(i, &mut seed);
    }
    s.add("items", &seed);
    let mut seed = vec![0, 5, 5, 5];
    for n in [0u64, 127, 128, 300, u64::MAX] {
        barewire::encode_into(&Uint(n), &mut seed);
    }
    s.add("uints", &seed);
    for (name, bytes) in &go {
        let mut seed = vec![0, 7, 1, 2];
        seed.extend_from_slice(bytes);
        s.add(name, &seed);
    }
    // Large messages through repetitions (`expand`), read a byte at a time
    // and with `WouldBlock` between reads: a 60,000-byte string, a list of
    // 30,000 optional bytes.
    let mut seed = vec![0, 0, 0xfe, 0];
    barewire::encode_into(&Uint(60_000), &mut seed);
    seed.extend_from_slice(&repeat(60_000, b"x"));
    s.add("long-string", &seed);
    let mut seed = vec![0, 0xfe, 1, 0xf3];
    barewire::encode_into(&Uint(30_000), &mut seed);
    seed.extend_from_slice(&repeat(30_000, &[1, 7]));
    s.add("optional-bytes", &seed);

    // Layout views: a shift byte, then an image.
    let mut s = Seeds::new(&out, "layout_view");
    for (i, r) in riches.iter().enumerate() {
        for shift in [0u8, 8, 3] {
            let mut seed = vec![shift + i as u8 * 16];
            seed.extend_from_slice(&to_layout(r));
            s.add("rich", &seed);
        }
    }
    for c in &canons {
        let mut seed = vec![0];
        seed.extend_from_slice(&to_layout(c));
        s.add("canon", &seed);
    }
    let mut seed = vec![0];
    seed.extend_from_slice(&to_layout(&items));
    s.add("items", &seed);
    let mut seed = vec![0];
    seed.extend_from_slice(&to_layout(&barewire_fuzz::sample_hinted()));
    s.add("hinted", &seed);
    for shift in [0u8, 4] {
        let mut seed = vec![shift];
        seed.extend_from_slice(&to_layout(&sample_explicit()));
        s.add("explicit", &seed);
    }

    // Schemas.
    let mut s = Seeds::new(&out, "schema_parse");
    s.add("rich", barewire::schema::<Rich>().as_bytes());
    s.add("canon", barewire::schema::<Canon>().as_bytes());
    s.add(
        "legacy",
        b"enum Dir { UP DOWN }\ntype Moves [4]Dir\ntype M map[string]data\n",
    );
    for text in vectors.map(schema_files).unwrap_or_default() {
        s.add("corpus", &text);
    }
    // Large schemas through numbered repetitions (`expand`; the target keeps
    // 128 KiB): deep nesting past the limit, an alias chain, map keys at the
    // end of one, a wide union, anonymous enums.
    let mut seed = b"type A ".to_vec();
    seed.extend_from_slice(&repeat(12_000, b"optional<"));
    seed.extend_from_slice(b"u8");
    seed.extend_from_slice(&repeat(12_000, b">"));
    s.add("deep", &seed);
    let mut seed = repeat(8_000, b"type A$ A%\n");
    seed.extend_from_slice(b"type A8000 u8\n");
    s.add("alias-chain", &seed);
    let mut seed = repeat(3_000, b"type K$ K%\n");
    seed.extend_from_slice(b"type K3000 str\ntype M struct {\n");
    seed.extend_from_slice(&repeat(3_000, b"  m$: map<K0><u8>\n"));
    seed.extend_from_slice(b"}\n");
    s.add("map-keys", &seed);
    let mut seed = b"type U union {\n".to_vec();
    seed.extend_from_slice(&repeat(2_000, b"  | list<optional<u8>>[%]\n"));
    seed.extend_from_slice(b"}\ntype T struct { kind: union {\n");
    seed.extend_from_slice(&repeat(2_000, b"  | enum { A }\n"));
    seed.extend_from_slice(b"} }\n");
    s.add("wide", &seed);

    // Image files: a fix-up byte, then header and image.
    let mut s = Seeds::new(&out, "file_header");
    for r in &riches {
        let mut file = Vec::new();
        barewire::mmap::write_image::<Rich, _>(&mut file, &to_layout(r)).expect("write image");
        for fix in [0u8, 0x1f, 0x1e] {
            let mut seed = vec![fix];
            seed.extend_from_slice(&file);
            s.add("rich", &seed);
        }
    }

    // Frames: a control prefix (max frame, chunk sizes), then frames.
    let mut s = Seeds::new(&out, "frame_decoder");
    let mut frames = Vec::new();
    for c in &canons {
        encode_frame(&to_vec(c), &mut frames, usize::MAX).expect("frame");
    }
    encode_frame(&[], &mut frames, usize::MAX).expect("frame");
    for select in 0..4u8 {
        let mut seed = vec![select, 2, 9, 0xff];
        seed.extend_from_slice(&frames);
        s.add("frames", &seed);
    }
    let mut seed = vec![1, 0, 0, 0];
    encode_frame(&[1, 2, 3], &mut seed, usize::MAX).expect("frame");
    seed.extend_from_slice(&[9, 0, 0, 0, 1]);
    s.add("short", &seed);
    // Large frames through repetitions (`expand`), with `WouldBlock` and
    // `Interrupted` between reads of 1 to 4096 bytes.
    let mut seed = vec![3, 0xfe, 0xf7, 0xff];
    seed.extend_from_slice(&100_000u32.to_le_bytes());
    seed.extend_from_slice(&repeat(50_000, &[5, 6]));
    seed.extend_from_slice(&frames);
    s.add("large", &seed);

    // Channel files: a fix-up byte, then the file a real sender left.
    let mut s = Seeds::new(&out, "ipc_receiver");
    for (i, r) in riches.iter().enumerate() {
        if let Some(file) = ipc_seed(r, i + 1) {
            for fix in [0x10u8, 0x50, 0x7f] {
                let mut seed = vec![fix];
                seed.extend_from_slice(&file);
                s.add("channel", &seed);
            }
        }
    }

    // Dynamic values: schema text, a zero byte, a type index, then a
    // message (`value_decode`) or its JSON (`value_json`).
    let mut dec = Seeds::new(&out, "value_decode");
    let mut json = Seeds::new(&out, "value_json");
    let mut pairs: Vec<(String, String, Vec<u8>)> = vec![
        (barewire::schema::<Canon>(), "Canon".into(), to_vec(&canons[0])),
        (barewire::schema::<Rich>(), "Rich".into(), to_vec(&riches[0])),
        (
            "type L list<void>\ntype V list<void>[3]\n".into(),
            "L".into(),
            vec![0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40],
        ),
        (
            "type T struct { kids: list<T> m: map<str><T> o: optional<T> }\n".into(),
            "T".into(),
            vec![1, 0, 0, 0, 0, 1, 0, 0, 0],
        ),
    ];
    if let Some(v) = vectors {
        if let Ok(text) = fs::read_to_string(v.join("go-bare-example/schema.bare")) {
            for (_, bytes) in &go {
                pairs.push((text.clone(), "Person".into(), bytes.clone()));
            }
        }
    }
    for (text, ty, message) in &pairs {
        let Ok(schema) = barewire::schema::parse_with(text, barewire::schema::ParseOptions::legacy())
        else {
            continue;
        };
        let Some(index) = schema.defs.iter().position(|d| d.name == *ty) else {
            continue;
        };
        let mut seed = text.as_bytes().to_vec();
        seed.push(0);
        seed.push(index as u8);
        let codec = barewire::value::Codec::new(&schema);
        let mut with_message = seed.clone();
        with_message.extend_from_slice(message);
        dec.add(ty, &with_message);
        if let Some(text) = codec.decode(ty, message).ok().and_then(|v| codec.to_json(ty, &v).ok()) {
            seed.extend_from_slice(text.as_bytes());
            json.add(ty, &seed);
        }
    }

    let total: usize = fs::read_dir(&out)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| fs::read_dir(e.path()).map(|d| d.count()).unwrap_or(0))
                .sum()
        })
        .unwrap_or(0);
    println!("seeds: {total} files under {}", out.display());
}
