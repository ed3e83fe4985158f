//! Whether a category is being traced, and the context events are written through.

use crate::host::{ArgData, Event, EventKind, sessions_for};
use std::ffi::CStr;
use std::sync::Arc;

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

/// True while any trace session is active and reaches the caller (its component instance
/// created a trace provider).
pub fn is_enabled() -> bool {
    crate::host::any_session_active() && crate::host::provider_registered()
}

/// True while an active session records `category`.
pub fn category_enabled<S: CategoryString>(category: S) -> bool {
    TraceCategoryContext::acquire(category).is_some()
}

/// The sessions recording one category, acquired for one event.
pub struct TraceCategoryContext {
    category: String,
    sessions: Vec<Arc<crate::host::SessionState>>,
}

impl TraceCategoryContext {
    /// `Some` when an active session records `category` and the caller's component instance
    /// created a trace provider; costs one atomic load when no session is active.
    #[inline]
    pub fn acquire<S: CategoryString>(category: S) -> Option<TraceCategoryContext> {
        if !crate::host::any_session_active() || !crate::host::provider_registered() {
            return None;
        }
        let category = category.as_category();
        let sessions = sessions_for(&category);
        (!sessions.is_empty())
            .then(|| TraceCategoryContext { category: category.into_owned(), sessions })
    }

    pub(crate) fn write(&self, name: String, kind: EventKind, args: Vec<(String, ArgData)>) {
        let event = Event::now(self.category.clone(), name, kind, args);
        for session in &self.sessions {
            session.record(event.clone());
        }
    }
}
