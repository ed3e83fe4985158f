//! Koids, thread references and thread records (in-tree `thread.rs`).

use crate::header::Reader;
use crate::{ParseError, THREAD_RECORD_TYPE};
use std::num::NonZeroU8;

/// A process koid.
#[derive(Clone, Copy, Debug, Eq, Hash, PartialEq, PartialOrd, Ord)]
pub struct ProcessKoid(pub u64);

impl From<u64> for ProcessKoid {
    fn from(n: u64) -> Self {
        Self(n)
    }
}

impl PartialEq<u64> for ProcessKoid {
    fn eq(&self, other: &u64) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Display for ProcessKoid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A thread koid.
#[derive(Clone, Copy, Debug, Eq, Hash, PartialEq, PartialOrd, Ord)]
pub struct ThreadKoid(pub u64);

impl From<u64> for ThreadKoid {
    fn from(n: u64) -> Self {
        Self(n)
    }
}

impl PartialEq<u64> for ThreadKoid {
    fn eq(&self, other: &u64) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Display for ThreadKoid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The process half of a thread ref: an index into the thread table, or a koid inline.
#[derive(Clone, Debug, PartialEq)]
pub enum ProcessRef {
    Index(NonZeroU8),
    Inline(ProcessKoid),
}

impl ProcessRef {
    /// A thread ref of zero means the koid follows inline.
    pub(crate) fn parse(thread_ref: u8, payload: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(match NonZeroU8::new(thread_ref) {
            Some(index) => Self::Index(index),
            None => Self::Inline(ProcessKoid(payload.word()?)),
        })
    }
}

/// The thread half of a thread ref: an index into the thread table, or a koid inline.
#[derive(Clone, Debug, PartialEq)]
pub enum ThreadRef {
    Index(NonZeroU8),
    Inline(ThreadKoid),
}

impl ThreadRef {
    pub(crate) fn parse(thread_ref: u8, payload: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(match NonZeroU8::new(thread_ref) {
            Some(index) => Self::Index(index),
            None => Self::Inline(ThreadKoid(payload.word()?)),
        })
    }
}

/// Type 3: `[16..23]` thread index (never 0); process koid word; thread koid word.
#[derive(Debug, PartialEq)]
pub(crate) struct ThreadRecord {
    pub index: NonZeroU8,
    pub process_koid: ProcessKoid,
    pub thread_koid: ThreadKoid,
}

impl ThreadRecord {
    pub(crate) fn parse(mut record: Reader<'_>) -> Result<Self, ParseError> {
        let (header, mut payload) = record.sized()?;
        header.expect_type(THREAD_RECORD_TYPE, "ThreadHeader")?;
        let process_koid = ProcessKoid(payload.word()?);
        let thread_koid = ThreadKoid(payload.word()?);
        payload.finish()?;
        let index = NonZeroU8::new(header.field(16, 23) as u8).ok_or(ParseError::InvalidRef)?;
        Ok(Self { index, process_koid, thread_koid })
    }
}
