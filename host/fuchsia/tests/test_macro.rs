//! `#[fuchsia::test]` with each argument the in-tree macro takes.

use fuchsia_async as fasync;
use std::sync::{Arc, Barrier};

#[fuchsia::test]
async fn async_test_runs_on_a_local_executor() {
    let this_thread = std::thread::current().id();
    let ran_on = fasync::Task::local(async { std::thread::current().id() }).await;
    assert_eq!(ran_on, this_thread);
}

#[fuchsia::test]
fn sync_test_runs_directly() {
    // No executor was created for a sync test: making one succeeds (with one already on
    // the thread it would panic).
    let mut executor = fasync::LocalExecutor::default();
    assert_eq!(executor.run_singlethreaded(async { 1 }), 1);
}

#[fuchsia::test(threads = 2)]
async fn threads_runs_on_a_send_executor_with_that_many_threads() {
    let barrier = Arc::new(Barrier::new(2));
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let barrier = barrier.clone();
            fasync::Task::spawn(async move {
                barrier.wait();
            })
        })
        .collect();
    for task in tasks {
        task.await;
    }
}

#[fuchsia::test(allow_stalls = false)]
async fn allow_stalls_false_runs_until_done() {
    let (sender, receiver) = futures::channel::oneshot::channel();
    fasync::Task::local(async move { sender.send(3u8).unwrap() }).detach();
    assert_eq!(receiver.await, Ok(3));
}

#[fuchsia::test(allow_stalls = false)]
#[should_panic(expected = "the test stalled")]
async fn allow_stalls_false_fails_a_stalled_test() {
    futures::future::pending::<()>().await;
}

#[fuchsia::test(allow_stalls = true)]
async fn allow_stalls_true_waits_for_external_events() {
    let (sender, receiver) = futures::channel::oneshot::channel();
    let waker_thread = std::thread::spawn(move || sender.send(5u8).unwrap());
    assert_eq!(receiver.await, Ok(5));
    waker_thread.join().unwrap();
}

#[fuchsia::test]
async fn async_test_may_return_a_result() -> Result<(), String> {
    fasync::yield_now().await;
    Ok(())
}

#[fuchsia::test]
fn sync_test_may_return_a_result() -> Result<(), String> {
    Ok(())
}

#[fuchsia::test]
async fn test_may_take_its_run_number(run: usize) {
    assert_eq!(run, 0);
}

#[fuchsia::test]
#[should_panic(expected = "expected failure")]
async fn should_panic_is_kept() {
    panic!("expected failure");
}

#[fuchsia::test(
    logging_tags = ["a", "b"],
    logging_minimum_severity = "debug",
    logging_blocking,
    always_log_file_line = true,
    logging_panic_prefix = "OOPS",
)]
async fn every_logging_argument_is_accepted() {
    log::debug!("debug record");
}

#[fuchsia::test(logging = false)]
fn logging_false_is_accepted() {}

#[fuchsia::test(add_test_attr = false)]
fn not_a_test_by_itself() {
    log::info!("called from another test");
}

#[test]
fn add_test_attr_false_leaves_a_plain_function() {
    not_a_test_by_itself();
}

#[fuchsia::test(instrumentation = false)]
async fn instrumentation_is_accepted() {}

// A crate without a BUILD.gn gets the in-tree default, max_severity WARN.

#[fuchsia::test]
fn a_warning_is_within_the_default_max_severity() {
    log::warn!("tolerated");
}

#[fuchsia::test]
#[should_panic(expected = "logged at ERROR (refused), above the max_severity WARN")]
fn an_error_log_fails_the_test() {
    log::error!("refused");
}

#[fuchsia::test]
#[should_panic(expected = "logged at ERROR (from a spawned thread)")]
async fn an_error_logged_by_a_thread_the_test_spawned_fails_it() {
    std::thread::spawn(|| log::error!("from a spawned thread")).join().unwrap();
}

#[fuchsia::test]
fn the_test_runs_as_a_component_instance_of_its_own() {
    let moniker = fuchsia_runtime::host::current_component().map(|c| c.moniker().to_owned());
    assert_eq!(
        moniker.as_deref(),
        Some("test_root:the_test_runs_as_a_component_instance_of_its_own")
    );
}
