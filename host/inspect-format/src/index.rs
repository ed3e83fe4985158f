//! Block indexes (byte offset / 16, 24 bits wide).

use crate::{MAX_INDEX, MIN_ORDER_SHIFT};
use std::fmt;

/// Index of a block: its byte offset divided by 16. Fits in 24 bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlockIndex(u32);

impl BlockIndex {
    /// Index of the HEADER block.
    pub const HEADER: BlockIndex = BlockIndex(0);
    /// Parent index meaning "child of the implicit root node".
    pub const ROOT: BlockIndex = BlockIndex(0);
    /// "No block" in link fields (next extent, next free block).
    pub const EMPTY: BlockIndex = BlockIndex(0);

    /// Wraps a raw index. Values above 24 bits are truncated by the bitfield setters; callers
    /// build indexes only from offsets inside a VMO of at most 256 MiB.
    pub const fn new(raw: u32) -> Self {
        Self(raw)
    }

    /// The raw index.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// Byte offset of the block in the VMO.
    pub const fn offset(self) -> usize {
        (self.0 as usize) << MIN_ORDER_SHIFT
    }

    /// Index of the block starting at `offset` (must be 16-byte aligned).
    pub fn from_offset(offset: usize) -> Option<Self> {
        let raw = offset >> MIN_ORDER_SHIFT;
        (offset.is_multiple_of(16) && raw <= MAX_INDEX as usize).then_some(Self(raw as u32))
    }

    /// Index of the buddy of a block of the given order.
    pub const fn buddy(self, order: u8) -> Self {
        Self(self.0 ^ (1 << order))
    }
}

impl fmt::Display for BlockIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<u32> for BlockIndex {
    fn from(raw: u32) -> Self {
        Self(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_buddies() {
        assert_eq!(BlockIndex::new(3).offset(), 48);
        assert_eq!(BlockIndex::from_offset(4096), Some(BlockIndex::new(256)));
        assert_eq!(BlockIndex::from_offset(17), None);
        assert_eq!(BlockIndex::new(2).buddy(1), BlockIndex::new(0));
        assert_eq!(BlockIndex::new(8).buddy(3), BlockIndex::new(0));
        assert_eq!(BlockIndex::new(4).buddy(0), BlockIndex::new(5));
    }
}
