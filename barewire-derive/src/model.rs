//! The typed model of a derive input, built by parsing alone.
//!
//! [`Input::from_ast`] records every `#[bare(...)]` attribute with its spans
//! and resolves what generation needs (names, tags, hints), but judges
//! nothing: a model may be invalid until the check phase (module `check`)
//! has found no error. Generators read only checked models.

use syn::{Data, DeriveInput, Fields, Generics, Ident, Member, Type};

use crate::attr::{self, Attrs, Place};
use crate::ctxt::Ctxt;
use barewire_schema::case;

/// A derive input.
pub struct Input<'a> {
    /// The parsed item, for the checks that look at its tokens.
    pub ast: &'a DeriveInput,
    /// `#[derive(Layout)]`: a `#[repr(C)]` struct whose declaration order is
    /// its layout and whose fields carry their wire position.
    pub explicit: bool,
    /// An explicit layout with in-place fields (`BarePtr`, `BareSpan`,
    /// `BareStr`, `BareOption`, `BareArray` anywhere in a field's type):
    /// its pointers mean something only inside its image, so it has a schema
    /// and a layout but no wire codec and no rebuild.
    pub in_place: bool,
    /// The type's `#[bare(...)]` attributes.
    pub attrs: Attrs,
    /// The type's name.
    pub ident: &'a Ident,
    /// The type's generics.
    pub generics: &'a Generics,
    /// The type's visibility, given to its view type.
    pub vis: &'a syn::Visibility,
    /// The path of the barewire crate (`::barewire` unless renamed).
    pub krate: syn::Path,
    /// The base schema name (the Rust name unless renamed).
    pub schema_name: String,
    /// Where predicates that replace the inferred bounds.
    pub bound: Option<Vec<syn::WherePredicate>>,
    /// What kind of BARE type the input is.
    pub shape: Shape<'a>,
    /// The name of the generated in-place view type.
    pub layout_name: Ident,
    /// Fields in declaration order instead of least padding.
    pub declared_order: bool,
    /// Minimum alignment of the type's layout.
    pub align: u64,
}

/// What kind of BARE type the input becomes.
pub enum Shape<'a> {
    /// A struct (named, tuple or unit); also a Rust `union`, with no fields
    /// (the check phase rejects it).
    Struct(Vec<Field<'a>>, Style),
    /// A field-less Rust enum (or one without variants): a BARE `enum`.
    Enum(Vec<EnumVariant<'a>>),
    /// A Rust enum with data: a BARE `union`.
    Union(Vec<UnionVariant<'a>>),
}

/// How fields are written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `{ a: T }`
    Named,
    /// `(T)`
    Tuple,
    /// No fields.
    Unit,
}

/// One field of a struct or union variant.
pub struct Field<'a> {
    /// The parsed field.
    pub ast: &'a syn::Field,
    /// Its `#[bare(...)]` attributes.
    pub attrs: Attrs,
    /// `self.<member>`.
    pub member: Member,
    /// The field's type, `Self` in it spelled as the input's name with its
    /// parameters (generated code also uses it outside the type's own
    /// impls, in the view type's).
    pub ty: Type,
    /// The BARE field name (lowerCamelCase of the Rust name unless renamed).
    pub schema_name: String,
    /// Not on the wire: `skip`, or explicit padding.
    pub skip: bool,
    /// Minimum alignment of the field in the layout.
    pub align: u64,
    /// Stored behind a relative pointer in the layout.
    pub out_of_line: bool,
    /// Identical strings written once in the layout.
    pub intern: bool,
    /// `capacity = N`: decoded with room for `N` items, and the span of the
    /// attribute's value (trait errors point there).
    pub capacity: Option<(u64, proc_macro2::Span)>,
    /// `inline = N`: a string whose inline part is `N` bytes, and the span
    /// of the attribute's value.
    pub inline: Option<(u64, proc_macro2::Span)>,
    /// Explicit padding of a `#[derive(Layout)]` struct: in the layout, not
    /// on the wire (also `skip`).
    pub padding: bool,
    /// The field's position on the wire: `#[bare(field = N)]` in explicit
    /// layouts, the declaration index otherwise.
    pub wire_index: u64,
    /// `#[bare(with = "module")]`: the adapter module, its path spanned at
    /// the attribute's literal (so a missing function is reported there).
    pub with: Option<syn::Path>,
    /// `#[bare(with = "module", with_layout)]`: the adapter module also
    /// gives the field's layout, through its `Layout` proxy type.
    pub with_layout: bool,
    /// The tail link of a chain: the last field on the wire, of type
    /// `Box<Self>` or `Option<Box<Self>>`, or barewire_pool's
    /// `Owned<'p, Self>` or `Option<Owned<'p, Self>>` (see [`mark_tail`]). Generated
    /// code follows it in a loop instead of recursing.
    pub tail: bool,
}

impl Field<'_> {
    /// Whether the field has a place in the layout: on the wire, or explicit
    /// padding.
    pub fn in_layout(&self) -> bool {
        !self.skip || self.padding
    }
}

/// The fields that are on the wire, in wire order.
pub fn wire_fields<'f, 'a>(fields: &'f [Field<'a>]) -> Vec<&'f Field<'a>> {
    let mut out: Vec<&Field<'a>> = fields.iter().filter(|f| !f.skip).collect();
    out.sort_by_key(|f| f.wire_index);
    out
}

/// One member of a field-less enum.
pub struct EnumVariant<'a> {
    /// The parsed variant.
    pub ast: &'a syn::Variant,
    /// Its `#[bare(...)]` attributes.
    pub attrs: Attrs,
    /// The variant's name.
    pub ident: &'a Ident,
    /// The BARE member name: `rename`, else the variant's name in
    /// CONSTANT_CASE.
    pub schema_name: String,
}

/// One member of a union.
pub struct UnionVariant<'a> {
    /// The parsed variant.
    pub ast: &'a syn::Variant,
    /// Its `#[bare(...)]` attributes.
    pub attrs: Attrs,
    /// The variant's name.
    pub ident: &'a Ident,
    /// The tag: `#[bare(tag = N)]`, else the previous tag plus one (0 for the
    /// first); the check phase rejects tags that do not ascend or overflow.
    pub tag: u64,
    /// The BARE name of the member's type.
    pub schema_name: String,
    /// How its fields are written.
    pub style: Style,
    /// Its fields.
    pub fields: Vec<Field<'a>>,
}

impl<'a> Input<'a> {
    /// Parses `input`; only malformed attributes are recorded in `cx` here.
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput, explicit: bool) -> Self {
        let attrs = attr::parse(cx, &input.attrs, Place::Container);
        let krate = attrs
            .krate
            .get()
            .map_or_else(|| syn::parse_quote!(::barewire), |k| k.value.clone());
        let schema_name = attrs
            .rename
            .get()
            .map_or_else(|| input.ident.to_string(), |r| r.value.clone());
        let bound = attrs.bound.get().map(|b| b.value.clone());
        let layout_name = attrs.layout.get().map_or_else(
            || quote::format_ident!("{}Layout", input.ident),
            |l| l.value.clone(),
        );
        let declared_order = explicit || attrs.declared_order.get().is_some_and(|d| d.value);
        let align = attrs.align.get().map_or(1, |a| a.value);
        let mut shape = match &input.data {
            Data::Struct(data) => {
                let (fields, style) = parse_fields(cx, &data.fields, input);
                Shape::Struct(fields, style)
            }
            Data::Enum(data) => parse_enum(cx, data, input),
            Data::Union(_) => Shape::Struct(Vec::new(), Style::Unit),
        };
        if !explicit {
            match &mut shape {
                // A struct whose every value holds a `Box<Self>` has no
                // finite value: only an optional link ends a struct chain.
                Shape::Struct(fields, _) => mark_tail(fields, input, false),
                Shape::Union(variants) => {
                    for v in variants {
                        mark_tail(&mut v.fields, input, true);
                    }
                }
                Shape::Enum(_) => {}
            }
        }
        let in_place = explicit
            && match &shape {
                Shape::Struct(fields, _) => fields.iter().any(|f| mentions_in_place(&f.ty)),
                _ => false,
            };
        Input {
            ast: input,
            explicit,
            in_place,
            attrs,
            ident: &input.ident,
            generics: &input.generics,
            vis: &input.vis,
            krate,
            schema_name,
            bound,
            shape,
            layout_name,
            declared_order,
            align,
        }
    }
}

/// The in-place field types of explicit layouts, by name.
const IN_PLACE_TYPES: [&str; 5] = ["BarePtr", "BareSpan", "BareStr", "BareOption", "BareArray"];

/// Whether `ty` names an in-place field type anywhere (`BareStr`,
/// `Option<BarePtr<T>>`, `[BareSpan<u8>; 2]`, ...).
fn mentions_in_place(ty: &Type) -> bool {
    fn walk(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => IN_PLACE_TYPES.iter().any(|n| i == n),
            proc_macro2::TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    walk(quote::ToTokens::to_token_stream(ty))
}

/// The fields of a struct or union member, and how they are written.
fn parse_fields<'a>(cx: &Ctxt, fields: &'a Fields, input: &DeriveInput) -> (Vec<Field<'a>>, Style) {
    let style = match fields {
        Fields::Named(_) => Style::Named,
        Fields::Unnamed(_) => Style::Tuple,
        Fields::Unit => Style::Unit,
    };
    let fields = fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let attrs = attr::parse(cx, &field.attrs, Place::Field);
            let member = match &field.ident {
                Some(ident) => Member::Named(ident.clone()),
                None => Member::Unnamed(syn::Index::from(i)),
            };
            let schema_name = match (attrs.rename.get(), &field.ident) {
                (Some(r), _) => r.value.clone(),
                (None, Some(ident)) => case::lower_camel(&ident.to_string()),
                (None, None) => format!("f{i}"),
            };
            let padding = attrs.padding.is_set();
            Field {
                ast: field,
                member,
                ty: resolve_self(&field.ty, input),
                schema_name,
                skip: attrs.skip.is_set() || padding,
                align: attrs.align.get().map_or(1, |a| a.value),
                out_of_line: attrs.out_of_line.is_set(),
                intern: attrs.intern.is_set(),
                capacity: attrs.capacity.get().map(|c| (c.value, c.span)),
                inline: attrs.inline.get().map(|c| (c.value, c.span)),
                padding,
                wire_index: attrs.field.get().map_or(i as u64, |f| f.value),
                with: attrs.with.get().map(|w| respan_path(&w.value, w.span)),
                with_layout: attrs.with_layout.is_set(),
                tail: false,
                attrs,
            }
        })
        .collect();
    (fields, style)
}

/// `path` with every token at `span`: the attribute's literal.
fn respan_path(path: &syn::Path, span: proc_macro2::Span) -> syn::Path {
    let mut path = path.clone();
    if let Some(colons) = &mut path.leading_colon {
        colons.spans = [span; 2];
    }
    for seg in path.segments.iter_mut() {
        seg.ident.set_span(span);
    }
    path
}

/// The fields of the input with an adapter (`with`) that gives no layout
/// (no `with_layout`): if there is one, the type is wire-only.
pub fn wire_only_fields<'i, 'a>(input: &'i Input<'a>) -> Vec<&'i Field<'a>> {
    let wire_only = |f: &&Field<'_>| f.with.is_some() && !f.with_layout;
    match &input.shape {
        Shape::Struct(fields, _) => fields.iter().filter(wire_only).collect(),
        Shape::Union(variants) => variants
            .iter()
            .flat_map(|v| v.fields.iter().filter(wire_only))
            .collect(),
        Shape::Enum(_) => Vec::new(),
    }
}

/// A field-less enum's members, or a union's (tags resolved: explicit, else
/// the previous plus one).
fn parse_enum<'a>(cx: &Ctxt, data: &'a syn::DataEnum, input: &DeriveInput) -> Shape<'a> {
    let fieldless = data
        .variants
        .iter()
        .all(|v| matches!(v.fields, Fields::Unit));
    if fieldless {
        let variants = data
            .variants
            .iter()
            .map(|v| {
                let attrs = attr::parse(cx, &v.attrs, Place::Variant);
                let schema_name = attrs.rename.get().map_or_else(
                    || case::constant_case(&v.ident.to_string()),
                    |r| r.value.clone(),
                );
                EnumVariant {
                    ast: v,
                    attrs,
                    ident: &v.ident,
                    schema_name,
                }
            })
            .collect();
        return Shape::Enum(variants);
    }
    let mut previous: Option<u64> = None;
    let variants = data
        .variants
        .iter()
        .map(|v| {
            let attrs = attr::parse(cx, &v.attrs, Place::Variant);
            let tag = match (attrs.tag.get(), previous) {
                (Some(t), _) => t.value,
                (None, None) => 0,
                (None, Some(prev)) => prev.wrapping_add(1),
            };
            previous = Some(tag);
            let (fields, style) = parse_fields(cx, &v.fields, input);
            let schema_name = attrs
                .rename
                .get()
                .map_or_else(|| v.ident.to_string(), |r| r.value.clone());
            UnionVariant {
                ast: v,
                attrs,
                ident: &v.ident,
                tag,
                schema_name,
                style,
                fields,
            }
        })
        .collect();
    Shape::Union(variants)
}

/// Marks the tail link of `fields`: the last field on the wire, when it is
/// an `Option<Box<Self>>` or `Option<Owned<'x, Self>>` (or, with `boxed`, a
/// `Box<Self>` or `Owned<'x, Self>`), `Self` spelled
/// `Self` or as the input's name with its own parameters in order, and has
/// no `with`, `out_of_line` or `intern` hint. Wire and layout are those of
/// the field's type either way; only the generated code changes (a loop).
fn mark_tail(fields: &mut [Field<'_>], input: &DeriveInput, boxed: bool) {
    let Some(last) = fields
        .iter_mut()
        .filter(|f| !f.skip)
        .max_by_key(|f| f.wire_index)
    else {
        return;
    };
    if last.with.is_some() || last.out_of_line || last.intern || last.inline.is_some() {
        return;
    }
    last.tail = match link_target(&last.ty) {
        Some((inner, optional)) => (optional || boxed) && is_self(inner, input),
        None => false,
    };
}

/// `T` and whether the link is optional, for a field of type `Box<T>` or
/// `Option<Box<T>>` (the std paths of either, too), or `Owned<'x, T>` or
/// `Option<Owned<'x, T>>` (any path ending in `Owned`: the derive docs say
/// it must be barewire_pool's).
fn link_target(ty: &Type) -> Option<(&Type, bool)> {
    let required = |ty| single_arg(ty, "Box", &["std", "alloc"], "boxed").or_else(|| owned_arg(ty));
    if let Some(inner) = single_arg(ty, "Option", &["std", "core"], "option") {
        return required(inner).map(|t| (t, true));
    }
    required(ty).map(|t| (t, false))
}

/// The type argument of `Owned<'x, T>`, spelled with any path whose last
/// segment is `Owned` (`Owned`, `barewire_pool::Owned`), with one lifetime
/// and one type argument, in that order.
fn owned_arg(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = strip(ty) else {
        return None;
    };
    if p.qself.is_some() {
        return None;
    }
    let segs: Vec<_> = p.path.segments.iter().collect();
    let (last, path) = segs.split_last()?;
    if last.ident != "Owned" || path.iter().any(|s| !s.arguments.is_none()) {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [
            syn::GenericArgument::Lifetime(_),
            syn::GenericArgument::Type(t),
        ] => Some(t),
        _ => None,
    }
}

/// The one type argument of `name<T>`, spelled `name` or `krate::module::name`
/// for one of `krates`.
fn single_arg<'t>(ty: &'t Type, name: &str, krates: &[&str], module: &str) -> Option<&'t Type> {
    let Type::Path(p) = strip(ty) else {
        return None;
    };
    if p.qself.is_some() {
        return None;
    }
    let segs: Vec<_> = p.path.segments.iter().collect();
    let path_ok = match segs.as_slice() {
        [last] => p.path.leading_colon.is_none() && last.ident == name,
        [k, m, last] => {
            krates.iter().any(|k2| k.ident == k2) && m.ident == module && last.ident == name
        }
        _ => false,
    };
    if !path_ok
        || segs[..segs.len() - 1]
            .iter()
            .any(|s| !s.arguments.is_none())
    {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &segs[segs.len() - 1].arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [syn::GenericArgument::Type(t)] => Some(t),
        _ => None,
    }
}

/// `ty` without invisible groups and parentheses.
fn strip(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => strip(&g.elem),
        Type::Paren(p) => strip(&p.elem),
        other => other,
    }
}

/// Whether `ty` is the input type itself: `Self`, or its name with its own
/// generic parameters in declaration order (`List<'a, T, N>`).
fn is_self(ty: &Type, input: &DeriveInput) -> bool {
    let Type::Path(p) = strip(ty) else {
        return false;
    };
    if p.qself.is_some() || p.path.leading_colon.is_some() || p.path.segments.len() != 1 {
        return false;
    }
    let seg = &p.path.segments[0];
    if seg.ident == "Self" {
        return seg.arguments.is_none();
    }
    if seg.ident != input.ident {
        return false;
    }
    let params: Vec<_> = input.generics.params.iter().collect();
    let args: Vec<&syn::GenericArgument> = match &seg.arguments {
        syn::PathArguments::None => Vec::new(),
        syn::PathArguments::AngleBracketed(a) => a.args.iter().collect(),
        syn::PathArguments::Parenthesized(_) => return false,
    };
    params.len() == args.len() && params.iter().zip(args).all(|(p, a)| same_param(p, a))
}

/// Whether the generic argument `a` names the parameter `p` itself.
fn same_param(p: &syn::GenericParam, a: &syn::GenericArgument) -> bool {
    use syn::{GenericArgument as A, GenericParam as P};
    let is_ident = |t: &Type, ident: &Ident| matches!(strip(t), Type::Path(tp) if tp.qself.is_none() && tp.path.is_ident(ident));
    match (p, a) {
        (P::Lifetime(l), A::Lifetime(a)) => l.lifetime.ident == a.ident,
        (P::Type(t), A::Type(a)) => is_ident(a, &t.ident),
        (P::Const(c), A::Type(a)) => is_ident(a, &c.ident),
        (P::Const(c), A::Const(syn::Expr::Path(e))) => {
            e.qself.is_none() && e.path.is_ident(&c.ident)
        }
        (P::Const(c), A::Const(syn::Expr::Block(b))) => matches!(
            b.block.stmts.as_slice(),
            [syn::Stmt::Expr(syn::Expr::Path(e), None)] if e.qself.is_none() && e.path.is_ident(&c.ident)
        ),
        _ => false,
    }
}

/// `ty` with every `Self` (not followed by `::`) replaced by the input's
/// name and parameters, `List<T>` for `Self` in `List<T>`; `ty` itself if
/// the result does not parse.
fn resolve_self(ty: &Type, input: &DeriveInput) -> Type {
    use proc_macro2::{Group, TokenStream, TokenTree};
    fn replace(tokens: TokenStream, with: &TokenStream) -> TokenStream {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            let path_follows =
                matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
            match token {
                TokenTree::Ident(ident) if ident == "Self" && !path_follows => {
                    out.extend(with.clone().into_iter().map(|mut t| {
                        t.set_span(ident.span());
                        t
                    }));
                }
                TokenTree::Group(g) => {
                    let mut group = Group::new(g.delimiter(), replace(g.stream(), with));
                    group.set_span(g.span());
                    out.push(TokenTree::Group(group));
                }
                other => out.push(other.clone()),
            }
        }
        out.into_iter().collect()
    }
    let ident = &input.ident;
    let (_, params, _) = input.generics.split_for_impl();
    let with = quote::quote!(#ident #params);
    syn::parse2(replace(quote::quote!(#ty), &with)).unwrap_or_else(|_| ty.clone())
}

#[cfg(test)]
mod tests {
    use super::{Input, Shape};
    use crate::ctxt::Ctxt;

    /// The tail flags of every field of `input`, per struct or member.
    fn tails(input: syn::DeriveInput) -> Vec<Vec<bool>> {
        let cx = Ctxt::new();
        let model = Input::from_ast(&cx, &input, false);
        let flags = match &model.shape {
            Shape::Struct(fields, _) => vec![fields.iter().map(|f| f.tail).collect()],
            Shape::Union(variants) => variants
                .iter()
                .map(|v| v.fields.iter().map(|f| f.tail).collect())
                .collect(),
            Shape::Enum(_) => Vec::new(),
        };
        cx.check().unwrap();
        flags
    }

    #[test]
    fn tail_links_are_the_last_field_and_the_type_itself() {
        let t = tails(syn::parse_quote! {
            struct Node<'a, T, const N: usize> { a: &'a [T; N], next: Option<Box<Node<'a, T, N>>> }
        });
        assert_eq!(t, [[false, true]]);
        let t = tails(syn::parse_quote! {
            struct Node { next: ::std::option::Option<std::boxed::Box<Self>>, #[bare(skip)] seen: bool }
        });
        assert_eq!(t, [[true, false]]);
        let t = tails(syn::parse_quote! {
            enum L<T> { E, A(T, Box<L<T>>), B(Option<Box<Self>>), C(Box<L<u8>>), D(Box<Self>, u8) }
        });
        assert_eq!(
            t,
            [
                vec![],
                vec![false, true],
                vec![true],
                vec![false],
                vec![false, false]
            ]
        );
    }

    #[test]
    fn owned_links_are_tail_links() {
        let t = tails(syn::parse_quote! {
            enum L<'p> { E, A(i32, Owned<'p, L<'p>>), B(Option<barewire_pool::Owned<'p, Self>>), C(Owned<'p, Self>, u8) }
        });
        assert_eq!(
            t,
            [vec![], vec![false, true], vec![true], vec![false, false]]
        );
        let t = tails(syn::parse_quote! {
            struct N<'p> { v: i32, next: Option<::barewire_pool::Owned<'p, N<'p>>> }
        });
        assert_eq!(t, [[false, true]]);
        // Not the type itself, a struct's required link, or not one
        // lifetime then the type.
        for input in [
            quote::quote!(
                struct N<'p> {
                    next: Option<Owned<'p, Other>>,
                }
            ),
            quote::quote!(
                struct N<'p> {
                    next: Owned<'p, Self>,
                }
            ),
            quote::quote!(
                struct N<'p> {
                    next: Option<Owned<Self>>,
                }
            ),
            quote::quote!(
                struct N<'p> {
                    next: Option<Owned<'p, Self, u8>>,
                }
            ),
            quote::quote!(
                struct N<'p> {
                    next: Option<a<u8>::Owned<'p, Self>>,
                }
            ),
            quote::quote!(
                struct N<'p> {
                    next: Option<<X as Y>::Owned<'p, Self>>,
                }
            ),
        ] {
            let input: syn::DeriveInput = syn::parse2(input).unwrap();
            assert_eq!(tails(input.clone()), [[false]], "{}", quote::quote!(#input));
        }
    }

    #[test]
    fn other_links_recurse() {
        // A struct that always holds a `Box<Self>` has no finite value.
        assert_eq!(
            tails(syn::parse_quote!(
                struct S {
                    next: Box<S>,
                }
            )),
            [[false]]
        );
        // Not the type itself, or hinted, or not a box.
        for input in [
            quote::quote!(
                struct S<T> {
                    next: Option<Box<S<u8>>>,
                }
            ),
            quote::quote!(
                struct S<T> {
                    next: Option<Box<S>>,
                }
            ),
            quote::quote!(
                struct S {
                    next: Option<Box<Other>>,
                }
            ),
            quote::quote!(
                struct S {
                    #[bare(out_of_line)]
                    next: Option<Box<S>>,
                }
            ),
            quote::quote!(
                struct S {
                    next: Option<std::rc::Rc<S>>,
                }
            ),
            quote::quote!(
                struct S {
                    next: Vec<S>,
                }
            ),
            quote::quote!(
                struct S {
                    next: Option<my::Box<S>>,
                }
            ),
        ] {
            let input: syn::DeriveInput = syn::parse2(input).unwrap();
            assert_eq!(tails(input.clone()), [[false]], "{}", quote::quote!(#input));
        }
    }
}
