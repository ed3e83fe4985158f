//! The header word and payload word bitfields.
//!
//! Both are plain `u64` newtypes: getters extract a field, `with_*` setters return a copy with
//! the field replaced (values wider than the field are truncated to it).

use crate::{BlockIndex, BlockType};

const fn field(word: u64, lo: u32, width: u32) -> u64 {
    (word >> lo) & ((1u64 << width) - 1)
}

const fn with_field(word: u64, lo: u32, width: u32, value: u64) -> u64 {
    let mask = ((1u64 << width) - 1) << lo;
    (word & !mask) | ((value << lo) & mask)
}

/// The 8-byte header word at the start of every block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockHeader(pub u64);

macro_rules! header_fields {
    ($($(#[$doc:meta])* $get:ident / $set:ident : $lo:literal, $width:literal;)*) => {
        impl BlockHeader {
            $(
                $(#[$doc])*
                pub const fn $get(self) -> u64 {
                    field(self.0, $lo, $width)
                }
                #[doc = concat!("Returns a copy with `", stringify!($get), "` replaced.")]
                pub const fn $set(self, value: u64) -> Self {
                    Self(with_field(self.0, $lo, $width, value))
                }
            )*
        }
    };
}

header_fields! {
    /// Bits 0-3: the block order.
    order / with_order: 0, 4;
    /// Bits 4-7: reserved, must be zero.
    reserved / with_reserved: 4, 4;
    /// Bits 8-15: the raw block type.
    raw_type / with_raw_type: 8, 8;
    /// Value blocks, bits 16-39: parent index (0 = the implicit root).
    parent_index / with_parent_index: 16, 24;
    /// Value blocks, bits 40-63: name index (NAME or STRING_REFERENCE).
    name_index / with_name_index: 40, 24;
    /// HEADER block, bits 16-31: the format version.
    header_version / with_header_version: 16, 16;
    /// HEADER block, bits 32-63: the magic number as a little-endian u32.
    header_magic / with_header_magic: 32, 32;
    /// FREE blocks, bits 16-39: next free block of the same order (0 = none).
    free_next / with_free_next: 16, 24;
    /// EXTENT and STRING_REFERENCE blocks, bits 16-39: next extent (0 = none).
    next_extent / with_next_extent: 16, 24;
    /// NAME blocks, bits 16-27: name length in bytes.
    name_length / with_name_length: 16, 12;
    /// STRING_REFERENCE blocks, bits 40-63: reference count.
    reference_count / with_reference_count: 40, 24;
}

impl BlockHeader {
    /// A header word with only order and type set.
    pub const fn new(order: u8, block_type: BlockType) -> Self {
        Self(order as u64 | ((block_type as u64) << 8))
    }

    /// The decoded block type, `None` if the raw value is undefined.
    pub fn block_type(self) -> Option<BlockType> {
        BlockType::from_raw(self.raw_type() as u8)
    }

    /// The parent index as a [`BlockIndex`].
    pub const fn parent(self) -> BlockIndex {
        BlockIndex::new(self.parent_index() as u32)
    }

    /// The name index as a [`BlockIndex`].
    pub const fn name(self) -> BlockIndex {
        BlockIndex::new(self.name_index() as u32)
    }

    /// The next extent as a [`BlockIndex`].
    pub const fn next(self) -> BlockIndex {
        BlockIndex::new(self.next_extent() as u32)
    }
}

/// The 8-byte payload word following the header word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Payload(pub u64);

macro_rules! payload_fields {
    ($($(#[$doc:meta])* $get:ident / $set:ident : $lo:literal, $width:literal;)*) => {
        impl Payload {
            $(
                $(#[$doc])*
                pub const fn $get(self) -> u64 {
                    field(self.0, $lo, $width)
                }
                #[doc = concat!("Returns a copy with `", stringify!($get), "` replaced.")]
                pub const fn $set(self, value: u64) -> Self {
                    Self(with_field(self.0, $lo, $width, value))
                }
            )*
        }
    };
}

payload_fields! {
    /// BUFFER_VALUE, bits 0-31: total length in bytes (0 for string references).
    buffer_total_length / with_buffer_total_length: 0, 32;
    /// BUFFER_VALUE, bits 32-59: first extent, or the STRING_REFERENCE block.
    buffer_extent_index / with_buffer_extent_index: 32, 28;
    /// BUFFER_VALUE, bits 60-63: the `PropertyFormat`.
    buffer_format / with_buffer_format: 60, 4;
    /// ARRAY_VALUE, bits 0-3: the entry block type.
    array_entry_type / with_array_entry_type: 0, 4;
    /// ARRAY_VALUE, bits 4-7: the `ArrayDisplay`.
    array_display / with_array_display: 4, 4;
    /// ARRAY_VALUE, bits 8-15: number of slots.
    array_slot_count / with_array_slot_count: 8, 8;
    /// LINK_VALUE, bits 0-19: content index (NAME or STRING_REFERENCE).
    link_content_index / with_link_content_index: 0, 20;
    /// LINK_VALUE, bits 60-63: the `LinkNodeDisposition`.
    link_disposition / with_link_disposition: 60, 4;
    /// STRING_REFERENCE, bits 0-31: total length of the string in bytes.
    string_total_length / with_string_total_length: 0, 32;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_pack_where_the_format_says() {
        let h = BlockHeader::new(1, BlockType::UintValue)
            .with_parent_index(0xabcdef)
            .with_name_index(0x123456);
        assert_eq!(h.0, 0x1234_56ab_cdef_0501);
        assert_eq!(h.order(), 1);
        assert_eq!(h.block_type(), Some(BlockType::UintValue));
        assert_eq!(h.parent(), BlockIndex::new(0xabcdef));
        assert_eq!(h.name(), BlockIndex::new(0x123456));
        assert_eq!(h.reserved(), 0);
    }

    #[test]
    fn header_block_word_matches_the_format_bytes() {
        let h = BlockHeader::new(1, BlockType::Header)
            .with_header_version(2)
            .with_header_magic(u32::from_le_bytes(*b"INSP") as u64);
        assert_eq!(h.0.to_le_bytes(), [0x01, 0x02, 0x02, 0x00, 0x49, 0x4e, 0x53, 0x50]);
    }

    #[test]
    fn name_header_matches_the_format_bytes() {
        let h = BlockHeader::new(1, BlockType::Name).with_name_length(17);
        assert_eq!(&h.0.to_le_bytes()[..3], &[0x01, 0x09, 0x11]);
    }

    #[test]
    fn uint_and_int_goldens() {
        let h = BlockHeader::new(1, BlockType::UintValue);
        assert_eq!(&h.0.to_le_bytes()[..2], &[0x01, 0x05]);
        assert_eq!(
            Payload(-5i64 as u64).0.to_le_bytes(),
            [0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
    }

    #[test]
    fn setters_truncate_to_the_field() {
        let h = BlockHeader::default().with_order(0xff);
        assert_eq!(h.order(), 0xf);
        assert_eq!(h.reserved(), 0);
        let p = Payload::default().with_buffer_extent_index(u64::MAX).with_buffer_format(2);
        assert_eq!(p.buffer_extent_index(), (1 << 28) - 1);
        assert_eq!(p.buffer_format(), 2);
        assert_eq!(p.buffer_total_length(), 0);
    }

    #[test]
    fn payload_fields() {
        let p = Payload::default()
            .with_array_entry_type(5)
            .with_array_display(1)
            .with_array_slot_count(10);
        assert_eq!(p.0, 0x0a_15);
        let l = Payload::default().with_link_content_index(7).with_link_disposition(1);
        assert_eq!(l.0, (1u64 << 60) | 7);
        assert_eq!(l.link_disposition(), 1);
    }
}
