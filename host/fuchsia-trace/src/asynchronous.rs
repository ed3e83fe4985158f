//! Async events: spans that begin and end at any point, on any thread, told apart by an id.

use crate::events::check_args;
use crate::{Arg, AsTraceStrRef, CategoryString, Id, TraceCategoryContext};
use std::ffi::CStr;
use trace_engine::EventPayload;

/// An async span in progress (`async_enter!`): the begin event was written when it was made;
/// the end event is written by [`AsyncScope::end`], with arguments, or when it drops,
/// without. Each event is written only if its category is enabled at that moment.
#[must_use = "the span ends when this value drops"]
pub struct AsyncScope<C: CategoryString = &'static CStr, S: AsTraceStrRef = &'static CStr> {
    id: Id,
    category: C,
    name: S,
    /// Set by `end`, so that dropping writes no second end event.
    ended: bool,
}

impl<C: CategoryString, S: AsTraceStrRef> AsyncScope<C, S> {
    /// Writes the begin event of the span `id` named `name` now.
    pub fn begin(id: Id, category: C, name: S, args: &[Arg<'_>]) -> Self {
        async_begin(id, category, &name, args);
        AsyncScope { id, category, name, ended: false }
    }

    /// Ends the span now, with `args` on the end event.
    pub fn end(mut self, args: &[Arg<'_>]) {
        async_end(self.id, self.category, &self.name, args);
        self.ended = true;
    }
}

impl<C: CategoryString, S: AsTraceStrRef> Drop for AsyncScope<C, S> {
    fn drop(&mut self) {
        if !self.ended {
            async_end(self.id, self.category, &self.name, &[]);
        }
    }
}

/// Begins an async span, ended when the returned scope ends or drops. Panics with more than
/// 15 arguments.
pub fn async_enter<C: CategoryString, S: AsTraceStrRef>(
    id: Id,
    category: C,
    name: S,
    args: &[Arg<'_>],
) -> AsyncScope<C, S> {
    AsyncScope::begin(id, category, name, args)
}

/// Writes the begin event of the async span `id` if `category` is enabled.
pub fn async_begin<C: CategoryString, S: AsTraceStrRef>(
    id: Id,
    category: C,
    name: S,
    args: &[Arg<'_>],
) {
    write_if_enabled(category, name, EventPayload::AsyncBegin { id: id.into() }, args);
}

/// Writes the end event of the async span `id` if `category` is enabled.
pub fn async_end<C: CategoryString, S: AsTraceStrRef>(
    id: Id,
    category: C,
    name: S,
    args: &[Arg<'_>],
) {
    write_if_enabled(category, name, EventPayload::AsyncEnd { id: id.into() }, args);
}

/// Writes one event with `payload`; with `category` disabled, nothing is copied or written.
/// Panics with more than 15 arguments, enabled or not.
fn write_if_enabled<C: CategoryString, S: AsTraceStrRef>(
    category: C,
    name: S,
    payload: EventPayload,
    args: &[Arg<'_>],
) {
    check_args(args);
    if let Some(context) = TraceCategoryContext::acquire(category) {
        context.write(&name.as_trace_str(), payload, args);
    }
}

/// Writes an instant event within the async span `id`.
pub fn async_instant<S: AsTraceStrRef>(
    id: Id,
    context: &TraceCategoryContext,
    name: S,
    args: &[Arg<'_>],
) {
    check_args(args);
    context.write(&name.as_trace_str(), EventPayload::AsyncInstant { id: id.into() }, args);
}
