//! Host build of `fuchsia_trace`: the trace macros and functions components call.
//!
//! Follows the in-tree `src/lib/trace/rust/src/lib.rs` (crate `fuchsia_trace`,
//! `//src/lib/trace/rust:trace`): the same macros (`duration!`, `instant!`, `counter!`,
//! `async_enter!`, `async_instant!`), functions and `AsyncScope`, with category names
//! `CategoryString` (static) and event names `AsTraceStrRef` (static or owned strings).
//! As on Fuchsia, events are FXT records written into the buffer a trace session handed the
//! component's trace provider, only while that provider is started and only for the
//! session's categories ([`host`]: the engine the host `fuchsia_trace_provider` drives;
//! the host trace manager reads the buffers and streams them to the session's socket).
//! While no provider in the process is started, every macro costs one relaxed atomic load
//! and evaluates none of its arguments.

mod args;
mod asynchronous;
mod context;
mod engine;
mod events;
mod strings;

/// Host-only: the trace engine of the calling component's provider, which the host
/// `fuchsia_trace_provider` drives on behalf of the trace manager.
pub mod host {
    pub use crate::engine::{Engine, EngineError, TICKS_PER_SECOND, engine};
    pub use trace_engine::BufferingMode;
}

pub use args::{Arg, ArgValue};
pub use asynchronous::{AsyncScope, async_begin, async_end, async_enter, async_instant};
pub use context::{CategoryString, TraceCategoryContext, category_enabled, is_enabled};
pub use events::{DurationScope, counter, duration, instant};
pub use strings::AsTraceStrRef;

/// The scope of an instant event.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Visible on the emitting thread's track.
    Thread,
    /// Visible on the emitting process's track.
    Process,
    /// Visible globally.
    Global,
}

/// An identifier for flows and async spans.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(u64);

impl Id {
    /// A fresh id, distinct from every other `Id::new()` of this process.
    pub fn new() -> Self {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Id(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl Default for Id {
    fn default() -> Self {
        Self::new()
    }
}

impl From<u64> for Id {
    fn from(id: u64) -> Self {
        Id(id)
    }
}

impl From<Id> for u64 {
    fn from(id: Id) -> Self {
        id.0
    }
}

/// Records a duration from this statement to the end of the enclosing block: one
/// complete-duration event, written at the end with the arguments evaluated at the start.
///
/// `duration!("category", "name", "key" => value, ...)`; category and name are
/// `&'static str` or `&'static CStr`. The arguments are evaluated only when the category
/// is enabled.
#[macro_export]
macro_rules! duration {
    ($category:expr, $name:expr $(, $key:expr => $val:expr)* $(,)?) => {
        let args;
        let _scope = if let ::std::option::Option::Some(context) =
            $crate::TraceCategoryContext::acquire($category)
        {
            args = [$($crate::ArgValue::of($key, $val)),*];
            ::std::option::Option::Some($crate::duration(context, $name, &args))
        } else {
            ::std::option::Option::None
        };
    };
}

/// Records an instant event: `instant!("category", "name", Scope::Process, "key" => value)`.
/// The arguments are evaluated only when the category is enabled.
#[macro_export]
macro_rules! instant {
    ($category:expr, $name:expr, $scope:expr $(, $key:expr => $val:expr)* $(,)?) => {
        if let ::std::option::Option::Some(context) =
            $crate::TraceCategoryContext::acquire($category)
        {
            $crate::instant(&context, $name, $scope, &[$($crate::ArgValue::of($key, $val)),*]);
        }
    };
}

/// Records a counter sample: `counter!("category", "name", counter_id, "series" => value, ...)`
/// with `counter_id: u64` and at least one numeric argument (one series each). The
/// arguments are evaluated only when the category is enabled.
#[macro_export]
macro_rules! counter {
    ($category:expr, $name:expr, $counter_id:expr $(, $key:expr => $val:expr)*) => {
        if let ::std::option::Option::Some(context) =
            $crate::TraceCategoryContext::acquire($category)
        {
            $crate::counter(&context, $name, $counter_id, &[$($crate::ArgValue::of($key, $val)),*]);
        }
    };
}

/// Begins an async span: `async_enter!(id, "category", name, "key" => value, ...)` returns
/// `Some(AsyncScope)` when the category is enabled (the span ends when the scope ends or
/// drops) and `None`, evaluating no argument, otherwise. The name may be an owned `String`.
#[macro_export]
macro_rules! async_enter {
    ($id:expr, $category:expr, $name:expr $(, $key:expr => $val:expr)*) => {
        if $crate::TraceCategoryContext::acquire($category).is_some() {
            ::std::option::Option::Some($crate::AsyncScope::begin(
                $id,
                $category,
                $name,
                &[$($crate::ArgValue::of($key, $val)),*],
            ))
        } else {
            ::std::option::Option::None
        }
    };
}

/// Records an instant within the async span `id`:
/// `async_instant!(id, "category", "name", "key" => value, ...)`. The arguments are evaluated
/// only when the category is enabled.
#[macro_export]
macro_rules! async_instant {
    ($id:expr, $category:expr, $name:expr $(, $key:expr => $val:expr)*) => {
        if let ::std::option::Option::Some(context) =
            $crate::TraceCategoryContext::acquire($category)
        {
            $crate::async_instant($id, &context, $name, &[$($crate::ArgValue::of($key, $val)),*]);
        }
    };
}
