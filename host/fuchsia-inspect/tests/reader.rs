//! The reader is strict: malformed VMOs give errors, never panics.

use fuchsia_inspect::reader::{PartialNodeHierarchy, ReaderError, Snapshot};
use fuchsia_inspect::{DiagnosticsHierarchy, Inspector, InspectorConfig};
use proptest::prelude::*;

fn header_word(bytes: &[u8], index: usize) -> u64 {
    u64::from_le_bytes(bytes[index * 16..index * 16 + 8].try_into().unwrap())
}

fn set_header_word(bytes: &mut [u8], index: usize, word: u64) {
    bytes[index * 16..index * 16 + 8].copy_from_slice(&word.to_le_bytes());
}

fn set_parent(bytes: &mut [u8], index: usize, parent: u64) {
    let word = header_word(bytes, index);
    set_header_word(bytes, index, (word & !(0xff_ffff << 16)) | (parent << 16));
}

fn parse(bytes: Vec<u8>) -> Result<PartialNodeHierarchy, ReaderError> {
    PartialNodeHierarchy::try_from(bytes)
}

/// A VMO with a uint "a" (block 2, name at 3).
fn with_uint() -> Vec<u8> {
    let inspector = Inspector::default();
    inspector.root().record_uint("a", 1);
    inspector.copy_vmo_data().unwrap()
}

/// A VMO with node "a" (block 2, name 3) holding node "b" (block 4, name 5).
fn with_nodes() -> Vec<u8> {
    let inspector = Inspector::default();
    inspector.root().record_child("a", |a| a.record_child("b", |_| {}));
    inspector.copy_vmo_data().unwrap()
}

#[test]
fn valid_vmos_parse() {
    let hierarchy: DiagnosticsHierarchy = parse(with_nodes()).unwrap().into();
    assert_eq!(hierarchy.get_child_by_path(&["a", "b"]).map(|n| n.name.as_str()), Some("b"));
    let hierarchy: DiagnosticsHierarchy = parse(with_uint()).unwrap().into();
    assert_eq!(hierarchy.get_property("a").and_then(|p| p.uint()), Some(&1));
}

#[test]
fn header_errors() {
    let mut bytes = with_uint();
    bytes[4] = b'X';
    assert!(matches!(parse(bytes), Err(ReaderError::BadMagic)));
    let mut bytes = with_uint();
    bytes[2] = 3;
    assert!(matches!(parse(bytes), Err(ReaderError::UnsupportedVersion(3))));
    let mut bytes = with_uint();
    bytes[0] |= 0x10;
    assert!(matches!(parse(bytes), Err(ReaderError::MalformedHeader)));
    let mut bytes = with_uint();
    bytes[1] = 3;
    assert!(matches!(parse(bytes), Err(ReaderError::MalformedHeader)));
    let mut bytes = with_uint();
    bytes[8] = 1;
    assert!(matches!(parse(bytes), Err(ReaderError::InconsistentSnapshot)));
    let mut bytes = with_uint();
    bytes[16..20].copy_from_slice(&8192u32.to_le_bytes());
    assert!(matches!(parse(bytes), Err(ReaderError::TooSmall(4096))));
    let mut bytes = with_uint();
    bytes[16..20].copy_from_slice(&17u32.to_le_bytes());
    assert!(matches!(parse(bytes), Err(ReaderError::MalformedHeader)));
    assert!(matches!(parse(vec![0x01, 0x02]), Err(ReaderError::TooSmall(2))));
}

#[test]
fn frozen_generation_is_accepted() {
    let mut bytes = with_uint();
    bytes[8..16].copy_from_slice(&inspect_format::VMO_FROZEN.to_le_bytes());
    assert!(parse(bytes).is_ok());
}

#[test]
fn block_errors() {
    let mut bytes = with_uint();
    bytes[2 * 16] |= 0x20; // reserved bits of the uint
    assert!(matches!(parse(bytes), Err(ReaderError::BadBlock(2))));
    let mut bytes = with_uint();
    bytes[2 * 16 + 1] = 15; // undefined type
    assert!(matches!(parse(bytes), Err(ReaderError::BadBlock(2))));
    let mut bytes = with_uint();
    bytes[3 * 16] = 1; // order-1 block at an odd index
    assert!(matches!(parse(bytes), Err(ReaderError::BadBlock(3))));
    let mut bytes = with_uint();
    bytes[128 * 16] = 8; // order 8 does not exist
    assert!(matches!(parse(bytes), Err(ReaderError::BadBlock(128))));
}

#[test]
fn dangling_indexes() {
    let mut bytes = with_uint();
    set_parent(&mut bytes, 2, 4); // a free block
    assert!(matches!(parse(bytes), Err(ReaderError::DanglingIndex(4))));
    let mut bytes = with_uint();
    let word = header_word(&bytes, 2);
    set_header_word(&mut bytes, 2, (word & !(0xff_ffff << 40)) | (2 << 40)); // named by itself
    assert!(matches!(parse(bytes), Err(ReaderError::DanglingIndex(2))));
    let mut bytes = with_uint();
    set_parent(&mut bytes, 2, 0xff_ffff); // far outside the VMO
    assert!(matches!(parse(bytes), Err(ReaderError::DanglingIndex(0xff_ffff))));
}

#[test]
fn parent_cycles_are_errors() {
    let mut bytes = with_nodes();
    set_parent(&mut bytes, 2, 4);
    assert!(matches!(parse(bytes), Err(ReaderError::Cycle(_))));
    let mut bytes = with_nodes();
    set_parent(&mut bytes, 4, 4);
    assert!(matches!(parse(bytes), Err(ReaderError::Cycle(4))));
}

#[test]
fn values_under_tombstones_are_skipped() {
    let inspector = Inspector::default();
    let a = inspector.root().create_child("a");
    let b = a.create_uint("b", 1);
    drop(a);
    let hierarchy: DiagnosticsHierarchy = parse(inspector.copy_vmo_data().unwrap()).unwrap().into();
    assert!(hierarchy.children.is_empty() && hierarchy.properties.is_empty());
    drop(b);
}

#[test]
fn extent_chains_must_be_complete_and_finite() {
    let inspector = Inspector::default();
    inspector.root().record_bytes("b", [7u8; 20]);
    let bytes = inspector.copy_vmo_data().unwrap();
    let payload_at = |bytes: &[u8], index: usize| {
        u64::from_le_bytes(bytes[index * 16 + 8..index * 16 + 16].try_into().unwrap())
    };
    // Find the BUFFER block and its first extent.
    let buffer = (1..256).find(|i| header_word(&bytes, *i) >> 8 & 0xff == 7).unwrap();
    let extent = ((payload_at(&bytes, buffer) >> 32) & 0x0fff_ffff) as usize;
    // A chain that loops onto itself.
    let mut looped = bytes.clone();
    let word = header_word(&looped, extent);
    set_header_word(&mut looped, extent, (word & !(0xff_ffff << 16)) | ((extent as u64) << 16));
    let mut payload = payload_at(&looped, buffer);
    payload = (payload & !0xffff_ffff) | 4000;
    looped[buffer * 16 + 8..buffer * 16 + 16].copy_from_slice(&payload.to_le_bytes());
    assert!(matches!(parse(looped), Err(ReaderError::ChainTooLong(_))));
    // A declared length longer than the chain.
    let mut short = bytes.clone();
    let mut payload = payload_at(&short, buffer);
    payload = (payload & !0xffff_ffff) | 100;
    short[buffer * 16 + 8..buffer * 16 + 16].copy_from_slice(&payload.to_le_bytes());
    assert!(matches!(parse(short), Err(ReaderError::DanglingIndex(0))));
    // A bad buffer format.
    let mut format = bytes;
    let payload = payload_at(&format, buffer) | (0xf << 60);
    format[buffer * 16 + 8..buffer * 16 + 16].copy_from_slice(&payload.to_le_bytes());
    assert!(matches!(parse(format), Err(ReaderError::BadBlock(_))));
}

#[test]
fn arrays_must_fit_their_block() {
    let inspector = Inspector::default();
    let array = inspector.root().create_uint_array("a", 2);
    let mut bytes = inspector.copy_vmo_data().unwrap();
    let block = (1..256).find(|i| header_word(&bytes, *i) >> 8 & 0xff == 11).unwrap();
    bytes[block * 16 + 9] = 200; // slot count far beyond an order-1 block
    assert!(matches!(parse(bytes), Err(ReaderError::BadBlock(_))));
    drop(array);
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error() {
    let inspector = Inspector::new(InspectorConfig::default().size(1 << 20));
    let mut nodes = vec![inspector.root().create_child("n")];
    for _ in 0..fuchsia_inspect::reader::MAX_DEPTH {
        let next = nodes.last().unwrap().create_child("n");
        nodes.push(next);
    }
    assert!(matches!(parse(inspector.copy_vmo_data().unwrap()), Err(ReaderError::TooDeep)));
    nodes.pop();
    assert!(parse(inspector.copy_vmo_data().unwrap()).is_ok());
}

#[test]
fn a_vmo_whose_writer_never_finishes_gives_up() {
    let inspector = Inspector::default();
    let vmo = zx::Vmo::create(4096).unwrap();
    let mut bytes = inspector.copy_vmo_data().unwrap();
    bytes[8] = 3;
    vmo.write(&bytes, 0).unwrap();
    assert!(matches!(Snapshot::try_from(&vmo), Err(ReaderError::InconsistentSnapshot)));
    bytes[8] = 4;
    vmo.write(&bytes, 0).unwrap();
    assert!(PartialNodeHierarchy::try_from(&vmo).is_ok());
}

fn rich_vmo() -> Vec<u8> {
    let inspector = Inspector::default();
    let root = inspector.root();
    root.record_child("child", |c| {
        c.record_int("i", -1);
        c.record_string("s", "a string long enough to need extents beyond its first block");
        c.record_bytes("b", [1u8; 40]);
    });
    root.record_double("d", 0.5);
    root.record_bool("t", true);
    let strings = root.create_string_array("sa", 3);
    fuchsia_inspect::ArrayProperty::set(&strings, 0, "x");
    root.record(strings);
    root.record(root.create_uint_exponential_histogram(
        "h",
        fuchsia_inspect::ExponentialHistogramParams {
            floor: 1,
            initial_step: 1,
            step_multiplier: 2,
            buckets: 4,
        },
    ));
    root.record_lazy_values("lazy", || Box::pin(async { Ok(Inspector::default()) }));
    inspector.copy_vmo_data().unwrap()
}

proptest! {
    /// Fuzzing: any corruption of a valid VMO yields Ok or Err, never a panic.
    #[test]
    fn corrupted_vmos_never_panic(changes in prop::collection::vec((32usize..4096, any::<u8>()), 1..16)) {
        let mut bytes = rich_vmo();
        for (offset, value) in changes {
            bytes[offset] = value;
        }
        let _ = parse(bytes);
    }

    /// Fuzzing: arbitrary bytes behind a valid header never panic.
    #[test]
    fn random_blocks_never_panic(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = rich_vmo()[..32].to_vec();
        bytes.extend(body);
        let len = bytes.len() as u32 / 16 * 16;
        bytes[16..20].copy_from_slice(&len.to_le_bytes());
        let _ = parse(bytes);
    }
}

#[test]
fn a_vmo_without_read_rights_is_an_error() {
    let inspector = Inspector::default();
    let vmo = inspector.duplicate_vmo().unwrap();
    let no_read = vmo.duplicate_handle(zx::Rights::BASIC).unwrap();
    assert!(matches!(
        Snapshot::try_from(&no_read),
        Err(ReaderError::Vmo(zx::Status::ACCESS_DENIED))
    ));
}

/// A tree whose links have no callbacks (as when a link outlives its callback).
struct LinksWithoutCallbacks(Inspector);

impl fuchsia_inspect::reader::ReadableTree for LinksWithoutCallbacks {
    fn snapshot(&self) -> Result<Snapshot, ReaderError> {
        self.0.snapshot()
    }

    fn load(
        &self,
        _: &str,
    ) -> Option<futures::future::BoxFuture<'static, anyhow::Result<Inspector>>> {
        None
    }
}

#[test]
fn lazy_links_that_cannot_be_loaded_are_reported_missing() {
    use fuchsia_inspect::reader::{MissingValueReason, ReadableTree, read};
    let inspector = Inspector::default();
    inspector.root().record_lazy_child("gone", || Box::pin(async { Ok(Inspector::default()) }));
    inspector.root().record_lazy_child("noop", || {
        Box::pin(async { Ok(Inspector::new(InspectorConfig::default().no_op())) })
    });
    let hierarchy = futures::executor::block_on(read(&inspector)).unwrap();
    assert_eq!(hierarchy.missing.len(), 1);
    assert_eq!(hierarchy.missing[0].reason, MissingValueReason::LinkParseFailure);
    assert_eq!(hierarchy.missing[0].name, "noop");
    let tree = LinksWithoutCallbacks(inspector.clone());
    assert!(tree.snapshot().is_ok());
    let hierarchy = futures::executor::block_on(read(&tree)).unwrap();
    assert!(hierarchy.missing.iter().all(|m| m.reason == MissingValueReason::LinkNotFound));
    assert_eq!(hierarchy.missing.len(), 2);
    // Without expansion, links are recorded as never expanded.
    let partial = PartialNodeHierarchy::try_from(inspector.copy_vmo_data().unwrap()).unwrap();
    assert_eq!(partial.links.len(), 2);
    let unexpanded: DiagnosticsHierarchy = partial.into();
    assert!(unexpanded.missing.iter().all(|m| m.reason == MissingValueReason::LinkNeverExpanded));
}
