//! The generator proper: one schema definition at a time, to Rust items.

use alloc::{
    borrow::ToOwned,
    collections::{BTreeMap, BTreeSet},
    format,
    string::String,
    vec,
    vec::Vec,
};
use core::fmt::Write as _;

use crate::case::{lower_camel, pascal_case, snake_case};
use crate::docs::Docs;
use crate::model::{DefKind, EnumMember, Field, Schema, Type, UnionMember};

use super::names::*;
use super::text::*;
use super::*;

impl<'s> Gen<'s> {
    pub(super) fn new(schema: &'s Schema, docs: &'s Docs, config: &'s Config) -> Self {
        let mut reach = BTreeMap::new();
        let direct: BTreeMap<&str, BTreeSet<&str>> = schema
            .defs
            .iter()
            .map(|d| {
                let mut set = BTreeSet::new();
                if let DefKind::Type(ty) = &d.kind {
                    by_value_names(ty, &mut set);
                }
                (d.name.as_str(), set)
            })
            .collect();
        for d in &schema.defs {
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut todo: Vec<&str> = direct[d.name.as_str()].iter().copied().collect();
            while let Some(n) = todo.pop() {
                if seen.insert(n) {
                    if let Some(next) = direct.get(n) {
                        todo.extend(next.iter().copied());
                    }
                }
            }
            reach.insert(d.name.as_str(), seen);
        }
        let mut borrows = BTreeSet::new();
        if config.borrowed {
            loop {
                let before = borrows.len();
                for d in &schema.defs {
                    if let DefKind::Type(ty) = &d.kind {
                        if type_borrows(ty, &borrows) {
                            borrows.insert(d.name.as_str());
                        }
                    }
                }
                if borrows.len() == before {
                    break;
                }
            }
        }
        let mut keys = BTreeSet::new();
        for d in &schema.defs {
            if let DefKind::Type(ty) = &d.kind {
                map_key_names(ty, &mut keys);
            }
        }
        // Aliases of aliases used as keys are keys too.
        loop {
            let before = keys.len();
            let add: Vec<&str> = keys
                .iter()
                .filter_map(|k| match schema.def(k).map(|d| &d.kind) {
                    Some(DefKind::Type(Type::Named(n))) => Some(n.as_str()),
                    _ => None,
                })
                .collect();
            keys.extend(add);
            if keys.len() == before {
                break;
            }
        }
        keys.retain(|k| matches!(schema.def(k).map(|d| &d.kind), Some(DefKind::Type(_))));
        let taken = schema.defs.iter().map(|d| d.name.clone()).collect();
        Gen {
            schema,
            docs,
            config,
            out: String::new(),
            taken,
            reach,
            borrows,
            keys,
            current: String::new(),
        }
    }

    pub(super) fn krate(&self) -> &str {
        &self.config.crate_path
    }

    pub(super) fn private(&self, name: &str) -> String {
        format!("{}::__private::{name}", self.krate())
    }

    /// The Rust name of a definition.
    pub(super) fn type_ident(&self, name: &str) -> String {
        if NOT_RAW.contains(&name) {
            format!("{name}Type")
        } else {
            name.to_owned()
        }
    }

    /// A type name made from `base` that no definition or earlier made name
    /// has.
    pub(super) fn fresh(&mut self, base: String) -> String {
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    pub(super) fn lifetime_of(&self, name: &str) -> &'static str {
        if self.borrows.contains(name) {
            "<'a>"
        } else {
            ""
        }
    }

    pub(super) fn derives(&self, extra: &[&str]) -> String {
        let mut all: Vec<String> = ["Debug", "Clone"].iter().map(|s| (*s).to_owned()).collect();
        all.extend(
            extra
                .iter()
                .filter(|e| **e == "Copy")
                .map(|s| (*s).to_owned()),
        );
        all.push("PartialEq".to_owned());
        all.extend(
            extra
                .iter()
                .filter(|e| **e != "Copy")
                .map(|s| (*s).to_owned()),
        );
        all.push(format!("{}::Bare", self.krate()));
        for d in &self.config.derives {
            if !all.contains(d) {
                all.push(d.clone());
            }
        }
        format!("#[derive({})]", all.join(", "))
    }

    pub(super) fn container_attrs(&self, rust_name: &str, schema_name: &str) -> Vec<String> {
        let mut attrs = Vec::new();
        if self.config.crate_path != "::barewire" {
            let krate = self.config.crate_path.trim_start_matches("::");
            attrs.push(format!("#[bare(crate = \"{krate}\")]"));
        }
        if rust_name != schema_name {
            attrs.push(format!("#[bare(rename = \"{schema_name}\")]"));
        }
        attrs
    }

    pub(super) fn enum_item(
        &mut self,
        rust_name: &str,
        schema_name: &str,
        doc: Option<String>,
        members: &[EnumMember],
    ) {
        let mut attrs = vec![self.derives(&["Copy", "Eq", "PartialOrd", "Ord", "Hash"])];
        attrs.extend(self.container_attrs(rust_name, schema_name));
        if members.iter().any(|m| m.value > i32::MAX as u64) {
            attrs.push("#[repr(u64)]".to_owned());
        }
        let mut used = BTreeSet::new();
        let members = members
            .iter()
            .map(|m| {
                let mut variant = pascal_case(&m.name);
                if variant.is_empty() || NOT_RAW.contains(&variant.as_str()) {
                    variant.push_str("Member");
                }
                let base = variant.clone();
                let mut n = 2;
                while !used.insert(variant.clone()) {
                    variant = format!("{base}{n}");
                    n += 1;
                }
                let mut attrs = Vec::new();
                if crate::case::constant_case(&variant) != m.name {
                    attrs.push(format!("#[bare(rename = \"{}\")]", m.name));
                }
                Member {
                    doc: self.docs.get(&[schema_name, &m.name]).map(str::to_owned),
                    attrs,
                    text: format!("{variant} = {}", m.value),
                }
            })
            .collect();
        self.write_item(Item {
            doc,
            attrs,
            head: format!("pub enum {rust_name}"),
            body: Body::Braced(members),
        });
    }

    /// The item for `type <rust_name> <ty>` (a definition or a made type).
    pub(super) fn type_item(
        &mut self,
        rust_name: &str,
        schema_name: &str,
        doc: Option<String>,
        ty: &Type,
        path: &[String],
    ) {
        let is_def = self.schema.def(schema_name).is_some();
        let lifetime = if self.config.borrowed && type_borrows(ty, &self.borrows) {
            "<'a>"
        } else {
            ""
        };
        let key = is_def && self.keys.contains(schema_name);
        let mut attrs = vec![if key {
            self.derives(&["Eq", "PartialOrd", "Ord", "Hash"])
        } else {
            self.derives(&[])
        }];
        attrs.extend(self.container_attrs(rust_name, if is_def { schema_name } else { rust_name }));
        let (head, body) = match ty {
            Type::Void => (format!("pub struct {rust_name}"), Body::Unit),
            Type::Struct(fields) => {
                let members = self.fields(fields, path);
                (
                    format!("pub struct {rust_name}{lifetime}"),
                    Body::Braced(members),
                )
            }
            Type::Union(members) => {
                attrs.push(
                    "#[allow(clippy::large_enum_variant, clippy::enum_variant_names)]".to_owned(),
                );
                let variants = self.variants(members, path);
                (
                    format!("pub enum {rust_name}{lifetime}"),
                    Body::Braced(variants),
                )
            }
            _ => {
                if key {
                    attrs.push("#[bare(map_key)]".to_owned());
                }
                let (field_attrs, rust) = self.field_type(ty, path);
                (
                    format!("pub struct {rust_name}{lifetime}"),
                    Body::Tuple(field_attrs, rust),
                )
            }
        };
        self.write_item(Item {
            doc,
            attrs,
            head,
            body,
        });
    }

    pub(super) fn fields(&mut self, fields: &[Field], path: &[String]) -> Vec<Member> {
        let mut used = BTreeSet::new();
        fields
            .iter()
            .map(|f| {
                let mut ident = snake_case(&f.name);
                if NOT_RAW.contains(&ident.as_str()) || ident.is_empty() {
                    ident.push('_');
                }
                let base = ident.clone();
                let mut n = 2;
                while !used.insert(ident.clone()) {
                    ident = format!("{base}_{n}");
                    n += 1;
                }
                let rust_ident = if KEYWORDS.contains(&ident.as_str()) {
                    format!("r#{ident}")
                } else {
                    ident
                };
                let mut sub = path.to_vec();
                sub.push(f.name.clone());
                let (mut attrs, ty) = self.field_type(&f.ty, &sub);
                if lower_camel(&rust_ident) != f.name {
                    attrs.insert(0, format!("#[bare(rename = \"{}\")]", f.name));
                }
                let doc_path: Vec<&str> = sub.iter().map(String::as_str).collect();
                Member {
                    doc: self.docs.get(&doc_path).map(str::to_owned),
                    attrs,
                    text: format!("pub {rust_ident}: {ty}"),
                }
            })
            .collect()
    }

    pub(super) fn variants(&mut self, members: &[UnionMember], path: &[String]) -> Vec<Member> {
        let mut used = BTreeSet::new();
        let mut next = Some(0u64);
        members
            .iter()
            .map(|m| {
                let mut variant = String::new();
                fragment(&mut variant, &m.ty);
                let base = variant.clone();
                let mut n = 2;
                while !used.insert(variant.clone()) {
                    variant = format!("{base}{n}");
                    n += 1;
                }
                let mut attrs = Vec::new();
                if next != Some(m.tag) {
                    attrs.push(format!("#[bare(tag = {})]", m.tag));
                }
                next = m.tag.checked_add(1);
                let text = if m.ty == Type::Void {
                    variant
                } else {
                    let mut sub = path.to_vec();
                    sub.push(variant.clone());
                    let (field_attrs, ty) = self.field_type(&m.ty, &sub);
                    let field_attrs: String = field_attrs.iter().map(|a| format!("{a} ")).collect();
                    format!("{variant}({field_attrs}{ty})")
                };
                Member {
                    doc: None,
                    attrs,
                    text,
                }
            })
            .collect()
    }

    /// A field's (or a union member's) Rust type and the attributes it
    /// needs: `#[bare(list)]` where `list<u8>` must be told from `data`.
    pub(super) fn field_type(&mut self, ty: &Type, path: &[String]) -> (Vec<String>, String) {
        let (data, byte_list) = bytes_in(ty);
        let mut attrs = Vec::new();
        // When a type has both, each `list<u8>` becomes a newtype of its own.
        let wrap_lists = data && byte_list;
        if byte_list && !data {
            attrs.push("#[bare(list)]".to_owned());
        }
        let rust = self.rust_type(ty, path, true, wrap_lists);
        (attrs, rust)
    }

    /// The Rust type of `ty`; `by_value` when the value is stored inline
    /// (not behind a `Vec` or a map), where a recursive name is boxed.
    pub(super) fn rust_type(
        &mut self,
        ty: &Type,
        path: &[String],
        by_value: bool,
        wrap_lists: bool,
    ) -> String {
        let borrowed = self.config.borrowed;
        match ty {
            Type::Uint => format!("{}::Uint", self.krate()),
            Type::Int => format!("{}::Int", self.krate()),
            Type::U8 => "u8".to_owned(),
            Type::U16 => "u16".to_owned(),
            Type::U32 => "u32".to_owned(),
            Type::U64 => "u64".to_owned(),
            Type::I8 => "i8".to_owned(),
            Type::I16 => "i16".to_owned(),
            Type::I32 => "i32".to_owned(),
            Type::I64 => "i64".to_owned(),
            Type::F32 => "f32".to_owned(),
            Type::F64 => "f64".to_owned(),
            Type::Bool => "bool".to_owned(),
            Type::Void => "()".to_owned(),
            Type::Str if borrowed => "&'a str".to_owned(),
            Type::Str => self.private("String"),
            Type::Data if borrowed => "&'a [u8]".to_owned(),
            Type::Data => format!("{}<u8>", self.private("Vec")),
            Type::DataFixed(n) => format!("[u8; {n}]"),
            Type::List(inner) | Type::ListFixed(inner, _) if wrap_lists && **inner == Type::U8 => {
                let name = self.fresh(made_name(path, "") + "List");
                let rust = self.rust_type(ty, path, by_value, false);
                self.write_item(Item {
                    doc: None,
                    attrs: vec![self.derives(&[])],
                    head: format!("pub struct {name}"),
                    body: Body::Tuple(vec!["#[bare(list)]".to_owned()], rust),
                });
                name
            }
            Type::Optional(inner) => {
                let inner = self.rust_type(inner, path, by_value, wrap_lists);
                format!("{}<{inner}>", self.private("Option"))
            }
            Type::List(inner) => {
                let inner = self.rust_type(inner, path, false, wrap_lists);
                format!("{}<{inner}>", self.private("Vec"))
            }
            Type::ListFixed(inner, n) => {
                let inner = self.rust_type(inner, path, by_value, wrap_lists);
                format!("[{inner}; {n}]")
            }
            Type::Map(key, value) => {
                let key = self.rust_type(key, path, false, wrap_lists);
                let value = self.rust_type(value, path, false, wrap_lists);
                let map = match self.config.map_type {
                    MapType::BTreeMap => self.private("BTreeMap"),
                    MapType::HashMap => "::std::collections::HashMap".to_owned(),
                };
                format!("{map}<{key}, {value}>")
            }
            Type::Struct(_) | Type::Union(_) => {
                let kind = if matches!(ty, Type::Struct(_)) {
                    "Struct"
                } else {
                    "Union"
                };
                let name = self.fresh(made_name(path, kind));
                let lifetime = if borrowed && type_borrows(ty, &self.borrows) {
                    "<'a>"
                } else {
                    ""
                };
                // The made type's members are named (and their doc
                // comments found) by the path to it.
                self.type_item(&name, &name, None, ty, path);
                format!("{name}{lifetime}")
            }
            Type::Named(name) => {
                let rust = format!("{}{}", self.type_ident(name), self.lifetime_of(name));
                let recursive = self
                    .reach
                    .get(name.as_str())
                    .is_some_and(|r| r.contains(self.current.as_str()));
                if by_value && recursive {
                    format!("{}<{rust}>", self.private("Box"))
                } else {
                    rust
                }
            }
        }
    }

    pub(super) fn write_item(&mut self, item: Item) {
        let out = &mut self.out;
        out.push('\n');
        write_doc(out, item.doc.as_deref(), "");
        for attr in &item.attrs {
            write_attr(out, attr, "");
        }
        match item.body {
            Body::Unit => {
                let _ = writeln!(out, "{};", item.head);
            }
            Body::Tuple(attrs, ty) => {
                let attrs: String = attrs.iter().map(|a| format!("{a} ")).collect();
                let line = format!("{}({attrs}pub {ty});", item.head);
                if line.len() <= MAX_WIDTH {
                    out.push_str(&line);
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "{}(", item.head);
                    for attr in attrs.split_whitespace() {
                        let _ = writeln!(out, "    {attr}");
                    }
                    // rustfmt (1.9) writes two spaces between `pub` and a
                    // path starting with `::` when it breaks the type.
                    let fits = format!("    pub {ty},").len() <= MAX_WIDTH;
                    let space = if ty.starts_with("::") && !fits {
                        "  "
                    } else {
                        " "
                    };
                    write_typed_line(out, "    ", &format!("pub{space}{ty}"), ",");
                    out.push_str(");\n");
                }
            }
            Body::Braced(members) => {
                let _ = writeln!(out, "{} {{", item.head);
                for m in members {
                    write_doc(out, m.doc.as_deref(), "    ");
                    for attr in &m.attrs {
                        write_attr(out, attr, "    ");
                    }
                    write_typed_line(out, "    ", &m.text, ",");
                }
                out.push_str("}\n");
            }
        }
    }
}
