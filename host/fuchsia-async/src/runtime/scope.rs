//! Scopes: structured concurrency. A scope owns tasks; joining it waits for all of them,
//! cancelling or dropping it aborts all of them.
//!
//! Host narrowing: scopes are flat. `Scope::new()` makes an independent scope (in-tree it
//! is a child of the current scope, cancelled with it), and there are no cooperative
//! cancellation guards: `cancel` aborts like `abort`.

use super::task::{self, JoinHandle, Task};
use pin_project_lite::pin_project;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

/// A scope for async tasks. Dropping it aborts its tasks.
#[must_use = "Scopes should be explicitly awaited or cancelled"]
#[derive(Debug)]
pub struct Scope {
    inner: ScopeHandle,
}

impl Default for Scope {
    fn default() -> Self {
        Self::new()
    }
}

impl Scope {
    /// Creates a new, open scope.
    pub fn new() -> Scope {
        Scope { inner: ScopeHandle::new(String::new()) }
    }

    /// Creates a new, open scope with a name.
    pub fn new_with_name(name: impl Into<String>) -> Scope {
        Scope { inner: ScopeHandle::new(name.into()) }
    }

    /// The scope of the task being polled on this thread, or the executor's global scope.
    ///
    /// # Panics
    ///
    /// If the thread runs no executor.
    pub fn current() -> ScopeHandle {
        CURRENT_SCOPE.with(|current| current.borrow().clone()).unwrap_or_else(Self::global)
    }

    /// The executor's global scope: it lives as long as the executor.
    ///
    /// # Panics
    ///
    /// If the thread runs no executor.
    pub fn global() -> ScopeHandle {
        super::context::current().global_scope.clone()
    }

    /// The scope's name (empty if it has none).
    pub fn name(&self) -> &str {
        &self.inner.inner.name
    }

    /// A handle that can spawn tasks on this scope.
    pub fn to_handle(&self) -> ScopeHandle {
        self.inner.clone()
    }

    /// A reference to the handle of this scope.
    pub fn as_handle(&self) -> &ScopeHandle {
        &self.inner
    }

    /// Waits for every task of the scope to complete. The scope accepts new tasks until
    /// then. Dropping the returned future aborts the scope.
    pub fn join(self) -> Join {
        Join { scope: self }
    }

    /// Stops accepting new tasks and waits for every task of the scope to complete.
    pub fn close(self) -> Join {
        self.inner.lock().open = false;
        Join { scope: self }
    }

    /// Aborts every task of the scope and closes it; the returned future resolves once
    /// no task of the scope will be polled again.
    pub fn cancel(self) -> Join {
        self.inner.abort_all();
        Join { scope: self }
    }

    /// Same as [`Scope::cancel`] (this host build has no cooperative cancellation).
    pub fn abort(self) -> impl Future<Output = ()> {
        self.cancel()
    }

    /// Lets the scope's tasks run on in the background.
    pub fn detach(self) {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never used again and its destructor never runs, so the field
        // is moved out exactly once.
        drop(unsafe { std::ptr::read(&this.inner) });
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.inner.abort_all();
    }
}

impl Deref for Scope {
    type Target = ScopeHandle;
    fn deref(&self) -> &ScopeHandle {
        &self.inner
    }
}

impl IntoFuture for Scope {
    type Output = ();
    type IntoFuture = Join;
    fn into_future(self) -> Join {
        self.join()
    }
}

/// A future that resolves when every task of a scope is gone. Dropping it aborts the
/// scope.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Join {
    scope: Scope,
}

impl Future for Join {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.scope.inner.lock();
        if state.tasks.is_empty() {
            Poll::Ready(())
        } else {
            if !state.join_wakers.iter().any(|waker| waker.will_wake(cx.waker())) {
                state.join_wakers.push(cx.waker().clone());
            }
            Poll::Pending
        }
    }
}

/// A handle to a scope, which may be used to spawn tasks on it. Cloning it does not clone
/// the scope; a handle does not keep the scope's tasks alive once the `Scope` is dropped.
#[derive(Clone)]
pub struct ScopeHandle {
    inner: Arc<ScopeInner>,
}

struct ScopeInner {
    name: String,
    /// Touched from any thread that spawns on the scope, runs one of its tasks, joins or
    /// aborts it. Never held across an await, a spawn or a waker call.
    state: Mutex<ScopeState>,
}

struct ScopeState {
    /// Whether new tasks are accepted.
    open: bool,
    /// Whether the scope was aborted (which also closes it).
    aborted: bool,
    /// Live tasks by id; `None` between registration and the spawn returning.
    tasks: HashMap<u64, Option<tokio::task::AbortHandle>>,
    next_id: u64,
    /// Wakers of `Join` futures, woken when `tasks` becomes empty.
    join_wakers: Vec<Waker>,
}

thread_local! {
    /// The scope of the task being polled on this thread. Touched only by its own thread.
    static CURRENT_SCOPE: RefCell<Option<ScopeHandle>> = const { RefCell::new(None) };
}

impl ScopeHandle {
    pub(crate) fn new(name: String) -> Self {
        ScopeHandle {
            inner: Arc::new(ScopeInner {
                name,
                state: Mutex::new(ScopeState {
                    open: true,
                    aborted: false,
                    tasks: HashMap::new(),
                    next_id: 0,
                    join_wakers: Vec::new(),
                }),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, ScopeState> {
        self.inner.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The scope's name (empty if it has none).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Spawns a `Send` task on the scope. Dropping the returned handle detaches the task;
    /// it still ends with the scope.
    pub fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) -> JoinHandle<()> {
        self.compute(future).detach_on_drop()
    }

    /// Spawns a `!Send` task on the scope; it runs on this thread's local executor.
    ///
    /// # Panics
    ///
    /// If the thread runs no `LocalExecutor` / `TestExecutor`.
    pub fn spawn_local(&self, future: impl Future<Output = ()> + 'static) -> JoinHandle<()> {
        self.compute_local(future).detach_on_drop()
    }

    /// Spawns a `Send` task on the scope; dropping the returned `Task` aborts it.
    pub fn compute<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Task<T> {
        self.start(future, |future| task::spawn_send(future))
    }

    /// Spawns a `!Send` task on the scope; dropping the returned `Task` aborts it.
    pub fn compute_local<T: 'static>(&self, future: impl Future<Output = T> + 'static) -> Task<T> {
        self.start(future, |future| task::spawn_local(future))
    }

    fn start<T, F: Future<Output = T>>(
        &self,
        future: F,
        spawn: impl FnOnce(Member<F>) -> tokio::task::JoinHandle<T>,
    ) -> Task<T> {
        let id = {
            let mut state = self.lock();
            if !state.open {
                return Task::from(JoinHandle::refused());
            }
            let id = state.next_id;
            state.next_id += 1;
            state.tasks.insert(id, None);
            id
        };
        let member =
            Member { future, membership: Membership { scope: self.clone(), id, finished: false } };
        // The lock is released: spawning may drop the future at once (runtime shutting
        // down), and the future's drop takes the lock.
        let handle = JoinHandle::new(spawn(member));
        let abort = handle.abort_handle().expect("a spawned task has an abort handle");
        let mut state = self.lock();
        let aborted = state.aborted;
        if let Some(slot) = state.tasks.get_mut(&id) {
            if !aborted {
                *slot = Some(abort);
            } else {
                // Aborted between registration and now.
                abort.abort();
            }
        }
        Task::from(handle)
    }

    /// Aborts every task and closes the scope.
    fn abort_all(&self) {
        let mut state = self.lock();
        state.open = false;
        state.aborted = true;
        for abort in state.tasks.values().flatten() {
            abort.abort();
        }
    }

    /// Forgets a finished task; wakes joiners if it was the last one.
    fn remove(&self, id: u64) {
        let wakers = {
            let mut state = self.lock();
            state.tasks.remove(&id);
            if state.tasks.is_empty() { std::mem::take(&mut state.join_wakers) } else { Vec::new() }
        };
        for waker in wakers {
            waker.wake();
        }
    }
}

impl fmt::Debug for ScopeHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopeHandle").field("name", &self.inner.name).finish()
    }
}

/// Removes a task from its scope when the task's future is dropped.
struct Membership {
    scope: ScopeHandle,
    id: u64,
    finished: bool,
}

impl Drop for Membership {
    fn drop(&mut self) {
        if !self.finished {
            self.scope.remove(self.id);
        }
    }
}

pin_project! {
    /// A scope task's future: makes the scope current while polled, and leaves the scope
    /// when done.
    struct Member<F> {
        #[pin]
        future: F,
        membership: Membership,
    }
}

impl<F: Future> Future for Member<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let result = {
            let _current = CurrentScopeGuard::enter(this.membership.scope.clone());
            this.future.poll(cx)
        };
        if result.is_ready() {
            this.membership.finished = true;
            this.membership.scope.remove(this.membership.id);
        }
        result
    }
}

/// Makes a scope the thread's current scope until dropped (also when a poll panics).
struct CurrentScopeGuard {
    previous: Option<ScopeHandle>,
}

impl CurrentScopeGuard {
    fn enter(scope: ScopeHandle) -> Self {
        Self { previous: CURRENT_SCOPE.with(|current| current.borrow_mut().replace(scope)) }
    }
}

impl Drop for CurrentScopeGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT_SCOPE.with(|current| *current.borrow_mut() = previous);
    }
}
