//! ArchiveReader snapshots of published Inspect trees.

use diagnostics_assertions::assert_data_tree;
use diagnostics_reader::{ArchiveReader, ComponentSelector, Error, RetryConfig};
use fuchsia_async as fasync;
use fuchsia_inspect::Inspector;
use fuchsia_runtime::host::ComponentInstance;
use futures::FutureExt;
use inspect_runtime::{PublishOptions, PublishedInspectController};

fn run<F: std::future::Future>(future: F) -> F::Output {
    fasync::LocalExecutor::default().run_singlethreaded(future)
}

/// Publishes `inspector` as the component at `moniker` (each test uses its own monikers:
/// the host archivist is shared by the tests of this process).
fn publish_as(
    moniker: &str,
    inspector: &Inspector,
    options: PublishOptions,
) -> PublishedInspectController {
    let instance = ComponentInstance::new(moniker, format!("#meta/{moniker}.cm"), []);
    let _entered = instance.enter();
    inspect_runtime::publish(inspector, options).expect("published")
}

fn sample() -> Inspector {
    let inspector = Inspector::default();
    inspector.root().record_uint("count", 3);
    inspector.root().record_child("child", |child| {
        child.record_string("name", "p1");
        child.record_int("delta", -2);
    });
    inspector.root().record_lazy_child("lazy", || {
        async {
            let inspector = Inspector::default();
            inspector.root().record_bool("ready", true);
            Ok(inspector)
        }
        .boxed()
    });
    inspector
}

#[test]
fn a_component_selector_returns_moniker_metadata_and_the_whole_tree_with_lazy_nodes() {
    run(async {
        let inspector = sample();
        let _published =
            publish_as("realm_builder:auto-r1/pm", &inspector, PublishOptions::default());
        let data = ArchiveReader::inspect()
            .add_selector(r"realm_builder\:auto-r1/pm:root")
            .snapshot()
            .await
            .unwrap();
        assert_eq!(data.len(), 1);
        assert_eq!(data[0].moniker.to_string(), "realm_builder:auto-r1/pm");
        assert_eq!(data[0].metadata.component_url, "#meta/realm_builder:auto-r1/pm.cm");
        assert_eq!(data[0].name(), "root");
        assert_data_tree!(data[0].payload.as_ref().unwrap(), root: {
            count: 3u64,
            child: { name: "p1", delta: -2i64 },
            lazy: { ready: true },
        });
    });
}

#[test]
fn tree_and_property_selectors_keep_only_what_they_name() {
    run(async {
        let inspector = sample();
        let _published =
            publish_as("realm_builder:auto-r2/pm", &inspector, PublishOptions::default());
        let mut reader = ArchiveReader::inspect();
        reader
            .add_selector(r"realm_builder\:auto-r2/pm:root/child:name")
            .add_selector(r"realm_builder\:auto-r2/pm:root:count");
        let data = reader.snapshot().await.unwrap();
        assert_data_tree!(data[0].payload.as_ref().unwrap(), root: {
            count: 3u64,
            child: { name: "p1" },
        });
        let data = ArchiveReader::inspect()
            .add_selector(r"realm_builder\:auto-r2/*:root/*")
            .snapshot()
            .await
            .unwrap();
        assert_data_tree!(data[0].payload.as_ref().unwrap(), root: {
            child: { name: "p1", delta: -2i64 },
            lazy: { ready: true },
        });
        // Selected component, nothing selected in its tree: data without payload.
        let data = ArchiveReader::inspect()
            .add_selector(r"realm_builder\:auto-r2/pm:root:missing")
            .snapshot()
            .await
            .unwrap();
        assert_eq!(data.len(), 1);
        assert!(data[0].payload.is_none());
    });
}

#[test]
fn wildcards_select_several_components_sorted_by_moniker() {
    run(async {
        let (a, b) = (sample(), sample());
        let _b = publish_as("realm_builder:auto-r3/b", &b, PublishOptions::default());
        let _a = publish_as("realm_builder:auto-r3/a", &a, PublishOptions::default());
        let data = ArchiveReader::inspect()
            .add_selector(r"realm_builder\:auto-r3/*:root:count")
            .with_minimum_schema_count(2)
            .snapshot()
            .await
            .unwrap();
        let monikers: Vec<String> = data.iter().map(|d| d.moniker.to_string()).collect();
        assert_eq!(monikers, ["realm_builder:auto-r3/a", "realm_builder:auto-r3/b"]);
    });
}

#[test]
fn tree_names_are_filtered_and_select_all_for_component_takes_every_tree() {
    run(async {
        let (main, other) = (sample(), Inspector::default());
        other.root().record_uint("extra", 1);
        let _main = publish_as("realm_builder:auto-r4/pm", &main, PublishOptions::default());
        let _other = publish_as(
            "realm_builder:auto-r4/pm",
            &other,
            PublishOptions::default().inspect_tree_name("other"),
        );
        let default_only = ArchiveReader::inspect()
            .add_selector(r"realm_builder\:auto-r4/pm:root")
            .snapshot()
            .await
            .unwrap();
        assert_eq!(default_only.len(), 1);
        let named = ArchiveReader::inspect()
            .add_selector(r"realm_builder\:auto-r4/pm:[name=other]root")
            .snapshot()
            .await
            .unwrap();
        assert_eq!(named.len(), 1);
        assert_eq!(named[0].name(), "other");
        let all = ArchiveReader::inspect()
            .select_all_for_component("realm_builder:auto-r4/pm")
            .with_minimum_schema_count(2)
            .snapshot()
            .await
            .unwrap();
        let names: Vec<&str> = all.iter().map(|d| d.name()).collect();
        assert_eq!(names, ["other", "root"]);
        let selected = ArchiveReader::inspect()
            .add_selector(
                ComponentSelector::new(vec![r"realm_builder\:auto-r4".into(), "pm".into()])
                    .with_tree_selector("root:extra")
                    .with_tree_selector("[name=other]root:extra"),
            )
            .snapshot()
            .await
            .unwrap();
        // Both trees are selected; only "other" has the property.
        let names: Vec<&str> = selected.iter().map(|d| d.name()).collect();
        assert_eq!(names, ["other", "root"]);
        assert_data_tree!(selected[0].payload.as_ref().unwrap(), root: { extra: 1u64 });
        assert!(selected[1].payload.is_none());
    });
}

#[test]
fn without_retries_or_with_a_timeout_missing_data_is_an_empty_result() {
    run(async {
        let data = ArchiveReader::inspect()
            .add_selector(r"realm_builder\:auto-none/pm:root")
            .retry(RetryConfig::never())
            .snapshot()
            .await
            .unwrap();
        assert!(data.is_empty());
        let data = ArchiveReader::inspect()
            .add_selector(r"realm_builder\:auto-none/pm:root")
            .with_timeout(zx::MonotonicDuration::from_millis(0))
            .snapshot()
            .await
            .unwrap();
        assert!(data.is_empty());
    });
}

#[test]
fn a_snapshot_waits_for_data_published_later() {
    run(async {
        let inspector = sample();
        let reader = {
            let mut reader = ArchiveReader::inspect();
            reader.add_selector(r"realm_builder\:auto-r6/late:root:count");
            reader
        };
        let publisher = std::thread::spawn(move || {
            let published =
                publish_as("realm_builder:auto-r6/late", &inspector, PublishOptions::default());
            (published, inspector)
        });
        let data = reader.snapshot().await.unwrap();
        assert_data_tree!(data[0].payload.as_ref().unwrap(), root: { count: 3u64 });
        drop(publisher.join().unwrap());
        let after = ArchiveReader::inspect()
            .add_selector(r"realm_builder\:auto-r6/late:root")
            .retry(RetryConfig::never())
            .snapshot()
            .await
            .unwrap();
        assert!(after.is_empty(), "dropping the controller unpublishes");
    });
}

#[test]
fn an_invalid_selector_is_an_error() {
    run(async {
        let error =
            ArchiveReader::inspect().add_selector("no-tree-part").snapshot().await.unwrap_err();
        let Error::InvalidSelector { selector, .. } = error;
        assert_eq!(selector, "no-tree-part");
    });
}
