//! Executor behaviour: run_until_stalled, SendExecutor threads, wakes from other threads.

use fuchsia_async as fasync;
use futures::channel::oneshot;
use std::collections::HashSet;
use std::pin::pin;
use std::sync::{Arc, Barrier, Mutex};
use std::task::Poll;

#[test]
fn run_until_stalled_returns_ready_when_the_future_completes() {
    let mut executor = fasync::TestExecutor::new();
    let mut future = pin!(async {
        let task = fasync::Task::local(async { 3u8 });
        fasync::yield_now().await;
        task.await + 1
    });
    assert_eq!(executor.run_until_stalled(&mut future), Poll::Ready(4));
}

#[test]
fn run_until_stalled_is_pending_when_stalled_then_ready_after_an_external_wake() {
    let mut executor = fasync::TestExecutor::new();
    let (sender, receiver) = oneshot::channel::<u32>();
    let mut future = pin!(receiver);
    assert_eq!(executor.run_until_stalled(&mut future), Poll::Pending);
    // Still stalled: nothing happened.
    assert_eq!(executor.run_until_stalled(&mut future), Poll::Pending);
    // An external event from another OS thread.
    std::thread::spawn(move || sender.send(8).unwrap()).join().unwrap();
    assert_eq!(executor.run_until_stalled(&mut future), Poll::Ready(Ok(8)));
}

#[test]
fn run_until_stalled_runs_spawned_tasks_until_they_block() {
    let mut executor = fasync::TestExecutor::new();
    let progress = Arc::new(Mutex::new(0u32));
    let (sender, receiver) = oneshot::channel::<()>();
    let task_progress = progress.clone();
    let _task = fasync::Task::local(async move {
        for _ in 0..100 {
            fasync::yield_now().await;
            *task_progress.lock().unwrap() += 1;
        }
        receiver.await.unwrap();
        *task_progress.lock().unwrap() += 1;
    });
    let mut main = futures::future::pending::<()>();
    assert_eq!(executor.run_until_stalled(&mut main), Poll::Pending);
    assert_eq!(*progress.lock().unwrap(), 100);
    sender.send(()).unwrap();
    assert_eq!(executor.run_until_stalled(&mut main), Poll::Pending);
    assert_eq!(*progress.lock().unwrap(), 101);
}

#[test]
fn run_until_stalled_runs_send_tasks_until_they_block() {
    let mut executor = fasync::TestExecutor::new();
    let (ping_sender, mut ping) = futures::channel::mpsc::unbounded::<u32>();
    let (pong_sender, mut pong) = futures::channel::mpsc::unbounded::<u32>();
    let _echo = fasync::Task::spawn(async move {
        use futures::StreamExt;
        while let Some(value) = ping.next().await {
            pong_sender.unbounded_send(value + 1).unwrap();
        }
    });
    let mut main = pin!(async move {
        use futures::StreamExt;
        let mut total = 0;
        for i in 0..20 {
            ping_sender.unbounded_send(i).unwrap();
            total += pong.next().await.unwrap();
        }
        total
    });
    assert_eq!(executor.run_until_stalled(&mut main), Poll::Ready((1..=20).sum()));
}

#[test]
fn run_until_stalled_delivers_expired_timers() {
    let mut executor = fasync::TestExecutor::new();
    let mut timer = fasync::Timer::new(std::time::Duration::ZERO);
    assert_eq!(executor.run_until_stalled(&mut timer), Poll::Ready(()));
}

#[test]
fn a_task_woken_from_another_thread_runs_on_the_local_executor() {
    let this_thread = std::thread::current().id();
    fasync::LocalExecutor::default().run_singlethreaded(async move {
        let (sender, receiver) = oneshot::channel::<u32>();
        let task = fasync::Task::local(async move {
            let value = receiver.await.unwrap();
            (value, std::thread::current().id())
        });
        let waker_thread = std::thread::spawn(move || sender.send(5).unwrap());
        let (value, ran_on) = task.await;
        waker_thread.join().unwrap();
        assert_eq!(value, 5);
        assert_eq!(ran_on, this_thread);
    });
}

#[test]
fn send_executor_runs_tasks_on_num_threads_threads() {
    const THREADS: u8 = 3;
    let mut executor = fasync::SendExecutorBuilder::new().num_threads(THREADS).build();
    assert_eq!(executor.num_threads(), THREADS);
    let caller = std::thread::current().id();
    let threads = executor.run(async move {
        // Every task blocks its thread until all of them run at once: this only
        // completes if THREADS threads run tasks concurrently.
        let barrier = Arc::new(Barrier::new(THREADS.into()));
        let tasks: Vec<_> = (0..THREADS)
            .map(|_| {
                let barrier = barrier.clone();
                fasync::Task::spawn(async move {
                    barrier.wait();
                    std::thread::current().id()
                })
            })
            .collect();
        let mut threads = HashSet::new();
        for task in tasks {
            threads.insert(task.await);
        }
        threads
    });
    assert_eq!(threads.len(), usize::from(THREADS));
    assert!(!threads.contains(&caller), "tasks run on the worker threads");
}

#[test]
fn send_executor_main_future_output_is_returned() {
    let output = fasync::SendExecutorBuilder::new()
        .num_threads(2)
        .build()
        .run(async { fasync::Task::spawn(async { 21u32 }).await * 2 });
    assert_eq!(output, 42);
}

#[test]
#[should_panic(expected = "boom in main")]
fn send_executor_main_future_panic_is_raised_by_run() {
    fasync::SendExecutorBuilder::new().build().run(async { panic!("boom in main") });
}

#[test]
fn local_executor_in_a_std_thread() {
    let handle = std::thread::spawn(|| {
        let mut executor = fasync::LocalExecutor::default();
        executor.run_singlethreaded(async {
            let scope = fasync::Scope::new();
            let (sender, receiver) = oneshot::channel::<u8>();
            scope.spawn_local(async move { sender.send(4).unwrap() });
            let value = receiver.await.unwrap();
            scope.join().await;
            value
        })
    });
    assert_eq!(handle.join().unwrap(), 4);
}
