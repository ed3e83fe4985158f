//! The block type field (header bits 8-15).

/// Type of a block, as stored in header bits 8-15.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum BlockType {
    /// Unallocated; bits 16-39 link the free list of its order.
    Free = 0,
    /// Allocated but not yet given a type.
    Reserved = 1,
    /// The VMO header at index 0.
    Header = 2,
    /// A node; payload is its child count.
    NodeValue = 3,
    /// A signed 64-bit integer.
    IntValue = 4,
    /// An unsigned 64-bit integer.
    UintValue = 5,
    /// An IEEE-754 double.
    DoubleValue = 6,
    /// A string or byte buffer (see `PropertyFormat`).
    BufferValue = 7,
    /// A piece of a buffer or string reference.
    Extent = 8,
    /// A name stored inline (bits 16-27 length).
    Name = 9,
    /// A deleted node that still has children; payload is its child count.
    Tombstone = 10,
    /// An array of numbers or string references.
    ArrayValue = 11,
    /// A lazy node link.
    LinkValue = 12,
    /// A boolean.
    BoolValue = 13,
    /// A reference-counted, deduplicated string.
    StringReference = 14,
}

impl BlockType {
    /// Decodes the 8-bit type field; `None` for values the format does not define.
    pub fn from_raw(raw: u8) -> Option<Self> {
        Some(match raw {
            0 => Self::Free,
            1 => Self::Reserved,
            2 => Self::Header,
            3 => Self::NodeValue,
            4 => Self::IntValue,
            5 => Self::UintValue,
            6 => Self::DoubleValue,
            7 => Self::BufferValue,
            8 => Self::Extent,
            9 => Self::Name,
            10 => Self::Tombstone,
            11 => Self::ArrayValue,
            12 => Self::LinkValue,
            13 => Self::BoolValue,
            14 => Self::StringReference,
            _ => return None,
        })
    }

    /// True for the types whose header carries parent (bits 16-39) and name (bits 40-63) indexes.
    pub fn is_value(self) -> bool {
        matches!(
            self,
            Self::NodeValue
                | Self::IntValue
                | Self::UintValue
                | Self::DoubleValue
                | Self::BufferValue
                | Self::ArrayValue
                | Self::LinkValue
                | Self::BoolValue
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_type() {
        for raw in 0..=14u8 {
            assert_eq!(BlockType::from_raw(raw).map(|t| t as u8), Some(raw));
        }
        assert_eq!(BlockType::from_raw(15), None);
        assert_eq!(BlockType::from_raw(255), None);
    }

    #[test]
    fn value_types() {
        assert!(BlockType::NodeValue.is_value());
        assert!(BlockType::LinkValue.is_value());
        assert!(!BlockType::Tombstone.is_value());
        assert!(!BlockType::StringReference.is_value());
    }
}
