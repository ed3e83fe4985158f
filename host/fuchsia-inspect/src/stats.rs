//! The `fuchsia.inspect.Stats` node: size and allocation statistics of an Inspector.

use crate::{Inspector, Node, Property, UintProperty};
use futures::FutureExt;

/// Name of the stats node.
pub const FUCHSIA_INSPECT_STATS: &str = "fuchsia.inspect.Stats";

/// Installs the lazy stats node on an Inspector.
pub trait InspectorExt {
    /// Records a lazy child `fuchsia.inspect.Stats` at the root, computed at each read.
    fn record_lazy_stats(&self);
}

impl InspectorExt for Inspector {
    fn record_lazy_stats(&self) {
        let weak_root = self.root().clone_weak();
        self.root().record_lazy_child(FUCHSIA_INSPECT_STATS, move || {
            let weak_root = weak_root.clone_weak();
            async move {
                let local = Inspector::default();
                StatsNode::from_nodes(weak_root, local.root().clone_weak())
                    .record_data_to(local.root());
                Ok(local)
            }
            .boxed()
        });
    }
}

/// A snapshot of an Inspector's statistics written as uint properties; `update` refreshes it.
#[derive(Default)]
pub struct StatsNode {
    instrumented_root: Node,
    stats_root: Node,
    current_size: UintProperty,
    maximum_size: UintProperty,
    utilization_per_ten_k: UintProperty,
    total_dynamic_children: UintProperty,
    allocated_blocks: UintProperty,
    deallocated_blocks: UintProperty,
    failed_allocations: UintProperty,
}

/// Used size per ten thousand of the maximum size.
fn utilization(stats: &crate::Stats) -> u64 {
    (stats.current_size as f64 / stats.maximum_size as f64 * 10000.0) as u64
}

impl StatsNode {
    /// Writes the statistics of `inspector` into a new `fuchsia.inspect.Stats` child of its root.
    pub fn new(inspector: &Inspector) -> Self {
        let stats_root = inspector.root().create_child(FUCHSIA_INSPECT_STATS);
        Self::from_nodes(inspector.root().clone_weak(), stats_root)
    }

    fn from_nodes(instrumented_root: Node, stats_root: Node) -> Self {
        let Some(stats) = instrumented_root.writer_state().map(|state| state.stats()) else {
            return StatsNode { instrumented_root, ..StatsNode::default() };
        };
        let mut node = stats_root.atomic_update(|root| StatsNode {
            current_size: root.create_uint("current_size", stats.current_size as u64),
            maximum_size: root.create_uint("maximum_size", stats.maximum_size as u64),
            utilization_per_ten_k: root.create_uint("utilization_per_ten_k", utilization(&stats)),
            total_dynamic_children: root
                .create_uint("total_dynamic_children", stats.total_dynamic_children as u64),
            allocated_blocks: root.create_uint("allocated_blocks", stats.allocated_blocks as u64),
            deallocated_blocks: root
                .create_uint("deallocated_blocks", stats.deallocated_blocks as u64),
            failed_allocations: root
                .create_uint("failed_allocations", stats.failed_allocations as u64),
            ..StatsNode::default()
        });
        node.instrumented_root = instrumented_root;
        node.stats_root = stats_root;
        node
    }

    /// Rewrites the properties from the instrumented Inspector's current statistics.
    pub fn update(&self) {
        let Some(stats) = self.instrumented_root.writer_state().map(|state| state.stats()) else {
            return;
        };
        self.current_size.atomic_update(|_| {
            self.current_size.set(stats.current_size as u64);
            self.maximum_size.set(stats.maximum_size as u64);
            self.utilization_per_ten_k.set(utilization(&stats));
            self.total_dynamic_children.set(stats.total_dynamic_children as u64);
            self.allocated_blocks.set(stats.allocated_blocks as u64);
            self.deallocated_blocks.set(stats.deallocated_blocks as u64);
            self.failed_allocations.set(stats.failed_allocations as u64);
        });
    }

    /// Ties the statistics' lifetime to `lifetime`.
    pub fn record_data_to(self, lifetime: &Node) {
        lifetime.record(self.stats_root);
        lifetime.record(self.current_size);
        lifetime.record(self.maximum_size);
        lifetime.record(self.utilization_per_ten_k);
        lifetime.record(self.total_dynamic_children);
        lifetime.record(self.allocated_blocks);
        lifetime.record(self.deallocated_blocks);
        lifetime.record(self.failed_allocations);
    }
}
