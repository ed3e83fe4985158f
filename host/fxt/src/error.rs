//! Parse errors and warnings (in-tree `error.rs`).

use crate::thread::{ProcessRef, ThreadRef};
use std::num::NonZeroU16;

/// Why a session could not be parsed further. `parse_full_session` stops at the first one.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Reading the session failed.
    #[error("failure reading the trace session")]
    Io(#[source] std::io::Error),

    /// A string that must be UTF-8 was not.
    #[error("couldn't parse string as utf-8")]
    InvalidUtf8(
        #[from]
        #[source]
        std::str::Utf8Error,
    ),

    /// The first record of the session was not the magic number record.
    #[error("trace session didn't start with the magic number record")]
    MissingMagicNumber,

    /// A header had another type than its context requires.
    #[error("expected type {expected} for {context}, observed type {observed}")]
    WrongType { expected: u8, observed: u8, context: &'static str },

    /// A magic number record carried another value than 0x16547846.
    #[error("got the wrong magic number: {observed}")]
    InvalidMagicNumber { observed: u32 },

    /// A reference that may not be zero was, such as a thread record's index.
    #[error("got an invalid ref")]
    InvalidRef,

    /// A size field was zero, or disagreed with the bytes the record holds.
    #[error("invalid length prefix encountered")]
    InvalidSize,

    /// Host addition: an initialization record gave zero ticks per second, which the in-tree
    /// parser would divide by.
    #[error("initialization record has zero ticks per second")]
    ZeroTicksPerSecond,
}

/// Something found while parsing that did not stop it but may affect what the records mean.
#[derive(Clone, Debug, thiserror::Error, PartialEq)]
pub enum ParseWarning {
    #[error("encountered unknown thread reference `{_0:?}`")]
    UnknownThreadRef(ThreadRef),

    #[error("encountered unknown process reference `{_0:?}`")]
    UnknownProcessRef(ProcessRef),

    #[error("encountered unknown trace record type {_0}")]
    UnknownTraceRecordType(u8),

    #[error("skipped arg '{name}' because of unknown type")]
    SkippingArgWithUnknownType { name: String },

    #[error("encountered unknown provider id {_0}")]
    UnknownProviderId(u32),

    #[error("encountered unknown string id {_0}")]
    UnknownStringId(NonZeroU16),

    #[error("encountered an empty string record")]
    RecordForZeroStringId,

    #[error("encountered a string record or string reference before any provider")]
    MissingProviderId,

    #[error("encountered unknown metadata record type {_0}")]
    UnknownMetadataRecordType(u8),
}
