//! Inspect data of a realm's component, read as a product test reads it.

use diagnostics_assertions::assert_data_tree;
use diagnostics_reader::{ArchiveReader, RetryConfig};
use fuchsia_async as fasync;
use fuchsia_component_test::{Capability, ChildOptions, RealmBuilder, Ref, Route};
use fuchsia_runtime::host::{COMPONENT_ENTRIES, ComponentEntry, linkme};
use futures::FutureExt;
use std::sync::{Condvar, Mutex};

/// Monikers of `inspect_publisher` instances that have published, for tests to wait on.
static PUBLISHED: (Mutex<Vec<String>>, Condvar) = (Mutex::new(Vec::new()), Condvar::new());

fn wait_published(moniker: &str) {
    let (list, changed) = &PUBLISHED;
    let mut list = list.lock().unwrap();
    while !list.iter().any(|m| m == moniker) {
        list = changed.wait(list).unwrap();
    }
}

/// The registered `inspect_publisher` component: publishes, announces it, runs until
/// stopped (its executor then unwinds with `ComponentStopped`).
fn inspect_publisher_main() {
    let instance = fuchsia_runtime::host::current_component().expect("run as a component");
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let inspector = fuchsia_inspect::component::inspector();
        inspector.root().record_uint("started", 1);
        let _controller =
            inspect_runtime::publish(inspector, inspect_runtime::PublishOptions::default());
        PUBLISHED.0.lock().unwrap().push(instance.moniker().to_owned());
        PUBLISHED.1.notify_all();
        futures::future::pending::<()>().await;
    });
}

#[linkme::distributed_slice(COMPONENT_ENTRIES)]
#[linkme(crate = fuchsia_runtime::host::linkme)]
static INSPECT_PUBLISHER: ComponentEntry = ComponentEntry {
    package: "inspect_publisher",
    manifest_dir: env!("CARGO_MANIFEST_DIR"),
    main: inspect_publisher_main,
};

async fn publisher_realm(
    route_diagnostics: bool,
) -> (fuchsia_component_test::RealmInstance, String) {
    let builder = RealmBuilder::new().await.unwrap();
    let child = builder
        .add_child("publisher", "#meta/inspect_publisher.cm", ChildOptions::new().eager())
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
    let moniker = format!("realm_builder:{}/publisher", realm.root.child_name());
    wait_published(&moniker);
    (realm, moniker)
}

#[test]
fn a_registered_child_s_inspect_needs_the_diagnostics_route() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let (routed, moniker) = publisher_realm(true).await;
        let selector =
            format!("{}:root", diagnostics_reader::sanitize_moniker_for_selectors(&moniker));
        let data = ArchiveReader::inspect().add_selector(selector).snapshot().await.unwrap();
        assert_eq!(data[0].metadata.component_url, "#meta/inspect_publisher.cm");
        assert_data_tree!(data[0].payload.as_ref().unwrap(), root: { started: 1u64 });
        drop(routed);

        let (_unrouted, moniker) = publisher_realm(false).await;
        let selector =
            format!("{}:root", diagnostics_reader::sanitize_moniker_for_selectors(&moniker));
        let data = ArchiveReader::inspect()
            .add_selector(selector)
            .retry(RetryConfig::never())
            .snapshot()
            .await
            .unwrap();
        assert!(data.is_empty(), "published, but archivist is not reachable without the route");
    });
}

#[test]
fn a_realm_child_s_published_inspect_is_read_by_moniker() {
    fasync::LocalExecutor::default().run_singlethreaded(async {
        let builder = RealmBuilder::new().await.unwrap();
        builder
            .add_local_child(
                "inspected",
                |_handles| {
                    async {
                        let inspector = fuchsia_inspect::component::inspector();
                        inspector.root().record_uint("requests", 7);
                        inspector.root().record_lazy_child("stats", || {
                            async {
                                let inspector = fuchsia_inspect::Inspector::default();
                                inspector.root().record_string("state", "running");
                                Ok(inspector)
                            }
                            .boxed()
                        });
                        let _controller = inspect_runtime::publish(
                            inspector,
                            inspect_runtime::PublishOptions::default(),
                        );
                        futures::future::pending::<()>().await;
                        Ok(())
                    }
                    .boxed()
                },
                ChildOptions::new().eager(),
            )
            .await
            .unwrap();
        let realm = builder.build().await.unwrap();
        let selector = format!(r"realm_builder\:{}/inspected:root", realm.root.child_name());
        let data =
            ArchiveReader::inspect().add_selector(selector.clone()).snapshot().await.unwrap();
        assert_eq!(data.len(), 1);
        assert_eq!(
            data[0].moniker.to_string(),
            format!("realm_builder:{}/inspected", realm.root.child_name())
        );
        assert_data_tree!(data[0].payload.as_ref().unwrap(), root: {
            requests: 7u64,
            stats: { state: "running" },
        });
        drop(realm);
        let after = ArchiveReader::inspect()
            .add_selector(selector)
            .retry(RetryConfig::never())
            .snapshot()
            .await
            .unwrap();
        assert!(after.is_empty(), "a destroyed component's trees are gone");
    });
}
