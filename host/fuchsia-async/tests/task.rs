//! Task behaviour: spawn, local, join, detach, abort, drop-aborts, panics.

use fuchsia_async as fasync;
use futures::channel::oneshot;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Sets a flag when dropped, to observe that a future was destroyed.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn local_task_output_is_the_task_future_output() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let shared = Rc::new(Cell::new(1));
        let in_task = shared.clone();
        let task = fasync::Task::local(async move {
            in_task.set(in_task.get() + 1);
            42u8
        });
        assert_eq!(task.await, 42);
        assert_eq!(shared.get(), 2);
    });
}

#[test]
fn send_task_on_local_executor_runs_on_this_thread() {
    let this_thread = std::thread::current().id();
    let ran_on = fasync::LocalExecutor::default().run_singlethreaded(async {
        fasync::Task::spawn(async { std::thread::current().id() }).await
    });
    assert_eq!(ran_on, this_thread);
}

#[test]
fn dropping_a_task_aborts_and_drops_its_future() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(dropped.clone());
        let (_never_sent, never) = oneshot::channel::<()>();
        let (done_sender, done) = oneshot::channel::<()>();
        let task = fasync::Task::spawn(async move {
            let _flag = flag;
            let _ = never.await;
            let _ = done_sender.send(());
        });
        fasync::yield_now().await;
        drop(task);
        // The future is dropped without finishing: the sender is dropped, not used.
        assert_eq!(done.await, Err(oneshot::Canceled));
        assert!(dropped.load(Ordering::SeqCst));
    });
}

#[test]
fn detached_task_runs_to_completion() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (go_sender, go) = oneshot::channel::<()>();
        let (done_sender, done) = oneshot::channel::<u32>();
        fasync::Task::local(async move {
            go.await.unwrap();
            done_sender.send(7).unwrap();
        })
        .detach();
        go_sender.send(()).unwrap();
        assert_eq!(done.await, Ok(7));
    });
}

#[test]
fn dropped_join_handle_detaches() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (done_sender, done) = oneshot::channel::<u32>();
        let handle = fasync::Task::spawn(async move {
            fasync::yield_now().await;
            done_sender.send(3).unwrap();
        })
        .detach_on_drop();
        drop(handle);
        assert_eq!(done.await, Ok(3));
    });
}

#[test]
fn abort_of_a_pending_task_resolves_to_none() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let task = fasync::Task::local(futures::future::pending::<u32>());
        fasync::yield_now().await;
        assert_eq!(task.abort().await, None);
    });
}

#[test]
fn abort_of_a_finished_task_returns_its_output() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (done_sender, done) = oneshot::channel::<()>();
        let task = fasync::Task::local(async move {
            let _ = done_sender.send(());
            5u32
        });
        done.await.unwrap();
        // Let the task's completion be recorded.
        fasync::yield_now().await;
        assert_eq!(task.abort().await, Some(5));
    });
}

#[test]
#[should_panic(expected = "boom in task")]
fn a_task_panic_is_raised_where_the_task_is_awaited() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        fasync::Task::local(async { panic!("boom in task") }).await;
    });
}

#[test]
#[should_panic(expected = "Task::local and spawn_local need a LocalExecutor")]
fn task_local_on_a_send_executor_panics() {
    fasync::SendExecutorBuilder::new().num_threads(1).build().run(async {
        fasync::Task::local(async {}).detach();
    });
}

#[test]
#[should_panic(expected = "no fuchsia-async executor on this thread")]
fn spawning_without_an_executor_panics() {
    fasync::Task::spawn(async {}).detach();
}

#[test]
#[should_panic(expected = "this thread already has a fuchsia-async executor")]
fn a_second_executor_on_one_thread_panics() {
    let _first = fasync::LocalExecutor::default();
    let _second = fasync::LocalExecutor::default();
}

#[test]
fn executors_can_be_created_again_after_drop() {
    for round in 0..3u32 {
        let value = fasync::LocalExecutor::default()
            .run_singlethreaded(async move { fasync::Task::local(async move { round }).await });
        assert_eq!(value, round);
    }
}

#[test]
fn tasks_spawned_before_run_start_when_it_runs() {
    let mut executor = fasync::LocalExecutor::default();
    let task = fasync::Task::local(async { 9u8 });
    assert_eq!(executor.run_singlethreaded(task), 9);
}

#[test]
fn unblock_runs_on_another_thread() {
    let this_thread = std::thread::current().id();
    let other = fasync::LocalExecutor::default()
        .run_singlethreaded(fasync::unblock(|| std::thread::current().id()));
    assert_ne!(other, this_thread);
}

#[test]
#[should_panic(expected = "boom in unblock")]
fn unblock_panic_is_raised_where_awaited() {
    fasync::LocalExecutor::default()
        .run_singlethreaded(fasync::unblock(|| -> u8 { panic!("boom in unblock") }));
}

#[test]
fn handles_are_send_and_sync_where_in_tree_ones_are() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send::<fasync::Task<u8>>();
    send::<fasync::JoinHandle<u8>>();
    send_sync::<fasync::Scope>();
    send_sync::<fasync::ScopeHandle>();
    send::<fasync::Join>();
    send_sync::<fasync::Channel>();
    send::<fasync::OnSignals<'static, zx::Event>>();
    send::<fasync::Timer>();
}
