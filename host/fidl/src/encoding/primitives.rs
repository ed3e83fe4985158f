//! Numbers and bool: little-endian, naturally aligned.

use super::{Decoder, Depth, Encoder, TypeMarker};
use crate::{Error, Result};

/// A fixed-size little-endian number (integers and IEEE floats).
pub trait Numeric: Copy + 'static + private::Sealed {
    /// Size in bytes (also the alignment).
    const SIZE: usize;
    /// Writes `self` into `out` (exactly `SIZE` bytes).
    fn write_le(self, out: &mut [u8]);
    /// Reads a value from `bytes` (exactly `SIZE` bytes).
    fn read_le(bytes: &[u8]) -> Self;
}

mod private {
    pub trait Sealed {}
}

macro_rules! numeric {
    ($($ty:ty),*) => {$(
        impl private::Sealed for $ty {}

        impl Numeric for $ty {
            const SIZE: usize = std::mem::size_of::<$ty>();
            fn write_le(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
            fn read_le(bytes: &[u8]) -> Self {
                let mut raw = [0u8; std::mem::size_of::<$ty>()];
                raw.copy_from_slice(bytes);
                <$ty>::from_le_bytes(raw)
            }
        }

        impl TypeMarker for $ty {
            type Owned = $ty;
            fn inline_align() -> usize { std::mem::size_of::<$ty>() }
            fn inline_size() -> usize { std::mem::size_of::<$ty>() }
            fn encode(value: $ty, encoder: &mut Encoder, offset: usize, _depth: Depth) -> Result<()> {
                encoder.write_num(value, offset);
                Ok(())
            }
            fn decode(decoder: &mut Decoder<'_>, offset: usize, _depth: Depth) -> Result<$ty> {
                Ok(decoder.read_num(offset))
            }
        }
    )*};
}

numeric!(u8, u16, u32, u64, i8, i16, i32, i64, f32, f64);

impl TypeMarker for bool {
    type Owned = bool;
    fn inline_align() -> usize {
        1
    }
    fn inline_size() -> usize {
        1
    }
    fn encode(value: bool, encoder: &mut Encoder, offset: usize, _depth: Depth) -> Result<()> {
        encoder.write_num(u8::from(value), offset);
        Ok(())
    }
    fn decode(decoder: &mut Decoder<'_>, offset: usize, _depth: Depth) -> Result<bool> {
        match decoder.read_num::<u8>(offset) {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Error::InvalidBoolean),
        }
    }
}
