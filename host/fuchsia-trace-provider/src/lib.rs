//! Host build of `fuchsia_trace_provider` (in-tree `//src/lib/trace/rust:trace-provider`,
//! `src/lib/trace/rust/trace-provider/src/lib.rs`).
//!
//! On Fuchsia a process's trace events reach a trace session only once the process has
//! created a trace provider, which registers with the trace manager through
//! `fuchsia.tracing.provider.Registry` (routed by `trace/client.shard.cml`);
//! `#[fuchsia::main]` creates none. On the host the calling thread's component instance
//! (or, outside any instance, the process) is registered with the host trace sessions of
//! `fuchsia_trace::host`.
//!
//! Host deviation: the host provider does not connect to `fuchsia.tracing.provider.Registry`,
//! so a missing `trace/client.shard.cml` is caught by the manifest check
//! (`cargo run -p intree-checks --bin check-manifest-includes`), not at run time.

/// Creates the trace provider of the calling component, so that its trace events are
/// recorded by active trace sessions. Call it once, early in the entry point; calling it
/// again is harmless.
pub fn trace_provider_create_with_fdio() {
    fuchsia_trace::host::register_provider();
}

/// Waits until the provider has acknowledged already-running trace sessions. On the host
/// registration is synchronous, so this returns at once.
pub fn trace_provider_wait_for_init() {}
