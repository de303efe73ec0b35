//! Checks across modules: each key an attribute lists (for its messages)
//! reaches its own arm of that attribute's key parser, never the unknown-key
//! arm, and its example expands cleanly.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attr::Attribute;
use crate::{hook, main_fn};

fn assert_keys_parse(
    attribute: &Attribute,
    item: &TokenStream,
    expand: impl Fn(TokenStream, TokenStream) -> TokenStream,
) {
    let mut all = Vec::new();
    for (key, example) in attribute.keys {
        let args: TokenStream = example.parse().expect("the example is tokens");
        let output = expand(args.clone(), item.clone()).to_string();
        assert!(!output.contains("compile_error"), "`{key}`: {output}");
        all.push(args);
    }
    let output = expand(quote!(#(#all),*), item.clone()).to_string();
    assert!(!output.contains("compile_error"), "every key: {output}");
}

#[test]
fn every_listed_key_is_parsed() {
    let hook_fn = quote!(
        fn hook() {}
    );
    for hook in [&hook::SHUTDOWN, &hook::RELOAD] {
        assert_keys_parse(&hook.attribute, &hook_fn, |args, item| {
            hook::expand(hook, args, item)
        });
    }
    assert_keys_parse(
        &main_fn::ATTRIBUTE,
        &quote!(
            fn main() {}
        ),
        main_fn::expand,
    );
}
