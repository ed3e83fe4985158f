//! Byte-level goldens of the VMO format and allocation goldens matching the in-tree writer's
//! published statistics.

use diagnostics_assertions::assert_data_tree;
use fuchsia_inspect::stats::{InspectorExt, StatsNode};
use fuchsia_inspect::{DEFAULT_VMO_SIZE_BYTES, Inspector, NumericProperty};
use futures::FutureExt;

fn word(bytes: &[u8], index: usize) -> [u8; 8] {
    bytes[index * 16..index * 16 + 8].try_into().unwrap()
}

#[test]
fn fresh_vmo_layout() {
    let inspector = Inspector::default();
    let bytes = inspector.copy_vmo_data().unwrap();
    assert_eq!(bytes.len(), 4096);
    assert_eq!(word(&bytes, 0), [0x01, 0x02, 0x02, 0x00, 0x49, 0x4e, 0x53, 0x50]);
    assert_eq!(u64::from_le_bytes(bytes[8..16].try_into().unwrap()) % 2, 0);
    assert_eq!(u32::from_le_bytes(bytes[16..20].try_into().unwrap()), 4096);
    for (index, order) in [(2usize, 1u8), (4, 2), (8, 3), (16, 4), (32, 5), (64, 6), (128, 7)] {
        let header = word(&bytes, index);
        assert_eq!((header[0], header[1]), (order, 0), "free block at {index}");
    }
    // The live VMO holds the same bytes as the writer's copy.
    let vmo = inspector.duplicate_vmo().unwrap();
    let mut live = vec![0u8; 4096];
    vmo.read(&mut live, 0).unwrap();
    assert_eq!(live, bytes);
}

#[test]
fn int_block_and_its_name() {
    let inspector = Inspector::default();
    let _int = inspector.root().create_int("a", -5);
    let bytes = inspector.copy_vmo_data().unwrap();
    // Order-0 INT at index 2, parent 0 (root), name at index 3.
    assert_eq!(word(&bytes, 2), [0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00]);
    assert_eq!(bytes[40..48], [0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    // STRING_REFERENCE "a": order 0, type 14, no extent, one reference; length 1; inline "a".
    assert_eq!(word(&bytes, 3), [0x00, 0x0e, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]);
    assert_eq!(bytes[56..61], [0x01, 0x00, 0x00, 0x00, b'a']);
    // The generation advanced by two per mutation and is even.
    assert_eq!(u64::from_le_bytes(bytes[8..16].try_into().unwrap()), 2);
}

#[test]
fn names_are_deduplicated_and_reference_counted() {
    let inspector = Inspector::default();
    let a = inspector.root().create_uint("same", 1);
    let b = inspector.root().create_uint("same", 2);
    let bytes = inspector.copy_vmo_data().unwrap();
    let name_of = |index: usize| word(&bytes, index)[5];
    assert_eq!(name_of(2), name_of(4));
    let name = name_of(2) as usize;
    assert_eq!(word(&bytes, name)[5], 2, "reference count");
    drop(a);
    let bytes = inspector.copy_vmo_data().unwrap();
    assert_eq!(word(&bytes, name)[5], 1);
    drop(b);
    let bytes = inspector.copy_vmo_data().unwrap();
    assert_eq!(word(&bytes, name)[1], 0, "freed with its last use");
}

#[test]
fn string_property_uses_a_string_reference_buffer() {
    let inspector = Inspector::default();
    let _s = inspector.root().create_string("k", "v");
    let bytes = inspector.copy_vmo_data().unwrap();
    // The BUFFER (index 2), its name (3), then the value's string reference (4).
    assert_eq!(word(&bytes, 2)[1], 7);
    let payload = u64::from_le_bytes(bytes[40..48].try_into().unwrap());
    assert_eq!(payload >> 60, 2, "format: string reference");
    assert_eq!((payload >> 32) & 0x0fff_ffff, 4, "points at the value");
    assert_eq!(word(&bytes, 4)[1], 14);
    assert_eq!(payload & 0xffff_ffff, 0, "length 0");
}

fn lazy_uint(
    name: &'static str,
) -> impl Fn() -> futures::future::BoxFuture<'static, anyhow::Result<Inspector>> {
    move || {
        async move {
            let inspector = Inspector::default();
            inspector.root().record_uint(name, 1);
            Ok(inspector)
        }
        .boxed()
    }
}

#[test]
fn stats_match_the_in_tree_writer() {
    futures::executor::block_on(async {
        let inspector = Inspector::default();
        inspector.record_lazy_stats();
        assert_data_tree!(inspector, root: {
            "fuchsia.inspect.Stats": {
                current_size: 4096u64,
                maximum_size: DEFAULT_VMO_SIZE_BYTES as u64,
                utilization_per_ten_k: 156u64,
                total_dynamic_children: 1u64,
                allocated_blocks: 4u64,
                deallocated_blocks: 0u64,
                failed_allocations: 0u64,
            },
        });
        inspector.root().record_lazy_child("foo", lazy_uint("a"));
        assert_data_tree!(inspector, root: {
            foo: { a: 1u64 },
            "fuchsia.inspect.Stats": {
                current_size: 4096u64,
                maximum_size: DEFAULT_VMO_SIZE_BYTES as u64,
                utilization_per_ten_k: 156u64,
                total_dynamic_children: 2u64,
                allocated_blocks: 7u64,
                deallocated_blocks: 0u64,
                failed_allocations: 0u64,
            },
        });
        for i in 0..100 {
            inspector.root().record_string(format!("testing-{i}"), "testing".repeat(i + 1));
        }
        {
            let _ = inspector.root().create_int("drop", 1);
        }
        assert_data_tree!(inspector, root: contains {
            "fuchsia.inspect.Stats": {
                current_size: 61440u64,
                maximum_size: DEFAULT_VMO_SIZE_BYTES as u64,
                utilization_per_ten_k: 2343u64,
                total_dynamic_children: 2u64,
                allocated_blocks: 309u64,
                deallocated_blocks: 2u64,
                failed_allocations: 0u64,
            },
        });
        for i in 101..220 {
            inspector.root().record_string(format!("testing-{i}"), "testing".repeat(i + 1));
        }
        assert_data_tree!(inspector, root: contains {
            "fuchsia.inspect.Stats": {
                current_size: 262144u64,
                maximum_size: DEFAULT_VMO_SIZE_BYTES as u64,
                utilization_per_ten_k: 10000u64,
                total_dynamic_children: 2u64,
                allocated_blocks: 664u64,
                deallocated_blocks: 6u64,
                failed_allocations: 2u64,
            },
        });
    });
}

#[test]
fn stats_node_updates_on_request() {
    futures::executor::block_on(async {
        let inspector = Inspector::default();
        let stats = StatsNode::new(&inspector);
        assert_data_tree!(inspector, root: {
            "fuchsia.inspect.Stats": contains { allocated_blocks: 3u64 },
        });
        inspector.root().record_int("abc", 5);
        stats.update();
        assert_data_tree!(inspector, root: {
            abc: 5i64,
            "fuchsia.inspect.Stats": contains { allocated_blocks: 19u64, deallocated_blocks: 0u64 },
        });
        let counter = inspector.root().create_uint("counter", 0);
        assert_eq!(counter.add(2), Some(2));
    });
}
