//! The Inspect VMO format, version 2: block layout, header and payload bitfields, constants.
//!
//! A VMO is a sequence of blocks of `16 << order` bytes (order 0..=7). A block's index is its
//! byte offset divided by 16. Every block starts with an 8-byte little-endian header word
//! (bits 0-3 order, 4-7 reserved and zero, 8-15 type, 16-63 type-specific) followed by an
//! 8-byte payload word; larger blocks carry more payload after byte 16.
//!
//! This crate knows nothing of allocation or trees: it only names and packs fields. The writer
//! lives in `fuchsia_inspect::writer`, the reader in `fuchsia_inspect::reader`.

mod bits;
mod block_type;
mod container;
mod index;

pub use bits::{BlockHeader, Payload};
pub use block_type::BlockType;
pub use container::{Container, ReadBytes, WriteBytes};
pub use index::BlockIndex;

/// Size in bytes of the smallest block (order 0).
pub const MIN_ORDER_SIZE: usize = 16;
/// log2 of [`MIN_ORDER_SIZE`].
pub const MIN_ORDER_SHIFT: usize = 4;
/// Largest block order.
pub const MAX_ORDER: u8 = 7;
/// Size in bytes of the largest block (order 7).
pub const MAX_ORDER_SIZE: usize = MIN_ORDER_SIZE << MAX_ORDER;
/// Number of block orders (one free list each).
pub const NUM_ORDERS: usize = MAX_ORDER as usize + 1;
/// Bytes of header word at the start of every block.
pub const HEADER_WORD_SIZE: usize = 8;
/// The page size by which the heap grows, in bytes.
pub const PAGE_SIZE: usize = 4096;

/// Magic number in bits 32-63 of the HEADER block: the bytes "INSP".
pub const MAGIC_NUMBER: [u8; 4] = *b"INSP";
/// The only format version this crate writes and accepts.
pub const FORMAT_VERSION: u32 = 2;
/// Order of the HEADER block (32 bytes: header word, generation, allocated size, padding).
pub const HEADER_ORDER: u8 = 1;
/// Byte offset of the generation count inside the VMO.
pub const GENERATION_OFFSET: usize = 8;
/// Byte offset of the allocated (used) VMO size inside the VMO, a little-endian u32.
pub const VMO_SIZE_OFFSET: usize = 16;
/// Generation count marking a frozen copy: readers accept it as stable.
pub const VMO_FROZEN: u64 = u64::MAX - 1;

/// Largest value a 24-bit index field can hold.
pub const MAX_INDEX: u32 = (1 << 24) - 1;
/// Bytes of inline string data in a STRING_REFERENCE block of the given order
/// (the block minus its header word and the 4-byte total length).
pub const fn string_reference_inline_capacity(order: u8) -> usize {
    block_size(order) - HEADER_WORD_SIZE - 4
}
/// Bytes of data in an EXTENT block of the given order.
pub const fn extent_capacity(order: u8) -> usize {
    block_size(order) - HEADER_WORD_SIZE
}
/// Bytes in a block of the given order.
pub const fn block_size(order: u8) -> usize {
    MIN_ORDER_SIZE << order
}
/// Smallest order whose block holds `bytes` bytes, or `None` above [`MAX_ORDER_SIZE`].
pub fn fit_order(bytes: usize) -> Option<u8> {
    (0..=MAX_ORDER).find(|order| block_size(*order) >= bytes)
}

/// Format of a BUFFER_VALUE block's contents (payload bits 60-63).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum PropertyFormat {
    /// UTF-8 text stored in EXTENT blocks.
    String = 0,
    /// Binary data stored in EXTENT blocks.
    Bytes = 1,
    /// The extent index names a STRING_REFERENCE block holding the text.
    StringReference = 2,
}

impl PropertyFormat {
    /// Decodes the 4-bit format field.
    pub fn from_raw(raw: u8) -> Option<Self> {
        match raw {
            0 => Some(Self::String),
            1 => Some(Self::Bytes),
            2 => Some(Self::StringReference),
            _ => None,
        }
    }
}

/// Where a lazy (LINK_VALUE) node's content is attached when read (payload bits 60-63).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum LinkNodeDisposition {
    /// The linked tree becomes a child named after the link.
    Child = 0,
    /// The linked tree's properties and children are merged into the link's parent.
    Inline = 1,
}

impl LinkNodeDisposition {
    /// Decodes the 4-bit disposition field.
    pub fn from_raw(raw: u8) -> Option<Self> {
        match raw {
            0 => Some(Self::Child),
            1 => Some(Self::Inline),
            _ => None,
        }
    }
}

/// How an ARRAY_VALUE block's slots are displayed (payload bits 4-7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ArrayDisplay {
    /// Plain values.
    Flat = 0,
    /// `[floor, step, underflow, buckets.., overflow]`.
    LinearHistogram = 1,
    /// `[floor, initial_step, step_multiplier, underflow, buckets.., overflow]`.
    ExponentialHistogram = 2,
}

impl ArrayDisplay {
    /// Decodes the 4-bit display field.
    pub fn from_raw(raw: u8) -> Option<Self> {
        match raw {
            0 => Some(Self::Flat),
            1 => Some(Self::LinearHistogram),
            2 => Some(Self::ExponentialHistogram),
            _ => None,
        }
    }
}

/// Bytes per slot of an array whose entries are of the given block type
/// (8 for numbers, 4 for string-reference indexes), `None` for other types.
pub fn array_slot_size(entry_type: BlockType) -> Option<usize> {
    match entry_type {
        BlockType::IntValue | BlockType::UintValue | BlockType::DoubleValue => Some(8),
        BlockType::StringReference => Some(4),
        _ => None,
    }
}

/// Largest number of slots an ARRAY_VALUE block of the given order holds for `entry_type`.
pub fn array_capacity(order: u8, entry_type: BlockType) -> Option<usize> {
    let slot = array_slot_size(entry_type)?;
    Some(((block_size(order) - 16) / slot).min(u8::MAX as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_order_picks_the_smallest_block() {
        assert_eq!(fit_order(0), Some(0));
        assert_eq!(fit_order(16), Some(0));
        assert_eq!(fit_order(17), Some(1));
        assert_eq!(fit_order(2048), Some(7));
        assert_eq!(fit_order(2049), None);
    }

    #[test]
    fn capacities() {
        assert_eq!(string_reference_inline_capacity(0), 4);
        assert_eq!(extent_capacity(0), 8);
        assert_eq!(array_capacity(0, BlockType::UintValue), Some(0));
        assert_eq!(array_capacity(1, BlockType::UintValue), Some(2));
        assert_eq!(array_capacity(1, BlockType::StringReference), Some(4));
        assert_eq!(array_capacity(7, BlockType::IntValue), Some(254));
        assert_eq!(array_capacity(7, BlockType::NodeValue), None);
    }

    #[test]
    fn enums_decode_only_known_values() {
        assert_eq!(PropertyFormat::from_raw(2), Some(PropertyFormat::StringReference));
        assert_eq!(PropertyFormat::from_raw(3), None);
        assert_eq!(LinkNodeDisposition::from_raw(1), Some(LinkNodeDisposition::Inline));
        assert_eq!(LinkNodeDisposition::from_raw(2), None);
        assert_eq!(ArrayDisplay::from_raw(2), Some(ArrayDisplay::ExponentialHistogram));
        assert_eq!(ArrayDisplay::from_raw(3), None);
    }
}
