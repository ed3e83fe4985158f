//! Host-only seams for the host platform crates (the `fuchsia_async` executor, the host
//! launcher) and for benchmarks. Product code never uses this module; it has no in-tree
//! counterpart.

pub mod counters;

pub use crate::kernel::wait::SignalWait;
pub use crate::policy::{
    MAX_PENDING_CHANNEL_MESSAGES, PolicyException, PolicyExceptionHandler,
    set_policy_exception_handler,
};
