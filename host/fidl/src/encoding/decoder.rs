//! The decoder: validates wire format v2 while reading, claims out-of-line
//! objects and handles in traversal order, and checks that a message is
//! consumed exactly.

use zx::HandleInfo;

use super::{ALLOC_PRESENT_U64, Depth, Numeric, TypeMarker, round_up_to_8};
use crate::{Error, Result};

/// Decoding state of one message. Owned by the decoding call; not shared.
///
/// Invariants: `next_out_of_line` is a multiple of 8 and at most
/// `buf.len()`; `handles` holds the not yet claimed handles, in order.
/// Handles still held when the decoder is dropped are closed.
#[derive(Debug)]
pub struct Decoder<'a> {
    buf: &'a [u8],
    next_out_of_line: usize,
    handles: std::vec::IntoIter<HandleInfo>,
}

impl<'a> Decoder<'a> {
    /// Decodes a standalone value (a body without transactional header) and
    /// checks that every byte and every handle was consumed. On error all
    /// handles are closed.
    pub fn decode<T: TypeMarker>(bytes: &'a [u8], handles: Vec<HandleInfo>) -> Result<T::Owned> {
        let mut decoder = Decoder { buf: bytes, next_out_of_line: 0, handles: handles.into_iter() };
        let offset = decoder.claim_out_of_line(T::inline_size())?;
        let value = T::decode(&mut decoder, offset, Depth::default())?;
        if decoder.next_out_of_line != bytes.len() {
            return Err(Error::ExtraBytes { extra: bytes.len() - decoder.next_out_of_line });
        }
        if decoder.handles.len() != 0 {
            return Err(Error::ExtraHandles { extra: decoder.handles.len() });
        }
        Ok(value)
    }

    /// Claims the next out-of-line object of `size` bytes (padded to 8),
    /// checking bounds and that its padding is zero. Returns its offset.
    pub fn out_of_line(&mut self, size: usize) -> Result<usize> {
        self.claim_out_of_line(size)
    }

    fn claim_out_of_line(&mut self, size: usize) -> Result<usize> {
        let offset = self.next_out_of_line;
        let padded = round_up_to_8(size).ok_or(Error::OutOfRange)?;
        let end = offset.checked_add(padded).ok_or(Error::OutOfRange)?;
        if end > self.buf.len() {
            return Err(Error::OutOfRange);
        }
        self.check_padding(offset + size, padded - size)?;
        self.next_out_of_line = end;
        Ok(offset)
    }

    /// Bytes not yet claimed by any object.
    pub fn remaining_bytes(&self) -> usize {
        self.buf.len() - self.next_out_of_line
    }

    /// Handles not yet claimed.
    pub fn remaining_handles(&self) -> usize {
        self.handles.len()
    }

    /// Reads a little-endian number at `offset` (inside claimed space).
    pub fn read_num<N: Numeric>(&self, offset: usize) -> N {
        N::read_le(&self.buf[offset..offset + N::SIZE])
    }

    /// The bytes at `offset..offset + len` (inside claimed space).
    pub fn read_bytes(&self, offset: usize, len: usize) -> &'a [u8] {
        &self.buf[offset..offset + len]
    }

    /// Checks that the `len` bytes at `offset` are zero.
    pub fn check_padding(&self, offset: usize, len: usize) -> Result<()> {
        match self.buf[offset..offset + len].iter().position(|&b| b != 0) {
            Some(i) => Err(Error::NonZeroPadding { padding_start: offset + i }),
            None => Ok(()),
        }
    }

    /// Claims the next handle.
    pub fn take_handle(&mut self) -> Result<HandleInfo> {
        self.handles.next().ok_or(Error::OutOfHandles)
    }

    /// Reads the envelope at `offset` (depth of its holder); `None` when absent.
    pub fn read_envelope(&self, offset: usize, depth: Depth) -> Result<Option<Envelope>> {
        let num_bytes: u32 = self.read_num(offset);
        let num_handles: u16 = self.read_num(offset + 4);
        let flags: u16 = self.read_num(offset + 6);
        if flags & !1 != 0 {
            return Err(Error::InvalidInlineMarkerInEnvelope);
        }
        let inlined = flags == 1;
        if !inlined && num_bytes == 0 && num_handles == 0 {
            return Ok(None);
        }
        if !inlined {
            if !num_bytes.is_multiple_of(8) {
                return Err(Error::InvalidNumBytesInEnvelope { num_bytes });
            }
            if num_bytes as usize > self.remaining_bytes() {
                return Err(Error::EnvelopeBytesExceedMessageLength { num_bytes });
            }
        }
        if usize::from(num_handles) > self.remaining_handles() {
            return Err(Error::EnvelopeHandlesExceedMessageLength { num_handles });
        }
        Ok(Some(Envelope { offset, num_bytes, num_handles, inlined, depth }))
    }

    /// Reads the table at `offset` and calls `field(decoder, ordinal,
    /// envelope)` for each present envelope, in ordinal order.
    pub fn decode_table(
        &mut self,
        offset: usize,
        depth: Depth,
        mut field: impl FnMut(&mut Decoder<'a>, u64, Envelope) -> Result<()>,
    ) -> Result<()> {
        let max_ordinal: u64 = self.read_num(offset);
        match self.read_num::<u64>(offset + 8) {
            ALLOC_PRESENT_U64 => {}
            0 => return Err(Error::NotNullable),
            _ => return Err(Error::InvalidPresenceIndicator),
        }
        if max_ordinal > u64::from(u32::MAX) {
            return Err(Error::TableCountExceeds32BitLimit { count: max_ordinal });
        }
        let depth = depth.increment()?;
        let count = max_ordinal as usize;
        if count.saturating_mul(8) > self.remaining_bytes() {
            return Err(Error::OutOfRange);
        }
        let envelopes = self.claim_out_of_line(count * 8)?;
        for index in 0..count {
            if let Some(envelope) = self.read_envelope(envelopes + index * 8, depth)? {
                field(self, index as u64 + 1, envelope)?;
            }
        }
        Ok(())
    }

    /// Reads the union at `offset`: its ordinal and envelope. Ordinal 0 is
    /// `NotNullable` with an empty envelope, `UnionFieldNotSet` otherwise.
    pub fn decode_union_envelope(
        &mut self,
        offset: usize,
        depth: Depth,
    ) -> Result<(u64, Envelope)> {
        let ordinal: u64 = self.read_num(offset);
        let envelope = self.read_envelope(offset + 8, depth)?;
        match (ordinal, envelope) {
            (0, None) => Err(Error::NotNullable),
            (0, Some(_)) => Err(Error::UnionFieldNotSet),
            (_, Some(envelope)) => Ok((ordinal, envelope)),
            (_, None) => Ok((
                ordinal,
                Envelope {
                    offset: offset + 8,
                    num_bytes: 0,
                    num_handles: 0,
                    inlined: false,
                    depth,
                },
            )),
        }
    }

    /// Whether the 16-byte union at `offset` is the absent optional union
    /// (all zero).
    pub fn is_absent_union(&self, offset: usize) -> bool {
        self.read_num::<u64>(offset) == 0 && self.read_num::<u64>(offset + 8) == 0
    }
}

/// A present envelope of a table or union, read but not yet decoded.
#[derive(Debug, Clone, Copy)]
pub struct Envelope {
    offset: usize,
    num_bytes: u32,
    num_handles: u16,
    inlined: bool,
    depth: Depth,
}

impl Envelope {
    /// Decodes the envelope's content as `T`, checking the inlined bit and
    /// that the byte and handle counts are exactly what the value used.
    pub fn decode<T: TypeMarker>(self, decoder: &mut Decoder<'_>) -> Result<T::Owned> {
        let handles_before = decoder.remaining_handles();
        let size = T::inline_size();
        let value = if self.inlined {
            if size > 4 {
                return Err(Error::InvalidInlineBitInEnvelope);
            }
            let value = T::decode(decoder, self.offset, self.depth)?;
            decoder.check_padding(self.offset + size, 4 - size)?;
            value
        } else {
            if size <= 4 {
                return Err(Error::InvalidInlineBitInEnvelope);
            }
            let depth = self.depth.increment()?;
            let start = decoder.next_out_of_line;
            let object = decoder.claim_out_of_line(size)?;
            let value = T::decode(decoder, object, depth)?;
            if decoder.next_out_of_line - start != self.num_bytes as usize {
                return Err(Error::InvalidNumBytesInEnvelope { num_bytes: self.num_bytes });
            }
            value
        };
        if handles_before - decoder.remaining_handles() != usize::from(self.num_handles) {
            return Err(Error::InvalidNumHandlesInEnvelope { num_handles: self.num_handles });
        }
        Ok(value)
    }

    /// Skips the content of an unknown envelope and closes its handles
    /// (unknown data is dropped).
    pub fn drop_unknown(self, decoder: &mut Decoder<'_>) -> Result<()> {
        if !self.inlined {
            decoder.claim_out_of_line(self.num_bytes as usize)?;
        }
        for _ in 0..self.num_handles {
            drop(decoder.take_handle()?);
        }
        Ok(())
    }
}
