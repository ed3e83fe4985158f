//! Host-only seams for the host platform crates (the `fuchsia_async` executor) and for
//! benchmarks. Product code never uses this module; it has no in-tree counterpart.

pub mod counters;

pub use crate::kernel::wait::SignalWait;
