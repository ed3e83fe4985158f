//! `BlockHandle`: the owning link from a value type to its block.

use crate::writer::state::{InnerState, State};
use inspect_format::BlockIndex;

/// Owns one value block of a writer state; dropping it deletes the block.
pub(crate) struct BlockHandle {
    pub(crate) state: State,
    pub(crate) index: BlockIndex,
}

impl BlockHandle {
    /// Runs `op` on the state inside a transaction.
    pub(crate) fn transact<R>(&self, op: impl FnOnce(&mut InnerState, BlockIndex) -> R) -> R {
        self.state.transact(|inner| op(inner, self.index))
    }

    /// Runs `op` on the state without a transaction (reads only).
    pub(crate) fn read<R>(&self, op: impl FnOnce(&InnerState, BlockIndex) -> R) -> R {
        op(&self.state.lock(), self.index)
    }
}

impl Drop for BlockHandle {
    fn drop(&mut self) {
        let index = self.index;
        // Deleting can only fail if the block is not a value block, which handles never own.
        let _ = self.state.transact(|inner| inner.free_value(index));
    }
}

impl std::fmt::Debug for BlockHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockHandle").field("index", &self.index).finish()
    }
}

impl PartialEq for BlockHandle {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state && self.index == other.index
    }
}

impl Eq for BlockHandle {}

/// Implements the crate-private accessors and `InspectType` for a type with a
/// `handle: Option<BlockHandle>` field.
macro_rules! impl_inspect_type {
    ($($ty:ident),* $(,)?) => {
        $(
            impl $crate::writer::traits::InspectType for $ty {}
            impl $crate::writer::traits::private::InspectTypeInternal for $ty {
                fn state(&self) -> Option<&$crate::writer::state::State> {
                    self.handle.as_ref().map(|h| &h.state)
                }
            }
            impl $ty {
                /// True when this value is backed by a block (not a no-op).
                pub fn is_valid(&self) -> bool {
                    self.handle.is_some()
                }

            }
        )*
    };
}
pub(crate) use impl_inspect_type;
