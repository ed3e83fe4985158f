//! Host build of the in-tree FXT (Fuchsia trace format) parser, crate `fxt`
//! (`//src/performance/lib/fxt/rust`, files `src/lib.rs`, `session.rs`, `event.rs`, `args.rs`,
//! `metadata.rs`, `objects.rs`, `string.rs`, `thread.rs`, `init.rs`, `error.rs`), with the same
//! public names and shapes: [`parse_full_session`] turns the byte stream a trace session
//! writes to its socket into [`TraceRecord`]s and [`ParseWarning`]s.
//!
//! The binary format is `docs/reference/tracing/trace-format.md`: records are whole 64-bit
//! little-endian words; the header word holds the record type in bits 0..=3 and the size in
//! words (header included) in bits 4..=15. See the README for the record kinds not parsed and
//! the host deviations.

mod args;
mod error;
mod event;
mod header;
mod init;
mod metadata;
mod objects;
mod session;
mod string;
mod thread;

pub use args::{Arg, ArgValue};
pub use error::{ParseError, ParseWarning};
pub use event::{EventPayload, EventRecord};
pub use metadata::{Provider, ProviderEvent};
pub use objects::{KernelObjRecord, KernelObjType, UserspaceObjRecord};
pub use session::{SessionParser, parse_full_session};
pub use string::StringRef;
pub use thread::{ProcessKoid, ProcessRef, ThreadKoid, ThreadRef};

use crate::event::RawEventRecord;
use crate::header::{Header, Reader};
use crate::init::InitRecord;
use crate::metadata::{MetadataRecord, TraceInfoMetadataRecord};
use crate::objects::{RawKernelObjRecord, RawUserspaceObjRecord};
use crate::session::ResolveCtx;
use crate::string::StringRecord;
use crate::thread::ThreadRecord;

/// One logical record of a session. String, thread, initialization and most metadata
/// records only change how later records resolve, so they are not returned.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceRecord {
    Event(EventRecord),
    UserspaceObj(UserspaceObjRecord),
    KernelObj(KernelObjRecord),
    ProviderEvent { provider: Provider, event: ProviderEvent },
}

impl TraceRecord {
    /// The process the record belongs to, where it names one (a thread's kernel object
    /// record names it in its `process` argument).
    pub fn process(&self) -> Option<ProcessKoid> {
        match self {
            Self::Event(EventRecord { process, .. })
            | Self::UserspaceObj(UserspaceObjRecord { process, .. }) => Some(*process),
            Self::KernelObj(k) => k.process(),
            Self::ProviderEvent { .. } => None,
        }
    }

    /// The thread the record belongs to, for events.
    pub fn thread(&self) -> Option<ThreadKoid> {
        match self {
            Self::Event(EventRecord { thread, .. }) => Some(*thread),
            Self::UserspaceObj(..) | Self::KernelObj(..) | Self::ProviderEvent { .. } => None,
        }
    }

    fn resolve(ctx: &mut ResolveCtx, raw: RawTraceRecord<'_>) -> Option<Self> {
        match raw {
            RawTraceRecord::Unknown { raw_type } => {
                ctx.add_warning(ParseWarning::UnknownTraceRecordType(raw_type));
                None
            }
            RawTraceRecord::Metadata(m) => ctx.on_metadata_record(m),
            RawTraceRecord::Init(i) => {
                ctx.on_init_record(i);
                None
            }
            RawTraceRecord::String(s) => {
                ctx.on_string_record(s);
                None
            }
            RawTraceRecord::Thread(t) => {
                ctx.on_thread_record(t);
                None
            }
            RawTraceRecord::Event(e) => Some(Self::Event(EventRecord::resolve(ctx, e))),
            RawTraceRecord::UserspaceObj(u) => {
                Some(Self::UserspaceObj(UserspaceObjRecord::resolve(ctx, u)))
            }
            RawTraceRecord::KernelObj(k) => Some(Self::KernelObj(KernelObjRecord::resolve(ctx, k))),
        }
    }
}

/// Why the bytes at hand did not yield a record.
#[derive(Debug)]
enum Incomplete {
    /// This many more bytes are needed for the record that starts the buffer.
    Needs(usize),
    /// The record is malformed.
    Invalid(ParseError),
}

/// A record as it is in the bytes, before string, thread and tick resolution.
#[derive(Debug, PartialEq)]
enum RawTraceRecord<'a> {
    Metadata(MetadataRecord<'a>),
    Init(InitRecord),
    String(StringRecord<'a>),
    Thread(ThreadRecord),
    Event(RawEventRecord<'a>),
    UserspaceObj(RawUserspaceObjRecord<'a>),
    KernelObj(RawKernelObjRecord<'a>),
    Unknown { raw_type: u8 },
}

const METADATA_RECORD_TYPE: u8 = 0;
const INIT_RECORD_TYPE: u8 = 1;
const STRING_RECORD_TYPE: u8 = 2;
const THREAD_RECORD_TYPE: u8 = 3;
const EVENT_RECORD_TYPE: u8 = 4;
const USERSPACE_OBJ_RECORD_TYPE: u8 = 6;
const KERNEL_OBJ_RECORD_TYPE: u8 = 7;

impl<'a> RawTraceRecord<'a> {
    /// Parses the record at the start of `buf`; returns the bytes after it. Incomplete when
    /// `buf` holds less than the header's size; InvalidSize for a zero size.
    fn parse(buf: &'a [u8]) -> Result<(&'a [u8], Self), Incomplete> {
        let Some(first_word) = buf.first_chunk::<8>() else {
            return Err(Incomplete::Needs(8 - buf.len()));
        };
        let header = Header(u64::from_le_bytes(*first_word));
        let size_bytes = header.size_words() as usize * 8;
        if size_bytes == 0 {
            return Err(Incomplete::Invalid(ParseError::InvalidSize));
        }
        if size_bytes > buf.len() {
            return Err(Incomplete::Needs(size_bytes - buf.len()));
        }
        let (record, rem) = buf.split_at(size_bytes);
        let record = Reader::new(record);
        // Every record parser sees exactly its record's bytes: running out inside them is a
        // malformed record, not a short read.
        let parsed = match header.raw_type() {
            METADATA_RECORD_TYPE => MetadataRecord::parse(record).map(Self::Metadata),
            INIT_RECORD_TYPE => InitRecord::parse(record).map(Self::Init),
            STRING_RECORD_TYPE => StringRecord::parse(record).map(Self::String),
            THREAD_RECORD_TYPE => ThreadRecord::parse(record).map(Self::Thread),
            EVENT_RECORD_TYPE => RawEventRecord::parse(record).map(Self::Event),
            USERSPACE_OBJ_RECORD_TYPE => {
                RawUserspaceObjRecord::parse(record).map(Self::UserspaceObj)
            }
            KERNEL_OBJ_RECORD_TYPE => RawKernelObjRecord::parse(record).map(Self::KernelObj),
            raw_type => Ok(Self::Unknown { raw_type }),
        }
        .map_err(Incomplete::Invalid)?;
        Ok((rem, parsed))
    }

    fn is_magic_number(&self) -> bool {
        matches!(
            self,
            Self::Metadata(MetadataRecord::TraceInfo(TraceInfoMetadataRecord::MagicNumber))
        )
    }
}
