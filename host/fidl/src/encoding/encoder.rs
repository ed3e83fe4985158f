//! The encoder: appends the primary object, then out-of-line objects in
//! depth-first order, each 8-aligned and zero-padded; handles travel out of
//! band with the object type and rights of their FIDL type.

use zx::{HandleDisposition, HandleOp, NullableHandle, ObjectType, Rights, Status};

use super::message::TransactionHeader;
use super::{Depth, MAX_MESSAGE_BYTES, MAX_MESSAGE_HANDLES, Numeric, TypeMarker, round_up_to_8};
use crate::{Error, Result};

/// Encoding state of one message. Owned by the encoding call; not shared.
///
/// Invariant: `buf.len()` is a multiple of 8 and every byte not yet written
/// by a value is zero (so padding is zero without extra work).
#[derive(Debug)]
pub struct Encoder {
    buf: Vec<u8>,
    handles: Vec<HandleDisposition<'static>>,
}

impl Encoder {
    /// Encodes a standalone value (a body without transactional header).
    pub fn encode<T: TypeMarker>(
        value: T::Owned,
    ) -> Result<(Vec<u8>, Vec<HandleDisposition<'static>>)> {
        let mut encoder = Encoder { buf: Vec::new(), handles: Vec::new() };
        let offset = encoder.out_of_line(T::inline_size());
        T::encode(value, &mut encoder, offset, Depth::default())?;
        encoder.finish()
    }

    /// Encodes a transactional message: header, then the body `value`.
    pub(crate) fn encode_message<T: TypeMarker>(
        header: TransactionHeader,
        value: T::Owned,
    ) -> Result<(Vec<u8>, Vec<HandleDisposition<'static>>)> {
        let mut encoder = Encoder { buf: Vec::with_capacity(64), handles: Vec::new() };
        let header_offset = encoder.out_of_line(TransactionHeader::SIZE);
        header.write_to(&mut encoder.buf[header_offset..header_offset + TransactionHeader::SIZE]);
        let offset = encoder.out_of_line(T::inline_size());
        T::encode(value, &mut encoder, offset, Depth::default())?;
        encoder.finish()
    }

    fn finish(self) -> Result<(Vec<u8>, Vec<HandleDisposition<'static>>)> {
        if self.buf.len() > MAX_MESSAGE_BYTES {
            return Err(Error::MessageTooLarge { bytes: self.buf.len() });
        }
        if self.handles.len() > MAX_MESSAGE_HANDLES {
            return Err(Error::TooManyHandles { count: self.handles.len() });
        }
        Ok((self.buf, self.handles))
    }

    /// Appends a zeroed out-of-line object of `size` bytes (padded to 8) and
    /// returns its offset.
    pub fn out_of_line(&mut self, size: usize) -> usize {
        let offset = self.buf.len();
        let padded = round_up_to_8(size).unwrap_or(usize::MAX);
        self.buf.resize(offset.saturating_add(padded), 0);
        offset
    }

    /// Writes a little-endian number at `offset` (inside reserved space).
    pub fn write_num<N: Numeric>(&mut self, value: N, offset: usize) {
        value.write_le(&mut self.buf[offset..offset + N::SIZE]);
    }

    /// Writes raw bytes at `offset` (inside reserved space).
    pub fn write_bytes(&mut self, bytes: &[u8], offset: usize) {
        self.buf[offset..offset + bytes.len()].copy_from_slice(bytes);
    }

    /// Moves `handle` into the message with the object type and rights of
    /// its FIDL type. An invalid handle is `NotNullable`.
    pub fn push_handle(
        &mut self,
        handle: NullableHandle,
        object_type: ObjectType,
        rights: Rights,
    ) -> Result<()> {
        if handle.is_invalid() {
            return Err(Error::NotNullable);
        }
        self.handles.push(HandleDisposition::new(
            HandleOp::Move(handle),
            object_type,
            rights,
            Status::OK,
        ));
        Ok(())
    }

    /// Writes a value into the envelope at `offset` (depth of the envelope's
    /// holder): inlined when 4 bytes or less, else out of line.
    pub fn encode_envelope<T: TypeMarker>(
        &mut self,
        offset: usize,
        depth: Depth,
        value: T::Owned,
    ) -> Result<()> {
        let handles_before = self.handles.len();
        let inlined = T::inline_size() <= 4;
        let num_bytes = if inlined {
            T::encode(value, self, offset, depth)?;
            0u32
        } else {
            let depth = depth.increment()?;
            let start = self.buf.len();
            let object = self.out_of_line(T::inline_size());
            T::encode(value, self, object, depth)?;
            u32::try_from(self.buf.len() - start)
                .map_err(|_| Error::MessageTooLarge { bytes: self.buf.len() })?
        };
        let num_handles = u16::try_from(self.handles.len() - handles_before)
            .map_err(|_| Error::TooManyHandles { count: self.handles.len() })?;
        if !inlined {
            self.write_num(num_bytes, offset);
        }
        self.write_num(num_handles, offset + 4);
        self.write_num(u16::from(inlined), offset + 6);
        Ok(())
    }

    /// Writes a union holding member `ordinal` with `value` at `offset`.
    pub fn encode_union_member<T: TypeMarker>(
        &mut self,
        offset: usize,
        depth: Depth,
        ordinal: u64,
        value: T::Owned,
    ) -> Result<()> {
        self.write_num(ordinal, offset);
        self.encode_envelope::<T>(offset + 8, depth, value)
    }

    /// Starts a table at `offset` whose highest set field is `max_ordinal`
    /// (0 for an empty table). Fields are then added with
    /// [`TableEncoder::field`] in increasing ordinal order.
    pub fn encode_table(
        &mut self,
        offset: usize,
        depth: Depth,
        max_ordinal: u64,
    ) -> Result<TableEncoder<'_>> {
        self.write_num(max_ordinal, offset);
        self.write_num(super::ALLOC_PRESENT_U64, offset + 8);
        let depth = depth.increment()?;
        let count = usize::try_from(max_ordinal)
            .map_err(|_| Error::TableCountExceeds32BitLimit { count: max_ordinal })?;
        let envelopes = self.out_of_line(count.saturating_mul(8));
        Ok(TableEncoder { encoder: self, envelopes, max_ordinal, depth })
    }
}

/// Writes the fields of one table (see [`Encoder::encode_table`]).
#[derive(Debug)]
pub struct TableEncoder<'a> {
    encoder: &'a mut Encoder,
    envelopes: usize,
    max_ordinal: u64,
    depth: Depth,
}

impl TableEncoder<'_> {
    /// Encodes field `ordinal`.
    ///
    /// Precondition (generated code upholds it): `1 <= ordinal <= max_ordinal`.
    pub fn field<T: TypeMarker>(&mut self, ordinal: u64, value: T::Owned) -> Result<()> {
        debug_assert!(ordinal >= 1 && ordinal <= self.max_ordinal, "table ordinal out of range");
        let offset = self.envelopes + (ordinal as usize - 1) * 8;
        self.encoder.encode_envelope::<T>(offset, self.depth, value)
    }
}

/// The error for encoding a flexible union that holds unknown member
/// `ordinal` (0 means no member at all).
pub fn unknown_union_member_error(ordinal: u64) -> Error {
    if ordinal == 0 { Error::UnionFieldNotSet } else { Error::UnknownUnionTag { ordinal } }
}
