//! Reading Inspect data back: snapshots, strict parsing, and resolution of lazy nodes.
//!
//! `read(&inspector)` reads the inspector's VMO the way archivist does (seqlock snapshot of the
//! VMO itself, not the writer's memory), parses it strictly, then calls the callbacks of lazy
//! nodes and reads the inspectors they return, attaching them as children (`create_lazy_child`)
//! or merging them into the parent (`create_lazy_values`).

mod parse;
pub mod snapshot;

pub use diagnostics_hierarchy::{
    ArrayContent, DiagnosticsHierarchy, ExponentialHistogram, LinearHistogram, MissingValue,
    MissingValueReason, Property,
};
pub use parse::{LinkValue, MAX_DEPTH, PartialNodeHierarchy};
pub use snapshot::Snapshot;

use crate::Inspector;
use futures::FutureExt;
use futures::future::BoxFuture;
use inspect_format::LinkNodeDisposition;

/// Deepest nesting of lazy nodes that is expanded; deeper links are reported missing
/// (`LinkInvalid`) instead of being called.
pub const MAX_LAZY_DEPTH: usize = 64;

/// Why a read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReaderError {
    /// The header's magic number is not "INSP".
    #[error("bad magic number")]
    BadMagic,
    /// The header's version is not 2.
    #[error("unsupported format version {0}")]
    UnsupportedVersion(u32),
    /// The HEADER block is malformed (type, order, reserved bits or size).
    #[error("malformed header block")]
    MalformedHeader,
    /// Fewer bytes than the header needs or announces.
    #[error("buffer too small: {0} bytes")]
    TooSmall(usize),
    /// The writer kept changing the VMO for every try.
    #[error("no consistent snapshot after {} tries", snapshot::SNAPSHOT_TRIES)]
    InconsistentSnapshot,
    /// A block has a bad order, alignment, reserved bits, type or payload.
    #[error("malformed block at index {0}")]
    BadBlock(usize),
    /// An index names no block of the expected type.
    #[error("index {0} does not name a block of the expected type")]
    DanglingIndex(u32),
    /// An extent chain loops or is longer than the VMO.
    #[error("extent chain from block {0} is too long")]
    ChainTooLong(u32),
    /// Parent links form a cycle.
    #[error("parent links form a cycle through block {0}")]
    Cycle(u32),
    /// Nodes nest deeper than `MAX_DEPTH`.
    #[error("nodes nest deeper than {}", parse::MAX_DEPTH)]
    TooDeep,
    /// The inspector has no VMO (it is a no-op inspector).
    #[error("the inspector has no VMO")]
    NoOpInspector,
    /// Reading the VMO failed.
    #[error("reading the VMO failed: {0}")]
    Vmo(zx::Status),
}

/// A tree that can be read: an Inspector (its VMO plus its lazy-node callbacks).
pub trait ReadableTree: Sync {
    /// A consistent snapshot of the tree's VMO.
    fn snapshot(&self) -> Result<Snapshot, ReaderError>;

    /// Calls the lazy-node callback registered for `content`; `None` if there is none.
    fn load(&self, content: &str) -> Option<BoxFuture<'static, Result<Inspector, anyhow::Error>>>;
}

impl ReadableTree for Inspector {
    fn snapshot(&self) -> Result<Snapshot, ReaderError> {
        let state = self.state().ok_or(ReaderError::NoOpInspector)?;
        let vmo = state
            .lock()
            .heap
            .vmo()
            .duplicate_handle(zx::Rights::SAME_RIGHTS)
            .map_err(ReaderError::Vmo)?;
        Snapshot::try_from_vmo(&vmo)
    }

    fn load(&self, content: &str) -> Option<BoxFuture<'static, Result<Inspector, anyhow::Error>>> {
        // The callback is cloned out so that no lock is held while it runs.
        let callback = self.state()?.lock().callback(content)?;
        Some(callback())
    }
}

/// Reads `tree` into a hierarchy, resolving lazy nodes.
pub async fn read<T: ReadableTree>(tree: &T) -> Result<DiagnosticsHierarchy, ReaderError> {
    let partial = PartialNodeHierarchy::try_from(tree.snapshot()?)?;
    Ok(expand(partial, tree, 0).await)
}

/// Converts `partial` to a hierarchy, calling the callbacks of its links (and of the trees they
/// return, up to `MAX_LAZY_DEPTH`). A failing callback or unreadable tree becomes a missing value.
fn expand<'a, T: ReadableTree>(
    partial: PartialNodeHierarchy,
    tree: &'a T,
    lazy_depth: usize,
) -> BoxFuture<'a, DiagnosticsHierarchy> {
    async move {
        let PartialNodeHierarchy { name, properties, children, links } = partial;
        let mut expanded = Vec::with_capacity(children.len());
        for child in children {
            expanded.push(expand(child, tree, lazy_depth).await);
        }
        let mut node = DiagnosticsHierarchy::new(name, properties, expanded);
        for link in links {
            if lazy_depth >= MAX_LAZY_DEPTH {
                node.add_missing(MissingValueReason::LinkInvalid, link.name);
                continue;
            }
            let Some(loading) = tree.load(&link.content) else {
                node.add_missing(MissingValueReason::LinkNotFound, link.name);
                continue;
            };
            let linked = match loading.await {
                Ok(inspector) => {
                    match inspector.snapshot().and_then(PartialNodeHierarchy::try_from) {
                        Ok(partial) => expand(partial, &inspector, lazy_depth + 1).await,
                        Err(_) => {
                            node.add_missing(MissingValueReason::LinkParseFailure, link.name);
                            continue;
                        }
                    }
                }
                Err(_) => {
                    node.add_missing(MissingValueReason::LinkParseFailure, link.name);
                    continue;
                }
            };
            match link.disposition {
                LinkNodeDisposition::Child => {
                    let mut child = linked;
                    child.name = link.name;
                    node.add_child(child);
                }
                LinkNodeDisposition::Inline => {
                    node.properties.extend(linked.properties);
                    node.children.extend(linked.children);
                    node.missing.extend(linked.missing);
                }
            }
        }
        node
    }
    .boxed()
}
