//! Wake bookkeeping that lets `TestExecutor::run_until_stalled` tell a stalled executor
//! from a busy one.
//!
//! Every task spawned through this crate is wrapped in a [`Tracked`] future. The wrapper
//! hands the inner future its own waker, so the executor learns about every wake: a task
//! that was woken and has not been polled since is *runnable*. An executor whose main
//! future is not woken and whose [`ActivityTracker`] counts zero runnable tasks cannot
//! make progress without an external event.

use futures::task::AtomicWaker;
use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// Number of runnable (woken, not yet polled) tasks of one executor.
///
/// Shared by the executor and every task it runs; touched from any thread (wakes may come
/// from any thread), so it is a plain atomic counter.
#[derive(Debug, Default)]
pub(crate) struct ActivityTracker {
    runnable: AtomicUsize,
}

impl ActivityTracker {
    /// Number of tasks woken and not yet polled.
    pub(crate) fn runnable(&self) -> usize {
        self.runnable.load(Ordering::SeqCst)
    }
}

/// The task has been polled since its last wake.
const IDLE: u8 = 0;
/// The task has been woken and not polled since.
const SCHEDULED: u8 = 1;
/// The task's future is gone; wakes are ignored.
const DONE: u8 = 2;

/// The wake state of one task (or of a main future).
///
/// Shared between the task's wrapper and every clone of the waker it handed out; touched
/// from any thread through atomics only.
#[derive(Debug)]
pub(crate) struct TaskWake {
    state: AtomicU8,
    /// Counts this task while it is SCHEDULED; `None` for a main future, which the
    /// stall check looks at directly.
    tracker: Option<Arc<ActivityTracker>>,
    /// The waker of the executor that really schedules the task.
    scheduler: AtomicWaker,
}

impl TaskWake {
    /// A new wake state that starts SCHEDULED (a new task must be polled once).
    pub(crate) fn new(tracker: Option<Arc<ActivityTracker>>) -> Arc<Self> {
        if let Some(tracker) = &tracker {
            tracker.runnable.fetch_add(1, Ordering::SeqCst);
        }
        Arc::new(Self { state: AtomicU8::new(SCHEDULED), tracker, scheduler: AtomicWaker::new() })
    }

    /// Records the waker that the executor passed to the latest poll.
    pub(crate) fn register(&self, waker: &Waker) {
        self.scheduler.register(waker);
    }

    /// Whether the task was woken since it was last polled.
    pub(crate) fn is_scheduled(&self) -> bool {
        self.state.load(Ordering::SeqCst) == SCHEDULED
    }

    /// Marks the task as being polled now; returns whether it had been woken.
    pub(crate) fn take_scheduled(&self) -> bool {
        let was_scheduled = self
            .state
            .compare_exchange(SCHEDULED, IDLE, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        if was_scheduled {
            self.uncount();
        }
        was_scheduled
    }

    /// Marks the task as finished: later wakes are ignored.
    fn finish(&self) {
        if self.state.swap(DONE, Ordering::SeqCst) == SCHEDULED {
            self.uncount();
        }
    }

    fn uncount(&self) {
        if let Some(tracker) = &self.tracker {
            tracker.runnable.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// A waker that marks this task runnable, then wakes the executor's waker.
    pub(crate) fn waker(self: &Arc<Self>) -> Waker {
        Waker::from(self.clone())
    }
}

impl Wake for TaskWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    /// Schedules the task only if it was idle: a task already scheduled is not woken again,
    /// and a finished one is not woken at all (nobody waits for it).
    fn wake_by_ref(self: &Arc<Self>) {
        if self.state.compare_exchange(IDLE, SCHEDULED, Ordering::SeqCst, Ordering::SeqCst).is_ok()
        {
            if let Some(tracker) = &self.tracker {
                tracker.runnable.fetch_add(1, Ordering::SeqCst);
            }
            self.scheduler.wake();
        }
    }
}

/// Ends a task's wake bookkeeping when its future is dropped (completed or aborted).
struct FinishOnDrop(Arc<TaskWake>);

impl Drop for FinishOnDrop {
    fn drop(&mut self) {
        self.0.finish();
    }
}

pin_project! {
    /// A spawned future whose wakes are counted by an [`ActivityTracker`].
    pub(crate) struct Tracked<F> {
        #[pin]
        future: F,
        wake: FinishOnDrop,
    }
}

impl<F> Tracked<F> {
    pub(crate) fn new(future: F, tracker: Arc<ActivityTracker>) -> Self {
        Self { future, wake: FinishOnDrop(TaskWake::new(Some(tracker))) }
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let wake = &this.wake.0;
        // Register before clearing SCHEDULED so that a wake racing with this poll
        // reaches the executor's current waker.
        wake.register(cx.waker());
        wake.take_scheduled();
        let waker = wake.waker();
        this.future.poll(&mut Context::from_waker(&waker))
    }
}
