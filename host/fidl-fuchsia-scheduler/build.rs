//! Generates the fuchsia.scheduler bindings with the host FIDL back end.

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fidlgen_rust::Build::new()
        .library_files(&["fidl/fuchsia.scheduler.fidl"])
        .generate_to(out_dir)
        .unwrap_or_else(|error| panic!("fuchsia.scheduler.fidl: {error}"));
}
