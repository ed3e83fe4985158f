//! `#[fuchsia::main]`: executors, return values, and the logger's output (checked in a
//! child process, since the logger writes to stderr).

use fuchsia_async as fasync;
use std::process::{Command, ExitCode};
use std::sync::{Arc, Barrier};

/// Env var that selects which component the child process runs.
const CHILD: &str = "FUCHSIA_MAIN_MACRO_CHILD";

#[fuchsia::main(logging_tags = ["alpha", "beta"])]
async fn tagged_component() {
    log::info!("hello from tagged");
}

#[fuchsia::main(logging_minimum_severity = "warn", logging_tags = ["sev"])]
fn warn_only_component() {
    log::info!("hidden info");
    log::warn!("shown warning");
}

#[fuchsia::main(logging_tags = ["lines"], always_log_file_line)]
fn file_line_component() {
    log::info!("with location");
}

#[fuchsia::main]
async fn failing_component() -> Result<(), String> {
    Err("component failed".to_owned())
}

#[fuchsia::main]
fn succeeding_component() -> Result<(), String> {
    Ok(())
}

#[fuchsia::main(logging = false)]
async fn value_component() -> u32 {
    fasync::Task::local(async { 40 }).await + 2
}

#[fuchsia::main(logging = false, threads = 3)]
async fn threaded_component() -> usize {
    let barrier = Arc::new(Barrier::new(3));
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            let barrier = barrier.clone();
            fasync::Task::spawn(async move {
                barrier.wait();
                std::thread::current().id()
            })
        })
        .collect();
    let mut threads = std::collections::HashSet::new();
    for task in tasks {
        threads.insert(task.await);
    }
    threads.len()
}

#[fuchsia::main(logging = false, thread_role = "fuchsia.test.role", instrumentation)]
async fn role_component() -> bool {
    true
}

/// Runs `component` in a child process and returns its stderr.
fn child_stderr(component: &str) -> String {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(CHILD, component)
        .output()
        .unwrap();
    assert!(output.status.success(), "child failed: {output:?}");
    String::from_utf8(output.stderr).unwrap()
}

/// The child process's entry: runs the component named by `CHILD`, if any.
#[test]
fn child() {
    match std::env::var(CHILD).as_deref() {
        Ok("tagged") => tagged_component(),
        Ok("warn_only") => warn_only_component(),
        Ok("file_line") => file_line_component(),
        Ok("failing") => assert_eq!(failing_component(), ExitCode::FAILURE),
        Ok("instances") => two_instances(),
        _ => {}
    }
}

/// Two component instances initialise logging one after the other; each keeps its own
/// options.
fn two_instances() {
    use fuchsia_runtime::host::ComponentInstance;
    let first = ComponentInstance::new("test/first", "#meta/first.cm", []);
    let second = ComponentInstance::new("test/second", "#meta/second.cm", []);
    {
        let _entered = first.enter();
        tagged_component();
    }
    {
        let _entered = second.enter();
        warn_only_component();
    }
    let _entered = first.enter();
    log::info!("first again");
    // A thread spawned inside the instance logs as the instance.
    std::thread::spawn(|| log::info!("first from a thread")).join().unwrap();
}

#[test]
fn each_component_instance_keeps_its_own_logging_options() {
    let stderr = child_stderr("instances");
    assert!(stderr.contains("[test/first][alpha,beta] INFO: hello from tagged"), "{stderr}");
    assert!(stderr.contains("[test/second][sev] WARN: "), "{stderr}");
    assert!(!stderr.contains("hidden info"), "{stderr}");
    assert!(stderr.contains("[test/first][alpha,beta] INFO: first again"), "{stderr}");
    assert!(stderr.contains("[test/first][alpha,beta] INFO: first from a thread"), "{stderr}");
}

#[test]
fn logging_tags_prefix_every_record() {
    let stderr = child_stderr("tagged");
    assert!(stderr.contains("[alpha,beta] INFO: hello from tagged"), "{stderr}");
}

#[test]
fn logging_minimum_severity_filters_records() {
    let stderr = child_stderr("warn_only");
    assert!(!stderr.contains("hidden info"), "{stderr}");
    assert!(stderr.contains("[sev] WARN: "), "{stderr}");
    assert!(stderr.contains("shown warning"), "{stderr}");
}

#[test]
fn always_log_file_line_adds_the_location() {
    let stderr = child_stderr("file_line");
    assert!(stderr.contains("[lines] INFO: ["), "{stderr}");
    assert!(stderr.contains("main_macro.rs(24)] with location"), "{stderr}");
}

#[test]
fn an_error_result_is_logged_and_fails_the_component() {
    let stderr = child_stderr("failing");
    assert!(stderr.contains("ERROR: "), "{stderr}");
    assert!(stderr.contains("\"component failed\""), "{stderr}");
}

#[test]
fn an_ok_result_is_success() {
    assert_eq!(succeeding_component(), ExitCode::SUCCESS);
}

#[test]
fn async_main_runs_on_a_local_executor() {
    assert_eq!(value_component(), 42);
}

#[test]
fn threads_runs_on_a_send_executor() {
    assert_eq!(threaded_component(), 3);
}

#[test]
fn thread_role_and_instrumentation_are_accepted() {
    assert!(role_component());
}
