//! Transactional messages: the 16-byte header, incoming messages and
//! protocol openness.

use zx::{HandleDisposition, HandleInfo};

use super::{Decoder, Encoder, TypeMarker};
use crate::{Error, Result};

/// `magic` byte of every message this runtime speaks.
pub const MAGIC_NUMBER_INITIAL: u8 = 1;
/// `at_rest_flags[0]` bit: wire format v2.
pub const WIRE_FORMAT_V2_FLAG: u8 = 2;
/// Ordinal of an epitaph.
pub const EPITAPH_ORDINAL: u64 = u64::MAX;

bitflags::bitflags! {
    /// Per-message flags of the header.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct DynamicFlags: u8 {
        /// The method is flexible.
        const FLEXIBLE = 0x80;
    }
}

/// Whether a protocol accepts unknown interactions (`open`, `ajar`, `closed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Openness {
    /// Unknown flexible one-way and two-way methods are accepted.
    Open,
    /// Unknown flexible one-way methods are accepted.
    Ajar,
    /// No unknown method is accepted.
    Closed,
}

/// The transactional message header (16 bytes, little-endian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionHeader {
    /// 0 for one-way messages and events; nonzero for two-way calls.
    pub tx_id: u32,
    /// `[WIRE_FORMAT_V2_FLAG, 0]` when sent by this runtime.
    pub at_rest_flags: [u8; 2],
    /// Raw dynamic flags (unknown bits are ignored on receipt).
    pub dynamic_flags: u8,
    /// [`MAGIC_NUMBER_INITIAL`] when sent by this runtime.
    pub magic_number: u8,
    /// The method ordinal.
    pub ordinal: u64,
}

impl TransactionHeader {
    /// Encoded size in bytes.
    pub const SIZE: usize = 16;

    /// A header as this runtime sends it.
    pub fn new(tx_id: u32, ordinal: u64, dynamic_flags: DynamicFlags) -> Self {
        TransactionHeader {
            tx_id,
            at_rest_flags: [WIRE_FORMAT_V2_FLAG, 0],
            dynamic_flags: dynamic_flags.bits(),
            magic_number: MAGIC_NUMBER_INITIAL,
            ordinal,
        }
    }

    /// The known dynamic flags (unknown bits dropped).
    pub fn dynamic_flags(&self) -> DynamicFlags {
        DynamicFlags::from_bits_truncate(self.dynamic_flags)
    }

    /// Whether the magic number is one this runtime speaks.
    pub fn is_compatible(&self) -> bool {
        self.magic_number == MAGIC_NUMBER_INITIAL
    }

    /// Whether this is an epitaph.
    pub fn is_epitaph(&self) -> bool {
        self.ordinal == EPITAPH_ORDINAL
    }

    pub(crate) fn write_to(&self, out: &mut [u8]) {
        out[0..4].copy_from_slice(&self.tx_id.to_le_bytes());
        out[4..6].copy_from_slice(&self.at_rest_flags);
        out[6] = self.dynamic_flags;
        out[7] = self.magic_number;
        out[8..16].copy_from_slice(&self.ordinal.to_le_bytes());
    }

    /// Reads the header at the start of `bytes`; `InvalidHeader` when too
    /// short. Does not judge the magic number.
    pub fn read(bytes: &[u8]) -> Result<TransactionHeader> {
        let header = bytes.get(..Self::SIZE).ok_or(Error::InvalidHeader)?;
        let mut tx_id = [0u8; 4];
        tx_id.copy_from_slice(&header[0..4]);
        let mut ordinal = [0u8; 8];
        ordinal.copy_from_slice(&header[8..16]);
        Ok(TransactionHeader {
            tx_id: u32::from_le_bytes(tx_id),
            at_rest_flags: [header[4], header[5]],
            dynamic_flags: header[6],
            magic_number: header[7],
            ordinal: u64::from_le_bytes(ordinal),
        })
    }
}

/// Encodes a transactional message: `header` followed by body `value`.
pub fn encode_message<T: TypeMarker>(
    header: TransactionHeader,
    value: T::Owned,
) -> Result<(Vec<u8>, Vec<HandleDisposition<'static>>)> {
    Encoder::encode_message::<T>(header, value)
}

/// A received transactional message with a valid header. Handles not
/// consumed by decoding are closed when it is dropped.
#[derive(Debug)]
pub struct IncomingMessage {
    header: TransactionHeader,
    bytes: Vec<u8>,
    handles: Vec<HandleInfo>,
}

impl IncomingMessage {
    /// Parses and validates the header, as in-tree `decode_transaction_header`
    /// (src/lib/fidl/rust/fidl/src/encoding.rs) does for requests, responses
    /// and events alike: `OutOfRange` when shorter than a header,
    /// `IncompatibleMagicNumber` for a foreign magic number,
    /// `UnsupportedWireFormatVersion` when the at-rest flags lack the v2 bit
    /// (other at-rest bits are ignored). On error the handles are closed.
    pub fn new(bytes: Vec<u8>, handles: Vec<HandleInfo>) -> Result<IncomingMessage> {
        let header = TransactionHeader::read(&bytes).map_err(|_| Error::OutOfRange)?;
        if !header.is_compatible() {
            return Err(Error::IncompatibleMagicNumber(header.magic_number));
        }
        if header.at_rest_flags[0] & WIRE_FORMAT_V2_FLAG == 0 {
            return Err(Error::UnsupportedWireFormatVersion);
        }
        Ok(IncomingMessage { header, bytes, handles })
    }

    /// The header.
    pub fn header(&self) -> &TransactionHeader {
        &self.header
    }

    /// The method ordinal.
    pub fn ordinal(&self) -> u64 {
        self.header.ordinal
    }

    /// The transaction id.
    pub fn tx_id(&self) -> u32 {
        self.header.tx_id
    }

    /// Whether the sender marked the method flexible.
    pub fn is_flexible(&self) -> bool {
        self.header.dynamic_flags().contains(DynamicFlags::FLEXIBLE)
    }

    /// Decodes the body as `T` (exact consumption of bytes and handles).
    pub fn decode_body<T: TypeMarker>(self) -> Result<T::Owned> {
        Decoder::decode::<T>(&self.bytes[TransactionHeader::SIZE..], self.handles)
    }
}
