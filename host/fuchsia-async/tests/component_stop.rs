//! Host stand-in for killing a component's process: executors of a stopped component
//! instance unwind, dropping their tasks and the handles they hold.

use fuchsia_async as fasync;
use fuchsia_runtime::host::{ComponentInstance, ComponentStopped};
use zx::Peered;

fn instance() -> std::sync::Arc<ComponentInstance> {
    ComponentInstance::new("stopping", "#meta/stopping.cm", [])
}

#[test]
fn a_local_executor_of_a_stopped_instance_unwinds_and_drops_its_tasks() {
    let instance = instance();
    let entered = instance.enter();
    let (held, peer) = zx::Channel::create();
    let worker = std::thread::spawn(move || {
        let mut executor = fasync::LocalExecutor::default();
        executor.run_singlethreaded(async move {
            fasync::Task::local(async move {
                let _held = held;
                futures::future::pending::<()>().await
            })
            .detach();
            futures::future::pending::<()>().await
        })
    });
    drop(entered);
    instance.request_stop();
    let payload = worker.join().expect_err("the executor unwinds");
    assert!(payload.is::<ComponentStopped>());
    assert!(peer.is_closed().unwrap(), "the task's handle was closed");
}

#[test]
fn a_send_executor_of_a_stopped_instance_unwinds() {
    let instance = instance();
    let entered = instance.enter();
    let worker = std::thread::spawn(|| {
        fasync::SendExecutorBuilder::new()
            .num_threads(2)
            .build()
            .run(futures::future::pending::<()>())
    });
    drop(entered);
    instance.request_stop();
    assert!(worker.join().expect_err("the executor unwinds").is::<ComponentStopped>());
}

#[test]
fn outside_any_instance_nothing_stops_an_executor() {
    let mut executor = fasync::LocalExecutor::default();
    assert_eq!(executor.run_singlethreaded(async { 7 }), 7);
}

#[test]
fn a_task_that_overflows_a_channel_stops_its_instance_and_executor() {
    let instance = instance();
    let entered = instance.enter();
    let (writer, reader) = zx::Channel::create();
    let worker = std::thread::spawn(move || {
        let mut executor = fasync::LocalExecutor::default();
        executor.run_singlethreaded(async move {
            fasync::Task::local(async move {
                for _ in 0..=zx::host::MAX_PENDING_CHANNEL_MESSAGES {
                    writer.write(b"m", &mut []).unwrap();
                }
            })
            .detach();
            futures::future::pending::<()>().await
        })
    });
    drop(entered);
    let payload = worker.join().expect_err("the executor unwinds");
    assert!(payload.is::<ComponentStopped>());
    assert!(matches!(instance.stop_reason(), Some(fuchsia_runtime::host::StopReason::Crashed(_))));
    assert!(reader.is_closed().unwrap(), "the task's channel end was closed");
}
