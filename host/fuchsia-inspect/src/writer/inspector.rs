//! `Inspector`: owns the VMO and the root node.

use crate::writer::node::Node;
use crate::writer::state::State;
use inspect_format::PAGE_SIZE;
use std::sync::Arc;

/// Default maximum VMO size: 256 KiB.
pub const DEFAULT_VMO_SIZE_BYTES: usize = 256 * 1024;

/// How to build an `Inspector`.
#[derive(Clone, Debug)]
pub struct InspectorConfig {
    size: usize,
    no_op: bool,
}

impl Default for InspectorConfig {
    fn default() -> Self {
        Self { size: DEFAULT_VMO_SIZE_BYTES, no_op: false }
    }
}

impl InspectorConfig {
    /// Maximum VMO size in bytes (rounded up to a page, at least one page).
    pub fn size(mut self, max_size: usize) -> Self {
        self.size = max_size;
        self
    }

    /// An inspector with no VMO: every operation is a no-op.
    pub fn no_op(mut self) -> Self {
        self.no_op = true;
        self
    }
}

/// Root of an Inspect tree and owner of its VMO. Clones share the tree.
#[derive(Clone, Debug)]
pub struct Inspector {
    root: Arc<Node>,
}

impl Default for Inspector {
    fn default() -> Self {
        Inspector::new(InspectorConfig::default())
    }
}

impl PartialEq for Inspector {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.root, &other.root)
    }
}

impl Inspector {
    /// A new inspector; a no-op one if asked or if the VMO cannot be created.
    pub fn new(config: InspectorConfig) -> Self {
        if config.no_op {
            return Self::new_no_op();
        }
        let max_size = config.size.max(PAGE_SIZE).div_ceil(PAGE_SIZE) * PAGE_SIZE;
        match zx::Vmo::create(max_size as u64) {
            Ok(vmo) => Inspector { root: Arc::new(Node::new_root(State::create(vmo, max_size))) },
            Err(_) => Self::new_no_op(),
        }
    }

    fn new_no_op() -> Self {
        Inspector { root: Arc::new(Node::default()) }
    }

    /// The root node.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// True unless this is a no-op inspector.
    pub fn is_valid(&self) -> bool {
        self.root.is_valid()
    }

    /// The writer state, `None` for no-op inspectors.
    pub(crate) fn state(&self) -> Option<State> {
        self.root.writer_state()
    }

    /// Maximum VMO size in bytes.
    pub fn max_size(&self) -> Option<usize> {
        self.state().map(|state| state.stats().maximum_size)
    }

    /// A read-only handle to the live VMO.
    pub fn duplicate_vmo(&self) -> Option<zx::Vmo> {
        let state = self.state()?;
        let inner = state.lock();
        inner
            .heap
            .vmo()
            .duplicate_handle(zx::Rights::BASIC | zx::Rights::READ | zx::Rights::MAP)
            .ok()
    }

    /// A copy of the VMO's used bytes; `None` while an atomic update is in progress.
    pub fn copy_vmo_data(&self) -> Option<Vec<u8>> {
        self.state()?.lock().copy_bytes()
    }

    /// A new VMO holding a frozen copy (generation `VMO_FROZEN`) of the tree without its lazy
    /// children; `None` while an atomic update is in progress.
    pub fn frozen_vmo_copy(&self) -> Option<zx::Vmo> {
        let bytes = self.state()?.lock().frozen_bytes()?;
        let vmo = zx::Vmo::create(bytes.len() as u64).ok()?;
        vmo.write(&bytes, 0).ok()?;
        Some(vmo)
    }

    /// Runs `update_fn` on the root so that readers see all of its writes or none of them.
    pub fn atomic_update<F: FnOnce(&Node) -> R, R>(&self, update_fn: F) -> R {
        self.root.atomic_update(update_fn)
    }
}
