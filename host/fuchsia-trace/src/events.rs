//! Duration, instant and counter events.

use crate::{Arg, AsTraceStrRef, Scope, TraceCategoryContext};
use trace_engine::EventPayload;

/// The most arguments one event takes, as in-tree.
pub(crate) const MAX_ARGS: usize = 15;

pub(crate) fn check_args(args: &[Arg<'_>]) {
    assert!(args.len() <= MAX_ARGS, "no more than 15 trace arguments are supported");
}

pub(crate) fn record_scope(scope: Scope) -> trace_engine::Scope {
    match scope {
        Scope::Thread => trace_engine::Scope::Thread,
        Scope::Process => trace_engine::Scope::Process,
        Scope::Global => trace_engine::Scope::Global,
    }
}

/// Writes an instant event through `context`. Panics with more than 15 arguments.
pub fn instant<S: AsTraceStrRef>(
    context: &TraceCategoryContext,
    name: S,
    scope: Scope,
    args: &[Arg<'_>],
) {
    check_args(args);
    let scope = record_scope(scope);
    context.write(&name.as_trace_str(), EventPayload::Instant { scope }, args);
}

/// Writes a counter event: each argument is one numeric series of the counter `counter_id`
/// named `name` (the id tells apart counters of one name in one process). Panics, as
/// in-tree, without an argument or with more than 15.
pub fn counter<S: AsTraceStrRef>(
    context: &TraceCategoryContext,
    name: S,
    counter_id: u64,
    args: &[Arg<'_>],
) {
    assert!(!args.is_empty(), "trace counter args must include at least one numeric argument");
    check_args(args);
    context.write(&name.as_trace_str(), EventPayload::Counter { id: counter_id }, args);
}

/// A duration in progress: one complete-duration event, with the arguments given at its
/// start, is written when this drops (as in-tree).
#[must_use = "the duration ends when this value drops"]
pub struct DurationScope<'a, S: AsTraceStrRef> {
    context: TraceCategoryContext,
    name: S,
    args: &'a [Arg<'a>],
    /// When the duration began, monotonic nanoseconds.
    start_nanos: i64,
}

impl<S: AsTraceStrRef> Drop for DurationScope<'_, S> {
    fn drop(&mut self) {
        let end_ticks = u64::try_from(zx::MonotonicInstant::get().into_nanos()).unwrap_or_default();
        self.context.write_at(
            self.start_nanos,
            &self.name.as_trace_str(),
            EventPayload::DurationComplete { end_ticks },
            self.args,
        );
    }
}

/// Begins a duration named `name`; it is written, with `args`, when the returned scope
/// drops. Panics with more than 15 arguments.
pub fn duration<'a, S: AsTraceStrRef>(
    context: TraceCategoryContext,
    name: S,
    args: &'a [Arg<'a>],
) -> DurationScope<'a, S> {
    check_args(args);
    DurationScope { context, name, args, start_nanos: zx::MonotonicInstant::get().into_nanos() }
}
