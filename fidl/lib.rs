//! Rust bindings of `fuchsia.starnix.proxy`, generated from fuchsia.starnix.proxy.fidl at
//! build time.

include!(concat!(env!("OUT_DIR"), "/fidl_fuchsia_starnix_proxy.rs"));
