//! Field adapters, `#[bare(with = "module")]`: the module's functions read,
//! write and describe the field, in structs, tuple structs and unions.

use barewire::{Bare, Error, Reader};

/// A `u32` as big-endian `data[4]`.
mod be32 {
    use barewire::{Error, Reader};
    pub fn encode(value: &u32, out: &mut Vec<u8>) {
        out.extend_from_slice(&value.to_be_bytes());
    }
    pub fn decode(r: &mut Reader<'_>) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(r.take_array()?))
    }
    pub fn describe(s: &mut barewire::adapter::Schema<'_>) -> barewire::schema::Type {
        s.of::<[u8; 4]>()
    }
}

/// A `&str` that must be lowercase ASCII, borrowed from the input.
mod lower {
    use barewire::{Error, Reader};
    pub fn encode(value: &&str, out: &mut Vec<u8>) {
        barewire::encode_into(*value, out);
    }
    pub fn decode<'de>(r: &mut Reader<'de>) -> Result<&'de str, Error> {
        let offset = r.position();
        let s = r.str()?;
        if s.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(s)
        } else {
            Err(Error::InvalidLayout {
                offset,
                reason: "not lowercase",
            })
        }
    }
    pub fn describe(s: &mut barewire::adapter::Schema<'_>) -> barewire::schema::Type {
        s.of::<str>()
    }
}

#[derive(Bare, Debug, PartialEq)]
struct Counter<'a> {
    #[bare(with = "be32")]
    count: u32,
    #[bare(with = "lower")]
    name: &'a str,
    tail: u8,
}

#[derive(Bare, Debug, PartialEq)]
struct Wrapped(#[bare(with = "be32")] u32);

#[derive(Bare, Debug, PartialEq)]
enum Msg {
    Count(#[bare(with = "be32")] u32),
    Both {
        #[bare(with = "be32")]
        a: u32,
        b: u16,
    },
}

#[test]
fn adapters_read_write_and_describe_their_fields() {
    let c = Counter {
        count: 0x0102_0304,
        name: "abc",
        tail: 9,
    };
    let bytes = barewire::to_vec(&c);
    assert_eq!(bytes, [1, 2, 3, 4, 3, b'a', b'b', b'c', 9]);
    let back: Counter<'_> = barewire::from_slice(&bytes).unwrap();
    assert_eq!(back, c);
    assert!(std::ptr::eq(back.name.as_ptr(), bytes[5..].as_ptr()));
    assert!(matches!(
        barewire::from_slice::<Counter<'_>>(&[1, 2, 3, 4, 1, b'A', 9]),
        Err(Error::InvalidLayout { offset: 4, .. })
    ));
    assert!(barewire::from_slice::<Counter<'_>>(&bytes[..3]).is_err());
    assert_eq!(
        barewire::schema::<Counter<'_>>(),
        "type Counter struct {\n  count: data[4]\n  name: str\n  tail: u8\n}\n"
    );

    assert_eq!(barewire::to_vec(&Wrapped(1)), [0, 0, 0, 1]);
    assert_eq!(
        barewire::from_slice::<Wrapped>(&[0, 0, 0, 1]).unwrap(),
        Wrapped(1)
    );
    assert_eq!(barewire::schema::<Wrapped>(), "type Wrapped data[4]\n");

    let m = Msg::Both { a: 1, b: 2 };
    let bytes = barewire::to_vec(&m);
    assert_eq!(bytes, [1, 0, 0, 0, 1, 2, 0]);
    assert_eq!(barewire::from_slice::<Msg>(&bytes).unwrap(), m);
    assert_eq!(
        barewire::from_slice::<Msg>(&[0, 0, 0, 0, 7]).unwrap(),
        Msg::Count(7)
    );
    let _ = Reader::new(&[]);
}

/// An `Ipv4Addr` as `data[4]`, on the wire and in the layout.
mod ipv4 {
    use barewire::{Error, Reader};
    use std::net::Ipv4Addr;
    pub fn encode(value: &Ipv4Addr, out: &mut Vec<u8>) {
        out.extend_from_slice(&value.octets());
    }
    pub fn decode(r: &mut Reader<'_>) -> Result<Ipv4Addr, Error> {
        Ok(Ipv4Addr::from(r.take_array::<4>()?))
    }
    pub fn describe(s: &mut barewire::adapter::Schema<'_>) -> barewire::schema::Type {
        s.of::<[u8; 4]>()
    }
    pub type Layout = [u8; 4];
    pub fn to_layout(value: &Ipv4Addr) -> [u8; 4] {
        value.octets()
    }
    pub fn from_layout(octets: [u8; 4]) -> Ipv4Addr {
        Ipv4Addr::from(octets)
    }
}

/// A `PathBuf` as `str` (UTF-8 paths only), on the wire and in the layout.
mod utf8_path {
    use barewire::{Error, Reader};
    use std::path::{Path, PathBuf};
    // Encoding takes `&Path`: a `&PathBuf` field coerces to it. (A real
    // adapter would refuse non-UTF-8 paths before encoding.)
    pub fn encode(value: &Path, out: &mut Vec<u8>) {
        barewire::encode_into(&*value.to_string_lossy(), out);
    }
    pub fn decode(r: &mut Reader<'_>) -> Result<PathBuf, Error> {
        Ok(PathBuf::from(r.str()?))
    }
    pub fn describe(s: &mut barewire::adapter::Schema<'_>) -> barewire::schema::Type {
        s.of::<str>()
    }
    pub type Layout = String;
    pub fn to_layout(value: &Path) -> String {
        value.to_string_lossy().into_owned()
    }
    pub fn from_layout(text: String) -> PathBuf {
        PathBuf::from(text)
    }
}

mod laid_out {
    use super::{ipv4, utf8_path};
    use barewire::Bare;
    use std::net::Ipv4Addr;
    use std::path::PathBuf;

    #[derive(Bare, Debug, PartialEq, Clone)]
    pub struct Host {
        #[bare(with = "ipv4", with_layout)]
        pub address: Ipv4Addr,
        pub port: u16,
        #[bare(with = "utf8_path", with_layout)]
        pub root: PathBuf,
    }

    #[derive(Bare, Debug, PartialEq, Clone)]
    pub enum Peer {
        Named(String),
        Address(#[bare(with = "ipv4", with_layout)] Ipv4Addr),
    }

    /// `Host` with the proxy types as its fields: the same schema.
    #[derive(Bare, Debug, PartialEq)]
    #[bare(rename = "Host")]
    pub struct HostTwin {
        pub address: [u8; 4],
        pub port: u16,
        pub root: String,
    }

    #[derive(Bare, Debug, PartialEq)]
    #[bare(rename = "Peer")]
    pub enum PeerTwin {
        Named(String),
        Address([u8; 4]),
    }
}

#[test]
fn adapters_with_layout_lay_out_their_proxy() {
    use laid_out::{Host, HostTwin, Peer, PeerTwin};
    use std::net::Ipv4Addr;

    let host = Host {
        address: Ipv4Addr::new(10, 0, 0, 7),
        port: 8080,
        root: "/srv/www".into(),
    };
    let twin = HostTwin {
        address: [10, 0, 0, 7],
        port: 8080,
        root: "/srv/www".into(),
    };
    assert_eq!(barewire::schema::<Host>(), barewire::schema::<HostTwin>());
    assert_eq!(barewire::to_vec(&host), barewire::to_vec(&twin));

    // The image is the twin's, byte for byte, and each reads the other's.
    let image = barewire::to_layout(&host);
    assert_eq!(image[..], barewire::to_layout(&twin)[..]);
    let view = barewire::view::<Host>(&image).unwrap();
    assert_eq!(view.address().as_array(), &[10, 0, 0, 7]);
    assert_eq!(view.port(), 8080);
    assert_eq!(view.root().as_str().unwrap(), "/srv/www");
    assert_eq!(barewire::layout::to_owned::<Host>(&image).unwrap(), host);
    assert_eq!(
        barewire::layout::to_owned::<HostTwin>(&image).unwrap(),
        twin
    );

    // A list of them, and a union member with an adapter.
    let hosts = vec![host.clone(), host];
    let image = barewire::to_layout(&hosts);
    assert_eq!(
        barewire::layout::to_owned::<Vec<Host>>(&image).unwrap(),
        hosts
    );
    let peer = Peer::Address(Ipv4Addr::LOCALHOST);
    assert_eq!(barewire::schema::<Peer>(), barewire::schema::<PeerTwin>());
    let image = barewire::to_layout(&peer);
    assert_eq!(
        image[..],
        barewire::to_layout(&PeerTwin::Address([127, 0, 0, 1]))[..]
    );
    let view = barewire::view::<Peer>(&image).unwrap();
    assert_eq!(
        view.as_address().map(|a| *a.as_array()),
        Some([127, 0, 0, 1])
    );
    assert_eq!(barewire::layout::to_owned::<Peer>(&image).unwrap(), peer);
}

/// A linked list whose head fields have adapters (wire-only, no layout): the
/// derived loop reads them through the adapters, borrowed strings included.
#[derive(Bare, Debug, PartialEq)]
struct Linked<'a> {
    #[bare(with = "be32")]
    count: u32,
    #[bare(with = "lower")]
    name: &'a str,
    next: Option<Box<Linked<'a>>>,
}

#[test]
fn adapters_in_a_linked_list() {
    let list = Linked {
        count: 1,
        name: "a",
        next: Some(Box::new(Linked {
            count: 2,
            name: "bc",
            next: None,
        })),
    };
    let bytes = barewire::to_vec(&list);
    assert_eq!(
        bytes,
        [0, 0, 0, 1, 1, b'a', 1, 0, 0, 0, 2, 2, b'b', b'c', 0]
    );
    assert_eq!(barewire::from_slice::<Linked<'_>>(&bytes).unwrap(), list);
    let mut bad = bytes.clone();
    bad[12] = b'B';
    assert!(matches!(
        barewire::from_slice::<Linked<'_>>(&bad),
        Err(Error::InvalidLayout { offset: 11, .. })
    ));
}
