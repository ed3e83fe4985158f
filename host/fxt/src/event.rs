//! Event records (in-tree `event.rs`).
//!
//! Type 4: `[16..19]` event type, `[20..23]` argument count, `[24..31]` thread ref,
//! `[32..47]` category (string ref), `[48..63]` name (string ref); then the timestamp word,
//! the inline process and thread koids, the inline category and name, the arguments, and
//! the event type's own words.

use crate::args::{Arg, RawArg};
use crate::header::Reader;
use crate::init::Ticks;
use crate::session::ResolveCtx;
use crate::string::StringRef;
use crate::thread::{ProcessKoid, ProcessRef, ThreadKoid, ThreadRef};
use crate::{EVENT_RECORD_TYPE, ParseError, Provider};

pub(crate) const INSTANT_EVENT_TYPE: u8 = 0;
pub(crate) const COUNTER_EVENT_TYPE: u8 = 1;
pub(crate) const DURATION_BEGIN_EVENT_TYPE: u8 = 2;
pub(crate) const DURATION_END_EVENT_TYPE: u8 = 3;
pub(crate) const DURATION_COMPLETE_EVENT_TYPE: u8 = 4;
pub(crate) const ASYNC_BEGIN_EVENT_TYPE: u8 = 5;
pub(crate) const ASYNC_INSTANT_EVENT_TYPE: u8 = 6;
pub(crate) const ASYNC_END_EVENT_TYPE: u8 = 7;
pub(crate) const FLOW_BEGIN_EVENT_TYPE: u8 = 8;
pub(crate) const FLOW_STEP_EVENT_TYPE: u8 = 9;
pub(crate) const FLOW_END_EVENT_TYPE: u8 = 10;

/// A resolved event: `timestamp` in nanoseconds (ticks scaled by the session's
/// initialization record), strings and koids looked up.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    pub provider: Option<Provider>,
    pub timestamp: i64,
    pub process: ProcessKoid,
    pub thread: ThreadKoid,
    pub category: String,
    pub name: String,
    pub args: Vec<Arg>,
    pub payload: EventPayload<i64>,
}

impl EventRecord {
    pub(crate) fn resolve(ctx: &mut ResolveCtx, raw: RawEventRecord<'_>) -> Self {
        Self {
            provider: ctx.current_provider(),
            timestamp: ctx.resolve_ticks(raw.ticks),
            process: ctx.resolve_process(raw.process),
            thread: ctx.resolve_thread(raw.thread),
            category: ctx.resolve_str(raw.category),
            name: ctx.resolve_str(raw.name),
            args: Arg::resolve_n(ctx, raw.args),
            payload: raw.payload.resolve(ctx),
        }
    }
}

/// What the event type adds; `Time` is ticks before resolution, nanoseconds after.
#[derive(Clone, Debug, PartialEq)]
pub enum EventPayload<Time> {
    Instant,
    Counter { id: u64 },
    DurationBegin,
    DurationEnd,
    DurationComplete { end_timestamp: Time },
    AsyncBegin { id: u64 },
    AsyncInstant { id: u64 },
    AsyncEnd { id: u64 },
    FlowBegin { id: u64 },
    FlowStep { id: u64 },
    FlowEnd { id: u64 },
    Unknown { raw_type: u8, bytes: Vec<u8> },
}

impl EventPayload<Ticks> {
    fn resolve(self, ctx: &ResolveCtx) -> EventPayload<i64> {
        match self {
            Self::Instant => EventPayload::Instant,
            Self::Counter { id } => EventPayload::Counter { id },
            Self::DurationBegin => EventPayload::DurationBegin,
            Self::DurationEnd => EventPayload::DurationEnd,
            Self::DurationComplete { end_timestamp } => {
                EventPayload::DurationComplete { end_timestamp: ctx.resolve_ticks(end_timestamp) }
            }
            Self::AsyncBegin { id } => EventPayload::AsyncBegin { id },
            Self::AsyncInstant { id } => EventPayload::AsyncInstant { id },
            Self::AsyncEnd { id } => EventPayload::AsyncEnd { id },
            Self::FlowBegin { id } => EventPayload::FlowBegin { id },
            Self::FlowStep { id } => EventPayload::FlowStep { id },
            Self::FlowEnd { id } => EventPayload::FlowEnd { id },
            Self::Unknown { raw_type, bytes } => EventPayload::Unknown { raw_type, bytes },
        }
    }

    /// Reads the event type's words. Words after them are ignored, as in-tree: the engine
    /// writes the scope of an instant event there.
    fn parse(event_type: u8, payload: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(match event_type {
            INSTANT_EVENT_TYPE => Self::Instant,
            COUNTER_EVENT_TYPE => Self::Counter { id: payload.word()? },
            DURATION_BEGIN_EVENT_TYPE => Self::DurationBegin,
            DURATION_END_EVENT_TYPE => Self::DurationEnd,
            DURATION_COMPLETE_EVENT_TYPE => {
                Self::DurationComplete { end_timestamp: Ticks(payload.word()?) }
            }
            ASYNC_BEGIN_EVENT_TYPE => Self::AsyncBegin { id: payload.word()? },
            ASYNC_INSTANT_EVENT_TYPE => Self::AsyncInstant { id: payload.word()? },
            ASYNC_END_EVENT_TYPE => Self::AsyncEnd { id: payload.word()? },
            FLOW_BEGIN_EVENT_TYPE => Self::FlowBegin { id: payload.word()? },
            FLOW_STEP_EVENT_TYPE => Self::FlowStep { id: payload.word()? },
            FLOW_END_EVENT_TYPE => Self::FlowEnd { id: payload.word()? },
            raw_type => Self::Unknown { raw_type, bytes: payload.rest().to_vec() },
        })
    }
}

/// An event as encoded.
#[derive(Debug, PartialEq)]
pub(crate) struct RawEventRecord<'a> {
    ticks: Ticks,
    process: ProcessRef,
    thread: ThreadRef,
    category: StringRef<'a>,
    name: StringRef<'a>,
    args: Vec<RawArg<'a>>,
    payload: EventPayload<Ticks>,
}

impl<'a> RawEventRecord<'a> {
    pub(crate) fn parse(mut record: Reader<'a>) -> Result<Self, ParseError> {
        let (header, mut payload) = record.sized()?;
        header.expect_type(EVENT_RECORD_TYPE, "EventHeader")?;
        let thread_ref = header.field(24, 31) as u8;
        let ticks = Ticks(payload.word()?);
        let process = ProcessRef::parse(thread_ref, &mut payload)?;
        let thread = ThreadRef::parse(thread_ref, &mut payload)?;
        let category = StringRef::parse(header.field(32, 47) as u16, &mut payload)?;
        let name = StringRef::parse(header.field(48, 63) as u16, &mut payload)?;
        let args = RawArg::parse_n(header.field(20, 23) as u8, &mut payload)?;
        let payload = EventPayload::parse(header.field(16, 19) as u8, &mut payload)?;
        Ok(Self { ticks, process, thread, category, name, args, payload })
    }
}
