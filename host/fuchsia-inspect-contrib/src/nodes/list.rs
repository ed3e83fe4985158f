//! `BoundedListNode`: a node whose children are the most recent `capacity` entries, named by
//! a counter ("0", "1", ...); adding beyond capacity evicts the oldest entry.

use fuchsia_inspect::Node;
use std::collections::VecDeque;

/// A bounded history of entries under one node. Owned by one user (`&mut self` to add).
#[derive(Debug)]
pub struct BoundedListNode {
    node: Node,
    index: usize,
    capacity: usize,
    items: VecDeque<Node>,
}

impl BoundedListNode {
    /// Entries go under `node`; `capacity` is at least 1.
    pub fn new(node: Node, capacity: usize) -> Self {
        let capacity = capacity.max(1);
        BoundedListNode { node, index: 0, capacity, items: VecDeque::with_capacity(capacity) }
    }

    /// Maximum number of entries kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Entries currently kept.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds an entry named by the next index, filled by `initialize` in one atomic update, and
    /// evicts the oldest entry if the list is full. Returns the new entry's node.
    pub fn add_entry<F: FnOnce(&Node)>(&mut self, initialize: F) -> &Node {
        if self.items.len() >= self.capacity {
            self.items.pop_front();
        }
        let name = self.index.to_string();
        let entry = self.node.atomic_update(|node| {
            let child = node.create_child(name);
            initialize(&child);
            child
        });
        self.index += 1;
        self.items.push_back(entry);
        &self.items[self.items.len() - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diagnostics_assertions::assert_data_tree;
    use fuchsia_inspect::Inspector;

    #[test]
    fn keeps_the_most_recent_entries() {
        futures::executor::block_on(async {
            let inspector = Inspector::default();
            let mut list = BoundedListNode::new(inspector.root().create_child("list"), 2);
            assert!(list.is_empty());
            for i in 0..3u64 {
                list.add_entry(|node| node.record_uint("i", i));
            }
            assert_eq!((list.len(), list.capacity()), (2, 2));
            assert_data_tree!(inspector, root: { list: { "1": { i: 1u64 }, "2": { i: 2u64 } } });
            let entry = list.add_entry(|_| {});
            entry.record_bool("late", true);
            assert_data_tree!(inspector, root: { list: { "2": { i: 2u64 }, "3": { late: true } } });
        });
    }

    #[test]
    fn zero_capacity_means_one() {
        futures::executor::block_on(async {
            let inspector = Inspector::default();
            let mut list = BoundedListNode::new(inspector.root().create_child("list"), 0);
            list.add_entry(|n| n.record_int("a", 1));
            list.add_entry(|n| n.record_int("b", 2));
            assert_eq!(list.capacity(), 1);
            assert_data_tree!(inspector, root: { list: { "1": { b: 2i64 } } });
        });
    }
}
