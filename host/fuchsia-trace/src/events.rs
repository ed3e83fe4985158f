//! Duration, instant and counter events.

use crate::host::{ArgData, EventKind};
use crate::{Arg, AsTraceStrRef, Scope, TraceCategoryContext};

/// The most arguments one event takes, as in-tree.
pub(crate) const MAX_ARGS: usize = 15;

pub(crate) fn owned_args(args: &[Arg<'_>]) -> Vec<(String, ArgData)> {
    assert!(args.len() <= MAX_ARGS, "no more than 15 trace arguments are supported");
    args.iter().map(|arg| (arg.key.to_owned(), arg.value.clone())).collect()
}

/// Writes an instant event through `context`. Panics with more than 15 arguments.
pub fn instant<S: AsTraceStrRef>(
    context: &TraceCategoryContext,
    name: S,
    scope: Scope,
    args: &[Arg<'_>],
) {
    let args = owned_args(args);
    context.write(name.as_trace_str().into_owned(), EventKind::Instant { scope }, args);
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
    let args = owned_args(args);
    context.write(name.as_trace_str().into_owned(), EventKind::Counter { id: counter_id }, args);
}

/// A duration in progress: the begin event is written now, the end event when this drops.
#[must_use = "the duration ends when this value drops"]
pub struct DurationScope {
    context: TraceCategoryContext,
    name: String,
}

impl Drop for DurationScope {
    fn drop(&mut self) {
        self.context.write(std::mem::take(&mut self.name), EventKind::DurationEnd, Vec::new());
    }
}

/// Begins a duration named `name`; it ends when the returned scope drops.
pub fn duration<S: AsTraceStrRef>(
    context: TraceCategoryContext,
    name: S,
    args: &[Arg<'_>],
) -> DurationScope {
    let args = owned_args(args);
    let name = name.as_trace_str().into_owned();
    context.write(name.clone(), EventKind::DurationBegin, args);
    DurationScope { context, name }
}
