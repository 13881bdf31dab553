//! `include_schema!`: a schema file read at compile time, turned into Rust
//! by `barewire_schema::codegen`.

use std::path::PathBuf;

use barewire_schema::codegen::{Config, MapType, generate_with_docs};
use barewire_schema::{ParseOptions, parse_with_docs};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// `"path" (, option)*`.
struct Args {
    path: LitStr,
    legacy: bool,
    config: Config,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path: LitStr = input.parse()?;
        let mut args = Args {
            path,
            legacy: false,
            config: Config::new(),
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let option: Ident = input.parse()?;
            match option.to_string().as_str() {
                "legacy" => args.legacy = true,
                "borrowed" => {
                    args.config.borrowed(true);
                }
                "hash_map" => {
                    args.config.map_type(MapType::HashMap);
                }
                _ => {
                    return Err(syn::Error::new(
                        option.span(),
                        "unknown option; allowed: `legacy`, `borrowed`, `hash_map`",
                    ));
                }
            }
        }
        Ok(args)
    }
}

/// The expansion of `include_schema!(input)`.
pub fn include_schema(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok(tokens) => tokens,
        Err(err) => err.into_compile_error(),
    }
}

fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let args: Args = syn::parse2(input)?;
    let span = args.path.span();
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| syn::Error::new(span, "CARGO_MANIFEST_DIR is not set: build with cargo"))?;
    let relative = args.path.value();
    let path = dir.join(&relative);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        syn::Error::new(
            span,
            format!("cannot read the schema {}: {e}", path.display()),
        )
    })?;
    let options = ParseOptions {
        legacy: args.legacy,
    };
    let (schema, docs) = parse_with_docs(&text, options).map_err(|e| {
        syn::Error::new(
            span,
            format!("{relative}:{}:{}: {}", e.line, e.column, e.message),
        )
    })?;
    let rust = generate_with_docs(&schema, &docs, &args.config)
        .map_err(|e| syn::Error::new(span, format!("{relative}: {}", e.message)))?;
    let items: TokenStream = rust.parse().map_err(|e| {
        syn::Error::new(
            span,
            format!("barewire generated code that does not lex (a bug): {e}"),
        )
    })?;
    let full = LitStr::new(&path.to_string_lossy(), Span::call_site());
    Ok(quote! {
        #items
        const _: &[u8] = ::core::include_bytes!(#full);
    })
}
