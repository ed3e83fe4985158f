//! Bindings of the host fuchsia.io subset (`fidl/fuchsia.io.fidl`), generated at build time.
//!
//! `Directory.Open(path, flags, object)` opens a protocol or sub-directory by path; errors
//! come back as an epitaph on `object`.

include!(concat!(env!("OUT_DIR"), "/fidl_fuchsia_io.rs"));
