//! `ComponentInstance`: the per-instance state a Fuchsia process would hold globally.

use crate::HandleInfo;
use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use zx::NullableHandle;

/// Why a component instance stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// Its launcher asked it to stop (`ComponentInstance::request_stop`), as component
    /// manager stops a component it destroys.
    Requested,
    /// It crashed: on Fuchsia its process was killed, here by an unhandled kernel exception
    /// (e.g. the channel-full policy, see `zx::host::PolicyException`). The text says why.
    Crashed(String),
}

/// One running component instance: identity, startup handles, and process-global values.
///
/// Shared by all threads of the instance and by its launcher; every field is behind its own
/// mutex, held only for one map operation.
pub struct ComponentInstance {
    moniker: String,
    url: String,
    startup_handles: Mutex<HashMap<HandleInfo, NullableHandle>>,
    /// Values a Fuchsia process keeps in statics (one per type), e.g. the component inspector.
    singletons: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
    /// Signalled (`EVENT_SIGNALED`) when the instance is asked to stop or crashes.
    stop: zx::Event,
    /// Set once, by whichever thread stops the instance first.
    stop_reason: Mutex<Option<StopReason>>,
    /// Number of threads created inside the instance that are still running; `threads_exited`
    /// is notified whenever it drops.
    live_threads: Mutex<usize>,
    threads_exited: Condvar,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ComponentInstance {
    /// An instance named `moniker` (relative to the host root, e.g. `realm_builder:r1/proxy_manager`)
    /// started from `url`, holding `startup_handles`.
    pub fn new(
        moniker: impl Into<String>,
        url: impl Into<String>,
        startup_handles: impl IntoIterator<Item = (HandleInfo, NullableHandle)>,
    ) -> Arc<ComponentInstance> {
        super::policy::install_handler();
        Arc::new(ComponentInstance {
            moniker: moniker.into(),
            url: url.into(),
            startup_handles: Mutex::new(startup_handles.into_iter().collect()),
            singletons: Mutex::new(HashMap::new()),
            stop: zx::Event::create(),
            stop_reason: Mutex::new(None),
            live_threads: Mutex::new(0),
            threads_exited: Condvar::new(),
        })
    }

    /// Asks the instance to stop, as component manager does when it destroys a component:
    /// raises `EVENT_SIGNALED` on [`Self::stop_event`], which the host executors running the
    /// component's entry point watch.
    pub fn request_stop(&self) {
        self.stop_because(StopReason::Requested);
    }

    /// Stops the instance the way a crashed component stops: as `request_stop`, with the
    /// stop reason `Crashed(reason)`. The host policy-exception handler calls it for a
    /// thread of the instance that violates a kernel policy.
    pub fn crash(&self, reason: impl Into<String>) {
        self.stop_because(StopReason::Crashed(reason.into()));
    }

    fn stop_because(&self, reason: StopReason) {
        lock(&self.stop_reason).get_or_insert(reason);
        // Signalling an event this instance owns cannot fail.
        let _ = self.stop.signal(zx::Signals::empty(), zx::Signals::EVENT_SIGNALED);
    }

    /// Why the instance stopped: `None` while it runs, then the first reason given.
    pub fn stop_reason(&self) -> Option<StopReason> {
        lock(&self.stop_reason).clone()
    }

    /// The event `request_stop` and `crash` signal (`EVENT_SIGNALED`).
    pub fn stop_event(&self) -> &zx::Event {
        &self.stop
    }

    /// Whether `request_stop` or `crash` was called.
    pub fn is_stop_requested(&self) -> bool {
        self.stop.wait_one(zx::Signals::EVENT_SIGNALED, zx::MonotonicInstant::INFINITE_PAST).is_ok()
    }

    /// Number of threads created inside the instance (by any means) still running. The
    /// thread a launcher made enter the instance is not counted: the launcher joins it.
    pub fn live_threads(&self) -> usize {
        *lock(&self.live_threads)
    }

    /// Blocks until every thread created inside the instance has returned from its start
    /// routine.
    pub fn wait_for_threads(&self) {
        let mut live = lock(&self.live_threads);
        while *live > 0 {
            live = self.threads_exited.wait(live).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Counts a thread of the instance until the returned guard drops.
    pub(super) fn thread_started(self: &Arc<Self>) -> LiveThread {
        *lock(&self.live_threads) += 1;
        LiveThread { instance: Arc::clone(self) }
    }

    pub fn moniker(&self) -> &str {
        &self.moniker
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Removes a startup handle; `None` if absent or already taken.
    pub fn take_startup_handle(&self, info: HandleInfo) -> Option<NullableHandle> {
        lock(&self.startup_handles).remove(&info)
    }

    /// The instance's single value of type `T`, created with `T::default()` on first use and
    /// dropped with the instance.
    pub fn singleton<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let value = Arc::clone(
            lock(&self.singletons)
                .entry(TypeId::of::<T>())
                .or_insert_with(|| Arc::new(T::default())),
        );
        value.downcast::<T>().expect("singletons are keyed by their type id")
    }

    /// Makes the calling thread (and every thread it spawns from now on) belong to this
    /// instance until the returned guard drops, which restores the previous membership.
    pub fn enter(self: &Arc<Self>) -> EnteredInstance {
        let previous = CURRENT.with(|current| current.replace(Some(Arc::clone(self))));
        EnteredInstance { previous: Some(previous) }
    }
}

impl std::fmt::Debug for ComponentInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComponentInstance")
            .field("moniker", &self.moniker)
            .field("url", &self.url)
            .finish()
    }
}

thread_local! {
    /// The instance the thread belongs to. Set by `enter` or inherited at thread creation;
    /// only the owning thread touches it.
    static CURRENT: RefCell<Option<Arc<ComponentInstance>>> = const { RefCell::new(None) };
}

/// The component instance the calling thread belongs to, if any.
pub fn current_component() -> Option<Arc<ComponentInstance>> {
    CURRENT.try_with(|current| current.borrow().clone()).ok().flatten()
}

/// Sets the calling thread's instance; used when a new thread starts.
pub(super) fn adopt(instance: Option<Arc<ComponentInstance>>) {
    CURRENT.with(|current| *current.borrow_mut() = instance);
}

/// Counts one running thread of an instance; dropped when the thread's start routine returns.
pub(super) struct LiveThread {
    instance: Arc<ComponentInstance>,
}

impl Drop for LiveThread {
    fn drop(&mut self) {
        let mut live = lock(&self.instance.live_threads);
        *live -= 1;
        self.instance.threads_exited.notify_all();
    }
}

/// Restores the thread's previous instance when dropped.
#[must_use = "the thread leaves the instance when this guard drops"]
pub struct EnteredInstance {
    previous: Option<Option<Arc<ComponentInstance>>>,
}

impl Drop for EnteredInstance {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            let _ = CURRENT.try_with(|current| *current.borrow_mut() = previous);
        }
    }
}
