//! Generates bindings (with test-only reflection) for every `*.test.fidl`
//! in GIDL_DIR (default: the shared conformance folder next to the
//! workspace), and for the protocol shapes of `fidl/codegen.fidl`.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=GIDL_DIR");
    let dir = std::env::var_os("GIDL_DIR").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"))
            .join("../../../shared/conformance")
    });
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rustc-env=GIDL_DIR={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read GIDL_DIR {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".test.fidl"))
        })
        .collect();
    files.sort();
    let out_dir = std::env::var("OUT_DIR").expect("set by cargo");
    fidlgen_rust::Build::new()
        .library_files(&files)
        .reflection("crate::reflect")
        .generate_to(&out_dir)
        .unwrap_or_else(|e| panic!("generating test.conformance bindings failed:\n{e}"));
    fidlgen_rust::Build::new()
        .library_files(&["fidl/codegen.fidl"])
        .generate_to(&out_dir)
        .unwrap_or_else(|e| panic!("generating test.codegen bindings failed:\n{e}"));
}
