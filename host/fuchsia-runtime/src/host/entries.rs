//! The process-wide registry of host component entry points.
//!
//! On Fuchsia a component's binary is found through its package. On the host, a crate whose
//! library declares `#[fuchsia::main]` registers the generated entry function here, with
//! the crate's name and manifest directory (where its `meta/*.cml` live); the host launcher
//! resolves `#meta/<name>.cm` against these entries. Registration is static (a linker
//! section assembled by `linkme`), so it costs nothing at run time and needs no global state.

pub use linkme;

/// A component entry point registered by `#[fuchsia::main]`.
#[derive(Debug)]
pub struct ComponentEntry {
    /// `CARGO_CRATE_NAME` of the crate that declares the entry point: for a library, the
    /// name of the binary it stands for (a binary of the same package that also uses
    /// `#[fuchsia::main]`, such as a demo, registers under its own different name).
    pub package: &'static str,
    /// `CARGO_MANIFEST_DIR` of that crate: its manifests are in `<manifest_dir>/meta/`.
    pub manifest_dir: &'static str,
    /// Runs the component's main to completion on the calling thread.
    pub main: fn(),
}

/// The unwind payload with which a component's entry point returns early when its instance
/// is asked to stop (`ComponentInstance::request_stop`): the host executors running a
/// component's main future drop it and every task, then resume unwinding with this payload
/// (no panic hook runs). The launcher catches it; any other payload is a real panic.
#[derive(Debug)]
pub struct ComponentStopped;

/// Every registered entry point of the process.
#[linkme::distributed_slice]
pub static COMPONENT_ENTRIES: [ComponentEntry];

/// The registered entry points.
pub fn component_entries() -> &'static [ComponentEntry] {
    &COMPONENT_ENTRIES
}
