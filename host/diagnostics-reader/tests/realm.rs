//! Inspect data of a realm's component, read as a product test reads it.

use diagnostics_assertions::assert_data_tree;
use diagnostics_reader::{ArchiveReader, RetryConfig};
use fuchsia_async as fasync;
use fuchsia_component_test::{ChildOptions, RealmBuilder};
use futures::FutureExt;

#[test]
fn a_realm_child_s_published_inspect_is_read_by_moniker() {
    fasync::LocalExecutor::new().run_singlethreaded(async {
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
