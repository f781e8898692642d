//! Keeps the README true: its URL-key table must be exactly what the codec documents.
#![cfg(not(target_arch = "wasm32"))]

#[test]
fn readme_key_table_matches_the_codec() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains(&grokpad::experiment::url::keys_markdown()), "regenerate with `grokpad keys`");
}
