//! Bindings of `fuchsia.scheduler` (the RoleManager subset in fidl/fuchsia.scheduler.fidl),
//! generated at build time by the host FIDL back end, under the in-tree crate name.

include!(concat!(env!("OUT_DIR"), "/fidl_fuchsia_scheduler.rs"));
