//! Generates the fuchsia.tracing bindings with the host FIDL back end.

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fidlgen_rust::Build::new()
        .library_files(&["fidl/fuchsia.tracing.fidl"])
        .generate_to(out_dir)
        .unwrap_or_else(|error| panic!("fuchsia.tracing.fidl: {error}"));
}
