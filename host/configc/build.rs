//! Generates the client library of tests/fixtures/all_types.cml for the integration tests,
//! with this crate's own generator (the library source is compiled into the build script).

#[path = "src/lib.rs"]
#[allow(dead_code, unused_imports)] // the build script uses only part of the library
mod configc;

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=src");
    configc::Build::new()
        .manifest("tests/fixtures/all_types.cml")
        .generate_to(out_dir, "all_types_config")
        .unwrap_or_else(|error| panic!("tests/fixtures/all_types.cml: {error}"));
}
