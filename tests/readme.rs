//! Keeps the README true: its URL-key table and preset table must be what the code defines.
#![cfg(not(target_arch = "wasm32"))]

#[test]
fn readme_key_table_matches_the_codec() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains(&grokpad::experiment::url::keys_markdown()), "regenerate with `grokpad keys`");
}

#[test]
fn readme_lists_every_preset() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for p in grokpad::experiment::presets::PRESETS {
        assert!(
            readme.contains(&format!("| `{}` | {} | {} |", p.slug, p.watch, p.paper)),
            "README lacks preset {}",
            p.slug
        );
    }
}
