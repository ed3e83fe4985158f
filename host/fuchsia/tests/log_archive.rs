//! The host archivist's log store: what the logger archives, for whom, and how readers wait.

use fuchsia::host::{FieldValue, LogRecord, disconnect_log_sink, listen, read_from};
use fuchsia::{Interest, LoggingOptions, Severity};
use fuchsia_runtime::host::ComponentInstance;
use futures::FutureExt;
use std::sync::Arc;

/// Installs the logger with `tags` and the minimum severity `Info` for the calling thread's
/// instance.
fn init(tags: &[&str]) {
    fuchsia::__private::init_logging(LoggingOptions {
        blocking: false,
        interest: Interest { min_severity: Some(Severity::Info) },
        always_log_file_line: false,
        tags,
        panic_prefix: "panic",
    });
}

/// Every archived record of `moniker`.
fn records_of(moniker: &str) -> Vec<Arc<LogRecord>> {
    read_from(0).0.into_iter().filter(|record| record.moniker == moniker).collect()
}

fn instance(moniker: &str) -> Arc<ComponentInstance> {
    ComponentInstance::new(moniker, format!("#meta/{moniker}.cm"), [])
}

#[test]
fn a_record_is_archived_with_its_instance_severity_message_fields_and_location() {
    let component = instance("archive_all_parts");
    let before = zx::BootInstant::get().into_nanos();
    let line = {
        let _entered = component.enter();
        init(&["tag_a", "tag_b"]);
        log::debug!("below the minimum severity");
        log::warn!(id = 7, big = u64::MAX, ratio = 0.5, ok = true, name = "input"; "stuck {}", 1);
        line!()
    };
    let records = records_of("archive_all_parts");
    assert_eq!(records.len(), 1, "the debug record is below the interest");
    let record = &records[0];
    assert_eq!(record.url, "#meta/archive_all_parts.cm");
    assert_eq!(record.severity, Severity::Warn);
    assert_eq!(record.message, "stuck 1");
    assert_eq!(
        record.fields,
        vec![
            ("id".to_owned(), FieldValue::Int(7)),
            ("big".to_owned(), FieldValue::Uint(u64::MAX)),
            ("ratio".to_owned(), FieldValue::Double(0.5)),
            ("ok".to_owned(), FieldValue::Bool(true)),
            ("name".to_owned(), FieldValue::Text("input".to_owned())),
        ]
    );
    assert_eq!(record.tags, ["tag_a", "tag_b"]);
    assert_eq!(record.file.as_deref(), Some(file!()));
    assert_eq!(record.line, Some(line - 1));
    assert!(record.timestamp_ns >= before);
    assert!(record.size_bytes() > record.message.len());
    assert_eq!(record.rolled_out, 0, "nothing was rolled out");
}

#[test]
fn an_instance_without_a_routed_log_sink_and_threads_outside_instances_are_not_archived() {
    let component = instance("archive_unrouted");
    disconnect_log_sink(&component);
    {
        let _entered = component.enter();
        init(&[]);
        log::error!("goes nowhere");
    }
    assert!(records_of("archive_unrouted").is_empty());

    let (before, _) = read_from(0);
    log::error!("archive_outside_any_instance");
    let (after, _) = read_from(0);
    assert!(
        !before.iter().chain(&after).any(|r| r.message == "archive_outside_any_instance"),
        "a thread of no instance has no LogSink"
    );
}

#[test]
fn a_cursor_reads_only_newer_records_and_a_listener_wakes_on_append() {
    let component = instance("archive_cursor");
    let _entered = component.enter();
    init(&[]);
    log::info!("first");
    let (_, cursor) = read_from(0);
    let (nothing_new, same) = read_from(cursor);
    assert!(nothing_new.iter().all(|r| r.moniker != "archive_cursor"));
    assert!(same >= cursor);

    let mut woken = listen();
    log::info!("second");
    assert!((&mut woken).now_or_never().is_some(), "an append notifies the listener");
    let (newer, _) = read_from(cursor);
    let mine: Vec<&str> = newer
        .iter()
        .filter(|r| r.moniker == "archive_cursor")
        .map(|r| r.message.as_str())
        .collect();
    assert_eq!(mine, ["second"]);
}
