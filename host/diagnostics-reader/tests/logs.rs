//! Logs of a realm's component, read as a product test reads them: a snapshot, or a snapshot
//! then a subscription, selected by moniker.

use diagnostics_reader::{ArchiveReader, ComponentSelector, Error, RetryConfig, Severity};
use fuchsia::{Interest, LoggingOptions};
use fuchsia_async as fasync;
use fuchsia_component_test::{Capability, ChildOptions, RealmBuilder, RealmInstance, Ref, Route};
use fuchsia_runtime::host::{COMPONENT_ENTRIES, ComponentEntry, linkme};
use futures::StreamExt;
use std::sync::{Condvar, Mutex};

/// Monikers of `log_writer` instances that have logged, for tests to wait on.
static LOGGED: (Mutex<Vec<String>>, Condvar) = (Mutex::new(Vec::new()), Condvar::new());

fn wait_logged(moniker: &str) {
    let (list, changed) = &LOGGED;
    let mut list = list.lock().unwrap();
    while !list.iter().any(|m| m == moniker) {
        list = changed.wait(list).unwrap();
    }
}

/// The registered `log_writer` component: logs an INFO record with key-value fields and a
/// WARN record, announces it, runs until stopped.
fn log_writer_main() {
    let instance = fuchsia_runtime::host::current_component().expect("run as a component");
    fuchsia::__private::init_logging(LoggingOptions {
        blocking: false,
        interest: Interest::default(),
        always_log_file_line: false,
        tags: &["writer"],
        panic_prefix: "panic",
    });
    log::info!(count = 3, name = "input"; "hello");
    log::warn!("careful");
    LOGGED.0.lock().unwrap().push(instance.moniker().to_owned());
    LOGGED.1.notify_all();
    fasync::LocalExecutor::default().run_singlethreaded(futures::future::pending::<()>());
}

#[linkme::distributed_slice(COMPONENT_ENTRIES)]
#[linkme(crate = fuchsia_runtime::host::linkme)]
static LOG_WRITER: ComponentEntry = ComponentEntry {
    package: "log_writer",
    manifest_dir: env!("CARGO_MANIFEST_DIR"),
    main: log_writer_main,
};

/// A realm with one eager `log_writer`, the diagnostics dictionary routed to it or not; its
/// moniker.
async fn writer_realm(route_diagnostics: bool) -> (RealmInstance, String) {
    let builder = RealmBuilder::new().await.unwrap();
    let child = builder
        .add_child("writer", "#meta/log_writer.cm", ChildOptions::new().eager())
        .await
        .unwrap();
    if route_diagnostics {
        builder
            .add_route(
                Route::new()
                    .capability(Capability::dictionary("diagnostics"))
                    .from(Ref::parent())
                    .to(&child),
            )
            .await
            .unwrap();
    }
    let realm = builder.build().await.unwrap();
    let moniker = format!("realm_builder:{}/writer", realm.root.child_name());
    (realm, moniker)
}

#[test]
fn a_realm_child_s_records_are_read_by_moniker_with_their_severity_message_and_fields() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (_realm, moniker) = writer_realm(true).await;
        // Subscribed before or after the records are written, a subscription sees them all.
        let mut subscription = ArchiveReader::logs()
            .select_all_for_component(moniker.as_str())
            .snapshot_then_subscribe()
            .unwrap();
        subscription.wait_for_ready().await;
        let hello = subscription.next().await.unwrap().unwrap();
        assert_eq!(hello.msg(), Some("hello"));
        assert_eq!(hello.severity(), Severity::Info);
        assert_eq!(hello.moniker.to_string(), moniker);
        assert_eq!(hello.metadata.component_url(), Some("#meta/log_writer.cm"));
        assert_eq!(hello.tags(), Some(&vec!["writer".to_owned()]));
        let keys: Vec<String> = hello.payload_keys_strings().collect();
        assert_eq!(keys, ["count=3", "name=input"]);
        let careful = subscription.next().await.unwrap().unwrap();
        assert_eq!((careful.msg(), careful.metadata.severity), (Some("careful"), Severity::Warn));
        assert!(careful.metadata.timestamp >= hello.metadata.timestamp);

        let snapshot = ArchiveReader::logs()
            .select_all_for_component(moniker.as_str())
            .with_minimum_schema_count(2)
            .snapshot()
            .await
            .unwrap();
        let messages: Vec<_> = snapshot.iter().map(|log| log.msg().unwrap()).collect();
        assert_eq!(messages, ["hello", "careful"]);
    });
}

#[test]
fn a_subscription_yields_records_written_after_it_and_splits_into_records_and_errors() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let component = fuchsia_runtime::host::ComponentInstance::new(
            "realm_builder:auto-sub/later",
            "#meta/later.cm",
            [],
        );
        let (mut records, mut errors) = ArchiveReader::logs()
            .select_all_for_component(r"realm_builder\:auto-sub/later")
            .snapshot_then_subscribe()
            .unwrap()
            .split_streams();
        let writer = std::thread::spawn(move || {
            let _entered = component.enter();
            fuchsia::__private::init_logging(LoggingOptions {
                blocking: false,
                interest: Interest::default(),
                always_log_file_line: false,
                tags: &[],
                panic_prefix: "panic",
            });
            log::error!("written later");
        });
        let record = records.next().await.unwrap();
        assert_eq!(record.msg(), Some("written later"));
        assert_eq!(record.severity(), Severity::Error);
        writer.join().unwrap();
        assert!(errors.try_recv().is_err(), "no error, and the error stream is still open");
    });
}

#[test]
fn a_child_without_a_routed_log_sink_reaches_no_archive() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (_realm, moniker) = writer_realm(false).await;
        wait_logged(&moniker);
        let data = ArchiveReader::logs()
            .select_all_for_component(moniker.as_str())
            .retry(RetryConfig::never())
            .snapshot()
            .await
            .unwrap();
        assert!(data.is_empty(), "logged, but its LogSink is not routed");
    });
}

#[test]
fn without_records_a_snapshot_with_a_timeout_is_empty_and_a_bad_selector_is_an_error() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let data = ArchiveReader::logs()
            .select_all_for_component("realm_builder:auto-none/nobody")
            .with_timeout(zx::MonotonicDuration::from_millis(0))
            .snapshot()
            .await
            .unwrap();
        assert!(data.is_empty());

        let mut reader = ArchiveReader::logs();
        reader.select_all_for_component(ComponentSelector::new(vec![]));
        let Err(Error::InvalidSelector { selector, .. }) = reader.snapshot().await else {
            panic!("an empty moniker is not a selector");
        };
        assert_eq!(selector, ":root");
        assert!(matches!(reader.snapshot_then_subscribe(), Err(Error::InvalidSelector { .. })));
    });
}
