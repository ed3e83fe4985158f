//! Bindings of `fuchsia.tracing.controller` (the host copy in fidl/fuchsia.tracing.controller.fidl), generated at build time by the
//! host FIDL back end, under the in-tree crate name.

include!(concat!(env!("OUT_DIR"), "/fidl_fuchsia_tracing_controller.rs"));
