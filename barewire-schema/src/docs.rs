//! Doc comments: `##` lines just before a definition, a struct field or an
//! enum member, kept beside the model (which has no place for them).

use alloc::{collections::BTreeMap, string::String, vec::Vec};

/// The doc comments of a schema, found by [`parse_with_docs`](crate::parse_with_docs).
///
/// A doc comment is a run of lines, each starting with `##` (after white
/// space), directly above a definition, a struct field or an enum member; the
/// `##` and one space after it are removed. Each is found by its path: the
/// definition's name, then the field names down to the item, then the enum
/// member's name.
///
/// ```
/// use barewire_schema::{parse_with_docs, ParseOptions};
///
/// let text = "## A point.\n## In the plane.\ntype P struct {\n  ## Across.\n  x: f64\n  y: f64\n}";
/// let (_, docs) = parse_with_docs(text, ParseOptions::default())?;
/// assert_eq!(docs.get(&["P"]), Some("A point.\nIn the plane."));
/// assert_eq!(docs.get(&["P", "x"]), Some("Across."));
/// assert_eq!(docs.get(&["P", "y"]), None);
/// # Ok::<(), barewire_schema::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    entries: BTreeMap<Vec<String>, String>,
}

impl Docs {
    /// The doc comment of the item at `path`, lines joined by `\n`.
    ///
    /// ```
    /// let docs = barewire_schema::Docs::default();
    /// assert_eq!(docs.get(&["A"]), None);
    /// ```
    pub fn get(&self, path: &[&str]) -> Option<&str> {
        let key: Vec<String> = path.iter().map(|s| String::from(*s)).collect();
        self.entries.get(&key).map(String::as_str)
    }

    /// Whether no item has a doc comment.
    ///
    /// ```
    /// assert!(barewire_schema::Docs::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn insert(&mut self, path: Vec<String>, doc: String) {
        self.entries.insert(path, doc);
    }
}
