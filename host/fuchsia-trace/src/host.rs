//! Host-only: trace sessions that record events in memory (the host's trace manager), and
//! the registry of trace providers.
//!
//! Product code never uses this module; tests start a [`Session`] for some categories, run
//! code that emits events, and read [`Session::events`].
//!
//! As on Fuchsia, where the trace manager only reaches processes that created a trace
//! provider (`fuchsia_trace_provider::trace_provider_create_with_fdio`), an event is
//! recorded only if the emitting thread's component instance (each Fuchsia component is its
//! own process) created a provider, or, for a thread outside any instance, if some thread
//! outside instances did. [`register_provider`] is what the host `fuchsia_trace_provider`
//! calls.
//!
//! Concurrency: the list of active sessions is a process-wide mutex touched by threads that
//! start or stop sessions and by threads emitting events of an enabled category (held only
//! to clone the matching sessions). Each session's event list has its own mutex, held only
//! to push or copy events.

use crate::Scope;
use fuchsia_runtime::host::current_component;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The value of a recorded argument.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgData {
    Null,
    Bool(bool),
    Int32(i32),
    Uint32(u32),
    Int64(i64),
    Uint64(u64),
    Double(f64),
    String(String),
    Koid(u64),
}

/// What kind of event was recorded.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// `duration!` began.
    DurationBegin,
    /// The matching `duration!` scope ended.
    DurationEnd,
    /// `instant!`.
    Instant { scope: Scope },
    /// `counter!`: each argument is a sample of one series of the counter `id`.
    Counter { id: u64 },
    /// An async span `id` began (`async_enter!`, `async_begin`).
    AsyncBegin { id: u64 },
    /// An instant within the async span `id` (`async_instant!`).
    AsyncInstant { id: u64 },
    /// The async span `id` ended (its `AsyncScope` ended or dropped, `async_end`).
    AsyncEnd { id: u64 },
}

/// One recorded event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub category: String,
    pub name: String,
    pub kind: EventKind,
    pub args: Vec<(String, ArgData)>,
    /// Monotonic time of the event, nanoseconds.
    pub timestamp_nanos: i64,
    /// The emitting thread.
    pub thread: std::thread::ThreadId,
    /// Moniker of the emitting thread's component instance, if any.
    pub moniker: Option<String>,
}

impl Event {
    pub(crate) fn now(
        category: String,
        name: String,
        kind: EventKind,
        args: Vec<(String, ArgData)>,
    ) -> Event {
        Event {
            category,
            name,
            kind,
            args,
            timestamp_nanos: zx::MonotonicInstant::get().into_nanos(),
            thread: std::thread::current().id(),
            moniker: fuchsia_runtime::host::current_component()
                .map(|instance| instance.moniker().to_owned()),
        }
    }

    /// The argument named `key`, if recorded.
    pub fn arg(&self, key: &str) -> Option<&ArgData> {
        self.args.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// One active session's categories and events.
#[derive(Debug)]
pub struct SessionState {
    categories: Vec<String>,
    events: Mutex<Vec<Event>>,
}

impl SessionState {
    pub(crate) fn record(&self, event: Event) {
        lock(&self.events).push(event);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether a component instance created a trace provider: an instance singleton, set by any
/// thread of the instance that creates one, read by every thread of it that emits an event.
#[derive(Default)]
struct InstanceProvider(AtomicBool);

/// Whether a thread outside any component instance created a trace provider. Set by such a
/// thread, read by every such thread that emits an event.
static PROCESS_PROVIDER: AtomicBool = AtomicBool::new(false);

/// Registers a trace provider for the calling thread's component instance (or, outside any
/// instance, for the process). Creating it more than once is harmless, as in-tree.
pub fn register_provider() {
    match current_component() {
        Some(instance) => instance.singleton::<InstanceProvider>().0.store(true, Ordering::Release),
        None => PROCESS_PROVIDER.store(true, Ordering::Release),
    }
}

/// Whether the calling thread's component instance (or, outside any instance, the process)
/// created a trace provider.
pub fn provider_registered() -> bool {
    match current_component() {
        Some(instance) => instance.singleton::<InstanceProvider>().0.load(Ordering::Acquire),
        None => PROCESS_PROVIDER.load(Ordering::Acquire),
    }
}

/// Number of active sessions: the one load every macro makes.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
static SESSIONS: Mutex<Vec<Arc<SessionState>>> = Mutex::new(Vec::new());

#[inline]
pub(crate) fn any_session_active() -> bool {
    ACTIVE.load(Ordering::Relaxed) != 0
}

pub(crate) fn sessions_for(category: &str) -> Vec<Arc<SessionState>> {
    lock(&SESSIONS)
        .iter()
        .filter(|session| session.categories.iter().any(|c| c == category))
        .cloned()
        .collect()
}

/// A trace session recording the events of some categories until dropped.
#[derive(Debug)]
pub struct Session {
    state: Arc<SessionState>,
}

impl Session {
    /// Starts recording events of `categories`.
    pub fn start(categories: &[&str]) -> Session {
        let state = Arc::new(SessionState {
            categories: categories.iter().map(|c| (*c).to_owned()).collect(),
            events: Mutex::new(Vec::new()),
        });
        lock(&SESSIONS).push(Arc::clone(&state));
        ACTIVE.fetch_add(1, Ordering::Relaxed);
        Session { state }
    }

    /// The events recorded so far, in the order they were written.
    pub fn events(&self) -> Vec<Event> {
        lock(&self.state.events).clone()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        lock(&SESSIONS).retain(|session| !Arc::ptr_eq(session, &self.state));
        ACTIVE.fetch_sub(1, Ordering::Relaxed);
    }
}
