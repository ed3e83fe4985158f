//! Host emulation of Zircon kernel objects, with the API of the newest in-tree `zx` crate.
//!
//! Objects live in one process-wide emulated kernel: a handle table maps handle values to
//! objects and rights, and every rule a component can observe (message and handle limits,
//! handle consumption, rights checks, peer-closed behaviour, counter signals, koids) follows
//! Zircon. All types are `Send + Sync`; a signal change wakes waiters on any thread without
//! polling.

mod channel;
mod counter;
mod event;
mod fifo;
mod handle;
pub mod host;
mod identity;
mod kernel;
mod message_buf;
mod name;
mod policy;
mod rights;
mod signals;
mod socket;
mod status;
pub mod sys;
mod thread;
mod time;
mod vmo;
mod wait;

pub use channel::{Channel, ChannelReadResult};
pub use counter::Counter;
pub use event::{Event, EventPair};
pub use fifo::{Fifo, UnspecifiedFifoElement};
pub use handle::{
    AsHandleRef, Handle, HandleBased, HandleBasicInfo, HandleDisposition, HandleInfo, HandleOp,
    HandleRef, NullableHandle, Peered, Unowned, WaitResult,
};
pub use identity::{Koid, ObjectType};
pub use message_buf::{MessageBuf, MessageBufEtc};
pub use name::Name;
pub use rights::Rights;
pub use signals::Signals;
pub use socket::{
    Socket, SocketInfo, SocketOpts, SocketReadOpts, SocketWriteDisposition, SocketWriteOpts,
};
pub use status::{Status, ok};
pub use thread::Thread;
pub use time::{
    BootDuration, BootInstant, BootTimeline, Duration, Instant, MonotonicDuration,
    MonotonicInstant, MonotonicTimeline, Timeline,
};
pub use vmo::{Vmo, VmoInfo, VmoOptions};
pub use wait::{WaitItem, object_wait_many};
