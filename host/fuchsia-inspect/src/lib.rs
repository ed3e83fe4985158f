//! Host build of `fuchsia_inspect`: writes the Inspect VMO format (version 2) into a `zx::Vmo`
//! bit for bit, and reads it back as archivist does.
//!
//! - [`Inspector`], [`Node`] and the property types write the tree (see [`writer`]).
//! - [`reader::read`] snapshots the VMO with the seqlock protocol, parses it strictly and
//!   resolves lazy nodes.
//! - [`component`] holds the component's inspector and health node, [`health`] the health
//!   reporter, [`stats`] the `fuchsia.inspect.Stats` lazy node.

pub mod component;
mod component_identity;
pub mod health;
pub mod reader;
pub mod stats;
pub mod writer;

pub use diagnostics_hierarchy::{
    DiagnosticsHierarchy, ExponentialHistogramParams, LinearHistogramParams,
};
pub use writer::*;

/// Hierarchy accessors used by `diagnostics_assertions::assert_data_tree!` on an `Inspector`.
pub use diagnostics_hierarchy::DiagnosticsHierarchyGetter;

impl DiagnosticsHierarchyGetter<String> for Inspector {
    /// Reads the tree, resolving lazy nodes. Panics if the VMO cannot be read, which for a
    /// live Inspector means the writer is broken (this is a test helper).
    async fn get_diagnostics_hierarchy<'a>(&'a self) -> std::borrow::Cow<'a, DiagnosticsHierarchy>
    where
        String: 'a,
    {
        let hierarchy = match reader::read(self).await {
            Ok(hierarchy) => hierarchy,
            Err(reader::ReaderError::NoOpInspector) => DiagnosticsHierarchy::new_root(),
            Err(err) => panic!("failed to read the inspector: {err}"),
        };
        std::borrow::Cow::Owned(hierarchy)
    }
}
