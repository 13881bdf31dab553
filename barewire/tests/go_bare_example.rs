//! go-bare's example messages decode to the values its README lists, with
//! types derived from its schema, and re-encode to the same bytes.
//!
//! The messages come from another project and are read at test time from
//! `../shared/bare-vectors/go-bare-example/` beside the checkout.

use std::collections::BTreeMap;
use std::path::PathBuf;

use barewire::{Bare, SliceDecoder};

#[derive(Bare, Debug, PartialEq)]
struct Address {
    address: [String; 4],
    city: String,
    state: String,
    country: String,
}

#[derive(Bare, Debug, PartialEq)]
struct Order {
    order_id: i64,
    quantity: i32,
}

#[derive(Bare, Debug, PartialEq)]
struct Customer {
    name: String,
    email: String,
    address: Address,
    orders: Vec<Order>,
    metadata: BTreeMap<String, Vec<u8>>,
}

#[derive(Bare, Debug, PartialEq, Clone, Copy)]
enum Department {
    Accounting,
    Administration,
    CustomerService,
    Development,
    Jsmith = 99,
}

#[derive(Bare, Debug, PartialEq)]
struct Employee<'a> {
    name: &'a str,
    email: &'a str,
    address: Address,
    department: Department,
    hire_date: &'a str,
    public_key: Option<[u8; 128]>,
    metadata: BTreeMap<String, Vec<u8>>,
}

#[derive(Bare, Debug, PartialEq)]
enum Person<'a> {
    Customer(Customer),
    Employee(Employee<'a>),
    TerminatedEmployee,
}

fn vectors_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/bare-vectors/go-bare-example"
    ));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("BAREWIRE_REQUIRE_VECTORS").is_some_and(|v| v == "1") {
        panic!(
            "BAREWIRE_REQUIRE_VECTORS=1 but {} is missing",
            dir.display()
        );
    }
    eprintln!("bare-vectors not found at {}, skipping", dir.display());
    None
}

fn address() -> Address {
    Address {
        address: [
            "123 Main St".into(),
            String::new(),
            String::new(),
            String::new(),
        ],
        city: "Philadelphia".into(),
        state: "PA".into(),
        country: "United States".into(),
    }
}

#[test]
fn messages_decode_to_the_listed_values_and_re_encode() {
    let Some(dir) = vectors_dir() else { return };
    let read = |name: &str| std::fs::read(dir.join(name)).expect("read vector");

    let customer = read("customer.bin");
    assert_eq!(customer.len(), 91);
    let value: Person<'_> = barewire::from_slice(&customer).unwrap();
    let expected = Person::Customer(Customer {
        name: "James Smith".into(),
        email: "jsmith@example.org".into(),
        address: address(),
        orders: vec![Order {
            order_id: 4242424242,
            quantity: 5,
        }],
        metadata: BTreeMap::new(),
    });
    assert_eq!(value, expected);
    assert_eq!(barewire::to_vec(&value), customer);

    let employee = read("employee.bin");
    assert_eq!(employee.len(), 106);
    let value: Person<'_> = barewire::from_slice(&employee).unwrap();
    let expected = Person::Employee(Employee {
        name: "Tiffany Doe",
        email: "tiffanyd@acme.corp",
        address: address(),
        department: Department::Administration,
        hire_date: "2020-06-21T21:18:05+00:00",
        public_key: None,
        metadata: BTreeMap::new(),
    });
    assert_eq!(value, expected);
    assert_eq!(barewire::to_vec(&value), employee);

    let terminated = read("terminated.bin");
    assert_eq!(terminated, [2]);
    assert_eq!(
        barewire::from_slice::<Person<'_>>(&terminated).unwrap(),
        Person::TerminatedEmployee
    );

    let people = read("people.bin");
    assert_eq!(people.len(), 198);
    let mut decoder = SliceDecoder::new(&people);
    let all: Vec<Person<'_>> = decoder.iter().collect::<Result<_, _>>().unwrap();
    assert_eq!(all.len(), 3);
    assert!(matches!(all[2], Person::TerminatedEmployee));
    let mut again = Vec::new();
    for p in &all {
        barewire::encode_into(p, &mut again);
    }
    assert_eq!(again, people);
}

#[test]
fn schema_of_the_derived_types_is_valid_bare() {
    let text = barewire::schema::<Person<'_>>();
    let parsed = barewire::schema::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(parsed, barewire::schema_model::<Person<'_>>());
    assert!(text.contains("  orderId: i64\n"), "{text}");
    assert!(text.contains("  JSMITH = 99\n"), "{text}");
    assert!(
        text.contains("type Person union { Customer | Employee | PersonTerminatedEmployee }"),
        "{text}"
    );
}
