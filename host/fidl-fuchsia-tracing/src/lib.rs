//! Bindings of `fuchsia.tracing` (the host copy in fidl/fuchsia.tracing.fidl), generated at build time by the
//! host FIDL back end, under the in-tree crate name.

include!(concat!(env!("OUT_DIR"), "/fidl_fuchsia_tracing.rs"));
