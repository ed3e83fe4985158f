//! Tasks: futures owned and polled by the executor.

use super::activity::Tracked;
use super::context;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};

/// A handle to a spawned future. Dropping it detaches the task (it keeps running).
///
/// A `JoinHandle` of a task that was aborted (directly, or by its scope) never resolves,
/// as in-tree.
#[derive(Debug)]
pub struct JoinHandle<T> {
    /// `None` once the output was taken, or when the task was refused by a closed scope.
    task: Option<tokio::task::JoinHandle<T>>,
}

impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    pub(crate) fn new(task: tokio::task::JoinHandle<T>) -> Self {
        Self { task: Some(task) }
    }

    /// A handle of a task that was never started (its scope was closed).
    pub(crate) fn refused() -> Self {
        Self { task: None }
    }

    pub(crate) fn abort_handle(&self) -> Option<tokio::task::AbortHandle> {
        self.task.as_ref().map(tokio::task::JoinHandle::abort_handle)
    }

    /// Aborts the task and returns a future that resolves once it is gone: to
    /// `Some(output)` if the task had already completed, `None` otherwise. The future can be
    /// ignored; the task is aborted either way.
    pub fn abort(mut self) -> impl Future<Output = Option<T>> {
        let task = self.task.take();
        if let Some(task) = &task {
            task.abort();
        }
        async move {
            match task?.await {
                Ok(output) => Some(output),
                Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                Err(_) => None,
            }
        }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let Some(task) = self.task.as_mut() else {
            return Poll::Pending;
        };
        match Pin::new(task).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(output)) => {
                self.task = None;
                Poll::Ready(output)
            }
            Poll::Ready(Err(error)) if error.is_panic() => {
                self.task = None;
                std::panic::resume_unwind(error.into_panic())
            }
            // Aborted (by its scope): like in-tree, the handle pends forever.
            Poll::Ready(Err(_)) => {
                self.task = None;
                Poll::Pending
            }
        }
    }
}

/// A handle to a spawned future that aborts the future when dropped.
///
/// A `Task` is a future of the spawned future's output.
#[must_use]
#[derive(Debug)]
pub struct Task<T>(JoinHandle<T>);

impl<T> Task<T> {
    /// Returns a `JoinHandle`, which detaches the task when dropped.
    pub fn detach_on_drop(mut self) -> JoinHandle<T> {
        // Leaves `self` without a task, so its destructor aborts nothing.
        JoinHandle { task: self.0.task.take() }
    }

    /// Aborts the task and returns a future that resolves once it is gone: to
    /// `Some(output)` if the task had already completed, `None` otherwise.
    pub fn abort(self) -> impl Future<Output = Option<T>> {
        self.detach_on_drop().abort()
    }
}

impl Task<()> {
    /// Lets the task run to completion in the background.
    pub fn detach(self) {
        drop(self.detach_on_drop());
    }
}

impl<T: Send + 'static> Task<T> {
    /// Spawns a `Send` future on the current thread's executor. On a `SendExecutor` it may
    /// run on any of the executor's threads.
    ///
    /// # Panics
    ///
    /// If the thread runs no executor.
    pub fn spawn(future: impl Future<Output = T> + Send + 'static) -> Task<T> {
        Task(JoinHandle::new(spawn_send(future)))
    }
}

impl<T: 'static> Task<T> {
    /// Spawns a future on the current thread's local executor; it runs on this thread.
    ///
    /// # Panics
    ///
    /// If the thread runs no `LocalExecutor` / `TestExecutor` (a `SendExecutor` cannot run
    /// `!Send` futures).
    pub fn local(future: impl Future<Output = T> + 'static) -> Task<T> {
        Task(JoinHandle::new(spawn_local(future)))
    }
}

impl<T> Future for Task<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        if let Some(task) = &self.0.task {
            task.abort();
        }
    }
}

impl<T> From<JoinHandle<T>> for Task<T> {
    fn from(handle: JoinHandle<T>) -> Self {
        Task(handle)
    }
}

/// Spawns a tracked `Send` future on the current executor.
pub(crate) fn spawn_send<T: Send + 'static>(
    future: impl Future<Output = T> + Send + 'static,
) -> tokio::task::JoinHandle<T> {
    let context = context::current();
    let future = Tracked::new(future, context.activity.clone());
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => runtime.spawn(future),
        Err(_) => context
            .runtime
            .as_ref()
            .expect("an executor context outside its runtime always records the runtime")
            .spawn(future),
    }
}

/// Spawns a tracked `!Send` future on the current local executor.
pub(crate) fn spawn_local<T: 'static>(
    future: impl Future<Output = T> + 'static,
) -> tokio::task::JoinHandle<T> {
    let context = context::current();
    let local_set = context
        .local_set
        .as_ref()
        .expect("Task::local and spawn_local need a LocalExecutor or TestExecutor on this thread");
    local_set.spawn_local(Tracked::new(future, context.activity.clone()))
}

/// Runs a blocking function on a new thread; the returned future resolves to its result.
///
/// The function keeps running if the future is dropped. A panic in the function is
/// re-raised where the future is polled.
pub fn unblock<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> impl Future<Output = T> + Send + 'static {
    let (sender, receiver) = futures::channel::oneshot::channel();
    let thread = std::thread::spawn(move || {
        // The receiver may be gone; then nobody wants the result.
        let _ = sender.send(f());
    });
    async move {
        match receiver.await {
            Ok(value) => value,
            // The sender was dropped without sending: the function panicked.
            Err(_) => match thread.join() {
                Err(panic) => std::panic::resume_unwind(panic),
                Ok(()) => unreachable!("the thread sends its result before it returns"),
            },
        }
    }
}

/// Yields to the executor once: the calling task is woken at once and polled again after
/// other runnable tasks had a chance to run.
pub async fn yield_now() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}
