//! The executor a thread belongs to.
//!
//! `Task::spawn`, `Task::local`, `Scope::global` and friends find their executor through a
//! thread-local slot, as the in-tree `EHandle::local()` does. A `LocalExecutor` /
//! `TestExecutor` installs its context on the creating thread for its whole life; a
//! `SendExecutor` installs one on each worker thread and on the thread blocked in `run`.

use super::activity::ActivityTracker;
use crate::ScopeHandle;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use tokio::task::LocalSet;

/// What a thread needs to spawn onto the executor it runs.
///
/// Owned by one thread: it lives in that thread's slot (and, for a local executor, in the
/// executor object on the same thread). The `Arc` fields are shared with other threads of
/// the same executor.
pub(crate) struct ExecutorContext {
    /// Runtime used for `Send` tasks when the thread is not inside the runtime already.
    pub(crate) runtime: Option<tokio::runtime::Handle>,
    /// The set that runs `!Send` tasks; `None` on a `SendExecutor`.
    pub(crate) local_set: Option<Rc<LocalSet>>,
    /// Wake bookkeeping of every task of this executor.
    pub(crate) activity: Arc<ActivityTracker>,
    /// The executor's global scope.
    pub(crate) global_scope: ScopeHandle,
}

thread_local! {
    /// The current thread's executor. Touched only by its own thread.
    static CURRENT: RefCell<Option<Rc<ExecutorContext>>> = const { RefCell::new(None) };
}

/// Uninstalls the thread's executor context when dropped.
#[derive(Debug)]
pub(crate) struct ContextGuard(());

/// Makes `context` the current thread's executor.
///
/// # Panics
///
/// If the thread already has an executor: like in-tree, one thread runs one executor.
pub(crate) fn install(context: Rc<ExecutorContext>) -> ContextGuard {
    set_thread_context(context);
    ContextGuard(())
}

impl Drop for ContextGuard {
    fn drop(&mut self) {
        clear_thread_context();
    }
}

/// Makes `context` the current thread's executor until [`clear_thread_context`].
///
/// # Panics
///
/// If the thread already has an executor.
pub(crate) fn set_thread_context(context: Rc<ExecutorContext>) {
    CURRENT.with(|current| {
        let mut current = current.borrow_mut();
        assert!(current.is_none(), "this thread already has a fuchsia-async executor");
        *current = Some(context);
    });
}

/// Removes the current thread's executor, if any.
pub(crate) fn clear_thread_context() {
    // Take the context out before dropping it: dropping it may drop tasks, whose
    // destructors may look at the slot.
    let context = CURRENT.with(|current| current.borrow_mut().take());
    drop(context);
}

/// The current thread's executor context.
///
/// # Panics
///
/// If the thread runs no fuchsia-async executor.
pub(crate) fn current() -> Rc<ExecutorContext> {
    try_current().expect(
        "no fuchsia-async executor on this thread: create a LocalExecutor, TestExecutor or \
         SendExecutor first",
    )
}

/// The current thread's executor context, if any.
pub(crate) fn try_current() -> Option<Rc<ExecutorContext>> {
    CURRENT.with(|current| current.borrow().clone())
}
