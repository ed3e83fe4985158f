//! Executors: a single-threaded `LocalExecutor`, its `TestExecutor` variant that can run
//! until stalled, and a multi-threaded `SendExecutor`. All run on tokio.

use super::activity::{ActivityTracker, TaskWake};
use super::context::{self, ContextGuard, ExecutorContext};
use crate::ScopeHandle;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::task::LocalSet;

/// Host stand-in for a component's process being killed: on a thread that belongs to a
/// component instance (see `fuchsia_runtime::host`), `future` runs until it completes or the
/// instance is asked to stop, whichever comes first. A stopped instance's executors then
/// unwind with `ComponentStopped` (no panic hook runs), dropping their tasks and the
/// handles those hold, as the kernel closes a dead process's handles. Outside any instance
/// this is `future` itself.
async fn unless_stopped<F: Future>(
    future: F,
) -> Result<F::Output, fuchsia_runtime::host::ComponentStopped> {
    let Some(instance) = fuchsia_runtime::host::current_component() else {
        return Ok(future.await);
    };
    let stop = crate::OnSignals::new(instance.stop_event(), zx::Signals::EVENT_SIGNALED);
    match futures::future::select(std::pin::pin!(future), stop).await {
        futures::future::Either::Left((output, _)) => Ok(output),
        futures::future::Either::Right(_) => Err(fuchsia_runtime::host::ComponentStopped),
    }
}

/// Records, in `zx::host::counters`, that the executor of this thread left its park: on
/// Fuchsia, a return from `zx_port_wait` after the executor ran out of work.
fn record_wakeup() {
    zx::host::counters::record(zx::host::counters::Event::Wakeup);
}

/// A single-threaded executor: runs the main future and every local or `Send` task on the
/// thread that created it.
///
/// Only one executor may exist per thread at a time.
///
/// As in-tree (src/lib/fuchsia-async, executor under src/runtime/fuchsia/executor/), it is
/// made with `LocalExecutor::default()` or `LocalExecutorBuilder`; there is no
/// `LocalExecutor::new`:
///
/// ```compile_fail,E0599
/// let _executor = fuchsia_async::LocalExecutor::new();
/// ```
pub struct LocalExecutor {
    // Field order is drop order: uninstall the thread's context, then drop the local tasks
    // (the context owns the local set), then the runtime and its remaining tasks.
    guard: ContextGuard,
    context: Rc<ExecutorContext>,
    runtime: tokio::runtime::Runtime,
}

impl Default for LocalExecutor {
    /// Creates an executor and makes it the current thread's executor.
    ///
    /// # Panics
    ///
    /// If the thread already has an executor.
    fn default() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .on_thread_unpark(record_wakeup)
            .build()
            .expect("cannot start a tokio current-thread runtime");
        let context = Rc::new(ExecutorContext {
            runtime: Some(runtime.handle().clone()),
            local_set: Some(Rc::new(LocalSet::new())),
            activity: Arc::default(),
            global_scope: ScopeHandle::new_root("global".to_owned()),
        });
        let guard = context::install(context.clone());
        Self { guard, context, runtime }
    }
}

impl LocalExecutor {
    /// Runs `main_future` to completion on this thread, running spawned tasks meanwhile.
    ///
    /// Host: on a thread of a component instance that is asked to stop, unwinds instead; see
    /// [`unless_stopped`].
    pub fn run_singlethreaded<F: Future>(&mut self, main_future: F) -> F::Output {
        let local_set = self.local_set().clone();
        let outcome = self.runtime.block_on(local_set.run_until(unless_stopped(main_future)));
        outcome.unwrap_or_else(|stopped| std::panic::resume_unwind(Box::new(stopped)))
    }

    fn local_set(&self) -> &Rc<LocalSet> {
        self.context.local_set.as_ref().expect("a local executor always has a local set")
    }
}

impl std::fmt::Debug for LocalExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalExecutor").field("guard", &self.guard).finish_non_exhaustive()
    }
}

/// Builds a [`LocalExecutor`].
#[derive(Debug, Default)]
pub struct LocalExecutorBuilder {}

impl LocalExecutorBuilder {
    /// A builder with default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the executor and makes it the current thread's executor.
    pub fn build(self) -> LocalExecutor {
        LocalExecutor::default()
    }
}

/// A single-threaded executor for tests, which can run until no task can progress.
#[derive(Debug)]
pub struct TestExecutor {
    executor: LocalExecutor,
}

impl Default for TestExecutor {
    fn default() -> Self {
        Self::new()
    }
}

impl TestExecutor {
    /// Creates a test executor and makes it the current thread's executor.
    ///
    /// # Panics
    ///
    /// If the thread already has an executor.
    pub fn new() -> Self {
        Self { executor: LocalExecutor::default() }
    }

    /// Runs `main_future` to completion on this thread, running spawned tasks meanwhile.
    pub fn run_singlethreaded<F: Future>(&mut self, main_future: F) -> F::Output {
        self.executor.run_singlethreaded(main_future)
    }

    /// Polls `main_future` and runs spawned tasks until either `main_future` completes
    /// (`Ready`) or neither it nor any task spawned through this crate can make progress
    /// without an external event (`Pending`): no wake is outstanding and timers that have
    /// expired have been delivered.
    ///
    /// External events (signals raised by other threads, timers expiring later) wake the
    /// futures as usual; a later call picks them up.
    pub fn run_until_stalled<F: Future + Unpin>(&mut self, main_future: &mut F) -> Poll<F::Output> {
        let activity = self.executor.context.activity.clone();
        let main_wake = TaskWake::new(None);
        // Whether the previous round also found the executor idle. Between two rounds the
        // runtime parks without blocking, which fires expired timers and deferred wakes,
        // so two idle rounds in a row mean a real stall.
        let mut idle_before = false;
        let local_set = self.executor.local_set().clone();
        let stall_or_ready = poll_fn(|cx: &mut Context<'_>| {
            main_wake.register(cx.waker());
            if main_wake.take_scheduled() {
                let waker = main_wake.waker();
                if let Poll::Ready(output) =
                    Pin::new(&mut *main_future).poll(&mut Context::from_waker(&waker))
                {
                    return Poll::Ready(Poll::Ready(output));
                }
            }
            let idle = activity.runnable() == 0 && !main_wake.is_scheduled();
            if idle && idle_before {
                return Poll::Ready(Poll::Pending);
            }
            idle_before = idle;
            // Come back after the local set ran a round and the runtime polled its
            // drivers.
            cx.waker().wake_by_ref();
            Poll::Pending
        });
        self.executor.runtime.block_on(local_set.run_until(stall_or_ready))
    }
}

/// Builds a [`TestExecutor`].
#[derive(Debug, Default)]
pub struct TestExecutorBuilder {}

impl TestExecutorBuilder {
    /// A builder with default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the executor and makes it the current thread's executor.
    pub fn build(self) -> TestExecutor {
        TestExecutor::new()
    }
}

/// A multi-threaded executor: the main future and every `Send` task run on a pool of
/// `num_threads` worker threads.
pub struct SendExecutor {
    runtime: tokio::runtime::Runtime,
    activity: Arc<ActivityTracker>,
    global_scope: ScopeHandle,
    num_threads: u8,
}

impl std::fmt::Debug for SendExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendExecutor").field("num_threads", &self.num_threads).finish()
    }
}

impl SendExecutor {
    fn new(num_threads: u8) -> Self {
        let num_threads = num_threads.max(1);
        let activity = Arc::<ActivityTracker>::default();
        let global_scope = ScopeHandle::new_root("global".to_owned());
        let start_activity = activity.clone();
        let start_scope = global_scope.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(num_threads.into())
            .enable_time()
            .on_thread_start(move || {
                // Cleared by `on_thread_stop` below.
                context::set_thread_context(Rc::new(ExecutorContext {
                    runtime: None,
                    local_set: None,
                    activity: start_activity.clone(),
                    global_scope: start_scope.clone(),
                }));
            })
            .on_thread_stop(context::clear_thread_context)
            .on_thread_unpark(record_wakeup)
            .build()
            .expect("cannot start a tokio multi-thread runtime");
        Self { runtime, activity, global_scope, num_threads }
    }

    /// The number of worker threads.
    pub fn num_threads(&self) -> u8 {
        self.num_threads
    }

    /// Runs `main_future` to completion on the worker threads; the calling thread blocks
    /// meanwhile. A panic of the main future is re-raised here.
    ///
    /// # Panics
    ///
    /// If the calling thread already has an executor.
    pub fn run<F>(&mut self, main_future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // The calling thread also gets a context, so code around `run` sees the executor.
        let _guard = context::install(Rc::new(ExecutorContext {
            runtime: Some(self.runtime.handle().clone()),
            local_set: None,
            activity: self.activity.clone(),
            global_scope: self.global_scope.clone(),
        }));
        let main_future = unless_stopped(main_future);
        let main_task =
            self.runtime.spawn(super::activity::Tracked::new(main_future, self.activity.clone()));
        match self.runtime.block_on(main_task) {
            Ok(Ok(output)) => output,
            Ok(Err(stopped)) => std::panic::resume_unwind(Box::new(stopped)),
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => unreachable!("nothing aborts the main task: {error}"),
        }
    }
}

/// Builds a [`SendExecutor`].
#[derive(Debug, Default)]
pub struct SendExecutorBuilder {
    num_threads: Option<u8>,
}

impl SendExecutorBuilder {
    /// A builder with default settings (one worker thread).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of worker threads (at least one).
    pub fn num_threads(mut self, num_threads: u8) -> Self {
        self.num_threads = Some(num_threads);
        self
    }

    /// Builds the executor.
    pub fn build(self) -> SendExecutor {
        SendExecutor::new(self.num_threads.unwrap_or(1))
    }
}
