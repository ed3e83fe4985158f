//! `fidl::Error`: every way encoding, decoding or a protocol exchange can fail.
//!
//! Wire-format variants map one to one onto the GIDL conformance error codes
//! (see [`Error::conformance_code`]); the rest are protocol errors.

use zx::{ObjectType, Rights, Status};

/// Shorthand used throughout the runtime and by generated code.
pub type Result<T> = std::result::Result<T, Error>;

/// A FIDL error. Messages say what was wrong and where it applies.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- Wire format: sizes and counts -------------------------------------
    /// A message ended before an inline or out-of-line object it announces.
    #[error("message too short: the wire data needs more bytes than were received")]
    OutOfRange,
    /// A message carried fewer handles than its wire data refers to.
    #[error("message references more handles than it carries")]
    OutOfHandles,
    /// Bytes were left over after decoding the whole value.
    #[error("{extra} bytes left over after decoding (decode must consume every byte)")]
    ExtraBytes { extra: usize },
    /// Handles were left over after decoding the whole value.
    #[error("{extra} handles left over after decoding (decode must consume every handle)")]
    ExtraHandles { extra: usize },
    /// An encoded message is larger than a channel message may be (65536 bytes).
    #[error("encoded message is {bytes} bytes, over the 65536-byte channel limit")]
    MessageTooLarge { bytes: usize },
    /// An encoded message carries more handles than a channel message may (64).
    #[error("encoded message carries {count} handles, over the 64-handle channel limit")]
    TooManyHandles { count: usize },
    /// Out-of-line objects nest deeper than 32 levels.
    #[error("out-of-line objects nest deeper than the limit of 32")]
    MaxRecursionDepth,

    // ---- Wire format: values ----------------------------------------------
    /// A bool byte other than 0 or 1.
    #[error("invalid bool: byte is neither 0 nor 1")]
    InvalidBoolean,
    /// The single byte of an empty struct was not 0.
    #[error("invalid empty struct: its byte must be 0")]
    InvalidEmptyStruct,
    /// A nonzero padding byte.
    #[error("nonzero padding byte at offset {padding_start}")]
    NonZeroPadding { padding_start: usize },
    /// A presence marker other than 0 (absent) or all ones (present).
    #[error("invalid presence marker: must be 0 or 0xFFFF_FFFF_FFFF_FFFF")]
    InvalidPresenceIndicator,
    /// A handle presence marker other than 0 or 0xFFFF_FFFF.
    #[error("invalid handle presence marker: must be 0 or 0xFFFF_FFFF")]
    InvalidHandlePresenceIndicator,
    /// A required (non-optional) value was absent.
    #[error("a required value is absent (null where the type is not optional)")]
    NotNullable,
    /// A string with a nonzero length and an absent body.
    #[error("string has a nonzero length but no body")]
    NonEmptyStringWithNullBody,
    /// A vector with a nonzero length and an absent body.
    #[error("vector has a nonzero length but no body")]
    NonEmptyVectorWithNullBody,
    /// A string longer than its bound.
    #[error("string is {actual_bytes} bytes, over its bound of {max_bytes}")]
    StringTooLong { max_bytes: usize, actual_bytes: usize },
    /// A vector longer than its bound.
    #[error("vector has {actual_length} elements, over its bound of {max_length}")]
    VectorTooLong { max_length: usize, actual_length: usize },
    /// A string count that does not fit in 32 bits.
    #[error("string length {count} exceeds the 32-bit limit")]
    StringCountExceeds32BitLimit { count: u64 },
    /// A vector count that does not fit in 32 bits.
    #[error("vector length {count} exceeds the 32-bit limit")]
    VectorCountExceeds32BitLimit { count: u64 },
    /// A table max ordinal that does not fit in 32 bits.
    #[error("table field count {count} exceeds the 32-bit limit")]
    TableCountExceeds32BitLimit { count: u64 },
    /// A string body that is not UTF-8.
    #[error("string is not valid UTF-8")]
    Utf8Error,
    /// A strict enum with a value it does not declare.
    #[error("strict enum has an unknown value")]
    InvalidEnumValue,
    /// Strict bits with a bit they do not declare.
    #[error("strict bits have an unknown bit set")]
    InvalidBitsValue,
    /// A strict union with an ordinal it does not declare.
    #[error("strict union has unknown ordinal {ordinal}")]
    UnknownStrictUnionMember { ordinal: u64 },
    /// A union with ordinal 0 and a non-empty envelope, or encoding a union
    /// with no member set.
    #[error("union has no member set (ordinal 0)")]
    UnionFieldNotSet,
    /// Encoding a flexible union holding an unknown member (unknown data is
    /// dropped on decode, so it cannot be re-encoded).
    #[error("cannot encode a flexible union holding unknown ordinal {ordinal}")]
    UnknownUnionTag { ordinal: u64 },

    // ---- Wire format: envelopes -------------------------------------------
    /// Envelope flags other than 0 (out of line) or 1 (inlined).
    #[error("invalid envelope flags: only the inlined bit may be set")]
    InvalidInlineMarkerInEnvelope,
    /// The inlined bit disagrees with the size of the envelope's value.
    #[error("envelope inlined bit disagrees with the value size (inline iff 4 bytes or less)")]
    InvalidInlineBitInEnvelope,
    /// An envelope byte count that is not a multiple of 8 or differs from
    /// the bytes its value used.
    #[error("envelope byte count {num_bytes} is not what its value occupies")]
    InvalidNumBytesInEnvelope { num_bytes: u32 },
    /// An envelope handle count that differs from the handles its value used.
    #[error("envelope handle count {num_handles} is not what its value carries")]
    InvalidNumHandlesInEnvelope { num_handles: u16 },
    /// An envelope claims more bytes than remain in the message.
    #[error("envelope claims {num_bytes} bytes, more than remain in the message")]
    EnvelopeBytesExceedMessageLength { num_bytes: u32 },
    /// An envelope claims more handles than remain in the message.
    #[error("envelope claims {num_handles} handles, more than remain in the message")]
    EnvelopeHandlesExceedMessageLength { num_handles: u16 },

    // ---- Wire format: handles ---------------------------------------------
    /// A handle whose object type is not the one the FIDL type requires.
    #[error("handle has object type {received:?}, the FIDL type requires {expected:?}")]
    IncorrectHandleSubtype { expected: ObjectType, received: ObjectType },
    /// A handle lacking rights the FIDL type requires.
    #[error("handle lacks required rights {missing_rights:?}")]
    MissingExpectedHandleRights { missing_rights: Rights },
    /// Reducing a handle's rights (replace) failed.
    #[error("reducing handle rights failed: {0}")]
    HandleReplace(Status),

    // ---- Protocol ----------------------------------------------------------
    /// A message too short for a transactional header.
    #[error("message too short for a transactional header")]
    InvalidHeader,
    /// A header with a magic number this runtime does not speak.
    #[error("incompatible magic number {0:#04x}")]
    IncompatibleMagicNumber(u8),
    /// A header whose at-rest flags do not announce wire format v2.
    #[error("unsupported wire format version: the header lacks the v2 flag")]
    UnsupportedWireFormatVersion,
    /// A message with an ordinal the receiver does not accept.
    #[error("unknown ordinal {ordinal:#x} for protocol {protocol_name}")]
    UnknownOrdinal { ordinal: u64, protocol_name: &'static str },
    /// A request whose txid does not fit its method kind (two-way with txid
    /// 0, one-way with nonzero txid).
    #[error("request txid {tx_id} does not fit the method kind of ordinal {ordinal:#x}")]
    InvalidRequestTxid { tx_id: u32, ordinal: u64 },
    /// A response whose txid matches no call in flight.
    #[error("response txid {tx_id} matches no call in flight")]
    InvalidResponseTxid { tx_id: u32 },
    /// A response whose ordinal differs from its call's ordinal.
    #[error("response ordinal {actual:#x} differs from the call's ordinal {expected:#x}")]
    InvalidResponseOrdinal { expected: u64, actual: u64 },
    /// `wait_for_event` of a synchronous client read a response instead of
    /// an event.
    #[error("expected an event, received a response for txid {tx_id}")]
    UnexpectedSyncResponse { tx_id: u32 },
    /// The peer does not know a flexible method (framework error).
    #[error("method {method_name} of {protocol_name} is not supported by the server")]
    UnsupportedMethod { method_name: &'static str, protocol_name: &'static str },
    /// A result union carried a framework error value this runtime does not know.
    #[error("unknown framework error {0}")]
    UnknownFrameworkError(i32),
    /// The client's channel is closed; `epitaph` is the raw epitaph status
    /// (as in-tree, a `u32`) if the server sent one.
    #[error("channel of {protocol_name} closed: {status}")]
    ClientChannelClosed { status: Status, protocol_name: &'static str, epitaph: Option<u32> },
    /// Reading from a client channel failed.
    #[error("reading from the client channel failed: {0}")]
    ClientRead(Status),
    /// Writing to a client channel failed.
    #[error("writing to the client channel failed: {0}")]
    ClientWrite(Status),
    /// Reading from a server channel failed.
    #[error("reading from the server channel failed: {0}")]
    ServerRequestRead(Status),
    /// Writing a response or event failed.
    #[error("writing a response or event failed: {0}")]
    ServerResponseWrite(Status),
    /// Writing an epitaph failed.
    #[error("writing an epitaph failed: {0}")]
    ServerEpitaphWrite(Status),
    /// A synchronous call failed (`TIMED_OUT` when its deadline passed).
    #[error("synchronous call failed: {0}")]
    ClientCall(Status),
    /// Waiting for an event on a synchronous client failed (`TIMED_OUT` when
    /// the deadline passed).
    #[error("waiting for an event failed: {0}")]
    ClientEvent(Status),
    /// A response future was polled after it had completed.
    #[error("a FIDL future was polled after it had completed")]
    PollAfterCompletion,
}

impl Error {
    /// The GIDL conformance error code this error corresponds to, if any.
    /// Host-only seam for the conformance runner.
    pub fn conformance_code(&self) -> Option<&'static str> {
        Some(match self {
            Error::OutOfRange => "TOO_FEW_BYTES",
            Error::OutOfHandles => "TOO_FEW_HANDLES",
            Error::ExtraBytes { .. } => "TOO_MANY_BYTES_IN_MESSAGE",
            Error::ExtraHandles { .. } => "TOO_MANY_HANDLES_IN_MESSAGE",
            Error::MaxRecursionDepth => "EXCEEDED_MAX_OUT_OF_LINE_DEPTH",
            Error::InvalidBoolean => "INVALID_BOOLEAN",
            Error::InvalidEmptyStruct => "INVALID_EMPTY_STRUCT",
            Error::NonZeroPadding { .. } => "INVALID_PADDING_BYTE",
            Error::InvalidPresenceIndicator => "INVALID_PRESENCE_INDICATOR",
            Error::InvalidHandlePresenceIndicator => "INVALID_HANDLE_PRESENCE_INDICATOR",
            Error::NotNullable => "NON_NULLABLE_TYPE_WITH_NULL_VALUE",
            Error::NonEmptyStringWithNullBody => "NON_EMPTY_STRING_WITH_NULL_BODY",
            Error::NonEmptyVectorWithNullBody => "NON_EMPTY_VECTOR_WITH_NULL_BODY",
            Error::StringTooLong { .. } => "STRING_TOO_LONG",
            Error::VectorTooLong { .. } => "COUNT_EXCEEDS_LIMIT",
            Error::StringCountExceeds32BitLimit { .. } => "STRING_COUNT_EXCEEDS_32_BIT_LIMIT",
            Error::VectorCountExceeds32BitLimit { .. } => "VECTOR_COUNT_EXCEEDS_32_BIT_LIMIT",
            Error::TableCountExceeds32BitLimit { .. } => "TABLE_COUNT_EXCEEDS_32_BIT_LIMIT",
            Error::Utf8Error => "STRING_NOT_UTF8",
            Error::InvalidEnumValue => "STRICT_ENUM_UNKNOWN_VALUE",
            Error::InvalidBitsValue => "STRICT_BITS_UNKNOWN_BIT",
            Error::UnknownStrictUnionMember { .. } => "STRICT_UNION_UNKNOWN_FIELD",
            Error::UnionFieldNotSet => "UNION_FIELD_NOT_SET",
            Error::UnknownUnionTag { .. } => "FLEXIBLE_UNION_UNKNOWN_FIELD",
            Error::InvalidInlineMarkerInEnvelope => "INVALID_INLINE_MARKER_IN_ENVELOPE",
            Error::InvalidInlineBitInEnvelope => "INVALID_INLINE_BIT_IN_ENVELOPE",
            Error::InvalidNumBytesInEnvelope { .. } => "INVALID_NUM_BYTES_IN_ENVELOPE",
            Error::InvalidNumHandlesInEnvelope { .. } => "INVALID_NUM_HANDLES_IN_ENVELOPE",
            Error::EnvelopeBytesExceedMessageLength { .. } => {
                "ENVELOPE_BYTES_EXCEED_MESSAGE_LENGTH"
            }
            Error::EnvelopeHandlesExceedMessageLength { .. } => {
                "ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH"
            }
            Error::IncorrectHandleSubtype { .. } => "INCORRECT_HANDLE_TYPE",
            Error::MissingExpectedHandleRights { .. } => "MISSING_REQUIRED_HANDLE_RIGHTS",
            _ => return None,
        })
    }

    /// Whether this error means the channel is closed (peer gone or epitaph).
    pub fn is_closed(&self) -> bool {
        matches!(self, Error::ClientChannelClosed { .. })
    }
}
