//! Executor threads belong to the component instance of the thread that created the
//! executor (host fuchsia_runtime: threads inherit their creator's instance).

use fuchsia_async as fasync;
use fuchsia_runtime::host::{ComponentInstance, current_component};

fn moniker() -> Option<String> {
    current_component().map(|instance| instance.moniker().to_owned())
}

#[test]
fn send_executor_worker_threads_belong_to_the_creating_instance() {
    let instance = ComponentInstance::new("test/worker", "#meta/worker.cm", []);
    let _entered = instance.enter();
    let mut executor = fasync::SendExecutorBuilder::new().num_threads(2).build();
    let seen = executor.run(async {
        let tasks: Vec<_> = (0..4)
            .map(|_| fasync::Task::spawn(async { (std::thread::current().id(), moniker()) }))
            .collect();
        let mut seen = Vec::new();
        for task in tasks {
            seen.push(task.await);
        }
        seen
    });
    assert!(seen.iter().all(|(_, moniker)| moniker.as_deref() == Some("test/worker")));
    assert!(seen.iter().all(|(thread, _)| *thread != std::thread::current().id()));
}

#[test]
fn unblock_threads_belong_to_the_calling_instance() {
    let instance = ComponentInstance::new("test/unblock", "#meta/unblock.cm", []);
    let _entered = instance.enter();
    let seen = fasync::LocalExecutor::default().run_singlethreaded(fasync::unblock(moniker));
    assert_eq!(seen.as_deref(), Some("test/unblock"));
}

#[test]
fn executors_outside_an_instance_have_none() {
    let seen = fasync::SendExecutorBuilder::new()
        .num_threads(1)
        .build()
        .run(async { fasync::Task::spawn(async { moniker() }).await });
    assert_eq!(seen, None);
}
