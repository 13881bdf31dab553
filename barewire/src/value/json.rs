//! [`Value`] to and from JSON, by the schema (the mapping is in the module
//! docs).

use std::fmt::Write as _;
use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value as Json;

use super::encode::{check_int, check_uint, short};
use super::{Codec, Shape, Value, ValueError, union_member};
use crate::limits::Nesting;
use crate::schema::Type;

/// Where JSON text goes: compact, or indented by `indent` spaces a level.
struct Out {
    text: String,
    indent: usize,
    level: usize,
}

impl Out {
    fn newline(&mut self) {
        if self.indent > 0 {
            self.text.push('\n');
            for _ in 0..self.indent * self.level {
                self.text.push(' ');
            }
        }
    }

    fn open(&mut self, c: char) {
        self.text.push(c);
        self.level += 1;
    }

    /// Closes a bracket; `empty` when nothing was written inside.
    fn close(&mut self, c: char, empty: bool) {
        self.level -= 1;
        if !empty {
            self.newline();
        }
        self.text.push(c);
    }

    fn item(&mut self, first: bool) {
        if !first {
            self.text.push(',');
        }
        self.newline();
    }

    fn key(&mut self, key: &str) {
        write_str(&mut self.text, key);
        self.text.push(':');
        if self.indent > 0 {
            self.text.push(' ');
        }
    }
}

/// Writes `s` as a JSON string.
fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A float as JSON: a number, or `"NaN"`, `"inf"`, `"-inf"`. `Debug` prints
/// the shortest text that reads back to the same float, with an exponent
/// for very large and small magnitudes, always valid JSON.
fn write_float(out: &mut String, v: f64, text: impl FnOnce() -> String) {
    if v.is_nan() {
        out.push_str("\"NaN\"");
    } else if v == f64::INFINITY {
        out.push_str("\"inf\"");
    } else if v == f64::NEG_INFINITY {
        out.push_str("\"-inf\"");
    } else {
        out.push_str(&text());
    }
}

impl<'s> Codec<'s> {
    /// `value`, of the type named `type_name`, as compact JSON text.
    ///
    /// ```
    /// use barewire::value::{Codec, Value};
    ///
    /// let schema = barewire::schema::parse("
    ///   type M map<u8><f32>
    ///   type U union { str | data = 4 }
    /// ")?;
    /// let codec = Codec::new(&schema);
    /// let m = Value::Map(vec![(Value::Uint(1), Value::F32(f32::NAN))]);
    /// assert_eq!(codec.to_json("M", &m)?, r#"[[1,"NaN"]]"#);
    /// let u = Value::Union(4, Box::new(Value::Data(b"hi".to_vec())));
    /// assert_eq!(codec.to_json("U", &u)?, r#"{"data":"aGk="}"#);
    /// # Ok::<(), barewire::value::ValueError>(())
    /// ```
    pub fn to_json(&self, type_name: &str, value: &Value) -> Result<String, ValueError> {
        self.to_json_indented(type_name, value, 0)
    }

    /// `value` as JSON text indented by two spaces a level.
    ///
    /// ```
    /// let schema = barewire::schema::parse("type P struct { a: u8 }")?;
    /// let codec = barewire::value::Codec::new(&schema);
    /// let v = codec.decode("P", &[7])?;
    /// assert_eq!(codec.to_json_pretty("P", &v)?, "{\n  \"a\": 7\n}");
    /// # Ok::<(), barewire::value::ValueError>(())
    /// ```
    pub fn to_json_pretty(&self, type_name: &str, value: &Value) -> Result<String, ValueError> {
        self.to_json_indented(type_name, value, 2)
    }

    fn to_json_indented(
        &self,
        type_name: &str,
        value: &Value,
        indent: usize,
    ) -> Result<String, ValueError> {
        let (shape, at) = self.resolve_name(type_name)?;
        let mut out = Out {
            text: String::new(),
            indent,
            level: 0,
        };
        let mut nesting = Nesting::new(&self.limits);
        self.json_shape(&mut out, shape, at, value, &mut nesting)?;
        Ok(out.text)
    }

    fn json_value(
        &self,
        out: &mut Out,
        ty: &'s Type,
        within: &'s str,
        value: &Value,
        nesting: &mut Nesting,
    ) -> Result<(), ValueError> {
        let (shape, at) = self.resolve(ty, within)?;
        self.json_shape(out, shape, at, value, nesting)
    }

    fn json_shape(
        &self,
        out: &mut Out,
        shape: Shape<'s>,
        at: &'s str,
        value: &Value,
        nesting: &mut Nesting,
    ) -> Result<(), ValueError> {
        let ty = match (shape, value) {
            (Shape::Enum(_), Value::Enum(name)) => {
                if !self
                    .enum_values
                    .get(at)
                    .is_some_and(|m| m.contains_key(name.as_str()))
                {
                    return Err(ValueError::mismatch(format!(
                        "enum {at} has no member {name:?}"
                    )));
                }
                write_str(&mut out.text, name);
                return Ok(());
            }
            (Shape::Enum(_), other) => {
                return Err(ValueError::mismatch(format!(
                    "expected a member of enum {at}, found {}",
                    other.kind()
                )));
            }
            (Shape::Type(ty), _) => ty,
        };
        let fits = |r: Result<(), String>| r.map_err(ValueError::mismatch);
        match (ty, value) {
            (Type::Uint | Type::U8 | Type::U16 | Type::U32 | Type::U64, Value::Uint(v)) => {
                fits(check_uint(ty, *v))?;
                let _ = write!(out.text, "{v}");
            }
            (Type::Int | Type::I8 | Type::I16 | Type::I32 | Type::I64, Value::Int(v)) => {
                fits(check_int(ty, *v))?;
                let _ = write!(out.text, "{v}");
            }
            (Type::F32, Value::F32(v)) => {
                write_float(&mut out.text, f64::from(*v), || format!("{v:?}"))
            }
            (Type::F64, Value::F64(v)) => write_float(&mut out.text, *v, || format!("{v:?}")),
            (Type::Bool, Value::Bool(b)) => out.text.push_str(if *b { "true" } else { "false" }),
            (Type::Str, Value::Str(s)) => write_str(&mut out.text, s),
            (Type::Data, Value::Data(d)) => write_str(&mut out.text, &STANDARD.encode(d)),
            (Type::DataFixed(n), Value::Data(d)) => {
                if d.len() as u64 != *n {
                    return Err(ValueError::mismatch(format!(
                        "data[{n}] needs exactly {n} bytes, found {}",
                        d.len()
                    )));
                }
                write_str(&mut out.text, &STANDARD.encode(d));
            }
            (Type::Void, Value::Void) | (Type::Optional(_), Value::Optional(None)) => {
                out.text.push_str("null");
            }
            (Type::Optional(inner), Value::Optional(Some(v))) => {
                nesting.enter(out.text.len())?;
                self.json_value(out, inner, at, v, nesting)?;
                nesting.leave();
            }
            (Type::List(item), Value::List(items)) => {
                self.json_items(out, item, at, items, nesting)?
            }
            (Type::ListFixed(item, n), Value::List(items)) => {
                if items.len() as u64 != *n {
                    return Err(ValueError::mismatch(format!(
                        "{ty} needs exactly {n} items, found {}",
                        items.len()
                    )));
                }
                self.json_items(out, item, at, items, nesting)?;
            }
            (Type::Map(key_ty, value_ty), Value::Map(entries)) => {
                nesting.enter(out.text.len())?;
                let by_name = self.is_str(key_ty);
                out.open(if by_name { '{' } else { '[' });
                for (i, (key, v)) in entries.iter().enumerate() {
                    out.item(i == 0);
                    if by_name {
                        let Value::Str(name) = key else {
                            return Err(ValueError::mismatch(format!(
                                "expected a str key, found {}",
                                key.kind()
                            ))
                            .within(|| format!("{{key {i}}}")));
                        };
                        out.key(name);
                    } else {
                        out.open('[');
                        out.newline();
                        self.json_value(out, key_ty, at, key, nesting)
                            .map_err(|e| e.within(|| format!("{{key {i}}}")))?;
                        out.text.push(',');
                        out.newline();
                    }
                    self.json_value(out, value_ty, at, v, nesting)
                        .map_err(|e| e.within(|| format!("{{value {i}}}")))?;
                    if !by_name {
                        out.close(']', false);
                    }
                }
                out.close(if by_name { '}' } else { ']' }, entries.is_empty());
                nesting.leave();
            }
            (Type::Union(members), Value::Union(tag, v)) => {
                let Some(member) = union_member(members, *tag) else {
                    return Err(ValueError::mismatch(format!("union has no tag {tag}")));
                };
                nesting.enter(out.text.len())?;
                out.open('{');
                out.newline();
                out.key(&member.ty.to_string());
                self.json_value(out, &member.ty, at, v, nesting)
                    .map_err(|e| e.within(|| format!("{{{}}}", member.ty)))?;
                out.close('}', false);
                nesting.leave();
            }
            (Type::Struct(fields), Value::Struct(values)) => {
                if fields.len() != values.len() {
                    return Err(ValueError::mismatch(format!(
                        "the struct has {} fields, the value {}",
                        fields.len(),
                        values.len()
                    )));
                }
                nesting.enter(out.text.len())?;
                out.open('{');
                for (i, (field, (name, v))) in fields.iter().zip(values).enumerate() {
                    if field.name != *name {
                        return Err(ValueError::mismatch(format!(
                            "expected field {:?}, found {name:?}",
                            field.name
                        )));
                    }
                    out.item(i == 0);
                    out.key(name);
                    self.json_value(out, &field.ty, at, v, nesting)
                        .map_err(|e| e.within(|| format!(".{name}")))?;
                }
                out.close('}', fields.is_empty());
                nesting.leave();
            }
            (Type::Named(name), _) => return Err(ValueError::AliasCycle(name.clone())),
            (ty, other) => {
                return Err(ValueError::mismatch(format!(
                    "expected {}, found {}",
                    short(ty),
                    other.kind()
                )));
            }
        }
        Ok(())
    }

    fn json_items(
        &self,
        out: &mut Out,
        item: &'s Type,
        at: &'s str,
        items: &[Value],
        nesting: &mut Nesting,
    ) -> Result<(), ValueError> {
        nesting.enter(out.text.len())?;
        out.open('[');
        for (i, v) in items.iter().enumerate() {
            out.item(i == 0);
            self.json_value(out, item, at, v, nesting)
                .map_err(|e| e.within(|| format!("[{i}]")))?;
        }
        out.close(']', items.is_empty());
        nesting.leave();
        Ok(())
    }

    /// Reads JSON text as a value of the type named `type_name`, checking
    /// that it fits (so that [`encode`](Self::encode) then succeeds unless
    /// a map repeats a key).
    ///
    /// ```
    /// use barewire::value::Codec;
    ///
    /// let schema = barewire::schema::parse("
    ///   type Msg struct { id: u64 key: data[2] tags: map<str><i8> }
    /// ")?;
    /// let codec = Codec::new(&schema);
    /// let v = codec.from_json("Msg", r#"{"id": 18446744073709551615, "key": "AQI=", "tags": {"a": -1}}"#)?;
    /// assert_eq!(
    ///     codec.encode("Msg", &v)?,
    ///     [255, 255, 255, 255, 255, 255, 255, 255, 1, 2, 1, 1, b'a', 0xff],
    /// );
    /// let err = codec.from_json("Msg", r#"{"id": 1, "key": "AQID", "tags": {}}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "JSON at $.key: data[2] needs exactly 2 bytes, found 3");
    /// # Ok::<(), barewire::value::ValueError>(())
    /// ```
    pub fn from_json(&self, type_name: &str, text: &str) -> Result<Value, ValueError> {
        let json: Json =
            serde_json::from_str(text).map_err(|e| ValueError::json(format!("not JSON: {e}")))?;
        self.from_json_value(type_name, &json)
    }

    /// As [`from_json`](Self::from_json), from parsed JSON.
    pub fn from_json_value(&self, type_name: &str, json: &Json) -> Result<Value, ValueError> {
        let (shape, at) = self.resolve_name(type_name)?;
        let mut nesting = Nesting::new(&self.limits);
        self.read_json_shape(shape, at, json, &mut nesting)
    }

    fn read_json(
        &self,
        ty: &'s Type,
        within: &'s str,
        json: &Json,
        nesting: &mut Nesting,
    ) -> Result<Value, ValueError> {
        let (shape, at) = self.resolve(ty, within)?;
        self.read_json_shape(shape, at, json, nesting)
    }

    fn read_json_shape(
        &self,
        shape: Shape<'s>,
        at: &'s str,
        json: &Json,
        nesting: &mut Nesting,
    ) -> Result<Value, ValueError> {
        let ty = match shape {
            Shape::Enum(_) => {
                let Json::String(name) = json else {
                    return Err(ValueError::json(format!(
                        "expected a member name of enum {at}, found {}",
                        json_kind(json)
                    )));
                };
                if !self
                    .enum_values
                    .get(at)
                    .is_some_and(|m| m.contains_key(name.as_str()))
                {
                    return Err(ValueError::json(format!(
                        "enum {at} has no member {name:?}"
                    )));
                }
                return Ok(Value::Enum(name.clone()));
            }
            Shape::Type(ty) => ty,
        };
        let expected =
            |what: &str| ValueError::json(format!("expected {what}, found {}", json_kind(json)));
        Ok(match ty {
            Type::Uint | Type::U8 | Type::U16 | Type::U32 | Type::U64 => {
                let Json::Number(n) = json else {
                    return Err(expected("an integer"));
                };
                if n.is_f64() {
                    return Err(expected("an integer"));
                }
                let Some(v) = n.as_u64() else {
                    return Err(ValueError::json(format!("{n} is out of range for {ty}")));
                };
                check_uint(ty, v).map_err(ValueError::json)?;
                Value::Uint(v)
            }
            Type::Int | Type::I8 | Type::I16 | Type::I32 | Type::I64 => {
                let Json::Number(n) = json else {
                    return Err(expected("an integer"));
                };
                if n.is_f64() {
                    return Err(expected("an integer"));
                }
                let Some(v) = n.as_i64() else {
                    return Err(ValueError::json(format!("{n} is out of range for {ty}")));
                };
                check_int(ty, v).map_err(ValueError::json)?;
                Value::Int(v)
            }
            Type::F32 => {
                let v = read_float(json)?;
                let narrow = v as f32;
                if v.is_finite() && !narrow.is_finite() {
                    return Err(ValueError::json(format!("{v} is out of range for f32")));
                }
                Value::F32(narrow)
            }
            Type::F64 => Value::F64(read_float(json)?),
            Type::Bool => match json {
                Json::Bool(b) => Value::Bool(*b),
                _ => return Err(expected("true or false")),
            },
            Type::Str => match json {
                Json::String(s) => Value::Str(s.clone()),
                _ => return Err(expected("a string")),
            },
            Type::Data | Type::DataFixed(_) => {
                let Json::String(s) = json else {
                    return Err(expected("a base64 string"));
                };
                let bytes = STANDARD
                    .decode(s)
                    .map_err(|e| ValueError::json(format!("invalid base64: {e}")))?;
                if let Type::DataFixed(n) = ty {
                    if bytes.len() as u64 != *n {
                        return Err(ValueError::json(format!(
                            "data[{n}] needs exactly {n} bytes, found {}",
                            bytes.len()
                        )));
                    }
                }
                Value::Data(bytes)
            }
            Type::Void => match json {
                Json::Null => Value::Void,
                _ => return Err(expected("null")),
            },
            Type::Optional(inner) => match json {
                Json::Null => Value::Optional(None),
                other => {
                    nesting.enter(0)?;
                    let v = self.read_json(inner, at, other, nesting)?;
                    nesting.leave();
                    Value::Optional(Some(Box::new(v)))
                }
            },
            Type::List(item) | Type::ListFixed(item, _) => {
                let Json::Array(items) = json else {
                    return Err(expected("an array"));
                };
                if let Type::ListFixed(_, n) = ty {
                    if items.len() as u64 != *n {
                        return Err(ValueError::json(format!(
                            "{ty} needs exactly {n} items, found {}",
                            items.len()
                        )));
                    }
                }
                nesting.enter(0)?;
                let mut values = Vec::with_capacity(items.len());
                for (i, item_json) in items.iter().enumerate() {
                    values.push(
                        self.read_json(item, at, item_json, nesting)
                            .map_err(|e| e.within(|| format!("[{i}]")))?,
                    );
                }
                nesting.leave();
                Value::List(values)
            }
            Type::Map(key_ty, value_ty) => {
                nesting.enter(0)?;
                let mut entries = Vec::new();
                if self.is_str(key_ty) {
                    let Json::Object(object) = json else {
                        return Err(expected("an object"));
                    };
                    for (key, v) in object {
                        let value = self
                            .read_json(value_ty, at, v, nesting)
                            .map_err(|e| e.within(|| format!("{{{key}}}")))?;
                        entries.push((Value::Str(key.clone()), value));
                    }
                } else {
                    let Json::Array(pairs) = json else {
                        return Err(expected("an array of [key, value] pairs"));
                    };
                    let mut seen = std::collections::HashSet::with_capacity(pairs.len());
                    for (i, pair) in pairs.iter().enumerate() {
                        let Some([k, v]) = pair
                            .as_array()
                            .and_then(|p| <&[Json; 2]>::try_from(p.as_slice()).ok())
                        else {
                            return Err(ValueError::json(format!(
                                "expected a [key, value] pair, found {}",
                                json_kind(pair)
                            ))
                            .within(|| format!("[{i}]")));
                        };
                        let key = self
                            .read_json(key_ty, at, k, nesting)
                            .map_err(|e| e.within(|| format!("[{i}][0]")))?;
                        // Keys are never floats, so their JSON text is their
                        // identity.
                        if !seen.insert(k.to_string()) {
                            return Err(ValueError::json("the same map key twice")
                                .within(|| format!("[{i}][0]")));
                        }
                        let value = self
                            .read_json(value_ty, at, v, nesting)
                            .map_err(|e| e.within(|| format!("[{i}][1]")))?;
                        entries.push((key, value));
                    }
                }
                nesting.leave();
                Value::Map(entries)
            }
            Type::Union(members) => {
                let Json::Object(object) = json else {
                    return Err(expected("an object {\"<member type>\": value}"));
                };
                let mut iter = object.iter();
                let (Some((key, v)), None) = (iter.next(), iter.next()) else {
                    return Err(ValueError::json(format!(
                        "a union is an object with one key, found {} keys",
                        object.len()
                    )));
                };
                let Some(member) = members.iter().find(|m| m.ty.to_string() == *key) else {
                    let names: Vec<String> = members.iter().map(|m| m.ty.to_string()).collect();
                    return Err(ValueError::json(format!(
                        "no union member {key:?} (members: {})",
                        names.join(", ")
                    )));
                };
                nesting.enter(0)?;
                let value = self
                    .read_json(&member.ty, at, v, nesting)
                    .map_err(|e| e.within(|| format!("{{{key}}}")))?;
                nesting.leave();
                Value::Union(member.tag, Box::new(value))
            }
            Type::Struct(fields) => {
                let Json::Object(object) = json else {
                    return Err(expected("an object"));
                };
                if let Some(unknown) = object
                    .keys()
                    .find(|k| !fields.iter().any(|f| f.name == **k))
                {
                    return Err(ValueError::json(format!("unknown field {unknown:?}")));
                }
                nesting.enter(0)?;
                let mut values = Vec::with_capacity(fields.len());
                for field in fields {
                    let Some(v) = object.get(&field.name) else {
                        return Err(ValueError::json(format!("missing field {:?}", field.name)));
                    };
                    let value = self
                        .read_json(&field.ty, at, v, nesting)
                        .map_err(|e| e.within(|| format!(".{}", field.name)))?;
                    values.push((field.name.clone(), value));
                }
                nesting.leave();
                Value::Struct(values)
            }
            Type::Named(name) => return Err(ValueError::AliasCycle(name.clone())),
        })
    }
}

fn read_float(json: &Json) -> Result<f64, ValueError> {
    match json {
        Json::Number(n) => n
            .as_f64()
            .ok_or_else(|| ValueError::json(format!("{n} is not a number"))),
        Json::String(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "inf" => Ok(f64::INFINITY),
            "-inf" => Ok(f64::NEG_INFINITY),
            _ => Err(ValueError::json(format!(
                "expected a number, \"NaN\", \"inf\" or \"-inf\", found the string {s:?}"
            ))),
        },
        other => Err(ValueError::json(format!(
            "expected a number, found {}",
            json_kind(other)
        ))),
    }
}

fn json_kind(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(n) if n.is_u64() || n.is_i64() => "an integer",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}
