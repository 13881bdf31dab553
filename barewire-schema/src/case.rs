//! The one case converter of barewire (the derive names schema items after
//! Rust items with it, the generator Rust items after schema items):
//! identifiers split into words the way `heck` splits them, then joined in
//! the case a name needs.
//!
//! Word boundaries are every character that is not a letter or digit (`_`),
//! a lowercase letter (or a digit after one) followed by an uppercase letter
//! (`fooBar`, `Vec3D`), and the last capital of an acronym when a lowercase
//! letter follows it (`HTTPServer` is `HTTP` + `Server`). Digits stay with
//! the word before them. So `HTTPServer` is `http_server`, `IOError` is
//! `io_error`, `Vec3D` is `vec3_d` and `Ipv4` is `ipv4`, as with heck's
//! `ToSnakeCase`. A raw identifier's `r#` is not part of the name.
//!
//! ```
//! use barewire_schema::case::{constant_case, lower_camel, pascal_case, snake_case};
//!
//! assert_eq!(snake_case("HTTPServer"), "http_server");
//! assert_eq!(constant_case("CustomerService"), "CUSTOMER_SERVICE");
//! assert_eq!(lower_camel("first_name"), "firstName");
//! assert_eq!(pascal_case("CUSTOMER_SERVICE"), "CustomerService");
//! ```

use alloc::{string::String, vec::Vec};

/// The words of `name` (see the module docs for the rule).
///
/// ```
/// assert_eq!(barewire_schema::case::words("HTTPServer_v2"), ["HTTP", "Server", "v2"]);
/// ```
pub fn words(name: &str) -> Vec<&str> {
    let name = name.strip_prefix("r#").unwrap_or(name);
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<(usize, char)> = part.char_indices().collect();
        let mut start = 0;
        // The case of the last letter seen; digits keep it.
        let (mut after_lower, mut after_upper) = (false, false);
        for (k, &(i, c)) in chars.iter().enumerate() {
            if c.is_lowercase() {
                (after_lower, after_upper) = (true, false);
            } else if c.is_uppercase() {
                let acronym_end =
                    after_upper && chars.get(k + 1).is_some_and(|&(_, n)| n.is_lowercase());
                if (after_lower || acronym_end) && i > start {
                    out.push(&part[start..i]);
                    start = i;
                }
                (after_lower, after_upper) = (false, true);
            }
        }
        if start < part.len() {
            out.push(&part[start..]);
        }
    }
    out
}

/// `snake_case`: the words in lowercase, joined by `_` (union accessors
/// `as_*`, `is_*`; Rust field names made from BARE ones).
///
/// ```
/// assert_eq!(barewire_schema::case::snake_case("orderId"), "order_id");
/// ```
pub fn snake_case(name: &str) -> String {
    join(name, "_", |_, w| w.to_lowercase())
}

/// `CONSTANT_CASE`: the words in uppercase, joined by `_` (BARE enum
/// members).
///
/// ```
/// assert_eq!(barewire_schema::case::constant_case("Vec3D"), "VEC3_D");
/// ```
pub fn constant_case(name: &str) -> String {
    join(name, "_", |_, w| w.to_uppercase())
}

/// `lowerCamelCase`: the first word in lowercase, each later word with its
/// first letter in uppercase and the rest as written (BARE field names).
///
/// ```
/// assert_eq!(barewire_schema::case::lower_camel("HTTPCode"), "httpCode");
/// ```
pub fn lower_camel(name: &str) -> String {
    join(name, "", |k, w| {
        if k == 0 {
            return w.to_lowercase();
        }
        let mut chars = w.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_uppercase().chain(chars).collect()
        })
    })
}

/// `PascalCase`: each word with its first letter in uppercase and the rest
/// in lowercase (Rust enum variants made from BARE enum members).
///
/// ```
/// assert_eq!(barewire_schema::case::pascal_case("FLUID_2_X"), "Fluid2X");
/// assert_eq!(barewire_schema::case::pascal_case("first_name"), "FirstName");
/// ```
pub fn pascal_case(name: &str) -> String {
    join(name, "", |_, w| {
        let mut chars = w.chars();
        chars.next().map_or_else(String::new, |first| {
            first
                .to_uppercase()
                .chain(chars.flat_map(char::to_lowercase))
                .collect()
        })
    })
}

/// The words of `name`, each formatted by `word(index, word)`, joined by
/// `separator`.
fn join(name: &str, separator: &str, word: impl Fn(usize, &str) -> String) -> String {
    let parts: Vec<String> = words(name)
        .into_iter()
        .enumerate()
        .map(|(k, w)| word(k, w))
        .collect();
    parts.join(separator)
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use super::{constant_case, lower_camel, snake_case, words};

    #[test]
    fn acronyms_are_words() {
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("IOError"), "io_error");
        assert_eq!(snake_case("Vec3D"), "vec3_d");
        assert_eq!(snake_case("Ipv4"), "ipv4");
        assert_eq!(snake_case("ServeHTTP"), "serve_http");
        assert_eq!(snake_case("A"), "a");
        assert_eq!(snake_case("AB"), "ab");
        assert_eq!(snake_case("ABc"), "a_bc");
        assert_eq!(snake_case("Text"), "text");
        assert_eq!(snake_case("TextMessage"), "text_message");
        assert_eq!(snake_case("r#Type"), "type");
    }

    #[test]
    fn underscores_and_digits() {
        assert_eq!(words("Already_Split"), ["Already", "Split"]);
        assert_eq!(words("__a__b__"), ["a", "b"]);
        assert_eq!(words("V2Beta"), ["V2", "Beta"]);
        assert_eq!(words("x2_y"), ["x2", "y"]);
        assert_eq!(words(""), Vec::<&str>::new());
    }

    #[test]
    fn constant_case_splits_words() {
        assert_eq!(constant_case("CustomerService"), "CUSTOMER_SERVICE");
        assert_eq!(constant_case("Jsmith"), "JSMITH");
        assert_eq!(constant_case("HTTPServer"), "HTTP_SERVER");
        assert_eq!(constant_case("Ipv4"), "IPV4");
        assert_eq!(constant_case("Already_Split"), "ALREADY_SPLIT");
        assert_eq!(constant_case("Vec3D"), "VEC3_D");
    }

    #[test]
    fn lower_camel_of_field_names() {
        assert_eq!(lower_camel("first_name"), "firstName");
        assert_eq!(lower_camel("a"), "a");
        assert_eq!(lower_camel("a_1"), "a1");
        assert_eq!(lower_camel("x2_y"), "x2Y");
        assert_eq!(lower_camel("_private"), "private");
        assert_eq!(lower_camel("already_camelCase"), "alreadyCamelCase");
        assert_eq!(lower_camel("r#type"), "type");
        assert_eq!(lower_camel("HTTPCode"), "httpCode");
    }
}
