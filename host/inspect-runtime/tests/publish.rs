use diagnostics_assertions::assert_data_tree;
use fuchsia_inspect::{Inspector, InspectorConfig};
use fuchsia_runtime::host::ComponentInstance;
use futures::FutureExt;
use inspect_runtime::host::{archivist, identity};
use inspect_runtime::{PublishOptions, TreeServerSendPreference, publish};

/// Published trees of one moniker (tests run in parallel and share the registry).
fn snapshot_of(moniker: &str) -> Vec<diagnostics_data::InspectData> {
    futures::executor::block_on(archivist::snapshot(Some(moniker)))
}

#[test]
fn publish_registers_under_the_component_moniker_until_dropped() {
    futures::executor::block_on(async {
        let instance =
            ComponentInstance::new("realm:r1/proxy_manager", "#meta/proxy_manager.cm", []);
        let _entered = instance.enter();
        let inspector = Inspector::default();
        inspector.root().record_uint("count", 3);
        let controller = publish(&inspector, PublishOptions::default()).unwrap();
        let data = archivist::snapshot(Some("realm:r1/proxy_manager")).await;
        assert_eq!(data.len(), 1);
        assert_eq!(data[0].metadata.component_url, "#meta/proxy_manager.cm");
        assert_eq!(data[0].name(), "root");
        assert!(data[0].metadata.timestamp.into_nanos() > 0);
        assert_data_tree!(data[0].payload.as_ref().unwrap(), root: { count: 3u64 });
        drop(controller);
        assert!(archivist::snapshot(Some("realm:r1/proxy_manager")).await.is_empty());
    });
}

#[test]
fn tree_names_and_cancel() {
    let instance = ComponentInstance::new("realm:r2/named", "#meta/named.cm", []);
    let _entered = instance.enter();
    let inspector = Inspector::default();
    let controller = publish(
        &inspector,
        PublishOptions::default()
            .inspect_tree_name("extra")
            .send_vmo_preference(TreeServerSendPreference::DeepCopy),
    )
    .unwrap();
    assert_eq!(snapshot_of("realm:r2/named")[0].name(), "extra");
    let mut controller = controller;
    assert!((&mut controller).now_or_never().is_none(), "pending while published");
    futures::executor::block_on(controller.cancel());
    assert!(snapshot_of("realm:r2/named").is_empty());
}

#[test]
fn threads_outside_components_publish_under_the_process_entry() {
    let inspector = Inspector::default();
    inspector.root().record_bool("process", true);
    let _controller = publish(&inspector, PublishOptions::default()).unwrap();
    let data = snapshot_of(identity::PROCESS_MONIKER);
    assert!(data.iter().any(|d| d.metadata.component_url == identity::PROCESS_URL
        && d.payload.as_ref().and_then(|p| p.get_property("process")).is_some()));
}

#[test]
fn unreadable_trees_report_an_error() {
    let instance = ComponentInstance::new("realm:r3/noop", "#meta/noop.cm", []);
    let _entered = instance.enter();
    let inspector = Inspector::new(InspectorConfig::default().no_op());
    let _controller = publish(&inspector, PublishOptions::default()).unwrap();
    let data = snapshot_of("realm:r3/noop");
    assert!(data[0].payload.is_none());
    assert!(data[0].metadata.errors.as_ref().is_some_and(|e| !e.is_empty()));
}

#[test]
fn component_inspector_is_per_instance() {
    futures::executor::block_on(async {
        let a = ComponentInstance::new("realm:r4/a", "#meta/c.cm", []);
        let b = ComponentInstance::new("realm:r4/b", "#meta/c.cm", []);
        let in_a = {
            let _entered = a.enter();
            let inspector = fuchsia_inspect::component::inspector();
            inspector.root().record_int("only_in_a", 1);
            let mut health = fuchsia_inspect::component::health();
            fuchsia_inspect::health::Reporter::set_ok(&mut health);
            inspector as *const Inspector
        };
        let _entered = b.enter();
        let in_b = fuchsia_inspect::component::inspector();
        assert_ne!(in_a, in_b as *const Inspector);
        assert_data_tree!(in_b, root: {});
        // From a thread the instance spawns, the same instance inspector is returned.
        let from_thread = std::thread::spawn(|| {
            fuchsia_inspect::component::inspector() as *const Inspector as usize
        })
        .join()
        .unwrap();
        assert_eq!(from_thread, in_b as *const Inspector as usize);
        drop(_entered);
        let _entered = a.enter();
        assert_data_tree!(fuchsia_inspect::component::inspector(), root: {
            only_in_a: 1i64,
            "fuchsia.inspect.Health": { status: "OK", start_timestamp_nanos: diagnostics_assertions::AnyIntProperty },
        });
    });
}

#[test]
fn published_lists_identity_and_name() {
    let instance = ComponentInstance::new("realm:r5/listed", "#meta/listed.cm", []);
    let _entered = instance.enter();
    let inspector = Inspector::default();
    let _controller = publish(&inspector, PublishOptions::default()).unwrap();
    let tree = archivist::published()
        .into_iter()
        .find(|t| t.identity.moniker == "realm:r5/listed")
        .unwrap();
    assert_eq!(tree.identity.url, "#meta/listed.cm");
    assert_eq!(tree.name, "root");
}
