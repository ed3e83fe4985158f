//! Duration and instant events.

use crate::host::{ArgData, EventKind};
use crate::session::CategoryString;
use crate::{Arg, Scope, TraceCategoryContext};

fn owned_args(args: &[Arg<'_>]) -> Vec<(String, ArgData)> {
    args.iter().map(|arg| (arg.key.to_owned(), arg.value.clone())).collect()
}

/// Writes an instant event through `context`.
pub fn instant<S: CategoryString>(
    context: &TraceCategoryContext,
    name: S,
    scope: Scope,
    args: &[Arg<'_>],
) {
    context.write(name.as_category().into_owned(), EventKind::Instant { scope }, owned_args(args));
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
pub fn duration<S: CategoryString>(
    context: TraceCategoryContext,
    name: S,
    args: &[Arg<'_>],
) -> DurationScope {
    let name = name.as_category().into_owned();
    context.write(name.clone(), EventKind::DurationBegin, owned_args(args));
    DurationScope { context, name }
}
