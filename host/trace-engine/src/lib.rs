//! Host build of the record-writing part of the in-tree trace engine
//! (`//zircon/system/ulib/trace-engine`: `context.cc`, `context_api.cc`, `rolling_buffer.cc`,
//! `buffer_internal.h`, `include/lib/trace-engine/{types.h,fields.h}`).
//!
//! Host-internal: the host `fuchsia-trace` writes records with it and the host trace manager
//! reads the buffers back. Its API is the host's own; the bytes are the in-tree ones:
//! - [`record`] encodes FXT records exactly as `context_api.cc` does (the layout is
//!   `docs/reference/tracing/trace-format.md`), and refuses what the engine cannot encode.
//! - [`buffer`] is a trace buffer in a [`zx::Vmo`] with the `trace_buffer_header` of
//!   `buffer_internal.h` and the oneshot allocation of `rolling_buffer.cc`.

pub mod buffer;
pub mod record;

pub use buffer::{
    BufferContents, BufferError, BufferHeader, BufferingMode, ReadError, TraceBuffer, read_buffer,
};
pub use record::{
    Arg, ArgValue, Event, EventPayload, MetadataRecord, ProviderEventType, Record, Scope,
    StringRef, ThreadRef, WriteError,
};
