//! String references and string records (in-tree `string.rs`).

use crate::header::Reader;
use crate::{ParseError, STRING_RECORD_TYPE};
use std::num::NonZeroU16;

/// Bit 15 of a string ref: the string follows inline and bits 0..=14 are its length.
pub(crate) const STRING_REF_INLINE_BIT: u16 = 1 << 15;

/// A 16-bit string ref: zero is the empty string, bit 15 clear an index into the string
/// table, bit 15 set an inline string of the length in bits 0..=14.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StringRef<'a> {
    Empty,
    Index(NonZeroU16),
    Inline(&'a str),
}

impl<'a> StringRef<'a> {
    /// Reads the inline stream from `payload` when `str_ref` says there is one.
    pub(crate) fn parse(str_ref: u16, payload: &mut Reader<'a>) -> Result<Self, ParseError> {
        Ok(match decode(str_ref) {
            Decoded::Empty => Self::Empty,
            Decoded::Index(index) => Self::Index(index),
            Decoded::Inline(len) => Self::Inline(payload.padded_str(len)?),
        })
    }
}

/// A string ref whose inline bytes need not be UTF-8 (kernel object names).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum RawByteStringRef<'a> {
    Empty,
    Index(NonZeroU16),
    Inline(&'a [u8]),
}

impl<'a> RawByteStringRef<'a> {
    pub(crate) fn parse(str_ref: u16, payload: &mut Reader<'a>) -> Result<Self, ParseError> {
        Ok(match decode(str_ref) {
            Decoded::Empty => Self::Empty,
            Decoded::Index(index) => Self::Index(index),
            Decoded::Inline(len) => Self::Inline(payload.padded(len)?),
        })
    }
}

enum Decoded {
    Empty,
    Index(NonZeroU16),
    Inline(usize),
}

fn decode(str_ref: u16) -> Decoded {
    match NonZeroU16::new(str_ref) {
        None => Decoded::Empty,
        Some(index) if str_ref & STRING_REF_INLINE_BIT == 0 => Decoded::Index(index),
        Some(_) => Decoded::Inline((str_ref & !STRING_REF_INLINE_BIT) as usize),
    }
}

/// Type 2: `[16..30]` index, `[32..46]` length; the padded string follows. Index zero is
/// tolerated here and ignored (with a warning) when resolved, as the format requires.
#[derive(Debug, PartialEq)]
pub(crate) struct StringRecord<'a> {
    pub index: u16,
    pub value: &'a str,
}

impl<'a> StringRecord<'a> {
    pub(crate) fn parse(mut record: Reader<'a>) -> Result<Self, ParseError> {
        let (header, mut payload) = record.sized()?;
        header.expect_type(STRING_RECORD_TYPE, "StringHeader")?;
        let value = payload.padded_str(header.field(32, 46) as usize)?;
        payload.finish()?;
        Ok(Self { index: header.field(16, 30) as u16, value })
    }
}
