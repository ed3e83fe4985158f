//! Whether a category is being traced, and the context events are written through.

use crate::Arg;
use crate::engine::{Engine, engine_for, started_engine};
use std::ffi::CStr;
use std::sync::Arc;
use trace_engine::{Event, EventPayload, Record, StringRef, ThreadRef};

/// A category name: `&'static str` or `&'static CStr`, as in-tree.
pub trait CategoryString: Copy {
    /// The category as UTF-8 (lossy for a non-UTF-8 C string).
    fn as_category(&self) -> std::borrow::Cow<'static, str>;
}

impl CategoryString for &'static str {
    fn as_category(&self) -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed(self)
    }
}

impl CategoryString for &'static CStr {
    fn as_category(&self) -> std::borrow::Cow<'static, str> {
        self.to_string_lossy()
    }
}

/// True while a trace session has started the calling component's provider.
pub fn is_enabled() -> bool {
    started_engine().is_some()
}

/// True while a trace session records `category` from the calling component.
pub fn category_enabled<S: CategoryString>(category: S) -> bool {
    engine_for(category).is_some()
}

/// The engine recording one category, acquired for one event.
pub struct TraceCategoryContext {
    engine: Arc<Engine>,
    category: std::borrow::Cow<'static, str>,
}

thread_local! {
    /// The calling thread's koid, written into every record it emits.
    static THREAD_KOID: u64 =
        fuchsia_runtime::thread_self().koid().map(|koid| koid.raw_koid()).unwrap_or_default();
}

impl TraceCategoryContext {
    /// `Some` while a session records `category` from the calling thread's component (its
    /// provider was started with the category enabled); one relaxed atomic load while no
    /// provider in the process is started.
    #[inline]
    pub fn acquire<S: CategoryString>(category: S) -> Option<TraceCategoryContext> {
        let (engine, category) = engine_for(category)?;
        Some(TraceCategoryContext { engine, category: category.as_category() })
    }

    /// Writes one event now from the calling thread.
    pub(crate) fn write(&self, name: &str, payload: EventPayload, args: &[Arg<'_>]) {
        self.write_at(zx::MonotonicInstant::get().into_nanos(), name, payload, args);
    }

    /// Writes one event with timestamp `nanos` from the calling thread.
    pub(crate) fn write_at(&self, nanos: i64, name: &str, payload: EventPayload, args: &[Arg<'_>]) {
        let args: Vec<trace_engine::Arg<'_>> = args.iter().map(|arg| arg.to_record()).collect();
        let thread_koid = THREAD_KOID.with(|koid| *koid);
        let record = Record::Event(Event {
            ticks: u64::try_from(nanos).unwrap_or_default(),
            thread: ThreadRef::Inline { process_koid: self.engine.process_koid(), thread_koid },
            category: StringRef::Inline(&self.category),
            name: StringRef::Inline(name),
            args: &args,
            payload,
        });
        self.engine.write_record(&self.category, &record);
    }
}
