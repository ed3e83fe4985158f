//! Host-only seams for the host platform crates (the `fuchsia_async` executor). Product code
//! never uses this module; it has no in-tree counterpart.

pub use crate::kernel::wait::SignalWait;
