//! Benchmarks: `UintProperty::add` against the `AtomicU64::fetch_add` baseline in the same
//! run, and a snapshot + strict parse of a 1,000-node tree.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use fuchsia_inspect::reader::{PartialNodeHierarchy, ReadableTree};
use fuchsia_inspect::{Inspector, NumericProperty};
use std::sync::atomic::{AtomicU64, Ordering};

fn uint_add(c: &mut Criterion) {
    let mut group = c.benchmark_group("uint_add");
    let baseline = AtomicU64::new(0);
    group.bench_function("AtomicU64::fetch_add", |b| {
        b.iter(|| baseline.fetch_add(black_box(1), Ordering::Relaxed))
    });
    let inspector = Inspector::default();
    let property = inspector.root().create_uint("counter", 0);
    group.bench_function("UintProperty::add", |b| b.iter(|| property.add(black_box(1))));
    group.finish();
}

fn snapshot_and_parse(c: &mut Criterion) {
    let inspector = Inspector::default();
    let mut nodes = Vec::new();
    for i in 0..1000 {
        let parent =
            if i % 10 == 0 { inspector.root() } else { nodes.last().unwrap_or(inspector.root()) };
        let node = parent.create_child(format!("node-{i}"));
        node.record_uint("value", i);
        nodes.push(node);
    }
    c.bench_function("snapshot_parse_1000_nodes", |b| {
        b.iter(|| {
            let snapshot = inspector.snapshot().expect("snapshot");
            black_box(PartialNodeHierarchy::try_from(snapshot).expect("parse"))
        })
    });
}

criterion_group!(benches, uint_add, snapshot_and_parse);
criterion_main!(benches);
