//! `#[fuchsia::main]` registers its entry point for the host launcher, under the declaring
//! crate's name and manifest directory.

#[fuchsia::main(logging = false)]
fn registered_entry() {}

#[test]
fn main_registers_its_entry_point() {
    let entries: Vec<_> = fuchsia::__private::COMPONENT_ENTRIES
        .iter()
        .filter(|entry| entry.package == env!("CARGO_CRATE_NAME"))
        .collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].manifest_dir, env!("CARGO_MANIFEST_DIR"));
    let _: fn() = registered_entry;
}
