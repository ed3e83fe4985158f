//! The tokio-backed runtime: executors, tasks, scopes and time.

mod activity;
mod context;
pub(crate) mod executor;
pub(crate) mod scope;
pub(crate) mod task;
pub(crate) mod time;
