//! Host (Linux) build of `fuchsia-async`, with the API shapes of the in-tree crate.
//!
//! Executors run on tokio, as the in-tree host runtime does: a current-thread runtime with
//! a `LocalSet` for [`LocalExecutor`] / [`TestExecutor`], a multi-thread runtime for
//! [`SendExecutor`], tokio timers for [`Timer`].

#![warn(missing_docs)]

mod handle;
mod runtime;

pub use handle::channel::{Channel, RecvEtcMsg, RecvMsg};
pub use handle::on_signals::{OnSignals, OnSignalsRef};
pub use handle::rwhandle::{
    DefaultRWHandleSpec, RWHandle, RWHandleSpec, ReadableHandle, ReadableState, WritableHandle,
    WritableState,
};
pub use handle::socket::{DatagramStream, Socket};

pub use runtime::executor::{
    LocalExecutor, LocalExecutorBuilder, SendExecutor, SendExecutorBuilder, TestExecutor,
    TestExecutorBuilder,
};
pub use runtime::scope::{Join, Scope, ScopeHandle};
pub use runtime::task::{JoinHandle, Task, unblock, yield_now};
pub use runtime::time::{
    DurationExt, MonotonicDuration, MonotonicInstant, OnTimeout, TimeoutExt, Timer, WakeupTime,
};
