//! Generates `schema::Describe`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::bound;
use crate::common::describe_field;
use crate::model::{Field, Input, Shape, Style};

/// The `impl schema::Describe` of the input.
pub fn expand(input: &Input<'_>) -> TokenStream {
    let ident = input.ident;
    let generics = bound::with_bound(input, &quote!(__bw::schema::Describe));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let base = &input.schema_name;
    let params = bound::type_params(input);
    let kind = match &input.shape {
        Shape::Struct(fields, Style::Tuple) if fields.iter().filter(|f| !f.skip).count() == 1 => {
            let only = fields.iter().find(|f| !f.skip).map(field_type);
            quote!(__bw::schema::DefKind::Type(#only))
        }
        Shape::Struct(fields, _) => {
            let fields = field_list(fields);
            quote!(__bw::schema::DefKind::Type(__bw::__private::struct_kind(#fields)))
        }
        Shape::Enum(variants) => {
            let pairs = variants.iter().map(|v| {
                let vi = v.ident;
                let member = &v.schema_name;
                quote!((#member, #ident::#vi as __bw::__private::i128 as __bw::__private::u64))
            });
            quote!(__bw::__private::enum_kind(&[#(#pairs),*]))
        }
        Shape::Union(variants) => {
            let shapes = variants.iter().map(|v| {
                let name = &v.schema_name;
                let tag = v.tag;
                let active: Vec<&Field<'_>> = v.fields.iter().filter(|f| !f.skip).collect();
                let shape = match (v.style, active.as_slice()) {
                    (Style::Unit, _) | (_, []) => quote!(__bw::__private::VariantShape::Unit),
                    (Style::Tuple, [only]) => {
                        let ty = field_type(only);
                        quote!(__bw::__private::VariantShape::Newtype(#ty))
                    }
                    _ => {
                        let fields = field_list(&v.fields);
                        quote!(__bw::__private::VariantShape::Struct(#fields))
                    }
                };
                quote!((#name, #tag, #shape))
            });
            quote! {{
                let __variants = __bw::__private::vec![#(#shapes),*];
                __bw::schema::DefKind::Type(__bw::__private::union_kind(__b, &__name, __variants))
            }}
        }
    };
    quote! {
        impl #impl_generics __bw::schema::Describe for #ident #ty_generics #where_clause {
            fn describe(__b: &mut __bw::__private::Builder) -> __bw::schema::Type {
                let __args = __bw::__private::vec![
                    #(<#params as __bw::schema::Describe>::describe(__b)),*
                ];
                let __name = __b.instance_name(#base, &__args);
                __b.define(__bw::__private::string(&__name), |__b| #kind)
            }
        }
    }
}

/// `vec![(name, type), ...]` for the fields that are not skipped.
fn field_list(fields: &[Field<'_>]) -> TokenStream {
    let entries = crate::model::wire_fields(fields).into_iter().map(|f| {
        let name = &f.schema_name;
        let ty = field_type(f);
        quote!((__bw::__private::string(#name), #ty))
    });
    quote!(__bw::__private::vec![#(#entries),*])
}

/// The schema type of a field: its type's, with `data` read as `list<u8>`
/// under `#[bare(list)]`.
fn field_type(f: &Field<'_>) -> TokenStream {
    let described = describe_field(f);
    if f.attrs.list.is_set() {
        quote!(__bw::__private::bytes_as_list(#described))
    } else {
        described
    }
}
