//! Header words and a bounds-checked reader over one record's bytes.
//!
//! Follows the in-tree `header.rs` (`trace_header!`): a header word keeps the record or
//! argument type in bits 0..=3 and the size in words (header included) in bits 4..=15, and a
//! parser checks the type it expects (`ParseError::WrongType`).

use crate::ParseError;

/// One header word; fields are `[lo ..= hi]` bit ranges as in the format document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header(pub(crate) u64);

impl Header {
    /// Bits `lo..=hi`.
    pub(crate) fn field(self, lo: u32, hi: u32) -> u64 {
        let width = hi - lo + 1;
        (self.0 >> lo) & ((1u64 << width) - 1)
    }

    /// Bits 0..=3.
    pub(crate) fn raw_type(self) -> u8 {
        self.field(0, 3) as u8
    }

    /// Bits 4..=15: the size in words, this header included.
    pub(crate) fn size_words(self) -> u16 {
        self.field(4, 15) as u16
    }

    /// WrongType unless the type field is `expected`.
    pub(crate) fn expect_type(self, expected: u8, context: &'static str) -> Result<(), ParseError> {
        let observed = self.raw_type();
        if observed == expected {
            Ok(())
        } else {
            Err(ParseError::WrongType { expected, observed, context })
        }
    }
}

/// Reads words and padded streams from the bytes of one record or argument; running out is
/// InvalidSize, since the size field said the bytes were there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Self { buf }
    }

    /// The next little-endian word.
    pub(crate) fn word(&mut self) -> Result<u64, ParseError> {
        let (word, rest) = self.buf.split_first_chunk::<8>().ok_or(ParseError::InvalidSize)?;
        self.buf = rest;
        Ok(u64::from_le_bytes(*word))
    }

    /// The header word of a record or argument, and a reader over the payload its size field
    /// covers; `self` moves past both. InvalidSize for a zero size or one past the end.
    pub(crate) fn sized(&mut self) -> Result<(Header, Reader<'a>), ParseError> {
        let header = Header(self.word()?);
        let words = header.size_words() as usize;
        if words == 0 {
            return Err(ParseError::InvalidSize);
        }
        let payload_len = (words - 1) * 8;
        if payload_len > self.buf.len() {
            return Err(ParseError::InvalidSize);
        }
        let (payload, rest) = self.buf.split_at(payload_len);
        self.buf = rest;
        Ok((header, Reader::new(payload)))
    }

    /// `len` bytes of a stream padded with zeros to a whole word; the padding is skipped.
    pub(crate) fn padded(&mut self, len: usize) -> Result<&'a [u8], ParseError> {
        let padded_len = len.next_multiple_of(8);
        if padded_len > self.buf.len() {
            return Err(ParseError::InvalidSize);
        }
        let (with_padding, rest) = self.buf.split_at(padded_len);
        self.buf = rest;
        Ok(&with_padding[..len])
    }

    /// A padded UTF-8 stream of `len` bytes.
    pub(crate) fn padded_str(&mut self, len: usize) -> Result<&'a str, ParseError> {
        Ok(std::str::from_utf8(self.padded(len)?)?)
    }

    /// The bytes not read yet.
    pub(crate) fn rest(self) -> &'a [u8] {
        self.buf
    }

    /// InvalidSize unless every byte was read.
    pub(crate) fn finish(self) -> Result<(), ParseError> {
        if self.buf.is_empty() { Ok(()) } else { Err(ParseError::InvalidSize) }
    }
}
