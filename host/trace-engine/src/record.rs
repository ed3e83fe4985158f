//! FXT record encoding, byte for byte as the in-tree engine writes records
//! (`context_api.cc`: `WriteEventRecordBase`, `Payload::WriteArg`, `WriteStringRecord`,
//! `WriteThreadRecord`, `trace_context_write_*`; field positions from `fields.h`; limits
//! from `types.h`). The format is `docs/reference/tracing/trace-format.md`.
//!
//! Every record is whole little-endian words; its header word holds the record type in bits
//! 0..=3 and its size in words, header included, in bits 4..=15. Streams (strings) are
//! padded with zeros to a whole word.

/// `RecordFields::kMaxRecordSizeWords`: the 12-bit size field's largest value.
pub const MAX_RECORD_SIZE_WORDS: usize = 0xfff;
/// `RecordFields::kMaxRecordSizeBytes` (32760).
pub const MAX_RECORD_SIZE_BYTES: usize = MAX_RECORD_SIZE_WORDS * 8;
/// `TRACE_MAX_ARGS`: the 4-bit argument count's largest value.
pub const MAX_ARGS: usize = 15;
/// `TRACE_ENCODED_STRING_REF_MAX_LENGTH`: longer inline strings are truncated.
pub const MAX_STRING_LENGTH: usize = 32000;
/// `TRACE_ENCODED_STRING_REF_MAX_INDEX`.
pub const MAX_STRING_INDEX: u16 = 0x7fff;
/// `ProviderInfoMetadataRecordFields::kMaxNameLength`: the 8-bit name length's largest value.
pub const MAX_PROVIDER_NAME_LENGTH: usize = 0xff;
/// `kMagicValue`, the value of a magic number record's bits 24..=55.
pub const MAGIC_VALUE: u32 = 0x16547846;

/// `TRACE_ENCODED_STRING_REF_INLINE_FLAG`.
const STRING_REF_INLINE_FLAG: u16 = 0x8000;

/// The bytes of records being encoded.
pub(crate) type Scratch = Vec<u8>;

/// Why a record was not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// More than 15 arguments: the count field has 4 bits (`TRACE_MAX_ARGS`).
    #[error("{count} arguments; a record carries at most 15")]
    TooManyArgs { count: usize },
    /// The record would exceed 4095 words (`RecordFields::kMaxRecordSizeBytes`).
    #[error("record of {bytes} bytes exceeds the 32760-byte maximum")]
    RecordTooLarge { bytes: usize },
    /// A string index of 0 or above 0x7fff.
    #[error("string index {0} is outside 1..=0x7fff")]
    InvalidStringIndex(u16),
    /// A thread index of 0 (which means "inline").
    #[error("thread index 0 is reserved for inline threads")]
    InvalidThreadIndex,
    /// An initialization record with zero ticks per second.
    #[error("zero ticks per second")]
    ZeroTicksPerSecond,
    /// A provider name longer than 255 bytes.
    #[error("provider name of {len} bytes exceeds 255")]
    ProviderNameTooLong { len: usize },
    /// The trace buffer had no room: the record was dropped and counted.
    #[error("trace buffer full; record dropped")]
    BufferFull,
    /// Writing the buffer VMO failed.
    #[error("writing the trace buffer failed: {0}")]
    Vmo(zx::Status),
}

/// A 16-bit string ref (`trace_string_ref_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringRef<'a> {
    /// Encoded as zero.
    Empty,
    /// An index registered by a [`Record::String`] earlier in the same provider's buffer.
    Indexed(u16),
    /// The bytes follow in the record. As `trace_make_inline_string_ref`, an empty string
    /// is encoded as [`StringRef::Empty`] and one over 32000 bytes is truncated (here at
    /// the last UTF-8 character boundary at or below 32000 bytes).
    Inline(&'a str),
}

impl<'a> StringRef<'a> {
    /// The encoded ref and the inline bytes, if any.
    fn encode(self) -> Result<(u16, Option<&'a str>), WriteError> {
        match self {
            Self::Empty => Ok((0, None)),
            Self::Indexed(index) if (1..=MAX_STRING_INDEX).contains(&index) => Ok((index, None)),
            Self::Indexed(index) => Err(WriteError::InvalidStringIndex(index)),
            Self::Inline(s) => {
                let s = truncate(s);
                if s.is_empty() {
                    Ok((0, None))
                } else {
                    Ok((STRING_REF_INLINE_FLAG | s.len() as u16, Some(s)))
                }
            }
        }
    }
}

/// `s` cut to at most [`MAX_STRING_LENGTH`] bytes, at a character boundary.
fn truncate(s: &str) -> &str {
    if s.len() <= MAX_STRING_LENGTH {
        return s;
    }
    let mut end = MAX_STRING_LENGTH;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// An 8-bit thread ref (`trace_thread_ref_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadRef {
    /// Encoded as zero; the process and thread koids follow in the record.
    Inline { process_koid: u64, thread_koid: u64 },
    /// An index (1..=255) registered by a [`Record::Thread`] earlier in the buffer.
    Indexed(u8),
}

impl ThreadRef {
    fn encode(self) -> Result<u8, WriteError> {
        match self {
            Self::Inline { .. } => Ok(0),
            Self::Indexed(0) => Err(WriteError::InvalidThreadIndex),
            Self::Indexed(index) => Ok(index),
        }
    }
}

/// An argument value (`trace_arg_value_t`); blob arguments are not written by the engine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ArgValue<'a> {
    Null,
    Bool(bool),
    Int32(i32),
    Uint32(u32),
    Int64(i64),
    Uint64(u64),
    Double(f64),
    String(StringRef<'a>),
    Pointer(u64),
    Koid(u64),
}

/// A named argument (`trace_arg_t`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arg<'a> {
    pub name: StringRef<'a>,
    pub value: ArgValue<'a>,
}

impl<'a> Arg<'a> {
    pub fn new(name: &'a str, value: ArgValue<'a>) -> Self {
        Self { name: StringRef::Inline(name), value }
    }
}

/// The scope word the engine writes after an instant event's arguments (`trace_scope_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Thread = 0,
    Process = 1,
    Global = 2,
}

/// The event type (`EventType`) and the words it adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventPayload {
    /// Type 0, followed by the scope word.
    Instant {
        scope: Scope,
    },
    /// Type 1; each argument is one series of counter `id`.
    Counter {
        id: u64,
    },
    DurationBegin,
    DurationEnd,
    /// Type 4; `end_ticks` follows.
    DurationComplete {
        end_ticks: u64,
    },
    AsyncBegin {
        id: u64,
    },
    AsyncInstant {
        id: u64,
    },
    AsyncEnd {
        id: u64,
    },
    FlowBegin {
        id: u64,
    },
    FlowStep {
        id: u64,
    },
    FlowEnd {
        id: u64,
    },
}

impl EventPayload {
    /// The event type and the word that follows the arguments, if any.
    fn encode(self) -> (u64, Option<u64>) {
        match self {
            Self::Instant { scope } => (0, Some(scope as u64)),
            Self::Counter { id } => (1, Some(id)),
            Self::DurationBegin => (2, None),
            Self::DurationEnd => (3, None),
            Self::DurationComplete { end_ticks } => (4, Some(end_ticks)),
            Self::AsyncBegin { id } => (5, Some(id)),
            Self::AsyncInstant { id } => (6, Some(id)),
            Self::AsyncEnd { id } => (7, Some(id)),
            Self::FlowBegin { id } => (8, Some(id)),
            Self::FlowStep { id } => (9, Some(id)),
            Self::FlowEnd { id } => (10, Some(id)),
        }
    }
}

/// An event record (type 4).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event<'a> {
    /// The timestamp in ticks of the clock the initialization record describes.
    pub ticks: u64,
    pub thread: ThreadRef,
    pub category: StringRef<'a>,
    pub name: StringRef<'a>,
    pub args: &'a [Arg<'a>],
    pub payload: EventPayload,
}

/// A record a trace provider writes into its buffer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Record<'a> {
    /// Type 1: the tick rate of every timestamp that follows.
    Initialization { ticks_per_second: u64 },
    /// Type 2: registers `value` (truncated to 32000 bytes) as string `index` (1..=0x7fff).
    String { index: u16, value: &'a str },
    /// Type 3: registers a process and thread koid pair as thread `index` (1..=255).
    Thread { index: u8, process_koid: u64, thread_koid: u64 },
    /// Type 7: names a kernel object and attaches arguments to it.
    KernelObject { koid: u64, obj_type: zx::ObjectType, name: StringRef<'a>, args: &'a [Arg<'a>] },
    /// A process's name: a kernel object record of type PROCESS without arguments
    /// (`trace_context_write_process_info_record`).
    ProcessInfo { process_koid: u64, name: &'a str },
    /// A thread's name: a kernel object record of type THREAD with one koid argument named
    /// `process` (`trace_context_write_thread_info_record`).
    ThreadInfo { process_koid: u64, thread_koid: u64, name: &'a str },
    /// Type 4.
    Event(Event<'a>),
}

const INITIALIZATION_RECORD_TYPE: u64 = 1;
const STRING_RECORD_TYPE: u64 = 2;
const THREAD_RECORD_TYPE: u64 = 3;
const EVENT_RECORD_TYPE: u64 = 4;
const KERNEL_OBJECT_RECORD_TYPE: u64 = 7;

impl Record<'_> {
    /// The record's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, WriteError> {
        let mut out = Scratch::with_capacity(128);
        self.encode(&mut out)?;
        Ok(out)
    }

    /// Appends the record's bytes to `out`; on error `out` may hold a partial record.
    pub(crate) fn encode(&self, out: &mut Scratch) -> Result<(), WriteError> {
        let mut w = Words::begin(out);
        match *self {
            Self::Initialization { ticks_per_second } => {
                if ticks_per_second == 0 {
                    return Err(WriteError::ZeroTicksPerSecond);
                }
                w.word(ticks_per_second);
                w.finish(INITIALIZATION_RECORD_TYPE)
            }
            Self::String { index, value } => {
                if !(1..=MAX_STRING_INDEX).contains(&index) {
                    return Err(WriteError::InvalidStringIndex(index));
                }
                let value = truncate(value);
                w.stream(value.as_bytes());
                w.finish(
                    STRING_RECORD_TYPE
                        | field(index as u64, 16, 30)
                        | field(value.len() as u64, 32, 46),
                )
            }
            Self::Thread { index, process_koid, thread_koid } => {
                if index == 0 {
                    return Err(WriteError::InvalidThreadIndex);
                }
                w.word(process_koid);
                w.word(thread_koid);
                w.finish(THREAD_RECORD_TYPE | field(index as u64, 16, 23))
            }
            Self::KernelObject { koid, obj_type, name, args } => {
                w.kernel_object(koid, obj_type, name, args)
            }
            Self::ProcessInfo { process_koid, name } => {
                w.kernel_object(process_koid, zx::ObjectType::PROCESS, StringRef::Inline(name), &[])
            }
            Self::ThreadInfo { process_koid, thread_koid, name } => {
                let process = Arg::new("process", ArgValue::Koid(process_koid));
                w.kernel_object(
                    thread_koid,
                    zx::ObjectType::THREAD,
                    StringRef::Inline(name),
                    &[process],
                )
            }
            Self::Event(event) => w.event(&event),
        }
    }
}

/// A record the trace manager writes into the session's stream (type 0). Providers must not
/// write these into their buffers, so [`crate::TraceBuffer`] does not take them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetadataRecord<'a> {
    /// The first record of every session: the word 0x0016547846040010.
    MagicNumber,
    /// Starts the records of provider `provider_id` and names it (at most 255 bytes).
    ProviderInfo { provider_id: u32, name: &'a str },
    /// Switches back to the records of an already named provider.
    ProviderSection { provider_id: u32 },
    /// A provider event, anywhere in the stream.
    ProviderEvent { provider_id: u32, event: ProviderEventType },
}

/// `ProviderEventType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderEventType {
    /// Event 0: the provider's buffer filled and records were dropped.
    BufferOverflow = 0,
}

const METADATA_RECORD_TYPE: u64 = 0;

impl MetadataRecord<'_> {
    /// The record's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, WriteError> {
        let mut out = Scratch::with_capacity(32);
        let mut w = Words::begin(&mut out);
        match *self {
            Self::MagicNumber => w.finish(
                METADATA_RECORD_TYPE
                    | field(4, 16, 19)
                    | field(0, 20, 23)
                    | field(MAGIC_VALUE as u64, 24, 55),
            )?,
            Self::ProviderInfo { provider_id, name } => {
                if name.len() > MAX_PROVIDER_NAME_LENGTH {
                    return Err(WriteError::ProviderNameTooLong { len: name.len() });
                }
                w.stream(name.as_bytes());
                w.finish(
                    METADATA_RECORD_TYPE
                        | field(1, 16, 19)
                        | field(provider_id as u64, 20, 51)
                        | field(name.len() as u64, 52, 59),
                )?
            }
            Self::ProviderSection { provider_id } => w.finish(
                METADATA_RECORD_TYPE | field(2, 16, 19) | field(provider_id as u64, 20, 51),
            )?,
            Self::ProviderEvent { provider_id, event } => w.finish(
                METADATA_RECORD_TYPE
                    | field(3, 16, 19)
                    | field(provider_id as u64, 20, 51)
                    | field(event as u64, 52, 55),
            )?,
        }
        Ok(out)
    }
}

/// `value` in bits `lo..=hi` (`Field<lo, hi>::Make`: masked to the field's width).
const fn field(value: u64, lo: u32, hi: u32) -> u64 {
    (value & ((1u64 << (hi - lo + 1)) - 1)) << lo
}

/// Appends one record's words to a scratch buffer: a placeholder header first, patched by
/// [`Words::finish`] once the size is known.
struct Words<'o> {
    out: &'o mut Scratch,
    start: usize,
}

impl<'o> Words<'o> {
    fn begin(out: &'o mut Scratch) -> Self {
        let start = out.len();
        out.extend_from_slice(&[0; 8]);
        Self { out, start }
    }

    fn word(&mut self, value: u64) {
        self.out.extend_from_slice(&value.to_le_bytes());
    }

    /// `bytes` padded with zeros to a whole word (`Payload::WriteBytes`).
    fn stream(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        let padding = bytes.len().next_multiple_of(8) - bytes.len();
        self.out.extend_from_slice(&[0; 8][..padding]);
    }

    fn string(&mut self, inline: Option<&str>) {
        if let Some(s) = inline {
            self.stream(s.as_bytes());
        }
    }

    /// One argument (`Payload::WriteArg`): header word (`[0..3]` type, `[4..15]` size in
    /// words, `[16..31]` name ref, `[32..63]` inline value), the inline name, the value.
    fn arg(&mut self, arg: &Arg<'_>) -> Result<(), WriteError> {
        let (name_ref, name) = arg.name.encode()?;
        let at = self.out.len();
        self.word(0);
        self.string(name);
        let (arg_type, inline_bits) = match arg.value {
            ArgValue::Null => (0, 0),
            ArgValue::Int32(v) => (1, field(v as u32 as u64, 32, 63)),
            ArgValue::Uint32(v) => (2, field(v as u64, 32, 63)),
            ArgValue::Int64(v) => {
                self.word(v as u64);
                (3, 0)
            }
            ArgValue::Uint64(v) => {
                self.word(v);
                (4, 0)
            }
            ArgValue::Double(v) => {
                self.word(v.to_bits());
                (5, 0)
            }
            ArgValue::String(value) => {
                let (value_ref, value) = value.encode()?;
                self.string(value);
                (6, field(value_ref as u64, 32, 47))
            }
            ArgValue::Pointer(v) => {
                self.word(v);
                (7, 0)
            }
            ArgValue::Koid(v) => {
                self.word(v);
                (8, 0)
            }
            ArgValue::Bool(v) => (9, field(v as u64, 32, 32)),
        };
        let words = ((self.out.len() - at) / 8) as u64;
        let header = arg_type | field(words, 4, 15) | field(name_ref as u64, 16, 31) | inline_bits;
        self.out[at..at + 8].copy_from_slice(&header.to_le_bytes());
        Ok(())
    }

    fn args(&mut self, args: &[Arg<'_>]) -> Result<u64, WriteError> {
        if args.len() > MAX_ARGS {
            return Err(WriteError::TooManyArgs { count: args.len() });
        }
        for arg in args {
            self.arg(arg)?;
        }
        Ok(args.len() as u64)
    }

    /// `trace_context_write_kernel_object_record`: `[16..23]` object type, `[24..39]` name
    /// ref, `[40..43]` argument count; koid word, inline name, arguments.
    fn kernel_object(
        mut self,
        koid: u64,
        obj_type: zx::ObjectType,
        name: StringRef<'_>,
        args: &[Arg<'_>],
    ) -> Result<(), WriteError> {
        let (name_ref, name) = name.encode()?;
        self.word(koid);
        self.string(name);
        let count = self.args(args)?;
        self.finish(
            KERNEL_OBJECT_RECORD_TYPE
                | field(obj_type.into_raw() as u64, 16, 23)
                | field(name_ref as u64, 24, 39)
                | field(count, 40, 43),
        )
    }

    /// `WriteEventRecordBase` and the `trace_context_write_*_event_record` tails.
    fn event(mut self, event: &Event<'_>) -> Result<(), WriteError> {
        let thread_ref = event.thread.encode()?;
        let (category_ref, category) = event.category.encode()?;
        let (name_ref, name) = event.name.encode()?;
        let (event_type, tail) = event.payload.encode();
        self.word(event.ticks);
        if let ThreadRef::Inline { process_koid, thread_koid } = event.thread {
            self.word(process_koid);
            self.word(thread_koid);
        }
        self.string(category);
        self.string(name);
        let count = self.args(event.args)?;
        if let Some(word) = tail {
            self.word(word);
        }
        self.finish(
            EVENT_RECORD_TYPE
                | field(event_type, 16, 19)
                | field(count, 20, 23)
                | field(thread_ref as u64, 24, 31)
                | field(category_ref as u64, 32, 47)
                | field(name_ref as u64, 48, 63),
        )
    }

    /// Writes the header word: `bits` plus the size in words. RecordTooLarge past 4095
    /// words, where in-tree the size field would be masked into a corrupt record.
    fn finish(self, bits: u64) -> Result<(), WriteError> {
        let bytes = self.out.len() - self.start;
        if bytes > MAX_RECORD_SIZE_BYTES {
            return Err(WriteError::RecordTooLarge { bytes });
        }
        let header = bits | field((bytes / 8) as u64, 4, 15);
        self.out[self.start..self.start + 8].copy_from_slice(&header.to_le_bytes());
        Ok(())
    }
}
