//! Scopes: structured concurrency. A scope owns tasks; joining it waits for all of them,
//! cancelling or dropping it aborts all of them.
//!
//! Scopes nest: `Scope::new()` makes a child of the current scope. Aborting a scope aborts
//! its children; joining a scope waits for its children's tasks too.
//!
//! Host narrowing: there are no cooperative cancellation guards (`ScopeActiveGuard`), so
//! `cancel` aborts like `abort`.

use super::task::{self, JoinHandle, Task};
use pin_project_lite::pin_project;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::future::{Future, IntoFuture, poll_fn};
use std::ops::Deref;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll, Waker};

/// A scope for async tasks. Dropping it aborts its tasks.
#[must_use = "Scopes should be explicitly awaited or cancelled"]
#[derive(Debug)]
pub struct Scope {
    inner: ScopeHandle,
    /// Set by `detach`: dropping the scope then leaves its tasks running.
    detached: bool,
}

impl Default for Scope {
    fn default() -> Self {
        Self::new()
    }
}

impl Scope {
    /// Creates a child of the current scope (see [`Scope::current`]).
    ///
    /// # Panics
    ///
    /// If the thread runs no executor.
    pub fn new() -> Scope {
        Self::current().new_child()
    }

    /// Creates a named child of the current scope (see [`Scope::current`]).
    ///
    /// # Panics
    ///
    /// If the thread runs no executor.
    pub fn new_with_name(name: impl Into<String>) -> Scope {
        Self::current().new_child_with_name(name)
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
    pub fn detach(mut self) {
        self.detached = true;
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        if !self.detached {
            self.inner.abort_all();
        }
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
        self.scope.inner.poll_no_tasks(cx)
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
    /// The scope this one was created in; `None` for an executor's global scope.
    parent: Option<ScopeHandle>,
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
    /// Wakers of `Join` futures of this scope or an ancestor, woken when a task of this
    /// scope or a descendant ends.
    join_wakers: Vec<Waker>,
    /// Child scopes; a child lives while its `Scope`, a handle or a task holds it.
    children: Vec<Weak<ScopeInner>>,
}

thread_local! {
    /// The scope of the task being polled on this thread. Touched only by its own thread.
    static CURRENT_SCOPE: RefCell<Option<ScopeHandle>> = const { RefCell::new(None) };
}

impl ScopeHandle {
    /// A new root scope (an executor's global scope).
    pub(crate) fn new_root(name: String) -> Self {
        Self::with_parent(name, None, false)
    }

    fn with_parent(name: String, parent: Option<ScopeHandle>, aborted: bool) -> Self {
        ScopeHandle {
            inner: Arc::new(ScopeInner {
                name,
                parent,
                state: Mutex::new(ScopeState {
                    open: !aborted,
                    aborted,
                    tasks: HashMap::new(),
                    next_id: 0,
                    join_wakers: Vec::new(),
                    children: Vec::new(),
                }),
            }),
        }
    }

    /// Creates a child scope: it is aborted with this scope, and joining this scope waits
    /// for its tasks. A child of an aborted scope starts aborted.
    pub fn new_child(&self) -> Scope {
        self.new_child_with_name(String::new())
    }

    /// Creates a named child scope.
    pub fn new_child_with_name(&self, name: impl Into<String>) -> Scope {
        let mut state = self.lock();
        let child = ScopeHandle::with_parent(name.into(), Some(self.clone()), state.aborted);
        state.children.retain(|child| child.strong_count() > 0);
        state.children.push(Arc::downgrade(&child.inner));
        Scope { inner: child, detached: false }
    }

    /// The live child scopes.
    fn children(&self) -> Vec<ScopeHandle> {
        let state = self.lock();
        state.children.iter().filter_map(Weak::upgrade).map(|inner| ScopeHandle { inner }).collect()
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

    /// Aborts every task of this scope and its descendants, and closes them.
    fn abort_all(&self) {
        let tasks: Vec<_> = {
            let mut state = self.lock();
            state.open = false;
            state.aborted = true;
            state.tasks.values().flatten().cloned().collect()
        };
        // Outside the lock: aborting may drop a task's future, which takes the lock.
        for task in tasks {
            task.abort();
        }
        for child in self.children() {
            child.abort_all();
        }
    }

    /// Waits until this scope and its descendants have no task. This is racy: a task may
    /// be spawned as soon as it returns.
    pub async fn on_no_tasks(&self) {
        poll_fn(|cx| self.poll_no_tasks(cx)).await
    }

    /// Ready when this scope and its descendants have no task; otherwise registers `cx`.
    fn poll_no_tasks(&self, cx: &mut Context<'_>) -> Poll<()> {
        // Register first: a task finishing after the check below then wakes `cx`.
        {
            let mut state = self.lock();
            if !state.join_wakers.iter().any(|waker| waker.will_wake(cx.waker())) {
                state.join_wakers.push(cx.waker().clone());
            }
        }
        if self.has_tasks() { Poll::Pending } else { Poll::Ready(()) }
    }

    /// Whether this scope or a descendant still has a task.
    fn has_tasks(&self) -> bool {
        !self.lock().tasks.is_empty() || self.children().iter().any(ScopeHandle::has_tasks)
    }

    /// Forgets a finished task; wakes the joiners of this scope and its ancestors, which
    /// re-check whether anything is left.
    fn remove(&self, id: u64) {
        self.lock().tasks.remove(&id);
        let mut scope = Some(self);
        while let Some(current) = scope {
            let wakers = std::mem::take(&mut current.lock().join_wakers);
            for waker in wakers {
                waker.wake();
            }
            scope = current.inner.parent.as_ref();
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
