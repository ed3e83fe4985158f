//! Bindings of library `test.protocol` (fidl/test.protocol.fidl), generated
//! at build time by `fidlgen_rust`. Used only by this crate's tests and
//! benchmark, which exercise the host FIDL runtime end to end.

include!(concat!(env!("OUT_DIR"), "/fidl_test_protocol.rs"));
