//! GIDL conformance runner for the host FIDL bindings.
//!
//! The bindings of library `test.conformance` are generated at build time by
//! `fidlgen_rust` (with test-only reflection impls, see [`reflect`]); the
//! `.gidl` files are parsed at run time ([`gidl`]) and each case goes through
//! the generated types' real encode/decode paths ([`runner`]).

pub mod gidl;
pub mod reflect;
pub mod runner;

include!(concat!(env!("OUT_DIR"), "/fidl_test_conformance.rs"));

/// Bindings of `fidl/codegen.fidl` (library `test.codegen`), whose protocol
/// code tests/codegen_wire.rs checks on the wire.
pub mod codegen {
    include!(concat!(env!("OUT_DIR"), "/fidl_test_codegen.rs"));
}

/// The folder the bindings were generated from (GIDL_DIR at build time).
pub const GIDL_DIR: &str = env!("GIDL_DIR");
