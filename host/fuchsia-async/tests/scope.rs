//! Scope behaviour: spawn, join, cancel, abort on drop, close, current scope.

use fuchsia_async as fasync;
use futures::channel::oneshot;
use std::cell::RefCell;
use std::rc::Rc;

#[test]
fn join_waits_for_every_task() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let log = Rc::new(RefCell::new(Vec::new()));
        let scope = fasync::Scope::new_with_name("workers");
        assert_eq!(scope.name(), "workers");
        let (go_sender, go) = oneshot::channel::<()>();
        let first_log = log.clone();
        scope.spawn_local(async move {
            go.await.unwrap();
            first_log.borrow_mut().push("first");
        });
        let second_log = log.clone();
        scope.spawn_local(async move {
            fasync::yield_now().await;
            second_log.borrow_mut().push("second");
            go_sender.send(()).unwrap();
        });
        scope.join().await;
        assert_eq!(*log.borrow(), vec!["second", "first"]);
    });
}

#[test]
fn join_of_an_empty_scope_is_ready() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        fasync::Scope::new().join().await;
        fasync::Scope::new().await;
    });
}

#[test]
fn cancel_aborts_tasks_and_resolves() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let scope = fasync::Scope::new();
        let (sender, receiver) = oneshot::channel::<()>();
        scope.spawn(async move {
            futures::future::pending::<()>().await;
            let _ = sender.send(());
        });
        fasync::yield_now().await;
        scope.cancel().await;
        // The task's future was dropped: the sender is gone unused.
        assert_eq!(receiver.await, Err(oneshot::Canceled));
    });
}

#[test]
fn dropping_a_scope_aborts_its_tasks() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let scope = fasync::Scope::new();
        let (sender, receiver) = oneshot::channel::<()>();
        scope.spawn_local(async move {
            futures::future::pending::<()>().await;
            let _ = sender.send(());
        });
        drop(scope);
        assert_eq!(receiver.await, Err(oneshot::Canceled));
    });
}

#[test]
fn detached_scope_keeps_running() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let scope = fasync::Scope::new();
        let (go_sender, go) = oneshot::channel::<()>();
        let (done_sender, done) = oneshot::channel::<()>();
        scope.spawn_local(async move {
            go.await.unwrap();
            done_sender.send(()).unwrap();
        });
        scope.detach();
        go_sender.send(()).unwrap();
        assert_eq!(done.await, Ok(()));
    });
}

#[test]
fn a_closed_scope_refuses_new_tasks() {
    fasync::TestExecutor::new().run_singlethreaded(async {
        let scope = fasync::Scope::new();
        let handle = scope.to_handle();
        scope.cancel().await;
        let (sender, receiver) = oneshot::channel::<()>();
        let refused = handle.spawn(async move {
            let _ = sender.send(());
        });
        // The future was dropped without running.
        assert_eq!(receiver.await, Err(oneshot::Canceled));
        // And its handle never resolves.
        let mut refused = std::pin::pin!(refused);
        assert!(futures::poll!(&mut refused).is_pending());
    });
}

#[test]
fn close_lets_running_tasks_finish() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let scope = fasync::Scope::new();
        let (sender, receiver) = oneshot::channel::<u8>();
        scope.spawn_local(async move {
            fasync::yield_now().await;
            sender.send(1).unwrap();
        });
        scope.close().await;
        assert_eq!(receiver.await, Ok(1));
    });
}

#[test]
fn compute_returns_the_task_output() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let scope = fasync::Scope::new();
        assert_eq!(scope.compute(async { 11u8 }).await, 11);
        assert_eq!(scope.compute_local(async { 12u8 }).await, 12);
    });
}

#[test]
fn current_scope_inside_a_scope_task_is_that_scope() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        assert_eq!(fasync::Scope::current().name(), "global");
        let scope = fasync::Scope::new_with_name("outer");
        let name = scope.compute_local(async { fasync::Scope::current().name().to_owned() }).await;
        assert_eq!(name, "outer");
        assert_eq!(fasync::Scope::current().name(), "global");
    });
}

#[test]
fn scope_join_on_a_send_executor() {
    fasync::SendExecutorBuilder::new().num_threads(2).build().run(async {
        let scope = fasync::Scope::new();
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for _ in 0..16 {
            let count = count.clone();
            scope.spawn(async move {
                fasync::yield_now().await;
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            });
        }
        scope.join().await;
        assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 16);
    });
}

#[test]
fn scope_new_is_a_child_of_the_current_scope() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let parent = fasync::Scope::new_with_name("parent");
        let (sender, receiver) = oneshot::channel::<()>();
        // The child is created inside a task of `parent`, and outlives that task.
        let child_handle = parent
            .compute_local(async move {
                let child = fasync::Scope::new_with_name("child");
                let handle = child.to_handle();
                child.spawn_local(async move {
                    futures::future::pending::<()>().await;
                    let _ = sender.send(());
                });
                child.detach();
                handle
            })
            .await;
        assert_eq!(child_handle.name(), "child");
        // Cancelling the parent aborts the child's task.
        parent.cancel().await;
        assert_eq!(receiver.await, Err(oneshot::Canceled));
    });
}

#[test]
fn parent_join_waits_for_child_tasks() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let parent = fasync::Scope::new();
        let child = parent.new_child_with_name("child");
        let (go_sender, go) = oneshot::channel::<()>();
        let (done_sender, done) = oneshot::channel::<u8>();
        child.spawn_local(async move {
            go.await.unwrap();
            done_sender.send(1).unwrap();
        });
        child.detach();
        fasync::Task::local(async move { go_sender.send(()).unwrap() }).detach();
        parent.join().await;
        // The child's task had finished when the parent's join resolved.
        assert_eq!(done.await, Ok(1));
    });
}

#[test]
fn dropping_a_parent_aborts_its_children() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let parent = fasync::Scope::new();
        let child = parent.new_child();
        let (sender, receiver) = oneshot::channel::<()>();
        child.spawn(async move {
            futures::future::pending::<()>().await;
            let _ = sender.send(());
        });
        drop(parent);
        assert_eq!(receiver.await, Err(oneshot::Canceled));
        // The child is closed too: new tasks are refused (dropped unrun).
        let (late_sender, late) = oneshot::channel::<()>();
        let _refused = child.spawn(async move {
            let _ = late_sender.send(());
        });
        assert_eq!(late.await, Err(oneshot::Canceled));
    });
}

#[test]
fn a_child_of_an_aborted_scope_refuses_tasks() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let parent = fasync::Scope::new();
        let handle = parent.to_handle();
        parent.cancel().await;
        let child = handle.new_child();
        let (sender, receiver) = oneshot::channel::<()>();
        let _refused = child.spawn_local(async move {
            let _ = sender.send(());
        });
        assert_eq!(receiver.await, Err(oneshot::Canceled));
    });
}

#[test]
fn on_no_tasks_waits_without_closing_the_scope() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let scope = fasync::Scope::new();
        let (sender, receiver) = oneshot::channel::<u8>();
        scope.spawn_local(async move {
            fasync::yield_now().await;
            sender.send(1).unwrap();
        });
        scope.on_no_tasks().await;
        assert_eq!(receiver.await, Ok(1));
        // Still open: it accepts and runs new tasks.
        assert_eq!(scope.compute_local(async { 2u8 }).await, 2);
        scope.on_no_tasks().await;
    });
}
