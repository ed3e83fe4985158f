//! FIDL wire format v2: the `TypeMarker` trait, the encoder and decoder, and
//! the markers for every built-in FIDL type. Generated code builds on these
//! (contract: CODEGEN.md).

mod decoder;
mod encoder;
mod handles;
mod message;
mod optional;
mod primitives;
pub(crate) mod result;
mod sequences;

pub use decoder::{Decoder, Envelope};
pub use encoder::{Encoder, TableEncoder, unknown_union_member_error};
pub use handles::{Endpoint, HandleType};
pub use message::{
    DynamicFlags, EPITAPH_ORDINAL, IncomingMessage, MAGIC_NUMBER_INITIAL, Openness,
    TransactionHeader, WIRE_FORMAT_V2_FLAG, encode_message,
};
pub use optional::{Boxed, EmptyPayload, EmptyStruct, NullableMarker, Optional, OptionalUnion};
pub use primitives::Numeric;
pub use result::{
    Flexible, FlexibleResult, FlexibleResultType, FlexibleType, FrameworkErr, ResultType,
};
pub use sequences::{Array, BoundedString, UnboundedString, UnboundedVector, Vector};

use crate::Result;

/// Maximum nesting of out-of-line objects (each pointer or envelope adds one).
pub const MAX_DEPTH: usize = 32;
/// Maximum bytes in one channel message.
pub const MAX_MESSAGE_BYTES: usize = 65536;
/// Maximum handles in one channel message.
pub const MAX_MESSAGE_HANDLES: usize = 64;
/// Presence marker of a present out-of-line object.
pub const ALLOC_PRESENT_U64: u64 = u64::MAX;
/// Presence marker of a present handle.
pub const ALLOC_PRESENT_U32: u32 = u32::MAX;

/// A FIDL type: its inline shape and how values of it are encoded and decoded.
///
/// Implemented by zero-sized markers (`UnboundedString`, `Vector<T, N>`, ...)
/// and by every generated type for itself.
pub trait TypeMarker: 'static + Sized {
    /// The Rust value type this FIDL type encodes from and decodes to.
    type Owned;

    /// Alignment of the inline part, in bytes (1, 2, 4 or 8).
    fn inline_align() -> usize;

    /// Size of the inline part, in bytes (structs: padded to their alignment).
    fn inline_size() -> usize;

    /// Writes `value` at `offset`. The caller has reserved and zeroed
    /// `inline_size()` bytes there; out-of-line parts are appended with
    /// [`Encoder::out_of_line`]. Handles move into the encoder.
    fn encode(value: Self::Owned, encoder: &mut Encoder, offset: usize, depth: Depth)
    -> Result<()>;

    /// Reads a value at `offset`. The caller has checked that `inline_size()`
    /// bytes are there; out-of-line parts and handles are claimed in traversal
    /// order.
    fn decode(decoder: &mut Decoder<'_>, offset: usize, depth: Depth) -> Result<Self::Owned>;
}

/// Nesting depth of the object being encoded or decoded (0 = primary object).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Depth(usize);

impl Depth {
    /// The depth of an out-of-line object referenced from this depth;
    /// `MaxRecursionDepth` beyond [`MAX_DEPTH`].
    pub fn increment(self) -> Result<Depth> {
        if self.0 >= MAX_DEPTH {
            return Err(crate::Error::MaxRecursionDepth);
        }
        Ok(Depth(self.0 + 1))
    }
}

/// Rounds `n` up to a multiple of 8; `None` on overflow.
pub(crate) fn round_up_to_8(n: usize) -> Option<usize> {
    n.checked_add(7).map(|v| v & !7)
}
