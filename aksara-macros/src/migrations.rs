//! `migrations!("dir")`: every `*.json` file of a folder, embedded with `include_str!`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

/// The expansion of `migrations!(dir)`: `Migrations::from_sources` over the folder's
/// `*.json` files (file name order), each included with `include_str!` so that a change to
/// one rebuilds the crate.
pub(crate) fn expand(dir: &LitStr) -> syn::Result<TokenStream> {
    let root = std::env::var("CARGO_MANIFEST_DIR")
        .map_err(|_| syn::Error::new(dir.span(), "CARGO_MANIFEST_DIR is not set"))?;
    let path = std::path::Path::new(&root).join(dir.value());
    let entries = std::fs::read_dir(&path).map_err(|e| {
        syn::Error::new(
            dir.span(),
            format!("cannot read the migrations folder {}: {e}", path.display()),
        )
    })?;
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let pairs = files.iter().map(|p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let full = p.display().to_string();
        quote! { (#name, ::core::include_str!(#full)) }
    });
    Ok(quote! {
        {
            let files: &[(&str, &str)] = &[#(#pairs),*];
            ::aksara::migrate::Migrations::from_sources(files.iter().copied())
        }
    })
}
