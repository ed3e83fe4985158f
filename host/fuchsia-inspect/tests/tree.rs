//! Writer + reader: the tree a reader sees after each kind of write.

use diagnostics_assertions::{AnyProperty, assert_data_tree};
use fuchsia_inspect::reader::{self, MissingValueReason};
use fuchsia_inspect::stats::InspectorExt;
use fuchsia_inspect::{
    ArithmeticArrayProperty, ArrayProperty, ExponentialHistogramParams, HistogramProperty,
    Inspector, InspectorConfig, LinearHistogramParams, Node, NumericProperty, Property,
};
use futures::FutureExt;

#[test]
fn properties_of_every_type_read_back() {
    futures::executor::block_on(async {
        let inspector = Inspector::default();
        let root = inspector.root();
        let int = root.create_int("int", -5);
        let uint = root.create_uint("uint", 1);
        let double = root.create_double("double", 1.5);
        let flag = root.create_bool("flag", false);
        let text = root.create_string("text", "hello");
        let bytes = root.create_bytes("bytes", [1u8, 2, 3]);
        int.add(2);
        assert_eq!(uint.add(u64::MAX), Some(u64::MAX));
        assert_eq!(uint.subtract(1), Some(u64::MAX - 1));
        double.subtract(0.5);
        flag.set(true);
        text.set("a much longer string than fits inline in one block, so extents are used");
        bytes.set(&[9u8; 300]);
        assert_data_tree!(inspector, root: {
            int: -3i64,
            uint: u64::MAX - 1,
            double: 1.0,
            flag: true,
            text: "a much longer string than fits inline in one block, so extents are used",
            bytes: vec![9u8; 300],
        });
    });
}

#[test]
fn nodes_and_drop_semantics() {
    futures::executor::block_on(async {
        let inspector = Inspector::default();
        let child = inspector.root().create_child("child");
        let grandchild = child.create_child("grandchild");
        grandchild.record_uint("kept", 7);
        let _temp = child.create_int("temp", 1);
        inspector.root().record_child("recorded", |node| node.record_string("s", "v"));
        assert_data_tree!(inspector, root: {
            child: { temp: 1i64, grandchild: { kept: 7u64 } },
            recorded: { s: "v" },
        });
        // Dropping a node with live children tombstones it: its subtree disappears.
        drop(child);
        assert_data_tree!(inspector, root: { recorded: { s: "v" } });
        grandchild.record_uint("later", 1);
        drop(grandchild);
        drop(_temp);
        assert_data_tree!(inspector, root: { recorded: { s: "v" } });
    });
}

#[test]
fn tombstoned_blocks_are_all_freed_at_the_end() {
    let inspector = Inspector::default();
    let before = inspector.copy_vmo_data().unwrap();
    {
        let a = inspector.root().create_child("a");
        let b = a.create_child("b");
        let c = b.create_uint("c", 1);
        drop(a);
        drop(b);
        drop(c);
    }
    // Everything is freed and merged back: the heap layout equals the fresh one.
    let after = inspector.copy_vmo_data().unwrap();
    assert_eq!(before[32..], after[32..]);
}

#[test]
fn weak_nodes_and_forget() {
    futures::executor::block_on(async {
        let inspector = Inspector::default();
        let node = inspector.root().create_child("n");
        let weak = node.clone_weak();
        weak.record_int("via_weak", 1);
        assert_data_tree!(inspector, root: { n: { via_weak: 1i64 } });
        weak.forget();
        assert!(!node.is_valid());
        assert!(!weak.is_valid());
        let ignored = weak.create_int("ignored", 1);
        assert!(!ignored.is_valid());
        assert_data_tree!(inspector, root: {});
    });
}

#[test]
fn arrays_and_histograms() {
    futures::executor::block_on(async {
        let inspector = Inspector::default();
        let root = inspector.root();
        let ints = root.create_int_array("ints", 3);
        ints.set(0, -1);
        ints.add(1, 5);
        ints.subtract(2, 2);
        ints.set(3, 100); // out of range: ignored
        let strings = root.create_string_array("strings", 2);
        strings.set(1, "b");
        let lin = root.create_uint_linear_histogram(
            "lin",
            LinearHistogramParams { floor: 10, step_size: 5, buckets: 3 },
        );
        for v in [0, 10, 14, 15, 24, 25, 1000] {
            lin.insert(v);
        }
        let exp = root.create_int_exponential_histogram(
            "exp",
            ExponentialHistogramParams {
                floor: 0,
                initial_step: 1,
                step_multiplier: 2,
                buckets: 3,
            },
        );
        for v in [-1, 0, 1, 2, 3, 4] {
            exp.insert(v);
        }
        exp.insert_multiple(100, 3);
        let dexp = root.create_double_linear_histogram(
            "dlin",
            LinearHistogramParams { floor: 0.0, step_size: 0.5, buckets: 2 },
        );
        dexp.insert(0.75);
        assert_data_tree!(inspector, root: {
            ints: vec![-1i64, 5, -2],
            strings: vec!["", "b"],
            lin: diagnostics_hierarchy::LinearHistogram {
                size: 5, floor: 10u64, step: 5, counts: vec![1, 2, 1, 1, 2], indexes: None,
            },
            exp: diagnostics_hierarchy::ExponentialHistogram {
                size: 5, floor: 0i64, initial_step: 1, step_multiplier: 2,
                counts: vec![1, 1, 1, 2, 4], indexes: None,
            },
            dlin: diagnostics_hierarchy::LinearHistogram {
                size: 4, floor: 0.0, step: 0.5, counts: vec![0.0, 0.0, 1.0, 0.0], indexes: None,
            },
        });
        lin.clear();
        strings.clear();
        assert_data_tree!(inspector, root: contains {
            strings: vec!["", ""],
            lin: diagnostics_hierarchy::LinearHistogram {
                size: 5, floor: 10u64, step: 5, counts: vec![0; 5], indexes: None,
            },
        });
    });
}

#[test]
fn lazy_children_and_values() {
    futures::executor::block_on(async {
        let inspector = Inspector::default();
        let lazy = inspector.root().create_lazy_child("lazy", || {
            async move {
                let inspector = Inspector::default();
                inspector.root().record_int("inside", 1);
                inspector.root().record_lazy_child("nested", || {
                    async move {
                        let inspector = Inspector::default();
                        inspector.root().record_bool("deep", true);
                        Ok(inspector)
                    }
                    .boxed()
                });
                Ok(inspector)
            }
            .boxed()
        });
        inspector.root().record_lazy_values("values", || {
            async move {
                let inspector = Inspector::default();
                inspector.root().record_uint("merged", 2);
                Ok(inspector)
            }
            .boxed()
        });
        inspector
            .root()
            .record_lazy_child("failing", || async move { Err(anyhow::anyhow!("no")) }.boxed());
        let hierarchy = reader::read(&inspector).await.unwrap();
        assert_data_tree!(hierarchy, root: {
            merged: 2u64,
            lazy: { inside: 1i64, nested: { deep: true } },
        });
        assert_eq!(hierarchy.missing[0].reason, MissingValueReason::LinkParseFailure);
        drop(lazy);
        assert_data_tree!(inspector, root: { merged: 2u64 });
    });
}

#[test]
fn recursive_lazy_nodes_stop_at_the_depth_limit() {
    fn recurse() -> futures::future::BoxFuture<'static, Result<Inspector, anyhow::Error>> {
        async move {
            let inspector = Inspector::new(InspectorConfig::default().size(4096));
            inspector.root().record_lazy_child("again", recurse);
            Ok(inspector)
        }
        .boxed()
    }
    let inspector = Inspector::new(InspectorConfig::default().size(4096));
    inspector.root().record_lazy_child("again", recurse);
    let mut node = futures::executor::block_on(reader::read(&inspector)).unwrap();
    let mut depth = 0;
    while let Some(child) = node.children.pop() {
        node = child;
        depth += 1;
    }
    assert_eq!(depth, reader::MAX_LAZY_DEPTH);
    assert_eq!(node.missing[0].reason, MissingValueReason::LinkInvalid);
}

#[test]
fn full_vmo_yields_no_op_values_and_counts_failures() {
    futures::executor::block_on(async {
        let inspector = Inspector::new(InspectorConfig::default().size(4096));
        inspector.record_lazy_stats();
        let mut kept = Vec::new();
        loop {
            let property = inspector.root().create_uint("x", 1);
            if !property.is_valid() {
                break;
            }
            kept.push(property);
        }
        assert!(kept.len() > 200, "{}", kept.len());
        let failed = inspector.root().create_child("late");
        assert!(!failed.is_valid());
        assert_eq!(failed.create_uint("y", 1).add(1), None);
        assert_eq!(fuchsia_inspect::IntProperty::default().subtract(1), None);
        assert_data_tree!(inspector, root: contains {
            "fuchsia.inspect.Stats": contains {
                current_size: 4096u64,
                maximum_size: 4096u64,
                utilization_per_ten_k: 10000u64,
                failed_allocations: 2u64,
            },
        });
        kept.truncate(200);
        let ok = inspector.root().create_uint("now-fits", 1);
        assert!(ok.is_valid());
        assert_data_tree!(inspector, root: contains { "now-fits": 1u64 });
    });
}

#[test]
fn no_op_inspector_and_default_values() {
    futures::executor::block_on(async {
        let inspector = Inspector::new(InspectorConfig::default().no_op());
        assert!(!inspector.is_valid());
        let node = inspector.root().create_child("x");
        assert!(!node.is_valid());
        assert!(inspector.copy_vmo_data().is_none());
        assert!(inspector.duplicate_vmo().is_none());
        assert!(matches!(reader::read(&inspector).await, Err(reader::ReaderError::NoOpInspector)));
        assert_data_tree!(inspector, root: {});
        let default_node = Node::default();
        default_node.record_int("a", 1);
        assert_eq!(fuchsia_inspect::IntProperty::default().add(1), None);
    });
}

#[test]
fn atomic_update_is_visible_all_at_once() {
    futures::executor::block_on(async {
        let inspector = Inspector::default();
        let data = inspector.atomic_update(|root| {
            let a = root.create_uint("a", 1);
            // Inside the update the generation is odd: a copy is refused.
            assert!(inspector.copy_vmo_data().is_none());
            let b = root.create_uint("b", 1);
            (a, b)
        });
        assert!(inspector.copy_vmo_data().is_some());
        assert_data_tree!(inspector, root: { a: 1u64, b: 1u64 });
        drop(data);
    });
}

#[test]
fn frozen_copy_reads_like_the_original() {
    futures::executor::block_on(async {
        let inspector = Inspector::default();
        inspector.root().record_string("s", "v");
        let frozen = inspector.frozen_vmo_copy().unwrap();
        inspector.root().record_int("after", 1);
        let partial = reader::PartialNodeHierarchy::try_from(&frozen).unwrap();
        let hierarchy: fuchsia_inspect::DiagnosticsHierarchy = partial.into();
        assert_data_tree!(hierarchy, root: { s: "v" });
    });
}

#[test]
fn any_property_matcher_on_an_inspector() {
    futures::executor::block_on(async {
        let inspector = Inspector::default();
        inspector.root().record_double("x", 2.0);
        assert_data_tree!(inspector, root: { x: AnyProperty });
    });
}

#[test]
fn values_can_move_between_threads() {
    futures::executor::block_on(async {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Inspector>();
        assert_send_sync::<Node>();
        assert_send_sync::<fuchsia_inspect::UintProperty>();
        assert_send_sync::<fuchsia_inspect::StringProperty>();
        assert_send_sync::<fuchsia_inspect::LazyNode>();
        assert_send_sync::<fuchsia_inspect::IntExponentialHistogramProperty>();
        let inspector = Inspector::default();
        let counter = inspector.root().create_uint("counter", 0);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..100 {
                        counter.add(1);
                    }
                });
            }
        });
        assert_data_tree!(inspector, root: { counter: 400u64 });
    });
}
