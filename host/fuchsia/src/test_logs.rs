//! Tests fail when they log above their package's `max_severity`, as on Fuchsia, where the
//! test runner collects the logs of the test component and of every component its realms
//! start, and fails the test on any record above `test_specs.log_settings.max_severity`
//! (`WARN` by default).
//!
//! On the host, `#[fuchsia::test]` runs the test as a component instance of its own
//! ([`run_test`]). Every record logged by that instance's threads, or by a component a realm
//! of the test started (the launcher links it with [`inherit_test_logs`]), is accounted to
//! the test's [`TestLogs`]; when the test body returns, the most severe record above the
//! limit fails it.

use crate::Severity;
use fuchsia_runtime::host::{ComponentInstance, current_component};
use std::sync::{Arc, Mutex, OnceLock};

/// What `#[fuchsia::test]` passes for one test.
#[derive(Clone, Copy, Debug)]
pub struct TestLogSettings {
    /// The test function's name.
    pub test: &'static str,
    /// The GN test package running it, when the crate has a `BUILD.gn`.
    pub package: Option<&'static str>,
    /// The most severe record the test may log.
    pub max_severity: Severity,
}

/// The records of one test above its limit. Shared by every thread of the test's component
/// instance and of the components its realms start; each logging thread locks `worst` only
/// to compare and store one record.
#[derive(Debug)]
struct TestLogs {
    max_severity: Severity,
    /// The most severe record above `max_severity` so far: its severity and text.
    worst: Mutex<Option<(Severity, String)>>,
}

/// The test a component instance logs for, if any: an instance singleton, set once when the
/// instance is created (by [`run_test`] or [`inherit_test_logs`]), read by its logging
/// threads.
#[derive(Default)]
struct TestLogLink(OnceLock<Arc<TestLogs>>);

/// Accounts a record logged on the calling thread to its test, if it belongs to one.
pub(crate) fn account(severity: Severity, text: impl FnOnce() -> String) {
    let Some(instance) = current_component() else { return };
    let link = instance.singleton::<TestLogLink>();
    let Some(logs) = link.0.get() else { return };
    if severity <= logs.max_severity {
        return;
    }
    let mut worst = logs.worst.lock().unwrap_or_else(|e| e.into_inner());
    if worst.as_ref().is_none_or(|(seen, _)| severity > *seen) {
        *worst = Some((severity, text()));
    }
}

/// Makes `child`, a component started by the calling thread's component, log for the same
/// test as it (no effect outside a test).
pub fn inherit_test_logs(child: &ComponentInstance) {
    let Some(parent) = current_component() else { return };
    if let Some(logs) = parent.singleton::<TestLogLink>().0.get() {
        // A new instance has no link yet; a second link would be the same test's.
        let _ = child.singleton::<TestLogLink>().0.set(Arc::clone(logs));
    }
}

fn gn_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Trace => "TRACE",
        Severity::Debug => "DEBUG",
        Severity::Info => "INFO",
        Severity::Warn => "WARN",
        Severity::Error => "ERROR",
        Severity::Fatal => "FATAL",
    }
}

/// Runs a test body as the test's component instance, then fails the test if it, or a
/// component its realms started, logged above `settings.max_severity`.
///
/// # Panics
///
/// If the body panics, or a record above the limit was logged.
pub fn run_test<R>(settings: TestLogSettings, body: impl FnOnce() -> R) -> R {
    let instance = ComponentInstance::new(
        format!("test_root:{}", settings.test),
        format!("host-test:{}", settings.test),
        [],
    );
    let logs = Arc::new(TestLogs { max_severity: settings.max_severity, worst: Mutex::new(None) });
    let _ = instance.singleton::<TestLogLink>().0.set(Arc::clone(&logs));
    let output = {
        let _entered = instance.enter();
        body()
    };
    let worst = logs.worst.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some((severity, text)) = worst {
        let package = settings.package.unwrap_or("its test package");
        panic!(
            "{} logged at {} ({text}), above the max_severity {} its test package allows: \
             in-tree the test would fail; if the log is intended, set test_specs = {{ \
             log_settings = {{ max_severity = \"{}\" }} }} on {package} in BUILD.gn",
            settings.test,
            gn_name(severity),
            gn_name(settings.max_severity),
            gn_name(severity),
        );
    }
    output
}
